"""What the page templates show, computed from the `Catalog` (templates only lay it out).

Everything here returns plain data; escaping happens in the templates (jinja2 autoescape).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tools.catalog.load import Catalog
from tools.catalog.schema import Dataset, Demo, Modality, Paper, Technique
from tools.site.markdown import safe_url

LEVEL_BOUNDS: tuple[int, ...] = (1, 3, 6, 11)
"""Paper counts at which a matrix cell moves to the next colour level (0 papers is level 0)."""


def paper_level(count: int) -> int:
    """The colour level (0-4) of a technique with `count` papers."""
    return sum(1 for bound in LEVEL_BOUNDS if count >= bound)


def level_labels() -> list[str]:
    """Legend text for each colour level, derived from LEVEL_BOUNDS."""
    labels = ["no papers yet"]
    bounds = list(LEVEL_BOUNDS)
    for i, low in enumerate(bounds):
        high = bounds[i + 1] - 1 if i + 1 < len(bounds) else None
        if high is None:
            labels.append(f"{low}+ papers")
        elif high == low:
            labels.append(f"{low} paper" + ("" if low == 1 else "s"))
        else:
            labels.append(f"{low}-{high} papers")
    return labels


def technique_title(cat: Catalog, tid: str) -> str:
    """A technique's title; its id when it has none or is not in the catalog."""
    tech = cat.techniques.get(tid)
    return tech.title.strip() if tech is not None and tech.title.strip() else tid


@dataclass(frozen=True)
class Cell:
    """One matrix cell: the technique for an (input, output) pair, if any."""

    technique: Technique | None
    papers: int = 0
    demos: int = 0

    @property
    def level(self) -> int:
        """Colour level by paper count."""
        return paper_level(self.papers)

    @property
    def counts(self) -> str:
        """`3 papers, demo`; `no technique yet` for an empty cell."""
        if self.technique is None:
            return "no technique yet"
        papers = "1 paper" if self.papers == 1 else f"{self.papers} papers"
        demos = "" if not self.demos else ", demo" if self.demos == 1 else f", {self.demos} demos"
        return papers + demos

    def label(self, row: Modality, col: Modality) -> str:
        """What a screen reader announces: `MRI to CT: 3 papers, demo`."""
        return f"{row.label} to {col.label}: {self.counts}"


@dataclass
class Matrix:
    """Inputs down, outputs across; the axes are the modalities used by some technique."""

    rows: list[Modality]
    cols: list[Modality]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    def cell(self, row: str, col: str) -> Cell:
        """The cell at (input row, output column); empty when no technique exists."""
        return self.cells.get((row, col), Cell(None))


def modality_order(cat: Catalog) -> list[Modality]:
    """Modalities in display order: by group (as listed), parents before their children."""
    group_rank = {gid: i for i, gid in enumerate(cat.groups)}
    listed = {slug: i for i, slug in enumerate(cat.modalities)}

    def key(mod: Modality) -> tuple[int, int, int]:
        root = mod
        while root.parent and root.parent in cat.modalities:
            root = cat.modalities[root.parent]
        return (group_rank.get(mod.group, len(group_rank)), listed[root.slug], listed[mod.slug])

    return sorted(cat.modalities.values(), key=key)


def build_matrix(cat: Catalog) -> Matrix:
    """The modality matrix: rows are inputs, columns outputs, both in display order.

    Every modality that some technique uses (on either side) is on both axes, so a pair that
    exists the other way round, or nowhere, shows as a visible gap.
    """
    used = {t.input for t in cat.techniques.values()} | {t.output for t in cat.techniques.values()}
    axis = [m for m in modality_order(cat) if m.slug in used]
    matrix = Matrix(rows=axis, cols=axis)
    for tech in cat.techniques.values():
        matrix.cells[(tech.input, tech.output)] = Cell(
            tech, len(cat.papers_for(tech.id)), len(cat.demos_for(tech.id))
        )
    return matrix


@dataclass(frozen=True)
class PaperRow:
    """A paper as a row of a papers table, with its outbound links vetted."""

    paper: Paper
    authors_short: str
    page_url: str | None
    arxiv_url: str | None
    pdf_url: str | None
    doi_url: str | None
    code: list[str]

    @property
    def has_code(self) -> bool:
        """Whether an official code repository is linked."""
        return bool(self.code)


def short_authors(authors: list[str], keep: int = 3, complete: bool = True) -> str:
    """`A, B, C et al.` when the list is longer than `keep` or known to be incomplete."""
    if len(authors) <= keep:
        return ", ".join(authors) + ("" if complete else " et al.")
    return ", ".join(authors[:keep]) + " et al."


_ARXIV_VERSION = re.compile(r"v\d+$")


