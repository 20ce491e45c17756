"""Import papers from a BibTeX file (`tools add-paper --from-bibtex FILE`) for work outside arXiv."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bibtexparser
from pydantic import ValidationError

from tools.catalog.files import WriteError, write_atomic
from tools.catalog.ids import doi_slug
from tools.catalog.load import Catalog
from tools.catalog.schema import Paper
from tools.catalog.yaml_source import YamlError, read_regular
from tools.importers.arxiv import TODO_SUMMARY, ImportFailure, paper_yaml


@dataclass
class BibProblem:
    """A BibTeX entry that cannot become a paper, located by line."""

    line: int
    key: str
    message: str


def _latex_to_text(value: str) -> str:
    text = re.sub(r"\\[a-zA-Z]+\{([^{}]*)\}", r"\1", value)
    text = text.replace("{", "").replace("}", "").replace("\\&", "&").replace("~", " ")
    return re.sub(r"\s+", " ", text).strip()


def _author_names(value: str) -> list[str]:
    names = []
    for raw in re.split(r"\s+and\s+", value):
        name = _latex_to_text(raw)
        if "," in name:
            last, first = (p.strip() for p in name.split(",", 1))
            name = f"{first} {last}".strip()
        if name:
            names.append(name)
    return names


MAX_BIB_BYTES = 8 * 1024 * 1024
"""A BibTeX file to import is a reference list, not a library dump."""


def read_bib(path: Path) -> str:
    """The text of a BibTeX file; ImportFailure for a missing, special, huge or non-UTF-8 file."""
    try:
        raw = read_regular(path, MAX_BIB_BYTES)
    except YamlError as exc:
        raise ImportFailure(
            f"{path}: {exc.message.replace('for an entry', 'for a .bib')}"
        ) from None
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailure(
            f"{path}:{line}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8 "
            "(nothing was written)"
        ) from None


def bib_entries(
    path: Path, techniques: list[str], today: dt.date
) -> tuple[list[dict[str, Any]], list[BibProblem]]:
    """Paper dicts (summary still TODO) and the entries that could not be used."""
    library = bibtexparser.parse_string(read_bib(path))
    problems = [
        BibProblem((b.start_line or 0) + 1, "-", f"unreadable BibTeX: {type(b.error).__name__}")
        for b in library.failed_blocks
    ]
    papers = []
    for entry in library.entries:
        fields = {k.lower(): str(v.value) for k, v in entry.fields_dict.items()}
        line = (entry.start_line or 0) + 1
        eprint = fields.get("eprint", "").strip()
        doi = fields.get("doi", "").strip() or None
        arxiv = eprint if re.fullmatch(r"\d{4}\.\d{4,5}", eprint) else None
        if not arxiv and not doi:
            problems.append(
                BibProblem(line, entry.key, "needs a `doi` or an arXiv `eprint` to name the paper")
            )
            continue
        url = fields.get("url") or (
            f"https://arxiv.org/abs/{arxiv}" if arxiv else f"https://doi.org/{doi}"
        )
        data: dict[str, Any] = {
            "id": arxiv or doi_slug(doi or ""),
            "title": _latex_to_text(fields.get("title", "")),
            "authors": _author_names(fields.get("author", "")),
            "year": int(re.sub(r"\D", "", fields.get("year", "0")) or 0),
            "venue": _latex_to_text(fields.get("journal") or fields.get("booktitle") or "") or None,
            "arxiv": arxiv,
            "doi": doi,
            "url": url,
            "kind": "method",
            "techniques": techniques,
            "summary": TODO_SUMMARY,
            "keywords": [],
            "verified": [{"source": url, "date": today, "fields": ["title", "authors", "year"]}],
            "added": today,
        }
        data = {k: v for k, v in data.items() if v is not None}
        try:
            Paper.model_validate({**data, "summary": "Placeholder."})
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            problems.append(BibProblem(line, entry.key, f"{where}: {err['msg']}"))
            continue
        papers.append(data)
    return papers, problems


def entry_text(data: dict[str, Any]) -> str:
    """YAML text for one imported BibTeX paper."""
    return paper_yaml(data, {})


def import_bibtex(
    cat: Catalog, bib: Path, techniques: list[str], today: dt.date | None = None
) -> tuple[list[Path], list[Path], list[BibProblem]]:
    """Write one file per usable entry; existing files are left alone. Returns (written, skipped, problems).

    ImportFailure when the .bib cannot be read or a file cannot be written (that file unchanged).
    """
    papers, problems = bib_entries(bib, techniques, today or dt.date.today())
    written: list[Path] = []
    skipped: list[Path] = []
    for data in papers:
        path = cat.folder("paper") / f"{data['id']}.yaml"
        if path.exists() or path.is_symlink():
            skipped.append(path)
            continue
        try:
            write_atomic(path, entry_text(data))
        except WriteError as exc:
            earlier = f" ({len(written)} file(s) before it were written)" if written else ""
            raise ImportFailure(f"{exc}{earlier}") from None
        written.append(path)
    return written, skipped, problems
