"""Reciprocal rank fusion."""

from __future__ import annotations

import pytest

from tools.search.fusion import rrf


def test_item_ranked_well_by_both_wins() -> None:
    fused = rrf([["a", "b", "c"], ["b", "c", "a"]], k=60)
    assert [item for item, _ in fused] == ["b", "a", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_items_from_one_ranking_only_still_count() -> None:
    fused = dict(rrf([["a"], ["z"]], k=0))
    assert fused == {"a": 1.0, "z": 1.0}


def test_ties_keep_first_appearance() -> None:
    assert [i for i, _ in rrf([["x", "y"], ["y", "x"]], k=10)] == ["x", "y"]


def test_weights_shift_the_balance() -> None:
    dense_first = rrf([["a", "b"], ["b", "a"]], k=1, weights=[1.0, 0.5])
    assert dense_first[0][0] == "a"
    keyword_first = rrf([["a", "b"], ["b", "a"]], k=1, weights=[0.5, 1.0])
    assert keyword_first[0][0] == "b"


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        rrf([["a"]], k=-1)
    with pytest.raises(ValueError):
        rrf([["a"], ["b"]], weights=[1.0])
