from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from demos.common.progress import MetricsLog, progress


def test_progress_yields_all_items() -> None:
    assert list(progress(range(3), enabled=False)) == [0, 1, 2]
    assert list(progress(range(3), total=3, enabled=True)) == [0, 1, 2]


def test_metrics_log_appends_jsonl(
    tmp_path: Path, read_log: Callable[[Path], list[dict[str, Any]]]
) -> None:
    log = MetricsLog(tmp_path / "m" / "log.jsonl")
    log.log(1, loss=0.5)
    row = log.log(2, loss=0.25, phase="train")
    rows = read_log(tmp_path / "m" / "log.jsonl")
    assert [r["step"] for r in rows] == [1, 2] and rows[1] == row
    assert rows[1]["phase"] == "train" and rows[0]["loss"] == 0.5
    assert rows[1]["time"] >= rows[0]["time"] >= 0
    off = MetricsLog(tmp_path / "off.jsonl", enabled=False)
    assert off.log(1, loss=1.0)["loss"] == 1.0
    assert not (tmp_path / "off.jsonl").exists()
