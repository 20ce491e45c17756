"""`tools.export`: the versioned JSON, BibTeX entries and keys, and the paper selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.catalog.errors import UnknownEntry
from tools.catalog.load import Catalog, open_catalog
from tools.export import (
    EXPORT_VERSION,
    bibtex_escape,
    bibtex_key,
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
    assert keys == ["lovelace2021test", "lovelace2021testa", "lovelace2021testb"]
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
