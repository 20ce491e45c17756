"""The `search` command's queries file: a FIFO, a folder or a non-UTF-8 file is one message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.search.command import read_queries
from tools.search.errors import SearchError


def test_queries_are_read_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "q.txt"
    path.write_text("first question\nsecond one\n")
    assert read_queries(path) == ["first question", "second one"]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: os.mkfifo(p), "not a regular file but a FIFO"),
        (lambda p: p.mkdir(), "not a regular file but a folder"),
        (lambda p: p.write_bytes(b"caf\xe9\n"), "not UTF-8 text"),
        (lambda p: None, "no such file"),
        (lambda p: p.symlink_to(p), "symbolic link loop"),
    ],
    ids=["fifo", "folder", "latin-1", "missing", "loop"],
)
def test_a_bad_queries_file_is_one_message(tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "q.txt"
    make(path)  # type: ignore[operator]
    with pytest.raises(SearchError, match=message):
        read_queries(path)
