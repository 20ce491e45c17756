"""The reader's pages in chromium: the matrix by keyboard and as announced, the Demos page, the
grouped papers index and What's new; screenshots at a phone's and a laptop's width."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)


def _focused(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => { const el = document.activeElement;
             return {label: el.getAttribute('aria-label') || el.textContent.trim(),
                     technique: el.getAttribute('data-technique') || ''}; }"""
    )


def _tab_stops(page: Any) -> int:
    return page.locator('table.mga-matrix [tabindex="0"]').count()


def test_matrix_moves_by_arrow_keys_with_one_tab_stop(page: Any, site_url: str) -> None:
    page.goto(site_url)
    matrix = page.locator("table.mga-matrix")
    assert matrix.get_attribute("role") == "grid"
    # one Tab stop: the first technique; the headers' and the other cells' links are out of the
    # Tab order (text-to-ct is the first technique of the first row: Text, X-ray, CT, Audio)
    assert _tab_stops(page) == 1
    page.locator("#mga-home-q").focus()
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")
    for _ in range(30):  # past the links above the matrix
        if page.evaluate("!!document.activeElement.closest('table.mga-matrix')"):
            break
        page.keyboard.press("Tab")
    assert _focused(page) == {"label": "Text to X-ray: 1 paper", "technique": "text-to-x-ray"}
    page.keyboard.press("ArrowRight")
    assert _focused(page)["label"] == "Text to CT: 1 paper, demo"
    page.keyboard.press("ArrowDown")
    assert _focused(page)["label"] == "X-ray to CT: no technique yet"  # an empty cell is a stop
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert _focused(page)["label"] == "X-ray to Text: 4 papers, demo"
    page.keyboard.press("ArrowLeft")  # the row's header
    assert _focused(page)["label"] == "X-ray"
    page.keyboard.press("ArrowLeft")  # stays at the edge
    assert _focused(page)["label"] == "X-ray"
    page.keyboard.press("End")
    assert _focused(page)["label"] == "X-ray to Audio: no technique yet"
    page.keyboard.press("Control+End")
    assert _focused(page)["label"] == "Audio to Audio: no technique yet"
    page.keyboard.press("ArrowDown")  # the last row: stays
    assert _focused(page)["label"] == "Audio to Audio: no technique yet"
    page.keyboard.press("Control+Home")
    assert _focused(page)["label"] == "input ↓ · output →"
    page.keyboard.press("ArrowRight")
    assert _focused(page)["label"] == "Text"  # a column header
    assert _tab_stops(page) == 1  # the stop moved with the focus
    # Tab leaves the grid; Shift+Tab comes back to where it was
    page.keyboard.press("Tab")
    assert page.evaluate("!document.activeElement.closest('table.mga-matrix')")
    page.keyboard.press("Shift+Tab")
    assert _focused(page)["label"] == "Text"
    # Enter opens the focused cell's technique
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert _focused(page)["label"] == "X-ray to Text: 4 papers, demo"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/techniques/x-ray-to-text/$"))
    assert page.console_errors == []


def test_matrix_announces_cells_with_their_headers(page: Any, site_url: str) -> None:
    page.goto(site_url)
    grid = page.get_by_role("grid", name="Techniques by input (rows) and output (columns)")
    assert grid.count() == 1
    assert grid.get_by_role("columnheader").count() == 5  # the corner and 4 outputs
    assert grid.get_by_role("rowheader").count() == 4
    assert grid.get_by_role("link", name="X-ray to Text: 4 papers, demo").count() == 1
    assert grid.get_by_role("link", name="CT to Audio: 0 papers").count() == 1
    assert grid.get_by_role("gridcell", name="Text to Text: no technique yet").count() == 1
    marked = page.locator("td.mga-has-demo")
    assert marked.count() == 2
    mark = marked.first.locator("a").evaluate("a => getComputedStyle(a, '::after').content")
    assert mark == '"▶"'
    legend = page.locator("ul.mga-legend")
    assert "has a demo" in legend.inner_text()


