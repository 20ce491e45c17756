"""Fixtures shared by the demos' tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def torchrun() -> Callable[[list[str]], subprocess.CompletedProcess[str]]:
    """Run `python -m <args>` as two CPU ranks under torchrun, on loopback with a free port."""

    def run(args: list[str]) -> subprocess.CompletedProcess[str]:
        cmd = [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node",
            "2",
        ]
        env = dict(
            os.environ, OMP_NUM_THREADS="1", GLOO_SOCKET_IFNAME="lo", MASTER_ADDR="127.0.0.1"
        )
        return subprocess.run(
            [*cmd, "-m", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    return run


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """All rows of a JSON-lines file (a run's ``train_log.jsonl``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture
def read_log() -> Callable[[Path], list[dict[str, Any]]]:
    """The test-only reader of ``train_log.jsonl`` files."""
    return read_jsonl