def same_address(a: str, b: str) -> bool:
    """Whether two URLs name the same page: scheme, `www.`, a trailing slash, an arXiv version
    and the case of a DOI do not count."""

    def key(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url.strip())
        host = parts.netloc.lower().removeprefix("www.")
        path = parts.path.rstrip("/")
        if host == "arxiv.org":
            path = _ARXIV_VERSION.sub("", path)
        if host in {"doi.org", "dx.doi.org"}:
            host, path = "doi.org", path.lower()
        return host, path, parts.query

    return key(a) == key(b)


def paper_row(paper: Paper) -> PaperRow:
    """The table row of a paper; `page_url` is None when an outbound link already goes there."""
    arxiv = safe_url(f"https://arxiv.org/abs/{paper.arxiv}") if paper.arxiv else None
    pdf = safe_url(paper.pdf)
    doi = safe_url(f"https://doi.org/{paper.doi}") if paper.doi else None
    page = safe_url(paper.url)
    if page and any(other and same_address(page, other) for other in (arxiv, pdf, doi)):
        page = None
    return PaperRow(
        paper=paper,
        authors_short=short_authors(paper.authors, complete=paper.authors_complete),
        page_url=page,
        arxiv_url=arxiv,
        pdf_url=pdf,
        doi_url=doi,
        code=[u for u in (safe_url(c) for c in paper.code) if u],
    )


def papers_using_dataset(cat: Catalog, dataset_id: str) -> list[Paper]:
    """Papers that list a dataset, newest first."""
    found = [p for p in cat.papers.values() if dataset_id in p.datasets]
    return sorted(found, key=lambda p: (-p.year, p.title.lower()))


def related_techniques(cat: Catalog, tech: Technique) -> list[Technique]:
    """Techniques this one names as related, then those naming it, then its reverse pair."""
    ids = list(dict.fromkeys(tech.related))
    ids += [t.id for t in cat.techniques.values() if tech.id in t.related and t.id not in ids]
    reverse = f"{tech.output}-to-{tech.input}"
    if reverse != tech.id and reverse not in ids:
        ids.append(reverse)
    return [cat.techniques[i] for i in ids if i in cat.techniques]


def demos_using_paper(cat: Catalog, paper_id: str) -> list[str]:
    """Ids of demos that implement a paper."""
    return sorted(d.id for d in cat.demos.values() if d.paper == paper_id)


def modality_datasets(cat: Catalog, slug: str) -> list[Dataset]:
    """Datasets holding a modality, by name."""
    found = [d for d in cat.datasets.values() if slug in d.modalities]
    return sorted(found, key=lambda d: d.name.lower())


@dataclass(frozen=True)
class TechniquePapers:
    """One section of the papers index: a technique and its papers, newest first."""

    technique: Technique
    title: str
    papers: list[Paper]


@dataclass(frozen=True)
class GroupPapers:
    """A group of the papers index: its techniques with papers, by the input's group."""

    id: str
    label: str
    sections: list[TechniquePapers]

    @property
    def paper_count(self) -> int:
        """Distinct papers in the group (a paper under two of its techniques counts once)."""
        return len({p.id for s in self.sections for p in s.papers})


def papers_by_group(cat: Catalog) -> list[GroupPapers]:
    """The papers index: techniques with papers, grouped by their input modality's group.

    Groups follow `modalities.yaml`, techniques the matrix order (input, then output); a paper
    under several techniques is listed under each. Techniques without papers are left out.
    """
    rank = {m.slug: i for i, m in enumerate(modality_order(cat))}
    ordered = sorted(
        cat.techniques.values(),
        key=lambda t: (rank.get(t.input, len(rank)), rank.get(t.output, len(rank)), t.id),
    )
    by_group: dict[str, list[TechniquePapers]] = {}
    for tech in ordered:
        papers = cat.papers_for(tech.id)
        if papers:
            gid = cat.group_of(tech.input) or ""
            section = TechniquePapers(tech, technique_title(cat, tech.id), papers)
            by_group.setdefault(gid, []).append(section)
    groups = [
        GroupPapers(gid, group.label, by_group.pop(gid))
        for gid, group in cat.groups.items()
        if gid in by_group
    ]
    groups += [GroupPapers(gid or "other", "Other", s) for gid, s in by_group.items()]
    return groups


def demo_techniques(cat: Catalog, demo: Demo) -> list[Technique]:
    """The techniques a demo illustrates: those it names, then those naming it."""
    ids = list(dict.fromkeys(demo.techniques))
    ids += [t.id for t in cat.techniques.values() if demo.id in t.demos and t.id not in ids]
    return [cat.techniques[i] for i in ids if i in cat.techniques]
