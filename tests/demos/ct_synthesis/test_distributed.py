"""DDP under torchrun on CPU (gloo): two ranks train a micro GAN and rank 0 writes the checkpoint."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from demos.common.checkpoint import load_checkpoint


@pytest.mark.slow
def test_torchrun_two_ranks(tmp_path: Path, micro: list[str]) -> None:
    sets = [arg for item in micro for arg in ("--set", item)]
    cmd = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
        "-m", "demos.ct_synthesis", "train", "--preset", "tiny", "--out", str(tmp_path),
        "--set", "train.device=cpu", *sets,
    ]  # fmt: skip
    env = dict(os.environ, OMP_NUM_THREADS="1", GLOO_SOCKET_IFNAME="lo", MASTER_ADDR="127.0.0.1")
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
    (ckpt,) = (tmp_path / "checkpoints").glob("*.pt")
    assert load_checkpoint(ckpt).step == 3
    assert (tmp_path / "model.safetensors").is_file()
