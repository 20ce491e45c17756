"""Report generator: image encoder -> finding classifier (prompts) -> transformer decoder.

Reads top to bottom: the encoder turns a radiograph into a grid of feature tokens (MONAI residual
units, or MONAI's ViT); the classifier predicts the findings from the pooled tokens; following
PromptMRG, each finding's predicted probability becomes a prompt token that joins the image tokens
in the decoder's cross-attention memory; the decoder (MONAI transformer blocks with causal
self-attention and cross-attention, as in R2Gen/GIT-style captioners) predicts the next report
token. Sampling loops live in ``sample.py``, never here.
"""

from __future__ import annotations

import itertools
from typing import cast

import torch
from monai.networks.blocks import Convolution, ResidualUnit, TransformerBlock
from monai.networks.nets import ViT
from torch import nn

from demos.common.config import ConfigError
from demos.xray_report.config import ModelConfig


class CNNEncoder(nn.Module):
    """Residual CNN: (B, 1, S, S) -> (B, N, dim) tokens, N = (S / 2**len(channels))**2.

    A stride-2 stem, then one stride-2 MONAI residual unit per further width.
    """

    def __init__(self, cfg: ModelConfig, image_size: int) -> None:
        super().__init__()
        ch = cfg.channels
        stages: list[nn.Module] = [Convolution(2, 1, ch[0], strides=2, kernel_size=3, norm="BATCH")]
        for c_in, c_out in itertools.pairwise(ch):
            stages.append(ResidualUnit(2, c_in, c_out, strides=2, subunits=2, norm="BATCH"))
        self.body = nn.Sequential(*stages)
        grid = image_size // 2 ** len(ch)
        self.proj = nn.Conv2d(ch[-1], cfg.dim, kernel_size=1)
        self.pos = nn.Parameter(torch.zeros(1, grid * grid, cfg.dim))
        nn.init.normal_(self.pos, std=0.02)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        f = self.proj(self.body(images))  # (B, dim, g, g)
        return f.flatten(2).transpose(1, 2) + self.pos  # (B, g*g, dim)


