"""`tools.site.provenance`: what a paper or dataset page says about where its facts were checked."""

from __future__ import annotations

from pathlib import Path

from tools.catalog.load import load_catalog, open_catalog
from tools.site.provenance import provenance_view
from tools.site.render import render

REPO = Path(__file__).resolve().parents[3]
PAPER = "catalog/papers/2101.00001.yaml"
SOURCES = """\
verified:
  - source: https://arxiv.org/abs/2101.00001
    date: 2026-11-20
    fields: [title, authors, year]
  - source: https://github.com/example/repo/blob/main/README.md
    date: 2026-11-22
    fields: [code]
  - source: https://paperswithcode.com/paper/a-test-paper
    date: 2026-11-20
    fields: [summary]
  - source: https://github.com/someone/else
    date: 2026-11-20
"""


def _with_sources(root: Path, sources: str = SOURCES) -> None:
    path = root / PAPER
    text = path.read_text()
    start, end = text.index("verified:"), text.index("added:")
    path.write_text(text[:start] + sources + text[end:])


def _rendered_page(root: Path, tmp_path: Path) -> str:
    """The fixture paper's page, rendered from the catalog at `root`."""
    out = tmp_path / "docs"
    render(open_catalog(root), out, site_root=REPO)
    return (out / "papers" / "2101.00001.md").read_text()


def test_canonical_kinds_secondary_and_details(catalog_root: Path) -> None:
    _with_sources(catalog_root)
    cat = open_catalog(catalog_root)
    view = provenance_view(cat, cat.papers["2101.00001"])
    assert [(link.label, link.url) for link in view.canonical] == [
        ("arXiv", "https://arxiv.org/abs/2101.00001"),
        ("the official repository", "https://github.com/example/repo/blob/main/README.md"),
    ]
    assert view.checked is not None and view.checked.isoformat() == "2026-11-22"
    assert [link.label for link in view.secondary] == ["Papers with Code", "github.com"]
    assert not view.indexes_only  # another project's repository is not an index
    assert [link.label for link in view.sources] == [
        "arXiv",
        "the official repository",
        "Papers with Code (secondary)",
        "github.com (secondary)",
    ]


def test_a_rejected_source_is_never_shown(catalog_root: Path) -> None:
    _with_sources(
        catalog_root,
        SOURCES + "  - source: https://hf.zsm.im/papers/2101.00001.md\n    date: 2026-11-20\n",
    )
    cat, _ = load_catalog(catalog_root)  # validate would refuse it; the view still hides it
    view = provenance_view(cat, cat.papers["2101.00001"])
    assert all("hf.zsm.im" not in link.url for link in view.sources + view.secondary)


def test_the_page_says_what_was_checked(catalog_root: Path, tmp_path: Path) -> None:
    _with_sources(catalog_root)
    page = _rendered_page(catalog_root, tmp_path)
    assert (
        'Checked against <a href="https://arxiv.org/abs/2101.00001" rel="noopener nofollow">arXiv</a>'
        ' and <a href="https://github.com/example/repo/blob/main/README.md" rel="noopener nofollow">'
        "the official repository</a> (2026-11-22)."
    ) in page
    assert (
        "Also listed in secondary sources (indexes and other sites, not the work itself): " in page
    )
    assert ">Papers with Code</a>; <a" in page
    assert "No canonical page found" not in page


def test_the_note_is_shown_plainly(catalog_root: Path, tmp_path: Path) -> None:
    _with_sources(
        catalog_root,
        "verified:\n  - source: https://paperswithcode.com/paper/x\n    date: 2026-11-20\n"
        "no_canonical_source:\n  checked: 2026-11-21\n  note: Searched for the title; only an index.\n",
    )
    page = _rendered_page(catalog_root, tmp_path)
    assert (
        "<strong>No canonical page found</strong> (searched 2026-11-21): Searched for the title; "
        "only an index."
    ) in page
    assert "Also listed in indexes: " in page and "Checked against" not in page


def test_unconfirmed_title_and_authors_are_said(catalog_root: Path, tmp_path: Path) -> None:
    _with_sources(
        catalog_root,
        "verified:\n  - source: https://paperswithcode.com/paper/x\n    date: 2026-11-20\n"
        "    fields: [summary]\n"
        "no_canonical_source:\n  checked: 2026-11-21\n  note: Searched for the title; only an index.\n",
    )
    page = _rendered_page(catalog_root, tmp_path)
    assert "(author list not confirmed by a recorded source: see Provenance)" in page
    assert (
        "<strong>Unconfirmed</strong>: no source recorded here confirms the title or the authors; "
        "treat them as unchecked."
    ) in page


def test_a_note_beside_a_canonical_source_says_what_it_did_not_confirm(
    catalog_root: Path, tmp_path: Path
) -> None:
    _with_sources(
        catalog_root,
        "verified:\n  - source: https://arxiv.org/abs/2101.00001\n    date: 2026-11-20\n"
        "    fields: [title]\n  - source: https://paperswithcode.com/paper/x\n    date: 2026-11-20\n"
        "    fields: [authors]\n"
        "no_canonical_source:\n  checked: 2026-11-21\n  note: The arXiv excerpt showed no authors.\n",
    )
    page = _rendered_page(catalog_root, tmp_path)
    assert "<strong>No canonical page confirmed the title and authors</strong>" in page
    assert "No canonical page found" not in page and "Unconfirmed" not in page
    assert "author list not confirmed" not in page  # an index confirmed them: shown as such
