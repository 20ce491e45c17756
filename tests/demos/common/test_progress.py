from __future__ import annotations

from pathlib import Path

from demos.common.progress import MetricsLog, progress, read_metrics_log


def test_progress_yields_all_items() -> None:
    assert list(progress(range(3), enabled=False)) == [0, 1, 2]
    assert list(progress(range(3), total=3, enabled=True)) == [0, 1, 2]


def test_metrics_log_appends_jsonl(tmp_path: Path) -> None:
    log = MetricsLog(tmp_path / "m" / "log.jsonl")
    log.log(1, loss=0.5)
    log.log(2, loss=0.25, phase="train")
    rows = read_metrics_log(tmp_path / "m" / "log.jsonl")
    assert (
        [r["step"] for r in rows] == [1, 2]
        and rows[1]["phase"] == "train"
        and rows[0]["loss"] == 0.5
    )
    off = MetricsLog(tmp_path / "off.jsonl", enabled=False)
    off.log(1, loss=1.0)
    assert not (tmp_path / "off.jsonl").exists()
