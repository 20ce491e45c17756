"""Quality metrics and the evaluation set's loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.search.errors import SearchError
from tools.search.evaluate import evaluate, load_queries, load_unrelated, score_rankings

REPO = Path(__file__).resolve().parents[3]


def test_any_hit_recall_and_mrr() -> None:
    m = score_rankings(
        [["a", "b"], ["x", "y", "c"], ["z"]], [["a"], ["c", "q"], ["w"]], any_hit=True
    )
    assert m["R@1"] == pytest.approx(1 / 3)
    assert m["R@5"] == pytest.approx(2 / 3)
    assert m["MRR"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert m["n"] == 3


def test_set_recall_counts_share_of_relevant() -> None:
    m = score_rankings([["a", "x", "b"]], [["a", "b", "c", "d"]], any_hit=False, ks=(1, 3))
    assert m["R@1"] == 1.0 and m["R@3"] == pytest.approx(2 / 3)


def test_unknown_relevant_ids_are_skipped() -> None:
    from tools.search.evaluate import EvalQuery

    queries = [EvalQuery("q1", {"technique": ("gone",)}), EvalQuery("q2", {"technique": ("a",)})]
    m = evaluate(queries, "technique", {"a"}, lambda q: ["a"])
    assert m["n"] == 1 and m["R@1"] == 1.0


def test_the_evaluation_set_is_large_and_well_formed() -> None:
    queries = load_queries(REPO / "benchmarks" / "data" / "search_queries.yaml")
    assert len(queries) >= 60
    assert all(any(q.relevant.values()) for q in queries)
    assert len({q.text for q in queries}) == len(queries)
    groups = {g: [q for q in queries if q.group == g] for g in {q.group for q in queries}}
    assert {"direction", "topical", "known-item", "dataset", "acronym"} <= set(groups)
    pairs = {tuple(q.relevant["technique"][0].split("-to-")) for q in groups["direction"]}
    both_ways = {frozenset(p) for p in pairs if (p[1], p[0]) in pairs}
    assert len(both_ways) >= 12  # the issue: both directions for at least 12 modality pairs
    assert all(q.relevant["paper"] for q in groups["known-item"])
    assert all(q.relevant["dataset"] for q in groups["dataset"])
    assert len(load_unrelated(REPO / "benchmarks" / "data" / "search_queries.yaml")) >= 10


def test_bad_evaluation_file(tmp_path: Path) -> None:
    bad = tmp_path / "q.yaml"
    bad.write_text("queries:\n  - techniques: [a]\n", encoding="utf-8")
    with pytest.raises(SearchError, match=r"queries\[0\]"):
        load_queries(bad)


def test_precision_by_filing_and_threshold() -> None:
    from tools.search.evaluate import EvalQuery, precision_by_filing, separating_threshold

    queries = [EvalQuery("q", {"technique": ("a-to-b",)}), EvalQuery("none", {})]
    filed = {"p1": ["a-to-b"], "p2": ["c-to-d"], "p3": ["x", "a-to-b"]}
    m = precision_by_filing(queries, filed, lambda q: ["p1", "p2", "p3"])
    assert m == {"P@5": 2 / 5, "n": 1.0}  # a short ranking counts its missing places as wrong
    assert separating_threshold([0.5, 0.6, 0.7], [0.1, 0.2]) == (0.35, 1.0)
    cut, acc = separating_threshold([0.5, 0.15], [0.1, 0.2])
    assert acc < 1.0 and 0.1 < cut < 0.5
    with pytest.raises(ValueError):
        separating_threshold([], [0.1])
