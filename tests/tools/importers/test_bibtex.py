"""`tools.importers.bibtex`: BibTeX entries to paper files, every unusable entry reported by line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tools.catalog.load import Catalog, open_catalog, validate
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
