"""Each `catalog/demos/<id>.yaml` names a demo whose command really exists and whose figure is there."""

from __future__ import annotations

import importlib
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ENTRIES = sorted((REPO / "catalog" / "demos").glob("*.yaml"))


def test_both_demos_are_registered() -> None:
    assert {p.stem for p in ENTRIES} == {"ct-synthesis", "xray-report"}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda p: p.stem)
def test_command_exists(entry: Path) -> None:
    data = yaml.safe_load(entry.read_text())
    argv = shlex.split(data["command"])
    assert argv[:3] == ["python", "-m", data["package"]]
    importlib.import_module(data["package"])  # the package imports
    sub = argv[3]
    out = subprocess.run(
        [sys.executable, "-m", data["package"], sub, "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    for option in (a for a in argv[4:] if a.startswith("--")):
        assert option in out.stdout, f"`{sub}` has no option {option}"
    assert (REPO / "catalog" / "demos" / data["figure"]).is_file()
    assert (REPO / data["model_card"]).is_file()
