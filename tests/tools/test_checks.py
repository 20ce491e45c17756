"""Unit tests for the cross-entry checks and their helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.catalog.checks import (
    arxiv_year,
    count_sentences,
    doi_slug,
    normalise_title,
    suggest,
    validate,
)


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("One sentence.", 1),
        ("Uses e.g. GANs and diffusion, i.e. generative models. Then more.", 2),
        ("Reaches 0.95 accuracy. It is fast. It is small.", 3),
        ("Smith et al. report it works.", 1),
    ],
)
def test_count_sentences(text: str, n: int) -> None:
    assert count_sentences(text) == n


def test_identifier_helpers() -> None:
    assert doi_slug("10.1038/s41591-023-02448-8") == "10-1038-s41591-023-02448-8"
    assert doi_slug("10.18653/v1/2023.eacl-main.168") == "10-18653-v1-2023-eacl-main-168"
    assert arxiv_year("2410.13823") == 2024
    assert arxiv_year("0704.0001") == 2007
    assert arxiv_year("hep-th/9901001") == 1999
    assert normalise_title("Deep  Learning: A Survey!") == normalise_title("deep learning a survey")
    assert suggest("xray", ["x-ray", "ct"]) == " (did you mean `x-ray`?)"
    assert suggest("zzz", ["x-ray", "ct"]) == ""


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "catalog/papers/2101.00001.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _fields(root: Path) -> dict[str, str]:
    _, problems = validate(root)
    return {p.field: f"{p.severity}: {p.message}" for p in problems}


def test_truncated_author_list(catalog_root: Path) -> None:
    _edit(catalog_root, "authors: [Ada Lovelace, Alan Turing]", "authors: [Ada Lovelace, et al.]")
    assert "looks truncated" in _fields(catalog_root)["authors[1]"]


def test_authors_complete_false_is_the_honest_alternative(catalog_root: Path) -> None:
    _edit(
        catalog_root,
        "authors: [Ada Lovelace, Alan Turing]",
        "authors: [Ada Lovelace]\nauthors_complete: false",
    )
    assert _fields(catalog_root) == {}


def test_year_before_arxiv_id(catalog_root: Path) -> None:
    _edit(catalog_root, "year: 2021", "year: 2019")
    assert _fields(catalog_root)["year"] == "error: year 2019 is before the arXiv id's year 2021"


def test_year_long_after_arxiv_id_is_a_warning(catalog_root: Path) -> None:
    _edit(catalog_root, "year: 2021", "year: 2026")
    assert _fields(catalog_root)["year"].startswith("warning: year 2026 is long after")


@pytest.mark.parametrize("url", ["https://example.org/code", "https://github.com/onlyowner"])
def test_code_link_must_be_a_repository(catalog_root: Path, url: str) -> None:
    _edit(catalog_root, "code: [https://github.com/example/repo]", f"code: [{url}]")
    assert "must point to a repository" in _fields(catalog_root)["code[0]"]


def test_paper_id_rules(catalog_root: Path) -> None:
    _edit(catalog_root, 'arxiv: "2101.00001"\n', "doi: 10.1000/abc\n")
    assert "DOI slug as id: `10-1000-abc`" in _fields(catalog_root)["id"]


def test_demo_consistency(catalog_root: Path) -> None:
    tech = catalog_root / "catalog/techniques/audio-to-text.yaml"
    tech.write_text(tech.read_text().replace("related: []", "related: []\ndemos: [xray-report]"))
    assert "unknown demo `xray-report`" in _fields(catalog_root)["demos[0]"]
