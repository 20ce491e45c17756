"""The mkdocs hook: re-renders under `mkdocs serve` only, keeping the last good tree."""

from __future__ import annotations

import importlib
import logging
import shutil
from pathlib import Path

import pytest

from tools.site import mkdocs_hook
from tools.site.render import MARKER

REPO = Path(__file__).resolve().parents[3]
BASIC = REPO / "tests" / "browser" / "catalogs" / "basic"


def test_hook_renders_only_under_serve(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tools.search.available", lambda: False)
    root = Path(shutil.copytree(BASIC, tmp_path / "repo"))
    (root / "mkdocs.yml").write_text("site_name: T\n")
    docs = tmp_path / "docs"
    config = {"config_file_path": str(root / "mkdocs.yml"), "docs_dir": str(docs)}
    mkdocs_hook.on_startup(command="build", dirty=False)
    mkdocs_hook.on_pre_build(config)
    assert not docs.exists()
    mkdocs_hook.on_startup(command="serve", dirty=False)
    importlib.reload(mkdocs_hook)  # mkdocs reloads hooks with the config on every rebuild
    mkdocs_hook.on_pre_build(config)
    assert (docs / MARKER).is_file() and (docs / "techniques" / "x-ray-to-text.md").is_file()
    before = (docs / "index.md").read_text()
    bad = root / "catalog" / "techniques" / "audio-to-text.yaml"
    bad.write_text(bad.read_text().replace("input: audio", "input: sound"))
    with caplog.at_level(logging.ERROR, logger="mkdocs.plugins.medgen_atlas"):
        mkdocs_hook.on_pre_build(config)
    assert "catalog/techniques/audio-to-text.yaml" in caplog.text
    assert (docs / "index.md").read_text() == before  # the last good tree stays
    mkdocs_hook.on_startup(command="build", dirty=False)
