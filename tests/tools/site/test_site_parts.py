"""The pieces behind the site: safe Markdown, URLs, matrix levels, config, schema reference."""

from __future__ import annotations

import importlib
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.site_engine import EngineError, engine_command, engine_config
from tools.catalog.load import validate
from tools.site import mkdocs_hook
from tools.site.config import SiteConfig, read_site_config
from tools.site.markdown import markdown_html, safe_url
from tools.site.related import coerce
from tools.site.render import MARKER
from tools.site.schema_doc import describe_type, example_for, field_reference
from tools.site.urls import page_url, relative
from tools.site.views import build_matrix, level_labels, paper_level, short_authors

REPO = Path(__file__).resolve().parents[3]
BASIC = REPO / "tests" / "browser" / "catalogs" / "basic"


@pytest.mark.parametrize(
    ("text", "absent", "present"),
    [
        ("<script>alert(1)</script>", "<script", "&lt;script&gt;"),
        ('<img src=x onerror="alert(1)">', "<img", "onerror"),
        ("[x](javascript:alert(1))", 'href="javascript', "javascript:alert(1)"),
        ("[x](JAVASCRIPT:alert(1))", "href=", "x"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "href=", "x"),
        ("![pic](https://example.org/a.png)", "<img", ""),
        ('<a href="https://ok.org" onclick="x()">a</a>', "<a ", "&lt;a href"),
        ("[x](/relative/path)", "href=", "x"),
    ],
)
def test_markdown_is_sanitised(text: str, absent: str, present: str) -> None:
    html = str(markdown_html(text))
    assert absent not in html
    assert present in html


def test_markdown_keeps_formatting_links_and_shifts_headings() -> None:
    html = str(markdown_html("# Title\n\nSome **bold** and [a link](https://example.org/x).\n"))
    assert "<h3>Title</h3>" in html and "<h1>" not in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/x" rel="noopener nofollow">a link</a>' in html


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a?b=c", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("//evil.org/x", False),
        ('https://x.org/"onmouseover=alert(1)', False),
        ("ftp://example.org", False),
        (None, False),
    ],
)
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


@pytest.mark.parametrize(
    ("source", "url"),
    [
        ("index.md", ""),
        ("techniques/index.md", "techniques/"),
        ("techniques/x-ray-to-text.md", "techniques/x-ray-to-text/"),
        ("papers/2410.13823.md", "papers/2410.13823/"),
        ("feed.xml", "feed.xml"),
    ],
)
def test_page_url(source: str, url: str) -> None:
    assert page_url(source) == url


@pytest.mark.parametrize(
    ("here", "there", "link"),
    [
        ("", "techniques/a/", "techniques/a/"),
        ("techniques/a/", "papers/1/", "../../papers/1/"),
        ("techniques/a/", "techniques/b/", "../b/"),
        ("techniques/a/", "", "../../"),
        ("techniques/", "techniques/a/", "a/"),
        ("techniques/a/", "bibtex/a.bib", "../../bibtex/a.bib"),
        ("feed.xml", "papers/1/", "papers/1/"),
        ("about/", "about/", "./"),
    ],
)
def test_relative_links(here: str, there: str, link: str) -> None:
    assert relative(here, there) == link


def test_paper_levels_and_legend_agree() -> None:
    assert [paper_level(n) for n in (0, 1, 2, 3, 5, 6, 10, 11, 500)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert level_labels() == [
        "no papers yet",
        "1-2 papers",
        "3-5 papers",
        "6-10 papers",
        "11+ papers",
    ]


def test_short_authors() -> None:
    assert short_authors(["A", "B"]) == "A, B"
    assert short_authors(["A", "B", "C", "D"]) == "A, B, C et al."
    assert short_authors(["A"], complete=False) == "A et al."


def test_matrix_axes_are_used_modalities_in_group_order() -> None:
    cat, _ = validate(BASIC)
    matrix = build_matrix(cat)
    assert [m.slug for m in matrix.rows] == ["text", "x-ray", "ct", "audio"]
    assert matrix.rows == matrix.cols
    cell = matrix.cell("x-ray", "text")
    assert cell.technique is not None and cell.papers == 4 and cell.level == 2
    assert matrix.cell("text", "text").technique is None


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


def test_schema_types_are_described() -> None:
    assert describe_type({"type": "string", "format": "date"}, {}) == "date (YYYY-MM-DD)"
    assert describe_type({"anyOf": [{"type": "integer"}, {"type": "null"}]}, {}) == "whole number"
    assert describe_type(
        {"type": "array", "items": {"$ref": "#/$defs/E"}}, {"E": {"enum": ["a", "b"]}}
    ) == ("list of one of: a, b")
    assert example_for([{"a": [{"b": 1}]}], "a[].b") == "1"
    assert example_for([{"a": None}, {"a": "x"}], "a") == '"x"'
    assert example_for([], "a") == ""


def test_field_reference_examples_come_from_the_catalog() -> None:
    cat, _ = validate(BASIC)
    kinds = {k.kind: k for k in field_reference(cat)}
    paper = {f.name: f for f in kinds["paper"].fields}
    assert paper["title"].required and not paper["venue"].required
    # the first paper by id with the field set: 10-1234-... has no arXiv id, 2101.00001 has
    assert paper["arxiv"].example == '"2101.00001"'
    assert paper["doi"].example == '"10.1234/fixture.2020.1"'
    assert paper["verified[].source"].required
    assert kinds["technique"].fields[0].name == "id"


def test_engine_config_is_relative_and_engine_names_checked(tmp_path: Path) -> None:
    config = engine_config(REPO, tmp_path / "docs", tmp_path / "site", tmp_path / "mkdocs.yml")
    data = yaml.safe_load(config.read_text())
    assert data["docs_dir"] == "docs" and data["site_dir"] == "site"
    assert Path(data["theme"]["custom_dir"]).is_absolute()
    assert "watch" not in data
    with pytest.raises(EngineError, match="unknown site engine"):
        engine_command("hugo", config)


def test_coerce_drops_unknown_and_self_neighbours() -> None:
    cat, _ = validate(BASIC)
    raw: dict[Any, Any] = {
        ("technique", "x-ray-to-text"): [
            {"kind": "technique", "id": "x-ray-to-text", "score": 1.0},
            {"kind": "technique", "id": "gone", "score": 0.9},
            ("paper", "2101.00001", 0.5),
        ],
        ("technique", "missing"): [],
    }
    out = coerce(raw, cat)
    assert list(out) == [("technique", "x-ray-to-text")]
    assert [(n.kind, n.id) for n in out[("technique", "x-ray-to-text")]] == [
        ("paper", "2101.00001")
    ]


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


def test_inline_markdown_has_no_paragraph_and_stays_safe() -> None:
    from tools.site.markdown import markdown_inline_html

    assert str(markdown_inline_html("`<input>-to-<output>`; the *file* name")) == (
        "<code>&lt;input&gt;-to-&lt;output&gt;</code>; the <em>file</em> name"
    )
    assert "<script" not in str(markdown_inline_html("<script>x</script> [a](javascript:x)"))


def test_synthetic_catalogs_are_valid_and_sized(tmp_path: Path) -> None:
    from tests.support.site_synthetic import write_synthetic_catalog

    root = write_synthetic_catalog(tmp_path, papers=40, modalities=6, techniques=20)
    cat, problems = validate(root)
    assert problems == []
    assert (len(cat.papers), len(cat.modalities), len(cat.techniques)) == (40, 6, 20)
    assert all(p.url.startswith("https://example.org/") for p in cat.papers.values())
