"""Hostile inputs to the demos' command lines, each run in a fresh process; prints a table.

    python benchmarks/demos_hostile_inputs.py [--keep DIR]

For every case: the command, its exit code, whether a traceback was printed, whether pickled code
ran (a marker folder appearing), and the first line of stderr. Every row should read exit 2, no
traceback, no code run, and one ``error:`` line. The same cases are asserted in tests/demos/.
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]


class Payload:
    """Unpickled by a loader that runs code, this creates ``target``."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.target),))


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1")
    return subprocess.run(
        [sys.executable, "-m", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def _cohort(work: Path) -> Path:
    sizes = ["data.n_train=2", "data.n_test=2", "data.image_size=16"]
    out = work / "data"
    args = ["demos.ct_synthesis", "make-data", "--out", str(out)]
    result = _run([*args, *[a for s in sizes for a in ("--set", s)]])
    if result.returncode:
        raise SystemExit(f"make-data failed: {result.stderr.strip()[-500:]}")
    return out


def _write(path: Path, content: bytes | Callable[[Path], Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        content(path)
    return path


def cases(work: Path, marker: Path) -> list[tuple[str, list[str]]]:
    """(description, argv after ``python -m``) for every hostile input."""
    data = _cohort(work)
    state = {"net": {"w": torch.zeros(1)}, "opt": {}, "sched": {}}
    old = {"format": 1, "step": 1, "config": {}, "state": state}
    no_step = {"format": 2, "config": {}, "state": {"model": {}}}
    bad_state = {"format": 2, "step": 1, "config": {}, "state": {"model": [1, 2]}}
    pickled = {"format": 2, "step": 1, "config": {}, "state": {}, "x": Payload(marker)}
    files = {
        "pickle payload in a .pt": _write(work / "p.pt", lambda p: torch.save(pickled, p)),
        "pickle payload in a .bin": _write(work / "p.bin", pickle.dumps(Payload(marker))),
        "garbage .pt": _write(work / "g.pt", b"\x80\x04garbage"),
        "truncated zip .pt": _write(work / "z.pt", b"PK\x03\x04broken"),
        "format 1 (old layout) .pt": _write(work / "old.pt", lambda p: torch.save(old, p)),
        "no 'step'": _write(work / "nostep.pt", lambda p: torch.save(no_step, p)),
        "state of the wrong type": _write(work / "bad.pt", lambda p: torch.save(bad_state, p)),
        "garbage .safetensors": _write(work / "g.safetensors", b"\xff" * 64),
        "header-only .safetensors": _write(work / "h.safetensors", b"\x02" + b"\x00" * 7 + b"{}"),
    }
    rows = []
    for what, path in files.items():
        rows.append(
            (
                f"CT sample: {what}",
                ["demos.ct_synthesis", "sample", "-c", str(path), "-d", str(data)],
            )
        )
        if path.suffix != ".safetensors":
            rows.append(
                (
                    f"X-ray evaluate: {what}",
                    ["demos.xray_report", "evaluate", "-c", str(path), "-o", str(work / "x")],
                )
            )
    run = work / "oldrun" / "checkpoints" / "last.pt"
    _write(run, lambda p: torch.save(old, p))
    rows.append(
        (
            "CT evaluate: run folder of the old layout",
            ["demos.ct_synthesis", "evaluate", "-c", str(run.parents[1]), "-d", str(data)],
        )
    )
    npz = data / "test" / "cohort.npz"
    hostile = work / "hostile"
    for name in ("train", "test"):
        for f in (data / name).iterdir():
            _write(hostile / name / f.name, f.read_bytes())
    arrays = dict(np.load(npz))
    arrays["image_hu"] = np.array([Payload(marker)], dtype=object)
    np.savez(hostile / "test" / "cohort.npz", **arrays)
    rows.append(
        (
            "CT sample: cohort.npz with a pickled object array",
            ["demos.ct_synthesis", "sample", "-c", str(work / "g.pt"), "-d", str(hostile)],
        )
    )
    rows.append(
        (
            "CT train: --set runtime.threads=0",
            ["demos.ct_synthesis", "train", "--set", "runtime.threads=0"],
        )
    )
    rows.append(
        (
            "X-ray train: --set train.bf16=true (renamed)",
            ["demos.xray_report", "train", "--set", "train.bf16=true"],
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        marker = work / "PICKLE-CODE-RAN"
        print("| case | exit | traceback | code ran | first line of stderr |")
        print("|---|---|---|---|---|")
        bad = 0
        for what, argv in cases(work, marker):
            r = _run(argv)
            lines = [line for line in r.stderr.splitlines() if line.strip()]
            first = lines[0] if lines else ""
            tb = "Traceback" in r.stderr
            ok = r.returncode == 2 and not tb and not marker.exists() and first.startswith("error:")
            bad += not ok
            print(
                f"| {what} | {r.returncode} | {'yes' if tb else 'no'} | "
                f"{'YES' if marker.exists() else 'no'} | {first.replace('|', '/')[:160]} |"
            )
        print(f"\n{bad} case(s) not ending in one clear message with exit code 2")
        raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
