"""write_atomic: the target is fully replaced or left exactly as it was, with its mode kept."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tools.catalog.files import WriteError, current_umask, write_atomic


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_umask_mode(tmp_path: Path, mask: int, expected: int) -> None:
    with umask(mask):
        assert current_umask() == mask
        write_atomic(tmp_path / "new.yaml", "a: 1\n")
    assert mode(tmp_path / "new.yaml") == expected
    assert (tmp_path / "new.yaml").read_text() == "a: 1\n"


@pytest.mark.parametrize("kept", [0o644, 0o640, 0o664, 0o600])
def test_an_updated_file_keeps_its_mode(tmp_path: Path, kept: int) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("old\n")
    path.chmod(kept)
    with umask(0o077):
        write_atomic(path, "new\n")
    assert path.read_text() == "new\n" and mode(path) == kept


def _left(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir())


def test_a_read_only_file_is_refused_and_intact(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("mine\n")
    path.chmod(0o444)
    with pytest.raises(WriteError, match=r"x\.yaml is read-only \(or immutable\)"):
        write_atomic(path, "new\n")
    assert path.read_text() == "mine\n" and _left(tmp_path) == ["x.yaml"]


def _chattr(path: Path, flag: str) -> None:
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"this file system or user cannot set {flag}: {done.stderr.decode().strip()}")


def test_an_immutable_file_is_refused_and_intact(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("mine\n")
    _chattr(path, "+i")
    try:
        with pytest.raises(WriteError, match=r"read-only|not permitted"):
            write_atomic(path, "new\n")
        assert path.read_text() == "mine\n" and _left(tmp_path) == ["x.yaml"]
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_an_immutable_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "x.yaml").write_text("mine\n")
    _chattr(folder, "+i")
    try:
        with pytest.raises(
            WriteError, match=r"could not write .*new\.yaml: Operation not permitted"
        ):
            write_atomic(folder / "new.yaml", "a\n")
        with pytest.raises(WriteError, match="it is unchanged"):
            write_atomic(folder / "x.yaml", "new\n")
        assert _left(folder) == ["x.yaml"] and (folder / "x.yaml").read_text() == "mine\n"
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=False)


def test_a_full_disk_leaves_the_original_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("mine\n")
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from tools.catalog.files import WriteError, write_atomic\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))\n"
        "try:\n"
        "    write_atomic(Path(sys.argv[1]), 'new text\\n')\n"
        "except WriteError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert out.stdout.strip() == f"could not write {path}: File too large; it is unchanged"
    assert path.read_text() == "mine\n" and _left(tmp_path) == ["x.yaml"]


def test_links_folders_and_unencodable_text_are_refused(tmp_path: Path) -> None:
    (tmp_path / "target.yaml").write_text("t\n")
    (tmp_path / "link.yaml").symlink_to("target.yaml")
    with pytest.raises(WriteError, match="is a symbolic link"):
        write_atomic(tmp_path / "link.yaml", "x\n")
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(WriteError, match="is not a regular file"):
        write_atomic(tmp_path / "dir.yaml", "x\n")
    with pytest.raises(WriteError, match=r"U\+D800"):
        write_atomic(tmp_path / "new.yaml", "a \ud800 b")
    assert (tmp_path / "target.yaml").read_text() == "t\n"
    assert _left(tmp_path) == ["dir.yaml", "link.yaml", "target.yaml"]
