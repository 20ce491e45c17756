"""DDP under torchrun on CPU (gloo): two processes train the micro preset and rank 0 checkpoints."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from demos.common.checkpoint import load_checkpoint


@pytest.mark.slow
def test_torchrun_two_processes(tmp_path: Path) -> None:
    if shutil.which("torchrun") is None and not Path(sys.executable).with_name("torchrun").exists():
        pytest.skip("torchrun is not installed")
    # loopback only, and a free port chosen by torchrun: a fixed port or another interface can hang
    env = dict(os.environ, OMP_NUM_THREADS="1", GLOO_SOCKET_IFNAME="lo", MASTER_ADDR="127.0.0.1")
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        "-m",
        "demos.xray_report",
        "train",
        "--preset",
        "micro",
        "--set",
        "train.device=cpu",
        "--out",
        str(tmp_path),
    ]
    result = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert load_checkpoint(tmp_path / "checkpoint.pt").step == 6
    log = (tmp_path / "train_log.jsonl").read_text().splitlines()
    assert len(log) == 5  # only rank 0 writes: 3 training rows and 2 validation rows
