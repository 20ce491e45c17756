"""Where each generated page lives, and relative links between pages.

The site uses directory URLs: `techniques/x-ray-to-text.md` is served at `techniques/x-ray-to-text/`.
Generated pages link with relative URLs computed here, so the site works under any base path and
on any static host, with either site engine.
"""

from __future__ import annotations

import posixpath


def page_url(source: str) -> str:
    """The served URL of a Markdown source path (`a/b.md` -> `a/b/`, `a/index.md` -> `a/`)."""
    if not source.endswith(".md"):
        return source
    stem = source[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative(from_url: str, to_url: str) -> str:
    """A relative link from the page served at `from_url` to `to_url` (both site-relative)."""
    base = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url)
    base = base.rstrip("/") or "."
    target = to_url.rstrip("/") or "."
    rel = posixpath.relpath(target, base)
    if to_url.endswith("/") or to_url == "":
        return "./" if rel == "." else rel + "/"
    return rel


def technique_page(tid: str) -> str:
    """Source path of a technique page."""
    return f"techniques/{tid}.md"


def paper_page(pid: str) -> str:
    """Source path of a paper page."""
    return f"papers/{pid}.md"


def dataset_page(did: str) -> str:
    """Source path of a dataset page."""
    return f"datasets/{did}.md"


def modality_page(slug: str) -> str:
    """Source path of a modality page."""
    return f"modalities/{slug}.md"


def group_page(gid: str) -> str:
    """Source path of a group page."""
    return f"groups/{gid}.md"


DEMOS_PAGE = "demos.md"
"""Source path of the Demos page (one card per demo)."""


def demo_anchor(did: str) -> str:
    """A demo's card on the Demos page (`demos.md#demo-<id>`)."""
    return f"{DEMOS_PAGE}#demo-{did}"
