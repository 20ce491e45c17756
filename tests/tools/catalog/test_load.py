"""Every kind of bad input gives exit 1 and one located line per problem, never a traceback,
and the other files are still checked in the same run."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tools.cli import app

runner = CliRunner()
LINE_RE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<field>[^:]+): (?P<msg>.+)$")
GOOD_TECHNIQUE = "catalog/techniques/x-ray-to-text.yaml"


def run_validate(root: Path) -> tuple[int, list[dict[str, str]], str]:
    result = runner.invoke(app, ["validate", "--root", str(root)])
    out = result.stdout
    assert "Traceback" not in out + (result.stderr or "")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    rows = []
    for line in out.splitlines():
        match = LINE_RE.match(line)
        assert match, f"not in path:line: field: message form: {line!r}"
        rows.append(match.groupdict())
    return result.exit_code, rows, out


def test_valid_catalog_passes(catalog_root: Path) -> None:
    code, rows, _ = run_validate(catalog_root)
    assert code == 0
    assert rows == []


def broken_files() -> list[tuple[str, str | bytes, int, str, str]]:
    """(file, content, expected line, expected field, message fragment)."""
    tech = "techniques/audio-to-text.yaml"
    return [
        (tech, "id: audio-to-text\ninput: audio\n\toutput: text\n", 3, "-", "tab"),
        (tech, 'id: audio-to-text\ntitle: "unclosed\n', 3, "-", "invalid YAML"),
        (tech, "id: audio-to-text\nrelated: [a, b\nadded: 2026-01-01\n", 3, "-", "invalid YAML"),
        (tech, "", 1, "-", "empty"),
        (tech, "# only a comment\n", 1, "-", "empty"),
        (tech, b"id: audio-to-text\ntitle: caf\xe9\n", 2, "-", "UTF-8"),
        (tech, b"\x89PNG\r\n\x1a\n\x00\x00\x00", 1, "-", "binary"),
        (tech, "id: audio-to-text\ninput: audio\ninput: text\n", 3, "input", "duplicate key"),
        (
            tech,
            "a: &x [1, 2]\nb: *x\n",
            2,
            "-",
            "aliases are not allowed",
        ),
        (tech, "- just\n- a list\n", 1, "-", "expected a mapping"),
    ]


@pytest.mark.parametrize(("rel", "content", "line", "field", "fragment"), broken_files())
def test_unreadable_file_is_reported_and_others_still_checked(
    catalog_root: Path, rel: str, content: str | bytes, line: int, field: str, fragment: str
) -> None:
    path = catalog_root / "catalog" / rel
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    # a second, independent problem elsewhere must still be reported in the same run
    (catalog_root / "catalog/datasets/toy-cxr.yaml").write_text(
        (catalog_root / "catalog/datasets/toy-cxr.yaml")
        .read_text()
        .replace("access: open", "access: free")
    )
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    mine = [r for r in rows if r["path"] == f"catalog/{rel}"]
    assert len(mine) == 1, rows
    assert int(mine[0]["line"]) == line
    assert mine[0]["field"] == field
    assert fragment.lower() in mine[0]["msg"].lower()
    assert any(
        r["path"] == "catalog/datasets/toy-cxr.yaml" and r["field"] == "access" for r in rows
    )


def test_alias_bomb_is_refused_quickly(catalog_root: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    (catalog_root / "catalog/techniques/audio-to-text.yaml").write_text("\n".join(lines) + "\n")
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    mine = [r for r in rows if r["path"].endswith("audio-to-text.yaml")]
    assert [r["line"] for r in mine] == ["2"]
    assert "aliases are not allowed" in mine[0]["msg"]


def test_oversized_file(catalog_root: Path) -> None:
    path = catalog_root / "catalog/techniques/audio-to-text.yaml"
    path.write_text("id: audio-to-text\n" + "# padding\n" * 40_000)
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    assert "over the" in rows[0]["msg"] and rows[0]["path"].endswith("audio-to-text.yaml")


def test_schema_errors_are_located(
    write_entry: Callable[[str, str], Path], catalog_root: Path
) -> None:
    write_entry(
        "techniques/audio-to-text.yaml",
        """\
        id: audio-to-text
        input: audio
        output: text
        title: Audio to Text
        summary: Turns speech into text.
        description: Words.
        applications:
          - text: Dictation.
            maturity: mature
        colour: blue
        added: 2026-11-20
        """,
    )
    write_entry(
        "papers/2101.00001.yaml",
        (catalog_root / "catalog/papers/2101.00001.yaml")
        .read_text()
        .replace("year: 2021", "year: twenty"),
    )
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    found = {(r["path"].split("/")[-1], r["line"], r["field"]) for r in rows}
    assert ("audio-to-text.yaml", "9", "applications[0].maturity") in found
    assert ("audio-to-text.yaml", "10", "colour") in found
    assert ("2101.00001.yaml", "4", "year") in found
    assert any("unknown field" in r["msg"] for r in rows)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/a", "https://x.org/<script>"]
)
def test_only_http_urls(catalog_root: Path, url: str) -> None:
    path = catalog_root / "catalog/papers/2101.00001.yaml"
    path.write_text(
        path.read_text().replace("url: https://arxiv.org/abs/2101.00001", f'url: "{url}"')
    )
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    assert [(r["field"], r["line"]) for r in rows] == [("url", "6")]
    assert "http" in rows[0]["msg"]


def test_dangling_references_suggest_near_misses(catalog_root: Path) -> None:
    path = catalog_root / "catalog/papers/2101.00001.yaml"
    path.write_text(
        path.read_text()
        .replace("techniques: [x-ray-to-text]", "techniques:\n  - x-ray-to-text\n  - xray-to-text")
        .replace("datasets: [toy-cxr]", "datasets: [toy-cx]")
    )
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    msgs = {r["field"]: (r["line"], r["msg"]) for r in rows}
    assert msgs["techniques[1]"] == (
        "11",
        "unknown technique `xray-to-text` (did you mean `x-ray-to-text`?)",
    )
    assert "did you mean `toy-cxr`" in msgs["datasets[0]"][1]


def test_id_must_match_file_name_and_modalities(catalog_root: Path) -> None:
    tdir = catalog_root / "catalog/techniques"
    text = (tdir / "audio-to-text.yaml").read_text()
    (tdir / "audio-to-txt.yaml").write_text(text)
    (tdir / "audio-to-image.yaml").write_text(
        text.replace("id: audio-to-text", "id: audio-to-image")
    )
    (tdir / "sound-to-text.yaml").write_text(
        text.replace("id: audio-to-text", "id: sound-to-text").replace(
            "input: audio", "input: sound"
        )
    )
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    by_file = {r["path"].split("/")[-1]: r for r in rows}
    assert "does not match the file name" in by_file["audio-to-txt.yaml"]["msg"]
    assert by_file["audio-to-image.yaml"]["field"] == "id"
    assert "`audio-to-text`" in by_file["audio-to-image.yaml"]["msg"]
    assert by_file["sound-to-text.yaml"]["field"] == "input"
    assert "unknown modality `sound`" in by_file["sound-to-text.yaml"]["msg"]


def test_duplicates_are_found(catalog_root: Path) -> None:
    pdir = catalog_root / "catalog/papers"
    text = (pdir / "2101.00001.yaml").read_text()
    (pdir / "2101.00002.yaml").write_text(
        text.replace('"2101.00001"', '"2101.00002"')
        .replace("abs/2101.00001", "abs/2101.00002")
        .replace("A Test Paper About Reports", "A test paper about reports!")
    )
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    assert [(r["path"].split("/")[-1], r["field"]) for r in rows] == [("2101.00002.yaml", "title")]
    assert "same title as `catalog/papers/2101.00001.yaml`" in rows[0]["msg"]


def test_style_rules(catalog_root: Path) -> None:
    path = catalog_root / "catalog/techniques/audio-to-text.yaml"
    path.write_text(
        path.read_text().replace(
            "summary: Turns one modality into another.",
            "summary: First sentence. Second sentence. Third sentence without an end",
        )
    )
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    msgs = sorted(r["msg"] for r in rows if r["field"] == "summary")
    assert msgs == ["a summary ends with a period", "summary has 3 sentences; use at most 2"]


def test_todo_placeholders_are_rejected(catalog_root: Path) -> None:
    path = catalog_root / "catalog/papers/2101.00001.yaml"
    path.write_text(
        path.read_text().replace(
            "summary: Generates reports from radiographs.", "summary: TODO write this."
        )
    )
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    assert rows[0]["field"] == "summary" and "TODO" in rows[0]["msg"]


def test_cli_subprocess_prints_no_traceback(catalog_root: Path) -> None:
    import subprocess
    import sys

    (catalog_root / "catalog/techniques/audio-to-text.yaml").write_bytes(b"\xff\xfe\x00bad")
    proc = subprocess.run(
        [sys.executable, "-m", "tools", "validate", "--root", str(catalog_root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout.startswith("catalog/techniques/audio-to-text.yaml:1: -: ")
