"""Check one URL to its end: HEAD (GET where refused), retries with backoff and Retry-After,
redirects one hop at a time so chains and loops are reported, and a per-host concurrency limit.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests

from tools.links.guard import BlockedAddress, GuardedSession, retry_after

USER_AGENT = "MedGenAtlas-linkcheck/1.0 (+https://github.com/)"
MAX_REDIRECTS = 10
RETRY_STATUSES = {429, 500, 502, 503, 504}
HEAD_REFUSED = {400, 403, 405, 501}


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
