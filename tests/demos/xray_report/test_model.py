"""Block shapes, the causal mask, prompts, and configuration errors of the report generator."""

import dataclasses

import pytest
import torch

from demos.xray_report.config import XrayConfig
from demos.xray_report.data import LABELS
from demos.xray_report.model import CNNEncoder, FindingPrompts, ReportGenerator, ViTEncoder


def test_cnn_encoder_tokens(micro_cfg: XrayConfig) -> None:
    enc = CNNEncoder(micro_cfg.model, 32)
    out = enc(torch.rand(3, 1, 32, 32))
    # two stride-2 stages (stem + one residual unit): 32 -> 8, so 64 tokens
    assert out.shape == (3, 64, micro_cfg.model.dim)


def test_vit_encoder_tokens(micro_cfg: XrayConfig) -> None:
    cfg = dataclasses.replace(micro_cfg.model, encoder="vit", patch=8, encoder_layers=1)
    out = ViTEncoder(cfg, 32)(torch.rand(2, 1, 32, 32))
    assert out.shape == (2, 16, cfg.dim)


def test_prompts_shapes_and_no_gradient_into_head() -> None:
    prompts = FindingPrompts(16, len(LABELS))
    tokens = torch.rand(4, 9, 16, requires_grad=True)
    logits, p = prompts(tokens)
    assert logits.shape == (4, len(LABELS))
    assert p is not None
    assert p.shape == (4, len(LABELS), 16)
    p.sum().backward()
    assert tokens.grad is None or torch.count_nonzero(tokens.grad) == 0


def test_generator_shapes(micro_model: ReportGenerator, micro_cfg: XrayConfig) -> None:
    images = torch.rand(2, 1, 32, 32)
    ids = torch.randint(0, 30, (2, 11))
    memory, finding_logits = micro_model.encode(images)
    assert memory.shape == (2, 64 + len(LABELS), micro_cfg.model.dim)
    assert finding_logits.shape == (2, len(LABELS))
    logits, finding_logits2 = micro_model(images, ids)
    assert logits.shape == (2, 11, 30)
    torch.testing.assert_close(finding_logits, finding_logits2)


def test_without_prompts_memory_is_image_tokens(micro_cfg: XrayConfig) -> None:
    cfg = dataclasses.replace(micro_cfg.model, prompt=False)
    model = ReportGenerator(cfg, 30, len(LABELS), 32, 48).eval()
    memory, _ = model.encode(torch.rand(1, 1, 32, 32))
    assert memory.shape == (1, 64, cfg.dim)
    assert not hasattr(model.prompts, "label")


def test_decoder_cannot_see_future_tokens(micro_model: ReportGenerator) -> None:
    """Changing token t changes no logit before t, and does change logits from t on."""
    images = torch.rand(2, 1, 32, 32)
    ids = torch.randint(4, 30, (2, 12))
    changed = ids.clone()
    changed[:, 7] = (ids[:, 7] + 1 - 4) % 26 + 4
    with torch.no_grad():
        a, _ = micro_model(images, ids)
        b, _ = micro_model(images, changed)
    torch.testing.assert_close(a[:, :7], b[:, :7])
    assert not torch.allclose(a[:, 7:], b[:, 7:])


def test_cached_decoding_matches_full_decoding(micro_model: ReportGenerator) -> None:
    memory, _ = micro_model.encode(torch.rand(3, 1, 32, 32))
    ids = torch.randint(4, 30, (3, 15))
    with torch.no_grad():
        full = micro_model.decode(memory, ids)  # (3, 15, V)
        cache = None
        for t in range(1, 16):
            step, cache = micro_model.decode_next(memory, ids[:, :t], cache)
            torch.testing.assert_close(step, full[:, t - 1], rtol=1e-5, atol=1e-5)
    assert cache is not None and [c.shape for c in cache] == [(3, 15, 32)]


def test_gradient_flows_only_from_the_past(micro_model: ReportGenerator) -> None:
    micro_model.train()
    memory, _ = micro_model.encode(torch.rand(1, 1, 32, 32))
    x = micro_model.tok(torch.randint(4, 30, (1, 10))).detach().requires_grad_(True)
    h = x
    for block in micro_model.blocks:
        h = block(h, context=memory)
    h[0, 4].sum().backward()
    assert x.grad is not None
    assert torch.count_nonzero(x.grad[0, 5:]) == 0
    assert torch.count_nonzero(x.grad[0, :5]) > 0


def test_image_changes_the_logits(micro_model: ReportGenerator) -> None:
    ids = torch.randint(4, 30, (1, 6))
    with torch.no_grad():
        a, _ = micro_model(torch.zeros(1, 1, 32, 32), ids)
        b, _ = micro_model(torch.ones(1, 1, 32, 32), ids)
    assert not torch.allclose(a, b)


def test_too_long_sequence_and_bad_shapes_are_errors(micro_cfg: XrayConfig) -> None:
    model = ReportGenerator(micro_cfg.model, 30, len(LABELS), 32, 8)
    memory, _ = model.encode(torch.rand(1, 1, 32, 32))
    with pytest.raises(ValueError, match="exceeds max_len 8"):
        model.decode(memory, torch.zeros(1, 9, dtype=torch.long))
    with pytest.raises(ValueError, match=r"divisible by model\.heads"):
        ReportGenerator(dataclasses.replace(micro_cfg.model, dim=30, heads=4), 30, 7, 32, 8)
    with pytest.raises(ValueError, match="image_size"):
        ReportGenerator(micro_cfg.model, 30, 7, 34, 8)
