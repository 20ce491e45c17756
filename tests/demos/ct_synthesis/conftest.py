from __future__ import annotations

import numpy as np
import pytest
import torch

from demos.ct_synthesis.data import Attributes, Case, make_cohort


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def cases_2d() -> list[Case]:
    return make_cohort(12, (32, 32), seed=5)


MICRO = [
    "data.n_train=16",
    "data.n_test=4",
    "data.image_size=32",
    "model.channels=8,16",
    "model.heads=2",
    "model.disc_scales=1",
    "model.ddim_steps=2",
    "train.steps=3",
    "train.batch_size=4",
    "runtime.progress=false",
    "runtime.log_every=1",
]


@pytest.fixture(scope="session")
def micro() -> list[str]:
    """Config overrides for micro-sized runs (seconds, not minutes)."""
    return list(MICRO)


class OracleSynthesizer:
    """Stands in for a trained model: returns each case's noise-free image for the attributes a
    prompt states (the known truth), or ignores the prompt (``blind``). Identifies the case by
    its masks."""

    def __init__(self, cases: list[Case], blind: bool = False) -> None:
        from demos.ct_synthesis.config import load_config

        self.cfg = load_config("tiny")
        self.cases = {np.stack([c.lung, c.airway]).astype(np.float32).tobytes(): c for c in cases}
        self.blind = blind

    def generate(self, masks: torch.Tensor, prompts: list[str], seeds: list[int]) -> np.ndarray:
        from demos.ct_synthesis.data import expected_image, render_fields

        out = []
        for m, prompt in zip(masks, prompts, strict=True):
            case = self.cases[m.numpy().astype(np.float32).tobytes()]
            attrs = case.table if self.blind else parse_prompt(prompt)
            f = render_fields(case.anatomy, case.lung.shape)
            d = self.cfg.data
            out.append(np.clip(expected_image(f, attrs), d.hu_min, d.hu_max))
        return np.stack(out).astype(np.float32)


def parse_prompt(prompt: str) -> Attributes:
    """The inverse of ``text.build_prompt`` for the default templates."""
    fields: dict[str, object] = {}
    for sentence in prompt.removesuffix(".").split(". ")[1:]:
        key, value = sentence.split(": ")
        name = {"Age": "age", "Sex": "sex", "Smoker": "smoker", "Pack-years": "pack_years"}.get(
            key, {"Diagnosis": "diagnosis", "1-year status": "status_1y"}.get(key)
        )
        fields[str(name)] = (
            int(value) if key == "Age" else float(value) if key == "Pack-years" else value
        )
    return Attributes(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def cohort_pair() -> tuple[list[Case], list[Case]]:
    """A small synthetic train and held-out pair."""
    return make_cohort(24, (32, 32), seed=11), make_cohort(6, (32, 32), seed=12, prefix="test")


@pytest.fixture(scope="session")
def oracle() -> type[OracleSynthesizer]:
    """The class of the known-truth stand-in for a trained model."""
    return OracleSynthesizer
