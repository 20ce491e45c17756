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

from demos.common.config import build_config

PRESETS_DIR = Path(__file__).parent / "presets"


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
    """Optimisation and runtime."""

    steps: int = 1500
    batch_size: int = 32
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: int = 100
    cls_weight: float = 1.0  # weight of the finding-classification loss
    grad_clip: float = 1.0
    ema: float = 0.0  # EMA decay of the weights used for evaluation; 0 disables
    bf16: bool = False
    compile: bool = False
    device: str = "auto"
    threads: int = 1  # CPU threads (ignored on GPU); 1 is fastest on a shared, busy CPU
    seed: int = 0
    log_every: int = 50
    ckpt_every: int = 500
    progress: bool = True


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


def presets() -> list[str]:
    """Names of the shipped presets."""
    return sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))


def load_config(preset: str | None = "tiny", overrides: Iterable[str] = ()) -> XrayConfig:
    """Defaults, then ``preset`` (a name or a ``.toml`` path), then ``key=value`` overrides."""
    return build_config(XrayConfig, preset, PRESETS_DIR, overrides)
