"""The catalog's command line: a thin typer layer over the library.

Each command calls library functions and turns their failures into one clear message and an exit
code; no command prints a traceback for bad input.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from tools.options import number_in, output_file
from tools.terminal import clean

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


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one message to stderr and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def load_valid(root: Path | None):  # type: ignore[no-untyped-def]
    """Load and check the catalog; on any error print every problem and exit 1."""
    from tools.catalog.load import validate as run_validate
    from tools.catalog.problems import errors

    cat, problems = run_validate(find_root(root))
    errs = errors(problems)
    if errs:
        for problem in problems:
            typer.echo(str(problem), err=True)
        fail(f"the catalog has {len(errs)} error(s); fix them first")
    return cat


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
        typer.echo(str(problem))
    n_err = len(errors(problems))
    n_warn = len(problems) - n_err
    summary = (
        f"{len(cat.techniques)} techniques, {len(cat.papers)} papers, {len(cat.datasets)} datasets, "
        f"{len(cat.demos)} demos: {n_err} error(s), {n_warn} warning(s)"
    )
    typer.echo(summary, err=True)
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
            typer.echo(f"catalog/schemas/{name}: stale; run `python -m tools schema`")
        raise typer.Exit(1 if stale else 0)
    changed = write_schemas(base)
    typer.echo(f"wrote {len(changed)} schema file(s)" if changed else "schema files are up to date")


@new_app.command("technique")
def new_technique(
    input: Annotated[str, typer.Option("--input", help="Input modality slug, e.g. audio.")],
    output: Annotated[str, typer.Option("--output", help="Output modality slug, e.g. text.")],
    root: RootOpt = None,
) -> None:
    """Scaffold catalog/techniques/<input>-to-<output>.yaml with comments."""
    from tools.catalog.load import load_catalog
    from tools.importers.scaffold import ScaffoldError
    from tools.importers.scaffold import new_technique as scaffold

    cat, _ = load_catalog(find_root(root))
    try:
        path = scaffold(cat, input, output)
    except ScaffoldError as exc:
        fail(str(exc))
    typer.echo(f"wrote {path}; replace every TODO, then run `python -m tools validate`")


@new_app.command("paper")
def new_paper(
    technique: Annotated[
        list[str], typer.Option("--technique", "-t", help="Technique id (repeatable).")
    ],
    arxiv: Annotated[str | None, typer.Option("--arxiv", help="arXiv id without version.")] = None,
    doi: Annotated[str | None, typer.Option("--doi", help="DOI, for papers outside arXiv.")] = None,
    root: RootOpt = None,
) -> None:
    """Scaffold catalog/papers/<id>.yaml with comments (see also `add-paper`)."""
    from tools.catalog.load import load_catalog
    from tools.importers.scaffold import ScaffoldError
    from tools.importers.scaffold import new_paper as scaffold

    cat, _ = load_catalog(find_root(root))
    try:
        path = scaffold(cat, arxiv, doi, technique)
    except ScaffoldError as exc:
        fail(str(exc))
    typer.echo(f"wrote {path}; replace every TODO, then run `python -m tools validate`")


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
    from tools.catalog.checks import suggest
    from tools.export import to_bibtex, to_json

    cat = load_valid(root)
    if format is ExportFormat.json:
        text = to_json(cat)
    else:
        chosen = {}
        for tid in technique or []:
            if tid not in cat.techniques:
                fail(f"unknown technique `{tid}`{suggest(tid, cat.techniques)}")
            chosen.update({p.id: p for p in cat.papers_for(tid)})
        for pid in paper or []:
            if pid not in cat.papers:
                fail(f"unknown paper `{pid}`{suggest(pid, cat.papers)}")
            chosen[pid] = cat.papers[pid]
        text = to_bibtex(chosen.values() if (technique or paper) else cat.papers.values())
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    root: RootOpt = None,
) -> None:
    """Coverage: papers per technique and group, techniques without papers, years, share with code."""
    from tools.stats import coverage, format_coverage

    cat = load_valid(root)
    data = coverage(cat)
    typer.echo(json.dumps(data, indent=2) if as_json else format_coverage(data))


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
    from tools.site.render import RenderError
    from tools.site.render import render as run_render

    base = find_root(root)
    loader = (lambda cat: load_search(cat, base)) if search else None
    try:
        result, problems = run_render(base, out, search_loader=loader)
    except RenderError as exc:
        fail(str(exc))
    except SearchError as exc:
        fail(f"search: {exc} (render with --no-search to leave search out)")
    for problem in problems:
        typer.echo(str(problem), err=True)
    if result is None:
        fail("the catalog has errors; fix them first (nothing was rendered)")
    typer.echo(
        f"rendered {result.pages} pages, {result.files} files into {result.out} "
        f"({result.written} written, {result.removed} removed) in {result.seconds:.2f} s",
        err=True,
    )


@app.command("add-paper")
def add_paper(
    ref: Annotated[str | None, typer.Argument(help="arXiv id or URL, e.g. 2410.13823.")] = None,
    technique: Annotated[
        list[str] | None,
        typer.Option(
            "--technique", "-t", help="Technique id (repeatable); suggested when left out."
        ),
    ] = None,
    update: Annotated[
        bool,
        typer.Option("--update", help="Refresh the machine-derived fields of an existing entry."),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Accept the suggested techniques without asking.")
    ] = False,
    from_bibtex: Annotated[
        Path | None,
        typer.Option(
            "--from-bibtex", help="Import every entry of a BibTeX file (papers outside arXiv)."
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            help="Seconds to wait for arXiv per try (above 0, at most 600).",
            callback=number_in(0, 600, above=True),
        ),
    ] = 15.0,
    retries: Annotated[
        int,
        typer.Option(
            "--retries",
            help="Retries with exponential backoff when arXiv fails (0 to 10).",
            callback=number_in(0, 10),
        ),
    ] = 3,
    root: RootOpt = None,
) -> None:
    """Add a paper from arXiv (or BibTeX): writes catalog/papers/<id>.yaml with a TODO summary for you."""
    from tools.catalog.checks import suggest
    from tools.catalog.load import load_catalog
    from tools.importers.arxiv import Fetcher, ImportFailure, parse_arxiv_ref
    from tools.importers.arxiv import add_paper as run_add

    base = find_root(root)
    cat, _ = load_catalog(base)
    for tid in technique or []:
        if tid not in cat.techniques:
            fail(f"unknown technique `{tid}`{suggest(tid, cat.techniques)}")
    papers_dir = base / "catalog" / "papers"
    if from_bibtex is not None:
        from tools.importers.bibtex import import_bibtex

        if ref is not None:
            fail("give an arXiv id or --from-bibtex, not both")
        if not technique:
            fail("--from-bibtex needs at least one --technique")
        try:
            written, skipped, problems = import_bibtex(papers_dir, from_bibtex, list(technique))
        except ImportFailure as exc:
            fail(str(exc))
        for path in written:
            typer.echo(f"wrote {path.relative_to(base)}")
        for path in skipped:
            typer.echo(f"{path.relative_to(base)} exists; left unchanged")
        for bp in problems:
            typer.echo(f"{from_bibtex}:{bp.line}: {bp.key}: {bp.message}", err=True)
        raise typer.Exit(1 if problems else 0)
    if ref is None:
        fail("give an arXiv id or URL, or --from-bibtex FILE")
    try:
        arxiv_id = parse_arxiv_ref(ref)
        if "/" in arxiv_id:
            fail(f"old-style arXiv id {arxiv_id}: add it with `tools new paper --doi ...` instead")
        record = Fetcher(timeout=timeout, retries=retries).fetch(arxiv_id)
    except ImportFailure as exc:
        fail(str(exc))
    if record.withdrawn:
        fail(
            f"arXiv marks {arxiv_id} as withdrawn ({record.comment or 'see its page'}); it does not belong in the atlas"
        )
    chosen = list(technique or [])
    existing = (papers_dir / f"{arxiv_id}.yaml").exists()
    if not chosen and not existing:
        chosen = _choose_techniques(cat, record.title, record.abstract, yes)
    try:
        result = run_add(papers_dir, record, chosen, update)
    except ImportFailure as exc:
        fail(str(exc))
    shown = result.path.relative_to(base)
    if result.action == "differs":
        fail(
            f"{shown} exists and arXiv's metadata differs; rerun with --update to refresh the machine-derived fields (your text is kept)"
        )
    messages = {
        "created": f"wrote {shown}; now write its summary in your own words and run `python -m tools validate`",
        "updated": f"updated the machine-derived fields of {shown}; your text and comments are kept",
        "unchanged": f"{shown} is up to date; nothing written",
    }
    typer.echo(messages[result.action])


def _choose_techniques(cat, title: str, abstract: str, yes: bool) -> list[str]:  # type: ignore[no-untyped-def]
    """Propose the three likeliest techniques and ask (or accept with --yes)."""
    from tools.importers.suggest import SuggestionUnavailable, suggest_techniques

    try:
        ranked = suggest_techniques(cat, title, abstract, k=3)
    except SuggestionUnavailable as exc:
        fail(f"{exc}; name the techniques with --technique")
    if not ranked:
        fail("no techniques to suggest; name them with --technique")
    typer.echo("Suggested techniques:")
    for i, (tid, score) in enumerate(ranked, 1):
        typer.echo(f"  {i}. {tid:<36} {score:.3f}")
    if yes:
        return [ranked[0][0]]
    if not sys.stdin.isatty():
        fail("no terminal to ask on; pass --technique ID (or --yes to take the first suggestion)")
    answer = typer.prompt("Which? numbers separated by commas", default="1")
    picks = []
    for part in answer.split(","):
        part = part.strip()
        if not part.isdigit() or not 1 <= int(part) <= len(ranked):
            fail(f"`{part}` is not one of 1-{len(ranked)}")
        picks.append(ranked[int(part) - 1][0])
    return list(dict.fromkeys(picks))


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
            "--per-host",
            help="Concurrent requests per host (1 to 32).",
            callback=number_in(1, 32),
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

    base = find_root(root)
    cat = load_valid(base)
    cache = (
        None
        if no_cache
        else LinkCache(base / ".cache" / "links.json", dt.timedelta(days=max_age_days))
    )
    checker = Checker(
        timeout=timeout, retries=retries, per_host=per_host, allow_private=allow_private
    )
    report = run_check(cat, checker, cache)
    for note in cache.notes if cache else []:
        typer.echo(f"note: {note}", err=True)
    typer.echo(clean(report.to_table()))
    if json_out is not None:
        try:
            json_out.write_text(json.dumps(report.to_json(), indent=2), encoding="utf-8")
        except OSError as exc:
            fail(f"could not write {json_out}: {exc.strerror or exc}")
    raise typer.Exit(1 if report.dead else 0)


class SearchKind(StrEnum):
    """What `search` looks for."""

    technique = "technique"
    paper = "paper"


class SearchMode(StrEnum):
    """How `search` ranks: meaning and words fused (default), meaning only, or words only."""

    hybrid = "hybrid"
    dense = "dense"
    keyword = "keyword"


@app.command()
def search(
    query: Annotated[
        str | None, typer.Argument(help="What you are looking for, in plain words.")
    ] = None,
    kind: Annotated[
        SearchKind, typer.Option("--kind", "-k", help="Search techniques or papers.")
    ] = SearchKind.technique,
    top: Annotated[int, typer.Option("--top", "-n", help="How many results to print.")] = 10,
    as_json: Annotated[
        bool, typer.Option("--json", help='Print a JSON list of {"id", "score", "title"}.')
    ] = False,
    queries: Annotated[
        Path | None,
        typer.Option("--queries", help="File with one query a line; prints one JSON list a line."),
    ] = None,
    mode: Annotated[
        SearchMode | None,
        typer.Option(
            "--mode",
            help="hybrid, dense or keyword (default: hybrid for techniques, dense for papers).",
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Local sentence-transformers folder (default: MiniLM)."),
    ] = None,
    root: RootOpt = None,
) -> None:
    """Search techniques or papers by meaning; the index is built (and cached) when needed."""
    from tools.search.command import run_search
    from tools.search.engine import Mode
    from tools.search.errors import SearchError

    try:
        run_search(
            find_root(root),
            query,
            kind.value,
            top,
            as_json,
            queries,
            Mode(mode.value) if mode else None,
            model,
            echo=typer.echo,
            warn=lambda m: typer.echo(m, err=True),
        )
    except SearchError as exc:
        fail(str(exc), code=2)


def main() -> None:
    """Entry point for `python -m tools`."""
    app()