def test_matrix_keeps_the_focused_cell_in_view_on_a_phone(browser: Any, wide_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True)
    page = context.new_page()
    page.goto(wide_url)
    page.locator('table.mga-matrix [tabindex="0"]').focus()
    for _ in range(15):
        page.keyboard.press("ArrowRight")
    wrap = page.locator(".mga-matrix-wrap")
    assert wrap.evaluate("el => el.scrollLeft") > 0
    visible = page.evaluate(
        """() => { const cell = document.activeElement.closest('td').getBoundingClientRect();
             const box = document.querySelector('.mga-matrix-wrap').getBoundingClientRect();
             const label = document.activeElement.closest('tr').cells[0].getBoundingClientRect();
             return cell.left >= label.right - 1 && cell.right <= box.right + 1; }"""
    )
    assert visible
    for _ in range(15):
        page.keyboard.press("ArrowLeft")
    visible = page.evaluate(
        """() => { const el = document.activeElement.closest('td') || document.activeElement;
             const cell = el.getBoundingClientRect();
             const label = el.closest('tr').cells[0].getBoundingClientRect();
             return el.cellIndex === 0 || cell.left >= label.right - 1; }"""
    )
    assert visible
    context.close()


def test_demos_page_from_the_navigation_and_the_home_page(page: Any, site_url: str) -> None:
    page.goto(site_url)
    page.locator("p.mga-counts").get_by_role("link", name="1 demo").click()
    page.wait_for_url(re.compile(r".*/demos/$"))
    assert page.title() == "Demos - MedGen Atlas"
    nav = page.locator(".md-tabs, .md-nav--primary").first
    assert nav.get_by_role("link", name="Demos").count() >= 1
    card = page.locator("#demo-toy-demo")
    assert card.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    text = card.inner_text()
    for part in ("What it shows", "CPU: about 2 minutes", "GPU: Optional", "Run it"):
        assert part in text
    assert "python -m demos.toy_demo train --preset quickstart" in text
    assert card.get_by_role("link", name="Model card").count() == 1
    article = page.inner_text("article")
    assert "not for clinical use" in article and "synthetic" in article
    card.get_by_role("link", name="X-ray to Text").click()
    page.wait_for_url(re.compile(r".*/techniques/x-ray-to-text/#demo-toy-demo$"))
    page.get_by_role("link", name="On the Demos page").click()
    page.wait_for_url(re.compile(r".*/demos/#demo-toy-demo$"))
    assert page.console_errors == []


def test_papers_index_sections_open_by_link_and_by_filter(page: Any, site_url: str) -> None:
    page.goto(site_url + "papers/")
    sections = page.locator("details.mga-paper-section")
    assert sections.count() == 4
    assert page.locator("details.mga-paper-section[open]").count() == 0
    assert page.locator(".mga-filter").count() == 1  # one bar for the page, not one per table
    # 7 rows (2305.00003 is under two techniques) but 6 papers
    assert page.locator("table.mga-papers tbody tr").count() == 7
    assert page.locator(".mga-filter-count").inner_text() == "6 of 6 shown"
    page.locator("#t-x-ray-to-text summary").click()
    assert page.locator("#t-x-ray-to-text tbody tr").first.is_visible()
    page.locator("#t-x-ray-to-text summary").click()
    page.locator(".mga-filter-text").fill("Journal-Only")
    assert page.locator("details.mga-paper-section[open]").count() == 1
    assert page.locator("details.mga-paper-section:not([hidden])").count() == 1
    assert page.locator("table.mga-papers tbody tr:not([hidden])").count() == 1
    assert page.locator(".mga-filter-count").inner_text() == "1 of 6 shown"
    assert page.locator('.mga-group-section[aria-labelledby="g-text"]').is_hidden()
    page.locator(".mga-filter-text").fill("")
    assert page.locator("details.mga-paper-section:not([hidden])").count() == 4
    assert page.locator("details.mga-paper-section[open]").count() == 0
    page.goto(site_url + "papers/#t-audio-to-text")
    assert page.locator("#t-audio-to-text").get_attribute("open") is not None
    assert page.console_errors == []


PAGES = ["", "demos/", "papers/", "whats-new/", "papers/2101.00001/", "modalities/x-ray/"]


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_pages_fit_the_width_and_are_screenshot(
    browser: Any, site_url: str, artifacts: Path, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    page = context.new_page()
    for path in PAGES:
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        name = (path.strip("/").replace("/", "-") or "home") + f"-{width}.png"
        page.screenshot(path=str(artifacts / f"reader-{name}"), full_page=True)
    context.close()
