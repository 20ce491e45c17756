"""The steps the CLI runs, as plain functions: make data, train, counterfactuals, quickstart, figure."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from demos.common.runtime import num_threads

from .cohort_files import load_cohort, save_cohort
from .config import CTConfig, load_config
from .counterfactual import CounterfactualError, set_attribute, true_difference
from .data import Case, make_cohort
from .dataset import masks_of
from .evaluate import evaluate
from .figures import counterfactual_gif, counterfactual_png
from .sample import Synthesizer
from .text import build_prompt
from .train import train


def cohort_shape(cfg: CTConfig) -> tuple[int, ...]:
    return (cfg.data.image_size,) * cfg.model.spatial_dims


def make_data(cfg: CTConfig, out: str | Path) -> tuple[list[Case], list[Case]]:
    """Synthetic train and held-out cohorts (different seeds), saved to ``out/train`` and ``out/test``."""
    d = cfg.data
    tr = make_cohort(d.n_train, cohort_shape(cfg), d.seed, d.p_missing, prefix="train")
    te = make_cohort(d.n_test, cohort_shape(cfg), d.seed + 10_000, d.p_missing, prefix="test")
    save_cohort(tr, Path(out) / "train")
    save_cohort(te, Path(out) / "test")
    return tr, te


def load_data(folder: str | Path) -> tuple[list[Case], list[Case]]:
    """The cohorts written by :func:`make_data`."""
    return load_cohort(Path(folder) / "train"), load_cohort(Path(folder) / "test")


def _view(a: np.ndarray) -> np.ndarray:
    """A 2D view of a case array: itself (2D) or the coronal slice through the middle (3D)."""
    return a if a.ndim == 2 else a[:, a.shape[1] // 2]


@dataclass
class CounterfactualResult:
    png: Path
    gif: Path
    default_prompt: str
    counterfactual_prompt: str
    mean_lung_change_hu: float
    true_mean_lung_change_hu: float


def run_counterfactual(
    synth: Synthesizer,
    cases: list[Case],
    attribute: str,
    to: str,
    out: str | Path,
    case_index: int = 0,
    seed: int = 0,
    base: str | None = None,
) -> CounterfactualResult:
    """Default (recorded row, or ``base``) vs counterfactual (``attribute`` = ``to``), same noise.

    Writes ``<attribute>_<to>.png`` (case ``case_index``) and ``.gif`` (3D: through its slices;
    2D: through up to 12 cases) into ``out``.
    """
    if not 0 <= case_index < len(cases):
        raise CounterfactualError(f"case index {case_index} out of range (0..{len(cases) - 1})")
    out = Path(out)
    picked = cases[case_index:] + cases[:case_index]
    picked = picked[: 1 if picked[0].image_hu.ndim == 3 else 12]
    rows0 = [c.table if base is None else set_attribute(c.table, attribute, base) for c in picked]
    rows1 = [set_attribute(c.table, attribute, to) for c in picked]
    masks = masks_of(picked)
    seeds = [seed + i for i in range(len(picked))]
    p0, p1 = [build_prompt(r) for r in rows0], [build_prompt(r) for r in rows1]
    g0, g1 = synth.generate(masks, p0, seeds), synth.generate(masks, p1, seeds)
    truth = true_difference(picked[0], attribute, to, base)
    lung = picked[0].lung > 0
    stem = f"{attribute}_{to}"
    png = counterfactual_png(
        out / f"{stem}.png",
        _view_masks(masks[0].numpy()),
        _view(g0[0]),
        _view(g1[0]),
        (_short(p0[0]), _short(p1[0])),
        true_diff=_view(truth),
    )
    gif = counterfactual_gif(
        out / f"{stem}.gif", g0[0] if g0[0].ndim == 3 else g0, g1[0] if g1[0].ndim == 3 else g1
    )
    return CounterfactualResult(
        png=png,
        gif=gif,
        default_prompt=p0[0],
        counterfactual_prompt=p1[0],
        mean_lung_change_hu=float((g1[0] - g0[0])[lung].mean()),
        true_mean_lung_change_hu=float(truth[lung].mean()),
    )


def _view_masks(m: np.ndarray) -> np.ndarray:
    return m if m.ndim == 3 else m[:, :, m.shape[2] // 2]


def _short(prompt: str) -> str:
    """Prompt without the fixed prefix, wrapped for a panel title."""
    words = prompt.replace("Lung CT scan. ", "").split(". ")
    return "\n".join(". ".join(words[i : i + 2]) for i in range(0, len(words), 2))


def quickstart(
    out: str | Path, overrides: list[str] | tuple[str, ...] = (), preset: str = "tiny"
) -> dict[str, Any]:
    """Cohort -> train -> evaluate -> figures -> ``out/metrics.json``; returns the metrics."""
    t0 = time.perf_counter()
    out = Path(out)
    cfg = load_config(preset, overrides)
    tr, te = make_data(cfg, out / "data")
    result = train(cfg, tr, out)
    synth = Synthesizer.load(out)
    with num_threads(cfg.runtime.threads):
        metrics = evaluate(synth, te, tr)
        cf = run_counterfactual(synth, te, "smoker", "yes", out / "figures", base="no")
        run_counterfactual(synth, te, "sex", "female", out / "figures", base="male")
    metrics |= {
        "preset": preset,
        "model": cfg.model.kind,
        "fusion": cfg.model.fusion,
        "train_steps": result.steps,
        "train_seconds": round(result.seconds, 1),
        "train_images_per_second": round(result.images_per_second, 2),
        "figure": str(cf.png.relative_to(out)),
        "synthetic_data": True,
        "total_seconds": round(time.perf_counter() - t0, 1),
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return metrics


def make_figure(
    out: str | Path, seed: int = 0, steps: int = 250, workdir: str | Path | None = None
) -> Path:
    """The catalog card figure, reproducible from ``seed``: a small tiny-preset model trained for
    ``steps`` steps, then smoker no -> yes on the first held-out case."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(workdir or tmp)
        cfg = load_config(
            "tiny",
            [
                f"train.steps={steps}",
                f"runtime.seed={seed}",
                f"data.seed={seed}",
                "data.n_train=256",
                "data.n_test=4",
            ],
        )
        d = cfg.data
        tr = make_cohort(d.n_train, cohort_shape(cfg), d.seed, d.p_missing, prefix="train")
        te = make_cohort(d.n_test, cohort_shape(cfg), d.seed + 10_000, d.p_missing, prefix="test")
        train(cfg, tr, work)
        synth = Synthesizer.load(work)
        res = run_counterfactual(synth, te, "smoker", "yes", work / "fig", base="no", seed=seed)
        target = Path(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(res.png.read_bytes())
    return target
