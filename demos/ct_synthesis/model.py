"""Networks: the mask-and-text-conditioned generator (GAN), its discriminator, and the diffusion
UNet with the same fusion points. Built from MONAI blocks; only the fusion is new (fusion.py).

Inputs: ``masks`` (B, 2, *S) = lung and airway labels in {0, 1}; images are HU mapped to [-1, 1];
``text`` is a :class:`~.fusion.TextBatch` (or ``None``: no text, every fusion point the identity).
Level ``l`` of ``channels = (c0, c1, ..., c_{n-1})`` works at ``S / 2^l``; level ``n - 1`` is the
bottleneck. Read top to bottom: the rules, the generator's decoder level, the generator, the
discriminator, the diffusion denoiser.
"""

from __future__ import annotations

import torch
from monai.networks.blocks import Convolution, ResidualUnit, UpSample
from monai.networks.nets import DiffusionModelUNet, MultiScalePatchDiscriminator
from monai.networks.nets.diffusion_model_unet import get_timestep_embedding
from torch import nn

from .config import CTConfig, ModelConfig
from .fusion import ConcatFusion, FusionPoint, TextBatch
from .text_encoder import EMBED_DIM

MASK_CHANNELS = 2  # lung, airway
NORM = "batch"  # at inference each image is normalised with running statistics, so a text-driven
# change in the lungs cannot leak elsewhere through per-image statistics (as instance norm would)
CROSS_ATTENTION_LEVELS = 2  # cross-attention only at the coarsest levels, where it is affordable


def uses_cross_attention(level: int, n_levels: int) -> bool:
    """The one rule for where cross-attention goes: the ``CROSS_ATTENTION_LEVELS`` coarsest levels
    (the bottleneck and the decoder level above it); the finer levels get the affine unit only."""
    return level >= n_levels - CROSS_ATTENTION_LEVELS


def add_coords(masks: torch.Tensor) -> torch.Tensor:
    """Append one channel per spatial axis holding its coordinate in [-1, 1] over the whole image:
    (B, 2, *S) -> (B, 2 + d, *S). Added before cropping or sliding windows, so patches keep their
    global position (the network needs it to place upper- or lower-zone effects)."""
    b, _, *spatial = masks.shape
    axes = [torch.linspace(-1.0, 1.0, n, dtype=masks.dtype, device=masks.device) for n in spatial]
    grids = torch.stack(torch.meshgrid(*axes, indexing="ij"))  # (d, *S)
    return torch.cat([masks, grids.expand(b, *grids.shape)], dim=1)


class DecoderLevel(nn.Module):
    """Decoder level ``l``: upsample from level ``l + 1``, concatenate the encoder's skip, merge,
    then fuse the text: (B, c_{l+1}, S / 2^{l+1}) + skip (B, c_l, S / 2^l) -> (B, c_l, S / 2^l)."""

    def __init__(self, cfg: ModelConfig, level: int, text_dim: int) -> None:
        super().__init__()
        d, ch = cfg.spatial_dims, cfg.channels
        c_in, c = ch[level + 1], ch[level]
        interp = "trilinear" if d == 3 else "bilinear"
        self.up = UpSample(d, c_in, c, scale_factor=2, mode="nontrainable", interp_mode=interp)
        self.merge = ResidualUnit(d, 2 * c, c, subunits=1, act="PRELU", norm=NORM)
        cross = uses_cross_attention(level, len(ch))
        self.fuse = FusionPoint(cfg.fusion, c, text_dim, cfg.heads, cross=cross)

    def forward(self, h: torch.Tensor, skip: torch.Tensor, text: TextBatch | None) -> torch.Tensor:
        h = self.up(h)  # (B, c_l, S / 2^l)
        h = self.merge(torch.cat([h, skip], dim=1))  # (B, 2 c_l, ...) -> (B, c_l, ...)
        return self.fuse(h, text)  # (B, c_l, S / 2^l)


