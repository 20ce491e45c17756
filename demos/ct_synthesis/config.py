"""Typed configuration of the CT synthesis demo; presets live in ``presets/<name>.toml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from demos.common.config import build_config, check
from demos.common.runtime import RuntimeConfig

from .fusion import FusionKind

PRESETS_DIR = Path(__file__).parent / "presets"
RETRAIN = "train a new one with `python -m demos.ct_synthesis train --out RUN`"


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
    """Optimisation; how the run executes is in :class:`~demos.common.runtime.RuntimeConfig`."""

    steps: int = 1200
    batch_size: int = 16
    lr: float = 1e-3
    warmup: int = 50  # linear warm-up steps, then cosine decay to 10 % (demos.common.fit)
    disc_lr: float = 4e-4
    lambda_rec: float = 1.0  # MSE to the image (learns the conditional mean)
    lambda_adv: float = 0.01
    lambda_fm: float = 0.01
    prompt_dropout: float = 0.1  # replace the prompt by the empty one (CFG for diffusion)
    channels_last: bool = False  # channels-last memory format for the networks


def default_runtime() -> RuntimeConfig:
    """The shared runtime fields with this demo's default: EMA on (diffusion samples with it)."""
    return RuntimeConfig(ema=0.99)


@dataclass
class CTConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    runtime: RuntimeConfig = field(default_factory=default_runtime)


#: Keys of the configs before the shared ``runtime`` section, and what replaced them.
RENAMED = {
    "train.amp": "runtime.precision=bf16 (or fp32)",
    "train.ema_decay": "runtime.ema",
    **{f"train.{k}": f"runtime.{k}" for k in ("seed", "device", "compile", "threads")},
    **{f"train.{k}": f"runtime.{k}" for k in ("log_every", "ckpt_every", "progress")},
}


def validate(cfg: CTConfig) -> CTConfig:
    """Range checks a type cannot express (ConfigError naming the key)."""
    cfg.runtime.validate()
    for key in ("steps", "batch_size"):
        value = getattr(cfg.train, key)
        check(value >= 1, f"train.{key}", f"must be at least 1, got {value}")
    check(cfg.train.warmup >= 0, "train.warmup", f"must be >= 0, got {cfg.train.warmup}")
    check(cfg.data.n_train >= 1, "data.n_train", f"must be at least 1, got {cfg.data.n_train}")
    check(cfg.data.n_test >= 1, "data.n_test", f"must be at least 1, got {cfg.data.n_test}")
    return cfg


def load_config(
    preset: str | None = "tiny", overrides: list[str] | tuple[str, ...] = ()
) -> CTConfig:
    """Defaults, then ``presets/<preset>.toml``, then ``key=value`` overrides (errors are ConfigError)."""
    cfg = build_config(CTConfig, preset, PRESETS_DIR, overrides, RENAMED)
    if cfg.model.image_size != cfg.data.image_size:
        cfg.model.image_size = cfg.data.image_size
    return validate(cfg)
