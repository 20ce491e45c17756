"""The scores against known truth, on stand-ins whose answers are known: an oracle that draws the
noise-free truth for each prompt, and a model that ignores the text."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from demos.ct_synthesis.data import Case
from demos.ct_synthesis.evaluate import (
    SCORE_KEYS,
    SmokerClassifier,
    _pearson,
    _ratio,
    evaluate,
    zonal_features,
)


def test_ratio_and_pearson() -> None:
    assert _ratio(1.0, 4.0) == 0.25 and math.isnan(_ratio(1.0, 0.0))
    a = np.array([1.0, 2.0, 3.0])
    assert _pearson(a, 2 * a + 1) == pytest.approx(1.0)
    assert _pearson(a, -a) == pytest.approx(-1.0) and _pearson(a, np.ones(3)) == 0.0


def test_zonal_features_average_each_band() -> None:
    img = np.zeros((1, 8, 4), np.float32)
    img[0, :4], img[0, 4:] = -900.0, -700.0
    lung = np.ones((1, 8, 4), np.uint8)
    np.testing.assert_allclose(zonal_features(img, lung, zones=2), [[-900.0, -700.0]])
    np.testing.assert_allclose(zonal_features(img, np.zeros_like(lung), zones=2), [[0.0, 0.0]])


def test_smoker_classifier_separates_separable_features() -> None:
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-1, 0.2, (20, 3)), rng.normal(1, 0.2, (20, 3))]).astype(
        np.float32
    )
    y = np.array([False] * 20 + [True] * 20)
    assert (SmokerClassifier().fit(x, y).predict(x) == y).all()


def test_an_oracle_scores_perfect_counterfactuals(
    cohort_pair: tuple[list[Case], list[Case]], oracle: Any
) -> None:
    train, test = cohort_pair
    m = evaluate(oracle(test), test, train)
    assert set(SCORE_KEYS) <= set(m) and m["n_test"] == len(test)
    assert m["cf_sign_accuracy"] == 1.0
    assert m["cf_relative_error"] == pytest.approx(0.0, abs=1e-6)
    assert m["cf_map_correlation"] == pytest.approx(1.0, abs=1e-6)
    assert m["cf_null_ratio"] == 0.0 and m["cf_leakage_ratio"] == 0.0  # sex has no effect
    assert m["cf_true_change_hu"] < 0
    assert m["cf_mean_change_hu"] == pytest.approx(m["cf_true_change_hu"], rel=1e-6)
    assert 0.0 <= m["attribute_accuracy"] <= 1.0 and m["ssim"] > 0.9


def test_a_text_blind_model_scores_no_counterfactual(
    cohort_pair: tuple[list[Case], list[Case]], oracle: Any
) -> None:
    train, test = cohort_pair
    m = evaluate(oracle(test, blind=True), test, train)
    assert (m["cf_sign_accuracy"], m["cf_relative_error"], m["cf_map_correlation"]) == (
        0.0,
        1.0,
        0.0,
    )
    assert math.isnan(m["cf_null_ratio"]) and math.isnan(m["cf_leakage_ratio"])
    assert m["cf_mean_change_hu"] == 0.0
