"""`tools check-links` against a local server: every kind of answer, reported exactly."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from tools.catalog.load import load_catalog
from tools.cli import app
from tools.links import Checker, LinkCache, check_links

runner = CliRunner()


class Server(http.server.BaseHTTPRequestHandler):
    """/ok 200, /moved -> /moved2 -> /ok, /gone 410, /missing 404, /broken 500, /slow, /nohead, /loop."""

    calls: ClassVar[dict[str, int]] = {}

    def _answer(self, head: bool) -> None:
        path = self.path
        Server.calls[path] = Server.calls.get(path, 0) + 1
        route = HOSTILE.get(path.split("?")[0])
        if route is not None:
            route(self)
            return
        routes = {
            "/moved": (301, "/moved2"),
            "/moved2": (302, "/ok"),
            "/loop": (302, "/loop2"),
            "/loop2": (302, "/loop"),
        }
        if path in routes:
            code, target = routes[path]
            self.send_response(code)
            self.send_header("Location", target)
            self.end_headers()
            return
        if path == "/nohead" and head:
            self.send_response(405)
            self.end_headers()
            return
        if path == "/slow":
            time.sleep(1.0)
        code = {"/gone": 410, "/missing": 404, "/broken": 500}.get(path, 200)
        try:
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            if not head:
                self.wfile.write(b"ok")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def log_message(self, *args: object) -> None:
        pass


def _send(handler: http.server.BaseHTTPRequestHandler, code: int, **headers: str) -> None:
    try:
        handler.send_response(code)
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    except (BrokenPipeError, ConnectionResetError):
        pass


def _rate_limited_once(handler: http.server.BaseHTTPRequestHandler) -> None:
    first = Server.calls[handler.path] == 1
    _send(handler, 429, Retry_After="2") if first else _send(handler, 200)


def _trickle(handler: http.server.BaseHTTPRequestHandler) -> None:
    """The status line and headers, one byte every 0.1 s (each read is fast; the whole is not)."""
    try:
        for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Padding: " + b"x" * 40:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.1)
    except (BrokenPipeError, ConnectionResetError):
        pass
    handler.close_connection = True


ACTIVE = {"now": 0, "max": 0}
ACTIVE_LOCK = threading.Lock()


def _count_concurrency(handler: http.server.BaseHTTPRequestHandler) -> None:
    with ACTIVE_LOCK:
        ACTIVE["now"] += 1
        ACTIVE["max"] = max(ACTIVE["max"], ACTIVE["now"])
    time.sleep(0.15)
    with ACTIVE_LOCK:
        ACTIVE["now"] -= 1
    _send(handler, 200)


HOSTILE = {
    "/limited-once": _rate_limited_once,
    "/limited-long": lambda h: _send(h, 429, Retry_After="3600"),
    "/trickle": _trickle,
    "/to-loopback": lambda h: _send(h, 302, Location="http://127.0.0.2:9/secret"),
    "/to-internal-name": lambda h: _send(h, 302, Location="http://intranet.test:9/admin"),
    "/to-file": lambda h: _send(h, 302, Location="file:///etc/passwd"),
    "/concurrency": _count_concurrency,
    "/to-escape": lambda h: _send(h, 301, Location="/ok?\x1b[2J\x1b]0;pwned\x07"),
}
"""Answers a hostile or careless server gives, by path."""


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}"  # by name: a catalog refuses raw IPs
    server.shutdown()


PATHS = ["/ok", "/moved", "/gone", "/missing", "/broken", "/slow", "/nohead", "/loop"]


def catalog_with_links(root: Path, base: str) -> Path:
    """Point the fixture dataset's URL and the paper's verified sources at the local server."""
    ds = root / "catalog/datasets/toy-cxr.yaml"
    ds.write_text(
        ds.read_text()
        .replace("url: https://example.org/toy-cxr", f"url: {base}/ok")
        .replace("  - source: https://example.org/toy-cxr", f"  - source: {base}/ok")
    )
    paper = root / "catalog/papers/2101.00001.yaml"
    sources = "".join(f"  - source: {base}{p}\n    date: 2026-11-20\n" for p in PATHS[1:])
    text = paper.read_text()
    text = text.replace("url: https://arxiv.org/abs/2101.00001", f"url: {base}/ok")
    text = text.replace(
        "  - source: https://arxiv.org/abs/2101.00001\n    date: 2026-11-20\n", sources
    )
    text = text.replace("code: [https://github.com/example/repo]\n", "")
    paper.write_text(text)
    return root


def test_report_is_exactly_right(catalog_root: Path, base: str) -> None:
    cat, problems = load_catalog(catalog_with_links(catalog_root, base))
    assert problems == []
    checker = Checker(timeout=0.5, retries=1, backoff=0.01, slow_seconds=0.4, allow_private=True)
    report = check_links(cat, checker, cache=None)
    res = report.results
    assert set(res) == {base + p for p in PATHS}
    assert res[f"{base}/ok"].ok and res[f"{base}/ok"].status == 200
    moved = res[f"{base}/moved"]
    assert (
        moved.ok
        and moved.redirects == [f"{base}/moved2", f"{base}/ok"]
        and moved.final_url == f"{base}/ok"
    )
    assert (res[f"{base}/gone"].status, res[f"{base}/gone"].error) == (410, "HTTP 410")
    assert (res[f"{base}/missing"].status, res[f"{base}/missing"].error) == (404, "HTTP 404")
    assert (res[f"{base}/broken"].status, res[f"{base}/broken"].error) == (500, "HTTP 500")
    assert res[f"{base}/slow"].error == "timed out after 0.5 s"
    nohead = res[f"{base}/nohead"]
    assert nohead.ok and nohead.method == "GET" and nohead.status == 200
    assert res[f"{base}/loop"].error == "redirect loop"
    assert sorted(r.url for r in report.dead) == sorted(
        f"{base}{p}" for p in ["/gone", "/missing", "/broken", "/slow", "/loop"]
    )
    assert [r.url for r in report.redirected] == [f"{base}/moved"]
    data = report.to_json()
    gone = next(d for d in data["dead"] if d["url"].endswith("/gone"))
    assert gone["locations"] == [
        {"path": "catalog/papers/2101.00001.yaml", "line": 15, "field": "verified[1].source"}
    ]
    ok_locs = {(loc.path, loc.field) for loc in report.locations[f"{base}/ok"]}
    assert ok_locs == {
        ("catalog/papers/2101.00001.yaml", "url"),
        ("catalog/datasets/toy-cxr.yaml", "url"),
        ("catalog/datasets/toy-cxr.yaml", "verified[0].source"),
    }
    table = report.to_table()
    assert "8 URL(s) (0 from cache): 5 dead, 1 redirected, 0 slow" in table
    assert "catalog/papers/2101.00001.yaml:15: verified[1].source" in table


def test_500_is_retried_with_backoff(base: str) -> None:
    waits: list[float] = []
    before = Server.calls.get("/broken", 0)
    result = Checker(retries=2, backoff=0.25, sleep=waits.append, allow_private=True).check(
        f"{base}/broken"
    )
    assert result.status == 500 and waits == [0.25, 0.5]
    assert Server.calls["/broken"] - before == 3


def test_slow_but_alive_is_reported_slow(base: str) -> None:
    from tools.links import Report

    result = Checker(timeout=3, slow_seconds=0.5, allow_private=True).check(f"{base}/slow")
    report = Report({result.url: result}, {}, slow_seconds=0.5)
    assert result.ok and [r.url for r in report.slow] == [f"{base}/slow"]


def test_cache_makes_a_second_run_cheap_and_corrupt_cache_is_rebuilt(
    catalog_root: Path, base: str, tmp_path: Path
) -> None:
    cat, _ = load_catalog(catalog_with_links(catalog_root, base))
    cache_path = tmp_path / "links.json"
    checker = Checker(timeout=0.5, retries=0, allow_private=True)
    check_links(cat, checker, LinkCache(cache_path, dt.timedelta(days=1)))
    before = dict(Server.calls)
    second = check_links(cat, checker, LinkCache(cache_path, dt.timedelta(days=1)))
    assert second.cached == 3  # /ok, /moved and /nohead (good results) came from the cache
    assert Server.calls.get("/ok") == before.get("/ok")
    stale = check_links(cat, checker, LinkCache(cache_path, dt.timedelta(seconds=0)))
    assert stale.cached == 0
    cache_path.write_text("{not json")
    rebuilt = check_links(cat, checker, LinkCache(cache_path, dt.timedelta(days=1)))
    assert rebuilt.cached == 0 and json.loads(cache_path.read_text())["version"] == 1


def test_cli_exit_code_and_json(catalog_root: Path, base: str, tmp_path: Path) -> None:
    root = catalog_with_links(catalog_root, base)
    # keep only good links so the CLI's success path is exercised too
    paper = root / "catalog/papers/2101.00001.yaml"
    text = paper.read_text()
    for p in PATHS[1:]:
        text = text.replace(f"{base}{p}\n", f"{base}/ok\n") if p != "/moved" else text
    paper.write_text(text)
    out = tmp_path / "report.json"
    res = runner.invoke(
        app,
        [
            "check-links",
            "--no-cache",
            "--allow-private",
            "--timeout",
            "0.5",
            "--json",
            str(out),
            "--root",
            str(root),
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["dead"] == []
    paper.write_text(text.replace(f"url: {base}/ok", f"url: {base}/gone"))
    res = runner.invoke(
        app,
        ["check-links", "--no-cache", "--allow-private", "--timeout", "0.5", "--root", str(root)],
    )
    assert res.exit_code == 1 and "/gone  410  HTTP 410" in res.output


def test_retry_after_on_429_is_obeyed(base: str) -> None:
    waits: list[float] = []
    checker = Checker(retries=2, backoff=0.01, sleep=waits.append, allow_private=True)
    result = checker.check(f"{base}/limited-once")
    assert result.ok and result.status == 200 and waits == [2.0]


def test_retry_after_longer_than_the_limit_is_not_waited_for(base: str) -> None:
    waits: list[float] = []
    checker = Checker(retries=3, sleep=waits.append, allow_private=True, max_retry_after=60)
    result = checker.check(f"{base}/limited-long")
    assert (result.status, result.error, waits) == (429, "HTTP 429", [])


def test_a_trickling_server_is_cut_off_at_the_timeout(base: str) -> None:
    start = time.perf_counter()
    result = Checker(timeout=0.6, retries=0, allow_private=True).check(f"{base}/trickle")
    assert result.error == "timed out after 0.6 s"
    assert time.perf_counter() - start < 2.5  # the answer would take 7 s to trickle in


def test_loopback_is_refused_by_default_and_nothing_is_sent(base: str) -> None:
    before = Server.calls.get("/ok", 0)
    result = Checker(retries=2, sleep=lambda s: None).check(f"{base}/ok")
    assert not result.ok and result.status is None
    assert result.error is not None and "a loopback address" in result.error
    assert "--allow-private" in result.error
    assert Server.calls.get("/ok", 0) == before


@pytest.fixture
def loopback_looks_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat 127.0.0.1 (the test server) as public, and resolve intranet.test to 10.1.2.3."""
    import socket

    from tools.links import guard as http_guard

    real_kind, real_resolve = http_guard.address_kind, socket.getaddrinfo

    def kind(ip: object) -> str | None:
        return None if str(ip) == "127.0.0.1" else real_kind(ip)  # type: ignore[arg-type]

    def resolve(host: str, *args: object, **kwargs: object) -> object:
        if host == "intranet.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 9))]
        return real_resolve(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(http_guard, "address_kind", kind)
    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/to-loopback", "refused: 127.0.0.2 is a loopback address"),
        ("/to-internal-name", "refused: intranet.test resolves to 10.1.2.3, a private address"),
        ("/to-file", "redirect to a non-http(s) address"),
    ],
)
def test_redirects_to_internal_addresses_are_refused(
    base: str, loopback_looks_public: None, path: str, error: str
) -> None:
    result = Checker(retries=0).check(f"{base}{path}")
    assert not result.ok and result.error is not None and result.error.startswith(error)
    assert result.redirects and result.status in (None, 302)


