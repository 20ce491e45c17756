"""Checks for command-line values, so a bad option ends in a usage message before any work starts."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer

N = TypeVar("N", int, float)


def number_in(low: float, high: float, *, above: bool = False) -> Callable[[N], N]:
    """A typer callback accepting finite numbers in [low, high] (or (low, high] with `above`)."""

    def check(value: N) -> N:
        if value is None:  # an optional option left out
            return value
        too_low = value <= low if above else value < low
        if not math.isfinite(value) or too_low or value > high:
            floor = f"above {low:g}" if above else f"at least {low:g}"
            raise typer.BadParameter(f"must be {floor} and at most {high:g} (got {value:g})")
        return value

    return check


def output_file(path: Path | None) -> Path | None:
    """A typer callback for a file to write: its folder must exist and it must not be a folder."""
    if path is None:
        return None
    if path.is_dir():
        raise typer.BadParameter(f"{path} is a folder; give a file name")
    folder = path.parent
    if not folder.is_dir():
        raise typer.BadParameter(f"folder {folder} does not exist; create it first")
    return path
