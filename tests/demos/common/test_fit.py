"""The shared loop on a one-weight regression: logging, checkpoints, resume, EMA, clipping."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from demos.common.checkpoint import load_checkpoint
from demos.common.fit import FitResult, Trainee, fit, warmup_cosine
from demos.common.runtime import RuntimeConfig
from demos.common.session import Session, start_session

ReadLog = Callable[[Path], list[dict[str, Any]]]


def test_warmup_cosine_factors() -> None:
    opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0)
    sched = warmup_cosine(opt, warmup=4, total=20, floor=0.1)
    lrs = []
    for _ in range(20):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert lrs[:4] == pytest.approx([0.25, 0.5, 0.75, 1.0])
    assert all(a >= b for a, b in itertools.pairwise(lrs[3:]))  # decays after warm-up
    assert lrs[-1] == pytest.approx(0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * 15 / 16)))
    none = warmup_cosine(torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0), 0, 10)
    assert none.get_last_lr() == [1.0]  # no warm-up: the cosine starts at full LR
    short = warmup_cosine(torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1.0), 50, 5)
    assert short.get_last_lr() == [pytest.approx(0.2)]  # warm-up shortened to the run


def _trainee(seed: int = 0) -> Trainee:
    torch.manual_seed(seed)
    model = nn.Linear(1, 1)
    opt = torch.optim.AdamW(model.parameters(), lr=0.1)
    return Trainee(model, opt, warmup_cosine(opt, 2, 40), extra={"note": "kept"})


def _step(net: nn.Module, step: int) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """A batch that depends only on the step index (so resumed runs can be compared)."""
    x = torch.linspace(-1, 1, 8)[:, None] + 0.01 * step
    loss = ((net(x) - (2 * x + 1)) ** 2).mean()
    return loss, {"mse": loss.detach()}


def _fit(
    tmp: Path, steps: int, rt: RuntimeConfig, trainee: Trainee | None = None, **kw: Any
) -> tuple[FitResult, Trainee]:
    trainee = trainee or _trainee()
    with start_session(rt) as s:
        result = fit(
            s, trainee, _step, steps=steps, batch_size=8, out_dir=tmp, config={"a": 1}, **kw
        )
    return result, trainee


RT = RuntimeConfig(device="cpu", progress=False, log_every=5, ckpt_every=10)


def test_fit_learns_logs_and_checkpoints(tmp_path: Path, read_log: ReadLog) -> None:
    lines: list[str] = []
    result, trainee = _fit(tmp_path, 12, RT, echo=lines.append)
    rows = read_log(tmp_path / "train_log.jsonl")
    assert [r["step"] for r in rows] == [5, 10, 12]
    assert list(rows[0])[:3] == ["step", "time", "loss"] and rows[0]["mse"] == rows[0]["loss"]
    assert {"lr", "images_per_s"} <= set(rows[0]) and rows[-1]["loss"] < rows[0]["loss"]
    assert len(lines) == 3 and lines[0].startswith("step=5 ") and "mse=" in lines[0]
    assert result.steps == 12 and result.parameters == 2 and result.ema is None
    assert result.final_loss == pytest.approx(rows[-1]["loss"]) and result.images_per_second > 0
    ck = load_checkpoint(result.checkpoint)
    assert ck.step == 12 and ck.config == {"a": 1} and ck.extra == {"note": "kept"}
    assert set(ck.state) == {"model", "optimizer", "scheduler"}
    assert torch.equal(ck.state["model"]["weight"], trainee.model.weight.detach())


def test_resumed_run_equals_an_uninterrupted_one(tmp_path: Path, read_log: ReadLog) -> None:
    straight, _ = _fit(tmp_path / "a", 12, RT)
    _fit(tmp_path / "b", 7, RT)
    resumed, _ = _fit(tmp_path / "b", 12, RT, resume=load_checkpoint(tmp_path / "b"))
    a, b = (load_checkpoint(r.checkpoint).state["model"] for r in (straight, resumed))
    for name in a:
        torch.testing.assert_close(a[name], b[name], rtol=0, atol=0)
    assert [r["step"] for r in read_log(tmp_path / "b" / "train_log.jsonl")] == [5, 7, 10, 12]


def test_ema_other_state_and_validation(tmp_path: Path, read_log: ReadLog) -> None:
    trainee = _trainee()
    counter = nn.Linear(1, 1, bias=False)
    trainee.others["counter"] = counter
    calls: list[int] = []

    def validate() -> dict[str, float]:
        calls.append(1)
        return {"val_metric": 0.5}

    rt = RuntimeConfig(device="cpu", progress=False, ema=0.5, log_every=100, ckpt_every=4)
    result, _ = _fit(tmp_path, 9, rt, trainee=trainee, validate=validate)
    assert result.ema is not None and len(calls) == 2  # at steps 4 and 8
    rows = read_log(tmp_path / "train_log.jsonl")
    assert [(r["step"], "val_metric" in r) for r in rows] == [(4, True), (8, True), (9, False)]
    ck = load_checkpoint(result.checkpoint)
    assert {"ema", "counter"} <= set(ck.state)
    ema_w, w = ck.state["ema"]["weight"], ck.state["model"]["weight"]
    assert not torch.equal(ema_w, w)  # the average lags the weights
    fresh = _trainee(seed=1)
    fresh.others["counter"] = nn.Linear(1, 1, bias=False)
    _fit(tmp_path, 10, rt, trainee=fresh, resume=ck)
    assert torch.equal(fresh.others["counter"].weight, counter.weight)  # type: ignore[union-attr]


def _grad_norm(model: nn.Module) -> float:
    return float(torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.parameters()])))  # type: ignore[union-attr]


def test_gradient_clipping_is_the_runtime_switch(tmp_path: Path) -> None:
    def big(net: nn.Module, step: int) -> tuple[torch.Tensor, dict[str, float]]:
        loss, _ = _step(net, step)
        return 1e4 * loss, {}

    for clip, bounded in ((0.01, True), (0.0, False)):
        trainee = _trainee()
        rt = RuntimeConfig(device="cpu", progress=False, grad_clip=clip)
        with start_session(rt) as s:
            fit(s, trainee, big, steps=1, batch_size=8, out_dir=tmp_path, config={})
        assert (_grad_norm(trainee.model) <= 0.01 + 1e-6) is bounded


def test_only_the_main_process_writes(tmp_path: Path) -> None:
    from demos.common.distributed import DistInfo

    other = Session(RT, DistInfo(rank=1, world_size=1), torch.device("cpu"))
    fit(other, _trainee(), _step, steps=3, batch_size=8, out_dir=tmp_path, config={})
    assert list(tmp_path.iterdir()) == []
