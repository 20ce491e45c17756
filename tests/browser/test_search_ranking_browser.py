"""The search page's ranking in Chromium: direction reasons, the Datasets column, paper facts and
filters, and the "no close match" note (on the basic fixture catalog, keyword ranking and semantic)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ranked_url(
    site_build: Any, tmp_path_factory: pytest.TempPathFactory, serve_folder: Callable[[Path], str]
) -> str:
    """The basic fixture site with the search assets (and the page's own files) added."""
    from tools.catalog.load import load_catalog
    from tools.search.browser_export import PAGE_FILES, write_search_assets
    from tools.search.config import SearchConfig
    from tools.search.engine import SearchEngine
    from tools.search.errors import SearchError

    site = tmp_path_factory.mktemp("ranked") / "site"
    shutil.copytree(site_build.site, site)
    cat, _ = load_catalog(site_build.root)
    try:
        write_search_assets(SearchEngine(cat, SearchConfig(root=REPO)), site / "assets" / "search")
    except SearchError as exc:  # e.g. no npm to fetch the pinned browser runtime once
        pytest.skip(f"search assets unavailable: {exc}")
    for name in PAGE_FILES:
        shutil.copyfile(
            REPO / "site_src" / "assets" / "search" / name, site / "assets" / "search" / name
        )
    return serve_folder(site)


def _wait_state(page: Any, states: str) -> str:
    page.wait_for_function(
        f"() => {states!r}.split(',').includes(document.getElementById('mga-search')?.dataset.state)",
        timeout=120_000,
    )
    return str(page.evaluate("document.getElementById('mga-search').dataset.state"))


def _semantic(page: Any, url: str, query: str) -> None:
    page.goto(url + "search/")
    assert _wait_state(page, "keyword,fallback,error") == "keyword"  # the model loads on a search
    page.fill("#mga-q", query)
    page.press("#mga-q", "Enter")
    page.wait_for_function(
        "document.getElementById('mga-search').dataset.resultsMode === 'semantic'"
    )


def _ids(page: Any, kind: str) -> list[str]:
    return [
        str(x)
        for x in page.locator(f"[data-results={kind}] li.mga-hit[data-id]").evaluate_all(
            "els => els.map(e => e.dataset.id)"
        )
    ]


def test_direction_reason_and_three_columns(page: Any, ranked_url: str, artifacts: Path) -> None:
    _semantic(page, ranked_url, "generate chest radiographs from text")
    assert _ids(page, "technique")[0] == "text-to-x-ray"
    why = page.locator("[data-results=technique] li.mga-hit .mga-hit__why").first.inner_text()
    assert "direction matches: Text → X-ray" in why and "cosine" not in why
    reversed_why = page.locator(
        "[data-results=technique] li.mga-hit[data-id=x-ray-to-text] .mga-hit__why"
    ).inner_text()
    assert "opposite direction" in reversed_why
    assert _ids(page, "paper")[0] == "2305.00003"
    assert _ids(page, "dataset") == ["toy-cxr"] or "toy-cxr" in _ids(page, "dataset")
    facts = page.locator("[data-results=paper] li.mga-hit .mga-hit__facts").first.inner_text()
    assert "2023" in facts
    page.screenshot(path=str(artifacts / "search-ranking.png"), full_page=True)
    assert page.console_errors == [] and page.foreign_requests == []


def test_paper_filters_apply(page: Any, ranked_url: str) -> None:
    _semantic(page, ranked_url, "radiograph report")
    before = _ids(page, "paper")
    assert len(before) >= 3
    page.fill("[data-filter=since]", "2023")
    page.dispatch_event("[data-filter=since]", "change")
    page.wait_for_function(
        "[...document.querySelectorAll('[data-results=paper] li.mga-hit[data-id]')]"
        ".every(e => ['2305.00003', '2402.00004'].includes(e.dataset.id))"
    )
    page.fill("[data-filter=since]", "")
    page.check("[data-filter=code]")
    page.wait_for_function(
        "[...document.querySelectorAll('[data-results=paper] li.mga-hit[data-id]')]"
        ".every(e => ['2101.00001', '2402.00004'].includes(e.dataset.id))"
    )
    assert page.console_errors == []


def test_dataset_found_by_name_and_nonsense_is_flagged(page: Any, ranked_url: str) -> None:
    _semantic(page, ranked_url, "Toy CXR")
    assert _ids(page, "dataset")[0] == "toy-cxr"
    assert "name matches" in page.locator("[data-results=dataset] .mga-hit__why").first.inner_text()
    page.fill("#mga-q", "asdfgh qwerty zxcvbn")
    page.press("#mga-q", "Enter")
    page.wait_for_function("document.querySelector('.mga-hit--far') !== null")
    assert "No close match" in page.locator(".mga-hit--far").first.inner_text()
    assert page.console_errors == []


@pytest.mark.parametrize(
    "query", ["", "\u0000\u0007", "?!", "x" * 100_000, "Рентгенограмма грудной клетки"]
)
def test_bad_queries_leave_a_live_page(page: Any, ranked_url: str, query: str) -> None:
    page.goto(ranked_url + "search/")
    assert _wait_state(page, "keyword,fallback,error") == "keyword"
    page.evaluate("q => { document.getElementById('mga-q').value = q; }", query)
    page.press("#mga-q", "Enter")
    page.wait_for_timeout(300)
    assert page.console_errors == []
    page.fill("#mga-q", "radiograph report")
    page.press("#mga-q", "Enter")
    page.wait_for_function(
        "document.querySelector('[data-results=technique] li.mga-hit[data-id]') !== null"
    )
