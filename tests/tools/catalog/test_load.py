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


def _break_technique(root: Path) -> None:
    """A second, ordinary error in another file, to show the run goes on past the hostile one."""
    path = root / "catalog/techniques/audio-to-text.yaml"
    path.write_text(path.read_text().replace("maturity: research", "maturity: mature"))


def _rows_for(rows: list[dict[str, str]], name: str) -> list[dict[str, str]]:
    return [r for r in rows if r["path"].endswith(name)]


@pytest.mark.parametrize(
    "text",
    [
        "id: deep\nx: " + "[" * 980 + "]" * 980 + "\n",
        "id: deep\nx: " + "{a: " * 980 + "1" + "}" * 980 + "\n",
        "id: deep\n" + "".join(" " * i + "a:\n" for i in range(400)) + " " * 400 + "b: 1\n",
    ],
    ids=["flow-lists", "flow-maps", "block-maps"],
)
def test_deep_nesting_is_one_problem(catalog_root: Path, text: str) -> None:
    (catalog_root / "catalog/papers/deep.yaml").write_text(text)
    _break_technique(catalog_root)
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    (deep,) = _rows_for(rows, "deep.yaml")
    assert "nested more than 32 levels deep" in deep["msg"] and deep["field"] == "-"
    assert _rows_for(rows, "audio-to-text.yaml")  # the other file was still checked


def test_symlink_loop_is_one_problem_each(catalog_root: Path) -> None:
    papers = catalog_root / "catalog/papers"
    (papers / "l1.yaml").symlink_to("l2.yaml")
    (papers / "l2.yaml").symlink_to("l1.yaml")
    (papers / "self.yaml").symlink_to("self.yaml")
    _break_technique(catalog_root)
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    for name in ("l1.yaml", "l2.yaml", "self.yaml"):
        (row,) = _rows_for(rows, name)
        assert row["msg"] == "symbolic link loop: it points back at itself"
    assert _rows_for(rows, "audio-to-text.yaml")


def test_a_link_out_of_the_catalog_is_refused_unread(catalog_root: Path, tmp_path: Path) -> None:
    secret = tmp_path.parent / f"{tmp_path.name}-secret.yaml"
    secret.write_text("id: x\ntitle: SECRET-TOKEN-123\n")
    (catalog_root / "catalog/papers/x.yaml").symlink_to(secret)
    (catalog_root / "catalog/papers/gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    code, rows, out = run_validate(catalog_root)
    assert code == 1 and "SECRET-TOKEN" not in out
    assert _rows_for(rows, "x.yaml")[0]["msg"].startswith(
        "symbolic link to a file outside catalog/"
    )
    assert _rows_for(rows, "gone.yaml")[0]["msg"] == "symbolic link to a file that does not exist"


def test_a_link_inside_the_catalog_is_read(catalog_root: Path) -> None:
    papers = catalog_root / "catalog/papers"
    (papers / "2101.00001.yaml").rename(papers / "real.txt")
    (papers / "2101.00001.yaml").symlink_to("real.txt")
    code, _, _ = run_validate(catalog_root)
    assert code == 0


@pytest.mark.timeout(30)
def test_a_fifo_named_yaml_does_not_hang(catalog_root: Path) -> None:
    import os

    os.mkfifo(catalog_root / "catalog/papers/pipe.yaml")
    _break_technique(catalog_root)
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    assert _rows_for(rows, "pipe.yaml")[0]["msg"] == "not a regular file but a FIFO (named pipe)"
    assert _rows_for(rows, "audio-to-text.yaml")


def test_a_device_named_yaml_is_refused(catalog_root: Path) -> None:
    (catalog_root / "catalog/papers/zero.yaml").symlink_to("/dev/zero")
    code, rows, _ = run_validate(catalog_root)
    assert code == 1 and "outside catalog/" in _rows_for(rows, "zero.yaml")[0]["msg"]


def test_a_malformed_date_does_not_hide_the_files_other_errors(catalog_root: Path) -> None:
    path = catalog_root / "catalog/papers/2101.00001.yaml"
    text = path.read_text().replace("added: 2026-11-21", "added: 2026-13-45")
    path.write_text(text.replace("kind: method", "kind: bogus").replace("year: 2021", "year: x"))
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    fields = {(r["field"], r["line"]) for r in rows}
    assert {("added", "17"), ("kind", "8"), ("year", "4")} <= fields
    added = next(r for r in rows if r["field"] == "added")
    assert "month" in added["msg"] and "2026-13-45" in added["msg"]


def test_a_folder_in_place_of_a_kind_folder(catalog_root: Path) -> None:
    datasets = catalog_root / "catalog/datasets"
    for child in datasets.iterdir():
        child.unlink()
    datasets.rmdir()
    datasets.symlink_to("datasets")  # a loop where the folder should be
    code, rows, _ = run_validate(catalog_root)
    assert code == 1
    assert any(r["path"] == "catalog/datasets" and "not a folder" in r["msg"] for r in rows)


@pytest.mark.parametrize("name", ["\x1b[31mred.yaml", "new\nline.yaml", "\u202eevil.yaml"])
def test_control_characters_in_file_names_are_escaped(catalog_root: Path, name: str) -> None:
    (catalog_root / "catalog/papers" / name).write_text("id: [\n")
    code, rows, out = run_validate(catalog_root)  # every line still parses as path:line: ...
    assert code == 1 and len(rows) == 1
    assert "\x1b" not in out and "\u202e" not in out and "\\" in rows[0]["path"]


def test_a_non_utf8_file_name_is_shown(catalog_root: Path) -> None:
    import os

    folder = os.fsencode(catalog_root / "catalog/papers")
    with open(os.path.join(folder, b"caf\xe9.yaml"), "w") as fh:
        fh.write("id: [\n")
    code, rows, _ = run_validate(catalog_root)
    assert code == 1 and rows[0]["path"] == "catalog/papers/caf\\udce9.yaml"
