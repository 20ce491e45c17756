from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

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
