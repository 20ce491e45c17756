"""Link results cached by URL with the time they were checked, so a daily run is cheap."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tools.links.checker import LinkResult


class LinkCache:
    """Results by URL with the time they were checked; entries older than `max_age` are rechecked.

    A cache that cannot be trusted (not UTF-8, not JSON, another shape, entries with wrong types,
    naive or future timestamps) is rebuilt, and `notes` says so; nothing in it is ever trusted.
    """

    def __init__(self, path: Path, max_age: dt.timedelta) -> None:
        self.path = path
        self.max_age = max_age
        self.entries: dict[str, tuple[LinkResult, dt.datetime]] = {}
        self.notes: list[str] = []
        self.writable = True
        self._read(dt.datetime.now(dt.UTC))

    def _note(self, what: str) -> None:
        self.notes.append(f"link cache {self.path} {what}")

    def _read(self, now: dt.datetime) -> None:
        if self.path.is_dir():
            try:
                self.path.rmdir()
            except OSError:
                self.writable = False
                self._note("is a folder, not a file: results are not cached (remove it)")
                return
            self._note("was an empty folder; removed, and the cache rebuilt")
            return
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_bytes().decode("utf-8"))
        except OSError as exc:
            self._note(f"cannot be read ({exc.strerror}); rebuilt")
            return
        except UnicodeDecodeError:
            self._note("is not UTF-8 text; rebuilt")
            return
        except ValueError:
            self._note("is not valid JSON; rebuilt")
            return
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(results, dict):
            self._note("is not a version-1 cache (an object with a `results` object); rebuilt")
            return
        bad = 0
        for url, entry in results.items():
            parsed = _cached_result(url, entry, now)
            if parsed is None:
                bad += 1
            else:
                self.entries[url] = parsed
        if bad:
            self._note(f"had {bad} unreadable entr{'y' if bad == 1 else 'ies'}; rechecked")

    def fresh(self, url: str, now: dt.datetime) -> LinkResult | None:
        """The cached good result for `url` when younger than `max_age`, else None."""
        hit = self.entries.get(url)
        if hit is None:
            return None
        result, checked = hit
        return result if result.ok and now - checked <= self.max_age else None

    def save(self, results: dict[str, LinkResult]) -> None:
        """Add `results` and write the cache atomically; a failure to write becomes a note."""
        for url, result in results.items():
            parsed = _cached_result(url, asdict(result), dt.datetime.now(dt.UTC))
            if parsed is not None:
                self.entries[url] = parsed
        if not self.writable:
            return
        text = json.dumps(
            {"version": 1, "results": {u: asdict(r) for u, (r, _) in self.entries.items()}},
            indent=1,
        )
        tmp: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, self.path)
        except OSError as exc:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            self._note(f"could not be written ({exc.strerror or exc}); results are not cached")


_CACHE_TYPES: dict[str, tuple[type, ...]] = {
    "url": (str,),
    "status": (int, type(None)),
    "ok": (bool,),
    "final_url": (str,),
    "redirects": (list,),
    "error": (str, type(None)),
    "seconds": (int, float),
    "method": (str,),
    "checked": (str,),
}
_FUTURE_SLACK = dt.timedelta(days=1)
"""A cached time later than now by more than this is not believed (a wrong clock or a hand edit)."""


def _cached_result(url: str, entry: Any, now: dt.datetime) -> tuple[LinkResult, dt.datetime] | None:
    """A cache entry as a result and its check time, or None when any part of it is wrong."""
    if not isinstance(entry, dict) or set(entry) != set(_CACHE_TYPES) or entry["url"] != url:
        return None
    for key, types in _CACHE_TYPES.items():
        value = entry[key]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            return None
    if not all(isinstance(r, str) for r in entry["redirects"]) or not math.isfinite(
        entry["seconds"]
    ):
        return None
    try:
        checked = dt.datetime.fromisoformat(entry["checked"])
    except ValueError:
        return None
    if checked.tzinfo is None or checked - now > _FUTURE_SLACK:
        return None
    return LinkResult(**entry), checked
