"""Writing a file so that it is either fully replaced or left exactly as it was.

The text goes to a temporary file beside the target, is flushed to disk, takes the target's mode
(a new file gets the mode the umask gives, as `open` would), and is renamed over the target. A
read-only target is refused, never replaced; any failure (a read-only or immutable folder, a full
disk, `ulimit -f`) removes the temporary file and raises `WriteError` with one clear line.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


class WriteError(Exception):
    """A file that was not written; the target is unchanged and no temporary file is left."""


def current_umask() -> int:
    """The process's umask (read without changing it where /proc allows)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) atomically, keeping an existing file's mode and owner."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise WriteError(
            f"cannot write {path}: the text holds U+{ord(exc.object[exc.start]):04X}, which is not "
            "valid in UTF-8; nothing was written"
        ) from None
    try:
        info: os.stat_result | None = path.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror}; nothing was written") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise WriteError(f"{path} is a symbolic link; edit the file it points to instead")
        if not stat.S_ISREG(info.st_mode):
            raise WriteError(f"{path} is not a regular file; nothing was written")
        if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
            raise WriteError(
                f"{path} is read-only (or immutable); make it writable to update it. "
                "It is unchanged"
            )
    mode = stat.S_IMODE(info.st_mode) if info else 0o666 & ~current_umask()
    unchanged = "it is unchanged" if info else "nothing was written"
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if info is not None and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(PermissionError):  # only root may give a file away
                os.chown(tmp, info.st_uid, info.st_gid)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise WriteError(f"could not write {path}: {reason}; {unchanged}") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
