from __future__ import annotations

import pytest
import torch
from torch import nn

from demos.common.config import ConfigError
from demos.common.distributed import (
    DistInfo,
    setup_distributed,
    teardown_distributed,
    unwrap,
    wrap_ddp,
)
from demos.common.runtime import (
    RuntimeConfig,
    autocast,
    count_parameters,
    maybe_compile,
    num_threads,
    seed_everything,
    select_device,
)


def test_seed_makes_runs_repeatable() -> None:
    seed_everything(3)
    a = torch.randn(4)
    seed_everything(3)
    assert torch.equal(a, torch.randn(4))
    seed_everything(4)
    assert not torch.equal(a, torch.randn(4))


def test_device_selection_and_errors() -> None:
    assert select_device("cpu").type == "cpu"
    assert select_device("auto").type in {"cpu", "cuda", "mps"}
    with pytest.raises(ConfigError, match="'gpu0': not a device name"):
        select_device("gpu0")
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="CUDA is not available"):
            select_device("cuda")


def test_autocast_bf16_and_fp32() -> None:
    lin = nn.Linear(4, 4)
    x = torch.randn(2, 4)
    with autocast(torch.device("cpu"), "bf16"):
        assert lin(x).dtype == torch.bfloat16
    with autocast(torch.device("cpu"), "fp32"):
        assert lin(x).dtype == torch.float32


def test_runtime_config_ranges() -> None:
    RuntimeConfig().validate()
    for field, value, message in [
        ("threads", 0, "runtime.threads: must be at least 1"),
        ("ema", 1.0, r"runtime.ema: must be in \[0, 1\)"),
        ("ema", -0.1, "runtime.ema"),
        ("grad_clip", -1.0, "runtime.grad_clip: must be >= 0"),
        ("log_every", 0, "runtime.log_every: must be at least 1"),
        ("ckpt_every", -5, "runtime.ckpt_every: must be at least 1"),
    ]:
        with pytest.raises(ConfigError, match=message):
            RuntimeConfig(**{field: value}).validate()


def test_compile_switch_unwrap_and_parameter_count() -> None:
    conv = nn.Conv2d(2, 3, 3)
    assert maybe_compile(conv, False) is conv
    assert unwrap(conv) is conv
    assert count_parameters(conv) == 2 * 3 * 3 * 3 + 3
    conv.bias.requires_grad_(False)
    assert count_parameters(conv) == 54 and count_parameters(conv, trainable_only=False) == 57


def test_single_process_distributed_is_a_noop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    info, device = setup_distributed("cpu")
    assert info == DistInfo() and info.is_main and not info.enabled and device.type == "cpu"
    lin = nn.Linear(2, 2)
    assert wrap_ddp(lin, info, device) is lin
    teardown_distributed()
    assert DistInfo(rank=1, world_size=2).enabled and not DistInfo(rank=1, world_size=2).is_main


def test_num_threads_restores() -> None:
    before = torch.get_num_threads()
    with num_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with num_threads(None):
        assert torch.get_num_threads() == before
