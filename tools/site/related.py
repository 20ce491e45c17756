"""What semantic search adds to the site when it is installed: the nearest techniques and papers
of each page, and the files of the in-browser search (`assets/search/`).

The site renders without the search extra: `load_search` returns None when search (or its
dependencies) is missing, and nothing here imports torch unless search is present and asked to run.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.catalog.load import Catalog

SEARCH_MODULE = "tools.search.related"
SEARCH_FUNCTION = "related_entries"
ASSETS_MODULE = "tools.search.browser_export"
ASSETS_FUNCTION = "search_asset_files"
ASSETS_DIR = "assets/search"
"""Where the search assets go in the tree (the search page loads them from there)."""
SEARCH_DEPENDENCIES = ("numpy", "faiss", "sentence_transformers")
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


def search_available() -> bool:
    """Whether the search module and its dependencies are installed (checked without importing)."""
    for name in (*SEARCH_DEPENDENCIES, SEARCH_MODULE):
        try:
            if importlib.util.find_spec(name) is None:
                return False
        except (ImportError, ValueError):
            return False
    return True


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


def load_related(cat: Catalog, root: Path, top: int = TOP) -> Related | None:
    """Nearest entries from `tools.search`, or None when search is not installed."""
    if not search_available():
        return None
    function = getattr(importlib.import_module(SEARCH_MODULE), SEARCH_FUNCTION, None)
    if function is None:
        return None
    return coerce(function(cat, root=root, top=top), cat)


def load_search(cat: Catalog, root: Path, top: int = TOP) -> SearchExtras | None:
    """Related entries and the browser search's files, or None when search is not installed.

    The first call embeds what the cache lacks (torch loads then); later calls hit the cache.
    """
    if not search_available():
        return None
    related = load_related(cat, root, top)
    assets: Mapping[str, Path] = {}
    if importlib.util.find_spec(ASSETS_MODULE) is not None:
        module = importlib.import_module(ASSETS_MODULE)
        function = getattr(module, ASSETS_FUNCTION, None)
        if function is not None:
            config = importlib.import_module("tools.search.config").SearchConfig(root=root)
            assets = dict(function(cat, config))
    return SearchExtras(related, assets)


_ONCE: dict[Path, SearchExtras | None] = {}


def load_search_once(cat: Catalog, root: Path) -> SearchExtras | None:
    """`load_search`, computed once per process and root (for `mkdocs serve`: a one-file rebuild
    must not wait for the encoder; nearest entries and search files refresh on restart)."""
    key = root.resolve()
    if key not in _ONCE:
        _ONCE[key] = load_search(cat, root)
    extras = _ONCE[key]
    if extras is None or extras.related is None:
        return extras
    raw = {k: [(n.kind, n.id, n.score) for n in v] for k, v in extras.related.items()}
    return SearchExtras(coerce(raw, cat), extras.assets)
