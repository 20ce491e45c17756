"""The report demo's step function: teacher-forced report loss + finding-classification loss.

The loop is :func:`demos.common.fit.fit` (CPU or GPU, bf16 autocast, DDP under ``torchrun`` with
each rank drawing its own batches, EMA, gradient clipping, the LR schedule, ``RUN/checkpoint.pt``
with the tokenizer in ``extra``, resume, ``RUN/train_log.jsonl``); validation losses are logged
with every periodic checkpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from demos.common.checkpoint import Checkpoint, CheckpointError, load_checkpoint, resume_checkpoint
from demos.common.config import to_dict
from demos.common.fit import FitResult, StepFn, Trainee, fit, warmup_cosine
from demos.common.runtime import Precision, autocast
from demos.common.session import Session, start_session
from demos.xray_report.config import RETRAIN, XrayConfig
from demos.xray_report.data import LABELS, Cohort, make_cohort
from demos.xray_report.model import ReportGenerator
from demos.xray_report.tokenizer import (
    PAD,
    ReportTokenizer,
    build_tokenizer,
    encode_reports,
    tokenizer_from_dict,
)


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
    precision: Precision,
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
        with autocast(device, precision):
            tok, cls = losses(model, x, _pad(seqs[start:stop]).to(device), y)
        tok_sum += tok.item() * (stop - start)
        cls_sum += cls.item() * (stop - start)
    model.train(was_training)
    return tok_sum / n, cls_sum / n


def report_step(
    cfg: XrayConfig, session: Session, cohort: Cohort, seqs: list[list[int]], start: int
) -> StepFn:
    """A random batch of ``cohort`` per step; loss = token CE + ``cls_weight`` x finding BCE."""
    t, device = cfg.train, session.device
    images, labels = torch.as_tensor(cohort.images), torch.as_tensor(cohort.labels)
    gen = session.generator(start)

    def step(net: nn.Module, _step: int) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        idx = torch.randint(len(images), (t.batch_size,), generator=gen)
        x = images[idx].to(device, non_blocking=True)
        ids = _pad([seqs[i] for i in idx.tolist()]).to(device)
        y = labels[idx].to(device)
        with session.autocast():
            tok_loss, cls_loss = losses(net, x, ids, y)
        loss = tok_loss + t.cls_weight * cls_loss
        return loss, {"token_loss": tok_loss.detach(), "finding_loss": cls_loss.detach()}

    return step


def _tokenizer(ckpt: Checkpoint) -> ReportTokenizer:
    try:
        return tokenizer_from_dict(ckpt.extra["tokenizer"])
    except (KeyError, ValueError, TypeError) as err:
        raise CheckpointError(
            f"{ckpt.path}: no usable tokenizer in the checkpoint ({err})"
        ) from None


def _fit(
    session: Session,
    cfg: XrayConfig,
    out_dir: Path,
    splits: Splits | None,
    ck: Checkpoint | None,
    echo: Callable[[str], None],
) -> FitResult:
    t, device, is_main = cfg.train, session.device, session.info.is_main
    splits = splits or load_splits(cfg)
    tokenizer = _tokenizer(ck) if ck else build_tokenizer(cfg.data.tokenizer, splits.train.reports)
    seqs, truncated = encode_reports(tokenizer, splits.train.reports, cfg.data.max_len)
    if truncated and is_main:
        echo(f"note: {truncated} training reports truncated to {cfg.data.max_len} tokens")
    model = build_model(cfg, len(tokenizer.vocab)).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=t.lr, weight_decay=t.weight_decay)
    extra = {"tokenizer": tokenizer.to_dict(), "labels": list(LABELS)}
    trainee = Trainee(model, opt, warmup_cosine(opt, t.warmup, t.steps), extra=extra)
    val_seqs = encode_reports(tokenizer, splits.val.reports, cfg.data.max_len)[0]

    def validate() -> dict[str, float]:
        prec = cfg.runtime.precision
        v_tok, v_cls = validation_loss(model, splits.val, val_seqs, device, prec)
        return {"val_token_loss": v_tok, "val_finding_loss": v_cls}

    if ck is not None and is_main:
        echo(f"resuming from {ck.path} at step {ck.step}")
    return fit(
        session,
        trainee,
        report_step(cfg, session, splits.train, seqs, ck.step if ck else 0),
        steps=t.steps,
        batch_size=t.batch_size,
        out_dir=out_dir,
        config=to_dict(cfg),
        resume=ck,
        validate=validate if val_seqs else None,
        echo=echo,
    )


def train(
    cfg: XrayConfig,
    out_dir: Path,
    *,
    splits: Splits | None = None,
    resume: bool = False,
    echo: Callable[[str], None] = print,
) -> FitResult:
    """Train and write ``out_dir/checkpoint.pt`` (``resume``: continue from it when present)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ck = resume_checkpoint(out_dir, RETRAIN) if resume else None
    with start_session(cfg.runtime) as session:
        return _fit(session, cfg, out_dir, splits, ck, echo)


@dataclass
class Trained:
    """A model ready for inference, with its tokenizer and config."""

    model: ReportGenerator
    tokenizer: ReportTokenizer
    config: XrayConfig


def load_trained(path: Path, device: torch.device | str = "cpu", use_ema: bool = True) -> Trained:
    """Rebuild model, tokenizer and config from a checkpoint (EMA weights when present)."""
    ckpt = load_checkpoint(path, retrain=RETRAIN, map_location=device)
    cfg = ckpt.config_as(XrayConfig)
    tokenizer = _tokenizer(ckpt)
    model = build_model(cfg, len(tokenizer.vocab))
    ckpt.restore(model, "ema" if use_ema and "ema" in ckpt.state else "model")
    return Trained(model.to(device).eval(), tokenizer, cfg)
