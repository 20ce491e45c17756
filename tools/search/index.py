"""A faiss index per kind: exact inner product when small, HNSW above a measured threshold.

Vectors are unit length, so inner product is cosine. An index is saved as `<kind>.faiss` with a
`<kind>.json` beside it (ids, titles, model id, the hash of the embedded texts, the index type and
one checksum over the index file and all of that metadata); loading checks every part and its type
and raises `IndexCorrupt` on any mismatch.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tools.search.cache_files import replace_files, write_temporary
from tools.search.errors import SearchError

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 256
"""Measured on 100,000 synthetic papers with the evaluation queries: recall@10 against exact search
0.93 at 128, 0.96 at 256 (0.35 ms a query), 0.98 at 512 (0.7 ms); see benchmarks/search_speed.py."""
FORMAT = 2
"""2: the checksum covers the metadata (ids, titles, ...) as well as the index file."""


class IndexCorrupt(SearchError):
    """An index file exists but cannot be trusted."""


def corpus_hash(model_id: str, ids: list[str], texts: list[str]) -> str:
    """Identifies what an index was built from: model, ids and embedded texts."""
    digest = hashlib.sha256(model_id.encode())
    for entry_id, text in zip(ids, texts, strict=True):
        digest.update(b"\0" + entry_id.encode() + b"\0" + text.encode())
    return digest.hexdigest()


def checksum(data: bytes, meta: dict[str, Any]) -> str:
    """sha256 of the index file and every metadata field but the checksum itself."""
    body = {k: v for k, v in meta.items() if k != "sha256"}
    digest = hashlib.sha256(data)
    digest.update(b"\0" + json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    return digest.hexdigest()


def build_faiss(vectors: np.ndarray, exact_max: int) -> Any:
    """IndexFlatIP for up to `exact_max` vectors, else IndexHNSWFlat with inner product."""
    import faiss

    n, dim = vectors.shape
    index: Any
    if n <= exact_max:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def index_type(index: Any) -> str:
    """`exact` or `hnsw`."""
    return "hnsw" if hasattr(index, "hnsw") else "exact"


@dataclass
class KindIndex:
    """One kind's faiss index with the ids and titles of its rows."""

    kind: str
    ids: list[str]
    titles: list[str]
    model_id: str
    corpus: str
    index: Any

    def search(self, query: np.ndarray, top: int) -> list[tuple[int, float]]:
        """(row, cosine) of the `top` nearest rows, best first."""
        if not self.ids or top <= 0:
            return []
        k = min(top, len(self.ids))
        scores, rows = self.index.search(np.ascontiguousarray(query.reshape(1, -1)), k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]

    def save(self, folder: Path) -> None:
        """Write `<kind>.faiss` and `<kind>.json` atomically; SearchError when that fails."""
        import faiss

        data = faiss.serialize_index(self.index).tobytes()
        meta: dict[str, Any] = {
            "format": FORMAT,
            "kind": self.kind,
            "ids": self.ids,
            "titles": self.titles,
            "model_id": self.model_id,
            "corpus": self.corpus,
            "type": index_type(self.index),
            "dim": int(self.index.d),
        }
        meta["sha256"] = checksum(data, meta)
        base = folder / self.kind
        data_path, meta_path = base.with_suffix(".faiss"), base.with_suffix(".json")
        tmp_data = write_temporary(data_path, data)
        try:
            tmp_meta = write_temporary(meta_path, json.dumps(meta).encode())
        except SearchError:
            tmp_data.unlink(missing_ok=True)
            raise
        replace_files([(tmp_data, data_path), (tmp_meta, meta_path)])

    @classmethod
    def load(cls, folder: Path, kind: str) -> KindIndex:
        """Read a saved index; FileNotFoundError when absent, IndexCorrupt when untrustworthy."""
        import faiss

        base = folder / kind
        meta_path, data_path = base.with_suffix(".json"), base.with_suffix(".faiss")
        if not meta_path.exists() or not data_path.exists():
            raise FileNotFoundError(meta_path)
        shown = data_path.as_posix()
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            data = data_path.read_bytes()
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(
                f"search index {shown} is unreadable ({type(exc).__name__})"
            ) from exc
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("kind") != kind:
            raise IndexCorrupt(f"search index {shown} has an unknown format")
        if checksum(data, meta) != meta.get("sha256"):
            raise IndexCorrupt(f"search index {shown} fails its checksum")
        ids, titles = _strings(meta.get("ids")), _strings(meta.get("titles"))
        if ids is None or titles is None or len(ids) != len(titles):
            raise IndexCorrupt(f"search index {shown}: ids and titles are not two lists of text")
        dim, model_id, corpus = meta.get("dim"), meta.get("model_id"), meta.get("corpus")
        if type(dim) is not int or not isinstance(model_id, str) or not isinstance(corpus, str):
            raise IndexCorrupt(f"search index {shown}: metadata of the wrong types")
        index: Any
        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as exc:
            raise IndexCorrupt(f"search index {shown} cannot be read by faiss") from exc
        if index.ntotal != len(ids) or index.d != dim:
            raise IndexCorrupt(f"search index {shown}: {index.ntotal} vectors for {len(ids)} ids")
        if index_type(index) != meta.get("type"):
            raise IndexCorrupt(f"search index {shown}: its type disagrees with its metadata")
        if index_type(index) == "hnsw":
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(kind, ids, titles, model_id, corpus, index)


def _strings(value: Any) -> list[str] | None:
    """`value` when it is a list of strings, else None."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def ann_recall(approx: Any, exact: Any, queries: np.ndarray, k: int) -> float:
    """Mean share of the exact top-k that the approximate index also returns."""
    _, truth = exact.search(np.ascontiguousarray(queries), k)
    _, found = approx.search(np.ascontiguousarray(queries), k)
    hits = sum(len(set(t) & set(f)) for t, f in zip(truth, found, strict=True))
    return hits / float(truth.size)
