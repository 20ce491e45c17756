"""Batched report decoding: greedy and beam search, both with optional trigram blocking.

Beam search keeps ``K`` hypotheses per image ranked by summed log-probability. A hypothesis that
emits ``[EOS]`` stays in the beam with its score frozen (it can only be extended by ``[PAD]`` at
log-probability 0), as in the captioning code R2Gen builds on; at the end the hypothesis with the
best ``score / length ** length_penalty`` wins. With ``K = 1`` this is exactly greedy decoding.
Trigram blocking forbids a token that would repeat a trigram already in the hypothesis. Both loops
feed one new token per step and reuse the decoder's per-layer cache (``model.decode_next``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from demos.xray_report.model import ReportGenerator
from demos.xray_report.tokenizer import BOS, EOS, PAD, ReportTokenizer


def block_repeated_trigrams(ids: torch.Tensor, logp: torch.Tensor) -> torch.Tensor:
    """Set to -inf every next token that would repeat a trigram of ``ids`` (N, T); logp (N, V)."""
    if ids.shape[1] < 3:
        return logp
    a, b = ids[:, -2:-1], ids[:, -1:]  # (N, 1) each: the last two tokens
    hit = (ids[:, :-2] == a) & (ids[:, 1:-1] == b) & (ids[:, 2:] != PAD)  # (N, T-2)
    banned = torch.zeros_like(logp).scatter_add_(1, ids[:, 2:], hit.to(logp.dtype)) > 0
    return logp.masked_fill(banned, float("-inf"))


def _next_logp(
    model: ReportGenerator,
    memory: torch.Tensor,
    ids: torch.Tensor,
    cache: list[torch.Tensor] | None,
    block_trigrams: bool,
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Next-token log-probabilities (N, V) with PAD/BOS (and repeated trigrams) excluded."""
    logits, cache = model.decode_next(memory, ids, cache)
    logp = torch.log_softmax(logits.float(), dim=-1)  # (N, V)
    logp[:, PAD] = float("-inf")
    logp[:, BOS] = float("-inf")
    return (block_repeated_trigrams(ids, logp) if block_trigrams else logp), cache


def _trim(row: Sequence[int]) -> list[int]:
    out = []
    for i in row[1:]:
        if i in (EOS, PAD):
            break
        out.append(int(i))
    return out


@torch.no_grad()
def greedy_search(
    model: ReportGenerator, images: torch.Tensor, max_len: int, block_trigrams: bool = False
) -> list[list[int]]:
    """Most likely next token at every step; returns token ids without BOS/EOS per image."""
    memory, _ = model.encode(images)  # (B, M, dim)
    b = images.shape[0]
    ids = torch.full((b, 1), BOS, dtype=torch.long, device=images.device)  # (B, 1)
    done = torch.zeros(b, dtype=torch.bool, device=images.device)
    cache: list[torch.Tensor] | None = None
    for _ in range(max_len - 1):
        logp, cache = _next_logp(model, memory, ids, cache, block_trigrams)
        nxt = logp.argmax(dim=-1)  # (B,)
        nxt = nxt.masked_fill(done, PAD)
        ids = torch.cat([ids, nxt[:, None]], dim=1)
        done |= nxt == EOS
        if bool(done.all()):
            break
    return [_trim(row) for row in ids.tolist()]


@torch.no_grad()
def beam_search(
    model: ReportGenerator,
    images: torch.Tensor,
    max_len: int,
    beam_size: int = 3,
    block_trigrams: bool = True,
    length_penalty: float = 1.0,
) -> list[list[int]]:
    """Batched beam search; returns the best hypothesis (ids without BOS/EOS) per image."""
    if beam_size < 1:
        raise ValueError(f"beam size must be at least 1, got {beam_size}")
    k = beam_size
    memory, _ = model.encode(images)
    b, dev = images.shape[0], images.device
    memory = memory.repeat_interleave(k, dim=0)  # (B*K, M, dim)
    ids = torch.full((b * k, 1), BOS, dtype=torch.long, device=dev)  # (B*K, 1)
    scores = torch.zeros(b, k, device=dev)
    scores[:, 1:] = float("-inf")  # all beams start as copies of beam 0
    finished = torch.zeros(b * k, dtype=torch.bool, device=dev)
    lengths = torch.zeros(b * k, device=dev)
    cache: list[torch.Tensor] | None = None
    for _ in range(max_len - 1):
        logp, cache = _next_logp(model, memory, ids, cache, block_trigrams)  # (B*K, V)
        v = logp.shape[1]
        logp[finished] = float("-inf")
        logp[finished, PAD] = 0.0
        cand = (scores.view(-1, 1) + logp).view(b, k * v)  # (B, K*V)
        top, idx = cand.topk(k, dim=1)  # (B, K)
        src = (torch.arange(b, device=dev)[:, None] * k + idx // v).view(-1)  # (B*K,)
        tok = (idx % v).view(-1)
        was_finished = finished[src]
        ids = torch.cat([ids[src], tok[:, None]], dim=1)
        cache = [c[src] for c in cache]
        lengths = lengths[src] + (~was_finished).float()
        finished = was_finished | (tok == EOS)
        scores = top
        if bool(finished.all()):
            break
    norm = scores / lengths.view(b, k).clamp(min=1) ** length_penalty  # (B, K)
    best = torch.arange(b, device=dev) * k + norm.argmax(dim=1)
    return [_trim(row) for row in ids[best].tolist()]


@torch.no_grad()
def generate(
    model: ReportGenerator,
    tokenizer: ReportTokenizer,
    images: np.ndarray | torch.Tensor,
    *,
    beam_size: int,
    max_len: int,
    block_trigrams: bool,
    length_penalty: float = 1.0,
    batch_size: int = 64,
    device: torch.device | None = None,
) -> tuple[list[str], np.ndarray]:
    """Reports and finding probabilities (N, L) for images (N, 1, S, S); greedy when beam is 1."""
    model.eval()
    device = device or next(model.parameters()).device
    data = torch.as_tensor(np.asarray(images), dtype=torch.float32)
    reports: list[str] = []
    probs = []
    for start in range(0, len(data), batch_size):
        batch = data[start : start + batch_size].to(device)
        if beam_size == 1:
            rows = greedy_search(model, batch, max_len, block_trigrams)
        else:
            rows = beam_search(model, batch, max_len, beam_size, block_trigrams, length_penalty)
        reports.extend(tokenizer.decode(r) for r in rows)
        probs.append(torch.sigmoid(model.encode(batch)[1].float()).cpu().numpy())
    return reports, np.concatenate(probs) if probs else np.zeros((0, 0))
