"""The typer application, its shared options, and the one mapping of library errors to messages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from tools.catalog.errors import CatalogError, CatalogInvalid
from tools.cli.terminal import clean

if TYPE_CHECKING:
    from tools.catalog.load import Catalog

app = typer.Typer(
    name="tools",
    help="MedGen Atlas: validate, scaffold, export and report on the catalog.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
new_app = typer.Typer(help="Scaffold a new catalog entry with comments.", no_args_is_help=True)
app.add_typer(new_app, name="new")

RootOpt = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="Repository root (the folder holding catalog/); found from the current folder by default.",
    ),
]


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: the current folder) that holds `catalog/`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "catalog").is_dir():
            return folder
    return here


def echo(message: str, err: bool = False) -> None:
    """Print a line for a terminal: control and bidirectional characters shown as escapes."""
    typer.echo(clean(message), err=err)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one message to stderr and exit."""
    echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def reported() -> Iterator[None]:
    """Turn a `CatalogError` into its message and exit code (an invalid catalog's problems first)."""
    try:
        yield
    except CatalogInvalid as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        fail(str(exc), exc.exit_code)
    except CatalogError as exc:
        fail(str(exc), exc.exit_code)


def open_checked(root: Path | None) -> Catalog:
    """The checked catalog under `--root` (or found from the current folder), opened once."""
    from tools.catalog.load import open_catalog

    return open_catalog(find_root(root))
