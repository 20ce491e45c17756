"""Replacing a cache file atomically, whatever stands in its place.

A search cache (index or embeddings) is rebuilt whenever it cannot be trusted; writing the new one
must then not fail on what was there. An empty folder in a file's place is removed; a folder with
files in it is left alone and reported, since those files are not the cache's to delete.
"""

from __future__ import annotations

import os
from pathlib import Path

from tools.search.errors import SearchError


def replace_files(pairs: list[tuple[Path, Path]]) -> None:
    """Move each temporary file over its target; SearchError (temporaries removed) on failure."""
    try:
        for _, target in pairs:
            if target.is_dir() and not target.is_symlink():
                try:
                    target.rmdir()
                except OSError:
                    raise SearchError(
                        f"{target} is a folder with files in it, where a cache file belongs; "
                        "remove it (search still works, but rebuilds its cache each run)"
                    ) from None
        for tmp, target in pairs:
            os.replace(tmp, target)
    except OSError as exc:
        raise SearchError(
            f"could not write the search cache ({exc.strerror or exc}); it is rebuilt next time"
        ) from None
    finally:
        for tmp, _ in pairs:
            tmp.unlink(missing_ok=True)


def write_temporary(path: Path, data: bytes) -> Path:
    """`data` in `<path>.tmp`; SearchError when it cannot be written (nothing left behind)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SearchError(
            f"could not write the search cache {path} ({exc.strerror or exc}); it is rebuilt "
            "next time"
        ) from None
    return tmp
