"""Shared fixtures for the site's tests: sites built once per session, served on 127.0.0.1, and
Debian's chromium driven by Playwright.

Fixtures (use them from any test file in tests/browser/):

- ``site_build`` (session): the fixture catalog ``catalogs/basic`` rendered with the real
  ``site_src/`` and ``mkdocs.yml`` and built with mkdocs; a ``SiteBuild`` with ``root`` (the
  fixture repository root), ``docs`` (the rendered Markdown tree) and ``site`` (the built HTML).
- ``site_url`` (session): base URL (ending in ``/``) of ``site_build.site`` served by http.server.
- ``hostile_build`` / ``hostile_url`` (session): the same for a copy of the fixture catalog whose
  every free-text field carries script-injection payloads (``PAYLOAD``).
- ``hostile_zensical_url`` (session): the hostile catalog built with zensical (skips without it).
- ``wide_build`` / ``wide_url`` (session): a synthetic catalog (16 modalities, 120 techniques,
  30 papers) whose matrix is wider than a phone.
- ``artifacts`` (session): the screenshot folder (``test-artifacts/``); ``payload``: ``PAYLOAD``.
- ``browser`` (session): a headless chromium ``playwright.sync_api.Browser``; skips the test with
  a clear reason when /usr/bin/chromium (Debian's package) or playwright is missing.
- ``page`` (function): a fresh page in a new context; ``page.console_errors`` (a list) collects
  console errors and uncaught page errors, ``page.dialogs`` the dialogs that opened (and were
  dismissed), ``page.foreign_requests`` the requests that left 127.0.0.1.

- ``serve_folder`` (session): a function ``serve_folder(folder) -> base URL`` that serves any folder
  on 127.0.0.1 until the session ends (e.g. a copy of ``site_build.site`` with extra files).

Helpers (module-level, for this conftest): ``build_site(catalog_root, workdir, engine)``,
``serve(folder)``. Screenshots go to
``test-artifacts/`` at the repository root (git-ignored).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import socketserver
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CATALOGS = Path(__file__).resolve().parent / "catalogs"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]

PAYLOAD = (
    ' <script>window.__xss="script"</script>'
    '<img src="x" onerror="window.__xss=\'onerror\';alert(1)">'
    " [click](javascript:alert(2))"
    ' <a href="javascript:alert(3)">js-link</a>'
    " </title><svg onload=alert(4)>"
)
"""Injected into every free-text field of the hostile catalog; the text must show, nothing run."""

FREE_TEXT = {
    "title",
    "summary",
    "description",
    "text",
    "note",
    "label",
    "name",
    "size",
    "license",
    "aliases",
    "authors",
    "keywords",
    "venue",
    "figure_caption",
    "gpu",
    "command",
    "fields",
}
"""Field names whose values are free text (ids, slugs, URLs, dates and enums are validated)."""


@dataclass(frozen=True)
class SiteBuild:
    """A fixture catalog rendered and built."""

    root: Path
    docs: Path
    site: Path


def build_site(catalog_root: Path, workdir: Path, engine: str = "mkdocs") -> SiteBuild:
    """Render `catalog_root` with the real site_src and mkdocs.yml, then build it with `engine`."""
    from tests.support.site_engine import build, engine_config
    from tools.catalog.load import open_catalog
    from tools.site.render import render

    docs, site = workdir / "docs", workdir / "site"
    render(open_catalog(catalog_root), docs, site_root=REPO)  # CatalogInvalid lists every problem
    config = engine_config(REPO, docs, site, workdir / "mkdocs.yml")
    build(engine, config)
    return SiteBuild(catalog_root, docs, site)


def _poison(value: Any, key: str | None) -> Any:
    if isinstance(value, dict):
        return {k: _poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, key) for v in value]
    if isinstance(value, str) and key in FREE_TEXT:
        if value.endswith("."):
            return value[:-1] + PAYLOAD + "."
        return value + PAYLOAD
    return value


def write_hostile_catalog(dest: Path) -> Path:
    """Copy the basic fixture to `dest` and inject PAYLOAD into every free-text field."""
    shutil.copytree(CATALOGS / "basic", dest)
    for path in (dest / "catalog").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(_poison(data, None), allow_unicode=True), encoding="utf-8")
    return dest


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@functools.cache
def _server_class() -> type[socketserver.ThreadingTCPServer]:
    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    return Server


def serve(folder: Path) -> tuple[str, socketserver.BaseServer]:
    """Serve `folder` on 127.0.0.1 (a free port) in a thread; returns (base URL, server)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _server_class()(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    return f"http://127.0.0.1:{port}/", server


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots (`test-artifacts/`, git-ignored), created."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def payload() -> str:
    """The injection payload carried by every free-text field of the hostile site."""
    return PAYLOAD


@pytest.fixture(scope="session")
def serve_folder() -> Iterator[Callable[[Path], str]]:
    """`serve_folder(folder) -> base URL`: serve a folder on 127.0.0.1 for the rest of the session."""
    servers: list[socketserver.BaseServer] = []

    def _serve(folder: Path) -> str:
        url, server = serve(folder)
        servers.append(server)
        return url

    yield _serve
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """The basic fixture catalog, rendered and built once per session."""
    work = tmp_path_factory.mktemp("site")
    root = work / "repo"
    shutil.copytree(CATALOGS / "basic", root)
    return build_site(root, work)


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """The hostile fixture catalog (payloads in every free-text field), built once per session."""
    work = tmp_path_factory.mktemp("hostile")
    root = write_hostile_catalog(work / "repo")
    return build_site(root, work)


@pytest.fixture(scope="session")
def hostile_zensical_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hostile catalog built with zensical instead of mkdocs, served (skips without zensical)."""
    from tests.support.site_engine import EngineError, engine_command

    try:
        engine_command("zensical", Path("mkdocs.yml"))
    except EngineError as exc:
        pytest.skip(str(exc))
    work = tmp_path_factory.mktemp("hostile-zensical")
    root = write_hostile_catalog(work / "repo")
    url, server = serve(build_site(root, work, engine="zensical").site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def wide_build(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """A synthetic catalog with a matrix wider than a phone, built once per session."""
    from tests.support.site_synthetic import write_synthetic_catalog

    work = tmp_path_factory.mktemp("wide")
    root = write_synthetic_catalog(work / "repo", papers=30, modalities=16, techniques=120)
    return build_site(root, work)


@pytest.fixture(scope="session")
def wide_url(wide_build: SiteBuild) -> Iterator[str]:
    """Base URL of the served synthetic wide site."""
    url, server = serve(wide_build.site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def site_url(site_build: SiteBuild) -> Iterator[str]:
    """Base URL of the served basic site."""
    url, server = serve(site_build.site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def hostile_url(hostile_build: SiteBuild) -> Iterator[str]:
    """Base URL of the served hostile site."""
    url, server = serve(hostile_build.site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium; skips cleanly when it (or playwright) is not installed."""
    executable = shutil.which("chromium")
    if executable is None or not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (run `make browser-deps`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright python package is not installed (pip install -e .[dev])")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records console errors, dialogs and requests leaving 127.0.0.1."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.console_errors = []
    pg.dialogs = []
    pg.foreign_requests = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda exc: pg.console_errors.append(str(exc)))

    def on_dialog(dialog: Any) -> None:
        pg.dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("http://127.0.0.1:", "data:", "blob:"))
            else pg.foreign_requests.append(r.url)
        ),
    )
    yield pg
    context.close()
