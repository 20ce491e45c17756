"""Turn catalog text into safe HTML for the site.

Descriptions are Markdown written by contributors. They are rendered with markdown-it-py with raw
HTML disabled, then sanitised with bleach: only a small set of tags survives, and a link or image
whose address is not http(s) (or a page-local `#anchor`) loses its address. Plain strings never go
through here: templates escape them (jinja2 autoescape).
"""

from __future__ import annotations

import re
from functools import lru_cache

import bleach
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a",
        "p",
        "br",
        "em",
        "strong",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "s",
        "sub",
        "sup",
    }
)
"""Tags a description may produce; headings start at h3 so they never outrank the page's own."""

ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "th": ["align"], "td": ["align"]}

_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def safe_url(url: str | None) -> str | None:
    """The URL when it is an absolute http(s) address, else None (javascript:, data:, relative)."""
    if url is None:
        return None
    candidate = url.strip()
    return candidate if _SAFE_URL.match(candidate) else None


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # commonmark with raw HTML off; tables and strikethrough on; no linkify (no extra dependency)
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Shift headings down two levels (# -> h3): the page owns h1 and h2.
    return md


def _link_filter(tag: str, name: str, value: str) -> bool:
    if name == "href":
        return safe_url(value) is not None
    return name in ALLOWED_ATTRIBUTES.get(tag, [])


_HEADING = re.compile(r"<(/?)h([1-6])>")


def markdown_html(text: str) -> Markup:
    """Render contributor Markdown to sanitised HTML (safe to insert in a page as is)."""
    html = _parser().render(text)
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 2)}>", html)
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=_link_filter,
        protocols=["http", "https"],
        strip=True,
        strip_comments=True,
    )
    # External links open safely and carry no referrer of the catalog page.
    cleaned = re.sub(r'<a href="', '<a rel="noopener nofollow" href="', cleaned)
    return Markup(cleaned.strip())


def markdown_inline_html(text: str) -> Markup:
    """One line of Markdown (code spans, emphasis, links) as sanitised inline HTML, no <p>."""
    html = _parser().renderInline(text)
    cleaned = bleach.clean(
        html,
        tags={"a", "em", "strong", "code", "s"},
        attributes=_link_filter,
        protocols=["http", "https"],
        strip=True,
        strip_comments=True,
    )
    return Markup(cleaned.strip())


def inline_text(text: str) -> str:
    """A plain one-line version of a string (collapsed whitespace), still to be escaped."""
    return " ".join(text.split())
