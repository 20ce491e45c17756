"""Clinical table rows to sentences, and sentences to the conditioning the networks read.

Missing values (None, empty, NaN) are simply left out of the prompt: ``{"age": 68, "smoker": "yes",
"sex": None}`` becomes ``"Lung CT scan. Age: 68. Smoker: yes."``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

import torch
from torch import nn

from .data import Attributes
from .fusion import TextBatch
from .text_encoder import EMBED_DIM, FrozenTextEncoder

PREFIX = "Lung CT scan."
EMPTY_PROMPT = PREFIX  # the unconditional prompt: every value missing
TEMPLATES: dict[str, str] = {
    "age": "Age: {}.",
    "sex": "Sex: {}.",
    "smoker": "Smoker: {}.",
    "pack_years": "Pack-years: {:g}.",
    "diagnosis": "Diagnosis: {}.",
    "status_1y": "1-year status: {}.",
}


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def build_prompt(
    values: Mapping[str, Any] | Attributes,
    templates: Mapping[str, str] = TEMPLATES,
    prefix: str = PREFIX,
) -> str:
    """One sentence per present value, in the order of ``templates``; missing values are dropped."""
    row = asdict(values) if isinstance(values, Attributes) else dict(values)
    parts = [prefix] if prefix else []
    for key, template in templates.items():
        value = row.get(key)
        if _missing(value):
            continue
        if isinstance(value, str):
            value = value.strip()
        parts.append(template.format(value))
    return " ".join(parts)


class Standardizer(nn.Module):
    """``(v - mean) / std`` of pooled text vectors, with statistics fitted on the training prompts."""

    mean: torch.Tensor
    std: torch.Tensor

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("std", torch.ones(dim))

    @torch.no_grad()
    def fit(self, pooled: torch.Tensor) -> None:
        self.mean.copy_(pooled.mean(0))
        self.std.copy_(pooled.std(0).clamp_min(1e-4))

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        return (pooled - self.mean) / self.std


@functools.cache
def shared_encoder() -> FrozenTextEncoder:
    """One frozen MiniLM per process."""
    return FrozenTextEncoder()


class TextConditioner(nn.Module):
    """Frozen MiniLM + a standardiser of pooled vectors (the only saved state) + a prompt cache."""

    _encoder: FrozenTextEncoder | None

    def __init__(self, encoder: FrozenTextEncoder | None = None, dim: int = EMBED_DIM) -> None:
        super().__init__()
        self.standardizer = Standardizer(dim)
        # kept out of the module tree: the frozen encoder is not part of the saved state
        object.__setattr__(self, "_encoder", encoder)
        self._cache: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}

    @property
    def encoder(self) -> FrozenTextEncoder:
        """The frozen MiniLM, loaded on first use (shared through :func:`shared_encoder`)."""
        if self._encoder is None:
            object.__setattr__(self, "_encoder", shared_encoder())
        assert self._encoder is not None
        return self._encoder

    def raw(self, prompts: Sequence[str]) -> tuple[list[torch.Tensor], torch.Tensor]:
        """Per-prompt token states (L_i, E) and raw pooled vectors (B, E), cached by prompt."""
        todo = sorted({p for p in prompts if p not in self._cache})
        for i in range(0, len(todo), 64):
            chunk = todo[i : i + 64]
            enc = self.encoder(chunk)
            for j, p in enumerate(chunk):
                self._cache[p] = (enc.tokens[j, enc.mask[j]].clone(), enc.pooled[j].clone())
        return [self._cache[p][0] for p in prompts], torch.stack(
            [self._cache[p][1] for p in prompts]
        )

    def fit(self, prompts: Sequence[str]) -> None:
        """Fit the standardiser on the (training) prompts."""
        self.standardizer.fit(self.raw(prompts)[1])

    def forward(self, prompts: Sequence[str]) -> TextBatch:
        tokens, pooled = self.raw(prompts)
        length = max(t.shape[0] for t in tokens)
        dim = pooled.shape[1]
        padded = torch.zeros(len(prompts), length, dim)
        mask = torch.zeros(len(prompts), length, dtype=torch.bool)
        for i, t in enumerate(tokens):
            padded[i, : t.shape[0]] = t
            mask[i, : t.shape[0]] = True
        return TextBatch(pooled=self.standardizer(pooled), tokens=padded, mask=mask)
