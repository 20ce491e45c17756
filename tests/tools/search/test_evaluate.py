"""Quality metrics and the evaluation set's loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.search.errors import SearchError
from tools.search.evaluate import evaluate, load_queries, score_rankings

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
    assert all(q.relevant["technique"] for q in queries)
    assert len({q.text for q in queries}) == len(queries)


def test_bad_evaluation_file(tmp_path: Path) -> None:
    bad = tmp_path / "q.yaml"
    bad.write_text("queries:\n  - techniques: [a]\n", encoding="utf-8")
    with pytest.raises(SearchError, match=r"queries\[0\]"):
        load_queries(bad)
