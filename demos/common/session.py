"""One training session: process group, device, CPU threads and seeds set up once, in one order,
for both demos, and torn down at the end (see :func:`start_session`)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import nn

from .distributed import DistInfo, setup_distributed, teardown_distributed, wrap_ddp
from .runtime import RuntimeConfig, autocast, maybe_compile, num_threads, seed_everything


@dataclass(frozen=True)
class Session:
    """The runtime of a training run: its config, where this process sits, and its device."""

    runtime: RuntimeConfig
    info: DistInfo
    device: torch.device

    def autocast(self) -> contextlib.AbstractContextManager[None]:
        """bf16 autocast when ``runtime.precision`` is ``bf16``."""
        return autocast(self.device, self.runtime.precision)

    def prepare(self, module: nn.Module) -> nn.Module:
        """DDP first, then ``torch.compile`` (the order PyTorch documents for the two together)."""
        return maybe_compile(wrap_ddp(module, self.info, self.device), self.runtime.compile)

    def batch_seed(self, start_step: int = 0) -> int:
        """Seed of this rank's batch stream: ``(seed * 1000 + start_step) * world_size + rank``.

        Every rank draws its own batches, and a resumed run does not replay the first ones.
        """
        rt, info = self.runtime, self.info
        return (rt.seed * 1000 + start_step) * info.world_size + info.rank

    def generator(self, start_step: int = 0) -> torch.Generator:
        """A CPU generator seeded with :meth:`batch_seed`."""
        return torch.Generator().manual_seed(self.batch_seed(start_step))


@contextlib.contextmanager
def start_session(runtime: RuntimeConfig) -> Iterator[Session]:
    """Validate ``runtime``, join the process group under torchrun, pick the device, set the CPU
    threads (restored afterwards) and seed Python, NumPy and torch with ``runtime.seed`` (the
    same on every rank: DDP starts all ranks from rank 0's weights anyway).

    On the way out every rank meets at a barrier (success only) and the process group is
    destroyed, after unreferenced DDP wrappers are collected while it is still alive.
    """
    runtime.validate()
    info, device = setup_distributed(runtime.device)
    ok = False
    try:
        with num_threads(runtime.threads if device.type == "cpu" else None):
            seed_everything(runtime.seed)
            yield Session(runtime, info, device)
        ok = True
    finally:
        gc.collect()
        teardown_distributed(sync=ok)
