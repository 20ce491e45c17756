"""`tools.stats`: coverage counts and their report."""

from __future__ import annotations

from pathlib import Path

from tools.catalog.load import Catalog, open_catalog
from tools.stats import (
    coverage,
    format_coverage,
    format_provenance,
    noted_without_canonical,
    provenance_counts,
)


def test_coverage_counts(catalog_root: Path) -> None:
    data = coverage(open_catalog(catalog_root))
    assert (data["techniques"], data["papers"], data["datasets"], data["demos"]) == (2, 1, 1, 0)
    assert data["modalities"] == 4
    assert data["techniques_with_papers"] == 1
    assert data["techniques_without_papers"] == ["audio-to-text"]
    assert data["techniques_without_papers_noted"] == ["audio-to-text"]
    assert data["techniques_without_papers_unexplained"] == []
    assert data["papers_per_technique"] == {"audio-to-text": 0, "x-ray-to-text": 1}
    assert data["papers_per_group"] == {"text": 1, "image": 1, "audio": 0}
    assert data["papers_per_year"] == {2021: 1} and data["papers_per_kind"] == {"method": 1}
    assert (data["papers_with_code"], data["share_with_code"]) == (1, 1.0)


def test_a_gap_without_a_dated_literature_note_is_unexplained(catalog_root: Path) -> None:
    path = catalog_root / "catalog" / "techniques" / "audio-to-text.yaml"
    text = path.read_text()
    start, end = text.index("literature:"), text.index("added:")
    path.write_text(text[:start] + text[end:])
    data = coverage(open_catalog(catalog_root))
    assert data["techniques_without_papers_noted"] == []
    assert data["techniques_without_papers_unexplained"] == ["audio-to-text"]


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
    assert "techniques without papers, with a dated literature note: 1" in lines
    assert "techniques without papers and no note: 0" in lines


def test_provenance_counts_and_table(catalog_root: Path) -> None:
    paper = catalog_root / "catalog" / "papers" / "2101.00001.yaml"
    paper.write_text(
        paper.read_text()
        .replace(
            "added: 2026-11-21",
            "no_canonical_source:\n  checked: 2026-11-20\n  note: Only an index.\nadded: 2026-11-21",
        )
        .replace("source: https://arxiv.org/abs/2101.00001", "source: https://paperswithcode.com/p")
    )
    cat = open_catalog(catalog_root)
    data = provenance_counts(cat)
    assert data["papers"] == {
        "total": 1,
        "canonical": {"count": 0, "share": 0.0},
        "canonical_title_authors": {"count": 0, "share": 0.0},
        "secondary_only_noted": {"count": 1, "share": 1.0},
        "secondary_only_unnoted": {"count": 0, "share": 0.0},
    }
    assert data["datasets"]["canonical"] == {"count": 1, "share": 1.0}
    assert "canonical_title_authors" not in data["datasets"]
    assert data["top_hosts"] == {
        "canonical": {"example.org": 1},
        "secondary": {"paperswithcode.com": 1},
        "rejected": {},
        "unclassified": {},
    }
    lines = format_provenance(data).splitlines()
    assert [line.split() for line in lines[3:5]] == [
        ["canonical", "source", "for", "title+authors", "0", "(0%)", "-"],
        ["secondary", "only,", "with", "a", "note", "1", "(100%)", "0", "(0%)"],
    ]
    assert "  canonical     example.org 1" in lines
    assert noted_without_canonical(cat) == ["2101.00001"]
    assert coverage(cat)["provenance"] == data