class ViTEncoder(nn.Module):
    """MONAI ViT: (B, 1, S, S) -> (B, (S/patch)**2, dim) tokens."""

    def __init__(self, cfg: ModelConfig, image_size: int) -> None:
        super().__init__()
        self.vit = ViT(
            in_channels=1,
            img_size=image_size,
            patch_size=cfg.patch,
            hidden_size=cfg.dim,
            mlp_dim=cfg.dim * cfg.mlp_ratio,
            num_layers=cfg.encoder_layers,
            num_heads=cfg.heads,
            dropout_rate=cfg.dropout,
            spatial_dims=2,
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        tokens, _ = self.vit(images)
        return tokens  # (B, N, dim)


class FindingPrompts(nn.Module):
    """Multi-label classifier whose probabilities become one prompt token per finding.

    With ``prompt=False`` only the classifier exists (no unused parameters under DDP).
    """

    def __init__(self, dim: int, n_labels: int, prompt: bool = True) -> None:
        super().__init__()
        self.head = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, n_labels))
        self.prompt = prompt
        if prompt:
            self.label = nn.Parameter(torch.randn(n_labels, dim) * 0.02)
            self.present = nn.Parameter(torch.randn(dim) * 0.02)
            self.absent = nn.Parameter(torch.randn(dim) * 0.02)

    def forward(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Tokens (B, N, dim) -> finding logits (B, L) and prompts (B, L, dim) or ``None``."""
        logits = self.head(tokens.mean(dim=1))  # (B, L)
        if not self.prompt:
            return logits, None
        p = torch.sigmoid(logits).detach().unsqueeze(-1)  # (B, L, 1); no gradient through prompts
        prompts = self.label + p * self.present + (1 - p) * self.absent  # (B, L, dim)
        return logits, prompts


class ReportGenerator(nn.Module):
    """Image + report prefix -> next-token logits, plus finding logits."""

    def __init__(
        self, cfg: ModelConfig, vocab_size: int, n_labels: int, image_size: int, max_len: int
    ) -> None:
        super().__init__()
        if cfg.dim % cfg.heads:
            raise ConfigError(
                f"model.dim ({cfg.dim}) must be divisible by model.heads ({cfg.heads})"
            )
        if cfg.encoder == "cnn" and image_size % 2 ** len(cfg.channels):
            raise ConfigError(
                f"data.image_size ({image_size}) must be divisible by 2**{len(cfg.channels)}"
            )
        if cfg.encoder == "vit" and image_size % cfg.patch:
            raise ConfigError(f"data.image_size ({image_size}) must be divisible by model.patch")
        self.cfg = cfg
        self.max_len = max_len
        self.encoder: nn.Module = (
            CNNEncoder(cfg, image_size) if cfg.encoder == "cnn" else ViTEncoder(cfg, image_size)
        )
        self.memory_norm = nn.LayerNorm(cfg.dim)
        self.prompts = FindingPrompts(cfg.dim, n_labels, cfg.prompt)
        self.tok = nn.Embedding(vocab_size, cfg.dim)
        nn.init.normal_(self.tok.weight, std=0.02)
        self.pos = nn.Parameter(torch.zeros(1, max_len, cfg.dim))
        nn.init.normal_(self.pos, std=0.02)
        self.drop = nn.Dropout(cfg.dropout)
        # MONAI's flash path applies attention dropout even in eval mode: use it only without dropout.
        self.blocks = nn.ModuleList(
            TransformerBlock(
                cfg.dim,
                cfg.dim * cfg.mlp_ratio,
                cfg.heads,
                dropout_rate=cfg.dropout,
                causal=True,
                sequence_length=max_len,
                with_cross_attention=True,
                use_flash_attention=cfg.dropout == 0.0,
            )
            for _ in range(cfg.decoder_layers)
        )
        self.norm = nn.LayerNorm(cfg.dim)
        self.lm_head = nn.Linear(cfg.dim, vocab_size, bias=False)
        self.lm_head.weight = self.tok.weight  # weight tying

    def encode(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, 1, S, S) -> memory (B, N [+ L], dim) and finding logits (B, L)."""
        tokens = self.memory_norm(self.encoder(images))  # (B, N, dim)
        logits, prompts = self.prompts(tokens)
        if prompts is not None:
            tokens = torch.cat([tokens, prompts.to(tokens.dtype)], dim=1)  # (B, N + L, dim)
        return tokens, logits

    def decode(self, memory: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """Memory (B, M, dim) and token ids (B, T) -> next-token logits (B, T, V)."""
        t = ids.shape[1]
        if t > self.max_len:
            raise ValueError(f"sequence of {t} tokens exceeds max_len {self.max_len}")
        x = self.drop(self.tok(ids) + self.pos[:, :t])  # (B, T, dim)
        for block in self.blocks:
            x = block(x, context=memory)
        return self.lm_head(self.norm(x))  # (B, T, V)

    def decode_next(
        self, memory: torch.Tensor, ids: torch.Tensor, cache: list[torch.Tensor] | None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Logits of the token after ``ids`` (B, T) -> (B, V), reusing ``cache`` from step T - 1.

        ``cache[l]`` holds the inputs of decoder layer ``l`` at the earlier positions (B, T-1, dim);
        causality means they never change, so only the newest position goes through
        cross-attention and the MLP. Same numbers as ``decode(memory, ids)[:, -1]`` (tested).
        Reorder the cache with ``[c[index] for c in cache]`` when hypotheses are reordered.
        """
        t = ids.shape[1]
        if t > self.max_len:
            raise ValueError(f"sequence of {t} tokens exceeds max_len {self.max_len}")
        x = self.drop(self.tok(ids[:, -1:]) + self.pos[:, t - 1 : t])  # (B, 1, dim)
        new_cache = []
        for i, layer in enumerate(self.blocks):
            block = cast(TransformerBlock, layer)
            seq = x if cache is None else torch.cat([cache[i], x], dim=1)  # (B, T, dim)
            new_cache.append(seq)
            # The steps of MONAI's TransformerBlock.forward, for the newest position only.
            x = x + block.attn(block.norm1(seq))[:, -1:]
            x = x + block.cross_attn(block.norm_cross_attn(x), context=memory)
            x = x + block.mlp(block.norm2(x))
        return self.lm_head(self.norm(x))[:, -1], new_cache  # (B, V)

    def forward(self, images: torch.Tensor, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher forcing: (B, 1, S, S), (B, T) -> token logits (B, T, V), finding logits (B, L)."""
        memory, finding_logits = self.encode(images)
        return self.decode(memory, ids), finding_logits
