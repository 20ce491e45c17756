"""Related entries for the site's pages, and near-duplicate paper warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tools.catalog.load import load_catalog
from tools.catalog.problems import Severity
from tools.search.config import SearchConfig
from tools.search.duplicates import near_duplicate_pairs, near_duplicate_problems
from tools.search.engine import SearchEngine
from tools.search.related import nearest, related_entries


def test_nearest_excludes_self_and_sorts() -> None:
    v = np.eye(4, dtype=np.float32)
    v[1] = [0.8, 0.6, 0, 0]
    rows, sims = nearest(v, v, 2, exclude_diagonal=True)
    assert rows[0][0] == 1 and 0 not in rows[0]
    assert np.all(np.diff(sims, axis=1) <= 0)
    rows, _ = nearest(v[:1], v, 10, exclude_diagonal=False)
    assert rows.shape == (1, 4)


def test_related_entries_for_every_technique_and_paper(search_root: Path) -> None:
    cat, _ = load_catalog(search_root)
    related = related_entries(SearchEngine(cat, SearchConfig(root=search_root)), top=2)
    assert set(related) == {("technique", t) for t in cat.techniques} | {
        ("paper", p) for p in cat.papers
    }
    items = related[("technique", "mri-to-ct")]
    assert [k for k, _, _ in items] == ["technique", "technique", "paper", "paper"]
    assert ("technique", "mri-to-ct") not in [(k, i) for k, i, _ in items]
    assert items[2][1] == "2101.00003"
    paper_items = related[("paper", "2101.00002")]
    assert paper_items[0][:2] == ("technique", "audio-to-text")
    assert paper_items[2][1] != "2101.00002"


def test_near_duplicate_pairs_threshold() -> None:
    v = np.array([[1, 0], [0.99, 0.141], [0, 1]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    pairs = near_duplicate_pairs(["a", "b", "c"], v, 0.95)
    assert [(a, b) for a, b, _ in pairs] == [("a", "b")]
    assert near_duplicate_pairs(["a"], v[:1], 0.5) == []


def test_retitled_copy_is_warned_at_its_title(tmp_path: Path, catalog_writer: Any) -> None:
    root = catalog_writer(
        tmp_path / "repo",
        extra_papers={
            "2101.00009": (
                "Fixture: Generating Chest Radiograph Reports with a Transformer",
                "x-ray-to-text",
            )
        },
    )
    cat, _ = load_catalog(root)
    problems = near_duplicate_problems(cat, SearchConfig(root=root))
    assert {p.path for p in problems} == {
        "catalog/papers/2101.00001.yaml",
        "catalog/papers/2101.00009.yaml",
    }
    assert all(p.severity is Severity.warning and p.field == "title" for p in problems)
    assert "near-duplicate of paper `2101.00009`" in str(problems[0]) + str(problems[1])
