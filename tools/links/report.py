"""The catalog's URLs with where they appear, and the report of a run: dead, redirected, slow."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from tools.catalog.load import Catalog
from tools.catalog.yaml_source import dotted
from tools.links.cache import LinkCache
from tools.links.checker import Checker, LinkResult, host_key


@dataclass(frozen=True)
class Location:
    """Where a URL appears: file, line and field."""

    path: str
    line: int
    field: str


def catalog_urls(cat: Catalog) -> dict[str, list[Location]]:
    """Every http(s) URL in the catalog with the places that hold it."""
    found: dict[str, list[Location]] = defaultdict(list)
    for source in cat.sources.values():
        doc = source.doc
        if doc.data is None:  # vocabulary items (modalities.yaml) keep no data and hold no URLs
            continue
        for loc, value in _walk(doc.data, ()):
            if isinstance(value, str) and value.startswith(("http://", "https://")):
                found[value].append(Location(source.path, doc.line_of(loc), dotted(loc)))
    return dict(found)


def _walk(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*loc, index))
    else:
        yield loc, value


@dataclass
class Report:
    """The outcome of a run: every URL with where it appears."""

    results: dict[str, LinkResult]
    locations: dict[str, list[Location]]
    slow_seconds: float
    cached: int = 0

    @property
    def dead(self) -> list[LinkResult]:
        return [r for r in self.results.values() if not r.ok]

    @property
    def redirected(self) -> list[LinkResult]:
        return [r for r in self.results.values() if r.ok and r.redirected]

    @property
    def slow(self) -> list[LinkResult]:
        return [r for r in self.results.values() if r.ok and r.seconds >= self.slow_seconds]

    def to_json(self) -> dict[str, Any]:
        def row(r: LinkResult) -> dict[str, Any]:
            return {
                **asdict(r),
                "locations": [asdict(loc) for loc in self.locations.get(r.url, [])],
            }

        return {
            "checked": len(self.results),
            "from_cache": self.cached,
            "dead": [row(r) for r in sorted(self.dead, key=lambda r: r.url)],
            "redirected": [row(r) for r in sorted(self.redirected, key=lambda r: r.url)],
            "slow": [row(r) for r in sorted(self.slow, key=lambda r: r.url)],
        }

    def to_table(self) -> str:
        lines = [
            f"checked {len(self.results)} URL(s) ({self.cached} from cache): {len(self.dead)} dead, {len(self.redirected)} redirected, {len(self.slow)} slow"
        ]
        for title, rows in (
            ("dead", self.dead),
            ("redirected", self.redirected),
            ("slow", self.slow),
        ):
            if not rows:
                continue
            lines += ["", f"{title}:"]
            for r in sorted(rows, key=lambda r: r.url):
                what = r.error or (
                    f"-> {r.final_url} ({len(r.redirects)} hop(s))"
                    if title == "redirected"
                    else f"{r.seconds:.1f} s"
                )
                lines.append(f"  {r.url}  {r.status or '-'}  {what}")
                lines += [
                    f"    {loc.path}:{loc.line}: {loc.field}"
                    for loc in self.locations.get(r.url, [])
                ]
        return "\n".join(lines)


def check_links(
    cat: Catalog, checker: Checker, cache: LinkCache | None, only_hosts: set[str] | None = None
) -> Report:
    """Check the catalog's URLs, reusing fresh cached results."""
    locations = catalog_urls(cat)
    urls = sorted(u for u in locations if not only_hosts or host_key(u) in only_hosts)
    now = dt.datetime.now(dt.UTC)
    results: dict[str, LinkResult] = {}
    todo = []
    for url in urls:
        hit = cache.fresh(url, now) if cache else None
        if hit is not None:
            results[url] = hit
        else:
            todo.append(url)
    fresh = checker.check_all(todo)
    if cache is not None:
        cache.save(fresh)
    results.update(fresh)
    return Report(results, locations, checker.slow_seconds, cached=len(urls) - len(todo))
