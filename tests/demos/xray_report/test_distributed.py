"""DDP under torchrun on CPU (gloo): two processes train the micro preset and rank 0 checkpoints."""

from pathlib import Path

import pytest

from demos.common.checkpoint import load_checkpoint


@pytest.mark.slow
def test_torchrun_two_processes(tmp_path: Path, torchrun) -> None:  # type: ignore[no-untyped-def]
    args = ["demos.xray_report", "train", "--preset", "micro", "--set", "runtime.device=cpu"]
    result = torchrun([*args, "--out", str(tmp_path)])
    assert result.returncode == 0, result.stderr[-2000:]
    assert load_checkpoint(tmp_path / "checkpoint.pt").step == 6
    log = (tmp_path / "train_log.jsonl").read_text().splitlines()
    assert len(log) == 5  # only rank 0 writes: 3 training rows and 2 validation rows
