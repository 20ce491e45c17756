"""mkdocs hook: under `mkdocs serve`, re-render the Markdown tree before each build.

Thin on purpose: the work is `tools.site.render.render` of `open_catalog`'s checked catalog.
`mkdocs build` (make site) renders first itself, so the hook does nothing there. An invalid catalog keeps the last good tree and logs the
validator's messages.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.plugins.medgen_atlas")

SERVING = "MEDGEN_ATLAS_SERVING"
"""Set while `mkdocs serve` runs: mkdocs reloads this module with the config on every rebuild, so
module state would not survive; the process environment does."""


def on_startup(command: str, dirty: bool = False, **_: Any) -> None:
    """Remember whether this run is `mkdocs serve`."""
    if command == "serve":
        os.environ[SERVING] = "1"
    else:
        os.environ.pop(SERVING, None)


def on_pre_build(config: Any, **_: Any) -> None:
    """Under `mkdocs serve`, render the tree into docs_dir (writes only what changed)."""
    if os.environ.get(SERVING) != "1":
        return
    from tools.catalog.errors import CatalogInvalid
    from tools.catalog.load import open_catalog
    from tools.search.errors import SearchError
    from tools.site.related import load_search_once
    from tools.site.render import render

    start = time.perf_counter()
    root = Path(config["config_file_path"]).resolve().parent
    try:
        cat = open_catalog(root)
    except CatalogInvalid as exc:
        for problem in exc.problems:
            log.error(str(problem))
        log.error("the catalog has errors; the site shows the last valid render")
        return
    try:
        search = load_search_once(cat)
    except SearchError as exc:
        log.error("search: %s; rendering without it", exc)
        search = None
    result = render(cat, Path(config["docs_dir"]), search=search)
    log.info(
        "rendered %d pages (%d files written, %d removed) in %.2f s",
        result.pages,
        result.written,
        result.removed,
        time.perf_counter() - start,
    )
