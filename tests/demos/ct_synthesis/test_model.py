from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from demos.ct_synthesis.config import ModelConfig, load_config
from demos.ct_synthesis.fusion import FUSIONS, FusionPoint, TextBatch
from demos.ct_synthesis.model import (
    DiffusionDenoiser,
    Generator,
    build_discriminator,
    uses_cross_attention,
)
from demos.ct_synthesis.text_encoder import EMBED_DIM


def _text(b: int) -> TextBatch:
    return TextBatch(
        torch.randn(b, EMBED_DIM), torch.randn(b, 6, EMBED_DIM), torch.ones(b, 6, dtype=torch.bool)
    )


def _wake(module: torch.nn.Module) -> None:
    """Give the zero-initialised fusion units random weights, so that the text matters."""
    torch.manual_seed(1)
    for point in module.modules():
        if isinstance(point, FusionPoint):
            for p in point.parameters():
                torch.nn.init.normal_(p, std=0.1)


def _points(g: Generator) -> list[FusionPoint]:
    return [g.fuse_mid, *[level.fuse for level in g.decoder]]  # type: ignore[list-item]


@pytest.mark.parametrize("fusion", FUSIONS)
@pytest.mark.parametrize("dims", [2, 3])
def test_generator_shapes_for_every_fusion(fusion: str, dims: int) -> None:
    cfg = ModelConfig(fusion=fusion, spatial_dims=dims, channels=(8, 16), heads=2, noise_channels=1)  # type: ignore[arg-type]
    g = Generator(cfg)
    spatial = (16,) * dims
    out = g(torch.zeros(2, 2, *spatial), torch.randn(2, 1, *spatial), _text(2))
    assert out.shape == (2, 1, *spatial) and out.dtype == torch.float32
    no_text = g(torch.zeros(1, 2, *spatial), torch.randn(1, 1, *spatial), None)
    assert no_text.shape == (1, 1, *spatial)


def test_text_only_matters_with_fusion() -> None:
    torch.manual_seed(0)
    masks, noise = torch.zeros(2, 2, 16, 16), torch.randn(2, 1, 16, 16)
    a, b = _text(2), _text(2)
    g = Generator(ModelConfig(fusion="none", channels=(8, 16), heads=2, noise_channels=1))
    assert torch.equal(g(masks, noise, a), g(masks, noise, b))
    g = Generator(ModelConfig(fusion="concat", channels=(8, 16), heads=2, noise_channels=1))
    assert not torch.equal(g(masks, noise, a), g(masks, noise, b))


def test_cross_attention_only_at_the_two_coarsest_levels() -> None:
    assert [uses_cross_attention(level, 4) for level in range(4)] == [False, False, True, True]
    cfg = ModelConfig(channels=(8, 16, 16, 16), heads=2, fusion="affine+cross-attention")
    g = Generator(cfg)
    assert [p.cross is not None for p in _points(g)] == [True, True, False, False]
    assert all(p.affine is not None for p in _points(g))
    d = DiffusionDenoiser(cfg)
    up = [p.cross is not None for p in d.fuse_up]  # type: ignore[union-attr]
    assert d.fuse_mid.cross is not None and up == [True, True, False, False]


def test_text_enters_at_every_fusion_point_of_the_generator() -> None:
    torch.manual_seed(0)
    cfg = ModelConfig(channels=(8, 16, 16), heads=2, noise_channels=1, fusion="affine")
    g = Generator(cfg).eval()
    masks, noise, a, b = torch.zeros(1, 2, 16, 16), torch.randn(1, 1, 16, 16), _text(1), _text(1)
    with torch.no_grad():
        assert torch.equal(g(masks, noise, a), g(masks, noise, b))  # identity at initialisation
        _wake(g)
        base = g(masks, noise, a)
        assert not torch.equal(base, g(masks, noise, b))
        for point in _points(g):
            assert point.affine is not None
            saved = [p.clone() for p in point.parameters()]
            torch.nn.init.zeros_(point.affine.last.weight)
            torch.nn.init.zeros_(point.affine.last.bias)
            assert not torch.equal(g(masks, noise, a), base), "a fusion point had no effect"
            for p, old in zip(point.parameters(), saved, strict=True):
                p.copy_(old)


