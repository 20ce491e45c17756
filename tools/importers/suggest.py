"""Suggest the techniques a new paper most likely belongs to, from the search embeddings."""

from __future__ import annotations

from tools.catalog.errors import CatalogError
from tools.catalog.load import Catalog


class SuggestionUnavailable(CatalogError):
    """The search extra (torch, sentence-transformers, faiss) is not installed or failed to load."""


def suggest_techniques(
    cat: Catalog, title: str, abstract: str, k: int = 3
) -> list[tuple[str, float]]:
    """The `k` most likely technique ids with their scores, best first."""
    try:
        from tools.search.config import SearchConfig
        from tools.search.engine import Mode, SearchEngine
        from tools.search.errors import SearchError
    except ImportError as exc:  # the search extra is optional for contributors
        raise SuggestionUnavailable(
            f"semantic suggestions need the search extra ({exc.name} missing)"
        ) from None
    try:
        engine = SearchEngine(cat, SearchConfig(root=cat.root))
        hits = engine.search(
            f"{title}. {abstract}"[:2000], kind="technique", top=k, mode=Mode.dense
        )
    except SearchError as exc:
        raise SuggestionUnavailable(str(exc)) from None
    return [(h.id, float(h.cosine if h.cosine is not None else h.score)) for h in hits]
