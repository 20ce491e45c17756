"""Provenance: what each entry's `verified` sources are (canonical, secondary, rejected) and the
checks `validate` runs on them.

- error: a source (or the `url`, `pdf`, a `code` link) on a rejected host;
- warning: a source on a host `catalog/source_hosts.yaml` does not classify;
- warning: a paper or dataset with no canonical source and no `no_canonical_source` note; a paper
  whose canonical sources did not confirm its title and authors, without a note;
- warning: a technique with fewer than `MIN_PAPERS` papers and no `literature` note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tools.catalog.problems import Problem, Severity
from tools.catalog.schema import Dataset, Paper, Verification
from tools.catalog.sources import HOSTS_FILE, Classified, HostClass, SourceHosts

if TYPE_CHECKING:
    from tools.catalog.load import Catalog, Source

MIN_PAPERS = 3
"""A technique with fewer papers carries a dated `literature` note saying what a search found."""
IDENTITY_FIELDS = frozenset({"title", "authors"})
"""What a paper's canonical source must confirm."""


@dataclass
class Provenance:
    """An entry's sources by class, in the order they are listed, with their index in `verified`."""

    sources: list[tuple[int, Verification, Classified]] = field(default_factory=list)

    def of(self, cls: HostClass) -> list[tuple[int, Verification, Classified]]:
        """The sources of one class."""
        return [item for item in self.sources if item[2].cls is cls]

    @property
    def canonical(self) -> bool:
        """Whether any source is canonical."""
        return bool(self.of(HostClass.canonical))

    @property
    def canonical_identity(self) -> bool:
        """Whether canonical sources confirmed the title and the authors (one may confirm the
        title, another the authors: the arXiv page and the official repository's citation)."""
        seen = {f for _, v, _ in self.of(HostClass.canonical) for f in v.fields}
        return seen >= IDENTITY_FIELDS


def own_links(entry: Paper | Dataset) -> list[str]:
    """The entry's own addresses: a source under one of them is the entry's own page or repository."""
    return [entry.url, *getattr(entry, "code", [])]


def provenance(hosts: SourceHosts, entry: Paper | Dataset) -> Provenance:
    """Classify every `verified` source of a paper or dataset."""
    kind = "paper" if isinstance(entry, Paper) else "dataset"
    own = own_links(entry)
    return Provenance(
        [(i, v, hosts.classify(v.source, own, kind)) for i, v in enumerate(entry.verified)]
    )


def _problem(
    src: Source, field: str, loc: tuple[str | int, ...], message: str, warn: bool
) -> Problem:
    severity = Severity.warning if warn else Severity.error
    return Problem(src.path, src.line(*loc), field, message, severity)


def _entry_problems(
    hosts: SourceHosts, src: Source, entry: Paper | Dataset, kind: str
) -> list[Problem]:
    out = []
    found = provenance(hosts, entry)
    for i, _, c in found.sources:
        loc: tuple[str | int, ...] = ("verified", i, "source")
        if c.cls is HostClass.rejected:
            message = f"{c.host} is rejected ({c.label}); cite the canonical page instead"
            out.append(_problem(src, f"verified[{i}].source", loc, message, warn=False))
        elif c.cls is HostClass.unclassified:
            message = f"unclassified host {c.host}; add it to {HOSTS_FILE}"
            out.append(_problem(src, f"verified[{i}].source", loc, message, warn=True))
    links: list[tuple[str, tuple[str | int, ...], str]] = [("url", ("url",), entry.url)]
    pdf = getattr(entry, "pdf", None)
    if pdf:
        links.append(("pdf", ("pdf",), pdf))
    links += [(f"code[{i}]", ("code", i), u) for i, u in enumerate(getattr(entry, "code", []))]
    for name, loc, url in links:
        c = hosts.classify(url, own_links(entry), kind)
        if c.cls is HostClass.rejected:
            message = f"{c.host} is rejected ({c.label}); link the canonical page instead"
            out.append(_problem(src, name, loc, message, warn=False))
    out += _identity_problems(src, entry, kind, found)
    return out


def _identity_problems(
    src: Source, entry: Paper | Dataset, kind: str, found: Provenance
) -> list[Problem]:
    noted = entry.no_canonical_source is not None
    if not found.canonical and not noted:
        message = (
            f"no canonical source (a {kind}'s own page: arXiv, the publisher, PubMed, the "
            "proceedings, the official repository or site); cite one, or add a "
            "`no_canonical_source` note saying where you searched"
        )
        return [_problem(src, "verified", ("verified",), message, warn=True)]
    if kind == "paper" and found.canonical and not found.canonical_identity and not noted:
        message = (
            "no canonical source confirmed the title and authors (`fields`); record what it "
            "confirmed, or add a `no_canonical_source` note"
        )
        return [_problem(src, "verified", ("verified",), message, warn=True)]
    if noted and (found.canonical_identity if kind == "paper" else found.canonical):
        message = "a canonical source is cited: drop the `no_canonical_source` note"
        loc = ("no_canonical_source",)
        return [_problem(src, "no_canonical_source", loc, message, warn=True)]
    return []


def check_provenance(cat: Catalog) -> list[Problem]:
    """Sources on rejected or unlisted hosts, and entries without a canonical source."""
    if cat.hosts is None:
        return []
    out = []
    for pid, paper in cat.papers.items():
        out += _entry_problems(cat.hosts, cat.source("paper", pid), paper, "paper")
    for did, ds in cat.datasets.items():
        out += _entry_problems(cat.hosts, cat.source("dataset", did), ds, "dataset")
    return out


def check_literature(cat: Catalog) -> list[Problem]:
    """A technique with fewer than three papers says, in a dated note, what a search found."""
    out = []
    for tid, tech in cat.techniques.items():
        n = len(cat.papers_for(tid))
        if n < MIN_PAPERS and tech.literature is None:
            src = cat.source("technique", tid)
            message = (
                f"{n} paper(s) and no `literature` note: add one ({{checked: <date>, note: ...}}) "
                "saying what a search of the literature found"
            )
            out.append(
                Problem(src.path, src.line("literature"), "literature", message, Severity.warning)
            )
    return out
