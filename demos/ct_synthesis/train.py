"""Training: GAN (MSE + LSGAN + feature matching, pix2pixHD-style) or diffusion (epsilon MSE).

This module builds the networks, the batches and the demo's step functions; the loop itself is
:func:`demos.common.fit.fit` (EMA, gradient clipping, LR schedule, logging, checkpoints, DDP,
``torch.compile``, bf16 autocast: the ``runtime`` config section). Checkpoints go to
``RUN/checkpoint.pt`` (state ``model``, ``optimizer``, ``scheduler``, ``ema``, ``text`` and, for the
GAN, ``discriminator`` and ``discriminator_optimizer``); ``resume=True`` continues from it. The
weights used for sampling are also exported to ``RUN/model.safetensors`` (see ``export.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch
from monai.losses import PatchAdversarialLoss
from monai.networks.schedulers import DDPMScheduler
from torch import nn
from torch.nn import functional as F

from demos.common.checkpoint import Checkpoint, resume_checkpoint
from demos.common.config import to_dict
from demos.common.fit import FitResult, StepFn, Trainee, fit, warmup_cosine
from demos.common.session import Session, start_session

from .config import RETRAIN, CTConfig
from .data import Case
from .dataset import PatchSampler, Tensors, to_tensors
from .export import export_weights
from .fusion import TextBatch
from .model import MASK_CHANNELS, add_coords, build_discriminator, build_network
from .text import EMPTY_PROMPT, TextConditioner


def to_channels_last(module: nn.Module, spatial_dims: int) -> nn.Module:
    """Use the channels-last memory format (2D: ``channels_last``, 3D: ``channels_last_3d``)."""
    fmt = torch.channels_last if spatial_dims == 2 else torch.channels_last_3d
    return module.to(memory_format=fmt)  # type: ignore[call-overload]


def _pad_like(tb: TextBatch, length: int) -> TextBatch:
    extra = length - tb.tokens.shape[1]
    if extra <= 0:
        return tb
    tokens = F.pad(tb.tokens, (0, 0, 0, extra))
    mask = F.pad(tb.mask, (0, extra), value=False)
    return TextBatch(tb.pooled, tokens, mask)


class Batches:
    """Random training batches: images (B, 1, *P), masks (B, 2 [+ d], *P), text with prompt
    dropout (the empty prompt instead, with probability ``train.prompt_dropout``)."""

    def __init__(
        self, cfg: CTConfig, data: Tensors, cond: TextConditioner, session: Session, start: int
    ) -> None:
        mc = cfg.model
        self.data, self.device, self.p_drop = data, session.device, cfg.train.prompt_dropout
        self.text = cond(data.prompts)
        self.empty = _pad_like(cond([EMPTY_PROMPT]), self.text.tokens.shape[1])
        self.coords = mc.kind == "gan" and mc.coords
        seed = session.batch_seed(start)
        self.sampler = PatchSampler(mc.patch_size, mc.spatial_dims, seed) if mc.patch_size else None
        self.gen = session.generator(start)  # also draws the GAN's noise and diffusion's eps, t

    def __call__(self, n: int) -> tuple[torch.Tensor, torch.Tensor, TextBatch]:
        idx = torch.randint(0, len(self.data.prompts), (n,), generator=self.gen)
        imgs, masks = self.data.images[idx], self.data.masks[idx]
        if self.coords:
            masks = add_coords(masks)  # before cropping: patches keep global coordinates
        if self.sampler is not None:
            imgs, masks = self.sampler(imgs, masks)
        text = self.text.index(idx)
        drop = torch.rand(n, generator=self.gen) < self.p_drop
        if drop.any():
            e = self.empty.expand(n)
            text = TextBatch(
                torch.where(drop[:, None], e.pooled, text.pooled),
                torch.where(drop[:, None, None], e.tokens, text.tokens),
                torch.where(drop[:, None], e.mask, text.mask),
            )
        return imgs.to(self.device), masks.to(self.device), text.to(self.device)


def gan_step(
    cfg: CTConfig,
    session: Session,
    batches: Batches,
    disc: nn.Module,
    opt_d: torch.optim.Optimizer,
) -> StepFn:
    """One discriminator update inside, then the generator loss: MSE + LSGAN + feature matching."""
    tc, mc, device = cfg.train, cfg.model, session.device
    adv = PatchAdversarialLoss(criterion="least_squares")

    def step(net: nn.Module, _step: int) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        imgs, masks, text = batches(tc.batch_size)
        shape = (imgs.shape[0], mc.noise_channels, *imgs.shape[2:])
        noise = torch.randn(*shape, generator=batches.gen).to(device)
        labels = masks[:, :MASK_CHANNELS]  # the discriminator sees image + masks
        with session.autocast():
            fake = net(masks, noise, text)  # (B, 1, *P)
            d_real, feat_real = disc(torch.cat([imgs, labels], 1))
            d_fake, _ = disc(torch.cat([fake.detach(), labels], 1))
            loss_d = 0.5 * (
                adv(d_real, target_is_real=True, for_discriminator=True)
                + adv(d_fake, target_is_real=False, for_discriminator=True)
            )
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        with session.autocast():
            g_fake, feat_fake = disc(torch.cat([fake, labels], 1))
            rec = F.mse_loss(fake.float(), imgs)
            loss_adv = adv(g_fake, target_is_real=True, for_discriminator=False)
            fm = sum(
                F.l1_loss(ff.float(), fr.detach().float())
                for fs, rs in zip(feat_fake, feat_real, strict=True)
                for ff, fr in zip(fs, rs, strict=True)
            )
            loss = tc.lambda_rec * rec + tc.lambda_adv * loss_adv + tc.lambda_fm * fm
        return loss, {
            "loss_rec": rec.detach(),
            "loss_adv": loss_adv.detach(),
            "loss_d": loss_d.detach(),
        }

    return step


def diffusion_step(cfg: CTConfig, session: Session, batches: Batches) -> StepFn:
    """Epsilon-prediction MSE at a random DDPM timestep."""
    tc, mc, device = cfg.train, cfg.model, session.device
    ddpm = DDPMScheduler(num_train_timesteps=mc.diffusion_steps, schedule="scaled_linear_beta")

    def step(net: nn.Module, _step: int) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        imgs, masks, text = batches(tc.batch_size)
        eps = torch.randn(imgs.shape, generator=batches.gen).to(device)
        n = imgs.shape[0]
        ts = torch.randint(0, mc.diffusion_steps, (n,), generator=batches.gen).to(device)
        noisy = ddpm.add_noise(original_samples=imgs, noise=eps, timesteps=ts)
        with session.autocast():
            pred = net(noisy, masks, ts, text)
        loss = F.mse_loss(pred.float(), eps)
        return loss, {"loss_eps": loss.detach()}

    return step


def _fit(
    session: Session,
    cfg: CTConfig,
    data: Tensors,
    out: Path,
    ck: Checkpoint | None,
    cond: TextConditioner,
    echo: Callable[[str], None] | None,
) -> FitResult:
    tc, mc, device = cfg.train, cfg.model, session.device
    cond.fit(data.prompts)
    batches = Batches(cfg, data, cond, session, ck.step if ck else 0)
    net = build_network(cfg).to(device)
    disc = build_discriminator(mc).to(device) if mc.kind == "gan" else None
    if tc.channels_last:
        to_channels_last(net, mc.spatial_dims)  # in place: Module.to changes the parameters
        if disc is not None:
            to_channels_last(disc, mc.spatial_dims)
    betas = (0.5, 0.999) if disc is not None else (0.9, 0.999)
    opt = torch.optim.AdamW(net.parameters(), lr=tc.lr, betas=betas)
    trainee = Trainee(net, opt, warmup_cosine(opt, tc.warmup, tc.steps), {"text": cond})
    if disc is not None:
        opt_d = torch.optim.AdamW(disc.parameters(), lr=tc.disc_lr, betas=(0.5, 0.999))
        trainee.others |= {"discriminator": disc, "discriminator_optimizer": opt_d}
        step = gan_step(cfg, session, batches, session.prepare(disc), opt_d)
    else:
        step = diffusion_step(cfg, session, batches)
    result = fit(
        session,
        trainee,
        step,
        steps=tc.steps,
        batch_size=tc.batch_size,
        out_dir=out,
        config=to_dict(cfg),
        resume=ck,
        echo=echo,
        desc=f"train {mc.kind}",
    )
    if session.info.is_main:  # diffusion samples with the EMA weights, the GAN with its own
        use_ema = mc.kind == "diffusion" and result.ema is not None
        weights = result.ema.state_dict() if use_ema and result.ema else net.state_dict()
        export_weights(out / "model.safetensors", weights, cond.state_dict(), to_dict(cfg))
    return result


def train(
    cfg: CTConfig,
    train_cases: list[Case] | Tensors,
    out_dir: str | Path,
    resume: bool = False,
    conditioner: TextConditioner | None = None,
    echo: Callable[[str], None] | None = None,
) -> FitResult:
    """Train ``cfg.model.kind`` on synthetic cases or real tensors; returns where the checkpoint
    is and how fast it ran. ``resume`` continues from ``out_dir/checkpoint.pt`` when there is one."""
    out = Path(out_dir)
    ck = resume_checkpoint(out, RETRAIN) if resume else None
    data = to_tensors(train_cases, cfg.data) if isinstance(train_cases, list) else train_cases
    with start_session(cfg.runtime) as session:
        return _fit(session, cfg, data, out, ck, conditioner or TextConditioner(), echo)
