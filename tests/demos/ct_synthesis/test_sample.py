"""Sampling: fixed noise per seed, sliding windows, the GAN pass, DDIM with guidance, Synthesizer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from demos.common.checkpoint import CheckpointError
from demos.ct_synthesis.config import ModelConfig, load_config
from demos.ct_synthesis.data import Case
from demos.ct_synthesis.dataset import masks_of
from demos.ct_synthesis.fusion import TextBatch
from demos.ct_synthesis.model import Generator
from demos.ct_synthesis.sample import (
    Synthesizer,
    _windowed,
    make_noise,
    sample_diffusion,
    sample_gan,
)
from demos.ct_synthesis.text import TextConditioner
from demos.ct_synthesis.text_encoder import EMBED_DIM


def _text(b: int) -> TextBatch:
    return TextBatch(
        torch.randn(b, EMBED_DIM), torch.randn(b, 3, EMBED_DIM), torch.ones(b, 3, dtype=torch.bool)
    )


def test_noise_is_fixed_per_seed_not_per_position() -> None:
    a = make_noise((1, 4, 4), [5, 6])
    b = make_noise((1, 4, 4), [6, 5])
    assert a.shape == (2, 1, 4, 4)
    assert torch.equal(a[0], b[1]) and torch.equal(a[1], b[0]) and not torch.equal(a[0], a[1])


def test_sliding_windows_reproduce_a_pointwise_network() -> None:
    x = torch.randn(2, 3, 24, 24)
    text = _text(2)
    seen: list[int] = []

    def fn(inp: torch.Tensor, t: TextBatch) -> torch.Tensor:
        assert t.pooled.shape[0] == inp.shape[0]  # the text follows the window batch
        seen.append(inp.shape[-1])
        return 2 * inp[:, :1] + t.pooled[:, :1, None, None]

    whole = _windowed(fn, x, text, ModelConfig(patch_size=0))
    assert seen == [24]
    windows = _windowed(fn, x, text, ModelConfig(patch_size=16))
    assert set(seen[1:]) == {16}
    torch.testing.assert_close(windows, whole, rtol=1e-5, atol=1e-5)


def test_gan_sample_is_clamped_and_takes_coordinates() -> None:
    cfg = ModelConfig(channels=(8, 16), heads=2, noise_channels=1, fusion="none")
    g = Generator(cfg).eval()
    with torch.no_grad():
        g.head.conv.bias.fill_(5.0)  # type: ignore[union-attr]
    out = sample_gan(g, torch.zeros(2, 2, 16, 16), torch.zeros(2, 1, 16, 16), _text(2), cfg)
    assert out.shape == (2, 1, 16, 16) and out.max() == 1.0


class ConstantDenoiser(nn.Module):
    """Predicts noise ``a`` for real text and ``b`` for the empty prompt (told apart by pooled)."""

    def __init__(self, a: float, b: float) -> None:
        super().__init__()
        self.a, self.b = a, b

    def forward(
        self, noisy: torch.Tensor, masks: torch.Tensor, t: torch.Tensor, text: TextBatch
    ) -> torch.Tensor:
        real = (text.pooled[:, :1] > 0).float()[:, :, None, None]
        return torch.ones_like(noisy) * (real * self.a + (1 - real) * self.b)


def test_ddim_guidance_is_empty_plus_w_times_the_difference() -> None:
    cfg = ModelConfig(ddim_steps=3, guidance=3.0)
    noise, masks = torch.randn(2, 1, 8, 8), torch.zeros(2, 2, 8, 8)
    text = TextBatch(torch.ones(2, 4), torch.zeros(2, 1, 4), torch.ones(2, 1, dtype=torch.bool))
    empty = TextBatch(-torch.ones(1, 4), torch.zeros(1, 1, 4), torch.ones(1, 1, dtype=torch.bool))
    guided = sample_diffusion(ConstantDenoiser(0.2, -0.1), masks, noise, text, empty, cfg)  # type: ignore[arg-type]
    w = 3.0
    direct = sample_diffusion(
        ConstantDenoiser(-0.1 + w * (0.2 + 0.1), 0.0),
        masks,
        noise,
        text,
        empty,
        ModelConfig(ddim_steps=3, guidance=1.0),  # type: ignore[arg-type]
    )
    torch.testing.assert_close(guided, direct)
    assert guided.abs().max() <= 1.0


@pytest.fixture(scope="module")
def synth() -> Synthesizer:
    cfg = load_config("tiny", ["model.channels=8,16", "model.heads=2", "data.image_size=32"])
    torch.manual_seed(0)
    cond = TextConditioner()
    cond.fit(["Lung CT scan. Smoker: yes.", "Lung CT scan. Smoker: no.", "Lung CT scan."])
    return Synthesizer(cfg, Generator(cfg.model), cond)


def test_generate_is_per_case_whatever_the_batching(
    synth: Synthesizer, cases_2d: list[Case]
) -> None:
    masks = masks_of(cases_2d[:3])
    prompts = ["Lung CT scan. Smoker: yes.", "Lung CT scan.", "Lung CT scan. Smoker: no."]
    big = synth.generate(masks, prompts, [1, 2, 3], batch_size=16)
    small = synth.generate(masks, prompts, [1, 2, 3], batch_size=1)
    np.testing.assert_allclose(big, small, rtol=0, atol=1e-3)
    d = synth.cfg.data
    assert big.shape == (3, 32, 32) and big.min() >= d.hu_min and big.max() <= d.hu_max
    with pytest.raises(ValueError, match="same length"):
        synth.generate(masks, prompts[:2], [1, 2, 3])


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="checkpoint not found"):
        Synthesizer.load(tmp_path)
    with pytest.raises(CheckpointError, match="weights file not found"):
        Synthesizer.load(tmp_path / "model.safetensors")
