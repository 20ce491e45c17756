"""Nearest techniques and papers for each page, from semantic search when it is installed.

The site renders without the search extra: `load_related` returns None when search (or its
dependencies) is missing, and nothing here imports torch unless search is present and asked to run.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.load import Catalog

SEARCH_MODULE = "tools.search.related"
SEARCH_FUNCTION = "related_entries"
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
    module = importlib.import_module(SEARCH_MODULE)
    function = getattr(module, SEARCH_FUNCTION, None)
    if function is None:
        return None
    return coerce(function(cat, root=root, top=top), cat)