class Generator(nn.Module):
    """pix2pixHD-style encoder-decoder: (masks, noise, text) -> image in [-1, 1] (roughly).

    The text enters after the bottleneck and after each decoder level (and, for the ``concat``
    baseline, as extra input channels).
    """

    def __init__(self, cfg: ModelConfig, text_dim: int = EMBED_DIM) -> None:
        super().__init__()
        d, ch, n = cfg.spatial_dims, cfg.channels, len(cfg.channels)
        self.noise_channels = cfg.noise_channels
        self.cond_channels = MASK_CHANNELS + (d if cfg.coords else 0)  # masks (+ coordinates)
        concat = cfg.fusion == "concat"
        self.concat = ConcatFusion(text_dim, cfg.concat_channels) if concat else None
        in_ch = self.cond_channels + cfg.noise_channels + (cfg.concat_channels if concat else 0)
        self.stem = Convolution(d, in_ch, ch[0], kernel_size=3, act="PRELU", norm=NORM)
        self.down = nn.ModuleList(
            ResidualUnit(d, ch[i], ch[i + 1], strides=2, subunits=2, act="PRELU", norm=NORM)
            for i in range(n - 1)
        )
        self.mid = ResidualUnit(d, ch[-1], ch[-1], subunits=2, act="PRELU", norm=NORM)
        cross = uses_cross_attention(n - 1, n)
        self.fuse_mid = FusionPoint(cfg.fusion, ch[-1], text_dim, cfg.heads, cross=cross)
        self.decoder = nn.ModuleList(DecoderLevel(cfg, i, text_dim) for i in reversed(range(n - 1)))
        self.head = Convolution(d, ch[0], 1, kernel_size=1, conv_only=True)

    def forward(
        self, masks: torch.Tensor, noise: torch.Tensor, text: TextBatch | None
    ) -> torch.Tensor:
        if masks.shape[1] < self.cond_channels:  # whole images: coordinates added here
            masks = add_coords(masks)  # (B, 2 + d, *S); patches get them before cropping
        x = torch.cat([masks, noise], dim=1)  # (B, cond + noise, *S)
        if self.concat is not None:
            x = self.concat(x, None if text is None else text.pooled)  # (B, + concat, *S)
        h = self.stem(x)  # (B, c0, *S)
        skips = [h]
        for down in self.down:
            h = down(h)  # (B, c_{l+1}, S / 2^{l+1})
            skips.append(h)
        h = self.fuse_mid(self.mid(h), text)  # (B, c_{n-1}, S / 2^{n-1}): text at the bottleneck
        for level, skip in zip(self.decoder, reversed(skips[:-1]), strict=True):
            h = level(h, skip, text)  # (B, c_l, S / 2^l): and after each decoder level
        return self.head(h)  # (B, 1, *S)


def build_discriminator(cfg: ModelConfig) -> MultiScalePatchDiscriminator:
    """MONAI multi-scale patch discriminator on (image, masks): (B, 3, *S) -> per-scale maps."""
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
    """MONAI ``DiffusionModelUNet`` on (noisy image, masks), run block by block so that the text
    enters after its middle block and after every up block (the same fusion points as the GAN).

    With ``text=None`` the forward pass is exactly the UNet's own (the parity test checks it).
    """

    def __init__(self, cfg: ModelConfig, text_dim: int = EMBED_DIM) -> None:
        super().__init__()
        concat = cfg.fusion == "concat"
        self.concat = ConcatFusion(text_dim, cfg.concat_channels) if concat else None
        ch, n = cfg.channels, len(cfg.channels)
        self.unet = DiffusionModelUNet(
            spatial_dims=cfg.spatial_dims,
            in_channels=1 + MASK_CHANNELS + (cfg.concat_channels if concat else 0),
            out_channels=1,
            channels=ch,
            attention_levels=tuple(i == n - 1 for i in range(n)),
            num_res_blocks=1,
            norm_num_groups=min(8, ch[0]),
            num_head_channels=ch[-1] // cfg.heads,
        )
        cross = uses_cross_attention(n - 1, n)
        self.fuse_mid = FusionPoint(cfg.fusion, ch[-1], text_dim, cfg.heads, cross=cross)
        self.fuse_up = nn.ModuleList(  # up block i ends at level n - 1 - i
            FusionPoint(
                cfg.fusion, ch[n - 1 - i], text_dim, cfg.heads, uses_cross_attention(n - 1 - i, n)
            )
            for i in range(n)
        )

    def forward(
        self,
        noisy: torch.Tensor,
        masks: torch.Tensor,
        timesteps: torch.Tensor,
        text: TextBatch | None,
    ) -> torch.Tensor:
        x = torch.cat([noisy, masks], dim=1)  # (B, 3, *S)
        if self.concat is not None:
            x = self.concat(x, None if text is None else text.pooled)  # (B, 3 + concat, *S)
        unet = self.unet
        t_emb = get_timestep_embedding(timesteps, unet.block_out_channels[0]).to(x.dtype)
        emb = unet.time_embed(t_emb)  # (B, 4 c0)
        h = unet.conv_in(x)  # (B, c0, *S)
        skips = [h]
        for down in unet.down_blocks:
            h, res = down(hidden_states=h, temb=emb, context=None)  # (B, c_l, S / 2^l)
            skips.extend(res)
        h = self.fuse_mid(unet.middle_block(hidden_states=h, temb=emb, context=None), text)
        for up, fuse in zip(unet.up_blocks, self.fuse_up, strict=True):
            k = len(up.resnets)  # type: ignore[arg-type]  # a ModuleList
            h = up(hidden_states=h, res_hidden_states_list=skips[-k:], temb=emb, context=None)
            skips = skips[:-k]
            h = fuse(h, text)  # text after every up block
        return unet.out(h)  # type: ignore[no-any-return]  # (B, 1, *S) predicted noise


def build_network(cfg: CTConfig) -> Generator | DiffusionDenoiser:
    """The network ``cfg.model.kind`` names, reading MiniLM's ``EMBED_DIM``-wide text."""
    return Generator(cfg.model) if cfg.model.kind == "gan" else DiffusionDenoiser(cfg.model)
