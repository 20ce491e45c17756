"""Training loop: teacher-forced report loss + finding-classification loss.

CPU or GPU, bf16 autocast, DDP under ``torchrun`` (each rank draws its own batches), atomic
checkpoints with the config and tokenizer inside, resume, optional EMA weights, a JSONL log.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from demos.common.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from demos.common.config import ConfigError, from_dict, to_dict
from demos.common.ema import EMA
from demos.common.progress import MetricsLog, progress
from demos.common.runtime import (
    autocast,
    maybe_compile,
    num_threads,
    seed_everything,
    setup_distributed,
    teardown_distributed,
    wrap_ddp,
)
from demos.xray_report.config import XrayConfig
from demos.xray_report.data import LABELS, Cohort, make_cohort
from demos.xray_report.model import ReportGenerator
from demos.xray_report.tokenizer import (
    PAD,
    ReportTokenizer,
    build_tokenizer,
    encode_reports,
    tokenizer_from_dict,
)

CHECKPOINT = "checkpoint.pt"


@dataclass
class Splits:
    train: Cohort
    val: Cohort
    test: Cohort


def load_splits(cfg: XrayConfig) -> Splits:
    """The train/val/test studies named by ``cfg.data`` (synthetic, or a real dataset folder)."""
    d = cfg.data
    if d.source == "synthetic":
        return Splits(
            make_cohort(d.n_train, d.image_size, d.seed, d.prevalence),
            make_cohort(d.n_val, d.image_size, d.seed + 1, d.prevalence),
            make_cohort(d.n_test, d.image_size, d.seed + 2, d.prevalence),
        )
    from demos.xray_report.realdata import load_real_splits

    train, val, test = load_real_splits(d.source, Path(d.root), d.image_size)
    return Splits(train, val, test)


def build_model(cfg: XrayConfig, vocab_size: int) -> ReportGenerator:
    return ReportGenerator(
        cfg.model, vocab_size, len(LABELS), cfg.data.image_size, cfg.data.max_len
    )


def _pad(seqs: list[list[int]]) -> torch.Tensor:
    width = max(len(s) for s in seqs)
    return torch.tensor([s + [PAD] * (width - len(s)) for s in seqs], dtype=torch.long)


def _lr_factor(step: int, warmup: int, total: int) -> float:
    """Linear warm-up then cosine decay to 10 %."""
    if step < warmup:
        return (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, t)))


def losses(
    model: nn.Module, images: torch.Tensor, ids: torch.Tensor, labels: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Token cross-entropy (PAD ignored) and finding BCE for one batch."""
    logits, finding_logits = model(images, ids[:, :-1])  # (B, T-1, V), (B, L)
    tok = F.cross_entropy(
        logits.float().reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1), ignore_index=PAD
    )
    cls = F.binary_cross_entropy_with_logits(finding_logits.float(), labels.float())
    return tok, cls


@torch.no_grad()
def validation_loss(
    model: nn.Module,
    cohort: Cohort,
    seqs: list[list[int]],
    device: torch.device,
    bf16: bool,
    batch_size: int = 64,
) -> tuple[float, float]:
    """Mean token and finding losses over (up to 256 studies of) a held-out cohort."""
    was_training = model.training
    model.eval()
    n = min(len(seqs), 256)
    tok_sum = cls_sum = 0.0
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        x = torch.as_tensor(cohort.images[start:stop]).to(device)
        y = torch.as_tensor(cohort.labels[start:stop]).to(device)
        with autocast(device, bf16):
            tok, cls = losses(model, x, _pad(seqs[start:stop]).to(device), y)
        tok_sum += tok.item() * (stop - start)
        cls_sum += cls.item() * (stop - start)
    model.train(was_training)
    return tok_sum / n, cls_sum / n


