"""Checking a user's query before it reaches the encoder: one clear message, never a traceback."""

from __future__ import annotations

import unicodedata

from tools.search.errors import SearchError

MAX_QUERY_CHARS = 1000
"""Longer queries are cut here (the encoder reads at most 256 word pieces anyway)."""
MAX_TOP = 1000
"""The most results one search returns (`--top`); more is a mistake, not a request."""


def latin_share(text: str) -> float:
    """Share of the letters in `text` that are Latin script (1.0 when there are no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    latin = sum(1 for c in letters if unicodedata.name(c, "").startswith("LATIN"))
    return latin / len(letters)


def clean_query(raw: str) -> tuple[str, list[str]]:
    """The query to search for and any notes for the user; SearchError when nothing is left."""
    notes: list[str] = []
    text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in raw)
    text = " ".join(text.split())
    if not text:
        raise SearchError("the query is empty: type what you are looking for")
    if not any(c.isalnum() for c in text):
        raise SearchError("the query has no letters or digits: type what you are looking for")
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0] or text[:MAX_QUERY_CHARS]
        notes.append(
            f"the query is {len(text):,} characters long; only its first {len(cut):,} are used"
        )
        text = cut
    if latin_share(text) < 0.5:
        notes.append(
            "the query is mostly in a non-Latin script; the encoder was trained on English text, "
            "so results may be poor: try English words"
        )
    return text, notes
