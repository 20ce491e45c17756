"""The `search` command's work, kept out of tools/cli/ (which stays a thin typer layer)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from tools.catalog.load import Catalog
from tools.catalog.yaml_source import YamlError, read_regular
from tools.search.config import KINDS, SearchConfig
from tools.search.engine import Hit, Mode
from tools.search.errors import SearchError
from tools.search.query import MAX_TOP


def format_table(hits: list[Hit], kind: str) -> str:
    """A readable table: rank, score, id, title, and why it ranks there."""
    if not hits:
        return f"no {kind}s found"
    id_width = max(len("id"), *(len(h.id) for h in hits))
    lines = [f"{'#':>2}  {'score':>6}  {'id':<{id_width}}  title"]
    for i, hit in enumerate(hits, start=1):
        lines.append(f"{i:>2}  {hit.score:>6.3f}  {hit.id:<{id_width}}  {hit.title}")
        reasons = hit.reasons or (["words: " + ", ".join(hit.matched)] if hit.matched else [])
        if reasons:
            lines.append(f"{'':>2}  {'':>6}  {'':<{id_width}}  ({'; '.join(reasons)})")
    return "\n".join(lines)


def _shown(value: str, limit: int = 40) -> str:
    """A value the user typed, cut for an error message."""
    return value if len(value) <= limit else value[:limit] + "…"


def parse_top(value: str) -> int:
    """`--top` as written: a whole number from 1 to `MAX_TOP`; SearchError otherwise."""
    try:
        top = int(value.strip())
    except ValueError:
        raise SearchError(
            f"--top must be a whole number between 1 and {MAX_TOP:,} (got `{_shown(value)}`)"
        ) from None
    if not 1 <= top <= MAX_TOP:
        raise SearchError(f"--top must be between 1 and {MAX_TOP:,} (got {_shown(f'{top:,}')})")
    return top


def parse_mode(value: str | None) -> Mode | None:
    """`--mode` as written (None: the default ranking); SearchError for an unknown mode."""
    if value is None:
        return None
    try:
        return Mode(value.strip().lower())
    except ValueError:
        raise SearchError(
            f"--mode must be one of {', '.join(m.value for m in Mode)} (got `{_shown(value)}`)"
        ) from None


MAX_QUERIES_BYTES = 4 * 1024 * 1024
"""A queries file is a list of questions, not a corpus."""


def read_queries(path: Path) -> list[str]:
    """The lines of a queries file (one query a line); a FIFO or a device is refused, not read."""
    if not path.exists() and not path.is_symlink():
        raise SearchError(f"{path}: no such file")
    try:
        raw = read_regular(path, MAX_QUERIES_BYTES)
    except YamlError as exc:
        raise SearchError(f"{path}: {exc.message.replace(' for an entry', '')}") from None
    try:
        return raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise SearchError(f"{path}: not UTF-8 text") from exc


def run_search(
    catalog: Catalog,
    query: str | None,
    kind: str,
    top: int,
    as_json: bool,
    queries: Path | None,
    mode: Mode | None,
    model: str | None,
    echo: Callable[[str], None] = print,
    warn: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> None:
    """Search the checked `catalog` and print; SearchError for anything the user must fix."""
    from tools.search.engine import SearchEngine

    if kind not in KINDS:
        raise SearchError(f"--kind must be one of {', '.join(KINDS)} (got `{_shown(kind)}`)")
    if (query is None) == (queries is None):
        raise SearchError("give either a QUERY or --queries FILE")
    if not 1 <= top <= MAX_TOP:
        raise SearchError(f"--top must be between 1 and {MAX_TOP:,} (got {top:,})")
    lines = read_queries(queries) if queries is not None else []
    engine = SearchEngine(catalog, SearchConfig(root=catalog.root, model=model))

    def flush_notes(prefix: str = "") -> None:
        for note in engine.notes:
            warn(f"note: {prefix}{note}")
        engine.notes.clear()

    if queries is None:
        assert query is not None
        try:
            hits = engine.search(query, kind, top, mode)
        finally:
            flush_notes()
        echo(json.dumps([h.as_json() for h in hits]) if as_json else format_table(hits, kind))
        return
    for number, line in enumerate(lines, start=1):
        try:
            hits = engine.search(line, kind, top, mode)
        except SearchError as exc:
            warn(f"{queries}:{number}: {exc}")
            hits = []
        flush_notes(f"{queries}:{number}: ")
        echo(json.dumps([h.as_json() for h in hits]))
