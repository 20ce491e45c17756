"""The Contributing page's field reference, generated from the schema."""

from __future__ import annotations

from pathlib import Path

from tools.catalog.load import validate
from tools.site.schema_doc import describe_type, example_for, field_reference

REPO = Path(__file__).resolve().parents[3]
BASIC = REPO / "tests" / "browser" / "catalogs" / "basic"


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
