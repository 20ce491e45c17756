"""`tools.export`: the versioned JSON, BibTeX entries and keys, and the paper selection."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from tools.catalog.errors import UnknownEntry
from tools.catalog.load import Catalog, open_catalog
from tools.catalog.schema import Paper
from tools.export import (
    EXPORT_VERSION,
    bibtex_escape,
    bibtex_key,
    bibtex_keys,
    bibtex_verbatim,
    catalog_dict,
    paper_bibtex,
    select_papers,
    technique_dict,
    to_bibtex,
    to_json,
)


@pytest.fixture
def cat(catalog_root: Path) -> Catalog:
    return open_catalog(catalog_root)


def test_catalog_dict_is_versioned_sorted_and_back_referenced(cat: Catalog) -> None:
    data = catalog_dict(cat)
    assert data["version"] == EXPORT_VERSION
    assert [t["id"] for t in data["techniques"]] == ["audio-to-text", "x-ray-to-text"]
    xray = data["techniques"][1]
    assert (xray["papers"], xray["datasets"], xray["demos"]) == (["2101.00001"], ["toy-cxr"], [])
    assert data["techniques"][0]["papers"] == []
    assert [p["id"] for p in data["papers"]] == ["2101.00001"]
    assert data["papers"][0]["added"] == "2026-11-21"  # dates as ISO text
    assert "venue" not in data["papers"][0]  # unset optional fields are left out
    assert json.loads(to_json(cat)) == data and to_json(cat).endswith("}\n")


def test_technique_dict_inlines_its_entries(cat: Catalog) -> None:
    data = technique_dict(cat, "x-ray-to-text")
    assert data["version"] == EXPORT_VERSION and data["id"] == "x-ray-to-text"
    assert [p["title"] for p in data["papers"]] == ["A Test Paper About Reports"]
    assert [d["name"] for d in data["datasets"]] == ["Toy CXR"]


def test_bibtex_escape_covers_latex_specials() -> None:
    assert bibtex_escape("50% & $x_1$ #{a}~^\\") == (
        r"50\% \& \$x\_1\$ \#\{a\}\textasciitilde{}\textasciicircum{}\textbackslash{}"
    )
    assert bibtex_escape("plain text") == "plain text"


def test_bibtex_key_is_ascii_surname_year_first_long_word(cat: Catalog) -> None:
    paper = cat.papers["2101.00001"]
    assert bibtex_key(paper) == "lovelace2021test"
    accented = paper.model_copy(update={"authors": ["Zoë Ångström"], "title": "On CT à la MRI"})
    assert bibtex_key(accented) == "angstrom2021paper"  # no word over three letters: `paper`


def test_paper_bibtex_misc_for_a_preprint_article_with_a_venue(cat: Catalog) -> None:
    paper = cat.papers["2101.00001"]
    entry = paper_bibtex(paper)
    assert entry.startswith("@misc{lovelace2021test,\n")
    assert "  title = {{A Test Paper About Reports}}" in entry
    assert "  author = {Ada Lovelace and Alan Turing}" in entry
    assert "  eprint = {2101.00001}" in entry and "  archiveprefix = {arXiv}" in entry
    assert entry.endswith("  url = {https://arxiv.org/abs/2101.00001}\n}\n")
    published = paper.model_copy(
        update={"venue": "Journal of R&D", "doi": "10.1/x", "authors_complete": False}
    )
    entry = paper_bibtex(published)
    assert entry.startswith("@article{") and "  journal = {Journal of R\\&D}" in entry
    assert "  doi = {10.1/x}" in entry
    assert "  author = {Ada Lovelace and Alan Turing and others}" in entry


def test_to_bibtex_makes_colliding_keys_unique(cat: Catalog) -> None:
    paper = cat.papers["2101.00001"]
    twin = paper.model_copy(update={"id": "2101.00002", "arxiv": "2101.00002"})
    third = paper.model_copy(update={"id": "2101.00003", "arxiv": "2101.00003"})
    text = to_bibtex([third, paper, twin])
    keys = [line.split("{")[1].rstrip(",") for line in text.splitlines() if line.startswith("@")]
    assert keys == ["lovelace2021test", "lovelace2021test2", "lovelace2021test3"]
    assert to_bibtex([]) == ""


def test_select_papers(cat: Catalog) -> None:
    everything = select_papers(cat, [], [])
    assert [p.id for p in everything] == ["2101.00001"]
    assert select_papers(cat, ["audio-to-text"], []) == []
    assert [p.id for p in select_papers(cat, ["x-ray-to-text"], ["2101.00001"])] == ["2101.00001"]
    with pytest.raises(UnknownEntry, match=r"unknown technique `xray-to-text` \(did you mean"):
        select_papers(cat, ["xray-to-text"], [])
    with pytest.raises(UnknownEntry, match=r"unknown paper `2101\.99999`"):
        select_papers(cat, [], ["2101.99999"])


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
