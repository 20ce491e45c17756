"""The speed benchmark at micro size: every cell runs in its own process and yields a row."""

import math

import pytest

from demos.xray_report.benchmark import markdown_table, run_speed_benchmark


@pytest.mark.slow
def test_micro_benchmark_rows_and_table() -> None:
    rows = run_speed_benchmark(
        repeats=1,
        preset="micro",
        device="cpu",
        modes=("train", "beam"),
        batches=(2,),
        echo=lambda _: None,
    )
    assert [(r["mode"], r["precision"]) for r in rows] == [
        ("train", "fp32"),
        ("train", "bf16"),
        ("beam", "fp32"),
        ("beam", "bf16"),
    ]
    for r in rows:
        assert r["ms_per_batch"] > 0 and r["peak_mib"] > 0
        assert r["ms_per_report"] == pytest.approx(r["ms_per_batch"] / 2)
    assert rows[0]["vs_fp32"] == 1.0
    assert math.isnan(rows[0]["mean_tokens"]) and rows[2]["mean_tokens"] >= 0
    table = markdown_table(rows)
    assert table.count("\n| beam |") == 2 and "cpu (1 thread(s))" in table
