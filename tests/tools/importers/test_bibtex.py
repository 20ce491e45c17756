"""`tools.importers.bibtex`: BibTeX entries to paper files, every unusable entry reported by line."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from tools.catalog.load import Catalog, load_catalog, open_catalog, validate
from tools.cli import app
from tools.importers.arxiv import TODO_SUMMARY
from tools.importers.bibtex import _author_names, _latex_to_text, bib_entries, import_bibtex

DAY = dt.date(2026, 12, 1)
BIB = """\
@article{doe2020,
  title={Synthetic {CT} from \\emph{MRI} \\& More},
  author={Doe, Jane and Richard Roe},
  journal={Journal of Tests},
  year={2020},
  doi={10.1000/TEST.42}
}

@misc{preprint,
  title={A Preprint},
  author={Ada Lovelace},
  year={2024},
  eprint={2401.01234}
}

@misc{nodoi,
  title={No identifier},
  author={X, Y},
  year={2019}
}

@article{badyear,
  title={Undated},
  author={Q, R},
  year={n.d.},
  doi={10.1000/undated}
}
"""


@pytest.fixture
def cat(catalog_root: Path) -> Catalog:
    return open_catalog(catalog_root)


def _bib(tmp_path: Path, text: str = BIB) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path


def test_latex_and_author_names() -> None:
    assert _latex_to_text("Synthetic {CT} from \\emph{MRI} \\& More~now") == (
        "Synthetic CT from MRI & More now"
    )
    assert _author_names("Doe, Jane and Richard Roe and  {van der Berg}, Anna") == [
        "Jane Doe",
        "Richard Roe",
        "Anna van der Berg",
    ]
    assert _author_names("") == []


def test_bib_entries_keep_the_usable_and_locate_the_rest(tmp_path: Path) -> None:
    papers, problems = bib_entries(_bib(tmp_path), ["x-ray-to-text"], DAY)
    assert [p["id"] for p in papers] == ["10-1000-test-42", "2401.01234"]
    doe, preprint = papers
    assert doe["title"] == "Synthetic CT from MRI & More"
    assert doe["authors"] == ["Jane Doe", "Richard Roe"]
    assert (doe["venue"], doe["doi"], doe["year"]) == ("Journal of Tests", "10.1000/TEST.42", 2020)
    assert doe["url"] == "https://doi.org/10.1000/TEST.42" and "arxiv" not in doe
    assert doe["summary"] == TODO_SUMMARY and doe["added"] == DAY
    assert preprint["arxiv"] == "2401.01234" and "venue" not in preprint
    assert preprint["url"] == "https://arxiv.org/abs/2401.01234"
    assert [(p.line, p.key) for p in problems] == [(16, "nodoi"), (22, "badyear")]
    assert "needs a `doi` or an arXiv `eprint`" in problems[0].message
    assert problems[1].message.startswith("year:")


def test_unreadable_bibtex_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    papers, problems = bib_entries(_bib(tmp_path, "@article{broken,\n  title={x\n"), [], DAY)
    assert papers == [] and problems and problems[0].message.startswith("unreadable BibTeX")


def test_import_writes_valid_yaml_once_and_never_overwrites(cat: Catalog, tmp_path: Path) -> None:
    written, skipped, problems = import_bibtex(cat, _bib(tmp_path), ["x-ray-to-text"], DAY)
    assert [p.name for p in written] == ["10-1000-test-42.yaml", "2401.01234.yaml"]
    assert skipped == [] and len(problems) == 2
    text = written[0].read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/paper.schema.json\n")
    assert "&id" not in text and "*id" not in text  # no YAML anchors (validation refuses them)
    data = YAML(typ="safe").load(text)
    assert data["added"] == DAY and data["verified"][0]["date"] == DAY
    left = [(p.path, p.field) for p in validate(cat.root)[1]]
    assert left == [
        ("catalog/papers/10-1000-test-42.yaml", "summary"),
        ("catalog/papers/2401.01234.yaml", "summary"),
    ]
    written[0].write_text(text.replace(TODO_SUMMARY, "Synthesises CT from MRI."))
    mine = written[0].read_text()
    again, skipped, _ = import_bibtex(cat, _bib(tmp_path), ["x-ray-to-text"], DAY)
    assert again == [] and [p.name for p in skipped] == ["10-1000-test-42.yaml", "2401.01234.yaml"]
    assert written[0].read_text() == mine


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
