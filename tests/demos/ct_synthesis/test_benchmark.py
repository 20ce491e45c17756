from __future__ import annotations

import math

from demos.ct_synthesis.benchmark import ABLATION_KEYS, ablation_table, speed_row, speed_table


def test_speed_row_measures_finite_numbers() -> None:
    row = speed_row("tiny", "gan", bf16=False, steps=1, device_str="cpu")
    assert row["input"] == "64x64" and row["batch"] == 16 and row["device"].startswith("CPU")
    for key in ("train_images_per_s", "sample_s_per_image", "peak_mem_mib"):
        assert math.isfinite(row[key]) and row[key] > 0


def test_tables_compare_against_fp32_of_the_same_run() -> None:
    rows = [
        {"preset": "tiny", "kind": "gan", "precision": p, "input": "64x64", "batch": 16, "train_images_per_s": v,
         "sample_s_per_image": 0.1, "peak_mem_mib": 100.0, "device": "CPU"}
        for p, v in (("fp32", 10.0), ("bf16", 5.0))
    ]  # fmt: skip
    table = speed_table(rows)
    assert "| 1.00x |" in table and "| 0.50x |" in table
    abl = ablation_table([{"fusion": "none", **dict.fromkeys(ABLATION_KEYS, 0.5)}])
    assert abl.count("0.500") == len(ABLATION_KEYS)
