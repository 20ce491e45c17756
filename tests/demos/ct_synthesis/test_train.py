from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from demos.common.checkpoint import CheckpointError, load_checkpoint
from demos.common.config import ConfigError
from demos.ct_synthesis.config import load_config
from demos.ct_synthesis.data import Case, make_cohort
from demos.ct_synthesis.dataset import masks_of
from demos.ct_synthesis.export import import_weights
from demos.ct_synthesis.sample import Synthesizer
from demos.ct_synthesis.train import to_channels_last, train

ReadLog = Callable[[Path], list[dict[str, Any]]]


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return make_cohort(8, (32, 32), seed=1)


def test_gan_checkpoint_round_trip_and_resume(
    tmp_path: Path, cases: list[Case], micro: list[str], read_log: ReadLog
) -> None:
    cfg = load_config("tiny", [*micro, "train.steps=2"])
    res = train(cfg, cases, tmp_path)
    assert res.checkpoint == tmp_path / "checkpoint.pt" and res.parameters > 0
    ck = load_checkpoint(res.checkpoint)
    assert ck.step == 2 and ck.config["model"]["kind"] == "gan"
    assert set(ck.state) == {
        "model",
        "optimizer",
        "scheduler",
        "ema",
        "text",
        "discriminator",
        "discriminator_optimizer",
    }
    parts, config = import_weights(tmp_path / "model.safetensors")
    assert config == ck.config and set(parts["model"]) == set(ck.state["model"])
    for name, value in parts["model"].items():  # the GAN samples with its own weights
        torch.testing.assert_close(value, ck.state["model"][name], rtol=0, atol=0)
    synth = Synthesizer.load(tmp_path)
    prompts = ["Lung CT scan. Smoker: yes.", "Lung CT scan."]
    a = synth.generate(masks_of(cases[:2]), prompts, [0, 1])
    b = Synthesizer.load(res.checkpoint).generate(masks_of(cases[:2]), prompts, [0, 1])
    c = Synthesizer.load(tmp_path / "model.safetensors").generate(
        masks_of(cases[:2]), prompts, [0, 1]
    )
    assert a.shape == (2, 32, 32) and np.isfinite(a).all()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    more = load_config("tiny", [*micro, "train.steps=4"])
    train(more, cases, tmp_path, resume=True)
    assert load_checkpoint(res.checkpoint).step == 4
    steps = [row["step"] for row in read_log(tmp_path / "train_log.jsonl")]
    assert steps == [1, 2, 3, 4]  # resumed at 3, not restarted


def test_resume_from_a_checkpoint_of_the_old_layout_is_a_clear_error(
    tmp_path: Path, cases: list[Case], micro: list[str]
) -> None:
    old = tmp_path / "checkpoints" / "last.pt"
    old.parent.mkdir()
    state = {k: {"w": torch.zeros(1)} for k in ("net", "ema", "opt", "sched", "text")}
    torch.save({"format": 1, "step": 2, "config": {}, "state": state, "extra": {}}, old)
    cfg = load_config("tiny", [*micro, "train.steps=3"])
    with pytest.raises(CheckpointError, match=r"checkpoints/last\.pt: a checkpoint of the layout"):
        train(cfg, cases, tmp_path, resume=True)
    with pytest.raises(CheckpointError, match=r"python -m demos\.ct_synthesis train"):
        Synthesizer.load(tmp_path)


def test_resume_with_another_model_is_a_clear_error(
    tmp_path: Path, cases: list[Case], micro: list[str]
) -> None:
    train(load_config("tiny", [*micro, "train.steps=1"]), cases, tmp_path)
    wider = load_config("tiny", [*micro, "model.channels=8,32", "train.steps=2"])
    with pytest.raises(CheckpointError, match="'model' state does not fit this config"):
        train(wider, cases, tmp_path, resume=True)


def test_diffusion_trains_and_samples_with_ema(
    tmp_path: Path, cases: list[Case], micro: list[str]
) -> None:
    cfg = load_config("tiny", [*micro, "model.kind=diffusion", "train.steps=2"])
    res = train(cfg, cases, tmp_path)
    assert res.ema is not None
    parts, _ = import_weights(tmp_path / "model.safetensors")
    ema = load_checkpoint(res.checkpoint).state["ema"]
    for name, value in parts["model"].items():  # diffusion samples with the EMA weights
        torch.testing.assert_close(value, ema[name], rtol=0, atol=0)
    synth = Synthesizer.load(tmp_path)
    out = synth.generate(masks_of(cases[:1]), ["Lung CT scan. Smoker: no."], [3])
    again = synth.generate(masks_of(cases[:1]), ["Lung CT scan. Smoker: no."], [3])
    assert out.shape == (1, 32, 32) and np.isfinite(out).all()
    np.testing.assert_array_equal(out, again)  # DDIM with eta=0 and a fixed seed is deterministic


def test_3d_patches_and_sliding_window(tmp_path: Path, micro: list[str]) -> None:
    vols = make_cohort(3, (24, 24, 24), seed=2)
    cfg = load_config(
        "tiny",
        [
            *micro,
            "model.spatial_dims=3",
            "data.image_size=24",
            "model.patch_size=16",
            "model.noise_channels=1",
            "train.batch_size=2",
        ],
    )
    train(cfg, vols, tmp_path)
    out = Synthesizer.load(tmp_path).generate(masks_of(vols[:1]), ["Lung CT scan."], [0])
    assert out.shape == (1, 24, 24, 24) and np.isfinite(out).all()


def test_bf16_autocast_and_channels_last_run(
    tmp_path: Path, cases: list[Case], micro: list[str]
) -> None:
    cfg = load_config(
        "tiny", [*micro, "runtime.precision=bf16", "train.channels_last=true", "train.steps=1"]
    )
    before = torch.get_num_threads()
    res = train(cfg, cases, tmp_path)
    assert np.isfinite(res.final_loss)
    assert torch.get_num_threads() == before  # the session restores the thread count


def test_channels_last_helper() -> None:
    conv = to_channels_last(nn.Conv2d(2, 3, 3), 2)
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)
    conv3 = to_channels_last(nn.Conv3d(2, 3, 3), 3)
    assert conv3.weight.is_contiguous(memory_format=torch.channels_last_3d)


def test_old_and_bad_config_keys() -> None:
    with pytest.raises(ConfigError, match=r"'train\.amp' was renamed: use runtime\.precision=bf16"):
        load_config("tiny", ["train.amp=true"])
    with pytest.raises(ConfigError, match=r"'train\.ema_decay' was renamed: use runtime\.ema"):
        load_config("tiny", ["train.ema_decay=0.9"])
    with pytest.raises(ConfigError, match=r"train\.steps: must be at least 1"):
        load_config("tiny", ["train.steps=0"])
    with pytest.raises(ConfigError, match=r"runtime\.log_every: must be at least 1"):
        load_config("tiny", ["runtime.log_every=0"])
    assert load_config("2d-256").runtime.precision == "bf16"
    assert load_config("tiny").runtime.ema == 0.99
