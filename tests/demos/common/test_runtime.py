from __future__ import annotations

import pytest
import torch
from torch import nn

from demos.common.runtime import (
    DistInfo,
    autocast,
    maybe_compile,
    num_threads,
    seed_everything,
    select_device,
    setup_distributed,
    teardown_distributed,
    to_channels_last,
    unwrap,
    wrap_ddp,
)


def test_seed_makes_runs_repeatable() -> None:
    seed_everything(3)
    a = torch.randn(4)
    seed_everything(3)
    assert torch.equal(a, torch.randn(4))


def test_device_selection() -> None:
    assert select_device("cpu").type == "cpu"
    assert select_device("auto").type in {"cpu", "cuda", "mps"}
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            select_device("cuda")


def test_autocast_bf16_and_noop() -> None:
    lin = nn.Linear(4, 4)
    x = torch.randn(2, 4)
    with autocast(torch.device("cpu"), True):
        assert lin(x).dtype == torch.bfloat16
    with autocast(torch.device("cpu"), False):
        assert lin(x).dtype == torch.float32


def test_channels_last_compile_and_unwrap() -> None:
    conv = to_channels_last(nn.Conv2d(2, 3, 3), 2)
    assert isinstance(conv, nn.Conv2d)
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)
    conv3 = to_channels_last(nn.Conv3d(2, 3, 3), 3)
    assert isinstance(conv3, nn.Conv3d)
    assert conv3.weight.is_contiguous(memory_format=torch.channels_last_3d)
    assert maybe_compile(conv, False) is conv
    assert unwrap(conv) is conv


def test_single_process_distributed_is_a_noop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    info, device = setup_distributed("cpu")
    assert info == DistInfo() and info.is_main and not info.enabled and device.type == "cpu"
    lin = nn.Linear(2, 2)
    assert wrap_ddp(lin, info, device) is lin
    teardown_distributed()


def test_num_threads_restores() -> None:
    before = torch.get_num_threads()
    with num_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
