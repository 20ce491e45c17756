from __future__ import annotations

import pytest
import torch

from demos.ct_synthesis.fusion import (
    AffineFusion,
    ConcatFusion,
    CrossAttentionFusion,
    FusionPoint,
    TextBatch,
)


def _text(b: int = 2, length: int = 5) -> TextBatch:
    mask = torch.ones(b, length, dtype=torch.bool)
    mask[0, 3:] = False
    return TextBatch(torch.randn(b, 384), torch.randn(b, length, 384), mask)


@pytest.mark.parametrize("spatial", [(8, 8), (4, 4, 4)])
def test_affine_unit_is_identity_at_init_and_learns(spatial: tuple[int, ...]) -> None:
    unit = AffineFusion(384, 8)
    h = torch.randn(2, 8, *spatial)
    t = _text()
    assert torch.equal(unit(h, t.pooled), h)
    torch.nn.init.normal_(unit.last.weight)
    out = unit(h, t.pooled)
    assert out.shape == h.shape and out.dtype == h.dtype and not torch.equal(out, h)


@pytest.mark.parametrize("spatial", [(8, 8), (4, 4, 4)])
def test_cross_attention_shapes_identity_and_padding_mask(spatial: tuple[int, ...]) -> None:
    block = CrossAttentionFusion(8, 384, heads=2)
    h, t = torch.randn(2, 8, *spatial), _text()
    assert torch.equal(block(h, t.tokens, t.mask), h)  # zero-initialised output projection
    torch.nn.init.normal_(block.out.weight)
    out = block(h, t.tokens, t.mask)
    assert out.shape == h.shape and not torch.equal(out, h)
    changed = t.tokens.clone()
    changed[0, 3:] = 100.0  # padded positions of item 0
    torch.testing.assert_close(block(h, changed, t.mask)[0], out[0])
    with pytest.raises(ValueError, match="divisible"):
        CrossAttentionFusion(6, 384, heads=4)


def test_concat_and_fusion_point() -> None:
    x, t = torch.randn(2, 3, 8, 8), _text()
    assert ConcatFusion(384, 4)(x, t.pooled).shape == (2, 7, 8, 8)
    both = FusionPoint("affine+cross-attention", 8, 384, 2)
    assert both.affine is not None and both.cross is not None
    none = FusionPoint("none", 8, 384, 2)
    h = torch.randn(2, 8, 4, 4)
    assert none(h, t) is h and both(h, None) is h
    assert FusionPoint("affine+cross-attention", 8, 384, 2, cross=False).cross is None
