"""What's new: additions of every kind, months, bulk imports collapsed, the entry limit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tools.catalog.load import validate
from tools.site.feed import Addition, additions, bulk_days, recent, whats_new

REPO = Path(__file__).resolve().parents[3]
BASIC = REPO / "tests" / "browser" / "catalogs" / "basic"


def _add(kind: str, n: int, day: dt.date) -> list[Addition]:
    return [Addition(kind, f"{kind}-{i}", f"T {i}", "S.", day, f"{kind}s/{i}.md") for i in range(n)]


def _newest_first(items: list[Addition]) -> list[Addition]:
    return sorted(items, key=lambda a: a.added, reverse=True)


SEED = dt.date(2026, 11, 23)


def test_additions_cover_every_kind_newest_first() -> None:
    cat, _ = validate(BASIC)
    items = additions(cat)
    kinds = {a.kind for a in items}
    assert kinds == {"technique", "paper", "dataset", "demo"}
    assert len(items) == len(cat.techniques) + len(cat.papers) + len(cat.datasets) + len(cat.demos)
    assert [a.added for a in items] == sorted((a.added for a in items), reverse=True)
    demo = next(a for a in items if a.kind == "demo")
    assert demo.page == "demos.md#demo-toy-demo"


def test_months_group_by_kind_and_skip_empty_months() -> None:
    items = _newest_first(
        _add("paper", 2, dt.date(2027, 3, 2))
        + _add("dataset", 1, dt.date(2027, 3, 1))
        + _add("technique", 1, dt.date(2026, 12, 5))
    )
    news = whats_new(items, minimum=10)
    # January and February 2027 had nothing: no heading for them
    assert [m.label for m in news.months] == ["March 2027", "December 2026"]
    assert [m.anchor for m in news.months] == ["added-2027-03", "added-2026-12"]
    march = news.months[0]
    assert list(march.kinds) == ["paper", "dataset"]  # the page's kind order
    assert [a.id for a in march.kinds["paper"]] == ["paper-0", "paper-1"]
    assert march.bulk == [] and news.listed == 4 and news.left_out == 0


def test_a_bulk_day_is_one_line_with_counts_and_the_initial_flag() -> None:
    later = dt.date(2026, 12, 1)
    items = _newest_first(
        _add("paper", 3, later)
        + _add("paper", 30, SEED)
        + _add("technique", 8, SEED)
        + _add("dataset", 5, SEED)
    )
    assert bulk_days(items, minimum=40) == {SEED}
    news = whats_new(items, minimum=40)
    december, november = news.months
    assert december.bulk == [] and len(december.kinds["paper"]) == 3
    assert november.kinds == {}  # every November entry is in the one line
    (line,) = november.bulk
    assert line.added == SEED and line.initial and line.total == 43
    assert line.counts == {"technique": 8, "paper": 30, "dataset": 5}
    assert news.listed == 3  # bulk entries are not listed one by one
    assert [a.added for a in recent(items, 10, minimum=40)] == [later] * 3


def test_a_later_bulk_day_is_not_called_initial() -> None:
    items = _newest_first(_add("paper", 50, dt.date(2027, 1, 9)) + _add("paper", 50, SEED))
    news = whats_new(items, minimum=40)
    assert [(b.added, b.initial) for m in news.months for b in m.bulk] == [
        (dt.date(2027, 1, 9), False),
        (SEED, True),
    ]


def test_a_day_below_the_threshold_is_listed() -> None:
    items = _add("paper", 39, SEED)
    news = whats_new(items, minimum=40)
    assert news.months[0].bulk == [] and news.listed == 39


def test_the_limit_counts_what_is_left_out() -> None:
    items = _newest_first(_add("paper", 5, dt.date(2027, 2, 1)) + _add("paper", 5, SEED))
    news = whats_new(items, limit=7, minimum=100)
    assert news.listed == 7 and news.left_out == 3
    assert [len(m.kinds["paper"]) for m in news.months] == [5, 2]
    only_bulk = whats_new(items, limit=0, minimum=100)
    assert only_bulk.months == [] and only_bulk.left_out == 10  # nothing shown, no empty months


def test_nothing_added() -> None:
    news = whats_new([])
    assert news.months == [] and news.listed == 0 and news.left_out == 0
    assert recent([], 8) == []