def train(
    cfg: XrayConfig,
    out_dir: Path,
    *,
    splits: Splits | None = None,
    resume: bool = False,
    echo: Callable[[str], None] = print,
) -> Path:
    """Train and write ``out_dir/checkpoint.pt``; returns its path."""
    t = cfg.train
    info, device = setup_distributed(t.device)
    out_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path = out_dir / CHECKPOINT
    try:
        with num_threads(t.threads if device.type == "cpu" else None):
            seed_everything(t.seed)
            splits = splits or load_splits(cfg)
            start_step = 0
            state = None
            if resume and ckpt_path.is_file():
                state = load_checkpoint(ckpt_path)
                tokenizer = tokenizer_from_dict(state.extra["tokenizer"])
                start_step = state.step
            else:
                tokenizer = build_tokenizer(cfg.data.tokenizer, splits.train.reports)
            seqs, truncated = encode_reports(tokenizer, splits.train.reports, cfg.data.max_len)
            if truncated and info.is_main:
                echo(f"note: {truncated} training reports truncated to {cfg.data.max_len} tokens")
            model = build_model(cfg, len(tokenizer.vocab)).to(device)
            opt = torch.optim.AdamW(model.parameters(), lr=t.lr, weight_decay=t.weight_decay)
            sched = torch.optim.lr_scheduler.LambdaLR(
                opt, lambda s: _lr_factor(s, t.warmup, t.steps)
            )
            ema = EMA(model, t.ema) if t.ema > 0 else None
            if state is not None:
                try:
                    model.load_state_dict(state.state["model"])
                except RuntimeError:
                    raise CheckpointError(
                        f"{ckpt_path}: cannot resume: the saved weights do not fit this config"
                    ) from None
                opt.load_state_dict(state.state["optimizer"])
                sched.load_state_dict(state.state["scheduler"])
                if ema is not None and "ema" in state.state:
                    ema.load_state_dict(state.state["ema"])
                echo(f"resumed from {ckpt_path} at step {start_step}")
            val_seqs = encode_reports(tokenizer, splits.val.reports, cfg.data.max_len)[0]
            net = wrap_ddp(maybe_compile(model, t.compile), info, device)
            images = torch.as_tensor(splits.train.images)
            labels = torch.as_tensor(splits.train.labels)
            gen = torch.Generator().manual_seed(t.seed * 1000 + info.rank + start_step)
            log = MetricsLog(out_dir / "train_log.jsonl", enabled=info.is_main)

            def save(step: int) -> None:
                if not info.is_main:
                    return
                states = {
                    "model": model.state_dict(),
                    "optimizer": opt.state_dict(),
                    "scheduler": sched.state_dict(),
                }
                if ema is not None:
                    states["ema"] = ema.state_dict()
                extra = {"tokenizer": tokenizer.to_dict(), "labels": list(LABELS)}
                save_checkpoint(
                    ckpt_path, step=step, config=to_dict(cfg), state=states, extra=extra
                )

            net.train()
            tic = time.perf_counter()
            seen = 0
            steps = range(start_step, t.steps)
            for step in progress(steps, total=len(steps), desc="train", enabled=t.progress):
                idx = torch.randint(len(images), (t.batch_size,), generator=gen)
                x = images[idx].to(device, non_blocking=True)
                ids = _pad([seqs[i] for i in idx.tolist()]).to(device)
                y = labels[idx].to(device)
                with autocast(device, t.bf16):
                    tok_loss, cls_loss = losses(net, x, ids, y)
                loss = tok_loss + t.cls_weight * cls_loss
                opt.zero_grad(set_to_none=True)
                loss.backward()
                if t.grad_clip > 0:
                    nn.utils.clip_grad_norm_(model.parameters(), t.grad_clip)
                opt.step()
                sched.step()
                if ema is not None:
                    ema.update(model)
                seen += t.batch_size
                if (step + 1) % t.log_every == 0 or step + 1 == t.steps:
                    rate = seen * info.world_size / (time.perf_counter() - tic)
                    row = log.log(
                        step + 1,
                        loss=loss.item(),
                        token_loss=tok_loss.item(),
                        finding_loss=cls_loss.item(),
                        lr=float(sched.get_last_lr()[0]),
                        images_per_s=rate,
                    )
                    if info.is_main and not t.progress:
                        echo(
                            " ".join(
                                f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                for k, v in row.items()
                            )
                        )
                if (step + 1) % t.ckpt_every == 0:
                    if info.is_main and val_seqs:
                        v_tok, v_cls = validation_loss(model, splits.val, val_seqs, device, t.bf16)
                        log.log(step + 1, val_token_loss=v_tok, val_finding_loss=v_cls)
                    save(step + 1)
            save(t.steps)
            del net  # release DDP's reducer while the process group is alive
            teardown_distributed(sync=True)
    finally:
        teardown_distributed()
    return ckpt_path


@dataclass
class Trained:
    """A model ready for inference, with its tokenizer and config."""

    model: ReportGenerator
    tokenizer: ReportTokenizer
    config: XrayConfig


def load_trained(path: Path, device: torch.device | str = "cpu", use_ema: bool = True) -> Trained:
    """Rebuild model, tokenizer and config from a checkpoint (EMA weights when present)."""
    ckpt = load_checkpoint(path, map_location=device)
    try:
        cfg = from_dict(XrayConfig, ckpt.config)
        tokenizer = tokenizer_from_dict(ckpt.extra["tokenizer"])
    except (ConfigError, KeyError, ValueError) as err:
        raise CheckpointError(f"{path}: not an X-ray report checkpoint ({err})") from None
    model = build_model(cfg, len(tokenizer.vocab))
    weights = "ema" if use_ema and "ema" in ckpt.state else "model"
    try:
        model.load_state_dict(ckpt.state[weights])
    except RuntimeError as err:
        raise CheckpointError(f"{path}: weights do not match the saved config ({err})") from None
    return Trained(model.to(device).eval(), tokenizer, cfg)
