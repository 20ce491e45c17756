"""axe-core (npm, pinned in tests/browser/axe/) over one page of every page type, at phone and
desktop widths, in the light and the dark scheme: no serious or critical violation anywhere.

`benchmarks/site_accessibility.py` prints the same check as a table for the real site.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.axe import AxeUnavailable, axe_script, blocking, run_axe
from tests.support.site_pages import SCHEMES, VIEWPORTS, page_types

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe() -> Path:
    try:
        return axe_script()
    except AxeUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def pages(site_build: Any) -> dict[str, str]:
    return page_types(site_build.site, technique="x-ray-to-text")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_serious_or_critical_violations(
    browser: Any, site_url: str, pages: dict[str, str], axe: Path, viewport: str, scheme: str
) -> None:
    expected = {"home", "techniques index", "technique", "papers index", "paper"}
    expected |= {"datasets index", "dataset", "modality", "group", "what's new", "search"}
    assert expected | {"about", "contributing"} <= set(pages), pages  # Demos: where present
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    failures = []
    for kind, path in pages.items():
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        failures += [f"{kind} /{path}: {v.line()}" for v in blocking(run_axe(page, axe))]
    context.close()
    assert failures == [], f"{viewport} {scheme}:\n" + "\n".join(failures)


def test_axe_finds_a_planted_violation(page: Any, site_url: str, axe: Path) -> None:
    # guards the test above: an image without alt text and an unlabelled input are caught
    page.goto(site_url + "about/")
    page.evaluate(
        """() => { const a = document.querySelector('article');
                   a.insertAdjacentHTML('beforeend',
                     '<img src="x.png"><input type="text"><a href="#"><img src="y.png"></a>'); }"""
    )
    rules = {v.rule for v in blocking(run_axe(page, axe))}
    assert {"image-alt", "label"} <= rules, rules


def test_sortable_headers_keep_aria_sort(page: Any, site_url: str) -> None:
    page.goto(site_url + "techniques/")
    headers = page.locator("table.mga-techniques th[data-sort]")
    assert headers.count() >= 3
    assert {headers.nth(i).get_attribute("aria-sort") for i in range(headers.count())} == {"none"}
    first, papers = headers.first, page.locator("table.mga-techniques th", has_text="Papers")
    first.focus()
    page.keyboard.press("Enter")
    assert first.get_attribute("aria-sort") == "ascending"
    papers.click()
    assert papers.get_attribute("aria-sort") == "ascending"
    assert first.get_attribute("aria-sort") == "none"
    papers.click()
    assert papers.get_attribute("aria-sort") == "descending"