def test_diffusion_forward_is_the_unets_own_without_text() -> None:
    """Parity with MONAI: run block by block without text, the denoiser is the UNet itself."""
    torch.manual_seed(0)
    cfg = ModelConfig(channels=(8, 16), heads=2, fusion="affine+cross-attention")
    den = DiffusionDenoiser(cfg).eval()
    _wake(den)
    for p in den.unet.out.parameters():  # MONAI zero-initialises the output convolution
        torch.nn.init.normal_(p, std=0.1)
    x, masks, t = torch.randn(2, 1, 16, 16), torch.rand(2, 2, 16, 16), torch.tensor([3, 700])
    with torch.no_grad():
        ours = den(x, masks, t, None)
        monai = den.unet(torch.cat([x, masks], 1), t)
        with_text = den(x, masks, t, _text(2))
    assert ours.abs().sum() > 0
    torch.testing.assert_close(ours, monai, rtol=0, atol=0)
    assert not torch.allclose(with_text, ours)  # the text enters at the fusion points


def test_discriminator_and_diffusion_shapes() -> None:
    cfg = ModelConfig(
        channels=(8, 16), heads=2, image_size=32, fusion="affine+cross-attention", disc_scales=1
    )
    outs, feats = build_discriminator(cfg)(torch.randn(2, 3, 32, 32))
    assert len(outs) == cfg.disc_scales and outs[0].shape[:2] == (2, 1) and feats
    den = DiffusionDenoiser(cfg)
    eps = den(
        torch.randn(2, 1, 32, 32), torch.zeros(2, 2, 32, 32), torch.tensor([3, 500]), _text(2)
    )
    assert eps.shape == (2, 1, 32, 32)
    den3 = DiffusionDenoiser(
        ModelConfig(channels=(8, 16), heads=2, spatial_dims=3, fusion="affine")
    )
    vol = torch.randn(1, 1, 16, 16, 16)
    assert den3(vol, torch.zeros(1, 2, 16, 16, 16), torch.tensor([1]), _text(1)).shape == vol.shape


@pytest.mark.parametrize("preset", ["tiny", "2d-256", "3d-128"])
def test_every_preset_builds_its_networks(preset: str) -> None:
    mc = load_config(preset).model
    small = (2 ** len(mc.channels),) * mc.spatial_dims  # the smallest input every level can halve
    g = Generator(mc).eval()
    with torch.no_grad():
        out = g(torch.zeros(1, 2, *small), torch.zeros(1, mc.noise_channels, *small), _text(1))
    assert out.shape == (1, 1, *small) and torch.isfinite(out).all()
    disc = build_discriminator(mc)  # MONAI checks the input size against the layer count
    size = mc.patch_size or mc.image_size
    with torch.no_grad():  # the coarsest scale must keep more than one element for its norm
        outs, _ = disc.eval()(torch.zeros(1, 3, *(size,) * mc.spatial_dims))
    assert len(outs) == mc.disc_scales and all(o.numel() > 1 for o in outs)
    den = DiffusionDenoiser(mc)
    assert len(den.fuse_up) == len(den.unet.up_blocks) == len(mc.channels)


def _one_step_loss() -> tuple[float, float]:
    torch.manual_seed(0)
    cfg = load_config(
        "tiny",
        [
            "model.channels=8,16",
            "model.heads=2",
            "model.noise_channels=1",
            "model.fusion=affine+cross-attention",
        ],
    ).model
    g = Generator(cfg)
    opt = torch.optim.AdamW(g.parameters(), lr=1e-3)
    masks = (torch.rand(2, 2, 16, 16) > 0.5).float()
    target, noise, text = torch.rand(2, 1, 16, 16) * 2 - 1, torch.randn(2, 1, 16, 16), _text(2)
    loss = F.mse_loss(g(masks, noise, text), target)
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        return float(loss), float(F.mse_loss(g(masks, noise, text), target))


def test_seeded_one_step_regression() -> None:
    first, after = _one_step_loss()
    assert _one_step_loss() == (first, after)  # bitwise repeatable under a seed
    assert after < first  # one optimiser step reduces the loss
    assert first == pytest.approx(REFERENCE_FIRST_LOSS, rel=1e-4)


# Measured by _one_step_loss() with torch 2.13 on CPU; a change means the model or its init changed.
# (Unchanged by the decoder-level restructuring: the modules are created in the same order.)
REFERENCE_FIRST_LOSS = 0.4644712209701538
