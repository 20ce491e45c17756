"""How the built site reads in Chromium: no word split across lines, no page wider than the screen,
no empty sidebar, light and dark schemes, share previews, and screenshots to look at.

Screenshots (desktop and phone, light and dark) go to `test-artifacts/screenshots/`, which CI keeps.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.reading import LONG_WORD, page_overflow, split_words
from tests.support.site_pages import INDEX_PAGES, SCHEMES, VIEWPORTS, page_types

pytestmark = pytest.mark.browser

TECHNIQUE_PAGES = ("techniques/x-ray-to-text/", "techniques/text-to-ct/", "techniques/ct-to-audio/")
SITE_URL = "https://medgen-atlas.github.io/medgen-atlas/"
"""site_url in mkdocs.yml: share previews and canonical links are absolute on it."""


def _context(browser: Any, viewport: str, scheme: str = "light") -> Any:
    width, height = VIEWPORTS[viewport]
    return browser.new_context(
        viewport={"width": width, "height": height},
        color_scheme=scheme,
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
    )


@pytest.fixture(params=list(VIEWPORTS))
def sized_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A page at one of the reader's viewports (phone 390 px, desktop 1366 px)."""
    context = _context(browser, request.param)
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    context.close()


@pytest.mark.parametrize("path", INDEX_PAGES + TECHNIQUE_PAGES)
def test_no_word_is_split_and_no_page_scrolls_sideways(
    sized_page: Any, site_url: str, path: str
) -> None:
    sized_page.goto(site_url + path)
    sized_page.wait_for_load_state("load")
    measured = split_words(sized_page)
    assert measured.words > 20, f"{path}: only {measured.words} words measured"
    assert measured.split == (), (
        f"{path} at {sized_page.viewport_name}: {len(measured.split)} of {measured.words} words "
        f"(of at most {LONG_WORD} characters) are split across lines: {measured.split[:20]}"
    )
    assert page_overflow(sized_page) == 0, f"{path}: the page scrolls sideways"


def test_the_split_word_measure_finds_a_split_word(page: Any, site_url: str) -> None:
    # guards the test above: a word cut by the browser is found; a break after a hyphen is not one
    page.goto(site_url + "about/")
    page.evaluate(
        """() => document.querySelector('article').insertAdjacentHTML('beforeend',
             '<p style="width:3em; word-break:break-all">multimodal radiology</p>' +
             '<p style="width:4em">X-ray-to-Text</p>')"""
    )
    split = split_words(page).split
    assert "multimodal" in split and "radiology" in split
    assert not {"X", "ray", "to", "Text"} & set(split)


def test_a_wide_table_scrolls_in_its_box_with_a_shadow_cue(browser: Any, site_url: str) -> None:
    context = _context(browser, "phone")
    page = context.new_page()
    page.goto(site_url + "papers/")
    # the papers index lists each technique's papers in a closed section: open the first one
    page.locator("details.mga-paper-section").first.evaluate("d => { d.open = true; }")
    wrap = page.locator("details.mga-paper-section .mga-table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth"), "the papers table fits a phone"
    assert wrap.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    # the shadows are backgrounds that scroll with the box's edge ('scroll') under covers that move
    # with the content ('local'): the right edge shows a shadow while there is more to the right
    background = wrap.evaluate("el => getComputedStyle(el).backgroundImage")
    assert background.count("radial-gradient") == 2 and background.count("linear-gradient") == 2
    attachment = wrap.evaluate("el => getComputedStyle(el).backgroundAttachment")
    assert attachment.replace(" ", "") == "local,local,scroll,scroll"
    before = _edge_pixels(page, wrap)
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    after = _edge_pixels(page, wrap)
    assert before["right"] < before["middle"] - 8, before  # a shadow at the right edge
    assert after["left"] < after["middle"] - 8, after  # scrolled to the end: one at the left
    assert page_overflow(page) == 0
    context.close()


