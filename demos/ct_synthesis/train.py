"""Training: GAN (MSE + LSGAN + feature matching, pix2pixHD-style) or diffusion (epsilon MSE).

Device-agnostic; bf16 autocast, channels-last, torch.compile and DDP (torchrun) are config switches.
Checkpoints (with the config) are written atomically to ``OUT/checkpoints/last.pt``; ``resume=True``
continues from it. Metrics go to ``OUT/train_log.jsonl``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from monai.losses import PatchAdversarialLoss
from monai.networks.schedulers import DDPMScheduler
from torch import nn
from torch.nn import functional as F

from demos.common.checkpoint import export_safetensors, load_checkpoint, save_checkpoint
from demos.common.config import to_dict
from demos.common.ema import EMA
from demos.common.progress import MetricsLog, progress
from demos.common.runtime import (
    autocast,
    maybe_compile,
    seed_everything,
    setup_distributed,
    teardown_distributed,
    to_channels_last,
    unwrap,
    wrap_ddp,
)

from .config import CTConfig
from .data import Case
from .dataset import PatchSampler, Tensors, to_tensors
from .fusion import TextBatch
from .model import MASK_CHANNELS, DiffusionDenoiser, Generator, add_coords, build_discriminator
from .text import EMPTY_PROMPT, TextConditioner


@dataclass
class TrainResult:
    checkpoint: Path
    steps: int
    seconds: float
    images_per_second: float
    final_loss: float


def build_network(cfg: CTConfig, text_dim: int = 384) -> Generator | DiffusionDenoiser:
    return (
        Generator(cfg.model, text_dim)
        if cfg.model.kind == "gan"
        else DiffusionDenoiser(cfg.model, text_dim)
    )


def _pad_like(tb: TextBatch, length: int) -> TextBatch:
    extra = length - tb.tokens.shape[1]
    if extra <= 0:
        return tb
    tokens = F.pad(tb.tokens, (0, 0, 0, extra))
    mask = F.pad(tb.mask, (0, extra), value=False)
    return TextBatch(tb.pooled, tokens, mask)


def _lr_lambda(total: int) -> Any:
    warmup = max(1, min(50, total // 10))

    def f(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress_ = (step - warmup) / max(1, total - warmup)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress_)))

    return f


def train(
    cfg: CTConfig,
    train_cases: list[Case] | Tensors,
    out_dir: str | Path,
    resume: bool = False,
    conditioner: TextConditioner | None = None,
) -> TrainResult:
    """Train ``cfg.model.kind`` on synthetic cases or real tensors; returns where the checkpoint is and how fast it ran."""
    out = Path(out_dir)
    info, device = setup_distributed(cfg.train.device)
    torch.set_num_threads(cfg.train.threads)
    seed_everything(cfg.train.seed + info.rank)
    tc, mc = cfg.train, cfg.model

    data = to_tensors(train_cases, cfg.data) if isinstance(train_cases, list) else train_cases
    cond = conditioner or TextConditioner()
    cond.fit(data.prompts)
    text_all = cond(data.prompts)
    empty = _pad_like(cond([EMPTY_PROMPT]), text_all.tokens.shape[1])

    net = build_network(cfg).to(device)
    ema = EMA(net, tc.ema_decay)
    disc = build_discriminator(mc).to(device) if mc.kind == "gan" else None
    if tc.channels_last:
        to_channels_last(net, mc.spatial_dims)  # in place: Module.to changes the parameters
        if disc is not None:
            to_channels_last(disc, mc.spatial_dims)
    opt = torch.optim.AdamW(
        net.parameters(), lr=tc.lr, betas=(0.5, 0.999) if disc else (0.9, 0.999)
    )
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _lr_lambda(tc.steps))
    opt_d = (
        torch.optim.AdamW(disc.parameters(), lr=tc.disc_lr, betas=(0.5, 0.999)) if disc else None
    )
    start = 0
    ckpt_path = out / "checkpoints" / "last.pt"
    if resume and ckpt_path.is_file():
        ck = load_checkpoint(ckpt_path, map_location=device)
        net.load_state_dict(ck.state["net"])
        ema.load_state_dict(ck.state["ema"])
        opt.load_state_dict(ck.state["opt"])
        sched.load_state_dict(ck.state["sched"])
        if disc is not None and opt_d is not None:
            disc.load_state_dict(ck.state["disc"])
            opt_d.load_state_dict(ck.state["opt_d"])
        start = ck.step
    model = maybe_compile(wrap_ddp(net, info, device), tc.compile)
    dmodel = maybe_compile(wrap_ddp(disc, info, device), tc.compile) if disc is not None else None
    adv = PatchAdversarialLoss(criterion="least_squares")
    ddpm = DDPMScheduler(num_train_timesteps=mc.diffusion_steps, schedule="scaled_linear_beta")
    sampler = (
        PatchSampler(mc.patch_size, mc.spatial_dims, tc.seed + info.rank) if mc.patch_size else None
    )
    gen = torch.Generator().manual_seed(tc.seed * 1000 + info.rank)
    log = MetricsLog(out / "train_log.jsonl", enabled=info.is_main)

    def batch(n: int) -> tuple[torch.Tensor, torch.Tensor, TextBatch]:
        idx = torch.randint(0, len(data.prompts), (n,), generator=gen)
        imgs, masks = data.images[idx], data.masks[idx]
        if isinstance(net, Generator) and mc.coords:
            masks = add_coords(masks)  # before cropping: patches keep global coordinates
        if sampler is not None:
            imgs, masks = sampler(imgs, masks)
        text = text_all.index(idx)
        drop = torch.rand(n, generator=gen) < tc.prompt_dropout
        if drop.any():
            e = empty.expand(n)
            text = TextBatch(
                torch.where(drop[:, None], e.pooled, text.pooled),
                torch.where(drop[:, None, None], e.tokens, text.tokens),
                torch.where(drop[:, None], e.mask, text.mask),
            )
        return imgs.to(device), masks.to(device), text.to(device)

    def save(step: int) -> None:
        if not info.is_main:
            return
        state: dict[str, Any] = {
            "net": unwrap(net).state_dict(),
            "ema": ema.state_dict(),
            "opt": opt.state_dict(),
            "sched": sched.state_dict(),
            "text": cond.state_dict(),
        }
        if disc is not None and opt_d is not None:
            state |= {"disc": disc.state_dict(), "opt_d": opt_d.state_dict()}
        save_checkpoint(ckpt_path, step=step, config=to_dict(cfg), state=state)

    net.train()
    t0 = time.perf_counter()
    loss_value = float("nan")
    steps = range(start, tc.steps)
    for step in progress(
        steps, total=len(steps), desc=f"train {mc.kind}", enabled=tc.progress and info.is_main
    ):
        imgs, masks, text = batch(tc.batch_size)
        row: dict[str, float] = {}
        if mc.kind == "gan":
            assert dmodel is not None and opt_d is not None
            noise = torch.randn(
                imgs.shape[0], mc.noise_channels, *imgs.shape[2:], generator=gen
            ).to(device)
            with autocast(device, tc.amp):
                fake = model(masks, noise, text)
                labels = masks[:, :MASK_CHANNELS]  # the discriminator sees image + masks
                real_in = torch.cat([imgs, labels], 1)
                d_real, feat_real = dmodel(real_in)
                d_fake, _ = dmodel(torch.cat([fake.detach(), labels], 1))
                loss_d = 0.5 * (
                    adv(d_real, target_is_real=True, for_discriminator=True)
                    + adv(d_fake, target_is_real=False, for_discriminator=True)
                )
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            with autocast(device, tc.amp):
                g_fake, feat_fake = dmodel(torch.cat([fake, labels], 1))
                rec = F.mse_loss(fake.float(), imgs)
                loss_adv = adv(g_fake, target_is_real=True, for_discriminator=False)
                fm = sum(
                    F.l1_loss(ff.float(), fr.detach().float())
                    for fs, rs in zip(feat_fake, feat_real, strict=True)
                    for ff, fr in zip(fs, rs, strict=True)
                )
                loss = tc.lambda_rec * rec + tc.lambda_adv * loss_adv + tc.lambda_fm * fm
            row = {"loss_rec": rec.item(), "loss_adv": loss_adv.item(), "loss_d": loss_d.item()}
        else:
            eps = torch.randn(imgs.shape, generator=gen).to(device)
            ts = torch.randint(0, mc.diffusion_steps, (imgs.shape[0],), generator=gen).to(device)
            noisy = ddpm.add_noise(original_samples=imgs, noise=eps, timesteps=ts)
            with autocast(device, tc.amp):
                pred = model(noisy, masks, ts, text)
            loss = F.mse_loss(pred.float(), eps)
            row = {"loss_eps": loss.item()}
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        ema.update(unwrap(net))
        loss_value = loss.item()
        if (step + 1) % tc.log_every == 0 or step + 1 == tc.steps:
            log.log(step + 1, loss=loss_value, lr=float(sched.get_last_lr()[0]), **row)
        if (step + 1) % tc.ckpt_every == 0:
            save(step + 1)
    seconds = time.perf_counter() - t0
    save(tc.steps)
    if info.is_main:
        weights = ema.state_dict() if mc.kind == "diffusion" else unwrap(net).state_dict()
        export_safetensors(out / "model.safetensors", weights, to_dict(cfg))
    del model, dmodel  # release DDP's reducers while the process group is alive
    teardown_distributed(sync=True)
    n_done = (tc.steps - start) * tc.batch_size * info.world_size
    return TrainResult(ckpt_path, tc.steps, seconds, n_done / max(seconds, 1e-9), loss_value)
