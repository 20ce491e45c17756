from __future__ import annotations

import pytest
import torch

from demos.ct_synthesis.data import Case, make_cohort


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
