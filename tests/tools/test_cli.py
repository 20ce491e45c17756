"""The CLI: every command documents itself, scaffolds validate once filled in, exports are right."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from tools.cli import app

runner = CliRunner()


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for name, cmd in group.commands.items():
        out.append((prefix + name, cmd))
        if hasattr(cmd, "commands"):
            out += _commands(cmd, prefix + name + " ")
    return out


def test_every_command_has_help_text() -> None:
    root = typer.main.get_command(app)
    assert hasattr(root, "commands")
    commands = _commands(root)
    assert {"validate", "schema", "export", "stats", "new technique", "new paper"} <= {
        n for n, _ in commands
    }
    for name, cmd in commands:
        assert (cmd.help or "").strip(), f"`{name}` has no help text"
        for param in cmd.params:
            if param.param_type_name == "option" and param.name != "help":
                assert (param.help or "").strip(), f"`{name} {param.opts[0]}` has no help text"


def test_new_technique_scaffold_then_validate(catalog_root: Path) -> None:
    result = runner.invoke(
        app,
        ["new", "technique", "--input", "audio", "--output", "x-ray", "--root", str(catalog_root)],
    )
    assert result.exit_code == 0, result.output
    path = catalog_root / "catalog/techniques/audio-to-x-ray.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/technique.schema.json")
    check = runner.invoke(app, ["validate", "--root", str(catalog_root)])
    assert check.exit_code == 1
    assert "audio-to-x-ray.yaml" in check.stdout and "TODO" in check.stdout
    filled = text.replace(
        "TODO what this technique does, in one or two sentences.", "Sonifies radiographs."
    )
    filled = filled.replace("TODO how it works and where it is used.", "It maps pixels to tones.")
    filled = filled.replace("TODO a medical application.", "Teaching.")
    path.write_text(filled)
    assert runner.invoke(app, ["validate", "--root", str(catalog_root)]).exit_code == 0
    again = runner.invoke(
        app,
        ["new", "technique", "--input", "audio", "--output", "x-ray", "--root", str(catalog_root)],
    )
    assert again.exit_code == 1 and "already exists" in again.output
    assert path.read_text() == filled


def test_new_technique_unknown_modality(catalog_root: Path) -> None:
    result = runner.invoke(
        app,
        ["new", "technique", "--input", "xray", "--output", "text", "--root", str(catalog_root)],
    )
    assert result.exit_code == 1
    assert "unknown modality `xray` (did you mean `x-ray`?)" in result.output


def test_new_paper_scaffold(catalog_root: Path) -> None:
    def new_paper(*args: str) -> Any:
        cmd = ["new", "paper", *args, "-t", "x-ray-to-text", "--root", str(catalog_root)]
        return runner.invoke(app, cmd)

    bad = new_paper("--arxiv", "2302.00003v2")
    assert bad.exit_code == 1 and "not an arXiv id" in bad.output
    result = new_paper("--arxiv", "2302.00002")
    assert result.exit_code == 0, result.output
    path = catalog_root / "catalog/papers/2302.00002.yaml"
    text = path.read_text()
    assert 'id: "2302.00002"' in text and "techniques: [x-ray-to-text]" in text
    refused = new_paper("--doi", "10.1000/ABC.1")  # `new` works on a checked catalog only
    assert refused.exit_code == 1 and "catalog/papers/2302.00002.yaml:" in refused.output
    assert not (catalog_root / "catalog/papers/10-1000-abc-1.yaml").exists()
    filled = re.sub(r"(?m)^summary: TODO.*$", "summary: Writes reports.", text)
    filled = re.sub(r"(?m)^title: TODO.*$", "title: A Scaffolded Paper", filled)
    filled = re.sub(r"(?m)^authors: \[TODO.*$", "authors: [Ada Lovelace]", filled)
    path.write_text(filled)
    doi = new_paper("--doi", "10.1000/ABC.1")
    assert doi.exit_code == 0, doi.output
    assert (catalog_root / "catalog/papers/10-1000-abc-1.yaml").exists()


def test_export_json_is_versioned_and_complete(catalog_root: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "json", "--root", str(catalog_root)])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["version"] == 1
    techniques = {t["id"]: t for t in data["techniques"]}
    assert techniques["x-ray-to-text"]["papers"] == ["2101.00001"]
    assert techniques["x-ray-to-text"]["datasets"] == ["toy-cxr"]
    assert techniques["audio-to-text"]["papers"] == []
    assert [p["id"] for p in data["papers"]] == ["2101.00001"]


def test_export_bibtex_selection_and_escaping(catalog_root: Path) -> None:
    paper = catalog_root / "catalog/papers/2101.00001.yaml"
    paper.write_text(
        paper.read_text().replace("A Test Paper About Reports", "Reports & 100% {Braces}_x")
    )
    out = catalog_root / "out.bib"
    result = runner.invoke(
        app,
        [
            "export",
            "-f",
            "bibtex",
            "-t",
            "x-ray-to-text",
            "-o",
            str(out),
            "--root",
            str(catalog_root),
        ],
    )
    assert result.exit_code == 0, result.output
    bib = out.read_text()
    assert bib.startswith("@misc{turing") is False
    assert bib.startswith("@misc{lovelace2021reports,")
    assert r"title = {{Reports \& 100\% \{Braces\}\_x}}" in bib
    assert "author = {Ada Lovelace and Alan Turing}" in bib
    assert "eprint = {2101.00001}" in bib
    paper.write_text(paper.read_text().replace("year: 2021", "authors_complete: false\nyear: 2021"))
    partial = runner.invoke(
        app, ["export", "-f", "bibtex", "-p", "2101.00001", "--root", str(catalog_root)]
    )
    assert "author = {Ada Lovelace and Alan Turing and others}" in partial.stdout
    empty = runner.invoke(
        app, ["export", "-f", "bibtex", "-t", "audio-to-text", "--root", str(catalog_root)]
    )
    assert empty.exit_code == 0 and empty.stdout == ""
    unknown = runner.invoke(
        app, ["export", "-f", "bibtex", "-t", "audio-to-txt", "--root", str(catalog_root)]
    )
    assert unknown.exit_code == 1 and "did you mean `audio-to-text`" in unknown.output


def test_export_refuses_invalid_catalog(catalog_root: Path) -> None:
    (catalog_root / "catalog/techniques/audio-to-text.yaml").write_text("id: [\n")
    result = runner.invoke(app, ["export", "--root", str(catalog_root)])
    assert result.exit_code == 1
    assert "audio-to-text.yaml:" in result.output and "fix them first" in result.output


def test_stats(catalog_root: Path) -> None:
    result = runner.invoke(app, ["stats", "--json", "--root", str(catalog_root)])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["papers"] == 1 and data["techniques"] == 2
    assert data["techniques_without_papers"] == ["audio-to-text"]
    assert data["techniques_without_papers_noted"] == ["audio-to-text"]
    assert data["papers_per_year"] == {"2021": 1}
    assert data["share_with_code"] == 1.0
    assert data["papers_per_group"] == {"text": 1, "image": 1, "audio": 0}
    table = runner.invoke(app, ["stats", "--root", str(catalog_root)])
    assert "x-ray-to-text" in table.stdout and "without papers and no note: 0" in table.stdout


def test_schema_into_an_unwritable_place_is_one_message(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "schemas").write_text("a file where the folder should be")
    res = CliRunner().invoke(app, ["schema", "--root", str(tmp_path)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "error: could not write" in res.output


def test_stats_provenance(catalog_root: Path) -> None:
    data = json.loads(runner.invoke(app, ["stats", "--json", "--root", str(catalog_root)]).stdout)
    assert data["provenance"]["papers"]["canonical_title_authors"] == {"count": 1, "share": 1.0}
    table = runner.invoke(app, ["stats", "--root", str(catalog_root)]).stdout
    assert "  canonical source for title+authors" in table and "most cited hosts:" in table
    empty = runner.invoke(app, ["stats", "--provenance-missing", "--root", str(catalog_root)])
    assert (empty.exit_code, empty.stdout) == (0, "")
    paper = catalog_root / "catalog" / "papers" / "2101.00001.yaml"
    paper.write_text(
        paper.read_text()
        .replace("source: https://arxiv.org/abs/2101.00001", "source: https://paperswithcode.com/p")
        .replace(
            "added: 2026-11-21",
            "no_canonical_source:\n  checked: 2026-11-20\n  note: None.\nadded: 2026-11-21",
        )
    )
    listed = runner.invoke(app, ["stats", "--provenance-missing", "--root", str(catalog_root)])
    assert (listed.exit_code, listed.stdout) == (0, "2101.00001\n")
