"""Index choice (exact below the threshold, HNSW above), persistence, corruption, ANN recall."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tools.search.index import IndexCorrupt, KindIndex, ann_recall, build_faiss, index_type


def _unit(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_exact_at_or_below_threshold_hnsw_above() -> None:
    assert index_type(build_faiss(_unit(50), exact_max=50)) == "exact"
    assert index_type(build_faiss(_unit(51), exact_max=50)) == "hnsw"


def test_exact_search_is_cosine_best_first() -> None:
    vecs = _unit(30)
    idx = KindIndex(
        "technique", [f"t{i}" for i in range(30)], ["T"] * 30, "m", "c", build_faiss(vecs, 100)
    )
    hits = idx.search(vecs[7], 5)
    assert hits[0][0] == 7 and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert idx.search(vecs[0], 0) == []


def test_hnsw_recall_against_exact() -> None:
    vecs = _unit(3000, dim=32)
    queries = _unit(50, dim=32, seed=1)
    recall = ann_recall(build_faiss(vecs, 100), build_faiss(vecs, 10_000), queries, 10)
    assert 0.9 <= recall <= 1.0


def _saved(tmp_path: Path, n: int = 20) -> KindIndex:
    idx = KindIndex(
        "paper",
        [f"p{i}" for i in range(n)],
        [f"P{i}" for i in range(n)],
        "m",
        "corpus-1",
        build_faiss(_unit(n), 100),
    )
    idx.save(tmp_path)
    return idx


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    idx = _saved(tmp_path)
    back = KindIndex.load(tmp_path, "paper")
    assert back.ids == idx.ids and back.corpus == "corpus-1" and back.index.ntotal == 20


def test_missing_index_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        KindIndex.load(tmp_path, "paper")


def test_flipped_byte_fails_checksum(tmp_path: Path) -> None:
    _saved(tmp_path)
    path = tmp_path / "paper.faiss"
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(IndexCorrupt, match="checksum"):
        KindIndex.load(tmp_path, "paper")


def test_garbage_metadata_is_corrupt(tmp_path: Path) -> None:
    _saved(tmp_path)
    (tmp_path / "paper.json").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="unreadable"):
        KindIndex.load(tmp_path, "paper")
