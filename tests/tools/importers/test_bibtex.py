"""`add-paper --from-bibtex`: imported files load, and a bad .bib or target ends in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tools.catalog.load import load_catalog
from tools.cli import app

runner = CliRunner()
ENTRY = (
    "@article{{{key},\n  title={{{title}}},\n  author={{Doe, Jane}},\n  year={{2020}},\n"
    "  doi={{{doi}}}\n}}\n"
)


def bib(tmp_path: Path, *entries: tuple[str, str, str]) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text("\n".join(ENTRY.format(key=k, title=t, doi=d) for k, t, d in entries))
    return path


def run(root: Path, source: Path) -> tuple[int, str]:
    res = runner.invoke(
        app, ["add-paper", "--from-bibtex", str(source), "-t", "x-ray-to-text", "--root", str(root)]
    )
    assert "Traceback" not in res.output and (
        res.exception is None or isinstance(res.exception, SystemExit)
    )
    return res.exit_code, res.output


def papers(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "catalog/papers").iterdir())


def test_imported_files_have_no_anchors_and_load(catalog_root: Path, tmp_path: Path) -> None:
    code, _ = run(catalog_root, bib(tmp_path, ("a", "First paper", "10.1000/a")))
    assert code == 0
    text = (catalog_root / "catalog/papers/10-1000-a.yaml").read_text()
    assert "&id" not in text and "*id" not in text and "date:" in text and "added:" in text
    _, problems = load_catalog(catalog_root)
    assert [p.field for p in problems] == ["summary"]  # only the TODO left for a person


@pytest.mark.parametrize(
    ("doi", "field"),
    [("10.1234/a{b}c d", "doi"), ("10.1000/ok", "title")],
)
def test_hostile_values_are_refused_per_entry(
    catalog_root: Path, tmp_path: Path, doi: str, field: str
) -> None:
    title = "Fine" if field == "doi" else "Bell \x07 and \u202e override"
    code, out = run(catalog_root, bib(tmp_path, ("evil", title, doi), ("ok", "Good", "10.1000/g")))
    assert code == 1 and f"evil: {field}:" in out
    assert papers(catalog_root) == ["10-1000-g.yaml", "2101.00001.yaml"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"@article{x,\n title={Caf\xe9}}\n"), ":2: not valid UTF-8 (byte"),
        (lambda p: os.mkfifo(p), "not a regular file but a FIFO"),
        (lambda p: p.mkdir(), "not a regular file but a folder"),
        (lambda p: None, "cannot read file: No such file or directory"),
        (
            lambda p: p.write_bytes(b"%" * (9 * 1024 * 1024)),
            "over the 8388608-byte limit for a .bib",
        ),
    ],
    ids=["latin-1", "fifo", "folder", "missing", "huge"],
)
@pytest.mark.timeout(60)
def test_an_unreadable_bib_is_one_line(
    catalog_root: Path, tmp_path: Path, make: object, message: str
) -> None:
    source = tmp_path / "refs.bib"
    make(source)  # type: ignore[operator]
    code, out = run(catalog_root, source)
    assert code == 1 and message in out and len(out.strip().splitlines()) == 1
    assert papers(catalog_root) == ["2101.00001.yaml"]


def test_a_full_disk_is_one_line_and_leaves_no_temp_file(
    catalog_root: Path, tmp_path: Path
) -> None:
    source = bib(tmp_path, ("a", "First paper", "10.1000/a"))
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))\n"
        "from tools.cli import main\n"
        "sys.argv = ['tools'] + sys.argv[1:]\n"
        "main()\n"
    )
    args = ["add-paper", "--from-bibtex", str(source), "-t", "x-ray-to-text", "--root"]
    done = subprocess.run(
        [sys.executable, "-c", script, *args, str(catalog_root)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().endswith("10-1000-a.yaml: File too large; nothing was written")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert papers(catalog_root) == ["2101.00001.yaml"]


def test_an_immutable_papers_folder_is_one_line(catalog_root: Path, tmp_path: Path) -> None:
    folder = catalog_root / "catalog/papers"
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        code, out = run(catalog_root, bib(tmp_path, ("a", "First paper", "10.1000/a")))
        assert code == 1 and "Operation not permitted; nothing was written" in out
        assert papers(catalog_root) == ["2101.00001.yaml"]
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=False)
