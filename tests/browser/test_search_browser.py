"""The search page in real Chromium: semantic results, same-origin only, cached model, fallback.

Uses the site engineer's fixtures (tests/browser/conftest.py): the basic fixture catalog's built
site, to which the search assets are added here (render does not know about search in tests).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.site_browsing import served

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


def _with_search(site_build: Any, dest: Path, drop_model: bool) -> Path:
    from tools.catalog.load import load_catalog
    from tools.search.browser_export import write_search_assets
    from tools.search.config import SearchConfig
    from tools.search.engine import SearchEngine

    shutil.copytree(site_build.site, dest)
    cat, _ = load_catalog(site_build.root)
    from tools.search.errors import SearchError

    try:
        engine = SearchEngine(cat, SearchConfig(root=REPO))
        sizes = write_search_assets(engine, dest / "assets" / "search")
    except SearchError as exc:  # e.g. no npm to fetch the pinned browser runtime once
        pytest.skip(f"search assets unavailable: {exc}")
    from tools.search.browser_export import PAGE_FILES

    for name in PAGE_FILES:
        shutil.copyfile(
            REPO / "site_src" / "assets" / "search" / name, dest / "assets" / "search" / name
        )
    if drop_model:
        for name in sizes:
            if name.startswith("model-"):
                (dest / "assets" / "search" / name).unlink()
    return dest


@pytest.fixture(scope="module")
def search_url(site_build: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = _with_search(site_build, tmp_path_factory.mktemp("search") / "site", drop_model=False)
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def no_model_url(site_build: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = _with_search(site_build, tmp_path_factory.mktemp("nomodel") / "site", drop_model=True)
    with served(site) as url:
        yield url


def _wait_state(page: Any, states: str) -> str:
    page.wait_for_function(
        f"() => {states!r}.split(',').includes(document.getElementById('mga-search')?.dataset.state)",
        timeout=60_000,
    )
    return str(page.evaluate("document.getElementById('mga-search').dataset.state"))


def _first(page: Any, kind: str) -> str:
    return str(page.locator(f"[data-results={kind}] li.mga-hit").first.get_attribute("data-id"))


def test_query_finds_technique_same_origin(page: Any, search_url: str, artifacts: Path) -> None:
    page.goto(search_url + "search/")
    assert _wait_state(page, "ready,fallback,error") == "ready"
    page.fill("#mga-q", "write the findings of a chest radiograph automatically")
    page.press("#mga-q", "Enter")
    page.wait_for_function(
        "document.getElementById('mga-search').dataset.resultsMode === 'semantic'"
    )
    assert _first(page, "technique") == "x-ray-to-text"
    why = page.locator("[data-results=technique] li.mga-hit .mga-hit__why").first.inner_text()
    assert "meaning" in why
    assert "q=write+the+findings" in page.url
    page.screenshot(path=str(artifacts / "search-page.png"), full_page=True)
    assert page.foreign_requests == []
    assert page.console_errors == []


def test_query_string_runs_search_and_model_is_cached(page: Any, search_url: str) -> None:
    page.goto(search_url + "search/?q=speech+recognition+for+dictation")
    assert _wait_state(page, "ready,fallback,error") == "ready"
    page.wait_for_function(
        "document.getElementById('mga-search').dataset.resultsMode === 'semantic'"
    )
    assert _first(page, "technique") == "audio-to-text"
    theme_overlay = page.locator("#__search")
    assert theme_overlay.count() == 0 or not theme_overlay.is_checked()
    page.wait_for_function("location.search.includes('q=speech')")
    page.reload()
    assert _wait_state(page, "ready,fallback,error") == "ready"
    assert page.evaluate("window.mgaSearch.state.timings.model_cached") is True
    assert page.console_errors == []


def test_header_box_submits_to_the_search_page(page: Any, search_url: str) -> None:
    page.goto(search_url)
    header = page.locator("header input[name=q]")
    if header.count() == 0:
        pytest.skip("the theme has no header search box")
    header.first.fill("dictation software for doctors")
    header.first.press("Enter")
    page.wait_for_url("**/search/?q=dictation*")
    assert _wait_state(page, "ready,fallback,error") == "ready"
    page.wait_for_function(
        "document.getElementById('mga-search').dataset.resultsMode === 'semantic'"
    )
    assert _first(page, "technique") == "audio-to-text"
    assert page.console_errors == [] and page.foreign_requests == []


def test_keyword_fallback_when_model_missing(page: Any, no_model_url: str) -> None:
    page.goto(no_model_url + "search/?q=chest+x-ray+report")
    assert _wait_state(page, "ready,fallback,error") == "fallback"
    page.wait_for_function(
        "document.getElementById('mga-search').dataset.resultsMode === 'keyword'"
    )
    assert _first(page, "technique") == "x-ray-to-text"
    assert "keyword" in page.locator("[data-status-text]").inner_text()
    assert page.foreign_requests == []
    unexpected = [e for e in page.console_errors if "404" not in e]
    assert unexpected == []
