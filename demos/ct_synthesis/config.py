"""Typed configuration of the CT synthesis demo; presets live in ``presets/<name>.toml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from demos.common.config import build_config

from .fusion import FusionKind

PRESETS_DIR = Path(__file__).parent / "presets"


@dataclass
class DataConfig:
    """The synthetic cohort (or a real AIIB23-style folder when ``root`` is set)."""

    n_train: int = 384
    n_test: int = 48
    image_size: int = 64  # H = W (= D in 3D)
    seed: int = 0
    p_missing: float = 0.12
    root: str = ""  # a real-data folder (see realdata.py); empty = synthetic cohort
    hu_min: float = -1000.0
    hu_max: float = 400.0


@dataclass
class ModelConfig:
    kind: Literal["gan", "diffusion"] = "gan"
    fusion: FusionKind = "affine+cross-attention"
    spatial_dims: int = 2
    image_size: int = 64
    patch_size: int = 0  # 0: whole images; else train on patches, infer with sliding windows
    channels: tuple[int, ...] = (16, 32, 64)
    heads: int = 4
    coords: bool = True  # GAN: coordinate channels with the masks (see model.add_coords)
    noise_channels: int = 0  # pix2pixHD has none; >0 adds noise maps (shared in counterfactuals)
    concat_channels: int = 8
    disc_scales: int = 2
    disc_layers: int = 2
    disc_channels: int = 16
    diffusion_steps: int = 1000
    ddim_steps: int = 25
    guidance: float = 2.0


@dataclass
class TrainConfig:
    steps: int = 1200
    batch_size: int = 16
    lr: float = 1e-3
    disc_lr: float = 4e-4
    lambda_rec: float = 1.0  # MSE to the image (learns the conditional mean)
    lambda_adv: float = 0.01
    lambda_fm: float = 0.01
    prompt_dropout: float = 0.1  # replace the prompt by the empty one (CFG for diffusion)
    ema_decay: float = 0.99
    seed: int = 0
    device: str = "auto"
    amp: bool = False  # bf16 autocast
    channels_last: bool = False
    compile: bool = False
    threads: int = 1
    log_every: int = 50
    ckpt_every: int = 500
    progress: bool = True


@dataclass
class CTConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)


def load_config(
    preset: str | None = "tiny", overrides: list[str] | tuple[str, ...] = ()
) -> CTConfig:
    """Defaults, then ``presets/<preset>.toml``, then ``key=value`` overrides (errors are ConfigError)."""
    cfg = build_config(CTConfig, preset, PRESETS_DIR, overrides)
    if cfg.model.image_size != cfg.data.image_size:
        cfg.model.image_size = cfg.data.image_size
    return cfg
