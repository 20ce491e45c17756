"""What semantic search adds to the site when it is installed: the nearest techniques and papers
of each page, and the files of the in-browser search (`assets/search/`).

The site renders without the search extra: `load_search` returns None when search (or its
dependencies) is missing, and nothing here imports torch unless search is present and asked to run.
One `SearchEngine` serves the whole run: related entries and the browser files share its vectors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools import search
from tools.catalog.load import Catalog

if TYPE_CHECKING:
    from tools.search.engine import SearchEngine

ASSETS_DIR = "assets/search"
"""Where the search assets go in the tree (the search page loads them from there)."""
TOP = 5


@dataclass(frozen=True)
class Neighbour:
    """An entry near another one in meaning."""

    kind: str
    id: str
    score: float


Related = Mapping[tuple[str, str], list[Neighbour]]
"""(kind, id) of a technique or paper -> its nearest techniques and papers, best first."""


@dataclass(frozen=True)
class SearchExtras:
    """Search's contribution to a render."""

    related: Related | None
    assets: Mapping[str, Path]
    """File name under `assets/search/` -> the file to copy there."""


def coerce(raw: Mapping[Any, Any], cat: Catalog) -> dict[tuple[str, str], list[Neighbour]]:
    """Normalise what search returns, keeping only neighbours that exist in the catalog."""
    known: dict[str, Mapping[str, object]] = {"technique": cat.techniques, "paper": cat.papers}
    out: dict[tuple[str, str], list[Neighbour]] = {}
    for key, items in raw.items():
        kind, entry_id = key
        if entry_id not in known.get(kind, {}):
            continue
        neighbours = []
        for item in items:
            n_kind, n_id, score = _fields(item)
            if n_id in known.get(n_kind, {}) and (n_kind, n_id) != (kind, entry_id):
                neighbours.append(Neighbour(n_kind, n_id, float(score)))
        out[(kind, entry_id)] = neighbours
    return out


def _fields(item: Any) -> tuple[str, str, float]:
    if isinstance(item, Mapping):
        return str(item["kind"]), str(item["id"]), float(item.get("score", 0.0))
    if isinstance(item, tuple | list):
        kind, entry_id, score = item
        return str(kind), str(entry_id), float(score)
    return str(item.kind), str(item.id), float(getattr(item, "score", 0.0))


def search_extras(engine: SearchEngine, top: int = TOP) -> SearchExtras:
    """Related entries and the browser search's files, both from the one `engine`.

    Embeds what the engine's cache lacks (torch loads then); later runs hit the cache.
    """
    from tools.search.browser_export import search_asset_files
    from tools.search.related import related_entries

    related = coerce(related_entries(engine, top), engine.catalog)
    return SearchExtras(related, search_asset_files(engine))


def load_search(cat: Catalog, top: int = TOP) -> SearchExtras | None:
    """`search_extras` from the run's one engine, or None when search is not installed."""
    if not search.available():
        return None
    from tools.search.config import SearchConfig
    from tools.search.engine import SearchEngine

    return search_extras(SearchEngine(cat, SearchConfig(root=cat.root)), top)


_ONCE: dict[Path, SearchExtras | None] = {}


def load_search_once(cat: Catalog) -> SearchExtras | None:
    """`load_search`, computed once per process and catalog root (for `mkdocs serve`: a one-file
    rebuild must not wait for the encoder; nearest entries and search files refresh on restart)."""
    key = cat.root.resolve()
    if key not in _ONCE:
        _ONCE[key] = load_search(cat)
    extras = _ONCE[key]
    if extras is None or extras.related is None:
        return extras
    raw = {k: [(n.kind, n.id, n.score) for n in v] for k, v in extras.related.items()}
    return SearchExtras(coerce(raw, cat), extras.assets)
