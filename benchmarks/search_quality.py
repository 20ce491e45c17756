"""Search quality before and after query understanding, per kind, on the project's evaluation set.

    python benchmarks/search_quality.py                 # before/after table, no-close-match threshold
    python benchmarks/search_quality.py --modes         # also dense/keyword/hybrid, int8 vs fp32
    python benchmarks/search_quality.py --weights       # also a grid over the ranking weights
    python benchmarks/search_quality.py --variants      # also compare what text is embedded
    python benchmarks/search_quality.py --rrf           # also the plain ranking's RRF constants
    python benchmarks/search_quality.py --browser FILE  # add the browser's rankings (JSON from
                                                        # benchmarks/search_browser.py)
    python benchmarks/search_quality.py --per-query paper  # also each query's first relevant rank,
                                                        # before and after (those that change R@1)
    python benchmarks/search_quality.py --write-thresholds  # also write the measured "no close
                                                        # match" cuts to tools/search/data/no_match.yaml
"Before" is the ranking without query understanding (`SearchEngine.search(..., plain=True)`, the
ranking of commit 9cdb868; datasets had no search then, so theirs is the same plain fusion),
"after" the default. Prints markdown tables. The evaluation set is
benchmarks/data/search_queries.yaml (groups: direction, topical, known-item, dataset, acronym).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.catalog.load import load_catalog  # noqa: E402
from tools.search.config import SearchConfig  # noqa: E402
from tools.search.engine import Mode, SearchEngine  # noqa: E402
from tools.search.evaluate import (  # noqa: E402
    EvalQuery,
    evaluate,
    load_queries,
    load_unrelated,
    precision_by_filing,
    separating_threshold,
)
from tools.search.query_data import NO_MATCH_FILE, load_no_match  # noqa: E402
from tools.search.rank import RankWeights  # noqa: E402
from tools.search.texts import DEFAULT_VARIANT, PAPER_VARIANTS, TECHNIQUE_VARIANTS  # noqa: E402

QUERIES = ROOT / "benchmarks" / "data" / "search_queries.yaml"
TOP = 10
TARGETS = {
    ("technique", "direction", "R@1"): 0.95,
    ("technique", "all", "MRR"): 0.95,
    ("paper", "topical", "P@5"): 0.90,
    ("paper", "known-item", "R@5"): 0.95,
    ("dataset", "all", "R@5"): 0.95,
}


def row(label: str, m: dict[str, float]) -> str:
    return f"| {label} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['MRR']:.3f} | {int(m['n'])} |"


HEADER = "| {} | R@1 | R@5 | MRR | queries |\n|---|---|---|---|---|"
Ranker = Callable[[str, str], list[str]]


def scores(
    cat: object, queries: list[EvalQuery], rank: Ranker
) -> dict[tuple[str, str, str], tuple[float, int]]:
    """(kind, group, metric) -> (value, queries) for one ranking."""
    known = {
        "technique": set(cat.techniques),  # type: ignore[attr-defined]
        "paper": set(cat.papers),  # type: ignore[attr-defined]
        "dataset": set(cat.datasets),  # type: ignore[attr-defined]
    }
    filed = {pid: list(p.techniques) for pid, p in cat.papers.items()}  # type: ignore[attr-defined]
    out: dict[tuple[str, str, str], tuple[float, int]] = {}
    groups = sorted({q.group for q in queries})
    for kind in ("technique", "paper", "dataset"):
        for group in ["all", *groups]:
            chosen = [q for q in queries if group == "all" or q.group == group]
            if kind == "paper" and group == "topical":
                m = precision_by_filing(chosen, filed, lambda t: rank(t, "paper"))
                if m["n"]:
                    out[(kind, group, "P@5")] = (m["P@5"], int(m["n"]))
                continue
            m = evaluate(chosen, kind, known[kind], lambda t, k=kind: rank(t, k))
            if m["n"]:
                for metric in ("R@1", "R@5", "MRR"):
                    out[(kind, group, metric)] = (m[metric], int(m["n"]))
    return out


def before_after(cat: object, queries: list[EvalQuery], engine: SearchEngine) -> None:
    def plain(text: str, kind: str) -> list[str]:
        return [h.id for h in engine.search(text, kind, TOP, plain=True)]

    def aware(text: str, kind: str) -> list[str]:
        return [h.id for h in engine.search(text, kind, TOP)]

    before, after = scores(cat, queries, plain), scores(cat, queries, aware)
    print("| kind | queries | metric | before | after | target |\n|---|---|---|---|---|---|")
    for key, (value, n) in after.items():
        kind, group, metric = key
        old = before.get(key, (float("nan"), 0))[0]
        target = TARGETS.get(key)
        shown = f">= {target:.2f}" if target else ""
        print(f"| {kind} | {group} ({n}) | {metric} | {old:.3f} | {value:.3f} | {shown} |")
    print()


def per_query_table(cat: object, queries: list[EvalQuery], engine: SearchEngine, kind: str) -> None:
    """Each query of `kind` whose R@1 differs before and after: the rank of its first relevant
    entry in both rankings (- when not in the top 10) and the entry each puts first."""
    known = set(getattr(cat, kind + "s"))
    print(
        f"{kind}s: queries whose R@1 differs (first relevant rank, plain / default)\n\n"
        "| group | query | before | after | first before | first after |\n|---|---|---|---|---|---|"
    )
    for q in queries:
        rel = {i for i in q.relevant.get(kind, ()) if i in known}
        if not rel:
            continue
        lists = [
            [h.id for h in engine.search(q.text, kind, TOP, plain=plain)] for plain in (True, False)
        ]
        firsts = [next((i for i, x in enumerate(r, 1) if x in rel), None) for r in lists]
        if (firsts[0] == 1) != (firsts[1] == 1):
            shown = [str(f) if f else "-" for f in firsts]
            tops = [r[0] if r else "-" for r in lists]
            print(f"| {q.group} | {q.text} | {shown[0]} | {shown[1]} | {tops[0]} | {tops[1]} |")
    print()


def threshold_table(
    cat: object, engine: SearchEngine, queries: list[EvalQuery], unrelated: list[str], write: bool
) -> None:
    """The best cosine per kind of related and unrelated queries, and the cut between them;
    `write` saves the cuts (with what they were measured on) to tools/search/data/no_match.yaml."""
    stored = load_no_match().thresholds if NO_MATCH_FILE.is_file() else {}
    print(
        '"no close match": best cosine with any entry of the kind (related = the evaluation '
        "queries that list entries of that kind)\n\n"
        "| kind | related min | related p5 | unrelated max | threshold | balanced accuracy "
        "| in no_match.yaml | still separates |\n|---|---|---|---|---|---|---|---|"
    )
    measured: dict[str, dict[str, float | int]] = {}
    for kind in ("technique", "paper", "dataset"):

        def best(text: str, kind: str = kind) -> float:
            u = engine.reader.read(text)
            return engine.index(kind).search(engine.query_vector(u.text), 1)[0][1]

        rel = [
            best(q.text)
            for q in queries
            if q.relevant.get(kind) or (kind == "paper" and q.group == "topical")
        ]
        unrel = [best(q) for q in unrelated]
        cut, acc = separating_threshold(rel, unrel)
        p5 = statistics.quantiles(rel, n=20)[0]
        old = stored[kind].threshold if kind in stored else float("nan")  # type: ignore[index]
        holds = "yes" if max(unrel) < old <= min(rel) else "no: re-measure"
        print(
            f"| {kind} | {min(rel):.3f} | {p5:.3f} | {max(unrel):.3f} | {cut:.3f} | {acc:.3f} "
            f"| {old:.3f} | {holds} |"
        )
        measured[kind] = {
            "threshold": cut,
            "related_min": round(min(rel), 3),
            "unrelated_max": round(max(unrel), 3),
            "balanced_accuracy": round(acc, 3),
            "related": len(rel),
            "unrelated": len(unrel),
        }
    print()
    if write:
        write_thresholds(cat, engine, measured)
        print(f"wrote {NO_MATCH_FILE.relative_to(ROOT)}\n")


def write_thresholds(
    cat: object, engine: SearchEngine, measured: dict[str, dict[str, float | int]]
) -> None:
    """tools/search/data/no_match.yaml from this run's measurement (checked by loading it back)."""
    counts = {
        kind + "s": len(getattr(cat, kind + "s")) for kind in ("technique", "paper", "dataset")
    }
    lines = [
        '# "no close match" thresholds, measured by `python benchmarks/search_quality.py',
        "# --write-thresholds` (never edited by hand): per kind, the cut on the best cosine of a query",
        "# with any entry of the kind that best separates the evaluation queries listing entries of",
        "# that kind (related) from the `unrelated` queries of benchmarks/data/search_queries.yaml.",
        "# Below it, results carry a note. Read by tools/search/config.py (no_match_below).",
        f"encoder: {engine.encoder.model_id} ({engine.config.query_backend} queries)",
        "catalog: {" + ", ".join(f"{k}: {v}" for k, v in counts.items()) + "}",
        "thresholds:",
    ]
    for kind, m in measured.items():
        lines.append(f"  {kind}: {{" + ", ".join(f"{k}: {v}" for k, v in m.items()) + "}")
    NO_MATCH_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_no_match()


