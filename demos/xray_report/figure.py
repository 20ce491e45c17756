"""The catalog figure: a few synthetic radiographs with generated and reference reports."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from demos.xray_report.config import XrayConfig
from demos.xray_report.data import make_cohort
from demos.xray_report.labeler import label_vector
from demos.xray_report.sample import generate
from demos.xray_report.train import Trained, load_splits, load_trained, train


def figure_config(cfg: XrayConfig, seed: int, steps: int) -> XrayConfig:
    """The tiny preset shortened to ``steps`` and seeded with ``seed`` (a figure in ~1-2 min)."""
    cfg.data.seed = seed
    cfg.runtime.seed = seed
    cfg.train.steps = steps
    cfg.train.warmup = min(cfg.train.warmup, max(1, steps // 10))
    cfg.runtime.ckpt_every = steps
    cfg.runtime.progress = False
    cfg.runtime.log_every = max(1, steps)
    cfg.data.n_test = 4
    return cfg


def render_figure(
    trained: Trained, images: np.ndarray, refs: list[str], known: np.ndarray, out: Path
) -> Path:
    """Draw images with generated (green when its findings match the known ones) and reference
    reports; write a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = trained.config.decode
    reports, _ = generate(
        trained.model,
        trained.tokenizer,
        images,
        beam_size=d.beam_size,
        max_len=d.max_len,
        block_trigrams=d.block_trigrams,
        length_penalty=d.length_penalty,
    )
    n = len(images)
    fig, axes = plt.subplots(2, n, figsize=(3.1 * n, 6.4), gridspec_kw={"height_ratios": [1, 1.05]})
    for i in range(n):
        ax = axes[0, i]
        ax.imshow(images[i].squeeze(), cmap="gray", vmin=0, vmax=1)
        ax.set_title(f"synthetic study {i + 1}", fontsize=9)
        ax.axis("off")
        ok = label_vector(reports[i]) == [int(v) for v in known[i]]
        text = (
            "GENERATED:\n"
            + textwrap.fill(reports[i], 38)
            + "\n\nREFERENCE:\n"
            + textwrap.fill(refs[i], 38)
        )
        tx = axes[1, i]
        tx.axis("off")
        tx.text(
            0,
            1,
            text,
            va="top",
            ha="left",
            fontsize=6.6,
            family="monospace",
            color="#1b5e20" if ok else "#b71c1c",
            transform=tx.transAxes,
        )
    fig.suptitle(
        "SYNTHETIC procedural chest radiographs (not patient data): generated vs reference "
        "report\nresearch and education only, not for clinical use; green = findings match",
        fontsize=9,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=72, pil_kwargs={"optimize": True})
    plt.close(fig)
    return out


def make_figure(cfg: XrayConfig, out: Path, work: Path, checkpoint: Path | None = None) -> Path:
    """Train ``cfg`` (unless ``checkpoint`` is given), then draw four fresh synthetic test studies."""
    if checkpoint is None:
        checkpoint = train(cfg, work, splits=load_splits(cfg), echo=lambda _: None).checkpoint
    trained = load_trained(checkpoint)
    d = trained.config.data
    test = make_cohort(4, d.image_size, cfg.data.seed + 2, d.prevalence)
    return render_figure(trained, test.images, test.reports, test.labels, out)
