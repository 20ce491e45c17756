"""The schema: generated JSON Schema files are current, entries point at them, models are strict."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from tools.catalog.schema import Paper, Technique
from tools.catalog.schema_files import stale_schemas, write_schemas

REPO = Path(__file__).resolve().parents[2]


def test_committed_json_schemas_are_current() -> None:
    assert stale_schemas(REPO) == [], "run `python -m tools schema` and commit catalog/schemas/"


def test_write_schemas_is_idempotent(tmp_path: Path) -> None:
    assert len(write_schemas(tmp_path)) == 5
    assert write_schemas(tmp_path) == []
    (tmp_path / "catalog/schemas/paper.schema.json").write_text("{}")
    assert stale_schemas(tmp_path) == ["paper.schema.json"]


def test_every_entry_names_its_schema() -> None:
    for folder, name in [
        ("techniques", "technique"),
        ("papers", "paper"),
        ("datasets", "dataset"),
        ("demos", "demo"),
    ]:
        for path in sorted((REPO / "catalog" / folder).glob("*.yaml")):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema=../schemas/{name}.schema.json", path
    modalities = REPO / "catalog/modalities.yaml"
    if modalities.exists():
        assert (
            modalities.read_text().splitlines()[0]
            == "# yaml-language-server: $schema=schemas/modalities.schema.json"
        )


def test_unknown_fields_and_bad_values_are_errors() -> None:
    base = {
        "id": "a-to-b",
        "input": "a",
        "output": "b",
        "title": "A to B",
        "summary": "Does it.",
        "description": "More.",
        "applications": [{"text": "Use.", "maturity": "research"}],
        "added": "2026-01-01",
    }
    Technique.model_validate(base)
    with pytest.raises(ValidationError, match="Extra inputs"):
        Technique.model_validate({**base, "colour": "red"})
    with pytest.raises(ValidationError):
        Technique.model_validate({**base, "applications": []})
    with pytest.raises(ValidationError, match="TODO"):
        Technique.model_validate({**base, "summary": "TODO fill in."})


@pytest.mark.parametrize("arxiv", ["2410.13823", "1711.11585", "hep-th/9901001"])
def test_arxiv_ids_accepted(arxiv: str) -> None:
    Paper.model_validate(_paper(arxiv=arxiv))


@pytest.mark.parametrize("arxiv", ["2410.13823v2", "arXiv:2410.13823", "24.1"])
def test_arxiv_ids_refused(arxiv: str) -> None:
    with pytest.raises(ValidationError):
        Paper.model_validate(_paper(arxiv=arxiv))


def _paper(**over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "2410.13823",
        "title": "T",
        "authors": ["A B"],
        "year": 2024,
        "url": "https://arxiv.org/abs/2410.13823",
        "kind": "method",
        "techniques": ["a-to-b"],
        "summary": "S.",
        "verified": [{"source": "https://arxiv.org/abs/2410.13823", "date": "2026-01-01"}],
        "added": "2026-01-01",
        "title_": None,
    }
    data.pop("title_")
    data["title"] = "A title"
    data.update(over)
    return data
