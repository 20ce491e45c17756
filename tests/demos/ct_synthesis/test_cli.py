from __future__ import annotations

from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from demos.common.errors import EXIT_CODE
from demos.ct_synthesis.__main__ import app

runner = CliRunner()
COMMANDS = [
    "quickstart",
    "make-data",
    "train",
    "sample",
    "counterfactual",
    "evaluate",
    "benchmark",
    "figure",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    names = {
        (c.name or getattr(c.callback, "__name__", "").replace("_", "-")): c
        for c in app.registered_commands
    }
    callback = names[command].callback
    assert callback is not None and (callback.__doc__ or "").strip()


def test_unknown_key_and_bad_value_are_one_line_errors() -> None:
    result = runner.invoke(app, ["train", "--set", "train.stepz=3"])
    assert result.exit_code == 2
    assert "error: unknown config key 'train.stepz'" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["train", "--set", "model.fusion=film"])
    assert result.exit_code == 2 and "model.fusion: 'film' is not one of" in result.output
    result = runner.invoke(app, ["train", "--preset", "huge"])
    assert result.exit_code == 2 and "unknown preset 'huge'" in result.output


def test_missing_files_are_clear_errors(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["evaluate", "--checkpoint", str(tmp_path / "run"), "--data", str(tmp_path / "none")]
    )
    assert result.exit_code == 2
    assert "clinical.csv: missing" in result.output or "cohort.npz: missing" in result.output
    result = runner.invoke(app, ["train", "--set", f"data.root={tmp_path / 'aiib'}"])
    assert result.exit_code == 2 and "folder not found" in result.output


def test_show_config_and_make_data(tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", "--preset", "3d-128", "--show-config"])
    assert result.exit_code == 0 and "model.spatial_dims = 3" in result.output
    args = [
        "make-data",
        "--out",
        str(tmp_path),
        "--set",
        "data.n_train=3",
        "--set",
        "data.n_test=2",
        "--set",
        "data.image_size=16",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and "synthetic" in result.output
    assert (tmp_path / "test" / "cohort.npz").is_file()
    result = runner.invoke(
        app,
        [
            "counterfactual",
            "--checkpoint",
            str(tmp_path / "nope"),
            "--data",
            str(tmp_path),
            "--attribute",
            "height",
        ],
    )
    assert result.exit_code == 2 and "unknown attribute 'height'" in result.output
    result = runner.invoke(
        app, ["counterfactual", "--checkpoint", str(tmp_path / "nope"), "--data", str(tmp_path)]
    )
    assert result.exit_code == 2 and "checkpoint not found" in result.output


def _one_line_error(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_CODE, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    args = ["make-data", "--out", str(tmp_path / "data")]
    sizes = ["data.n_train=2", "data.n_test=2", "data.image_size=16"]
    result = runner.invoke(app, [*args, *[a for s in sizes for a in ("--set", s)]])
    assert result.exit_code == 0, result.output
    return tmp_path / "data"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("checkpoint.pt", b"\x80\x04garbage", "not a loadable checkpoint"),
        ("model.bin", b"PK\x03\x04broken zip", "not a loadable checkpoint"),
        ("model.safetensors", b"\xff" * 64, "not a readable safetensors file"),
        ("model.safetensors", b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ", "not weights exported"),
    ],
)
def test_hostile_model_files_end_in_one_line(
    tmp_path: Path, cohort: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    line = _one_line_error(["sample", "--checkpoint", str(path), "--data", str(cohort)])
    assert str(path) in line and message in line


def test_checkpoint_of_the_old_layout_names_what_to_do(tmp_path: Path, cohort: Path) -> None:
    run = tmp_path / "run"
    (run / "checkpoints").mkdir(parents=True)
    state = {"net": {"w": torch.zeros(1)}, "opt": {}, "sched": {}}
    torch.save(
        {"format": 1, "step": 1, "config": {}, "state": state}, run / "checkpoints" / "last.pt"
    )
    line = _one_line_error(["evaluate", "--checkpoint", str(run), "--data", str(cohort)])
    assert "layout before format 2" in line and "python -m demos.ct_synthesis train" in line


def test_hostile_cohort_ends_in_one_line(tmp_path: Path, cohort: Path) -> None:
    (cohort / "test" / "cohort.npz").write_bytes(b"PK\x03\x04 not really a zip")
    line = _one_line_error(["sample", "--checkpoint", str(tmp_path), "--data", str(cohort)])
    assert "cohort.npz: not a cohort written by make-data" in line


def test_bad_runtime_values_end_in_one_line() -> None:
    assert "runtime.threads: must be at least 1" in _one_line_error(
        ["train", "--set", "runtime.threads=0"]
    )
    assert "renamed: use runtime.precision" in _one_line_error(["train", "--set", "train.amp=true"])
    assert "not a device name" in _one_line_error(["train", "--set", "runtime.device=tpu9"])
