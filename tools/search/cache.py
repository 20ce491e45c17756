"""Embeddings cached by content hash and model id, so a rebuild embeds only what changed.

One cache per model under `.cache/search/embeddings/`: `<model>.npy` (float32 rows) and
`<model>.json` (model id, dimension, the sha256 key of each row, and a checksum of the matrix).
A file that does not parse, disagrees with itself or with the model, or fails its checksum is
reported as corrupt and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tools.search.cache_files import replace_files, write_temporary
from tools.search.errors import SearchError

FORMAT = 1


def text_key(model_id: str, text: str) -> str:
    """The cache key of a text under a model: sha256 of both."""
    return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()


class CacheCorrupt(Exception):
    """The cache files exist but cannot be trusted."""


@dataclass
class EmbeddingCache:
    """A key -> vector store for one model, loaded from and saved to a folder."""

    folder: Path
    model_id: str
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    dirty: bool = False

    @property
    def stem(self) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in self.model_id)
        return self.folder / safe

    @classmethod
    def open(cls, folder: Path, model_id: str) -> EmbeddingCache:
        """Load the cache, or start an empty one (with a warning when the files were corrupt)."""
        cache = cls(folder, model_id)
        try:
            cache.vectors = cache._read()
        except FileNotFoundError:
            pass
        except CacheCorrupt as exc:
            cache.warnings.append(f"embedding cache {cache.stem}.json is corrupt ({exc}); rebuilt")
            cache.dirty = True
        return cache

    def _read(self) -> dict[str, np.ndarray]:
        meta_path, data_path = self.stem.with_suffix(".json"), self.stem.with_suffix(".npy")
        if not meta_path.exists() and not data_path.exists():
            raise FileNotFoundError(meta_path)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            matrix = np.load(data_path, allow_pickle=False)
        except (OSError, ValueError, EOFError) as exc:
            raise CacheCorrupt(f"unreadable: {type(exc).__name__}") from exc
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise CacheCorrupt("unknown format")
        if meta.get("model_id") != self.model_id:
            raise CacheCorrupt(f"written for model {meta.get('model_id')!r}")
        keys = meta.get("keys")
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise CacheCorrupt("keys are not a list of text")
        if matrix.ndim != 2 or matrix.shape[0] != len(keys):
            raise CacheCorrupt("keys and vectors disagree")
        if (
            matrix.dtype != np.float32
            or type(meta.get("dim")) is not int
            or matrix.shape[1] != meta["dim"]
        ):
            raise CacheCorrupt("wrong vector type or size")
        if hashlib.sha256(matrix.tobytes()).hexdigest() != meta.get("sha256"):
            raise CacheCorrupt("checksum mismatch")
        if not np.all(np.isfinite(matrix)):
            raise CacheCorrupt("non-finite values")
        return {k: matrix[i] for i, k in enumerate(keys)}

    def save(self) -> None:
        """Write atomically (temporary files, then rename), only when something changed.

        SearchError when the files cannot be written; the vectors stay usable in memory.
        """
        if not self.dirty:
            return
        keys = sorted(self.vectors)
        dim = len(next(iter(self.vectors.values()))) if keys else 0
        matrix = (
            np.stack([self.vectors[k] for k in keys]).astype(np.float32)
            if keys
            else np.zeros((0, dim), dtype=np.float32)
        )
        meta = {
            "format": FORMAT,
            "model_id": self.model_id,
            "dim": dim,
            "keys": keys,
            "sha256": hashlib.sha256(matrix.tobytes()).hexdigest(),
        }
        data_path, meta_path = self.stem.with_suffix(".npy"), self.stem.with_suffix(".json")
        buffer = io.BytesIO()
        np.save(buffer, matrix, allow_pickle=False)
        data_tmp = write_temporary(data_path, buffer.getvalue())
        try:
            meta_tmp = write_temporary(meta_path, json.dumps(meta).encode())
        except SearchError:
            data_tmp.unlink(missing_ok=True)
            raise
        replace_files([(data_tmp, data_path), (meta_tmp, meta_path)])
        self.dirty = False

    def embed(
        self, texts: list[str], encode: Callable[[list[str]], np.ndarray]
    ) -> tuple[np.ndarray, int]:
        """Vectors for `texts` (rows in order), calling `encode` only for texts not cached.

        Returns the matrix and how many texts were embedded now. The caller saves the cache.
        """
        keys = [text_key(self.model_id, t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.vectors))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            fresh = encode([by_key[k] for k in missing])
            for k, vec in zip(missing, fresh, strict=True):
                self.vectors[k] = np.asarray(vec, dtype=np.float32)
            self.dirty = True
        if not texts:
            return np.zeros((0, 0), dtype=np.float32), 0
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32), len(missing)

    def prune(self, keep: set[str]) -> None:
        """Drop every vector whose key is not in `keep` (texts no longer in the catalog)."""
        stale = set(self.vectors) - keep
        for k in stale:
            del self.vectors[k]
        self.dirty = self.dirty or bool(stale)
