"""Networks: the mask-and-text-conditioned generator (GAN), its discriminator, and the diffusion
UNet with the same fusion points. Built from MONAI blocks; only the fusion is new (fusion.py).

Inputs: ``masks`` (B, 2, *S) = lung and airway labels in {0, 1}; images are HU mapped to [-1, 1].
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch
from monai.networks.blocks import Convolution, ResidualUnit, UpSample
from monai.networks.nets import DiffusionModelUNet, MultiScalePatchDiscriminator
from torch import nn

from .config import ModelConfig
from .fusion import ConcatFusion, FusionPoint, TextBatch

MASK_CHANNELS = 2  # lung, airway


def add_coords(masks: torch.Tensor) -> torch.Tensor:
    """Append one channel per spatial axis holding its coordinate in [-1, 1] over the whole image:
    (B, 2, *S) -> (B, 2 + d, *S). Added before cropping or sliding windows, so patches keep their
    global position (the network needs it to place upper- or lower-zone effects)."""
    b, _, *spatial = masks.shape
    axes = [torch.linspace(-1.0, 1.0, n, dtype=masks.dtype, device=masks.device) for n in spatial]
    grids = torch.stack(torch.meshgrid(*axes, indexing="ij"))  # (d, *S)
    return torch.cat([masks, grids.expand(b, *grids.shape)], dim=1)


def _norm(channels: int) -> str:
    """Batch norm: at inference each image is normalised with running statistics, so a text-driven
    change in the lungs cannot leak elsewhere through per-image statistics (as instance norm would)."""
    return "batch"


class Standardizer(nn.Module):
    """``(v - mean) / std`` of pooled text vectors, with statistics fitted on the training prompts."""

    mean: torch.Tensor
    std: torch.Tensor

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("std", torch.ones(dim))

    @torch.no_grad()
    def fit(self, pooled: torch.Tensor) -> None:
        self.mean.copy_(pooled.mean(0))
        self.std.copy_(pooled.std(0).clamp_min(1e-4))

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        return (pooled - self.mean) / self.std


class Generator(nn.Module):
    """pix2pixHD-style encoder-decoder: (masks, noise, text) -> image in [-1, 1] (roughly).

    Levels ``channels = (c0, c1, ...)``; fusion after the bottleneck and after each decoder level
    (cross-attention only at the two coarsest levels, where it is affordable).
    """

    def __init__(self, cfg: ModelConfig, text_dim: int) -> None:
        super().__init__()
        d, ch = cfg.spatial_dims, cfg.channels
        self.noise_channels = cfg.noise_channels
        self.cond_channels = MASK_CHANNELS + (d if cfg.coords else 0)  # masks (+ coordinates)
        self.concat = (
            ConcatFusion(text_dim, cfg.concat_channels) if cfg.fusion == "concat" else None
        )
        in_ch = (
            self.cond_channels + cfg.noise_channels + (cfg.concat_channels if self.concat else 0)
        )
        self.stem = Convolution(d, in_ch, ch[0], kernel_size=3, act="PRELU", norm=_norm(ch[0]))
        self.down = nn.ModuleList(
            ResidualUnit(
                d, ch[i], ch[i + 1], strides=2, subunits=2, act="PRELU", norm=_norm(ch[i + 1])
            )
            for i in range(len(ch) - 1)
        )
        self.mid = ResidualUnit(d, ch[-1], ch[-1], subunits=2, act="PRELU", norm=_norm(ch[-1]))
        n_levels = len(ch)
        self.fuse_mid = FusionPoint(cfg.fusion, ch[-1], text_dim, cfg.heads)
        self.up = nn.ModuleList()
        self.merge = nn.ModuleList()
        self.fuse_up = nn.ModuleList()
        for i in reversed(range(n_levels - 1)):
            self.up.append(
                UpSample(
                    d,
                    ch[i + 1],
                    ch[i],
                    scale_factor=2,
                    mode="nontrainable",
                    interp_mode="trilinear" if d == 3 else "bilinear",
                )
            )
            self.merge.append(
                ResidualUnit(d, 2 * ch[i], ch[i], subunits=1, act="PRELU", norm=_norm(ch[i]))
            )
            self.fuse_up.append(
                FusionPoint(cfg.fusion, ch[i], text_dim, cfg.heads, cross=i >= n_levels - 2)
            )
        self.head = Convolution(d, ch[0], 1, kernel_size=1, conv_only=True)

    def forward(
        self, masks: torch.Tensor, noise: torch.Tensor, text: TextBatch | None
    ) -> torch.Tensor:
        if masks.shape[1] < self.cond_channels:  # whole images: coordinates added here
            masks = add_coords(masks)  # (B, 2 + d, *S); patches get them before cropping
        x = torch.cat([masks, noise], dim=1)  # (B, cond + noise, *S)
        if self.concat is not None:
            x = self.concat(x, None if text is None else text.pooled)
        h = self.stem(x)  # (B, c0, *S)
        skips = [h]
        for down in self.down:
            h = down(h)  # (B, c_{i+1}, *S / 2^{i+1})
            skips.append(h)
        h = self.fuse_mid(self.mid(h), text)
        for up, merge, fuse, skip in zip(
            self.up, self.merge, self.fuse_up, reversed(skips[:-1]), strict=True
        ):
            h = fuse(merge(torch.cat([up(h), skip], dim=1)), text)  # (B, c_i, *S / 2^i)
        return self.head(h)  # (B, 1, *S)


def build_discriminator(cfg: ModelConfig) -> MultiScalePatchDiscriminator:
    """MONAI multi-scale patch discriminator on (image, masks)."""
    return MultiScalePatchDiscriminator(
        num_d=cfg.disc_scales,
        num_layers_d=cfg.disc_layers,
        spatial_dims=cfg.spatial_dims,
        channels=cfg.disc_channels,
        in_channels=1 + MASK_CHANNELS,
        out_channels=1,
        norm="INSTANCE",
        minimum_size_im=cfg.patch_size if cfg.patch_size else cfg.image_size,
    )


class DiffusionDenoiser(nn.Module):
    """MONAI ``DiffusionModelUNet`` on (noisy image, masks) with the fusion points attached to its
    middle block and every up block through forward hooks (the text is set per call)."""

    def __init__(self, cfg: ModelConfig, text_dim: int) -> None:
        super().__init__()
        self.concat = (
            ConcatFusion(text_dim, cfg.concat_channels) if cfg.fusion == "concat" else None
        )
        in_ch = 1 + MASK_CHANNELS + (cfg.concat_channels if self.concat else 0)
        ch = cfg.channels
        self.unet = DiffusionModelUNet(
            spatial_dims=cfg.spatial_dims,
            in_channels=in_ch,
            out_channels=1,
            channels=ch,
            attention_levels=tuple(i == len(ch) - 1 for i in range(len(ch))),
            num_res_blocks=1,
            norm_num_groups=min(8, ch[0]),
            num_head_channels=ch[-1] // cfg.heads,
        )
        n = len(ch)
        self.fuse_mid = FusionPoint(cfg.fusion, ch[-1], text_dim, cfg.heads)
        self.fuse_up = nn.ModuleList(
            FusionPoint(cfg.fusion, c, text_dim, cfg.heads, cross=i < 2)
            for i, c in enumerate(reversed(ch))
        )
        self._text: TextBatch | None = None
        self.unet.middle_block.register_forward_hook(self._hook(self.fuse_mid))
        for block, fuse in zip(self.unet.up_blocks, self.fuse_up, strict=True):
            block.register_forward_hook(self._hook(fuse))
        self.levels = n

    def _hook(self, fuse: nn.Module) -> Any:
        def hook(_module: nn.Module, _args: Any, output: torch.Tensor) -> torch.Tensor:
            return fuse(output, self._text)

        return hook

    @contextlib.contextmanager
    def _conditioning(self, text: TextBatch | None) -> Iterator[None]:
        self._text = text
        try:
            yield
        finally:
            self._text = None

    def forward(
        self,
        noisy: torch.Tensor,
        masks: torch.Tensor,
        timesteps: torch.Tensor,
        text: TextBatch | None,
    ) -> torch.Tensor:
        x = torch.cat([noisy, masks], dim=1)  # (B, 3, *S)
        if self.concat is not None:
            x = self.concat(x, None if text is None else text.pooled)
        with self._conditioning(text):
            return self.unet(x, timesteps)  # (B, 1, *S) predicted noise


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
