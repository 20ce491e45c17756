from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from demos.common.checkpoint import CheckpointError
from demos.common.cli import one_line, user_errors
from demos.common.config import ConfigError
from demos.common.errors import EXIT_CODE, DemoError

app = typer.Typer()


@app.command()
@user_errors
def boom(kind: str) -> None:
    """Raise the error named by KIND."""
    errors: dict[str, Exception] = {
        "config": ConfigError("train.steps: must be at least 1"),
        "checkpoint": CheckpointError("run/checkpoint.pt: checkpoint not found\nsecond line"),
        "os": PermissionError(13, "Permission denied", "/out/metrics.json"),
        "bug": KeyError("not a user error"),
    }
    raise errors[kind]


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        ("config", "error: train.steps: must be at least 1"),
        ("checkpoint", "error: run/checkpoint.pt: checkpoint not found second line"),
        ("os", "error: /out/metrics.json: Permission denied"),
    ],
)
def test_user_errors_are_one_line_and_the_shared_exit_code(kind: str, line: str) -> None:
    result = CliRunner().invoke(app, [kind])
    assert result.exit_code == EXIT_CODE == 2
    assert result.output.strip() == line and "Traceback" not in result.output


def test_other_exceptions_are_bugs_and_propagate() -> None:
    result = CliRunner().invoke(app, ["bug"])
    assert isinstance(result.exception, KeyError)


def test_error_family() -> None:
    assert issubclass(ConfigError, DemoError) and issubclass(ConfigError, ValueError)
    assert issubclass(CheckpointError, DemoError)
    assert one_line(FileNotFoundError(2, "No such file or directory", str(Path("x")))) == (
        "x: No such file or directory"
    )
    assert one_line(DemoError()) == "DemoError"
