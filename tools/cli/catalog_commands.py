"""Commands over the catalog itself: validate, schema, export, stats, check-links."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tools.catalog.files import WriteError, write_atomic
from tools.cli.app import RootOpt, app, echo, fail, find_root, open_checked, reported
from tools.cli.options import number_in, output_file


@app.command()
def validate(
    root: RootOpt = None,
    near_duplicates: Annotated[
        bool,
        typer.Option(
            "--near-duplicates",
            help="Also warn about papers whose titles mean nearly the same (loads the search model).",
        ),
    ] = False,
) -> None:
    """Check every catalog file; print each problem as `path:line: field: message`, exit 1 on errors."""
    from tools.catalog.load import validate as run_validate
    from tools.catalog.problems import errors

    cat, problems = run_validate(find_root(root))
    if near_duplicates:
        from tools.search.duplicates import near_duplicate_problems
        from tools.search.errors import SearchError

        try:
            problems = [*problems, *near_duplicate_problems(cat)]
        except SearchError as exc:
            fail(str(exc))
    for problem in problems:
        echo(str(problem))
    n_err = len(errors(problems))
    n_warn = len(problems) - n_err
    summary = (
        f"{len(cat.techniques)} techniques, {len(cat.papers)} papers, {len(cat.datasets)} datasets, "
        f"{len(cat.demos)} demos: {n_err} error(s), {n_warn} warning(s)"
    )
    echo(summary, err=True)
    raise typer.Exit(1 if n_err else 0)


@app.command()
def schema(
    check: Annotated[
        bool, typer.Option("--check", help="Only report stale files; exit 1 if any.")
    ] = False,
    root: RootOpt = None,
) -> None:
    """Write the JSON Schema files (catalog/schemas/) that editors use, generated from schema.py."""
    from tools.catalog.schema_files import stale_schemas, write_schemas

    base = find_root(root)
    if check:
        stale = stale_schemas(base)
        for name in stale:
            echo(f"catalog/schemas/{name}: stale; run `python -m tools schema`")
        raise typer.Exit(1 if stale else 0)
    try:
        changed = write_schemas(base)
    except OSError as exc:
        fail(f"could not write {exc.filename or 'catalog/schemas'}: {exc.strerror or exc}")
    echo(f"wrote {len(changed)} schema file(s)" if changed else "schema files are up to date")


class ExportFormat(StrEnum):
    """What `export` writes."""

    json = "json"
    bibtex = "bibtex"


@app.command()
def export(
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="json (whole catalog) or bibtex.")
    ] = ExportFormat.json,
    technique: Annotated[
        list[str] | None,
        typer.Option("--technique", "-t", help="BibTeX: only these techniques' papers."),
    ] = None,
    paper: Annotated[
        list[str] | None, typer.Option("--paper", "-p", help="BibTeX: only these papers.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")
    ] = None,
    root: RootOpt = None,
) -> None:
    """Export the catalog as versioned JSON, or BibTeX for any set of papers."""
    from tools.export import select_papers, to_bibtex, to_json

    with reported():
        cat = open_checked(root)
        if format is ExportFormat.json:
            text = to_json(cat)
        else:
            text = to_bibtex(select_papers(cat, technique or [], paper or []))
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            write_atomic(out, text)
        except WriteError as exc:
            fail(str(exc))
        echo(f"wrote {out}", err=True)


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    provenance_missing: Annotated[
        bool,
        typer.Option(
            "--provenance-missing",
            help="Print only the ids of papers with a `no_canonical_source` note, one a line "
            "(the list tests/tools/data/no_canonical_source.txt holds).",
        ),
    ] = False,
    root: RootOpt = None,
) -> None:
    """Coverage: papers per technique and group, gaps, years, share with code, and provenance."""
    from tools.stats import coverage, format_coverage, noted_without_canonical

    with reported():
        cat = open_checked(root)
    if provenance_missing:
        for pid in noted_without_canonical(cat):
            echo(pid)
        return
    data = coverage(cat)
    echo(json.dumps(data, indent=2) if as_json else format_coverage(data))


@app.command("check-links")
def check_links(
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--json", help="Also write the report as JSON to this file.", callback=output_file
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            help="Seconds a request may take in total (above 0, at most 600).",
            callback=number_in(0, 600, above=True),
        ),
    ] = 10.0,
    retries: Annotated[
        int,
        typer.Option(
            "--retries",
            help="Retries with backoff on timeouts, 429 and 5xx (0 to 10).",
            callback=number_in(0, 10),
        ),
    ] = 2,
    per_host: Annotated[
        int,
        typer.Option(
            "--per-host", help="Concurrent requests per host (1 to 32).", callback=number_in(1, 32)
        ),
    ] = 2,
    max_age_days: Annotated[
        float,
        typer.Option(
            "--max-age-days",
            help="Reuse cached good results younger than this (0 to 3650 days).",
            callback=number_in(0, 3650),
        ),
    ] = 7.0,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Ignore and do not write the result cache.")
    ] = False,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private",
            help="Also check links to loopback, private and link-local addresses (refused by default).",
        ),
    ] = False,
    root: RootOpt = None,
) -> None:
    """Check every URL in the catalog; report dead, redirected and slow links with file:line; exit 1 if any is dead."""
    import datetime as dt

    from tools.links import Checker, LinkCache
    from tools.links import check_links as run_check

    with reported():
        cat = open_checked(root)
    cache = (
        None
        if no_cache
        else LinkCache(cat.root / ".cache" / "links.json", dt.timedelta(days=max_age_days))
    )
    checker = Checker(
        timeout=timeout, retries=retries, per_host=per_host, allow_private=allow_private
    )
    report = run_check(cat, checker, cache)
    for note in cache.notes if cache else []:
        echo(f"note: {note}", err=True)
    echo(report.to_table())
    if json_out is not None:
        try:
            write_atomic(json_out, json.dumps(report.to_json(), indent=2))
        except WriteError as exc:
            fail(str(exc))
    raise typer.Exit(1 if report.dead else 0)
