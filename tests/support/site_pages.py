"""One page of every page type of a built site, and the viewports and colour schemes a reader has:
shared by the browser tests (the fixture site) and the benchmarks (the real site)."""

from __future__ import annotations

from pathlib import Path

VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}
"""Name -> (width, height) in CSS pixels."""

SCHEMES = ("light", "dark")
"""`prefers-color-scheme` values; the palette follows the system's."""

INDEX_PAGES = ("techniques/", "papers/", "datasets/", "modalities/", "groups/")
"""The index pages whose tables must read at every width."""


def _first(site: Path, folder: str, prefer: str | None = None) -> str | None:
    """`folder/<name>/` of a page under `site/folder`, `prefer` when it exists, else the first."""
    base = site / folder
    if prefer and (base / prefer / "index.html").is_file():
        return f"{folder}/{prefer}/"
    names = sorted(p.parent.name for p in base.glob("*/index.html")) if base.is_dir() else []
    return f"{folder}/{names[0]}/" if names else None


def page_types(site: Path, technique: str | None = None) -> dict[str, str]:
    """Page type -> site path for every type this built site has (Demos only where present)."""
    pages: dict[str, str | None] = {
        "home": "",
        "demos": "demos/" if (site / "demos" / "index.html").is_file() else None,
        "techniques index": "techniques/",
        "technique": _first(site, "techniques", technique),
        "papers index": "papers/",
        "paper": _first(site, "papers"),
        "datasets index": "datasets/",
        "dataset": _first(site, "datasets"),
        "modality": _first(site, "modalities", "x-ray"),
        "group": _first(site, "groups", "image"),
        "what's new": "whats-new/",
        "search": "search/",
        "about": "about/",
        "contributing": "contributing/",
    }
    return {name: path for name, path in pages.items() if path is not None}
