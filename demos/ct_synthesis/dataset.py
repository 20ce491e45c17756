"""Cases to tensors: HU window to [-1, 1] (MONAI ScaleIntensityRange), masks, prompts, patches."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from monai.transforms import RandCropByPosNegLabeld, ScaleIntensityRange

from .config import DataConfig
from .data import Case
from .text import build_prompt


@dataclass
class Tensors:
    """A cohort as tensors: images (N, 1, *S) in [-1, 1], masks (N, 2, *S), prompts (N)."""

    images: torch.Tensor
    masks: torch.Tensor
    prompts: list[str]


def window(cfg: DataConfig) -> ScaleIntensityRange:
    """HU -> [-1, 1], clipped to ``[hu_min, hu_max]``."""
    return ScaleIntensityRange(a_min=cfg.hu_min, a_max=cfg.hu_max, b_min=-1.0, b_max=1.0, clip=True)


def to_hu(x: torch.Tensor | np.ndarray, cfg: DataConfig) -> np.ndarray:
    """Inverse of :func:`window` (inside the window)."""
    arr = (
        x.detach().float().cpu().numpy()
        if isinstance(x, torch.Tensor)
        else np.asarray(x, np.float32)
    )
    return (arr + 1.0) / 2.0 * (cfg.hu_max - cfg.hu_min) + cfg.hu_min


def masks_of(cases: list[Case]) -> torch.Tensor:
    return torch.from_numpy(
        np.stack([np.stack([c.lung, c.airway]) for c in cases]).astype(np.float32)
    )


def to_tensors(cases: list[Case], cfg: DataConfig) -> Tensors:
    scale = window(cfg)
    images = torch.stack([torch.as_tensor(scale(c.image_hu[None])) for c in cases]).float()
    return Tensors(
        images=images, masks=masks_of(cases), prompts=[build_prompt(c.table) for c in cases]
    )


class PatchSampler:
    """Random patches of (image, masks), half centred in the lungs (MONAI RandCropByPosNegLabeld)."""

    def __init__(self, patch_size: int, spatial_dims: int, seed: int) -> None:
        self.crop = RandCropByPosNegLabeld(
            keys=["image", "masks"],
            label_key="lung",
            spatial_size=(patch_size,) * spatial_dims,
            pos=1,
            neg=1,
            num_samples=1,
        )
        self.crop.set_random_state(seed)

    def __call__(
        self, images: torch.Tensor, masks: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        imgs, msks = [], []
        for img, msk in zip(images, masks, strict=True):
            out = self.crop({"image": img, "masks": msk, "lung": msk[:1]})[0]
            imgs.append(torch.as_tensor(out["image"]))
            msks.append(torch.as_tensor(out["masks"]))
        return torch.stack(imgs), torch.stack(msks)
