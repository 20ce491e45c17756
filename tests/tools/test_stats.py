"""`tools.stats`: coverage counts and their report."""

from __future__ import annotations

from pathlib import Path

from tools.catalog.load import Catalog, open_catalog
from tools.stats import coverage, format_coverage


def test_coverage_counts(catalog_root: Path) -> None:
    data = coverage(open_catalog(catalog_root))
    assert (data["techniques"], data["papers"], data["datasets"], data["demos"]) == (2, 1, 1, 0)
    assert data["modalities"] == 4
    assert data["techniques_with_papers"] == 1
    assert data["techniques_without_papers"] == ["audio-to-text"]
    assert data["techniques_without_papers_noted"] == []
    assert data["techniques_without_papers_unexplained"] == ["audio-to-text"]
    assert data["papers_per_technique"] == {"audio-to-text": 0, "x-ray-to-text": 1}
    assert data["papers_per_group"] == {"text": 1, "image": 1, "audio": 0}
    assert data["papers_per_year"] == {2021: 1} and data["papers_per_kind"] == {"method": 1}
    assert (data["papers_with_code"], data["share_with_code"]) == (1, 1.0)


def test_a_dated_literature_note_explains_a_gap(catalog_root: Path) -> None:
    path = catalog_root / "catalog" / "techniques" / "audio-to-text.yaml"
    path.write_text(
        path.read_text()
        + "literature:\n  checked: 2026-11-20\n  note: Searched arXiv; nothing published yet.\n"
    )
    data = coverage(open_catalog(catalog_root))
    assert data["techniques_without_papers_noted"] == ["audio-to-text"]
    assert data["techniques_without_papers_unexplained"] == []


def test_an_empty_catalog_has_no_share(tmp_path: Path) -> None:
    data = coverage(Catalog(root=tmp_path))
    assert data["papers"] == 0 and data["share_with_code"] == 0.0


def test_report_lists_groups_years_and_gaps(catalog_root: Path) -> None:
    text = format_coverage(coverage(open_catalog(catalog_root)))
    lines = text.splitlines()
    assert lines[0] == "techniques  2 (1 with papers)"
    assert lines[1] == "papers      1 (1 with code, share 100%)"
    assert "  text                      1" in lines and "  audio                     0" in lines
    assert "  2021                      1" in lines
    assert "  x-ray-to-text                               1" in lines
    assert "  audio-to-text" in lines  # listed under the techniques without papers and no note
    assert "techniques without papers and no note: 1" in lines
