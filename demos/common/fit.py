"""The training loop both demos run: :func:`fit` calls a demo's step function and does the rest.

A step function takes the prepared network (DDP and/or compiled) and the step index and returns
the loss to minimise and any metrics to log. :func:`fit` restores a checkpoint, keeps the EMA,
back-propagates, clips gradients, steps the optimiser and the LR schedule, logs every
``runtime.log_every`` steps to ``RUN/train_log.jsonl``, and writes ``RUN/checkpoint.pt`` every
``runtime.ckpt_every`` steps and at the end (main process only).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .checkpoint import CHECKPOINT, Checkpoint, Stateful, save_checkpoint
from .distributed import unwrap
from .ema import EMA
from .progress import MetricsLog, progress
from .runtime import count_parameters
from .session import Session

Metrics = Mapping[str, torch.Tensor | float]
StepFn = Callable[[nn.Module, int], tuple[torch.Tensor, Metrics]]


def warmup_cosine(
    optimizer: torch.optim.Optimizer, warmup: int, total: int, floor: float = 0.1
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up over ``min(warmup, total)`` steps, then cosine decay to ``floor`` x the LR."""
    warm = min(warmup, total)

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        t = (step - warm) / max(1, total - warm)
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(1.0, t)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


@dataclass
class Trainee:
    """What :func:`fit` trains and saves: the plain network, its optimiser and LR schedule,
    other state saved and restored under its name (a discriminator, a text standardiser), and
    plain data saved with every checkpoint (a tokenizer)."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LRScheduler
    others: dict[str, Stateful] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class FitResult:
    checkpoint: Path
    steps: int
    seconds: float
    images_per_second: float
    final_loss: float
    parameters: int  # trainable parameters of the model
    ema: EMA | None


def _states(trainee: Trainee, ema: EMA | None) -> dict[str, Any]:
    state: dict[str, Any] = {
        "model": unwrap(trainee.model).state_dict(),
        "optimizer": trainee.optimizer.state_dict(),
        "scheduler": trainee.scheduler.state_dict(),
    }
    if ema is not None:
        state["ema"] = ema.state_dict()
    return state | {name: obj.state_dict() for name, obj in trainee.others.items()}


def _restore(trainee: Trainee, ckpt: Checkpoint) -> None:
    ckpt.restore(trainee.model, "model")
    ckpt.restore(trainee.optimizer, "optimizer")
    ckpt.restore(trainee.scheduler, "scheduler")
    for name, obj in trainee.others.items():
        ckpt.restore(obj, name)


def _update(session: Session, trainee: Trainee, loss: torch.Tensor, ema: EMA | None) -> None:
    """Back-propagate, clip, step the optimiser and the schedule, update the EMA."""
    trainee.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if session.runtime.grad_clip > 0:
        nn.utils.clip_grad_norm_(trainee.model.parameters(), session.runtime.grad_clip)
    trainee.optimizer.step()
    trainee.scheduler.step()
    if ema is not None:
        ema.update(trainee.model)


def _row(loss: float, metrics: Metrics, lr: float, rate: float) -> dict[str, float]:
    values = {k: float(v.item() if isinstance(v, torch.Tensor) else v) for k, v in metrics.items()}
    return {"loss": loss, **values, "lr": lr, "images_per_s": rate}


def _echo_row(echo: Callable[[str], None], row: Mapping[str, Any]) -> None:
    echo(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()))


def fit(
    session: Session,
    trainee: Trainee,
    step_fn: StepFn,
    *,
    steps: int,
    batch_size: int,
    out_dir: Path,
    config: dict[str, Any],
    resume: Checkpoint | None = None,
    validate: Callable[[], Mapping[str, float]] | None = None,
    echo: Callable[[str], None] | None = None,
    desc: str = "train",
) -> FitResult:
    """Train ``trainee`` from step 0 (or ``resume.step``) to ``steps`` with ``step_fn``.

    ``validate`` runs on the main process before each periodic checkpoint and its metrics are
    logged; ``echo`` receives the log rows when the progress bar is off.
    """
    rt, info = session.runtime, session.info
    start = 0
    if resume is not None:
        _restore(trainee, resume)
        start = resume.step
    ema = EMA(trainee.model, rt.ema) if rt.ema > 0 else None
    if ema is not None and resume is not None and "ema" in resume.state:
        resume.restore(ema, "ema")
    path = out_dir / CHECKPOINT

    def save(step: int) -> None:
        if info.is_main:
            state = _states(trainee, ema)
            save_checkpoint(path, step=step, config=config, state=state, extra=trainee.extra)

    net = session.prepare(trainee.model)
    log = MetricsLog(out_dir / "train_log.jsonl", enabled=info.is_main)
    net.train()
    tic, loss_value = time.perf_counter(), float("nan")
    todo = range(start, steps)
    for step in progress(todo, total=len(todo), desc=desc, enabled=rt.progress and info.is_main):
        loss, metrics = step_fn(net, step)
        _update(session, trainee, loss, ema)
        loss_value = loss.item()
        done = step + 1
        if done % rt.log_every == 0 or done == steps:
            rate = (done - start) * batch_size * info.world_size / (time.perf_counter() - tic)
            lr = float(trainee.scheduler.get_last_lr()[0])
            row = log.log(done, **_row(loss_value, metrics, lr, rate))
            if echo is not None and info.is_main and not rt.progress:
                _echo_row(echo, row)
        if done % rt.ckpt_every == 0:
            extra_metrics = validate() if validate is not None and info.is_main else {}
            if extra_metrics:
                log.log(done, **extra_metrics)
            save(done)
    seconds = time.perf_counter() - tic
    save(steps)
    del net  # drop the DDP wrapper while the process group is alive
    n_images = (steps - start) * batch_size * info.world_size
    return FitResult(
        checkpoint=path,
        steps=steps,
        seconds=seconds,
        images_per_second=n_images / max(seconds, 1e-9),
        final_loss=loss_value,
        parameters=count_parameters(trainee.model),
        ema=ema,
    )
