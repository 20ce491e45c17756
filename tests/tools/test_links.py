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


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
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
    checker = Checker(timeout=0.5, retries=1, backoff=0.01, slow_seconds=0.4)
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
    result = Checker(retries=2, backoff=0.25, sleep=waits.append).check(f"{base}/broken")
    assert result.status == 500 and waits == [0.25, 0.5]
    assert Server.calls["/broken"] - before == 3


def test_slow_but_alive_is_reported_slow(base: str) -> None:
    from tools.links import Report

    result = Checker(timeout=3, slow_seconds=0.5).check(f"{base}/slow")
    report = Report({result.url: result}, {}, slow_seconds=0.5)
    assert result.ok and [r.url for r in report.slow] == [f"{base}/slow"]


def test_cache_makes_a_second_run_cheap_and_corrupt_cache_is_rebuilt(
    catalog_root: Path, base: str, tmp_path: Path
) -> None:
    cat, _ = load_catalog(catalog_with_links(catalog_root, base))
    cache_path = tmp_path / "links.json"
    checker = Checker(timeout=0.5, retries=0)
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
        ["check-links", "--no-cache", "--timeout", "0.5", "--json", str(out), "--root", str(root)],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["dead"] == []
    paper.write_text(text.replace(f"url: {base}/ok", f"url: {base}/gone"))
    res = runner.invoke(app, ["check-links", "--no-cache", "--timeout", "0.5", "--root", str(root)])
    assert res.exit_code == 1 and "/gone  410  HTTP 410" in res.output
