"""Search quality on an evaluation set: Recall@1, Recall@5 and MRR.

For techniques a query is answered when any of its listed techniques is found (readers want the one
right technique; a few queries accept more than one); Recall@k is the share of queries answered in
the top k and MRR the mean of 1 / rank of the first one found. For papers, Recall@k is the share of
a query's relevant papers found in the top k (out of at most k), averaged over queries, and MRR
uses the first relevant paper found; datasets are scored as papers are. Relevant ids missing from
the catalog are ignored; a query left with none is skipped and counted as such.

Queries carry a `group` (direction, topical, known-item, dataset, acronym; none for the general
set). Topical paper queries are scored by filing: P@5 is the share of the top 5 papers filed under
one of the query's techniques (`precision_by_filing`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.search.errors import SearchError


@dataclass(frozen=True)
class EvalQuery:
    """One evaluation query with its relevant entries per kind."""

    text: str
    relevant: dict[str, tuple[str, ...]]
    group: str = "general"


def _read(path: Path) -> object:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise SearchError(f"{path}: cannot read the evaluation queries ({exc})") from exc


def load_unrelated(path: Path) -> list[str]:
    """The `unrelated` queries of the evaluation YAML (about nothing in the atlas)."""
    data = _read(path)
    items = data.get("unrelated") if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
        raise SearchError(f"{path}: expected an `unrelated` list of query strings")
    return list(items)


def load_queries(path: Path) -> list[EvalQuery]:
    """Read the evaluation YAML (`queries: [{q, group, techniques, papers, datasets}]`);
    SearchError on bad shape."""
    data = _read(path)
    items = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise SearchError(f"{path}: expected a mapping with a `queries` list")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise SearchError(f"{path}: queries[{i}]: each query needs a `q` string")
        relevant = {
            "technique": tuple(str(x) for x in item.get("techniques") or []),
            "paper": tuple(str(x) for x in item.get("papers") or []),
            "dataset": tuple(str(x) for x in item.get("datasets") or []),
        }
        out.append(EvalQuery(item["q"], relevant, str(item.get("group") or "general")))
    return out


def score_rankings(
    rankings: Sequence[Sequence[str]],
    relevant: Sequence[Sequence[str]],
    any_hit: bool,
    ks: tuple[int, ...] = (1, 5),
) -> dict[str, float]:
    """Recall@k for each k, MRR and the number of queries scored (see the module docstring)."""
    if len(rankings) != len(relevant):
        raise ValueError("one ranking per query")
    recall = dict.fromkeys(ks, 0.0)
    mrr = 0.0
    n = 0
    for ranked, rel in zip(rankings, relevant, strict=True):
        rel_set = set(rel)
        if not rel_set:
            continue
        n += 1
        first = next((i for i, item in enumerate(ranked, start=1) if item in rel_set), None)
        mrr += 1.0 / first if first else 0.0
        for k in ks:
            found = len(rel_set & set(ranked[:k]))
            recall[k] += (1.0 if found else 0.0) if any_hit else found / min(len(rel_set), k)
    result = {f"R@{k}": (recall[k] / n if n else 0.0) for k in ks}
    result["MRR"] = mrr / n if n else 0.0
    result["n"] = float(n)
    return result


def evaluate(
    queries: Sequence[EvalQuery],
    kind: str,
    known: set[str],
    rank: Callable[[str], list[str]],
) -> dict[str, float]:
    """Score `rank` (query text -> ids, best first) on the queries with relevant ids in `known`."""
    rankings, relevant = [], []
    for query in queries:
        rel = [i for i in query.relevant.get(kind, ()) if i in known]
        if rel:
            rankings.append(rank(query.text))
            relevant.append(rel)
    return score_rankings(rankings, relevant, any_hit=(kind == "technique"))


def precision_by_filing(
    queries: Sequence[EvalQuery],
    filed: Mapping[str, Sequence[str]],
    rank: Callable[[str], list[str]],
    k: int = 5,
) -> dict[str, float]:
    """Mean share of the top `k` papers filed (`filed[paper]`: its techniques) under one of each
    query's techniques; a short ranking counts its missing places as wrong."""
    total, n = 0.0, 0
    for query in queries:
        right = set(query.relevant.get("technique", ()))
        if not right:
            continue
        n += 1
        top = rank(query.text)[:k]
        total += sum(1 for p in top if right & set(filed.get(p, ()))) / k
    return {f"P@{k}": total / n if n else 0.0, "n": float(n)}


def separating_threshold(
    related: Sequence[float], unrelated: Sequence[float]
) -> tuple[float, float]:
    """(threshold, balanced accuracy): the cut between two score samples that best keeps
    `related` at or above it and `unrelated` below; among equally good cuts, the middle of the
    widest gap. ValueError when a sample is empty."""
    if not related or not unrelated:
        raise ValueError("both samples are needed")
    values = sorted(set(related) | set(unrelated))
    best: tuple[float, float, float] | None = None  # (accuracy, gap, threshold)
    for low, high in itertools.pairwise(values):
        cut = (low + high) / 2
        acc = (
            sum(1 for x in related if x >= cut) / len(related)
            + sum(1 for x in unrelated if x < cut) / len(unrelated)
        ) / 2
        candidate = (acc, high - low, cut)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:  # every score equal: nothing separates them
        return values[0], 0.5
    return round(best[2], 3), best[0]
