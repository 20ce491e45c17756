"""Reading and writing one paper entry file for an importer, never leaving it half-changed.

An existing file is read through the catalog's own loader first (size, nesting, aliases,
encoding), a refreshed entry is checked against the schema in the fields the importer owns, and
the write is atomic; each failure is an `ImportFailure` with one clear line, the file unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from tools.catalog.errors import CatalogError
from tools.catalog.files import WriteError, write_atomic
from tools.catalog.load import validation_problems
from tools.catalog.schema import Paper
from tools.catalog.yaml_source import YamlError, parse_yaml, read_text


class ImportFailure(CatalogError):
    """A paper that could not be imported; the message says why and what to do."""


def read_entry(path: Path) -> str:
    """The text of an existing entry, read as the catalog reads it; ImportFailure if it cannot be."""
    try:
        text = read_text(path)
        parse_yaml(text, path)
    except YamlError as exc:
        raise ImportFailure(
            f"{path}:{exc.line}: {exc.message}; fix the file first (it is unchanged)"
        ) from None
    return text


def check_owned_fields(path: Path, text: str, owned: tuple[str, ...]) -> None:
    """Refuse `text` when the schema rejects any of the `owned` (machine-derived) fields.

    Problems in fields people write (a summary still TODO) are theirs to fix and do not block.
    """
    doc = parse_yaml(text, path)
    try:
        Paper.model_validate(doc.data)
    except ValidationError as exc:
        mine = [
            p
            for p in validation_problems(exc, doc, str(path))
            if re.split(r"[.\[]", p.field)[0] in owned
        ]
        if mine:
            first = mine[0]
            raise ImportFailure(
                f"arXiv's metadata would make {path} invalid ({first.field}: {first.message}); "
                "nothing was written"
            ) from None


def write_entry(path: Path, text: str) -> None:
    """Write `text` to `path` atomically; ImportFailure (file unchanged) when that fails."""
    try:
        write_atomic(path, text)
    except WriteError as exc:
        raise ImportFailure(str(exc)) from None
