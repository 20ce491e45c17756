"""BibTeX export: no value can leave its field, and keys stay `[a-z0-9]` however many collide."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import bibtexparser

from tools.catalog.schema import Paper
from tools.export import bibtex_escape, bibtex_key, bibtex_keys, bibtex_verbatim, to_bibtex


def paper(pid: str, title: str = "Deep Reports", **fields: Any) -> Paper:
    """A paper built without validation, as a hostile value would arrive if the schema missed it."""
    data: dict[str, Any] = {
        "id": pid,
        "title": title,
        "authors": ["Jane Smith"],
        "authors_complete": True,
        "year": 2024,
        "venue": None,
        "arxiv": None,
        "doi": None,
        "url": f"https://example.org/{pid}",
        "techniques": ["x-ray-to-text"],
        "added": dt.date(2026, 11, 20),
        **fields,
    }
    return Paper.model_construct(**data)


def entries(text: str) -> list[Any]:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return list(library.entries)


def test_doi_and_url_cannot_break_out_of_their_fields() -> None:
    evil = paper(
        "evil",
        doi="10.1234/x},note={INJECTED}}@misc{evil2,title={x}",
        url="https://example.org/a}@misc{evil3,title={y}}",
        arxiv="2101.00001}},@misc{evil4,",
    )
    text = to_bibtex([evil])
    found = entries(text)
    assert len(found) == 1
    fields = found[0].fields_dict
    assert set(fields) == {"title", "author", "year", "doi", "eprint", "archiveprefix", "url"}
    assert fields["doi"].value == "10.1234/x%7D,note=%7BINJECTED%7D%7D@misc%7Bevil2,title=%7Bx%7D"
    assert fields["url"].value == "https://example.org/a%7D@misc%7Bevil3,title=%7By%7D%7D"
    assert fields["eprint"].value == "2101.00001%7D%7D,@misc%7Bevil4,"


def test_verbatim_keeps_ordinary_urls_and_encodes_the_rest() -> None:
    url = "https://example.org/a_b%20c?x=1&y=~z#frag"
    assert bibtex_verbatim(url) == url
    assert bibtex_verbatim("a b\\c\x1bd\u202e") == "a%20b%5Cc%1Bd%E2%80%AE"


def test_text_fields_escape_braces_and_drop_controls() -> None:
    assert bibtex_escape("a}b{c\\d") == r"a\}b\{c\textbackslash{}d"
    assert bibtex_escape("bell\x07 esc\x1b[31m rlo\u202e") == "bell  esc [31m rlo "
    text = to_bibtex([paper("t", title="Close } early {", authors=["A} B{"])])
    (entry,) = entries(text)
    assert entry.fields_dict["title"].value == r"{Close \} early \{}"


def test_many_collisions_keep_keys_plain_and_unique() -> None:
    papers = [paper(f"p{i:02d}") for i in range(30)]
    keys = bibtex_keys(papers)
    assert all(re.fullmatch(r"[a-z0-9]+", k) for k in keys.values())
    assert len(set(keys.values())) == 30
    assert keys["p00"] == "smith2024deep" and keys["p01"] == "smith2024deep2"
    assert keys["p29"] == "smith2024deep30"
    text = to_bibtex(papers)
    assert [e.key for e in entries(text)] == [keys[f"p{i:02d}"] for i in range(30)]


def test_a_suffixed_key_never_takes_another_papers_natural_key() -> None:
    papers = [paper("a"), paper("b"), paper("c", title="Deep2 Reports")]
    keys = bibtex_keys(papers)
    assert keys["c"] == "smith2024deep2"  # its own natural key
    assert keys["a"] == "smith2024deep" and keys["b"] == "smith2024deep3"
    assert bibtex_keys(list(reversed(papers))) == keys  # independent of the input order


def test_key_of_a_name_and_title_without_ascii_letters() -> None:
    assert bibtex_key(paper("z", title="深度学习", authors=["王 伟"])) == "anon2024paper"
    assert bibtex_key(paper("z", title="Ünïcödé Façade", authors=["Zoë Ørsted"])) == (
        "rsted2024unicode"
    )
