"""The link cache: only a fully well-formed, timezone-aware, past entry is trusted; anything else
is rebuilt with a note, and a cache that cannot be written is a note too."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tools.links import LinkCache, LinkResult


def _entry(url: str, checked: str) -> dict[str, object]:
    return {
        "url": url,
        "status": 200,
        "ok": True,
        "final_url": url,
        "redirects": [],
        "error": None,
        "seconds": 0.1,
        "method": "HEAD",
        "checked": checked,
    }


NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
URL = "https://example.org/a"


def _result(url: str) -> LinkResult:
    return LinkResult(**_entry(url, NOW.isoformat()))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("content", "note"),
    [
        (b"\xff\xfe{}", "is not UTF-8 text; rebuilt"),
        (b"{not json", "is not valid JSON; rebuilt"),
        (b'{"version": 1, "results": []}', "is not a version-1 cache"),
        (b'{"version": 2, "results": {}}', "is not a version-1 cache"),
        (b"[1, 2]", "is not a version-1 cache"),
        (
            json.dumps({"version": 1, "results": {URL: _entry(URL, "2026-11-30T10:00:00")}}),
            "had 1 unreadable entry; rechecked",
        ),
        (
            json.dumps({"version": 1, "results": {URL: _entry(URL, "2099-01-01T00:00:00+00:00")}}),
            "had 1 unreadable entry; rechecked",
        ),
        (
            json.dumps({"version": 1, "results": {URL: {**_entry(URL, NOW.isoformat()), "ok": 1}}}),
            "had 1 unreadable entry; rechecked",
        ),
        (
            json.dumps(
                {"version": 1, "results": {URL: _entry("https://other.example/", NOW.isoformat())}}
            ),
            "had 1 unreadable entry; rechecked",
        ),
    ],
)
def test_untrustworthy_cache_is_rebuilt_with_a_note(
    tmp_path: Path, content: bytes | str, note: str
) -> None:
    path = tmp_path / "links.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    cache = LinkCache(path, dt.timedelta(days=7))
    assert cache.fresh(URL, NOW) is None
    assert len(cache.notes) == 1 and note in cache.notes[0] and str(path) in cache.notes[0]
    result = _result(URL)
    cache.save({URL: result})
    reread = LinkCache(path, dt.timedelta(days=7))
    assert reread.notes == [] and reread.fresh(URL, dt.datetime.now(dt.UTC)) == result


def test_a_good_cache_entry_is_trusted(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    path.write_text(json.dumps({"version": 1, "results": {URL: _entry(URL, NOW.isoformat())}}))
    cache = LinkCache(path, dt.timedelta(days=7))
    hit = cache.fresh(URL, NOW)
    assert cache.notes == [] and hit is not None and hit.status == 200


def test_a_folder_in_place_of_the_cache(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.mkdir()
    cache = LinkCache(empty, dt.timedelta(days=7))
    assert "was an empty folder; removed" in cache.notes[0]
    cache.save({})
    assert empty.is_file()
    full = tmp_path / "full.json"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    cache = LinkCache(full, dt.timedelta(days=7))
    cache.save({})
    assert "is a folder, not a file" in cache.notes[0]
    assert (full / "keep.txt").read_text() == "mine"  # nothing of the user's is removed


def test_an_unwritable_cache_is_a_note_and_leaves_no_temp_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    cache = LinkCache(blocker / "links.json", dt.timedelta(days=7))
    cache.save({URL: _result(URL)})
    assert len(cache.notes) == 1 and "could not be written" in cache.notes[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]
