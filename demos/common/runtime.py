"""How a run executes: :class:`RuntimeConfig` (nested as ``runtime`` in both demos' configs) and
the helpers it drives: device, seeding, bf16 autocast, CPU threads, ``torch.compile``."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from torch import nn

from .config import ConfigError, check

Precision = Literal["fp32", "bf16"]


@dataclass
class RuntimeConfig:
    """Seed, device, threads, precision, compile, EMA, gradient clipping, log and checkpoint
    cadence, progress bar: the same fields, names and meanings in both demos."""

    seed: int = 0
    device: str = "auto"  # auto: CUDA (this process's local rank), then MPS, then CPU
    threads: int = 1  # CPU threads for torch (ignored on GPU); 1 is fastest on a shared, busy CPU
    precision: Precision = "fp32"  # bf16: autocast to bfloat16
    compile: bool = False  # torch.compile the network (after wrapping it in DDP)
    ema: float = 0.0  # decay of an exponential moving average of the weights; 0 disables it
    grad_clip: float = 1.0  # largest gradient norm; 0 disables clipping
    log_every: int = 50  # steps between rows of train_log.jsonl
    ckpt_every: int = 500  # steps between checkpoints (and validation, where a demo has one)
    progress: bool = True  # a tqdm bar on the main process

    def validate(self) -> None:
        """Raise :class:`ConfigError` naming the first field out of its range."""
        check(self.threads >= 1, "runtime.threads", f"must be at least 1, got {self.threads}")
        check(0.0 <= self.ema < 1.0, "runtime.ema", f"must be in [0, 1), got {self.ema}")
        check(self.grad_clip >= 0.0, "runtime.grad_clip", f"must be >= 0, got {self.grad_clip}")
        for key in ("log_every", "ckpt_every"):
            value = getattr(self, key)
            check(value >= 1, f"runtime.{key}", f"must be at least 1, got {value}")


def select_device(name: str = "auto", local_rank: int = 0) -> torch.device:
    """``auto``: CUDA (this process's local rank), then MPS, then CPU; else ``torch.device(name)``.

    An unknown or unavailable device is a :class:`ConfigError`.
    """
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", local_rank % torch.cuda.device_count())
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(name)
    except RuntimeError:
        raise ConfigError(
            f"device {name!r}: not a device name (auto, cpu, cuda, cuda:1, mps)"
        ) from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"device {name!r} requested but CUDA is not available")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise ConfigError(f"device {name!r} requested but MPS is not available")
    return device


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch (all devices); return a CPU generator seeded the same way."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def autocast(device: torch.device, precision: Precision) -> contextlib.AbstractContextManager[None]:
    """bf16 autocast on ``device`` for ``precision="bf16"``, else a no-op context."""
    if precision != "bf16":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16)


@contextlib.contextmanager
def num_threads(n: int | None) -> Iterator[None]:
    """Temporarily set ``torch.set_num_threads(n)`` (``None`` leaves it alone)."""
    if n is None:
        yield
        return
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def maybe_compile(module: nn.Module, enabled: bool) -> nn.Module:
    """``torch.compile(module)`` when ``enabled``; the module unchanged otherwise."""
    if not enabled:
        return module
    compiled = torch.compile(module)
    assert isinstance(compiled, nn.Module)
    return compiled


def count_parameters(module: nn.Module, trainable_only: bool = True) -> int:
    """Number of (trainable, by default) parameter elements."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)
