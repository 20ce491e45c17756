"""Safe YAML reading keeps the line of every key and list item."""

from __future__ import annotations

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
