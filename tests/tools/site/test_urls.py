"""Page paths and relative links between pages."""

from __future__ import annotations

import pytest

from tools.site.urls import page_url, relative


@pytest.mark.parametrize(
    ("source", "url"),
    [
        ("index.md", ""),
        ("techniques/index.md", "techniques/"),
        ("techniques/x-ray-to-text.md", "techniques/x-ray-to-text/"),
        ("papers/2410.13823.md", "papers/2410.13823/"),
        ("feed.xml", "feed.xml"),
    ],
)
def test_page_url(source: str, url: str) -> None:
    assert page_url(source) == url


@pytest.mark.parametrize(
    ("here", "there", "link"),
    [
        ("", "techniques/a/", "techniques/a/"),
        ("techniques/a/", "papers/1/", "../../papers/1/"),
        ("techniques/a/", "techniques/b/", "../b/"),
        ("techniques/a/", "", "../../"),
        ("techniques/", "techniques/a/", "a/"),
        ("techniques/a/", "bibtex/a.bib", "../../bibtex/a.bib"),
        ("feed.xml", "papers/1/", "papers/1/"),
        ("about/", "about/", "./"),
    ],
)
def test_relative_links(here: str, there: str, link: str) -> None:
    assert relative(here, there) == link
