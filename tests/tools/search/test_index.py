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


def _meta(tmp_path: Path) -> dict[str, object]:
    import json

    return json.loads((tmp_path / "paper.json").read_text())


def _write_meta(tmp_path: Path, meta: dict[str, object], resign: bool) -> None:
    import json

    from tools.search.index import checksum

    if resign:  # a consistent forgery: the checksum matches, so the types must be checked too
        meta["sha256"] = checksum((tmp_path / "paper.faiss").read_bytes(), meta)
    (tmp_path / "paper.json").write_text(json.dumps(meta))


@pytest.mark.parametrize(
    ("field", "value"),
    [("titles", ["\x1b[2J wiped"] * 20), ("ids", [f"q{i}" for i in range(20)]), ("corpus", "x")],
)
def test_metadata_is_covered_by_the_checksum(tmp_path: Path, field: str, value: object) -> None:
    _saved(tmp_path)
    meta = _meta(tmp_path)
    meta[field] = value
    _write_meta(tmp_path, meta, resign=False)
    with pytest.raises(IndexCorrupt, match="fails its checksum"):
        KindIndex.load(tmp_path, "paper")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ids", list(range(20)), "ids and titles are not two lists of text"),
        ("titles", None, "ids and titles are not two lists of text"),
        ("titles", ["P"] * 19, "ids and titles are not two lists of text"),
        ("dim", "16", "metadata of the wrong types"),
        ("dim", True, "metadata of the wrong types"),
        ("model_id", 7, "metadata of the wrong types"),
        ("type", "hnsw", "its type disagrees with its metadata"),
    ],
)
def test_wrong_types_are_corrupt_even_with_a_matching_checksum(
    tmp_path: Path, field: str, value: object, message: str
) -> None:
    _saved(tmp_path)
    meta = _meta(tmp_path)
    meta[field] = value
    _write_meta(tmp_path, meta, resign=True)
    with pytest.raises(IndexCorrupt, match=message):
        KindIndex.load(tmp_path, "paper")


def test_a_folder_in_place_of_the_index(tmp_path: Path) -> None:
    from tools.search.errors import SearchError

    (tmp_path / "paper.faiss").mkdir()
    (tmp_path / "paper.json").write_text("{}")
    with pytest.raises(IndexCorrupt, match="unreadable"):
        KindIndex.load(tmp_path, "paper")
    _saved(tmp_path)  # an empty folder is the cache's own: removed, and the index saved
    assert KindIndex.load(tmp_path, "paper").ids[0] == "p0"
    (tmp_path / "paper.faiss").unlink()
    (tmp_path / "paper.faiss").mkdir()
    (tmp_path / "paper.faiss" / "notes.txt").write_text("mine")
    with pytest.raises(SearchError, match="is a folder with files in it"):
        _saved(tmp_path)
    assert (tmp_path / "paper.faiss" / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper.faiss", "paper.json"]
