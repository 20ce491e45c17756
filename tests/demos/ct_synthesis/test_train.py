from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from demos.common.checkpoint import import_safetensors, load_checkpoint
from demos.common.progress import read_metrics_log
from demos.ct_synthesis.config import load_config
from demos.ct_synthesis.data import Case, make_cohort
from demos.ct_synthesis.dataset import masks_of
from demos.ct_synthesis.sample import Synthesizer
from demos.ct_synthesis.train import train


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return make_cohort(8, (32, 32), seed=1)


def test_gan_checkpoint_round_trip_and_resume(
    tmp_path: Path, cases: list[Case], micro: list[str]
) -> None:
    cfg = load_config("tiny", [*micro, "train.steps=2"])
    res = train(cfg, cases, tmp_path)
    ck = load_checkpoint(res.checkpoint)
    assert (
        ck.step == 2
        and ck.config["model"]["kind"] == "gan"
        and {"net", "ema", "disc", "opt", "text"} <= set(ck.state)
    )
    weights, config = import_safetensors(tmp_path / "model.safetensors")
    assert config == ck.config and set(weights) == set(ck.state["net"])
    synth = Synthesizer.load(tmp_path)
    prompts = ["Lung CT scan. Smoker: yes.", "Lung CT scan."]
    a = synth.generate(masks_of(cases[:2]), prompts, [0, 1])
    b = Synthesizer.load(res.checkpoint).generate(masks_of(cases[:2]), prompts, [0, 1])
    assert a.shape == (2, 32, 32) and np.isfinite(a).all()
    np.testing.assert_array_equal(a, b)
    more = load_config("tiny", [*micro, "train.steps=4"])
    train(more, cases, tmp_path, resume=True)
    assert load_checkpoint(res.checkpoint).step == 4
    steps = [row["step"] for row in read_metrics_log(tmp_path / "train_log.jsonl")]
    assert steps == [1, 2, 3, 4]  # resumed at 3, not restarted


def test_diffusion_trains_and_samples(tmp_path: Path, cases: list[Case], micro: list[str]) -> None:
    cfg = load_config("tiny", [*micro, "model.kind=diffusion", "train.steps=2"])
    train(cfg, cases, tmp_path)
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
        "tiny", [*micro, "train.amp=true", "train.channels_last=true", "train.steps=1"]
    )
    res = train(cfg, cases, tmp_path)
    assert np.isfinite(res.final_loss)
    assert torch.get_num_threads() == cfg.train.threads
