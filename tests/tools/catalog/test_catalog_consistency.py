"""The real catalog: valid, and internally consistent in the ways that matter to readers."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tools.catalog.ids import arxiv_year, doi_slug
from tools.catalog.load import Catalog, validate
from tools.catalog.problems import Severity
from tools.catalog.schema import DOI_RE

REPO = Path(__file__).resolve().parents[3]
# An arXiv paper without a DOI links to its arXiv page or to its page in the proceedings.
ARXIV_OR_PROCEEDINGS = (
    "https://arxiv.org/abs/",
    "https://openaccess.thecvf.com/",
    "https://openreview.net/forum?id=",
    "https://aclanthology.org/",
    "https://proceedings.mlr.press/",
    "https://proceedings.neurips.cc/",
    "https://papers.miccai.org/",
    "https://ojs.aaai.org/",
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    cat, problems = validate(REPO)
    errors = [str(p) for p in problems if p.severity is Severity.error]
    assert errors == [], "\n".join(errors)
    return cat


def test_sizes(catalog: Catalog) -> None:
    assert len(catalog.papers) >= 200
    with_papers = [t for t in catalog.techniques if catalog.papers_for(t)]
    assert len(with_papers) >= 60
    assert len(catalog.groups) == 11


def test_sampled_papers_are_consistent(catalog: Catalog) -> None:
    rng = random.Random(20261123)
    sample = rng.sample(sorted(catalog.papers), k=min(80, len(catalog.papers)))
    for pid in sample:
        paper = catalog.papers[pid]
        if paper.arxiv:
            assert re.fullmatch(r"\d{4}\.\d{4,5}", paper.arxiv), pid
            year = arxiv_year(paper.arxiv)
            assert year is not None and int(paper.arxiv[2:4]) in range(1, 13), pid
            assert paper.year >= year, pid
            assert pid == paper.arxiv
            assert paper.url.startswith(ARXIV_OR_PROCEEDINGS) or paper.doi, pid
        else:
            assert paper.doi and re.fullmatch(DOI_RE, paper.doi), pid
            assert pid == doi_slug(paper.doi)
        for tid in paper.techniques:
            assert paper in catalog.papers_for(tid), (pid, tid)  # the back-reference
        assert all(v.date.year >= 2024 for v in paper.verified), pid
        assert paper.summary.endswith(".")


def test_every_technique_has_papers_or_a_dated_note(catalog: Catalog) -> None:
    missing = [
        t.id
        for t in catalog.techniques.values()
        if not catalog.papers_for(t.id) and t.literature is None
    ]
    assert missing == []


def test_datasets_are_used(catalog: Catalog) -> None:
    used = {d for p in catalog.papers.values() for d in p.datasets} | {
        d.id for d in catalog.datasets.values() if d.techniques
    }
    assert set(catalog.datasets) <= used
