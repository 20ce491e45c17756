"""Safe YAML reading keeps the line of every key and list item."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools.catalog.yaml_source import YamlError, dotted, load_yaml, parse_yaml


def test_lines_by_path() -> None:
    doc = parse_yaml("a: 1\nb:\n  - x\n  - y: 2\n    z: 3\n", Path("f.yaml"))
    assert doc.data == {"a": 1, "b": ["x", {"y": 2, "z": 3}]}
    assert doc.line_of(("a",)) == 1
    assert doc.line_of(("b", 1, "z")) == 5
    assert doc.line_of(("b", 1, "missing")) == 4  # falls back to the nearest known parent


def test_dates_and_types_are_yaml_1_1_safe_values() -> None:
    import datetime as dt

    doc = parse_yaml("d: 2026-11-23\nn: null\nt: true\nf: 1.5\ns: '2410.13823'\n", Path("f"))
    assert doc.data == {
        "d": dt.date(2026, 11, 23),
        "n": None,
        "t": True,
        "f": 1.5,
        "s": "2410.13823",
    }


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("\ufeffid: x\n".encode())
    assert load_yaml(path).data == {"id": "x"}


@pytest.mark.parametrize("text", ["!!python/object:os.system {}\n", "a: !!python/name:os.system\n"])
def test_python_tags_are_refused(text: str) -> None:
    with pytest.raises(YamlError):
        parse_yaml(text, Path("f"))


def test_merge_keys_are_refused() -> None:
    with pytest.raises(YamlError, match="merge keys"):
        parse_yaml("a:\n  <<: {b: 1}\n", Path("f"))


def test_dotted() -> None:
    assert dotted(("applications", 0, "text")) == "applications[0].text"
    assert dotted(()) == "-"


def test_nesting_up_to_the_limit_is_read_and_beyond_is_refused() -> None:
    from tools.catalog.yaml_source import MAX_DEPTH

    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"  # the root mapping is one
    assert parse_yaml(ok, Path("f")).data["a"] is not None
    deep = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    with pytest.raises(YamlError, match=f"nested more than {MAX_DEPTH} levels") as info:
        parse_yaml(deep, Path("f"))
    assert info.value.line == 1


def test_an_alias_is_refused_on_its_own_line() -> None:
    with pytest.raises(YamlError, match="anchors and aliases") as info:
        parse_yaml("a: &x 1\nb: 2\nc: *x\n", Path("f"))
    assert info.value.line == 3


@pytest.mark.parametrize(
    ("text", "value"),
    [("d: 2026-13-45\n", "2026-13-45"), ("d: 2026-02-30\n", "2026-02-30")],
)
def test_an_impossible_date_stays_text_for_the_schema_to_report(text: str, value: str) -> None:
    assert parse_yaml(text, Path("f")).data == {"d": value}


@pytest.mark.timeout(30)
def test_read_text_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)
    with pytest.raises(YamlError, match="not a regular file but a FIFO"):
        load_yaml(fifo)


def test_read_text_refuses_a_folder_and_a_loop(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").mkdir()
    with pytest.raises(YamlError, match="not a regular file but a folder"):
        load_yaml(tmp_path / "d.yaml")
    (tmp_path / "l.yaml").symlink_to("l.yaml")
    with pytest.raises(YamlError, match="symbolic link loop"):
        load_yaml(tmp_path / "l.yaml")


@pytest.mark.parametrize(
    ("text", "line", "shown"),
    [
        ("id: x\ntitle: a\x1bb\n", 2, "U+001B"),
        ("id: x\ndescription: |\n  a \ufffe b\n", 3, "U+FFFE"),
        ("id: x\n\n\ntitle: a\x7f\n", 4, "U+007F"),
    ],
)
def test_raw_control_characters_are_located(text: str, line: int, shown: str) -> None:
    with pytest.raises(YamlError, match=re.escape(f"control character {shown}: remove")) as info:
        parse_yaml(text, Path("f"))
    assert info.value.line == line
