"""Write and check the generated JSON Schema files in `catalog/schemas/`."""

from __future__ import annotations

import json
from pathlib import Path

from tools.catalog.schema import SCHEMA_FILES, Entry, json_schema
from tools.catalog.schema_hosts import SourceHostsFile

SCHEMA_DIR = Path("catalog") / "schemas"
GENERATED: dict[str, type[Entry]] = {**SCHEMA_FILES, "source_hosts": SourceHostsFile}
"""Every generated schema: the entry kinds, the vocabulary and `catalog/source_hosts.yaml`."""


def schema_texts() -> dict[str, str]:
    """File name -> JSON text for every generated schema."""
    return {
        f"{name}.schema.json": json.dumps(json_schema(model), indent=2, sort_keys=True) + "\n"
        for name, model in GENERATED.items()
    }


def stale_schemas(root: Path) -> list[str]:
    """Names of schema files that are missing or differ from what `schema.py` generates."""
    out = []
    for name, text in schema_texts().items():
        path = root / SCHEMA_DIR / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            out.append(name)
    return out


def write_schemas(root: Path) -> list[str]:
    """Write the schema files that changed; return their names (empty when all were current)."""
    target = root / SCHEMA_DIR
    target.mkdir(parents=True, exist_ok=True)
    changed = stale_schemas(root)
    texts = schema_texts()
    for name in changed:
        (target / name).write_text(texts[name], encoding="utf-8")
    return changed
