"""The settings render reads from mkdocs.yml, and the repository's mkdocs.yml."""

from __future__ import annotations

from pathlib import Path

import yaml

from tools.site.config import SiteConfig, read_site_config

REPO = Path(__file__).resolve().parents[3]


def test_site_config_reads_mkdocs_yml(tmp_path: Path) -> None:
    cfg_file = tmp_path / "mkdocs.yml"
    cfg_file.write_text(
        "site_name: X\nrepo_url: https://github.com/o/r\nedit_uri: edit/main/\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:x.y\n"
    )
    cfg = read_site_config(cfg_file)
    assert cfg.edit_link("catalog/papers/1.yaml") == (
        "https://github.com/o/r/edit/main/catalog/papers/1.yaml"
    )
    assert cfg.repo_link("demos/a/MODEL_CARD.md") == (
        "https://github.com/o/r/blob/main/demos/a/MODEL_CARD.md"
    )
    assert read_site_config(tmp_path / "missing.yml") == SiteConfig()
    assert SiteConfig(repo_url=None).edit_link("x") is None
    unsafe = tmp_path / "bad.yml"
    unsafe.write_text("repo_url: javascript:alert(1)\nedit_uri: e/\n")
    assert read_site_config(unsafe).edit_link("x") is None


def test_repository_mkdocs_yml_points_docs_into_build() -> None:
    data = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    assert data["docs_dir"] == "build/docs" and data["site_dir"] == "site"
    assert "/papers/" in data["not_in_nav"] and "/datasets/" in data["not_in_nav"]
    assert data["hooks"] == ["tools/site/mkdocs_hook.py"]


def test_a_broken_mkdocs_yml_is_one_located_message(tmp_path: Path) -> None:
    import pytest

    from tools.site.config import SiteConfigError

    cfg_file = tmp_path / "mkdocs.yml"
    cfg_file.write_text("site_name: X\nnav: [\n  - a\n bad: ]\n")
    with pytest.raises(SiteConfigError, match=r"mkdocs\.yml:\d+: "):
        read_site_config(cfg_file)
    cfg_file.write_bytes(b"site_name: caf\xe9\n")
    with pytest.raises(SiteConfigError, match="not UTF-8 text"):
        read_site_config(cfg_file)
