"""End-to-end runs behind the CLI: quickstart, example reports beside their images, metrics.json."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from demos.common.checkpoint import atomic_write
from demos.common.runtime import num_threads, select_device
from demos.xray_report.config import XrayConfig
from demos.xray_report.data import LABELS, Cohort
from demos.xray_report.evaluate import Evaluation, evaluate
from demos.xray_report.train import Splits, load_splits, load_trained, train

#: Quickstart targets from the issue: (metric, comparison, reference, margin).
TARGETS = (
    "ce_f1_micro >= 0.8",
    "ce_f1_micro >= baseline_retrieval_ce_f1_micro + 0.1",
    "|shuffled_image_ce_f1_micro - baseline_majority_ce_f1_micro| <= 0.1",
)


def check_targets(m: dict[str, float]) -> dict[str, bool]:
    """Which quickstart targets the metrics meet."""
    return {
        TARGETS[0]: m["ce_f1_micro"] >= 0.8,
        TARGETS[1]: m["ce_f1_micro"] >= m["baseline_retrieval_ce_f1_micro"] + 0.1,
        TARGETS[2]: abs(m["shuffled_image_ce_f1_micro"] - m["baseline_majority_ce_f1_micro"])
        <= 0.1,
    }


def save_png(image: np.ndarray, path: Path) -> None:
    """Write a (1, S, S) or (S, S) image in [0, 1] as an 8-bit grayscale PNG."""
    from PIL import Image

    pixels = np.clip(np.asarray(image).squeeze() * 255.0 + 0.5, 0, 255).astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels, mode="L").save(path)


def write_examples(
    folder: Path, cohort: Cohort, reports: list[str], probs: np.ndarray, n: int
) -> list[Path]:
    """``NNN.png`` (the synthetic image) and ``NNN.txt`` (generated vs reference report)."""
    written = []
    for i in range(min(n, len(cohort))):
        png = folder / f"{i:03d}.png"
        save_png(cohort.images[i], png)
        known = [name for name, v in zip(LABELS, cohort.labels[i], strict=True) if v]
        head = [f"{name}={p:.2f}" for name, p in zip(LABELS, probs[i], strict=True)]
        text = (
            "SYNTHETIC study (research and education only, not for clinical use)\n"
            f"generated: {reports[i]}\nreference: {cohort.reports[i]}\n"
            f"known findings: {', '.join(known)}\nclassifier: {' '.join(head)}\n"
        )
        txt = png.with_suffix(".txt")
        txt.write_text(text)
        written += [png, txt]
    return written


def write_metrics(metrics: dict[str, float], path: Path) -> Path:
    """Atomically write the flat metrics dictionary as JSON."""
    text = json.dumps(metrics, indent=2, sort_keys=True) + "\n"
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text))


def evaluate_checkpoint(
    checkpoint: Path,
    out: Path,
    splits: Splits | None = None,
    n_examples: int = 8,
    device: str = "auto",
) -> Evaluation:
    """Evaluate a checkpoint on its config's test split; write metrics.json and examples."""
    trained = load_trained(checkpoint, select_device(device))
    cfg = trained.config
    splits = splits or load_splits(cfg)
    with num_threads(cfg.runtime.threads if next(trained.model.parameters()).is_cpu else None):
        ev = evaluate(trained, splits.train, splits.test, cfg.decode, cfg.data.seed)
    write_metrics(ev.metrics, out / "metrics.json")
    write_examples(out / "examples", splits.test, ev.reports, ev.probabilities, n_examples)
    return ev


def quickstart(cfg: XrayConfig, out: Path, echo: Callable[[str], None] = print) -> dict[str, float]:
    """Make the synthetic cohort, train, evaluate against the baselines, write everything."""
    t0 = time.perf_counter()
    splits = load_splits(cfg)
    echo(
        f"cohort: {len(splits.train)} train / {len(splits.val)} val / {len(splits.test)} test "
        f"synthetic studies at {cfg.data.image_size} px ({time.perf_counter() - t0:.0f} s)"
    )
    checkpoint = train(cfg, out, splits=splits, echo=echo).checkpoint
    t1 = time.perf_counter()
    echo(f"trained {cfg.train.steps} steps ({t1 - t0:.0f} s so far)")
    ev = evaluate_checkpoint(checkpoint, out, splits)
    metrics = dict(ev.metrics)
    metrics["train_seconds"] = t1 - t0
    metrics["total_seconds"] = time.perf_counter() - t0
    write_metrics(metrics, out / "metrics.json")
    return metrics


def summary_table(m: dict[str, float]) -> str:
    """A Markdown table: model vs baselines on the headline metrics."""
    cols = ["bleu1", "bleu4", "rouge_l", "cider", "ce_precision_micro", "ce_recall_micro"]
    cols += ["ce_f1_micro", "ce_f1_macro"]
    if "laterality_accuracy" in m:
        cols.append("laterality_accuracy")
    rows = [
        ("model (beam)", ""),
        ("model (greedy)", "greedy_"),
        ("baseline: majority report", "baseline_majority_"),
        ("baseline: nearest-image retrieval", "baseline_retrieval_"),
        ("model given a shuffled image", "shuffled_image_"),
    ]
    lines = ["| | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, prefix in rows:
        if f"{prefix}ce_f1_micro" in m:
            cells = " | ".join(f"{m[prefix + c]:.3f}" for c in cols)
            lines.append(f"| {name} | {cells} |")
    return "\n".join(lines)
