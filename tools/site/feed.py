"""What's new: catalog additions by their `added` date, for the page and the Atom feed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tools.catalog.load import Catalog
from tools.site.urls import dataset_page, paper_page, technique_page

FEED_ENTRIES = 50
"""Entries in feed.xml (the newest)."""

PAGE_ENTRIES = 200
"""Entries listed on the What's new page (the newest)."""


@dataclass(frozen=True)
class Addition:
    """One entry added to the catalog."""

    kind: str
    id: str
    title: str
    summary: str
    added: dt.date
    page: str

    @property
    def tag(self) -> str:
        """A stable Atom id that does not depend on where the site is hosted."""
        return f"tag:medgen-atlas,{self.added.isoformat()}:{self.kind}/{self.id}"


def additions(cat: Catalog) -> list[Addition]:
    """Techniques, papers and datasets, newest first (ties by kind, then id)."""
    out = [
        Addition("technique", t.id, t.title, t.summary, t.added, technique_page(t.id))
        for t in cat.techniques.values()
    ]
    out += [
        Addition("paper", p.id, p.title, p.summary, p.added, paper_page(p.id))
        for p in cat.papers.values()
    ]
    out += [
        Addition("dataset", d.id, d.name, d.summary, d.added, dataset_page(d.id))
        for d in cat.datasets.values()
    ]
    order = {"technique": 0, "paper": 1, "dataset": 2}
    out.sort(key=lambda a: (a.id, order[a.kind]))
    out.sort(key=lambda a: a.added, reverse=True)
    return out


def by_date(items: list[Addition]) -> list[tuple[dt.date, list[Addition]]]:
    """Additions grouped by date, newest date first (input already sorted newest first)."""
    groups: dict[dt.date, list[Addition]] = {}
    for item in items:
        groups.setdefault(item.added, []).append(item)
    return list(groups.items())
