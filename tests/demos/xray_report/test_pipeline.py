"""The pieces behind the CLI: targets, PNGs, example files, metrics.json, the summary table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from demos.xray_report.data import LABELS, make_cohort
from demos.xray_report.pipeline import (
    TARGETS,
    check_targets,
    save_png,
    summary_table,
    write_examples,
    write_metrics,
)


def test_targets_are_checked_as_written() -> None:
    good = {
        "ce_f1_micro": 0.85,
        "baseline_retrieval_ce_f1_micro": 0.7,
        "shuffled_image_ce_f1_micro": 0.45,
        "baseline_majority_ce_f1_micro": 0.4,
    }
    assert check_targets(good) == dict.fromkeys(TARGETS, True)
    bad = good | {"ce_f1_micro": 0.79, "shuffled_image_ce_f1_micro": 0.7}
    assert list(check_targets(bad).values()) == [False, False, False]


def test_png_round_trip(tmp_path: Path) -> None:
    image = np.linspace(0, 1, 16 * 16, dtype=np.float32).reshape(1, 16, 16)
    save_png(image, tmp_path / "sub" / "a.png")
    with Image.open(tmp_path / "sub" / "a.png") as im:
        pixels = np.asarray(im)
    assert im.mode == "L" and pixels.shape == (16, 16)
    np.testing.assert_allclose(pixels / 255.0, image[0], atol=1 / 255)


def test_examples_name_the_synthetic_study_and_both_reports(tmp_path: Path) -> None:
    cohort = make_cohort(3, 32, seed=0)
    probs = np.full((3, len(LABELS)), 0.25)
    written = write_examples(tmp_path, cohort, ["generated one", "two", "three"], probs, n=2)
    assert [p.name for p in written] == ["000.png", "000.txt", "001.png", "001.txt"]
    text = (tmp_path / "000.txt").read_text()
    assert text.startswith("SYNTHETIC study (research and education only, not for clinical use)")
    assert "generated: generated one" in text and f"reference: {cohort.reports[0]}" in text
    assert "cardiomegaly=0.25" in text


def test_metrics_json_is_sorted_and_replaced_atomically(tmp_path: Path) -> None:
    path = write_metrics({"b": 1.0, "a": 0.5}, tmp_path / "metrics.json")
    assert path.read_text().index('"a"') < path.read_text().index('"b"')
    write_metrics({"c": 2.0}, path)
    assert json.loads(path.read_text()) == {"c": 2.0} and len(list(tmp_path.iterdir())) == 1


def test_summary_table_rows_follow_the_metrics_present() -> None:
    cols = ["bleu1", "bleu4", "rouge_l", "cider", "ce_precision_micro", "ce_recall_micro"]
    cols += ["ce_f1_micro", "ce_f1_macro"]
    m = {c: 0.5 for c in cols} | {f"greedy_{c}": 0.25 for c in cols}
    table = summary_table(m).splitlines()
    assert len(table) == 4 and table[2].startswith("| model (beam) | 0.500")
    assert table[3].startswith("| model (greedy) | 0.250") and "laterality" not in table[0]
