"""Option checks: a value that would hang, do nothing or crash is a usage error before any work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from tools.cli.options import number_in, output_file


@pytest.mark.parametrize("value", [0, 0.5, 10])
def test_number_in_accepts_the_range(value: float) -> None:
    assert number_in(0, 10)(value) == value


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        (number_in(0, 10), -1, "must be at least 0 and at most 10 (got -1)"),
        (number_in(0, 10), 11, "must be at least 0 and at most 10 (got 11)"),
        (number_in(0, 600, above=True), 0, "must be above 0 and at most 600 (got 0)"),
        (number_in(0, 600, above=True), float("nan"), "must be above 0 and at most 600 (got nan)"),
        (number_in(0, 3650), float("inf"), "(got inf)"),
        (number_in(0, 3650), 1e308, "(got 1e+308)"),
    ],
)
def test_number_in_refuses(check: object, value: float, message: str) -> None:
    with pytest.raises(typer.BadParameter, match=re.escape(message)):
        check(value)  # type: ignore[operator]


def test_output_file(tmp_path: Path) -> None:
    assert output_file(None) is None
    assert output_file(tmp_path / "r.json") == tmp_path / "r.json"
    with pytest.raises(typer.BadParameter, match="does not exist; create it first"):
        output_file(tmp_path / "no" / "r.json")
    with pytest.raises(typer.BadParameter, match="is a folder; give a file name"):
        output_file(tmp_path)
