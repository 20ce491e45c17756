"""Micro training runs: seeded regression, checkpoint round-trip, resume, loss decreases."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from demos.common.checkpoint import CheckpointError, load_checkpoint
from demos.common.config import ConfigError
from demos.xray_report.config import XrayConfig, load_config
from demos.xray_report.sample import generate
from demos.xray_report.train import load_splits, load_trained, train

ReadLog = Callable[[Path], list[dict[str, Any]]]


def quiet(_: str) -> None:
    pass


def test_seeded_runs_are_identical_and_seed_matters(micro_cfg: XrayConfig, tmp_path: Path) -> None:
    splits = load_splits(micro_cfg)
    a = load_checkpoint(train(micro_cfg, tmp_path / "a", splits=splits, echo=quiet).checkpoint)
    b = load_checkpoint(train(micro_cfg, tmp_path / "b", splits=splits, echo=quiet).checkpoint)
    for name, tensor in a.state["model"].items():
        torch.testing.assert_close(tensor, b.state["model"][name], rtol=0, atol=0)
    other = load_config("micro", ["runtime.seed=1"])
    c = load_checkpoint(train(other, tmp_path / "c", splits=splits, echo=quiet).checkpoint)
    assert any(
        not torch.equal(t, c.state["model"][k])
        for k, t in a.state["model"].items()
        if t.is_floating_point()
    )


def test_seeded_regression_first_losses(
    micro_cfg: XrayConfig, tmp_path: Path, read_log: ReadLog
) -> None:
    """Pinned token losses of the seeded micro run, recorded from this code: they catch silent
    changes to the data, tokenizer, initialisation or loss. They start near ln(vocab size)."""
    train(micro_cfg, tmp_path, echo=quiet)
    rows = [r for r in read_log(tmp_path / "train_log.jsonl") if "token_loss" in r]
    assert [r["step"] for r in rows] == [2, 4, 6]
    losses = [r["token_loss"] for r in rows]
    assert losses == pytest.approx(REGRESSION_TOKEN_LOSSES, rel=2e-3)
    assert losses[0] > losses[1] > losses[2]


REGRESSION_TOKEN_LOSSES = [4.2393, 4.1679, 4.1270]


def test_checkpoint_round_trip(micro_cfg: XrayConfig, tmp_path: Path) -> None:
    path = train(micro_cfg, tmp_path, echo=quiet).checkpoint
    ckpt = load_checkpoint(path)
    assert ckpt.step == micro_cfg.train.steps
    assert set(ckpt.state) == {"model", "optimizer", "scheduler"}  # no EMA in the micro preset
    assert set(ckpt.extra) == {"tokenizer", "labels"}
    assert ckpt.config["model"]["dim"] == micro_cfg.model.dim
    a = load_trained(path)
    b = load_trained(path)
    assert a.config == micro_cfg
    for name, tensor in a.model.state_dict().items():
        torch.testing.assert_close(tensor, ckpt.state["model"][name])
    images = load_splits(micro_cfg).test.images[:3]
    kwargs = {"beam_size": 2, "max_len": 20, "block_trigrams": True}
    ra, pa = generate(a.model, a.tokenizer, images, **kwargs)  # type: ignore[arg-type]
    rb, pb = generate(b.model, b.tokenizer, images, **kwargs)  # type: ignore[arg-type]
    assert ra == rb
    np.testing.assert_allclose(pa, pb)
    assert a.tokenizer.vocab == b.tokenizer.vocab


def test_resume_continues_from_the_saved_step(
    micro_cfg: XrayConfig, tmp_path: Path, read_log: ReadLog
) -> None:
    train(micro_cfg, tmp_path, echo=quiet)
    longer = load_config("micro", ["train.steps=8"])
    messages: list[str] = []
    train(longer, tmp_path, resume=True, echo=messages.append)
    assert any("resuming from" in m and "step 6" in m for m in messages)
    assert load_checkpoint(tmp_path / "checkpoint.pt").step == 8
    rows = read_log(tmp_path / "train_log.jsonl")
    assert [r["step"] for r in rows if "token_loss" in r] == [2, 4, 6, 8]
    assert [r["step"] for r in rows if "val_token_loss" in r] == [3, 6]


def test_resume_with_another_model_is_a_clear_error(micro_cfg: XrayConfig, tmp_path: Path) -> None:
    train(micro_cfg, tmp_path, echo=quiet)
    wider = load_config("micro", ["model.dim=64", "train.steps=8"])
    with pytest.raises(CheckpointError, match="'model' state does not fit this config"):
        train(wider, tmp_path, resume=True, echo=quiet)


def test_bad_checkpoints_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="checkpoint not found"):
        load_trained(tmp_path / "none.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"garbage")
    with pytest.raises(CheckpointError, match="not a loadable checkpoint"):
        load_trained(bad)


def test_unknown_preset_key_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match=r"unknown config key 'train\.stepz'"):
        load_config("tiny", ["train.stepz=3"])
    with pytest.raises(ConfigError, match="unknown preset 'huge'"):
        load_config("huge")
    with pytest.raises(ConfigError, match=r"data\.tokenizer"):
        load_config("tiny", ["data.tokenizer=bpe"])


def test_bad_preset_file_names_file_and_key(tmp_path: Path) -> None:
    preset = tmp_path / "mine.toml"
    preset.write_text("[train]\nstepz = 3\n")
    with pytest.raises(ConfigError, match=r"mine.toml: unknown config key 'train.stepz'"):
        load_config(str(preset))


def test_log_is_json_lines(micro_cfg: XrayConfig, tmp_path: Path, read_log: ReadLog) -> None:
    train(micro_cfg, tmp_path, echo=quiet)
    rows = read_log(tmp_path / "train_log.jsonl")
    assert {"step", "loss", "token_loss", "finding_loss", "lr", "images_per_s"} <= set(rows[0])
    val = [r for r in rows if "val_token_loss" in r]
    assert [r["step"] for r in val] == [3, 6]
    assert all(r["val_token_loss"] > 0 and r["val_finding_loss"] > 0 for r in val)


def test_ema_weights_are_used_for_inference(micro_cfg: XrayConfig, tmp_path: Path) -> None:
    cfg = load_config("micro", ["runtime.ema=0.5"])
    path = train(cfg, tmp_path, echo=quiet).checkpoint
    ckpt = load_checkpoint(path)
    assert "ema" in ckpt.state
    with_ema, raw = load_trained(path), load_trained(path, use_ema=False)
    for name, tensor in with_ema.model.state_dict().items():
        torch.testing.assert_close(tensor, ckpt.state["ema"][name], rtol=0, atol=0)
    w = "lm_head.weight"
    assert not torch.equal(with_ema.model.state_dict()[w], raw.model.state_dict()[w])


def test_old_checkpoints_and_missing_tokenizer(micro_cfg: XrayConfig, tmp_path: Path) -> None:
    old = tmp_path / "checkpoint.pt"
    state = {k: {"w": torch.zeros(1)} for k in ("model", "optimizer", "scheduler")}
    torch.save({"format": 1, "step": 6, "config": {}, "state": state, "extra": {}}, old)
    for load in (
        lambda: load_trained(old),
        lambda: train(micro_cfg, tmp_path, resume=True, echo=quiet),
    ):
        with pytest.raises(CheckpointError, match=r"format 1 .*python -m demos\.xray_report train"):
            load()
    path = train(micro_cfg, tmp_path / "new", echo=quiet).checkpoint
    ckpt = torch.load(path, weights_only=True)
    del ckpt["extra"]["tokenizer"]
    torch.save(ckpt, path)
    with pytest.raises(CheckpointError, match="no usable tokenizer in the checkpoint"):
        load_trained(path)


def test_renamed_and_out_of_range_config() -> None:
    with pytest.raises(ConfigError, match=r"'train\.bf16' was renamed: use runtime\.precision"):
        load_config("micro", ["train.bf16=true"])
    with pytest.raises(ConfigError, match=r"data\.n_test: must be at least 2"):
        load_config("micro", ["data.n_test=1"])
    with pytest.raises(ConfigError, match=r"decode\.beam_size: must be at least 1"):
        load_config("micro", ["decode.beam_size=0"])
    assert (
        load_config("gpu").runtime.precision == "bf16" and load_config("gpu").runtime.ema == 0.999
    )
