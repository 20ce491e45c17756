"""Typed configuration of the X-ray report demo; presets live in ``presets/<name>.toml``.

Each section owns its defaults (the ``tiny`` CPU preset is close to them). Presets and
``--set section.key=value`` overrides go through :mod:`demos.common.config`, which rejects unknown
keys and badly typed values with a one-line :class:`~demos.common.config.ConfigError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from demos.common.config import build_config, check
from demos.common.runtime import RuntimeConfig

PRESETS_DIR = Path(__file__).parent / "presets"
RETRAIN = "train a new one with `python -m demos.xray_report train --out RUN`"


@dataclass
class DataConfig:
    """Where studies come from and how reports are tokenised."""

    source: Literal["synthetic", "iu-xray", "openi", "mimic-cxr"] = "synthetic"
    root: str = ""  # dataset folder for the real-data sources
    image_size: int = 64
    n_train: int = 2000  # synthetic cohort sizes
    n_val: int = 200
    n_test: int = 400
    prevalence: float = 0.22  # probability of each synthetic finding
    seed: int = 0
    tokenizer: Literal["word", "wordpiece"] = "word"
    max_len: int = 64  # tokens per report, BOS and EOS included


@dataclass
class ModelConfig:
    """Image encoder, finding classifier / prompts and report decoder."""

    encoder: Literal["cnn", "vit"] = "cnn"
    channels: tuple[int, ...] = (16, 32, 64)  # CNN widths; each stage halves the image
    patch: int = 8  # ViT patch size
    dim: int = 128
    heads: int = 4
    encoder_layers: int = 2  # ViT only
    decoder_layers: int = 2
    mlp_ratio: int = 4
    dropout: float = 0.1
    prompt: bool = True  # feed the classifier's finding probabilities to the decoder


@dataclass
class TrainConfig:
    """Optimisation; how the run executes is in :class:`~demos.common.runtime.RuntimeConfig`
    (``runtime.ema`` > 0 keeps EMA weights, which evaluation and generation then use)."""

    steps: int = 1500
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: int = 100  # linear warm-up steps, then cosine decay to 10 % (demos.common.fit)
    cls_weight: float = 1.0  # weight of the finding-classification loss


@dataclass
class DecodeConfig:
    """Report decoding."""

    beam_size: int = 3
    max_len: int = 64
    block_trigrams: bool = True
    length_penalty: float = 1.0  # beam scores are log-probability / length ** penalty
    batch_size: int = 64


@dataclass
class XrayConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    decode: DecodeConfig = field(default_factory=DecodeConfig)
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)


#: Keys of the configs before the shared ``runtime`` section, and what replaced them.
RENAMED = {
    "train.bf16": "runtime.precision=bf16 (or fp32)",
    **{f"train.{k}": f"runtime.{k}" for k in ("ema", "grad_clip", "compile", "device", "threads")},
    **{f"train.{k}": f"runtime.{k}" for k in ("seed", "log_every", "ckpt_every", "progress")},
}


def validate(cfg: XrayConfig) -> XrayConfig:
    """Range checks a type cannot express (ConfigError naming the key)."""
    cfg.runtime.validate()
    for key in ("steps", "batch_size"):
        value = getattr(cfg.train, key)
        check(value >= 1, f"train.{key}", f"must be at least 1, got {value}")
    check(cfg.train.warmup >= 0, "train.warmup", f"must be >= 0, got {cfg.train.warmup}")
    d = cfg.data
    check(d.image_size >= 32, "data.image_size", f"must be at least 32, got {d.image_size}")
    for key, least in (("n_train", 1), ("n_val", 1), ("n_test", 2), ("max_len", 3)):
        value = getattr(d, key)
        check(value >= least, f"data.{key}", f"must be at least {least}, got {value}")
    for key in ("beam_size", "batch_size"):
        value = getattr(cfg.decode, key)
        check(value >= 1, f"decode.{key}", f"must be at least 1, got {value}")
    return cfg


def presets() -> list[str]:
    """Names of the shipped presets."""
    return sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))


def load_config(preset: str | None = "tiny", overrides: Iterable[str] = ()) -> XrayConfig:
    """Defaults, then ``preset`` (a name or a ``.toml`` path), then ``key=value`` overrides."""
    return validate(build_config(XrayConfig, preset, PRESETS_DIR, overrides, RENAMED))