def test_per_host_limit_keys_on_the_host_alone(base: str) -> None:
    from tools.links import host_key

    port = base.rsplit(":", 1)[1]
    assert host_key(f"http://user:pw@EXAMPLE.org.:{port}/x") == "example.org"
    urls = [f"http://u{i}@127.0.0.1:{port}/concurrency?{i}" for i in range(4)]
    ACTIVE.update(now=0, max=0)
    Checker(per_host=1, workers=4, allow_private=True).check_all(urls)
    assert ACTIVE["max"] == 1


def test_checker_refuses_values_that_would_hang_or_do_nothing() -> None:
    for kwargs in (
        {"retries": -1},
        {"per_host": 0},
        {"timeout": 0},
        {"timeout": float("inf")},
        {"timeout": float("nan")},
        {"workers": 0},
    ):
        with pytest.raises(ValueError):
            Checker(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--retries", "-1"], "Invalid value for '--retries': must be at least 0"),
        (["--per-host", "0"], "Invalid value for '--per-host': must be at least 1"),
        (["--per-host", "-1"], "Invalid value for '--per-host': must be at least 1"),
        (["--timeout", "0"], "Invalid value for '--timeout': must be above 0"),
        (["--timeout", "nan"], "Invalid value for '--timeout': must be above 0"),
        (["--max-age-days", "1e308"], "Invalid value for '--max-age-days': must be at least 0"),
        (["--json", "no/such/folder/r.json"], "folder no/such/folder does not exist"),
    ],
)
def test_cli_refuses_bad_options_before_any_request(
    catalog_root: Path, base: str, args: list[str], message: str
) -> None:
    root = catalog_with_links(catalog_root, base)
    before = sum(Server.calls.values())
    res = runner.invoke(app, ["check-links", "--allow-private", *args, "--root", str(root)])
    assert res.exit_code == 2, res.output
    assert message in " ".join(res.output.split()) and "Traceback" not in res.output
    assert sum(Server.calls.values()) == before


