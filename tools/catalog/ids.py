"""Identifiers derived from a paper's DOI or arXiv id (see DESIGN.md, "Identifiers")."""

from __future__ import annotations

import re


def doi_slug(doi: str) -> str:
    """The paper id derived from a DOI: lower-cased, runs of other characters replaced by `-`."""
    return re.sub(r"[^a-z0-9]+", "-", doi.lower()).strip("-")


def arxiv_year(arxiv_id: str) -> int | None:
    """The year in a new-style arXiv id (`2410.13823` -> 2024); None for old-style ids."""
    match = re.match(r"^(\d{2})(\d{2})\.\d{4,5}$", arxiv_id)
    if match:
        return 2000 + int(match.group(1))
    old = re.match(r"^[a-z-]+(?:\.[A-Z]{2})?/(\d{2})\d{5}$", arxiv_id)
    if old:
        yy = int(old.group(1))
        return (1900 if yy > 90 else 2000) + yy
    return None


_ARXIV_PAGE = re.compile(
    r"^https?://(?:[a-z0-9-]+\.)*arxiv\.org/(?:abs|html|pdf)/(\d{4}\.\d{4,5})(?:v\d+)?\b", re.I
)


def arxiv_id_of_page(url: str) -> str | None:
    """The arXiv id of an arXiv abstract, HTML or PDF page (ar5iv too), without version; else None."""
    m = _ARXIV_PAGE.match(url)
    return m.group(1) if m else None
