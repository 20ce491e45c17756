"""A built site served on 127.0.0.1 and Debian's chromium, for benchmarks that browse a site
(the browser tests have the same as fixtures in tests/browser/conftest.py)."""

from __future__ import annotations

import functools
import http.server
import shutil
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the browser dropping a connection it no longer needs is not an error here


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) while the block runs; yields the base URL."""
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian chromium through Playwright (SystemExit with the reason when missing)."""
    if shutil.which("chromium") is None or not Path(CHROMIUM).exists():
        raise SystemExit(f"Debian's chromium is not installed at {CHROMIUM} (make browser-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def built_fixture_site(work: Path) -> Path:
    """The browser tests' basic fixture catalog rendered and built with mkdocs under `work`."""
    from tests.support.site_engine import build, engine_config
    from tools.catalog.load import open_catalog
    from tools.site.render import render

    root = work / "repo"
    shutil.copytree(REPO / "tests" / "browser" / "catalogs" / "basic", root)
    docs, site = work / "docs", work / "site"
    render(open_catalog(root), docs, site_root=REPO)
    build("mkdocs", engine_config(REPO, docs, site, work / "mkdocs.yml"))
    return site
