"""Checks against data that misleads or escapes: dates in the future, paths that resolve out of
their folder, look-alike letters in titles and hosts (Unicode's confusables, via the
confusable_homoglyphs package)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tools.catalog.problems import Problem, Severity
from tools.catalog.yaml_source import dotted

if TYPE_CHECKING:  # load builds on the checks (open_catalog runs them)
    from tools.catalog.load import Catalog, Source


def _problem(src: Source, field: str, message: str) -> Problem:
    """An error at `field` (`verified[0].date`), on the line of that field."""
    path = [
        int(t[1:-1]) if t.startswith("[") else t for t in re.findall(r"[^.\[\]]+|\[\d+\]", field)
    ]
    return Problem(src.path, src.line(*path), field, message)


def fold_confusables(text: str) -> str:
    """Letters of other scripts that look like Latin ones (Cyrillic `а`, Greek `Τ`) replaced by the
    Latin letter, from Unicode's confusables data (the confusable_homoglyphs package)."""
    if text.isascii():
        return text
    from confusable_homoglyphs import categories, confusables

    found = confusables.is_confusable(text, greedy=True, preferred_aliases=["latin"]) or []
    table: dict[str, str] = {}
    for item in found:
        latin = [
            h["c"]
            for h in item["homoglyphs"]
            if len(h["c"]) == 1 and categories.alias(h["c"]) == "LATIN"
        ]
        if latin:
            table[item["character"]] = latin[0]
    return "".join(table.get(ch, ch) for ch in text)


def path_problem(folder: Path, rel: str, root: Path) -> str | None:
    """Why `folder/rel` is not a file inside `folder` (links followed), or None when it is."""
    shown = _shown(folder / rel, root)
    base = folder.resolve()
    try:
        target = (folder / rel).resolve(strict=True)
    except (OSError, RuntimeError):
        return f"file not found: {shown}"
    if not target.is_relative_to(base):
        return f"{shown} resolves outside {_shown(folder, root)}/ (through a symbolic link?)"
    if not target.is_file():
        return f"not a file: {shown}"
    return None


def _shown(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the repository root, links not followed."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def check_dates(cat: Catalog, today: dt.date | None = None) -> list[Problem]:
    """No date lies in the future: `added`, verification and literature dates, import times, years.

    A day of slack allows for time zones; a future `added` would float to the top of What's new.
    """
    limit = (today or dt.datetime.now(dt.UTC).date()) + dt.timedelta(days=1)
    out = []
    for (kind, entry_id), src in sorted(cat.sources.items()):
        entry = _entry(cat, kind, entry_id)
        if entry is None:
            continue
        dates: list[tuple[str, Any]] = [("added", getattr(entry, "added", None))]
        dates += [
            (f"verified[{i}].date", v.date) for i, v in enumerate(getattr(entry, "verified", []))
        ]
        literature = getattr(entry, "literature", None)
        if literature is not None:
            dates.append(("literature.checked", literature.checked))
        imported = getattr(entry, "imported", None)
        if imported is not None:
            dates.append(("imported.retrieved", imported.retrieved))
        for field, value in dates:
            day = value.date() if isinstance(value, dt.datetime) else value
            if isinstance(day, dt.date) and day > limit:
                out.append(
                    _problem(
                        src,
                        field,
                        f"{day.isoformat()} is in the future (today is {limit - dt.timedelta(days=1)})",
                    )
                )
        year = getattr(entry, "year", None) if kind == "paper" else None
        if isinstance(year, int) and year > limit.year:
            out.append(_problem(src, "year", f"year {year} is in the future"))
    return out


def _entry(cat: Catalog, kind: str, entry_id: str) -> Any:
    by_kind: dict[str, dict[str, Any]] = {
        "technique": cat.techniques,
        "paper": cat.papers,
        "dataset": cat.datasets,
        "demo": cat.demos,
    }
    return by_kind.get(kind, {}).get(entry_id)


def check_url_hosts(cat: Catalog) -> list[Problem]:
    """Warn about URLs whose host mixes scripts (`аrxiv.org` with a Cyrillic `а`): a look-alike."""
    from confusable_homoglyphs import confusables

    out = []
    for src in cat.sources.values():
        if src.doc.data is None:
            continue
        for loc, value in _strings(src.doc.data, ()):
            if not value.startswith(("http://", "https://")):
                continue
            try:
                host = urlsplit(value).hostname or ""
            except ValueError:
                continue
            if not host.isascii() and confusables.is_mixed_script(host, allowed_aliases=["COMMON"]):
                out.append(
                    Problem(
                        src.path,
                        src.doc.line_of(loc),
                        dotted(loc),
                        f"host `{host}` mixes letters of different scripts: is it a look-alike of another address?",
                        Severity.warning,
                    )
                )
    return out


def _strings(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))
    elif isinstance(value, str):
        yield loc, value