def test_cli_prints_the_cache_note(catalog_root: Path, base: str) -> None:
    root = catalog_with_links(catalog_root, base)
    (root / ".cache").mkdir()
    (root / ".cache" / "links.json").write_bytes(b"\xff")
    res = runner.invoke(
        app,
        [
            "check-links",
            "--allow-private",
            "--timeout",
            "0.5",
            "--retries",
            "0",
            "--root",
            str(root),
        ],
    )
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "note: link cache" in res.output and "is not UTF-8 text; rebuilt" in res.output
    assert json.loads((root / ".cache" / "links.json").read_text())["version"] == 1


def test_a_redirect_target_reaches_the_terminal_escaped(catalog_root: Path, base: str) -> None:
    root = catalog_with_links(catalog_root, base)
    ds = root / "catalog/datasets/toy-cxr.yaml"
    ds.write_text(ds.read_text().replace(f"url: {base}/ok", f"url: {base}/to-escape"))
    res = runner.invoke(
        app, ["check-links", "--no-cache", "--allow-private", "--timeout", "2", "--root", str(root)]
    )
    assert "Traceback" not in res.output
    assert "\x1b" not in res.output and "\x07" not in res.output
    assert "/ok?\\x1b[2J\\x1b]0;pwned\\x07 (1 hop(s))" in res.output
