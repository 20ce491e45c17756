"""The built site in a real browser (Debian chromium via Playwright): reader journeys and safety."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _clean(page: Any) -> None:
    assert page.console_errors == [], page.console_errors
    assert page.dialogs == [], page.dialogs
    assert page.foreign_requests == [], page.foreign_requests


def test_home_to_technique_to_paper_and_bibtex(page: Any, site_url: str, artifacts: Path) -> None:
    page.goto(site_url)
    assert page.title() == "Home - MedGen Atlas"
    matrix = page.locator("table.mga-matrix")
    assert matrix.is_visible()
    # 5 techniques over 4 used modalities: a link per technique cell, the other 11 cells empty
    assert matrix.locator("td.mga-cell a").count() == 5
    assert matrix.locator("td.mga-none").count() == 4 * 4 - 5
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)

    matrix.locator('a[data-technique="x-ray-to-text"]').click()
    page.wait_for_url(re.compile(r".*/techniques/x-ray-to-text/$"))
    assert page.locator("h1").first.inner_text() == "X-ray to Text"
    assert page.locator("table.mga-papers tbody tr").count() == 4
    assert page.locator(".mga-demo img").evaluate("img => img.complete && img.naturalWidth > 0")
    edit = page.get_by_role("link", name="Edit this entry")
    assert edit.get_attribute("href").endswith("/catalog/techniques/x-ray-to-text.yaml")
    page.screenshot(path=str(artifacts / "technique.png"), full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="BibTeX of these papers").click()
    bib = info.value.path().read_text(encoding="utf-8")
    assert bib.count("@") == 4
    assert "A Fixture Paper About Reports" in bib

    page.locator("table.mga-papers a", has_text="A Fixture Paper About Reports").click()
    page.wait_for_url(re.compile(r".*/papers/2101\.00001/$"))
    assert page.locator("h1").first.inner_text() == "A Fixture Paper About Reports"
    assert "Ada Lovelace, Alan Turing, Grace Hopper, Katherine Johnson" in page.inner_text(
        "article"
    )
    _clean(page)


def test_papers_table_filters_and_sorts(page: Any, site_url: str) -> None:
    page.goto(site_url + "techniques/x-ray-to-text/")
    rows = page.locator("table.mga-papers tbody tr")
    visible = page.locator("table.mga-papers tbody tr:not([hidden])")
    assert visible.count() == 4
    page.locator(".mga-filter-code").check()
    assert visible.count() == 1
    page.locator(".mga-filter-code").uncheck()
    page.locator(".mga-filter-kind").select_option("survey")
    assert visible.count() == 1
    assert "Journal-Only" in visible.first.inner_text()
    page.locator(".mga-filter-kind").select_option("")
    page.locator(".mga-filter-year-from").fill("2022")
    assert visible.count() == 2
    page.locator(".mga-filter-year-from").fill("")
    page.locator(".mga-filter-text").fill("radiographs")
    assert visible.count() == 2
    page.locator(".mga-filter-text").fill("")
    year = page.locator("table.mga-papers th", has_text="Year")
    year.click()
    assert year.get_attribute("aria-sort") == "ascending"
    years = [int(rows.nth(i).get_attribute("data-year")) for i in range(rows.count())]
    assert years == sorted(years)
    year.click()
    years = [int(rows.nth(i).get_attribute("data-year")) for i in range(rows.count())]
    assert years == sorted(years, reverse=True)
    _clean(page)


def test_home_on_a_phone(browser: Any, wide_url: str, artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(wide_url)
    # The page keeps the phone's width (nothing widens the layout); the 16x16 matrix scrolls
    # sideways inside its own box, and its first column stays put while it does.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    wrap = page.locator(".mga-matrix-wrap")
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth + 100")
    first = page.locator("th.mga-row").first
    left = first.evaluate("el => el.getBoundingClientRect().left")
    wrap.evaluate("el => { el.scrollLeft = 300; }")
    assert wrap.evaluate("el => el.scrollLeft") > 0
    assert abs(first.evaluate("el => el.getBoundingClientRect().left") - left) < 1
    page.screenshot(path=str(artifacts / "home-phone.png"), full_page=True)
    context.close()


def test_header_search_box_submits_to_search_page(page: Any, site_url: str) -> None:
    page.goto(site_url + "techniques/x-ray-to-text/")
    form = page.locator("form.mga-header-search")
    box = form.locator("input[name=q]")
    box.fill("summarise a hospital stay")
    with page.expect_request(re.compile(r".*/search/\?q=")) as request:
        box.press("Enter")
    assert request.value.url == site_url + "search/?q=summarise+a+hospital+stay"


HOSTILE_PAGES = [
    "",
    "techniques/x-ray-to-text/",
    "techniques/ct-to-audio/",
    "papers/2101.00001/",
    "papers/",
    "datasets/toy-cxr/",
    "modalities/x-ray/",
    "groups/image/",
    "whats-new/",
    "contributing/",
]


@pytest.mark.parametrize("engine_url", ["hostile_url", "hostile_zensical_url"])
@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_text_shows_and_runs_nothing(
    page: Any, request: pytest.FixtureRequest, engine_url: str, path: str
) -> None:
    page.goto(request.getfixturevalue(engine_url) + path)
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__xss") == "undefined"
    text = page.inner_text("article")
    assert "<script>window.__xss=" in text  # shown as text (JSON-quoted on Contributing)
    assert "onerror=" in text
    if path != "contributing/":  # examples there are cut at 90 characters
        assert "javascript:alert(" in text
    # no element carries an event handler or a javascript: address taken from the catalog
    handlers = page.evaluate(
        """() => Array.from(document.querySelectorAll('article *')).filter(el =>
             Array.from(el.attributes).some(a => a.name.startsWith('on') ||
               /^\\s*javascript:/i.test(a.value))).length"""
    )
    assert handlers == 0
    if path not in {"", "papers/", "whats-new/", "contributing/"}:  # titles from the catalog
        assert '<script>window.__xss="script"</script>' in page.title()
    _clean(page)


def test_payload_carries_every_attack(payload: str) -> None:
    # guards the test above against a payload edit that would make it vacuous
    assert "<script>" in payload and "onerror=" in payload and "javascript:" in payload
