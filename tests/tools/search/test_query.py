"""Query checks: empty, punctuation only, very long, other scripts."""

from __future__ import annotations

import pytest

from tools.search.errors import SearchError
from tools.search.query import MAX_QUERY_CHARS, clean_query, latin_share


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "?!...", "\x00\x01"])
def test_nothing_to_search_is_an_error(raw: str) -> None:
    with pytest.raises(SearchError, match="type what you are looking for"):
        clean_query(raw)


def test_whitespace_and_control_characters_are_collapsed() -> None:
    assert clean_query("  chest\t x-ray\x00 report \n") == ("chest x-ray report", [])


def test_long_query_is_cut_at_a_word_with_a_note() -> None:
    text, notes = clean_query("report " * 2000)
    assert len(text) <= MAX_QUERY_CHARS and not text.endswith(" ")
    assert "14,000" in notes[0] or "13,999" in notes[0]


def test_other_script_gets_a_note() -> None:
    text, notes = clean_query("胸部X線写真から読影レポートを作成する")
    assert text and "non-Latin" in notes[0]
    assert latin_share("café") == 1.0 and latin_share("123") == 1.0
