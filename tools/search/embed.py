"""The sentence encoder: loaded offline from a local folder, unit-length vectors, torch threads capped."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from tools.search.config import SearchConfig, resolve_model
from tools.search.errors import SearchError


class Encoder:
    """A sentence-transformers model loaded lazily from a local folder (never from the network)."""

    def __init__(self, config: SearchConfig) -> None:
        self.model_id, self.folder = resolve_model(config.model)
        self.threads = config.threads
        self._model: Any = None

    @property
    def model(self) -> Any:
        """The loaded SentenceTransformer (loaded on first use)."""
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self.threads)
            try:
                self._model = SentenceTransformer(
                    str(self.folder), device="cpu", local_files_only=True
                )
            except (OSError, ValueError) as exc:
                raise SearchError(f"cannot load the encoder from {self.folder}: {exc}") from exc
        return self._model

    @property
    def dim(self) -> int:
        """Vector size of the model."""
        return int(self.model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (texts longer than the model's window are cut)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
