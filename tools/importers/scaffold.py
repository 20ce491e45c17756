"""Scaffold new catalog entries from commented templates (`python -m tools new ...`)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from tools.catalog.errors import CatalogError
from tools.catalog.files import WriteError, write_atomic
from tools.catalog.ids import doi_slug
from tools.catalog.load import Catalog
from tools.catalog.schema import ARXIV_RE, DOI_RE


class ScaffoldError(CatalogError):
    """A scaffold that cannot be written; the message says why."""


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("tools.importers", "templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # YAML, not HTML: values are validated slugs and ids
    )


def _write_new(path: Path, text: str) -> Path:
    if path.exists() or path.is_symlink():
        raise ScaffoldError(f"{path} already exists; edit it instead (nothing was written)")
    try:
        write_atomic(path, text)  # whole or not at all, even on a full disk
    except WriteError as exc:
        raise ScaffoldError(str(exc)) from None
    return path


def new_technique(
    cat: Catalog, input_slug: str, output_slug: str, today: dt.date | None = None
) -> Path:
    """Write `catalog/techniques/<input>-to-<output>.yaml` for two known modalities."""
    from tools.catalog.checks import suggest

    for slug in (input_slug, output_slug):
        if slug not in cat.modalities:
            raise ScaffoldError(
                f"unknown modality `{slug}`{suggest(slug, cat.modalities)}; add it to catalog/modalities.yaml first"
            )
    tid = f"{input_slug}-to-{output_slug}"
    title = f"{cat.modalities[input_slug].label} to {cat.modalities[output_slug].label}"
    text = (
        _env()
        .get_template("new/technique.yaml.j2")
        .render(
            id=tid,
            input=input_slug,
            output=output_slug,
            title=title,
            today=(today or dt.date.today()).isoformat(),
        )
    )
    return _write_new(cat.root / "catalog" / "techniques" / f"{tid}.yaml", text)


def new_paper(
    cat: Catalog,
    arxiv: str | None,
    doi: str | None,
    techniques: list[str],
    today: dt.date | None = None,
) -> Path:
    """Write a commented paper skeleton named by its arXiv id or DOI slug."""
    from tools.catalog.checks import suggest

    if bool(arxiv) == bool(doi):
        raise ScaffoldError("give exactly one of --arxiv or --doi")
    if arxiv and not re.match(ARXIV_RE, arxiv):
        raise ScaffoldError(f"`{arxiv}` is not an arXiv id like 2410.13823 (no version suffix)")
    if doi and not re.fullmatch(DOI_RE, doi):
        raise ScaffoldError(f"`{doi}` is not a DOI like 10.1038/s41591-023-02448-8")
    if not techniques:
        raise ScaffoldError("name at least one technique with --technique")
    for tid in techniques:
        if tid not in cat.techniques:
            raise ScaffoldError(f"unknown technique `{tid}`{suggest(tid, cat.techniques)}")
    day = today or dt.date.today()
    pid = arxiv if arxiv else doi_slug(doi or "")
    text = (
        _env()
        .get_template("new/paper.yaml.j2")
        .render(
            id=pid,
            arxiv=arxiv,
            doi=doi,
            techniques=techniques,
            today=day.isoformat(),
            year=day.year,
        )
    )
    return _write_new(cat.root / "catalog" / "papers" / f"{pid}.yaml", text)
