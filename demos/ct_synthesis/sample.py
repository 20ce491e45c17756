"""Sampling: the GAN forward pass and the DDIM loop with classifier-free guidance, kept visible here.

Whole volumes larger than the training patch go through MONAI's ``sliding_window_inference``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
from monai.inferers import sliding_window_inference
from monai.networks.schedulers import DDIMScheduler

from demos.common.checkpoint import Checkpoint, load_checkpoint

from .config import RETRAIN, CTConfig, ModelConfig
from .dataset import to_hu
from .export import import_weights
from .fusion import TextBatch
from .model import DiffusionDenoiser, Generator, add_coords, build_network
from .text import EMPTY_PROMPT, TextConditioner
from .text_encoder import FrozenTextEncoder


def make_noise(shape: Sequence[int], seeds: Sequence[int]) -> torch.Tensor:
    """(B, *shape) standard normal noise, one fixed seed per item (shared noise for counterfactuals)."""
    return torch.stack(
        [torch.randn(*shape, generator=torch.Generator().manual_seed(int(s))) for s in seeds]
    )


def _windowed(
    fn: Callable[[torch.Tensor, TextBatch], torch.Tensor],
    x: torch.Tensor,
    text: TextBatch,
    cfg: ModelConfig,
) -> torch.Tensor:
    """Run ``fn`` on the whole input, or on sliding windows of ``cfg.patch_size`` per item."""
    if not cfg.patch_size or max(x.shape[2:]) <= cfg.patch_size:
        return fn(x, text)
    roi = (cfg.patch_size,) * cfg.spatial_dims
    outs = []
    for i in range(x.shape[0]):
        t = text.index(slice(i, i + 1))

        def predictor(patch: torch.Tensor, t: TextBatch = t) -> torch.Tensor:
            return fn(patch, t.expand(patch.shape[0]))

        out = sliding_window_inference(
            x[i : i + 1], roi, sw_batch_size=4, predictor=predictor, overlap=0.25, mode="gaussian"
        )
        assert isinstance(out, torch.Tensor)
        outs.append(out)
    return torch.cat(outs)


@torch.no_grad()
def sample_gan(
    g: Generator, masks: torch.Tensor, noise: torch.Tensor, text: TextBatch, cfg: ModelConfig
) -> torch.Tensor:
    """One forward pass per image: (B, 2, *S) masks + (B, k, *S) noise -> (B, 1, *S) in [-1, 1]."""
    if masks.shape[1] < g.cond_channels:
        masks = add_coords(masks)
    x = torch.cat([masks, noise], dim=1)
    k = g.cond_channels

    def fn(inp: torch.Tensor, t: TextBatch) -> torch.Tensor:
        return g(inp[:, :k], inp[:, k:], t)

    return _windowed(fn, x, text, cfg).clamp(-1, 1)


@torch.no_grad()
def sample_diffusion(
    denoiser: DiffusionDenoiser,
    masks: torch.Tensor,
    noise: torch.Tensor,
    text: TextBatch,
    empty: TextBatch,
    cfg: ModelConfig,
) -> torch.Tensor:
    """Deterministic DDIM (eta = 0) from ``noise`` (B, 1, *S) with classifier-free guidance:
    ``eps = eps(empty) + w * (eps(text) - eps(empty))``."""
    scheduler = DDIMScheduler(
        num_train_timesteps=cfg.diffusion_steps, schedule="scaled_linear_beta", clip_sample=True
    )
    scheduler.set_timesteps(cfg.ddim_steps)
    x = noise
    empty_b = empty.expand(x.shape[0])
    for t in scheduler.timesteps:

        def eps(inp: torch.Tensor, tb: TextBatch, step: int = int(t)) -> torch.Tensor:
            ts = torch.full((inp.shape[0],), step, dtype=torch.long, device=inp.device)
            return denoiser(inp[:, :1], inp[:, 1:], ts, tb)

        xin = torch.cat([x, masks], dim=1)
        e_cond = _windowed(eps, xin, text, cfg)
        if cfg.guidance != 1.0:
            e_unc = _windowed(eps, xin, empty_b, cfg)
            e_cond = e_unc + cfg.guidance * (e_cond - e_unc)
        x, _ = scheduler.step(e_cond, int(t), x)
    return x.clamp(-1, 1)


class Synthesizer:
    """A trained network + its text conditioner, ready to generate HU images."""

    def __init__(
        self, cfg: CTConfig, net: Generator | DiffusionDenoiser, cond: TextConditioner
    ) -> None:
        self.cfg, self.net, self.cond = cfg, net.eval(), cond.eval()

    @classmethod
    def load(cls, path: str | Path, encoder: FrozenTextEncoder | None = None) -> Synthesizer:
        """From a run folder, its ``checkpoint.pt`` or its ``model.safetensors``."""
        path = Path(path)
        if path.suffix == ".safetensors":
            parts, config = import_weights(path)
            ck = Checkpoint(path, 0, config, dict(parts), retrain=RETRAIN)
        else:
            ck = load_checkpoint(path, retrain=RETRAIN)
        cfg = ck.config_as(CTConfig)
        net = build_network(cfg)
        # EMA weights for diffusion; the GAN's own weights (its batch-norm statistics belong to them)
        ck.restore(net, "ema" if cfg.model.kind == "diffusion" and "ema" in ck.state else "model")
        cond = TextConditioner(encoder)
        ck.restore(cond, "text")
        return cls(cfg, net, cond)

    def generate(
        self,
        masks: torch.Tensor,
        prompts: Sequence[str],
        seeds: Sequence[int],
        batch_size: int = 16,
    ) -> np.ndarray:
        """(N, 2, *S) masks + N prompts + N noise seeds -> (N, *S) images in HU (clipped to the window)."""
        if not (len(masks) == len(prompts) == len(seeds)):
            raise ValueError("masks, prompts and seeds must have the same length")
        mc = self.cfg.model
        spatial = tuple(masks.shape[2:])
        out = []
        for i in range(0, len(prompts), batch_size):
            m = masks[i : i + batch_size].float()
            text = self.cond(list(prompts[i : i + batch_size]))
            s = list(seeds[i : i + batch_size])
            if isinstance(self.net, Generator):
                noise = make_noise((mc.noise_channels, *spatial), s)
                x = sample_gan(self.net, m, noise, text, mc)
            else:
                noise = make_noise((1, *spatial), s)
                empty = self.cond([EMPTY_PROMPT])
                x = sample_diffusion(self.net, m, noise, text, empty, mc)
            out.append(to_hu(x[:, 0], self.cfg.data))
        return np.concatenate(out).astype(np.float32)
