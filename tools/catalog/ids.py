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
