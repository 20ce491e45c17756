"""The fast lane's guard (`tests/support/torch_guard.py`) fails a run that imports torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

FAKE_TORCH = """
import sys, types

def test_imports_torch():
    sys.modules["torch"] = types.ModuleType("torch")  # what `import torch` leaves behind
"""
TOP_LEVEL_TORCH = "import sys, types\nsys.modules['torch'] = types.ModuleType('torch')\n\n" + (
    "def test_nothing():\n    pass\n"
)
CLEAN = "def test_clean():\n    assert 1 + 1 == 2\n"


def _run(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_probe.py"
    test.write_text(source)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "tests.support.torch_guard"]
    cmd += ["-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-c", "/dev/null", str(test)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=False, timeout=120)


def test_a_test_that_imports_torch_fails(tmp_path: Path) -> None:
    proc = _run(tmp_path, FAKE_TORCH)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "test_probe.py::test_imports_torch imported torch" in proc.stdout


def test_a_module_that_imports_torch_stops_collection(tmp_path: Path) -> None:
    proc = _run(tmp_path, TOP_LEVEL_TORCH)
    assert proc.returncode != 0
    assert "collecting the fast lane imported torch" in proc.stdout + proc.stderr


def test_a_clean_run_passes(tmp_path: Path) -> None:
    proc = _run(tmp_path, CLEAN)
    assert proc.returncode == 0, proc.stdout + proc.stderr