def weight_grid(cat: object, queries: list[EvalQuery], config: SearchConfig) -> None:
    """A small grid over the ranking weights (one at a time around the defaults)."""
    base = RankWeights()
    trials: list[tuple[str, RankWeights]] = [("defaults", base)]
    for name, values in (
        ("direction", (0.0, 0.01, 0.02, 0.05)),
        ("mention", (0.0, 0.002, 0.01)),
        ("filed", (0.0, 0.5, 2.0)),
        ("filed_direction", (0.0, 0.002, 0.01)),
        ("name", (0.0, 0.02, 0.1)),
        ("papers", (0.0, 0.003, 0.01)),
        ("papers_top", (10, 40)),
        ("paper_name", (0.0, 0.01, 0.05)),
        ("coverage", (0.0, 1.0, 3.0)),
    ):
        for v in values:
            trials.append((f"{name}={v}", replace(base, **{name: v})))
    for kind in ("paper", "dataset", "technique"):
        for w in (0.0, 0.25, 1.0):
            trials.append(
                (f"keyword[{kind}]={w}", replace(base, keyword={**base.keyword, kind: w}))
            )
    keys = [k for k in TARGETS] + [
        ("technique", "all", "R@1"),
        ("technique", "all", "R@5"),
        ("paper", "all", "R@1"),
        ("paper", "known-item", "R@1"),
        ("paper", "all", "MRR"),
        ("dataset", "all", "MRR"),
    ]
    print("| weights | " + " | ".join(f"{k}/{g}/{m}" for k, g, m in keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for label, weights in trials:
        eng = SearchEngine(cat, config, weights=weights)  # type: ignore[arg-type]
        got = scores(cat, queries, lambda t, k, e=eng: [h.id for h in e.search(t, k, TOP)])
        print(
            f"| {label} | "
            + " | ".join(f"{got.get(k, (float('nan'), 0))[0]:.3f}" for k in keys)
            + " |"
        )
    print()


def modes_table(cat: object, queries: list[EvalQuery], config: SearchConfig) -> None:
    engine = SearchEngine(cat, config)  # type: ignore[arg-type]
    torch_engine = SearchEngine(cat, replace(config, query_backend="torch"))  # type: ignore[arg-type]
    for kind, known in (("technique", set(cat.techniques)), ("paper", set(cat.papers))):  # type: ignore[attr-defined]
        print(HEADER.format(f"{kind}s, plain ranking: mode (query encoder)"))
        for mode in Mode:
            for label, eng in (("int8 onnx", engine), ("fp32 torch", torch_engine)):
                if mode is Mode.keyword and eng is torch_engine:
                    continue

                def rank(
                    q: str, mode: Mode = mode, kind: str = kind, eng: SearchEngine = eng
                ) -> list[str]:
                    return [h.id for h in eng.search(q, kind, TOP, mode, plain=True)]

                shown = mode.value if mode is Mode.keyword else f"{mode.value} ({label})"
                print(row(shown, evaluate(queries, kind, known, rank)))
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", action="store_true", help="compare modes and query encoders")
    parser.add_argument("--weights", action="store_true", help="grid over the ranking weights")
    parser.add_argument("--variants", action="store_true", help="compare embedded-text variants")
    parser.add_argument("--browser", type=Path, help="JSON of browser rankings to score as well")
    parser.add_argument("--rrf", action="store_true", help="compare RRF constants and weights")
    parser.add_argument(
        "--per-query",
        choices=("technique", "paper", "dataset"),
        help="list the queries of a kind whose R@1 differs before and after",
    )
    parser.add_argument(
        "--write-thresholds", action="store_true", help="save the no-close-match cuts measured"
    )
    args = parser.parse_args()

    cat, _ = load_catalog(ROOT)
    queries = load_queries(QUERIES)
    unrelated = load_unrelated(QUERIES)
    config = SearchConfig(root=ROOT, threads=2)
    print(
        f"catalog: {len(cat.techniques)} techniques, {len(cat.papers)} papers, "
        f"{len(cat.datasets)} datasets; {len(queries)} queries, {len(unrelated)} unrelated\n"
    )
    engine = SearchEngine(cat, config, no_match_below={} if args.write_thresholds else None)
    before_after(cat, queries, engine)
    if args.per_query:
        per_query_table(cat, queries, engine, args.per_query)
    threshold_table(cat, engine, queries, unrelated, args.write_thresholds)
    if args.modes:
        modes_table(cat, queries, config)
    if args.weights:
        weight_grid(cat, queries, config)

    if args.rrf:
        for kind, known in (("technique", set(cat.techniques)), ("paper", set(cat.papers))):
            print(HEADER.format(f"{kind}s: plain hybrid, RRF k / keyword weight"))
            for k in (10, 60):
                for w in (0.25, 0.5, 1.0):
                    eng = SearchEngine(cat, config, rrf_k=k, keyword_weight=w)
                    m = evaluate(
                        queries,
                        kind,
                        known,
                        lambda q, e=eng, kd=kind: [
                            h.id for h in e.search(q, kd, TOP, Mode.hybrid, plain=True)
                        ],
                    )
                    print(row(f"k={k} w={w}", m))
            print()

    if args.variants:
        for kind, names, known in (
            ("technique", TECHNIQUE_VARIANTS, set(cat.techniques)),
            ("paper", PAPER_VARIANTS, set(cat.papers)),
        ):
            print(HEADER.format(f"{kind}s: embedded text (dense / hybrid)"))
            for name in names:
                eng = SearchEngine(cat, config, variants={kind: name})
                for mode in (Mode.dense, Mode.hybrid):
                    m = evaluate(
                        queries,
                        kind,
                        known,
                        lambda q, e=eng, md=mode, kd=kind: [h.id for h in e.search(q, kd, TOP, md)],
                    )
                    mark = " (default)" if name == DEFAULT_VARIANT[kind] else ""
                    print(row(f"{name}{mark} / {mode.value}", m))
            print()

    if args.browser:
        data = json.loads(args.browser.read_text(encoding="utf-8"))
        for kind in ("technique", "paper", "dataset"):
            known = set(getattr(cat, kind + "s"))
            print(HEADER.format(f"{kind}s: browser mode"))
            for mode, per_query in data.get(kind, {}).items():

                def browser_rank(q: str, per_query: dict = per_query) -> list[str]:
                    return per_query.get(q, [])

                print(row(f"browser {mode}", evaluate(queries, kind, known, browser_rank)))
            default = data.get(kind, {}).get("default", {})
            same = [
                default.get(q.text) == [h.id for h in engine.search(q.text, kind, TOP)]
                for q in queries
                if q.text in default
            ]
            if same:
                print(
                    f"\n{kind}s: browser top-{TOP} identical to CLI top-{TOP} for "
                    f"{sum(same)}/{len(same)} queries ({sum(same) / len(same):.1%})"
                )
            print()


if __name__ == "__main__":
    main()
