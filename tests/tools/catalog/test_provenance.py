"""`tools.catalog.provenance`: the provenance checks `validate` runs, on fixture catalogs."""

from __future__ import annotations

from pathlib import Path

from tools.catalog.load import validate

PAPER = "catalog/papers/2101.00001.yaml"
DATASET = "catalog/datasets/toy-cxr.yaml"


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _problems(root: Path) -> list[str]:
    return [str(p) for p in validate(root)[1]]


def test_the_fixture_catalog_is_clean(catalog_root: Path) -> None:
    assert _problems(catalog_root) == []


def test_a_source_on_a_rejected_host_is_an_error(catalog_root: Path) -> None:
    _edit(
        catalog_root,
        PAPER,
        "    fields: [title, authors, year]\n",
        "    fields: [title, authors, year]\n"
        "  - source: https://hf.zsm.im/papers/2101.00001.md\n    date: 2026-11-20\n",
    )
    assert _problems(catalog_root) == [
        f"{PAPER}:17: verified[1].source: hf.zsm.im is rejected (proxy of huggingface.co); cite "
        "the canonical page instead"
    ]


def test_rejected_url_and_code_links_are_errors(catalog_root: Path) -> None:
    _edit(
        catalog_root,
        PAPER,
        "code: [https://github.com/example/repo]",
        "code: [http://10.0.0.1/repo]",
    )
    _edit(catalog_root, PAPER, "url: https://arxiv.org/abs/2101.00001", "url: https://hf.zsm.im/x")
    found = _problems(catalog_root)
    assert (
        f"{PAPER}:6: url: hf.zsm.im is rejected (proxy of huggingface.co); link the canonical page instead"
        in found
    )
    assert any(
        p.startswith(f"{PAPER}:7: code[0]: 10.0.0.1 is rejected (a raw IP address") for p in found
    )


def test_an_unclassified_host_is_a_warning(catalog_root: Path) -> None:
    _edit(
        catalog_root,
        PAPER,
        "    fields: [title, authors, year]\n",
        "    fields: [title, authors, year]\n"
        "  - source: https://unknown.example/p\n    date: 2026-11-20\n",
    )
    assert _problems(catalog_root) == [
        f"{PAPER}:17: verified[1].source: warning: unclassified host unknown.example; add it to "
        "catalog/source_hosts.yaml"
    ]


def test_secondary_only_needs_a_note(catalog_root: Path) -> None:
    _edit(
        catalog_root,
        PAPER,
        "source: https://arxiv.org/abs/2101.00001",
        "source: https://paperswithcode.com/paper/x",
    )
    [warning] = _problems(catalog_root)
    assert warning.startswith(
        f"{PAPER}:13: verified: warning: no canonical source (a paper's own page"
    )
    _edit(
        catalog_root,
        PAPER,
        "added: 2026-11-21",
        "no_canonical_source:\n  checked: 2026-11-20\n"
        "  note: Searched for the title; only an index came back.\nadded: 2026-11-21",
    )
    assert _problems(catalog_root) == []


def test_another_projects_repository_is_not_canonical(catalog_root: Path) -> None:
    _edit(
        catalog_root,
        PAPER,
        "source: https://arxiv.org/abs/2101.00001",
        "source: https://github.com/other/repo",
    )
    [warning] = _problems(catalog_root)
    assert "no canonical source (a paper's own page" in warning
    _edit(
        catalog_root,
        PAPER,
        "source: https://github.com/other/repo",
        "source: https://github.com/example/repo",
    )
    assert _problems(catalog_root) == []  # the paper's own code repository is canonical


def test_a_paper_needs_a_canonical_source_for_title_and_authors(catalog_root: Path) -> None:
    _edit(catalog_root, PAPER, "fields: [title, authors, year]", "fields: [title, year]")
    assert _problems(catalog_root) == [
        f"{PAPER}:13: verified: warning: no canonical source confirmed the title and authors "
        "(`fields`); record what it confirmed, or add a `no_canonical_source` note"
    ]


def test_title_and_authors_may_come_from_two_canonical_sources(catalog_root: Path) -> None:
    _edit(
        catalog_root,
        PAPER,
        "    fields: [title, authors, year]\n",
        "    fields: [title, year]\n"
        "  - source: https://github.com/example/repo\n    date: 2026-11-20\n    fields: [authors]\n",
    )
    assert _problems(catalog_root) == []
    _edit(
        catalog_root,
        PAPER,
        "source: https://github.com/example/repo",
        "source: https://paperswithcode.com/paper/x",
    )
    [warning] = _problems(catalog_root)  # authors from an index only
    assert "no canonical source confirmed the title and authors" in warning


def test_a_note_beside_a_canonical_identity_source_is_stale(catalog_root: Path) -> None:
    _edit(
        catalog_root,
        PAPER,
        "added: 2026-11-21",
        "no_canonical_source:\n  checked: 2026-11-20\n  note: Nothing found.\nadded: 2026-11-21",
    )
    assert _problems(catalog_root) == [
        f"{PAPER}:17: no_canonical_source: warning: a canonical source is cited: drop the "
        "`no_canonical_source` note"
    ]


def test_a_dataset_needs_a_canonical_source(catalog_root: Path) -> None:
    _edit(
        catalog_root,
        DATASET,
        "  - source: https://example.org/toy-cxr",
        "  - source: https://paperswithcode.com/dataset/toy",
    )
    [warning] = _problems(catalog_root)
    assert warning.startswith(
        f"{DATASET}:8: verified: warning: no canonical source (a dataset's own page"
    )


def test_a_technique_with_few_papers_needs_a_literature_note(catalog_root: Path) -> None:
    path = catalog_root / "catalog/techniques/x-ray-to-text.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("literature:")] + text[text.index("added:") :])
    assert _problems(catalog_root) == [
        "catalog/techniques/x-ray-to-text.yaml:1: literature: warning: 1 paper(s) and no "
        "`literature` note: add one ({checked: <date>, note: ...}) saying what a search of the "
        "literature found"
    ]
