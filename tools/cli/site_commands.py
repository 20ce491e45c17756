"""`render`: the site's Markdown tree, with search's extras when search is installed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from tools.cli.app import RootOpt, app, echo, fail, open_checked, reported


@app.command()
def render(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Folder for the Markdown tree (default: build/docs)."),
    ] = None,
    search: Annotated[
        bool,
        typer.Option(
            "--search/--no-search",
            help="Add nearest entries and the in-browser search files (when the search extra is installed).",
        ),
    ] = True,
    root: RootOpt = None,
) -> None:
    """Write the site's Markdown tree (pages, exports, feed) for the site engine; exit 1 on errors."""
    from tools.search.errors import SearchError
    from tools.site.related import load_search
    from tools.site.render import render as run_render

    start = time.perf_counter()
    with reported():
        cat = open_checked(root)
        for problem in cat.warnings:
            echo(str(problem), err=True)
        try:
            extras = load_search(cat) if search else None
        except SearchError as exc:
            fail(f"search: {exc} (render with --no-search to leave search out)")
        result = run_render(cat, out, search=extras)
    echo(
        f"rendered {result.pages} pages, {result.files} files into {result.out} "
        f"({result.written} written, {result.removed} removed) in {time.perf_counter() - start:.2f} s",
        err=True,
    )
