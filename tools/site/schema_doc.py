"""The field reference of the Contributing page, generated from `tools/catalog/schema.py`.

Every field of every entry kind, with its type, whether it is required, its description and an
example taken from the catalog itself (so the page cannot drift from the schema or the data).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tools.catalog.load import Catalog
from tools.catalog.schema import (
    ARXIV_RE,
    DOI_RE,
    PAPER_ID_RE,
    SLUG_RE,
    TECHNIQUE_ID_RE,
    Dataset,
    Demo,
    Entry,
    Group,
    Modality,
    Paper,
    Technique,
)

PATTERN_NAMES = {
    SLUG_RE: "slug (lower-case words joined by hyphens)",
    TECHNIQUE_ID_RE: "technique id (<input>-to-<output>)",
    PAPER_ID_RE: "paper id (arXiv id, else DOI slug)",
    ARXIV_RE: "arXiv id without version",
    DOI_RE: "DOI (10.xxxx/...)",
}

EXAMPLE_MAX = 90


@dataclass(frozen=True)
class FieldDoc:
    """One row of the reference: a (possibly nested) field of an entry."""

    name: str
    type: str
    required: bool
    description: str
    example: str


@dataclass(frozen=True)
class KindDoc:
    """The reference of one kind of entry."""

    kind: str
    location: str
    summary: str
    fields: list[FieldDoc]


KINDS: list[tuple[str, type[Entry], str]] = [
    ("technique", Technique, "catalog/techniques/<input>-to-<output>.yaml"),
    ("paper", Paper, "catalog/papers/<id>.yaml"),
    ("dataset", Dataset, "catalog/datasets/<id>.yaml"),
    ("demo", Demo, "catalog/demos/<id>.yaml"),
    ("modality", Modality, "catalog/modalities.yaml, under modalities:"),
    ("group", Group, "catalog/modalities.yaml, under groups:"),
]


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return dict(defs[ref.rsplit("/", 1)[-1]])
    return schema


def describe_type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    """A short human description of a JSON Schema type."""
    options = schema.get("anyOf")
    if options:
        kinds = [describe_type(o, defs) for o in options if o.get("type") != "null"]
        return " or ".join(kinds)
    schema = _resolve(schema, defs)
    if "enum" in schema:
        return "one of: " + ", ".join(str(v) for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return "list of " + describe_type(schema.get("items", {}), defs)
    if kind == "object":
        return "mapping (fields below)"
    if kind == "string":
        if schema.get("format") == "date":
            return "date (YYYY-MM-DD)"
        if schema.get("format") == "date-time":
            return "date-time"
        pattern = schema.get("pattern")
        if pattern in PATTERN_NAMES:
            return PATTERN_NAMES[pattern]
        if pattern:
            return f"text matching {pattern}"
        if "maxLength" in schema:
            return f"text (at most {schema['maxLength']} characters)"
        return "text"
    if kind in {"integer", "number"}:
        bounds = []
        if "minimum" in schema:
            bounds.append(f">= {schema['minimum']}")
        if "exclusiveMinimum" in schema:
            bounds.append(f"> {schema['exclusiveMinimum']}")
        if "maximum" in schema:
            bounds.append(f"<= {schema['maximum']}")
        name = "whole number" if kind == "integer" else "number"
        return f"{name} ({', '.join(bounds)})" if bounds else name
    if kind == "boolean":
        return "true or false"
    return "any"


def _object_schema(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema inside a field (directly, in a list, or optional), if any."""
    for option in schema.get("anyOf", [schema]):
        option = _resolve(option, defs)
        if option.get("type") == "array":
            option = _resolve(option.get("items", {}), defs)
        if option.get("type") == "object" and "properties" in option:
            return option
    return None


def _walk(
    schema: dict[str, Any], defs: dict[str, Any], prefix: str, parent_required: bool
) -> list[tuple[str, dict[str, Any], bool]]:
    out = []
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        is_required = parent_required and name in required
        out.append((path, prop, is_required))
        inner = _object_schema(prop, defs)
        if inner is not None:
            is_list = any(
                _resolve(o, defs).get("type") == "array" for o in prop.get("anyOf", [prop])
            )
            out += _walk(inner, defs, f"{path}[]." if is_list else f"{path}.", is_required)
    return out


def _lookup(value: Any, path: str) -> Any:
    for part in path.split("."):
        if value is None:
            return None
        if part.endswith("[]"):
            items = value.get(part[:-2]) if isinstance(value, dict) else None
            value = items[0] if items else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
    return value


def _entries(cat: Catalog, kind: str) -> list[dict[str, Any]]:
    table: dict[str, Mapping[str, Any]] = {
        "technique": cat.techniques,
        "paper": cat.papers,
        "dataset": cat.datasets,
        "demo": cat.demos,
        "modality": cat.modalities,
        "group": cat.groups,
    }
    items = table[kind]
    return [items[k].model_dump(mode="json") for k in sorted(items)]


def example_for(entries: list[dict[str, Any]], path: str) -> str:
    """The first non-empty value of a field in the catalog, as short JSON; empty if none."""
    for entry in entries:
        value = _lookup(entry, path)
        if value not in (None, "", [], {}):
            text = json.dumps(value, ensure_ascii=False)
            return text if len(text) <= EXAMPLE_MAX else text[: EXAMPLE_MAX - 1] + "…"
    return ""


def field_reference(cat: Catalog) -> list[KindDoc]:
    """The reference of every entry kind, fields in schema order."""
    out = []
    for kind, model, location in KINDS:
        schema = model.model_json_schema()
        defs = schema.get("$defs", {})
        entries = _entries(cat, kind)
        fields = [
            FieldDoc(
                name=path,
                type=describe_type(prop, defs),
                required=required,
                description=str(prop.get("description", "")),
                example=example_for(entries, path),
            )
            for path, prop, required in _walk(schema, defs, "", True)
        ]
        doc = (model.__doc__ or "").strip().splitlines()[0]
        out.append(KindDoc(kind, location, doc, fields))
    return out