def _edge_pixels(page: Any, wrap: Any) -> dict[str, float]:
    """Mean brightness of a column of the box's rendering at its left edge, middle and right edge
    (measured in the box's thead row, where the cells are transparent)."""
    from PIL import Image

    box = wrap.bounding_box()
    shot = Image.open(io.BytesIO(page.screenshot(clip=box))).convert("L")
    width, height = shot.size
    y0, y1 = int(height * 0.3), int(height * 0.9)

    def column(x: int) -> float:
        values = [shot.getpixel((x, y)) for y in range(y0, y1, 3)]
        return float(sum(values)) / len(values)  # type: ignore[arg-type]

    return {"left": column(1), "middle": column(width // 2), "right": column(width - 2)}


def test_empty_left_sidebar_is_hidden_on_desktop_and_drawer_stays_on_phone(
    browser: Any, site_url: str
) -> None:
    context = _context(browser, "desktop")
    page = context.new_page()
    for path in ("techniques/", "papers/", "techniques/x-ray-to-text/"):
        page.goto(site_url + path)
        assert not page.locator(".md-sidebar--primary").is_visible(), path
        width = page.locator(".md-content").evaluate("el => el.getBoundingClientRect().width")
        assert width > 900, f"{path}: the content is only {width:.0f} px wide"
    context.close()
    context = _context(browser, "phone")
    page = context.new_page()
    page.goto(site_url + "techniques/")
    page.locator("label.md-header__button[for='__drawer']").click()
    assert page.locator(".md-sidebar--primary").get_by_role("link", name="Papers").is_visible()
    context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_palette_follows_the_system_preference_and_toggles(
    browser: Any, site_url: str, scheme: str
) -> None:
    context = _context(browser, "desktop", scheme)
    page = context.new_page()
    page.goto(site_url + "techniques/x-ray-to-text/")
    expected = "slate" if scheme == "dark" else "default"
    body = page.locator("body")
    assert body.get_attribute("data-md-color-scheme") == expected
    background = _rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    text = _rgb(page.locator("article").evaluate("el => getComputedStyle(el).color"))
    if scheme == "dark":
        assert sum(background) < 150 and sum(text) > 450, (background, text)
    else:
        assert sum(background) > 700 and sum(text) < 200, (background, text)
    # a badge's text keeps the scheme's text colour over its tint
    badge = page.locator(".mga-applications .mga-badge").first
    assert _rgb(badge.evaluate("el => getComputedStyle(el).color")) == text
    toggle = page.locator("form[data-md-component='palette'] label:visible")
    assert toggle.count() == 1
    toggle.click()
    other = "default" if scheme == "dark" else "slate"
    assert body.get_attribute("data-md-color-scheme") == other
    context.close()


def _rgb(css: str) -> tuple[int, int, int]:
    parts = [int(float(v)) for v in re.findall(r"[\d.]+", css)[:3]]
    return parts[0], parts[1], parts[2]


def _meta(page: Any, attr: str, name: str) -> str | None:
    loc = page.locator(f'meta[{attr}="{name}"]')
    return loc.get_attribute("content") if loc.count() == 1 else None


def test_share_previews_on_a_technique_with_a_demo(page: Any, site_url: str) -> None:
    page.goto(site_url + "techniques/x-ray-to-text/")
    url = SITE_URL + "techniques/x-ray-to-text/"
    assert _meta(page, "property", "og:title") == "X-ray to Text - MedGen Atlas"
    description = page.locator('meta[name="description"]').get_attribute("content")
    summary = page.locator(".mga-summary").inner_text()
    assert _meta(page, "property", "og:description") == description == summary
    assert _meta(page, "property", "og:url") == url
    assert page.locator('link[rel="canonical"]').get_attribute("href") == url
    figure = page.locator(".mga-demo img").first.get_attribute("src")
    image = _meta(page, "property", "og:image")
    assert image is not None and image.startswith(SITE_URL + "assets/demo-figures/")
    assert image.endswith("/" + Path(figure).name)
    assert _meta(page, "property", "og:image:alt") == page.locator(
        ".mga-demo img"
    ).first.get_attribute("alt")
    assert _meta(page, "name", "twitter:card") == "summary_large_image"
    assert _meta(page, "name", "twitter:image") == image


def test_share_previews_elsewhere_use_the_site_card(
    page: Any, site_url: str, site_build: Any
) -> None:
    from PIL import Image

    from tools.site.card import CARD_PATH, CARD_SIZE

    page.goto(site_url + "papers/2101.00001/")
    assert _meta(page, "property", "og:title") == "A Fixture Paper About Reports - MedGen Atlas"
    description = _meta(page, "property", "og:description")
    venue = page.locator(".mga-pair").inner_text().split(" · ")
    assert description is not None and description.startswith(f"{venue[0]} · {venue[1]}. ")
    assert description.endswith(page.locator(".mga-summary").inner_text())
    assert _meta(page, "property", "og:url") == SITE_URL + "papers/2101.00001/"
    assert _meta(page, "property", "og:image") == SITE_URL + CARD_PATH
    card = Image.open(site_build.site / CARD_PATH)
    assert card.format == "PNG" and card.size == CARD_SIZE
    assert _meta(page, "property", "og:image:width") == str(CARD_SIZE[0])
    page.goto(site_url)
    assert _meta(page, "property", "og:title") == "MedGen Atlas"
    assert _meta(page, "property", "og:url") == SITE_URL
    icon = page.locator('link[rel="icon"]')
    assert icon.count() == 1 and icon.get_attribute("href").endswith("assets/atlas/favicon.svg")
    response = page.request.get(site_url + icon.get_attribute("href"))
    assert response.ok and response.body().lstrip().startswith(b"<svg")


SCREENSHOT_PAGES = {
    "home": "",
    "demos": "demos/",
    "techniques": "techniques/",
    "papers": "papers/",
    "technique": "techniques/x-ray-to-text/",
    "paper": "papers/2101.00001/",
    "dataset": "datasets/toy-cxr/",
    "whats-new": "whats-new/",
    "search": "search/",
}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_screenshots(
    browser: Any, site_url: str, site_build: Any, artifacts: Path, viewport: str, scheme: str
) -> None:
    folder = artifacts / "screenshots"
    folder.mkdir(exist_ok=True)
    present = page_types(site_build.site)
    context = _context(browser, viewport, scheme)
    page = context.new_page()
    taken = 0
    for name, path in SCREENSHOT_PAGES.items():
        if name == "demos" and "demos" not in present:
            continue
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        page.screenshot(
            path=str(folder / f"{name}-{viewport}-{scheme}.png"),
            full_page=True,
            animations="disabled",
        )
        taken += 1
    assert taken >= len(SCREENSHOT_PAGES) - 1
    context.close()
