"""Check every URL in the catalog (`tools check-links`).

Concurrent with a per-host limit; HEAD first, GET where HEAD is refused; timeouts; retries with
exponential backoff on timeouts, connection errors and 429/5xx; redirects followed one hop at a time
so chains and loops are reported; results cached with dates so a daily run is cheap.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from tools.catalog.load import Catalog
from tools.catalog.yaml_source import dotted

USER_AGENT = "MedGenAtlas-linkcheck/1.0 (+https://github.com/)"
MAX_REDIRECTS = 10
RETRY_STATUSES = {429, 500, 502, 503, 504}
HEAD_REFUSED = {400, 403, 405, 501}


@dataclass(frozen=True)
class Location:
    """Where a URL appears: file, line and field."""

    path: str
    line: int
    field: str


@dataclass
class LinkResult:
    """The outcome for one URL."""

    url: str
    status: int | None
    ok: bool
    final_url: str
    redirects: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    method: str = "HEAD"
    checked: str = ""

    @property
    def redirected(self) -> bool:
        return bool(self.redirects)


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
class Checker:
    """Checks URLs; network behaviour is configurable for tests and CI."""

    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0
    per_host: int = 2
    workers: int = 8
    slow_seconds: float = 5.0
    sleep: Callable[[float], None] = time.sleep
    _locks: dict[str, threading.Semaphore] = field(default_factory=dict, init=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, init=False)

    def _host_lock(self, url: str) -> threading.Semaphore:
        host = urlsplit(url).netloc.lower()
        with self._guard:
            return self._locks.setdefault(host, threading.Semaphore(self.per_host))

    def check(self, url: str) -> LinkResult:
        """Follow one URL to its end, with HEAD (or GET where refused), retries and redirects."""
        start = time.perf_counter()
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        current, method = url, "HEAD"
        chain: list[str] = []
        try:
            for _ in range(MAX_REDIRECTS + 1):
                resp, method, error = self._request(session, current)
                if resp is None:
                    return self._done(url, None, current, chain, error, start, method)
                if resp.is_redirect or resp.status_code in (301, 302, 303, 307, 308):
                    target = urljoin(current, resp.headers.get("Location", ""))
                    chain.append(target)
                    if target == url or target in chain[:-1]:
                        return self._done(
                            url, resp.status_code, target, chain, "redirect loop", start, method
                        )
                    current = target
                    continue
                ok = 200 <= resp.status_code < 400
                return self._done(
                    url,
                    resp.status_code,
                    current,
                    chain,
                    None if ok else f"HTTP {resp.status_code}",
                    start,
                    method,
                )
            return self._done(
                url, None, current, chain, f"more than {MAX_REDIRECTS} redirects", start, method
            )
        finally:
            session.close()

    def _request(
        self, session: requests.Session, url: str
    ) -> tuple[requests.Response | None, str, str | None]:
        error: str | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                with self._host_lock(url):
                    resp = session.head(url, allow_redirects=False, timeout=self.timeout)
                    method = "HEAD"
                    if resp.status_code in HEAD_REFUSED:
                        resp = session.get(
                            url, allow_redirects=False, timeout=self.timeout, stream=True
                        )
                        resp.close()
                        method = "GET"
            except requests.Timeout:
                error = f"timed out after {self.timeout:g} s"
                continue
            except requests.ConnectionError:
                error = "connection failed"
                continue
            except requests.RequestException as exc:
                return None, "HEAD", f"request failed: {type(exc).__name__}"
            if resp.status_code in RETRY_STATUSES and attempt < self.retries:
                continue
            return resp, method, None
        return None, "HEAD", error

    def _done(
        self,
        url: str,
        status: int | None,
        final: str,
        chain: list[str],
        error: str | None,
        start: float,
        method: str,
    ) -> LinkResult:
        return LinkResult(
            url=url,
            status=status,
            ok=error is None,
            final_url=final,
            redirects=chain,
            error=error,
            seconds=round(time.perf_counter() - start, 3),
            method=method,
            checked=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        )

    def check_all(self, urls: list[str]) -> dict[str, LinkResult]:
        """Check many URLs concurrently (the per-host limit still applies)."""
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return dict(zip(urls, pool.map(self.check, urls), strict=True))


class LinkCache:
    """Results by URL with the time they were checked; entries older than `max_age` are rechecked."""

    def __init__(self, path: Path, max_age: dt.timedelta) -> None:
        self.path = path
        self.max_age = max_age
        self.entries: dict[str, dict[str, Any]] = {}
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("version") == 1:
                    self.entries = data.get("results", {})
            except (json.JSONDecodeError, OSError):
                self.entries = {}  # a corrupt cache is rebuilt, never trusted

    def fresh(self, url: str, now: dt.datetime) -> LinkResult | None:
        entry = self.entries.get(url)
        if not entry:
            return None
        try:
            checked = dt.datetime.fromisoformat(entry["checked"])
            result = LinkResult(**entry)
        except (KeyError, TypeError, ValueError):
            return None
        return result if now - checked <= self.max_age and result.ok else None

    def save(self, results: dict[str, LinkResult]) -> None:
        self.entries.update({url: asdict(r) for url, r in results.items()})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps({"version": 1, "results": self.entries}, indent=1), encoding="utf-8"
        )
        tmp.replace(self.path)


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
    urls = sorted(u for u in locations if not only_hosts or urlsplit(u).netloc in only_hosts)
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
