"""Turn catalog text into safe HTML for the site.

Descriptions are Markdown written by contributors. They are rendered with markdown-it-py with raw
HTML disabled, then sanitised with nh3 (the ammonia sanitiser): only a small set of tags survives,
a link whose address is not an absolute http(s) URL loses its address, and the content of
`<script>` and `<style>` is dropped with the tag. Plain strings never go
through here: templates escape them (jinja2 autoescape).
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
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

INLINE_TAGS = frozenset({"a", "em", "strong", "code", "s"})
"""Tags a one-line text may produce."""

ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
"""`rel` is not among them: nh3 sets it on every link (`LINK_REL`)."""

LINK_REL = "noopener nofollow"
"""External links open safely and carry no referrer of the catalog page."""

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


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    """Keep an allowed attribute; drop an `href` that is not an absolute http(s) URL."""
    if name == "href":
        return safe_url(value)
    if (tag, name) == ("a", "rel"):  # nh3 sets it itself (`link_rel`); keep exactly ours
        return LINK_REL
    return value if name in ALLOWED_ATTRIBUTES.get(tag, set()) else None


def sanitise(html: str, tags: set[str] | frozenset[str]) -> str:
    """`html` with only `tags` and their allowed attributes left (text of other tags kept)."""
    return nh3.clean(
        html,
        tags=set(tags),
        attributes={t: a for t, a in ALLOWED_ATTRIBUTES.items() if t in tags},
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https"},
        strip_comments=True,
        link_rel=LINK_REL,
    )


_HEADING = re.compile(r"<(/?)h([1-6])>")


def markdown_html(text: str) -> Markup:
    """Render contributor Markdown to sanitised HTML (safe to insert in a page as is)."""
    html = _parser().render(text)
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 2)}>", html)
    return Markup(sanitise(html, ALLOWED_TAGS).strip())


def markdown_inline_html(text: str) -> Markup:
    """One line of Markdown (code spans, emphasis, links) as sanitised inline HTML, no <p>."""
    html = _parser().renderInline(text)
    return Markup(sanitise(html, INLINE_TAGS).strip())


def inline_text(text: str) -> str:
    """A plain one-line version of a string (collapsed whitespace), still to be escaped."""
    return " ".join(text.split())
