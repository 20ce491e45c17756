"""`open_catalog`: a checked Catalog or one `CatalogError`; `Catalog.require` and `Catalog.folder`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.catalog.errors import CatalogInvalid, UnknownEntry
from tools.catalog.load import open_catalog, validate
from tools.catalog.problems import Severity


def test_a_valid_catalog_opens_checked(catalog_root: Path) -> None:
    cat = open_catalog(catalog_root)
    assert cat.root == catalog_root
    assert set(cat.techniques) == {"x-ray-to-text", "audio-to-text"}
    assert cat.warnings == []


def test_warnings_ride_along_on_the_catalog(catalog_root: Path) -> None:
    paper = catalog_root / "catalog" / "papers" / "2101.00001.yaml"
    paper.write_text(paper.read_text().replace("year: 2021", "year: 2025"))
    cat = open_catalog(catalog_root)
    assert [(w.field, w.severity) for w in cat.warnings] == [("year", Severity.warning)]
    assert "long after the arXiv id's year 2021" in cat.warnings[0].message


def test_an_invalid_catalog_raises_with_every_problem(catalog_root: Path) -> None:
    tech = catalog_root / "catalog" / "techniques" / "audio-to-text.yaml"
    tech.write_text(tech.read_text().replace("input: audio", "input: sound"))
    dataset = catalog_root / "catalog" / "datasets" / "toy-cxr.yaml"
    dataset.write_text(dataset.read_text().replace("access: open", "access: sometimes"))
    with pytest.raises(CatalogInvalid) as caught:
        open_catalog(catalog_root)
    exc = caught.value
    assert exc.exit_code == 1
    assert exc.problems == validate(catalog_root)[1]
    assert {p.path for p in exc.problems} >= {
        "catalog/techniques/audio-to-text.yaml",
        "catalog/datasets/toy-cxr.yaml",
    }
    assert str(exc) == f"the catalog has {len(exc.problems)} error(s); fix them first"
    assert "catalog/datasets/toy-cxr.yaml:" in exc.__notes__[0]


def test_a_missing_catalog_folder_is_invalid(tmp_path: Path) -> None:
    with pytest.raises(CatalogInvalid) as caught:
        open_catalog(tmp_path)
    assert [p.message for p in caught.value.problems] == ["catalog folder not found"]


def test_require_names_the_unknown_entry_and_a_near_miss(catalog_root: Path) -> None:
    cat = open_catalog(catalog_root)
    cat.require("technique", ["x-ray-to-text", "audio-to-text"])
    cat.require("paper", [])
    with pytest.raises(
        UnknownEntry, match=r"unknown technique `xray-to-text` \(did you mean `x-ray-to-text`\?\)"
    ):
        cat.require("technique", ["audio-to-text", "xray-to-text"])
    with pytest.raises(UnknownEntry, match=r"^unknown dataset `nothing-like-it`$"):
        cat.require("dataset", ["nothing-like-it"])


def test_folder_of_each_kind(catalog_root: Path) -> None:
    cat = open_catalog(catalog_root)
    assert cat.folder("paper") == catalog_root / "catalog" / "papers"
    assert cat.folder("technique") == catalog_root / "catalog" / "techniques"
    with pytest.raises(KeyError):
        cat.folder("modality")
