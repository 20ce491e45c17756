"""mkdocs hook: under `mkdocs serve`, re-render the Markdown tree before each build.

Thin on purpose: the work is `tools.render.render`. `mkdocs build` (make site) renders first
itself, so the hook does nothing there. An invalid catalog keeps the last good tree and logs the
validator's messages.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.plugins.medgen_atlas")

_state = {"serving": False}


def on_startup(command: str, dirty: bool = False, **_: Any) -> None:
    """Remember whether this run is `mkdocs serve`."""
    _state["serving"] = command == "serve"


def on_pre_build(config: Any, **_: Any) -> None:
    """Under `mkdocs serve`, render the tree into docs_dir (writes only what changed)."""
    if not _state["serving"]:
        return
    from tools.render import render

    root = Path(config["config_file_path"]).resolve().parent
    result, problems = render(root, Path(config["docs_dir"]))
    if result is None:
        for problem in problems:
            log.error(str(problem))
        log.error("the catalog has errors; the site shows the last valid render")
        return
    log.info(
        "rendered %d pages (%d files written, %d removed) in %.2f s",
        result.pages,
        result.written,
        result.removed,
        result.seconds,
    )
