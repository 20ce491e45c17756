"""Check every URL in the catalog (`tools check-links`).

Concurrent with a per-host limit; HEAD first, GET where HEAD is refused; timeouts; retries with
exponential backoff on timeouts, connection errors and 429/5xx; redirects followed one hop at a time
so chains and loops are reported; results cached with dates so a daily run is cheap.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tempfile
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
from tools.http_guard import BlockedAddress, GuardedSession, retry_after

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
    """Checks URLs; network behaviour is configurable for tests and CI.

    `timeout` bounds each request in total (connecting, then the answer's headers, however slowly
    they trickle in). Private, loopback and link-local addresses are refused unless `allow_private`.
    A 429 or 503 with `Retry-After` waits as asked, up to `max_retry_after` seconds.
    """

    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0
    per_host: int = 2
    workers: int = 8
    slow_seconds: float = 5.0
    allow_private: bool = False
    max_retry_after: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    _locks: dict[str, threading.Semaphore] = field(default_factory=dict, init=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        for name, value, least in (
            ("timeout", self.timeout, 0.0),
            ("backoff", self.backoff, 0.0),
            ("max_retry_after", self.max_retry_after, 0.0),
        ):
            if not math.isfinite(value) or value < least or (name == "timeout" and value == 0):
                raise ValueError(f"{name} must be a finite number above 0 (got {value})")
        if self.retries < 0:
            raise ValueError(f"retries must be 0 or more (got {self.retries})")
        if self.per_host < 1 or self.workers < 1:
            raise ValueError("per_host and workers must be at least 1")

    def _host_lock(self, url: str) -> threading.Semaphore:
        key = host_key(url)
        with self._guard:
            return self._locks.setdefault(key, threading.Semaphore(self.per_host))

    def check(self, url: str) -> LinkResult:
        """Follow one URL to its end, with HEAD (or GET where refused), retries and redirects."""
        start = time.perf_counter()
        session = GuardedSession(allow_private=self.allow_private)
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
                    if urlsplit(target).scheme not in ("http", "https"):
                        return self._done(
                            url,
                            resp.status_code,
                            target,
                            chain,
                            "redirect to a non-http(s) address",
                            start,
                            method,
                        )
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

    def _send(self, session: GuardedSession, method: str, url: str) -> requests.Response:
        """One request, cut off once `timeout` seconds have passed in total."""
        with session.deadline(self.timeout):
            resp = session.request(
                method, url, allow_redirects=False, timeout=self.timeout, stream=True
            )
            resp.close()  # the status and headers are all a link check needs
        return resp

    def _request(
        self, session: GuardedSession, url: str
    ) -> tuple[requests.Response | None, str, str | None]:
        error: str | None = None
        wait: float | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(max(self.backoff * 2 ** (attempt - 1), wait or 0.0))
            wait = None
            try:
                with self._host_lock(url):
                    resp = self._send(session, "HEAD", url)
                    method = "HEAD"
                    if resp.status_code in HEAD_REFUSED:
                        resp = self._send(session, "GET", url)
                        method = "GET"
            except BlockedAddress as exc:
                return None, "HEAD", str(exc)
            except requests.RequestException as exc:
                if session.expired or isinstance(exc, requests.Timeout):
                    error = f"timed out after {self.timeout:g} s"
                elif isinstance(exc, requests.ConnectionError):
                    error = "connection failed"
                else:
                    return None, "HEAD", f"request failed: {type(exc).__name__}"
                continue
            if resp.status_code in RETRY_STATUSES and attempt < self.retries:
                wait = retry_after(resp.headers.get("Retry-After"))
                if wait is not None and wait > self.max_retry_after:
                    return resp, method, None  # asked to wait too long: report the status as is
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


def host_key(url: str) -> str:
    """The host a URL talks to, without userinfo or port: the key of the per-host limit."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    return (host or "").rstrip(".").lower()


