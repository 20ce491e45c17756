"""Every internal link of the built site resolves (a pure-Python link checker over the HTML)."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tools.site.config import read_site_config

SITE_PATH = (
    urlsplit(
        read_site_config(Path(__file__).resolve().parents[2] / "mkdocs.yml").site_url or "/"
    ).path.rstrip("/")
    + "/"
)
"""The path of site_url (mkdocs.yml): the 404 page's absolute links start with it."""

LINK_ATTRS = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        attr = LINK_ATTRS.get(tag)
        if attr and values.get(attr):
            self.links.append(str(values[attr]))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path) -> list[str]:
    """`page -> link` for each internal link whose file (or #fragment) does not exist."""
    parsed = {p: _parse(p) for p in site.rglob("*.html")}
    broken = []
    for page, links in parsed.items():
        page_dir = page.parent.relative_to(site).as_posix()
        for link in links.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("#"):
                continue
            # an absolute path (the 404 page uses them) is read from the site's root, which is
            # site_url's path where the site is published (/medgen-atlas/ on GitHub Pages)
            path = unquote(parts.path)
            if path.startswith(SITE_PATH):
                path = "/" + path[len(SITE_PATH) :]
            base = "." if path.startswith("/") else page_dir
            target_rel = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
            if target_rel.startswith(".."):
                broken.append(f"{page.relative_to(site)} -> {link} (leaves the site)")
                continue
            target = site / target_rel
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if parts.fragment not in ids:
                    broken.append(f"{page.relative_to(site)} -> {link} (no #{parts.fragment})")
    return sorted(broken)


def test_every_internal_link_resolves(site_build) -> None:  # type: ignore[no-untyped-def]
    pages = list(site_build.site.rglob("*.html"))
    assert len(pages) > 25
    assert broken_links(site_build.site) == []


def test_every_internal_link_resolves_on_the_hostile_site(hostile_build) -> None:  # type: ignore[no-untyped-def]
    assert broken_links(hostile_build.site) == []


def test_link_checker_reports_a_broken_link_and_fragment(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">x</h2>')
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#here">ok</a><a href="b/">missing</a>'
        '<a href="a/#gone">no anchor</a><a href="https://example.org/">external</a>'
        '<img src="../outside.png">'
    )
    assert broken_links(tmp_path) == [
        "index.html -> ../outside.png (leaves the site)",
        "index.html -> a/#gone (no #gone)",
        "index.html -> b/",
    ]


@pytest.mark.parametrize("name", ["api/catalog.json", "bibtex/all.bib", "feed.xml"])
def test_exports_are_served_files(site_build, name: str) -> None:  # type: ignore[no-untyped-def]
    assert (site_build.site / name).is_file()


def test_serve_folder_serves_until_the_session_ends(serve_folder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import urllib.request

    (tmp_path / "hello.txt").write_text("hi")
    url = serve_folder(tmp_path)
    with urllib.request.urlopen(url + "hello.txt", timeout=5) as resp:
        assert resp.read() == b"hi"


@pytest.mark.slow
def test_the_real_catalog_site_has_no_broken_links(tmp_path: Path) -> None:
    from tests.support.site_engine import build, engine_config
    from tools.catalog.load import open_catalog
    from tools.site.render import render

    repo = Path(__file__).resolve().parents[2]
    render(open_catalog(repo), tmp_path / "docs")  # an invalid catalog fails, naming each problem
    build("mkdocs", engine_config(repo, tmp_path / "docs", tmp_path / "site", tmp_path / "m.yml"))
    assert broken_links(tmp_path / "site") == []


def test_hostile_feed_is_well_formed_and_carries_text(hostile_build) -> None:  # type: ignore[no-untyped-def]
    import xml.etree.ElementTree as ET

    root = ET.parse(hostile_build.site / "feed.xml").getroot()
    titles = [e.text or "" for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert any('<script>window.__xss="script"</script>' in t for t in titles)
