"""The real catalog: valid, and internally consistent in the ways that matter to readers."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tools.catalog.checks import normalise_title
from tools.catalog.ids import arxiv_year, doi_slug
from tools.catalog.load import Catalog, validate
from tools.catalog.problems import Problem, Severity
from tools.catalog.provenance import own_links, provenance
from tools.catalog.schema import DOI_RE
from tools.catalog.sources import HostClass

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


NOTED = REPO / "tests" / "tools" / "data" / "no_canonical_source.txt"
"""The papers allowed a `no_canonical_source` note (`python -m tools stats --provenance-missing`)."""
MAX_YEARS_AFTER_ARXIV = 3
"""A journal version may follow its preprint by a few years (validate warns beyond this)."""


@pytest.fixture(scope="module")
def checked() -> tuple[Catalog, list[Problem]]:
    return validate(REPO)


@pytest.fixture(scope="module")
def catalog(checked: tuple[Catalog, list[Problem]]) -> Catalog:
    return checked[0]


def test_the_catalog_validates_without_errors(checked: tuple[Catalog, list[Problem]]) -> None:
    errors = [str(p) for p in checked[1] if p.severity is Severity.error]
    assert errors == [], "\n".join(errors)


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


def test_every_paper_has_a_canonical_source_for_title_and_authors_or_a_listed_note(
    catalog: Catalog,
) -> None:
    assert catalog.hosts is not None
    missing = sorted(
        pid
        for pid, paper in catalog.papers.items()
        if not provenance(catalog.hosts, paper).canonical_identity
        and paper.no_canonical_source is None
    )
    assert missing == [], "no canonical source confirmed title and authors: " + ", ".join(missing)
    noted = sorted(pid for pid, p in catalog.papers.items() if p.no_canonical_source is not None)
    listed = NOTED.read_text(encoding="utf-8").split()
    assert noted == listed, (
        f"papers with a no_canonical_source note differ from {NOTED.name}: added "
        f"{sorted(set(noted) - set(listed))}, gone {sorted(set(listed) - set(noted))}"
    )


def test_arxiv_ids_match_years(catalog: Catalog) -> None:
    wrong = []
    for pid, paper in catalog.papers.items():
        first = arxiv_year(paper.arxiv) if paper.arxiv else None
        if paper.arxiv and not (first and 0 <= paper.year - first <= MAX_YEARS_AFTER_ARXIV):
            wrong.append(f"{pid}: year {paper.year}, arXiv year {first}")
    assert wrong == []


def test_doi_derived_ids_are_the_doi_slug(catalog: Catalog) -> None:
    wrong = [
        f"{pid} != {doi_slug(p.doi)}"
        for pid, p in catalog.papers.items()
        if not p.arxiv and (p.doi is None or pid != doi_slug(p.doi))
    ]
    assert wrong == []


def test_no_two_papers_share_a_normalised_title(catalog: Catalog) -> None:
    by_title: dict[str, list[str]] = {}
    for pid, paper in catalog.papers.items():
        by_title.setdefault(normalise_title(paper.title), []).append(pid)
    assert [ids for ids in by_title.values() if len(ids) > 1] == []


def _sources(catalog: Catalog) -> list[tuple[str, str, str, HostClass]]:
    """(entry, field, url, class) of every source and link of every paper and dataset."""
    assert catalog.hosts is not None
    out = []
    for kind, entries in (("paper", catalog.papers), ("dataset", catalog.datasets)):
        for eid, entry in entries.items():
            links = [(f"verified[{i}]", v.source) for i, v in enumerate(entry.verified)]
            links += [("url", entry.url)] + [("code", u) for u in getattr(entry, "code", [])]
            links += [("pdf", entry.pdf)] if getattr(entry, "pdf", None) else []
            for name, url in links:
                cls = catalog.hosts.classify(url, own_links(entry), kind).cls
                out.append((eid, name, url, cls))
    return out


def test_every_source_host_is_classified(catalog: Catalog) -> None:
    unclassified = sorted(
        {
            url.split("/")[2]
            for _, name, url, cls in _sources(catalog)
            if name.startswith("verified") and cls is HostClass.unclassified
        }
    )
    assert unclassified == [], "add these hosts to catalog/source_hosts.yaml: " + ", ".join(
        unclassified
    )


def test_no_rejected_source_anywhere(catalog: Catalog) -> None:
    rejected = [
        f"{eid} {name}: {url}"
        for eid, name, url, cls in _sources(catalog)
        if cls is HostClass.rejected
    ]
    assert rejected == [], "\n".join(rejected)
