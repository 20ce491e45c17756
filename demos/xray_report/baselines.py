"""Reference points measured in the same run as the model.

- majority: every study gets the most frequent training report;
- retrieval: every study gets the report of the nearest training image (Euclidean distance
  between per-image standardised, 16 x 16 average-pooled images);
- shuffled image: the trained model is given another study's image (a fixed derangement), which
  shows how much of its score comes from the image rather than from the report prior.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F


def majority_report(train_reports: Sequence[str]) -> str:
    """The most frequent training report (the first one seen among ties)."""
    if not train_reports:
        raise ValueError("no training reports")
    return Counter(train_reports).most_common(1)[0][0]


def _embed(images: np.ndarray, size: int) -> torch.Tensor:
    x = torch.as_tensor(np.asarray(images), dtype=torch.float32)  # (N, 1, S, S)
    x = F.adaptive_avg_pool2d(x, size).flatten(1)  # (N, size*size)
    x = x - x.mean(dim=1, keepdim=True)
    return x / x.std(dim=1, keepdim=True).clamp(min=1e-6)


def nearest_train_index(
    train_images: np.ndarray, query_images: np.ndarray, size: int = 16, chunk: int = 512
) -> np.ndarray:
    """Index of the nearest training image for every query image."""
    train = _embed(train_images, size)
    out = []
    for start in range(0, len(query_images), chunk):
        query = _embed(query_images[start : start + chunk], size)
        out.append(torch.cdist(query, train).argmin(dim=1))
    return torch.cat(out).numpy()


def retrieval_reports(
    train_images: np.ndarray, train_reports: Sequence[str], query_images: np.ndarray
) -> list[str]:
    """The report of the nearest training image, for every query image."""
    return [train_reports[i] for i in nearest_train_index(train_images, query_images)]


def derangement(n: int, seed: int) -> np.ndarray:
    """A seeded permutation with no fixed point (n >= 2): a random cycle order shifted by one."""
    if n < 2:
        raise ValueError("shuffling needs at least two studies")
    order = np.random.default_rng(seed).permutation(n)
    out = np.empty(n, dtype=np.int64)
    out[order] = np.roll(order, 1)
    return out
