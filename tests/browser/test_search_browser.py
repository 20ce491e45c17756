"""The search page in real Chromium: a light visit, the model in a worker on the first search,
announced results, the fallback when the model cannot load, bad input, and focus.

Uses the site engineer's fixtures (tests/browser/conftest.py): the basic fixture catalog's built
site, to which the search assets are added here (render does not know about search in tests).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.site_browsing import served

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ROOT = "document.getElementById('mga-search')"
MODEL_PARTS = (".onnx", ".wasm", "ort.wasm", "tokenizer", ".f16", "worker.js")


def _with_search(site_build: Any, dest: Path) -> Path:
    from tools.catalog.load import load_catalog
    from tools.search.browser_export import PAGE_FILES, write_search_assets
    from tools.search.config import SearchConfig
    from tools.search.engine import SearchEngine
    from tools.search.errors import SearchError

    shutil.copytree(site_build.site, dest)
    cat, _ = load_catalog(site_build.root)
    try:
        write_search_assets(SearchEngine(cat, SearchConfig(root=REPO)), dest / "assets" / "search")
    except SearchError as exc:  # e.g. no npm to fetch the pinned browser runtime once
        pytest.skip(f"search assets unavailable: {exc}")
    for name in PAGE_FILES:
        shutil.copyfile(
            REPO / "site_src" / "assets" / "search" / name, dest / "assets" / "search" / name
        )
    return dest


@pytest.fixture(scope="module")
def search_url(site_build: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = _with_search(site_build, tmp_path_factory.mktemp("search") / "site")
    with served(site) as url:
        yield url


def _requests(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    return seen


def _wait(page: Any, condition: str) -> None:
    page.wait_for_function(condition, timeout=120_000)


def _keyword_ready(page: Any) -> None:
    _wait(page, f"{ROOT}?.dataset.state === 'keyword'")


def _first(page: Any, kind: str) -> str:
    return str(
        page.locator(f"[data-results={kind}] li.mga-hit[data-id]").first.get_attribute("data-id")
    )


def _announced(page: Any) -> str:
    return str(page.locator("[data-announce]").inner_text())


def test_visit_loads_no_model_and_types_keyword_results(page: Any, search_url: str) -> None:
    seen = _requests(page)
    page.goto(search_url + "search/")
    _keyword_ready(page)
    assert page.evaluate("document.activeElement.id") == "mga-q"
    page.keyboard.type("chest x-ray")  # two words: keyword results, no model
    _wait(page, f"{ROOT}.dataset.resultsQuery === 'chest x-ray'")
    assert _first(page, "technique") == "x-ray-to-text"
    assert page.evaluate(f"{ROOT}.dataset.resultsMode") == "keyword"
    page.wait_for_timeout(300)
    assert [u for u in seen if any(p in u for p in MODEL_PARTS)] == []
    index = json.loads(page.evaluate("JSON.stringify(window.mgaSearch.state.index.download)"))
    stated = page.locator("[data-download]").inner_text()
    assert f"{index['gzip'] / 1e6:.1f} MB" in stated and index["gzip"] > 1_000_000
    assert page.console_errors == [] and page.foreign_requests == []


def test_first_search_loads_model_in_worker_and_announces(
    page: Any, search_url: str, artifacts: Path
) -> None:
    workers: list[str] = []
    page.on("worker", lambda w: workers.append(w.url))
    seen = _requests(page)
    page.goto(search_url + "search/")
    _keyword_ready(page)
    page.fill("#mga-q", "write the findings of a chest radiograph automatically")
    page.press("#mga-q", "Enter")
    _wait(page, f"{ROOT}.dataset.resultsMode === 'semantic'")
    assert [u.rsplit("/", 1)[-1] for u in workers] == ["worker.js"]
    model = [u for u in seen if ".onnx" in u]
    assert len(model) == 1  # fetched by the worker, once
    assert _first(page, "technique") == "x-ray-to-text"
    text = _announced(page)
    assert text.startswith("Showing results by meaning: ")
    assert (
        "techniques" in text and "‘write the findings of a chest radiograph automatically’" in text
    )
    assert page.locator("[data-announce]").get_attribute("aria-live") == "polite"
    assert page.evaluate("document.activeElement.id") == "mga-q"
    assert "q=write+the+findings" in page.url
    page.screenshot(path=str(artifacts / "search-page.png"), full_page=True)
    page.reload()  # a ?q= address searches at once, and the model now comes from the Cache API
    _wait(page, f"{ROOT}.dataset.resultsMode === 'semantic'")
    assert page.evaluate("window.mgaSearch.state.timings.model_cached") is True
    assert page.console_errors == [] and page.foreign_requests == []


def test_switch_waits_while_focus_is_in_the_results(page: Any, search_url: str) -> None:
    page.goto(search_url + "search/")
    _keyword_ready(page)
    page.fill("#mga-q", "speech recognition for dictation")
    page.press("#mga-q", "Enter")
    _wait(page, f"{ROOT}.dataset.resultsMode === 'keyword'")
    link = page.locator("[data-results=technique] li.mga-hit[data-id] a").first
    link.focus()
    before = _first(page, "technique")
    _wait(page, "document.querySelector('[data-announce]').textContent.includes('ready')")
    assert page.evaluate(f"{ROOT}.dataset.resultsMode") == "keyword"
    assert _first(page, "technique") == before
    assert page.evaluate("document.activeElement.closest('li')?.dataset.id") == before
    page.click("[data-swap]")
    _wait(page, f"{ROOT}.dataset.resultsMode === 'semantic'")
    assert _announced(page).startswith("Showing results by meaning")
    assert page.console_errors == []


def test_keyword_results_stay_when_the_model_cannot_load(page: Any, search_url: str) -> None:
    page.route("**/model-*.onnx", lambda route: route.fulfill(status=404, body="missing"))
    page.goto(search_url + "search/?q=chest+x-ray+report")
    _wait(page, f"{ROOT}.dataset.state === 'fallback'")
    assert page.evaluate(f"{ROOT}.dataset.resultsMode") == "keyword"
    assert _first(page, "technique") == "x-ray-to-text"
    note = page.locator("[data-unavailable]")
    assert note.is_visible()
    assert "Search by meaning is unavailable; showing keyword matches" in note.inner_text()
    assert _announced(page).startswith("Keyword matches only: ")
    assert note.get_attribute("role") == "alert"  # read out as it appears; not repeated below
    page.fill("#mga-q", "radiograph")
    page.press("#mga-q", "Enter")
    _wait(page, f"{ROOT}.dataset.resultsQuery === 'radiograph'")
    assert page.foreign_requests == []
    assert [e for e in page.console_errors if "404" not in e] == []


def test_a_substituted_model_download_is_refused_and_never_cached(
    page: Any, search_url: str
) -> None:
    """A captive portal answers 200 with an HTML page: the size check refuses it, the page falls
    back to keywords, and the bad copy is not kept for the next visit."""
    page.route(
        "**/model-*.onnx",
        lambda route: route.fulfill(status=200, body="<html>Sign in to the Wi-Fi</html>"),
    )
    page.goto(search_url + "search/?q=chest+x-ray+report")
    _wait(page, f"{ROOT}.dataset.state === 'fallback'")
    assert page.locator("[data-unavailable]").is_visible()
    cached = page.evaluate(
        "async () => { const c = await caches.open('medgen-atlas-search-v1');"
        " return (await c.keys()).map((r) => r.url); }"
    )
    assert not any(".onnx" in url for url in cached), cached
    assert any(
        "expected" in e and "bytes" in e
        for e in [*page.console_errors, page.evaluate("window.mgaSearch.state.error || ''")]
    )


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", "The query is empty"),
        (" \u0000\u0007\u001b ", "The query is empty"),
        ("?! \u0007", "no letters or digits"),
        ("x" * 100_000, "Only the first"),
        ("胸部X線写真のレポート", None),
        ("تقرير الأشعة السينية للصدر", None),
        ("🩻 chest x-ray 🫁", None),
    ],
)
def test_bad_input_gets_a_message_or_results(
    page: Any, search_url: str, query: str, shown: str | None
) -> None:
    page.goto(search_url + "search/")
    _keyword_ready(page)
    page.evaluate("q => { document.getElementById('mga-q').value = q; }", query)
    page.press("#mga-q", "Enter")
    page.wait_for_timeout(300)
    if shown is not None:
        assert shown in page.locator("[data-notes]").inner_text()
    else:
        _wait(page, f"{ROOT}.dataset.resultsQuery !== undefined")
        assert "for ‘" in _announced(page)
    assert page.console_errors == []
    page.fill("#mga-q", "radiograph report")
    page.press("#mga-q", "Enter")
    _wait(page, f"{ROOT}.dataset.resultsQuery === 'radiograph report'")


def test_header_box_submits_to_the_search_page(page: Any, search_url: str) -> None:
    page.goto(search_url)
    header = page.locator("header input[name=q]")
    if header.count() == 0:
        pytest.skip("the theme has no header search box")
    header.first.fill("dictation software for doctors")
    header.first.press("Enter")
    page.wait_for_url("**/search/?q=dictation*")
    _wait(page, f"{ROOT}.dataset.resultsMode === 'semantic'")
    assert _first(page, "technique") == "audio-to-text"
    theme_overlay = page.locator("#__search")
    assert theme_overlay.count() == 0 or not theme_overlay.is_checked()
    assert page.console_errors == [] and page.foreign_requests == []
