from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from demos.common.config import (
    ConfigError,
    apply_overrides,
    build_config,
    check,
    describe,
    from_dict,
    set_value,
    to_dict,
)


@dataclass
class Model:
    channels: tuple[int, ...] = (8, 16)
    fusion: Literal["none", "affine"] = "affine"


@dataclass
class Cfg:
    steps: int = 10
    lr: float = 1e-3
    amp: bool = False
    name: str = "x"
    limit: int | None = None
    model: Model = field(default_factory=Model)


def test_overrides_coerce_types_and_leave_original_alone() -> None:
    base = Cfg()
    cfg = apply_overrides(
        base,
        [
            "steps=5",
            "lr=0.5",
            "amp=yes",
            "model.channels=4,8,16",
            "model.fusion=none",
            "limit=none",
        ],
    )
    assert (cfg.steps, cfg.lr, cfg.amp, cfg.model.channels, cfg.model.fusion) == (
        5,
        0.5,
        True,
        (4, 8, 16),
        "none",
    )
    assert cfg.limit is None
    assert base.steps == 10 and base.model.channels == (8, 16)
    assert set_value(base, "limit", "3").limit == 3


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("stepz=3", "unknown config key 'stepz'"),
        ("model.width=3", "unknown config key 'model.width'"),
        ("steps=abc", "steps: expected an integer"),
        ("amp=maybe", "amp: expected true or false"),
        ("model.fusion=film", "model.fusion: 'film' is not one of none, affine"),
        ("steps", "not of the form key=value"),
        ("model=3", "model: is a section"),
    ],
)
def test_bad_overrides_are_one_line_errors(item: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        apply_overrides(Cfg(), [item])
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_round_trip_dict() -> None:
    cfg = apply_overrides(Cfg(), {"model": {"channels": [2, 4]}, "steps": 7})
    assert from_dict(Cfg, to_dict(cfg)) == cfg
    assert "model.channels = [2, 4]" in describe(cfg)


def test_presets_from_toml(tmp_path: Path) -> None:
    (tmp_path / "small.toml").write_text("steps = 3\n[model]\nfusion = 'none'\n")
    cfg = build_config(Cfg, "small", tmp_path, ["lr=2"])
    assert (cfg.steps, cfg.model.fusion, cfg.lr) == (3, "none", 2.0)
    with pytest.raises(ConfigError, match="unknown preset 'big' \\(known presets: small\\)"):
        build_config(Cfg, "big", tmp_path)
    (tmp_path / "bad.toml").write_text("steps = 3\nnope = 1\n")
    with pytest.raises(ConfigError, match=r"bad\.toml: unknown config key 'nope'"):
        build_config(Cfg, "bad", tmp_path)
    (tmp_path / "broken.toml").write_text("steps = \n")
    with pytest.raises(ConfigError, match=r"broken\.toml: .*line 1"):
        build_config(Cfg, "broken", tmp_path)
    with pytest.raises(ConfigError, match="preset file not found"):
        build_config(Cfg, str(tmp_path / "missing.toml"))


def test_renamed_keys_name_their_replacement(tmp_path: Path) -> None:
    renamed = {"amp": "model.precision=bf16"}
    with pytest.raises(
        ConfigError, match=r"config key 'amp' was renamed: use model\.precision=bf16"
    ):
        build_config(Cfg, overrides=["amp=true"], renamed=renamed)
    (tmp_path / "old.toml").write_text("amp = true\n")
    with pytest.raises(ConfigError, match=r"old\.toml: config key 'amp' was renamed"):
        build_config(Cfg, "old", tmp_path, renamed=renamed)
    assert build_config(Cfg, overrides=["amp=true"]).amp is True  # without the map: still a key


def test_check_names_the_key() -> None:
    check(True, "steps", "never raised")
    with pytest.raises(ConfigError, match=r"^steps: must be at least 1$"):
        check(False, "steps", "must be at least 1")
