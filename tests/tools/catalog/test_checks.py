"""Unit tests for the cross-entry checks and their helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.catalog.checks import count_sentences, normalise_title, suggest
from tools.catalog.ids import arxiv_id_of_page, arxiv_year, doi_slug
from tools.catalog.load import validate


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
    assert arxiv_id_of_page("https://arxiv.org/abs/2402.08021v2") == "2402.08021"
    assert arxiv_id_of_page("https://ar5iv.labs.arxiv.org/html/2012.13340") == "2012.13340"
    assert arxiv_id_of_page("https://arxiv.org/pdf/1611.07004") == "1611.07004"
    assert arxiv_id_of_page("https://github.com/x/arxiv.org/abs/2101.00001") is None
    assert arxiv_id_of_page("https://arxiv.org/list/cs.CV/recent") is None
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


DEMO = """\
id: toy-demo
title: Toy demo
summary: Draws a synthetic picture.
description: A toy.
techniques: [x-ray-to-text]
package: demos.toy
command: python -m demos.toy run
needs: {{}}
figure: {figure}
figure_caption: A synthetic picture.
model_card: demos/toy/MODEL_CARD.md
added: 2026-11-20
"""


def _with_demo(root: Path, figure: str = "figures/toy.png") -> Path:
    (root / "catalog/demos/figures").mkdir(parents=True, exist_ok=True)
    (root / "catalog/demos/figures/toy.png").write_bytes(b"\x89PNG")
    (root / "demos/toy").mkdir(parents=True)
    (root / "demos/toy/MODEL_CARD.md").write_text("# Toy\n")
    demo = root / "catalog/demos/toy-demo.yaml"
    demo.write_text(DEMO.format(figure=figure))
    return demo


def test_demo_paths_resolve_inside_their_folders(catalog_root: Path, tmp_path: Path) -> None:
    _with_demo(catalog_root)
    assert _fields(catalog_root) == {}
    outside = tmp_path.parent / f"{tmp_path.name}-outside.png"
    outside.write_bytes(b"not the catalog's")
    (catalog_root / "catalog/demos/figures/link.png").symlink_to(outside)
    _with_demo_figure(catalog_root, "figures/link.png")
    assert _fields(catalog_root) == {
        "figure": "error: catalog/demos/figures/link.png resolves outside catalog/demos/ "
        "(through a symbolic link?)"
    }
    card = catalog_root / "demos/toy/MODEL_CARD.md"
    card.unlink()
    card.symlink_to("/etc/hostname")
    assert "model_card" in _fields(catalog_root)


def _with_demo_figure(root: Path, figure: str) -> None:
    (root / "catalog/demos/toy-demo.yaml").write_text(DEMO.format(figure=figure))


def test_a_missing_figure_is_named(catalog_root: Path) -> None:
    _with_demo(catalog_root, "figures/none.png")
    assert _fields(catalog_root) == {
        "figure": "error: file not found: catalog/demos/figures/none.png"
    }


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("added: 2026-11-21", "added: 2099-01-01", "added"),
        ("    date: 2026-11-20", "    date: 2099-06-30", "verified[0].date"),
        ("year: 2021", "year: 2099", "year"),
    ],
)
def test_dates_in_the_future_are_errors(catalog_root: Path, old: str, new: str, field: str) -> None:
    _edit(catalog_root, old, new)
    _, problems = validate(catalog_root)
    assert any(
        p.field == field and p.severity == "error" and "in the future" in p.message
        for p in problems
    )


def test_future_dates_of_other_kinds(catalog_root: Path) -> None:
    ds = catalog_root / "catalog/datasets/toy-cxr.yaml"
    ds.write_text(ds.read_text().replace("added: 2026-11-20", "added: 2099-01-01"))
    tech = catalog_root / "catalog/techniques/audio-to-text.yaml"
    tech.write_text(tech.read_text().replace("checked: 2026-11-20", "checked: 2030-01-01"))
    _, problems = validate(catalog_root)
    found = {(p.path.split("/")[-1], p.field) for p in problems}
    assert found == {("toy-cxr.yaml", "added"), ("audio-to-text.yaml", "literature.checked")}


def test_today_is_not_the_future(catalog_root: Path) -> None:
    import datetime as dt

    from tools.catalog.load import load_catalog
    from tools.catalog.trust import check_dates

    cat, _ = load_catalog(catalog_root)
    assert check_dates(cat, today=dt.date(2026, 11, 20)) == []  # a day of slack: the 21st is fine
    late = check_dates(cat, today=dt.date(2026, 11, 19))
    assert [(p.path.split("/")[-1], p.field) for p in late] == [("2101.00001.yaml", "added")]
    assert late[0].message == "2026-11-21 is in the future (today is 2026-11-19)"


@pytest.mark.parametrize(
    "title",
    [
        "A Tеst Pаper About Reports",  # Cyrillic е and а
        "Α Test Paper About Reports",  # Greek capital alpha
        "A Test Paper About Reports",  # fullwidth Latin (NFKC)
        "A Test Paper About Reports\u200b",  # zero-width space
    ],
)
def test_homoglyph_duplicate_titles_are_found(catalog_root: Path, title: str) -> None:
    second = catalog_root / "catalog/papers/2102.00002.yaml"
    text = (catalog_root / "catalog/papers/2101.00001.yaml").read_text()
    second.write_text(
        text.replace("2101.00001", "2102.00002").replace("A Test Paper About Reports", title)
    )
    assert "same title as `catalog/papers/" in _fields(catalog_root)["title"]


def test_fold_confusables_keeps_other_text() -> None:
    from tools.catalog.trust import fold_confusables

    assert fold_confusables("Тех Рауе") == "Tex Paye"  # Cyrillic look-alikes of Latin letters
    assert fold_confusables("Ärzte 医学") == "Ärzte 医学"
    assert normalise_title("Пример") != normalise_title("Example")


def test_mixed_script_host_is_a_warning(catalog_root: Path) -> None:
    _edit(
        catalog_root,
        "url: https://arxiv.org/abs/2101.00001",
        "url: https://аrxiv.org/abs/2101.00001",
    )
    _, problems = validate(catalog_root)
    assert sorted(f"{p.field}: {p.severity}: {p.message}" for p in problems) == [
        "url: error: аrxiv.org is rejected (look-alike of arxiv.org (xn--rxiv-43d.org)); link the "
        "canonical page instead",
        "url: warning: host `аrxiv.org` mixes letters of different scripts: is it a look-alike "
        "of another address?",
    ]
    _edit(catalog_root, "url: https://аrxiv.org/abs/2101.00001", "url: https://münchen.de/x")
    assert _fields(catalog_root) == {  # one script: no mixed-script warning, but not listed
        "url": "error: münchen.de is rejected (a host in non-Latin or look-alike letters "
        "(xn--mnchen-3ya.de) that is not listed); link the canonical page instead"
    }


def test_a_doi_entry_citing_an_arxiv_page_must_take_its_arxiv_id(catalog_root: Path) -> None:
    """The same work filed twice (arXiv id and DOI) is caught through the sources it cites."""
    from tests.tools.conftest import PAPER

    other = (
        PAPER.replace('id: "2101.00001"', 'id: "10-1000-same-work"')
        .replace('arxiv: "2101.00001"', 'doi: "10.1000/same.work"')
        .replace("title: A Test Paper About Reports", "title: The Published Version")
    )
    path = catalog_root / "catalog" / "papers" / "10-1000-same-work.yaml"
    path.write_text(other)
    _, problems = validate(catalog_root)
    found = [str(p) for p in problems if "cites arXiv" in p.message]
    assert found == [
        "catalog/papers/10-1000-same-work.yaml:14: verified[0].source: cites arXiv 2101.00001, "
        "the id of `catalog/papers/2101.00001.yaml`"
    ]
    (catalog_root / "catalog" / "papers" / "2101.00001.yaml").unlink()
    _, problems = validate(catalog_root)
    found = [str(p) for p in problems if "cites arXiv" in p.message]
    assert found == [
        "catalog/papers/10-1000-same-work.yaml:14: verified[0].source: cites arXiv 2101.00001 but "
        "the paper has no `arxiv`: a paper on arXiv takes its arXiv id (`arxiv` and id), the DOI "
        "stays in `doi`"
    ]
