"""The test and benchmark helpers: the site engine runner and the synthetic catalog writer."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.support.site_engine import EngineError, engine_command, engine_config
from tools.catalog.load import validate

REPO = Path(__file__).resolve().parents[2]


def test_engine_config_is_relative_and_engine_names_checked(tmp_path: Path) -> None:
    config = engine_config(REPO, tmp_path / "docs", tmp_path / "site", tmp_path / "mkdocs.yml")
    data = yaml.safe_load(config.read_text())
    assert data["docs_dir"] == "docs" and data["site_dir"] == "site"
    assert Path(data["theme"]["custom_dir"]).is_absolute()
    assert "watch" not in data
    with pytest.raises(EngineError, match="unknown site engine"):
        engine_command("hugo", config)


def test_synthetic_catalogs_are_valid_and_sized(tmp_path: Path) -> None:
    from tests.support.site_synthetic import write_synthetic_catalog

    root = write_synthetic_catalog(tmp_path, papers=40, modalities=6, techniques=20)
    cat, problems = validate(root)
    assert problems == []
    assert (len(cat.papers), len(cat.modalities), len(cat.techniques)) == (40, 6, 20)
    assert all(p.url.startswith("https://example.org/") for p in cat.papers.values())
