"""`tools.importers.scaffold`: commented technique and paper skeletons, and what they refuse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tools.catalog.load import Catalog, open_catalog, validate
from tools.importers.scaffold import ScaffoldError, new_paper, new_technique

DAY = dt.date(2026, 12, 1)


@pytest.fixture
def cat(catalog_root: Path) -> Catalog:
    return open_catalog(catalog_root)


def _problems(root: Path, rel: str) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in validate(root)[1] if p.path == rel]


def test_new_technique_writes_a_commented_entry_that_names_its_todos(cat: Catalog) -> None:
    path = new_technique(cat, "audio", "x-ray", today=DAY)
    assert path == cat.root / "catalog" / "techniques" / "audio-to-x-ray.yaml"
    text = path.read_text()
    assert text.startswith("# ")  # comments say what each field is for
    for line in ("id: audio-to-x-ray", "input: audio", "output: x-ray", "added: 2026-12-01"):
        assert line in text.splitlines()
    assert "title: Audio to X-ray" in text
    problems = _problems(cat.root, "catalog/techniques/audio-to-x-ray.yaml")
    assert problems and all("TODO" in message for _, message in problems)


def test_new_technique_refuses_unknown_modalities_and_existing_files(cat: Catalog) -> None:
    with pytest.raises(ScaffoldError, match=r"unknown modality `xray` \(did you mean `x-ray`\?\)"):
        new_technique(cat, "xray", "text")
    existing = cat.root / "catalog" / "techniques" / "x-ray-to-text.yaml"
    before = existing.read_text()
    with pytest.raises(ScaffoldError, match="already exists; edit it instead"):
        new_technique(cat, "x-ray", "text")
    assert existing.read_text() == before


def test_new_paper_from_arxiv_and_from_doi(cat: Catalog) -> None:
    path = new_paper(cat, "2302.00002", None, ["x-ray-to-text"], today=DAY)
    text = path.read_text()
    assert path.name == "2302.00002.yaml"
    assert 'id: "2302.00002"' in text and 'arxiv: "2302.00002"' in text
    assert "url: https://arxiv.org/abs/2302.00002" in text and "year: 2026" in text
    assert "techniques: [x-ray-to-text]" in text
    doi = new_paper(cat, None, "10.1000/ABC.1", ["x-ray-to-text", "audio-to-text"], today=DAY)
    assert doi.name == "10-1000-abc-1.yaml"
    text = doi.read_text()
    assert 'id: "10-1000-abc-1"' in text and "doi: 10.1000/ABC.1" in text
    assert "techniques: [x-ray-to-text, audio-to-text]" in text
    fields = {field for field, _ in _problems(cat.root, "catalog/papers/10-1000-abc-1.yaml")}
    assert "summary" in fields  # the TODO summary fails validation until it is written


@pytest.mark.parametrize(
    ("arxiv", "doi", "techniques", "message"),
    [
        (None, None, ["x-ray-to-text"], "give exactly one of --arxiv or --doi"),
        ("2302.00002", "10.1/x", ["x-ray-to-text"], "give exactly one of --arxiv or --doi"),
        ("2302.00002v2", None, ["x-ray-to-text"], "is not an arXiv id like 2410.13823"),
        (None, "doi:10.1/x", ["x-ray-to-text"], "is not a DOI like"),
        ("2302.00002", None, [], "name at least one technique"),
        ("2302.00002", None, ["xray-to-text"], "did you mean `x-ray-to-text`"),
    ],
)
def test_new_paper_refuses(
    cat: Catalog, arxiv: str | None, doi: str | None, techniques: list[str], message: str
) -> None:
    with pytest.raises(ScaffoldError, match=message):
        new_paper(cat, arxiv, doi, techniques)
    assert sorted(p.name for p in cat.folder("paper").iterdir()) == ["2101.00001.yaml"]


def test_a_scaffold_on_a_full_disk_leaves_nothing(catalog_root: Path) -> None:
    import subprocess
    import sys

    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))\n"
        "from tools.cli import main\n"
        "sys.argv = ['tools'] + sys.argv[1:]\n"
        "main()\n"
    )
    args = ["new", "technique", "--input", "audio", "--output", "x-ray", "--root"]
    done = subprocess.run(
        [sys.executable, "-c", script, *args, str(catalog_root)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "audio-to-x-ray.yaml: File too large; nothing was written" in done.stderr
    folder = catalog_root / "catalog" / "techniques"
    assert sorted(p.name for p in folder.iterdir()) == ["audio-to-text.yaml", "x-ray-to-text.yaml"]


def test_a_scaffold_never_follows_a_planted_link(cat: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("mine")
    (cat.root / "catalog" / "techniques" / "audio-to-x-ray.yaml").symlink_to(target)
    with pytest.raises(ScaffoldError, match="already exists"):
        new_technique(cat, "audio", "x-ray", today=DAY)
    assert target.read_text() == "mine"
