"""Names a query can spell out: a dataset's id and name parts, a paper's one-word title name."""

from __future__ import annotations

import re

from tools.catalog.load import Catalog
from tools.search.rank import name_hits, title_name
from tools.search.understand import Understood, norm_phrase


def dataset_names(catalog: Catalog, ids: list[str]) -> list[list[str]]:
    """Each dataset's names as normalised words: its id, its name, and each part of the name set
    off by brackets, slashes or commas (`ADNI (Alzheimer's ...)` gives `adni` and the long form)."""
    out = []
    for i in ids:
        name = catalog.datasets[i].name
        parts = [i.replace("-", " "), name, *re.split(r"[()/,]", name)]
        out.append(list(dict.fromkeys(p for p in map(norm_phrase, parts) if len(p) >= 2)))
    return out


def paper_names(catalog: Catalog, ids: list[str]) -> list[list[str]]:
    """Each paper's name (`rank.title_name` of its title) as normalised words, or none."""
    out = []
    for i in ids:
        name = norm_phrase(title_name(catalog.papers[i].title))
        out.append([name] if name else [])
    return out


def query_name_hits(u: Understood, names: list[list[str]]) -> list[bool]:
    """Whether the query, as typed or with acronyms expanded, spells out each entry's names
    (`EHR-Safe` is `EHR (electronic health record)-Safe` once expanded)."""
    typed = name_hits(norm_phrase(u.original or u.text), names)
    return [a or b for a, b in zip(typed, name_hits(norm_phrase(u.text), names), strict=True)]
