"""Query understanding: roles from phrasing (the shared cases file), modality names, acronyms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tools.catalog.load import load_catalog
from tools.search.understand import QueryReader, words

REPO = Path(__file__).resolve().parents[3]
CASES_FILE = Path(__file__).parent / "data" / "direction_cases.yaml"
CASES: list[dict[str, Any]] = YAML(typ="safe").load(CASES_FILE.read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def reader() -> QueryReader:
    cat, problems = load_catalog(REPO)
    assert not [p for p in problems if p.severity == "error"]
    return QueryReader(cat.modalities)


@pytest.mark.parametrize("case", CASES, ids=[c["q"] for c in CASES])
def test_roles_from_phrasing(reader: QueryReader, case: dict[str, Any]) -> None:
    d = reader.read(case["q"]).direction
    assert (d.inputs, d.outputs, d.mentioned) == (
        tuple(case.get("in", [])),
        tuple(case.get("out", [])),
        tuple(case.get("mentioned", [])),
    )


def test_the_cases_cover_every_kind_of_phrasing() -> None:
    both = [c for c in CASES if c.get("in") and c.get("out")]
    assert len(both) >= 30 and len(CASES) >= 45
    assert any(not c.get("in") and c.get("out") for c in CASES)
    assert any(not c.get("in") and not c.get("out") for c in CASES)


def test_every_modality_is_recognised_by_its_name_and_aliases(reader: QueryReader) -> None:
    cat, _ = load_catalog(REPO)
    assert reader.conflicts == []
    for slug, modality in cat.modalities.items():
        for name in (modality.label, *modality.aliases):
            assert reader.mentions(name)[1] == [slug], (slug, name)
            assert reader.mentions(f"generate a {name} please")[1] == [slug], (slug, name)


def test_the_issue_list_of_abbreviations_names_its_modality(reader: QueryReader) -> None:
    expected = {
        "CXR": "x-ray",
        "radiograph": "x-ray",
        "echo": "ultrasound",
        "ECG": "biosignal",
        "EKG": "biosignal",
        "EEG": "biosignal",
        "WSI": "histopathology",
        "H&E": "histopathology",
        "EHR": "ehr",
        "notes": "text",
        "dictation": "audio",
        "speech": "audio",
    }
    for word, slug in expected.items():
        assert reader.read(word).direction.mentioned == (slug,), word


def test_case_sensitive_aliases_need_their_case(reader: QueryReader) -> None:
    assert reader.read("US of the liver").direction.mentioned == ("ultrasound",)
    assert reader.read("show us the liver").direction.mentioned == ()


def test_acronyms_expand_in_place_and_are_reported(reader: QueryReader) -> None:
    u = reader.read("LLMs for sCT")
    assert u.text == "LLMs (large language model) for sCT (synthetic CT)"
    assert u.expansions == (("LLMs", "large language model"), ("sCT", "synthetic CT"))
    assert reader.read("gangrene").expansions == ()  # whole words only


def test_a_mention_and_its_broader_modality_merge(reader: QueryReader) -> None:
    assert reader.mentions("chest x-ray images")[1] == ["x-ray"]
    assert reader.mentions("CT and MRI")[1] == ["ct", "mri"]


def test_words_match_the_keyword_rules() -> None:
    assert words("Reports, X-rays!") == [("Reports", "report"), ("X", "x"), ("rays", "ray")]
