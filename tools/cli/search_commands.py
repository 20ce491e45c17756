"""`search`: techniques, papers or datasets by meaning, words and direction (DESIGN.md's JSON contract)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tools.cli.app import RootOpt, app, echo, open_checked, reported


@app.command()
def search(
    query: Annotated[
        str | None, typer.Argument(help="What you are looking for, in plain words.")
    ] = None,
    kind: Annotated[
        str,
        typer.Option("--kind", "-k", help="What to search: technique, paper or dataset."),
    ] = "technique",
    top: Annotated[
        str, typer.Option("--top", "-n", help="How many results to print (1 to 1,000).")
    ] = "10",
    as_json: Annotated[
        bool, typer.Option("--json", help='Print a JSON list of {"id", "score", "title"}.')
    ] = False,
    queries: Annotated[
        Path | None,
        typer.Option("--queries", help="File with one query a line; prints one JSON list a line."),
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            help="hybrid (meaning and words, the default), dense (meaning) or keyword (words).",
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Local sentence-transformers folder (default: MiniLM)."),
    ] = None,
    root: RootOpt = None,
) -> None:
    """Search techniques, papers or datasets by meaning, words and the direction a query asks
    for (e.g. "synthetic CT from MRI"); the index is built (and cached) when needed."""
    from tools.search.command import parse_mode, parse_top, run_search

    with reported():
        # --top and --mode are read here, not by typer, so a bad value is one line, not a box
        count, how = parse_top(top), parse_mode(mode)
        run_search(
            open_checked(root),
            query,
            kind,
            count,
            as_json,
            queries,
            how,
            model,
            echo=echo,
            warn=lambda m: echo(m, err=True),
        )
