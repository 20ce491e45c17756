"""Commands that add entries: `new technique`, `new paper` and `add-paper` (arXiv or BibTeX)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tools.cli.app import RootOpt, app, echo, fail, new_app, open_checked, reported
from tools.cli.options import number_in

if TYPE_CHECKING:
    from tools.catalog.load import Catalog

NEXT_STEP = "replace every TODO, then run `python -m tools validate`"


@new_app.command("technique")
def new_technique(
    input: Annotated[str, typer.Option("--input", help="Input modality slug, e.g. audio.")],
    output: Annotated[str, typer.Option("--output", help="Output modality slug, e.g. text.")],
    root: RootOpt = None,
) -> None:
    """Scaffold catalog/techniques/<input>-to-<output>.yaml with comments."""
    from tools.importers.scaffold import new_technique as scaffold

    with reported():
        path = scaffold(open_checked(root), input, output)
    echo(f"wrote {path}; {NEXT_STEP}")


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
    from tools.importers.scaffold import new_paper as scaffold

    with reported():
        path = scaffold(open_checked(root), arxiv, doi, technique)
    echo(f"wrote {path}; {NEXT_STEP}")


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
    from tools.importers.arxiv import Fetcher, fetch_addable
    from tools.importers.arxiv import add_paper as run_add

    with reported():
        cat = open_checked(root)
        cat.require("technique", technique or [])
        if from_bibtex is not None:
            _from_bibtex(cat, ref, from_bibtex, list(technique or []))
        if ref is None:
            fail("give an arXiv id or URL, or --from-bibtex FILE")
        record = fetch_addable(ref, Fetcher(timeout=timeout, retries=retries))
        chosen = list(technique or [])
        existing = (cat.folder("paper") / f"{record.arxiv_id}.yaml").exists()
        if not chosen and not existing:
            chosen = _choose_techniques(cat, record.title, record.abstract, yes)
        result = run_add(cat, record, chosen, update)
    shown = result.path.relative_to(cat.root)
    if result.action == "differs":
        fail(
            f"{shown} exists and arXiv's metadata differs; rerun with --update to refresh the machine-derived fields (your text is kept)"
        )
    messages = {
        "created": f"wrote {shown}; now write its summary in your own words and run `python -m tools validate`",
        "updated": f"updated the machine-derived fields of {shown}; your text and comments are kept",
        "unchanged": f"{shown} is up to date; nothing written",
    }
    echo(messages[result.action])


def _from_bibtex(cat: Catalog, ref: str | None, bib: Path, techniques: list[str]) -> None:
    """`add-paper --from-bibtex`: write one file per usable entry, report the others, exit."""
    from tools.importers.bibtex import import_bibtex

    if ref is not None:
        fail("give an arXiv id or --from-bibtex, not both")
    if not techniques:
        fail("--from-bibtex needs at least one --technique")
    written, skipped, problems = import_bibtex(cat, bib, techniques)
    for path in written:
        echo(f"wrote {path.relative_to(cat.root)}")
    for path in skipped:
        echo(f"{path.relative_to(cat.root)} exists; left unchanged")
    for bp in problems:
        echo(f"{bib}:{bp.line}: {bp.key}: {bp.message}", err=True)
    raise typer.Exit(1 if problems else 0)


def _choose_techniques(cat: Catalog, title: str, abstract: str, yes: bool) -> list[str]:
    """Propose the three likeliest techniques and ask (or accept with --yes)."""
    from tools.importers.suggest import SuggestionUnavailable, suggest_techniques

    try:
        ranked = suggest_techniques(cat, title, abstract, k=3)
    except SuggestionUnavailable as exc:
        fail(f"{exc}; name the techniques with --technique")
    if not ranked:
        fail("no techniques to suggest; name them with --technique")
    echo("Suggested techniques:")
    for i, (tid, score) in enumerate(ranked, 1):
        echo(f"  {i}. {tid:<36} {score:.3f}")
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
