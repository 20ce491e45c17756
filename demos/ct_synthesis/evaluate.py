"""Scoring against the known truth of the synthetic cohort (flat keys, written to metrics.json).

Counterfactuals use held-out masks and shared noise: for each test case the recorded row is kept and
only ``smoker`` (or ``sex``, the negative control) is changed.

- ``cf_sign_accuracy``: share of cases whose mean lung change (smoker yes minus no) has the sign
  of the true change;
- ``cf_relative_error``: ``|mean measured - mean true| / |mean true|`` of that lung change, over cases;
- ``cf_map_correlation``: Pearson r of generated and true difference maps inside the lungs, per case,
  averaged;
- ``cf_null_ratio``: mean |change| in the lungs when sex flips over the same for smoking;
- ``cf_leakage_ratio``: mean |smoking change| in the body outside the lungs over inside them;
- ``ssim``, ``psnr`` (MONAI metrics on the window scaled to [0, 1]) and ``mae_hu`` (inside the
  body) of the generated image for the recorded prompt against the noise-free expected image;
- ``attribute_accuracy``: a smoker classifier (logistic regression on zonal lung densities) trained
  on the synthetic training images, applied to images generated for the test rows' smoking status
  (``attribute_accuracy_real``: the same classifier on the real test images, for reference).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import torch
from monai.metrics import PSNRMetric, SSIMMetric

from .config import DataConfig
from .counterfactual import set_attribute, true_difference
from .data import Case
from .dataset import masks_of
from .sample import Synthesizer
from .text import build_prompt

SCORE_KEYS = (
    "cf_sign_accuracy",
    "cf_relative_error",
    "cf_map_correlation",
    "cf_null_ratio",
    "cf_leakage_ratio",
    "ssim",
    "psnr",
    "mae_hu",
    "attribute_accuracy",
)
"""The scores `evaluate` reports for every run (counterfactual and image quality)."""


def _ratio(num: float, den: float) -> float:
    """``num / den``; NaN when the denominator is 0 (e.g. the ``none`` fusion ignores the text)."""
    return float(num / den) if den > 0 else float("nan")


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    den = math.sqrt(float((a * a).sum()) * float((b * b).sum()))
    return float((a * b).sum() / den) if den > 0 else 0.0


def zonal_features(images_hu: np.ndarray, lungs: np.ndarray, zones: int = 4) -> np.ndarray:
    """Mean lung HU in ``zones`` cranio-caudal bands (first spatial axis) -> (N, zones)."""
    feats = np.zeros((len(images_hu), zones), np.float32)
    for i, (img, lung) in enumerate(zip(images_hu, lungs, strict=True)):
        rows = np.nonzero(lung.reshape(lung.shape[0], -1).any(1))[0]
        edges = (
            np.linspace(rows.min(), rows.max() + 1, zones + 1).astype(int) if len(rows) else None
        )
        for z in range(zones):
            if edges is None:
                continue
            band = np.zeros_like(lung, dtype=bool)
            band[edges[z] : edges[z + 1]] = True
            sel = band & (lung > 0)
            feats[i, z] = img[sel].mean() if sel.any() else 0.0
    return feats


class SmokerClassifier:
    """Logistic regression on standardised zonal lung densities (torch LBFGS)."""

    def fit(self, feats: np.ndarray, labels: np.ndarray) -> SmokerClassifier:
        x = torch.from_numpy(feats).double()
        self.mu, self.sd = x.mean(0), x.std(0).clamp_min(1e-6)
        x = (x - self.mu) / self.sd
        y = torch.from_numpy(labels.astype(np.float64))
        self.w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
        self.b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.LBFGS([self.w, self.b], max_iter=200)

        def closure() -> torch.Tensor:
            opt.zero_grad()
            logits = x @ self.w + self.b
            loss = (
                torch.nn.functional.binary_cross_entropy_with_logits(logits, y)
                + 1e-3 * (self.w**2).sum()
            )
            loss.backward()
            return loss

        opt.step(closure)
        return self

    def predict(self, feats: np.ndarray) -> np.ndarray:
        x = (torch.from_numpy(feats).double() - self.mu) / self.sd
        with torch.no_grad():
            return ((x @ self.w + self.b) > 0).numpy()


Generate = Callable[[list[Any]], np.ndarray]


def counterfactual_scores(gen: Generate, test: list[Case]) -> dict[str, float]:
    """The ``cf_*`` scores: smoker yes vs no (and sex female vs male) on the recorded rows."""
    lung = np.stack([c.lung > 0 for c in test])
    outside = np.stack([(c.body > 0) & (c.lung == 0) & (c.airway == 0) for c in test])
    yes = gen([set_attribute(c.table, "smoker", "yes") for c in test])
    no = gen([set_attribute(c.table, "smoker", "no") for c in test])
    d_gen = yes - no
    d_true = np.stack([true_difference(c, "smoker", "yes", base="no") for c in test])
    male = gen([set_attribute(c.table, "sex", "male") for c in test])
    female = gen([set_attribute(c.table, "sex", "female") for c in test])
    d_sex = female - male
    n = range(len(test))
    measured = np.array([d_gen[i][lung[i]].mean() for i in n])
    truth = np.array([d_true[i][lung[i]].mean() for i in n])
    smoke_in = np.array([np.abs(d_gen[i][lung[i]]).mean() for i in n])
    return {
        "cf_sign_accuracy": float(np.mean(np.sign(measured) == np.sign(truth))),
        "cf_relative_error": _ratio(abs(measured.mean() - truth.mean()), abs(truth.mean())),
        "cf_map_correlation": float(
            np.mean([_pearson(d_gen[i][lung[i]], d_true[i][lung[i]]) for i in n])
        ),
        "cf_null_ratio": _ratio(
            float(np.mean([np.abs(d_sex[i][lung[i]]).mean() for i in n])), float(smoke_in.mean())
        ),
        "cf_leakage_ratio": _ratio(
            float(np.mean([np.abs(d_gen[i][outside[i]]).mean() for i in n])),
            float(smoke_in.mean()),
        ),
        "cf_mean_change_hu": float(measured.mean()),
        "cf_true_change_hu": float(truth.mean()),
    }


def image_scores(gen: Generate, test: list[Case], cfg: DataConfig) -> dict[str, float]:
    """SSIM, PSNR and MAE (HU, inside the body) of the image for the recorded row against the
    noise-free expected image."""
    own = gen([c.table for c in test])
    lo, span = cfg.hu_min, cfg.hu_max - cfg.hu_min
    expected = np.stack([np.clip(c.expected_hu, cfg.hu_min, cfg.hu_max) for c in test])
    pred01 = torch.from_numpy((own - lo) / span)[:, None]
    ref01 = torch.from_numpy((expected - lo) / span)[:, None]
    dims = pred01.ndim - 2
    ssim = SSIMMetric(spatial_dims=dims, data_range=1.0, win_size=7)(pred01, ref01)
    psnr = PSNRMetric(max_val=1.0)(pred01, ref01)
    body = np.stack([c.body > 0 for c in test])
    assert isinstance(ssim, torch.Tensor) and isinstance(psnr, torch.Tensor)
    return {
        "ssim": float(ssim.mean()),
        "psnr": float(psnr.mean()),
        "mae_hu": float(np.abs(own - expected)[body].mean()),
    }


def attribute_scores(gen: Generate, test: list[Case], train: list[Case]) -> dict[str, float]:
    """The smoker classifier, trained on the training images, on images generated for the test
    rows' true smoking status (and, for reference, on the real test images)."""
    labelled = [c for c in train if c.attributes.smoker is not None]
    clf = SmokerClassifier().fit(
        zonal_features(
            np.stack([c.image_hu for c in labelled]), np.stack([c.lung for c in labelled])
        ),
        np.array([c.attributes.smoker == "yes" for c in labelled]),
    )
    lung = np.stack([c.lung > 0 for c in test])
    truth = np.array([c.attributes.smoker == "yes" for c in test])
    rows = [  # the true smoking status, the rest of the row as recorded
        replace(c.table, smoker=c.attributes.smoker, pack_years=c.attributes.pack_years)
        for c in test
    ]
    real = np.stack([c.image_hu for c in test])
    return {
        "attribute_accuracy": float(np.mean(clf.predict(zonal_features(gen(rows), lung)) == truth)),
        "attribute_accuracy_real": float(np.mean(clf.predict(zonal_features(real, lung)) == truth)),
    }


def evaluate(
    synth: Synthesizer, test: list[Case], train: list[Case], seed: int = 1234
) -> dict[str, Any]:
    """All metrics of the module docstring for ``synth`` on held-out ``test`` cases."""
    masks = masks_of(test)
    seeds = [seed + i for i in range(len(test))]

    def gen(rows: list[Any]) -> np.ndarray:
        return synth.generate(masks, [build_prompt(r) for r in rows], seeds)

    metrics: dict[str, Any] = counterfactual_scores(gen, test)
    metrics |= image_scores(gen, test, synth.cfg.data)
    metrics |= attribute_scores(gen, test, train)
    metrics["n_test"] = len(test)
    return metrics
