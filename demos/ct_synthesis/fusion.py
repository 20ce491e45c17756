"""The text-visual fusion blocks DGM-VLC adds (arXiv 2410.13823), for 2D or 3D feature maps.

- :class:`AffineFusion`: per-channel scale and shift predicted from the (standardised) pooled text
  vector, ``h * (1 + gamma) + beta``; the last layer starts at zero, so the unit is the identity at
  initialisation.
- :class:`CrossAttentionFusion`: every spatial position attends over the text token states
  (padding masked out), added back as a residual; the output projection starts at zero.
- :class:`ConcatFusion`: the baseline that tiles a projection of the pooled vector as extra input
  channels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn
from torch.nn import functional as F

FusionKind = Literal["none", "concat", "affine", "cross-attention", "affine+cross-attention"]
FUSIONS: tuple[str, ...] = ("none", "concat", "affine", "cross-attention", "affine+cross-attention")


@dataclass
class TextBatch:
    """Text conditioning for B images."""

    pooled: torch.Tensor  # (B, E) standardised pooled sentence vector
    tokens: torch.Tensor  # (B, L, E) token states
    mask: torch.Tensor  # (B, L) bool, True for real tokens

    def index(self, idx: torch.Tensor | slice) -> TextBatch:
        return TextBatch(self.pooled[idx], self.tokens[idx], self.mask[idx])

    def to(self, device: torch.device | str) -> TextBatch:
        return TextBatch(self.pooled.to(device), self.tokens.to(device), self.mask.to(device))

    def expand(self, n: int) -> TextBatch:
        """Repeat a batch of one ``n`` times (e.g. for sliding-window patches)."""
        if self.pooled.shape[0] == n:
            return self
        return TextBatch(
            self.pooled.expand(n, -1), self.tokens.expand(n, -1, -1), self.mask.expand(n, -1)
        )


def _broadcast(v: torch.Tensor, ndim: int) -> torch.Tensor:
    """(B, C) -> (B, C, 1, 1[, 1]) to match a feature map with ``ndim`` dimensions."""
    return v.reshape(*v.shape, *([1] * (ndim - 2)))


class AffineFusion(nn.Module):
    """``h * (1 + gamma(t)) + beta(t)`` with gamma, beta from the pooled text vector ``t``."""

    def __init__(self, text_dim: int, channels: int, hidden: int = 128) -> None:
        super().__init__()
        last = nn.Linear(hidden, 2 * channels)
        nn.init.zeros_(last.weight)  # gamma = beta = 0: the identity at initialisation
        nn.init.zeros_(last.bias)
        self.mlp = nn.Sequential(nn.Linear(text_dim, hidden), nn.SiLU(), last)

    @property
    def last(self) -> nn.Linear:
        """The layer that predicts (gamma, beta)."""
        layer = self.mlp[-1]
        assert isinstance(layer, nn.Linear)
        return layer

    def forward(self, h: torch.Tensor, pooled: torch.Tensor) -> torch.Tensor:
        gamma, beta = self.mlp(pooled).to(h.dtype).chunk(2, dim=1)  # (B, C) each
        return h * (1 + _broadcast(gamma, h.ndim)) + _broadcast(beta, h.ndim)  # (B, C, *S)


class CrossAttentionFusion(nn.Module):
    """``h + W_o softmax(Q(h) K(t)^T / sqrt(d)) V(t)`` over the text tokens, per spatial position."""

    def __init__(self, channels: int, text_dim: int, heads: int = 4) -> None:
        super().__init__()
        if channels % heads:
            raise ValueError(f"channels ({channels}) must be divisible by heads ({heads})")
        self.heads = heads
        self.norm = nn.LayerNorm(channels)  # per position: no coupling across the image
        self.q = nn.Linear(channels, channels, bias=False)
        self.kv = nn.Linear(text_dim, 2 * channels, bias=False)
        self.out = nn.Linear(channels, channels)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, h: torch.Tensor, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, c, *spatial = h.shape
        x = self.norm(h.flatten(2).transpose(1, 2))  # (B, N, C)
        q = self.q(x).view(b, -1, self.heads, c // self.heads).transpose(1, 2)  # (B, h, N, d)
        k, v = self.kv(tokens.to(x.dtype)).chunk(2, dim=-1)  # (B, L, C) each
        k = k.view(b, -1, self.heads, c // self.heads).transpose(1, 2)  # (B, h, L, d)
        v = v.view(b, -1, self.heads, c // self.heads).transpose(1, 2)
        attn_mask = mask[:, None, None, :]  # (B, 1, 1, L) True = attend
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)  # (B, h, N, d)
        y = self.out(y.transpose(1, 2).reshape(b, -1, c))  # (B, N, C)
        return h + y.transpose(1, 2).reshape(b, c, *spatial)


class ConcatFusion(nn.Module):
    """Project the pooled vector to ``channels`` maps and append them to the input."""

    def __init__(self, text_dim: int, channels: int) -> None:
        super().__init__()
        self.proj = nn.Linear(text_dim, channels)

    def forward(self, x: torch.Tensor, pooled: torch.Tensor | None) -> torch.Tensor:
        """Without text (``pooled=None``) the extra channels are zero."""
        if pooled is None:
            zeros = x.new_zeros(x.shape[0], self.proj.out_features, *x.shape[2:])
            return torch.cat([x, zeros], dim=1)
        maps = _broadcast(self.proj(pooled).to(x.dtype), x.ndim).expand(-1, -1, *x.shape[2:])
        return torch.cat([x, maps], dim=1)  # (B, C_in + channels, *S)


class FusionPoint(nn.Module):
    """The fusion applied at one feature level: affine and/or cross-attention, or nothing."""

    def __init__(
        self, kind: str, channels: int, text_dim: int, heads: int, cross: bool = True
    ) -> None:
        super().__init__()
        self.affine = AffineFusion(text_dim, channels) if "affine" in kind else None
        use_cross = cross and "cross-attention" in kind
        self.cross = CrossAttentionFusion(channels, text_dim, heads) if use_cross else None

    def forward(self, h: torch.Tensor, text: TextBatch | None) -> torch.Tensor:
        if text is None:
            return h
        if self.affine is not None:
            h = self.affine(h, text.pooled)
        if self.cross is not None:
            h = self.cross(h, text.tokens, text.mask)
        return h
