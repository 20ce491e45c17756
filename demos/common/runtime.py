"""Runtime helpers: device, seeding, bf16 autocast, channels-last, torch.compile, DDP (torchrun)."""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
import torch.distributed as dist
from torch import nn


def select_device(name: str = "auto", local_rank: int = 0) -> torch.device:
    """``auto``: CUDA (this process's local rank), then MPS, then CPU; else ``torch.device(name)``."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", local_rank % torch.cuda.device_count())
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"device {name!r} requested but CUDA is not available")
    return device


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch (all devices); return a CPU generator seeded the same way."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def autocast(device: torch.device, enabled: bool) -> contextlib.AbstractContextManager[None]:
    """bf16 autocast on ``device`` when ``enabled``, else a no-op context."""
    if not enabled:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16)


def to_channels_last(module: nn.Module, spatial_dims: int) -> nn.Module:
    """Use the channels-last memory format (2D: ``channels_last``, 3D: ``channels_last_3d``)."""
    fmt = torch.channels_last if spatial_dims == 2 else torch.channels_last_3d
    return module.to(memory_format=fmt)  # type: ignore[call-overload]


def maybe_compile(module: nn.Module, enabled: bool) -> nn.Module:
    """``torch.compile(module)`` when ``enabled``; the module unchanged otherwise."""
    if not enabled:
        return module
    compiled = torch.compile(module)
    assert isinstance(compiled, nn.Module)
    return compiled


@dataclass(frozen=True)
class DistInfo:
    """Where this process sits in a (possibly single-process) run."""

    rank: int = 0
    local_rank: int = 0
    world_size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1


def setup_distributed(device_name: str = "auto") -> tuple[DistInfo, torch.device]:
    """Initialise the process group when launched by ``torchrun`` (``WORLD_SIZE`` > 1).

    Uses NCCL on CUDA and Gloo otherwise. Without torchrun this is a single-process no-op.
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    device = select_device(device_name, local)
    if world > 1 and not dist.is_initialized():
        if device.type == "cuda":
            torch.cuda.set_device(device)
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return DistInfo(rank=rank, local_rank=local, world_size=world), device


def teardown_distributed(sync: bool = False) -> None:
    """Destroy the process group if one is active.

    With ``sync`` every rank first waits at a barrier, so that no rank tears down its DDP
    communication while another (rank 0 validating or checkpointing) still runs: without it a
    finished rank can hang in Gloo's destructor. Use ``sync`` only on the success path.
    """
    if dist.is_available() and dist.is_initialized():
        if sync:
            dist.barrier()
        dist.destroy_process_group()


def wrap_ddp(module: nn.Module, info: DistInfo, device: torch.device) -> nn.Module:
    """Wrap in DistributedDataParallel when running distributed; unchanged otherwise."""
    if not info.enabled:
        return module
    ids = [device.index] if device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(module, device_ids=ids)


def unwrap(module: nn.Module) -> nn.Module:
    """The plain module inside DDP and/or ``torch.compile`` wrappers."""
    inner: nn.Module = module
    while True:
        if isinstance(inner, nn.parallel.DistributedDataParallel):
            inner = inner.module
        elif isinstance(getattr(inner, "_orig_mod", None), nn.Module):
            inner = inner._orig_mod  # type: ignore[assignment]
        else:
            return inner


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
