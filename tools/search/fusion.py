"""Reciprocal rank fusion: combine rankings by 1 / (k + rank), so no score scales need matching."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)

RRF_K = 60
"""The constant of Cormack et al. (2009); the quality benchmark compares others."""


def rrf(
    rankings: Sequence[Sequence[T]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[T, float]]:
    """Fuse rankings (each best first) into one list of (item, score), best first.

    An item's score is the sum over rankings of weight / (k + rank), rank counted from 1; items
    missing from a ranking get nothing from it. Ties keep the order of first appearance.
    """
    if k < 0:
        raise ValueError("k must be >= 0")
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[T, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
