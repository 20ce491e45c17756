from __future__ import annotations

import math

import pytest
import torch

from demos.ct_synthesis.data import Attributes
from demos.ct_synthesis.text import EMPTY_PROMPT, Standardizer, TextConditioner, build_prompt


def test_prompt_builder_drops_missing_values() -> None:
    row = {
        "age": 68,
        "sex": None,
        "smoker": "yes",
        "pack_years": math.nan,
        "diagnosis": " ",
        "status_1y": "alive",
    }
    assert build_prompt(row) == "Lung CT scan. Age: 68. Smoker: yes. 1-year status: alive."
    assert build_prompt(Attributes()) == EMPTY_PROMPT
    assert build_prompt(Attributes(pack_years=30.0)) == "Lung CT scan. Pack-years: 30."
    custom = build_prompt({"Rauchen": "ja"}, templates={"Rauchen": "Raucher: {}."}, prefix="")
    assert custom == "Raucher: ja."


@pytest.fixture(scope="module")
def cond() -> TextConditioner:
    return TextConditioner()


def test_conditioner_standardises_pads_and_caches(cond: TextConditioner) -> None:
    prompts = [build_prompt({"age": a, "smoker": s}) for a in (30, 50, 70) for s in ("yes", "no")]
    cond.fit(prompts)
    tb = cond([*prompts, EMPTY_PROMPT])
    assert (
        tb.pooled.shape == (7, 384)
        and tb.tokens.shape[0] == 7
        and tb.mask.shape == tb.tokens.shape[:2]
    )
    assert torch.allclose(tb.pooled[:6].mean(0), torch.zeros(384), atol=1e-4)
    assert not tb.mask[6].all() and tb.mask[0].sum() > tb.mask[6].sum()
    assert torch.all(tb.tokens[6][~tb.mask[6]] == 0)
    state = cond.state_dict()
    assert set(state) == {
        "standardizer.mean",
        "standardizer.std",
    }  # the frozen encoder is not saved


def test_smoking_flip_is_small_raw_but_large_standardised(cond: TextConditioner) -> None:
    yes, no = build_prompt({"age": 68, "smoker": "yes"}), build_prompt({"age": 68, "smoker": "no"})
    _, raw = cond.raw([yes, no])
    raw_cos = float(torch.cosine_similarity(raw[0], raw[1], dim=0))
    std = cond([yes, no]).pooled
    std_cos = float(torch.cosine_similarity(std[0], std[1], dim=0))
    assert raw_cos > 0.9 and std_cos < raw_cos


def test_standardizer() -> None:
    s = Standardizer(4)
    v = torch.randn(50, 4) * 3 + 1
    s.fit(v)
    z = s(v)
    torch.testing.assert_close(z.mean(0), torch.zeros(4), atol=1e-5, rtol=0)
    torch.testing.assert_close(z.std(0), torch.ones(4), atol=1e-5, rtol=0)
    s.fit(torch.ones(3, 4))  # a constant feature: the std is floored, no division by zero
    assert torch.isfinite(s(torch.ones(1, 4))).all()
