"""What a paper or dataset page says about where its facts were checked, by kind of source.

"Checked against arXiv, the publisher and the official repository (2026-12-02)": one link per
kind of canonical source; secondary sources (indexes, catalogues) listed apart and labelled as
such; the `no_canonical_source` note shown plainly. A rejected source is never shown, nor is any
address `safe_url` refuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tools.catalog.load import Catalog
from tools.catalog.provenance import provenance
from tools.catalog.schema import Dataset, Paper
from tools.catalog.sources import HostClass
from tools.site.markdown import safe_url

INDEX_PREFIX = "an index: "


@dataclass(frozen=True)
class Link:
    """A source as a page links it: the kind's label, the address, what it confirmed."""

    label: str
    url: str
    date: dt.date
    fields: tuple[str, ...] = ()


@dataclass
class ProvenanceView:
    """A page's provenance: canonical kinds (one link each), secondary links, the note."""

    canonical: list[Link] = field(default_factory=list)
    secondary: list[Link] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)
    """Every shown source with what it confirmed, canonical ones first."""
    note: str | None = None
    note_checked: dt.date | None = None
    indexes_only: bool = True
    """Whether every secondary source is an index (the page then says "indexes")."""
    unconfirmed: tuple[str, ...] = ()
    """A paper's `title`/`authors` that no shown source (of any class) confirmed."""

    @property
    def checked(self) -> dt.date | None:
        """The latest date a canonical source was checked."""
        return max((link.date for link in self.canonical), default=None)


def _short(label: str) -> str:
    """`an index: Papers with Code` -> `Papers with Code` (the heading already says index)."""
    return label.removeprefix(INDEX_PREFIX)


def provenance_view(cat: Catalog, entry: Paper | Dataset) -> ProvenanceView:
    """The provenance of an entry as its page shows it (nothing classified when the catalog's
    host file is missing: every source is then listed as secondary, never as canonical)."""
    view = ProvenanceView()
    if entry.no_canonical_source is not None:
        view.note = entry.no_canonical_source.note
        view.note_checked = entry.no_canonical_source.checked
    if cat.hosts is None:
        classified = [(v, HostClass.unclassified, "") for v in entry.verified]
    else:
        found = provenance(cat.hosts, entry)
        classified = [(v, c.cls, c.label) for _, v, c in found.sources]
    seen: dict[str, Link] = {}
    canonical_sources, other_sources = [], []
    for v, cls, label in classified:
        url = safe_url(v.source)
        if cls is HostClass.rejected or url is None:
            continue
        shown = label or _host(url)
        link = Link(shown, url, v.date, tuple(v.fields))
        if cls is HostClass.canonical:
            canonical_sources.append(link)
            if shown not in seen:
                seen[shown] = link
                view.canonical.append(link)
        else:
            name = _secondary_name(shown, url)
            other_sources.append(Link(f"{name} (secondary)", url, v.date, tuple(v.fields)))
            view.indexes_only = view.indexes_only and shown.startswith(INDEX_PREFIX)
            if all(s.label != name for s in view.secondary):
                view.secondary.append(Link(name, url, v.date, tuple(v.fields)))
    view.sources = canonical_sources + other_sources
    if isinstance(entry, Paper):
        confirmed = {f for link in view.sources for f in link.fields}
        view.unconfirmed = tuple(f for f in ("title", "authors") if f not in confirmed)
    return view


def _secondary_name(label: str, url: str) -> str:
    """A secondary source's link text: the index's name (`Papers with Code`), or the host where the
    label names only the kind of site (`a paper aggregator` -> `sciencestack.ai`)."""
    short = _short(label)
    return _host(url) if short.startswith(("a ", "an ")) else short


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")
