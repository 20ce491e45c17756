"""What's new: catalog additions by their `added` date, for the page and the Atom feed.

The page groups additions by month and collapses a bulk import (a day on which at least
`BULK_MIN` entries were added, such as the seed import) into one line with its counts.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from tools.catalog.load import Catalog
from tools.site.urls import dataset_page, demo_anchor, paper_page, technique_page

FEED_ENTRIES = 50
"""Entries in feed.xml (the newest)."""

PAGE_ENTRIES = 200
"""Entries listed one by one on the What's new page (the newest; bulk imports are one line)."""

BULK_MIN = 40
"""Entries added on one day from which that day reads as a bulk import, collapsed on the page.

Curated additions arrive a few a day; the seed import added hundreds on one day."""

KINDS = ("technique", "paper", "dataset", "demo")
"""Kinds of addition, in the order the page lists them."""


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
    """Techniques, papers, datasets and demos, newest first (ties by id, then kind)."""
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
    out += [
        Addition("demo", d.id, d.title, d.summary, d.added, demo_anchor(d.id))
        for d in cat.demos.values()
    ]
    order = {kind: i for i, kind in enumerate(KINDS)}
    out.sort(key=lambda a: (a.id, order[a.kind]))
    out.sort(key=lambda a: a.added, reverse=True)
    return out


@dataclass(frozen=True)
class BulkImport:
    """A day on which many entries were added at once, shown as one line."""

    added: dt.date
    counts: dict[str, int]
    initial: bool
    """Whether it is the catalog's first day (the seed import)."""

    @property
    def total(self) -> int:
        """Entries added that day."""
        return sum(self.counts.values())


@dataclass
class Month:
    """A month of What's new: its bulk imports and, by kind, the entries listed one by one."""

    year: int
    month: int
    bulk: list[BulkImport] = field(default_factory=list)
    kinds: dict[str, list[Addition]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """`November 2026`."""
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def anchor(self) -> str:
        """`added-2026-11`."""
        return f"added-{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class WhatsNew:
    """The What's new page: months newest first, and how many single entries were left out."""

    months: list[Month]
    listed: int
    left_out: int


def bulk_days(items: list[Addition], minimum: int = BULK_MIN) -> set[dt.date]:
    """Days with at least `minimum` additions."""
    per_day = Counter(item.added for item in items)
    return {day for day, n in per_day.items() if n >= minimum}


def whats_new(
    items: list[Addition], limit: int = PAGE_ENTRIES, minimum: int = BULK_MIN
) -> WhatsNew:
    """Additions (newest first) by month; each bulk day is one line, at most `limit` others listed.

    A month appears only when something was added in it.
    """
    bulk = bulk_days(items, minimum)
    first = min((item.added for item in items), default=None)
    months: dict[tuple[int, int], Month] = {}
    bulk_counts: dict[dt.date, Counter[str]] = {}
    listed = left_out = 0
    for item in items:
        key = (item.added.year, item.added.month)
        month = months.setdefault(key, Month(*key))
        if item.added in bulk:
            bulk_counts.setdefault(item.added, Counter())[item.kind] += 1
        elif listed < limit:
            month.kinds.setdefault(item.kind, []).append(item)
            listed += 1
        else:
            left_out += 1
    for day, counts in bulk_counts.items():  # newest day first, as the items came
        kinds = {kind: counts[kind] for kind in KINDS if counts[kind]}
        months[(day.year, day.month)].bulk.append(BulkImport(day, kinds, day == first))
    for month in months.values():
        month.kinds = {kind: month.kinds[kind] for kind in KINDS if kind in month.kinds}
    shown = [m for m in months.values() if m.bulk or m.kinds]
    return WhatsNew(shown, listed, left_out)


def recent(items: list[Addition], count: int, minimum: int = BULK_MIN) -> list[Addition]:
    """The newest `count` additions that are not part of a bulk import (for the home page)."""
    bulk = bulk_days(items, minimum)
    return [item for item in items if item.added not in bulk][:count]