class LinkCache:
    """Results by URL with the time they were checked; entries older than `max_age` are rechecked.

    A cache that cannot be trusted (not UTF-8, not JSON, another shape, entries with wrong types,
    naive or future timestamps) is rebuilt, and `notes` says so; nothing in it is ever trusted.
    """

    def __init__(self, path: Path, max_age: dt.timedelta) -> None:
        self.path = path
        self.max_age = max_age
        self.entries: dict[str, tuple[LinkResult, dt.datetime]] = {}
        self.notes: list[str] = []
        self.writable = True
        self._read(dt.datetime.now(dt.UTC))

    def _note(self, what: str) -> None:
        self.notes.append(f"link cache {self.path} {what}")

    def _read(self, now: dt.datetime) -> None:
        if self.path.is_dir():
            try:
                self.path.rmdir()
            except OSError:
                self.writable = False
                self._note("is a folder, not a file: results are not cached (remove it)")
                return
            self._note("was an empty folder; removed, and the cache rebuilt")
            return
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_bytes().decode("utf-8"))
        except OSError as exc:
            self._note(f"cannot be read ({exc.strerror}); rebuilt")
            return
        except UnicodeDecodeError:
            self._note("is not UTF-8 text; rebuilt")
            return
        except ValueError:
            self._note("is not valid JSON; rebuilt")
            return
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(results, dict):
            self._note("is not a version-1 cache (an object with a `results` object); rebuilt")
            return
        bad = 0
        for url, entry in results.items():
            parsed = _cached_result(url, entry, now)
            if parsed is None:
                bad += 1
            else:
                self.entries[url] = parsed
        if bad:
            self._note(f"had {bad} unreadable entr{'y' if bad == 1 else 'ies'}; rechecked")

    def fresh(self, url: str, now: dt.datetime) -> LinkResult | None:
        """The cached good result for `url` when younger than `max_age`, else None."""
        hit = self.entries.get(url)
        if hit is None:
            return None
        result, checked = hit
        return result if result.ok and now - checked <= self.max_age else None

    def save(self, results: dict[str, LinkResult]) -> None:
        """Add `results` and write the cache atomically; a failure to write becomes a note."""
        for url, result in results.items():
            parsed = _cached_result(url, asdict(result), dt.datetime.now(dt.UTC))
            if parsed is not None:
                self.entries[url] = parsed
        if not self.writable:
            return
        text = json.dumps(
            {"version": 1, "results": {u: asdict(r) for u, (r, _) in self.entries.items()}},
            indent=1,
        )
        tmp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, self.path)
        except OSError as exc:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            self._note(f"could not be written ({exc.strerror or exc}); results are not cached")


_CACHE_TYPES: dict[str, tuple[type, ...]] = {
    "url": (str,),
    "status": (int, type(None)),
    "ok": (bool,),
    "final_url": (str,),
    "redirects": (list,),
    "error": (str, type(None)),
    "seconds": (int, float),
    "method": (str,),
    "checked": (str,),
}
_FUTURE_SLACK = dt.timedelta(days=1)
"""A cached time later than now by more than this is not believed (a wrong clock or a hand edit)."""


def _cached_result(url: str, entry: Any, now: dt.datetime) -> tuple[LinkResult, dt.datetime] | None:
    """A cache entry as a result and its check time, or None when any part of it is wrong."""
    if not isinstance(entry, dict) or set(entry) != set(_CACHE_TYPES) or entry["url"] != url:
        return None
    for key, types in _CACHE_TYPES.items():
        value = entry[key]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            return None
    if not all(isinstance(r, str) for r in entry["redirects"]) or not math.isfinite(
        entry["seconds"]
    ):
        return None
    try:
        checked = dt.datetime.fromisoformat(entry["checked"])
    except ValueError:
        return None
    if checked.tzinfo is None or checked - now > _FUTURE_SLACK:
        return None
    return LinkResult(**entry), checked


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
