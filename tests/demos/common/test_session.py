from __future__ import annotations

import pytest
import torch
from torch import nn

from demos.common.config import ConfigError
from demos.common.distributed import DistInfo
from demos.common.runtime import RuntimeConfig
from demos.common.session import Session, start_session


def test_session_seeds_sets_threads_and_restores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    before = torch.get_num_threads()
    with start_session(RuntimeConfig(seed=5, device="cpu", threads=1)) as s:
        assert torch.get_num_threads() == 1 and s.device.type == "cpu" and s.info.is_main
        a = torch.randn(3)
    with start_session(RuntimeConfig(seed=5, device="cpu")):
        assert torch.equal(a, torch.randn(3))  # the same seed, the same draws
    assert torch.get_num_threads() == before


def test_session_validates_the_runtime() -> None:
    with (
        pytest.raises(ConfigError, match=r"runtime\.log_every"),
        start_session(RuntimeConfig(log_every=0)),
    ):
        pass


def test_batch_streams_differ_per_rank_and_after_resume() -> None:
    rt = RuntimeConfig(seed=3)
    cpu = torch.device("cpu")
    seeds = {
        (rank, start): Session(rt, DistInfo(rank=rank, world_size=4), cpu).batch_seed(start)
        for rank in range(4)
        for start in (0, 100, 101)
    }
    assert len(set(seeds.values())) == len(seeds)
    single = Session(RuntimeConfig(seed=0), DistInfo(), cpu)
    assert single.batch_seed() == 0  # seed 0 on one process: the stream the demos always had
    a = single.generator(7).initial_seed()
    assert a == single.batch_seed(7) and a != single.batch_seed(8)


def test_prepare_is_the_plain_module_on_one_process() -> None:
    lin = nn.Linear(2, 2)
    s = Session(RuntimeConfig(), DistInfo(), torch.device("cpu"))
    assert s.prepare(lin) is lin
    with s.autocast():
        assert lin(torch.ones(1, 2)).dtype == torch.float32
    bf16 = Session(RuntimeConfig(precision="bf16"), DistInfo(), torch.device("cpu"))
    with bf16.autocast():
        assert lin(torch.ones(1, 2)).dtype == torch.bfloat16
