"""Related entries: for each technique and paper, its nearest techniques and papers in meaning."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tools.search.engine import SearchEngine

BLOCK = 1024
KINDS = ("technique", "paper")
"""The kinds whose pages show related entries (datasets are searchable but have no such list)."""


def nearest(
    queries: np.ndarray, corpus: np.ndarray, k: int, exclude_diagonal: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cosines) of the k nearest corpus rows for each query row, best first (blockwise)."""
    n = queries.shape[0]
    k = min(k, corpus.shape[0] - (1 if exclude_diagonal else 0))
    rows = np.zeros((n, max(k, 0)), dtype=np.int64)
    sims = np.zeros((n, max(k, 0)), dtype=np.float32)
    if k <= 0:
        return rows, sims
    for start in range(0, n, BLOCK):
        block = queries[start : start + BLOCK] @ corpus.T  # (b, m)
        if exclude_diagonal:
            idx = np.arange(block.shape[0])
            block[idx, idx + start] = -np.inf
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        part = np.take_along_axis(block, top, axis=1)
        order = np.argsort(-part, axis=1, kind="stable")
        rows[start : start + BLOCK] = np.take_along_axis(top, order, axis=1)
        sims[start : start + BLOCK] = np.take_along_axis(part, order, axis=1)
    return rows, sims


def related_entries(
    engine: SearchEngine, top: int = 5
) -> dict[tuple[str, str], list[tuple[str, str, float]]]:
    """For every ("technique" | "paper", id) of the engine's catalog: up to `top` nearest
    techniques, then up to `top` nearest papers, each (kind, id, cosine) best first; the entry
    itself is left out.

    Embeddings come from the engine's cache (only changed entries are embedded).
    """
    vectors = {kind: engine.vectors(kind) for kind in KINDS}
    out: dict[tuple[str, str], list[tuple[str, str, float]]] = {}
    for kind in KINDS:
        ids, matrix = vectors[kind]
        if not ids:
            continue
        lists: list[list[tuple[str, str, float]]] = [[] for _ in ids]
        for other in KINDS:
            other_ids, other_matrix = vectors[other]
            if not other_ids:
                continue
            rows, sims = nearest(matrix, other_matrix, top, exclude_diagonal=(other == kind))
            for i in range(len(ids)):
                lists[i] += [
                    (other, other_ids[int(r)], round(float(s), 4))
                    for r, s in zip(rows[i], sims[i], strict=True)
                ]
        for entry_id, items in zip(ids, lists, strict=True):
            out[(kind, entry_id)] = items
    return out
