"""Exports of the catalog: a versioned JSON document and BibTeX."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from tools.catalog.load import Catalog
from tools.catalog.schema import UNSAFE_CHARS, Paper

EXPORT_VERSION = 1
"""Bumped whenever the JSON export changes shape; readers check it."""


def catalog_dict(cat: Catalog) -> dict[str, Any]:
    """The whole catalog as plain JSON-ready data, deterministic (sorted by id)."""

    def dump(items: Iterable[Any]) -> list[dict[str, Any]]:
        return [item.model_dump(mode="json", exclude_none=True) for item in items]

    techniques = []
    for tech in sorted(cat.techniques.values(), key=lambda t: t.id):
        data = tech.model_dump(mode="json", exclude_none=True)
        data["papers"] = [p.id for p in cat.papers_for(tech.id)]
        data["datasets"] = [d.id for d in cat.datasets_for(tech.id)]
        data["demos"] = [d.id for d in cat.demos_for(tech.id)]
        techniques.append(data)
    return {
        "version": EXPORT_VERSION,
        "groups": dump(cat.groups.values()),
        "modalities": dump(cat.modalities.values()),
        "techniques": techniques,
        "papers": dump(sorted(cat.papers.values(), key=lambda p: p.id)),
        "datasets": dump(sorted(cat.datasets.values(), key=lambda d: d.id)),
        "demos": dump(sorted(cat.demos.values(), key=lambda d: d.id)),
    }


def technique_dict(cat: Catalog, technique_id: str) -> dict[str, Any]:
    """One technique with its papers, datasets and demos inlined."""
    tech = cat.techniques[technique_id]
    data = tech.model_dump(mode="json", exclude_none=True)
    data["version"] = EXPORT_VERSION
    data["papers"] = [p.model_dump(mode="json", exclude_none=True) for p in cat.papers_for(tech.id)]
    data["datasets"] = [
        d.model_dump(mode="json", exclude_none=True) for d in cat.datasets_for(tech.id)
    ]
    data["demos"] = [d.model_dump(mode="json", exclude_none=True) for d in cat.demos_for(tech.id)]
    return data


def to_json(cat: Catalog) -> str:
    """The versioned JSON export as text."""
    return json.dumps(catalog_dict(cat), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    """Escape LaTeX's special characters in a field value; control characters become spaces."""
    text = UNSAFE_CHARS.sub(" ", text)
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def bibtex_verbatim(text: str) -> str:
    """A URL, DOI or eprint for a verbatim field: braces, backslashes, spaces and controls
    percent-encoded, so the value can never close its field (`}`) or start a new entry."""
    return "".join(
        "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
        if ch in "{}\\" or ch.isspace() or UNSAFE_CHARS.match(ch)
        else ch
        for ch in text
    )


def bibtex_key(paper: Paper) -> str:
    """`<first-author-surname><year><first-title-word>`, in `[a-z0-9]` only."""
    surname = _ascii(paper.authors[0].split()[-1]) if paper.authors and paper.authors[0] else ""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", _ascii(paper.title)) if len(w) > 3]
    first = words[0] if words else "paper"
    key = re.sub(r"[^a-z0-9]", "", f"{surname}{paper.year}{first}".lower())
    return key if re.match(r"[a-z]", key) else f"anon{key}"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def paper_bibtex(paper: Paper, key: str | None = None) -> str:
    """One BibTeX entry: @article with a venue, else @misc (arXiv preprint)."""
    fields: list[tuple[str, str]] = [
        ("title", "{" + bibtex_escape(paper.title) + "}"),
        (
            "author",
            bibtex_escape(
                " and ".join([*paper.authors, *([] if paper.authors_complete else ["others"])])
            ),
        ),
        ("year", str(paper.year)),
    ]
    entry_type = "misc"
    if paper.venue:
        entry_type = "article"
        fields.append(("journal", bibtex_escape(paper.venue)))
    if paper.doi:
        fields.append(("doi", bibtex_verbatim(paper.doi)))
    if paper.arxiv:
        fields += [("eprint", bibtex_verbatim(paper.arxiv)), ("archiveprefix", "arXiv")]
    fields.append(("url", bibtex_verbatim(paper.url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{key or bibtex_key(paper)},\n{body}\n}}\n"


def bibtex_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """A unique key per paper id: its natural key, or that key with 2, 3, ... where keys collide.

    Papers are taken in key-then-id order, so the result does not depend on the input's order; a
    suffixed key never takes another paper's natural key.
    """
    ordered = sorted(papers, key=lambda p: (bibtex_key(p), p.id))
    natural = {bibtex_key(p) for p in ordered}
    taken: set[str] = set()
    keys: dict[str, str] = {}
    for paper in ordered:
        base = bibtex_key(paper)
        key, n = base, 1
        while key in taken or (n > 1 and key in natural):
            n += 1
            key = f"{base}{n}"
        taken.add(key)
        keys[paper.id] = key
    return keys


def to_bibtex(papers: Iterable[Paper]) -> str:
    """BibTeX for a set of papers, keys made unique with a numeric suffix where they collide."""
    chosen = {p.id: p for p in papers}
    keys = bibtex_keys(chosen.values())
    return "\n".join(paper_bibtex(chosen[pid], key) for pid, key in keys.items())


def select_papers(cat: Catalog, techniques: list[str], papers: list[str]) -> list[Paper]:
    """The papers of `techniques` and the `papers` named, once each; every paper when both are empty.

    Raises `UnknownEntry` for an id the catalog lacks (with the nearest known one when close).
    """
    if not techniques and not papers:
        return list(cat.papers.values())
    cat.require("technique", techniques)
    cat.require("paper", papers)
    chosen = {p.id: p for tid in techniques for p in cat.papers_for(tid)}
    chosen.update({pid: cat.papers[pid] for pid in papers})
    return list(chosen.values())
