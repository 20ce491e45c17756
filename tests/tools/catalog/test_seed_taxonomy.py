"""The seed list's modality pairs: the parser's repairs, and one technique file per pair."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.support.seed_import import SeedError, seed_pairs, seed_rows, technique_id

ROOT = Path(__file__).parents[3]
SEED = Path(__file__).parents[4] / "shared/seeds/000_1dbef87d81fea39d.txt"
FIXTURE = Path(__file__).parents[1] / "data/seed_pairs.txt"
TECHNIQUES = ROOT / "catalog/techniques"

HEADER = (
    "| Type of Generative AI Technique | Description | Examples of Medical Applications |\n"
    "|:-:|:--|:--|\n"
)


def _fixture() -> dict[str, set[str]]:
    pairs: dict[str, set[str]] = {}
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        technique, sections = line.split("\t")
        pairs[technique] = set(sections.split(","))
    return pairs


def _seed_sections(path: Path) -> set[str]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return set(data.get("seed_sections") or [])


def test_fixture_holds_the_89_distinct_pairs() -> None:
    pairs = _fixture()
    assert len(pairs) == 89
    assert pairs["image-to-text"] == {"text", "image"}
    assert pairs["audio-to-microbiomics"] == {"audio"}


@pytest.mark.skipif(not SEED.is_file(), reason="shared/seeds is not beside this clone")
def test_fixture_equals_the_parsed_seed() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert seed_pairs(text) == _fixture()
    assert len(seed_rows(text)) == 99  # ten pairs appear in two sections


def test_every_seed_pair_has_a_technique_with_its_sections() -> None:
    for technique, sections in _fixture().items():
        path = TECHNIQUES / f"{technique}.yaml"
        assert path.is_file(), f"missing {path.name}"
        assert _seed_sections(path) == sections, path.name


def test_only_seed_pairs_claim_seed_sections() -> None:
    pairs = _fixture()
    for path in sorted(TECHNIQUES.glob("*.yaml")):
        sections = _seed_sections(path)
        if sections:
            assert path.stem in pairs, f"{path.name} lists seed_sections but is not in the seed"


def test_rows_run_together_on_one_line_are_split() -> None:
    text = (
        "## image\n" + HEADER + "|X-ray-to-Text|\tTranslates X-rays.|\tReports.\t|\t\t|"
        "Text-to-MRI|\tGenerates MRI.|\tSimulation.|\t\t|MRI-to-CT|\tTransforms MRI.|\tPlanning.|\n"
    )
    rows = seed_rows(text)
    assert [row.technique for row in rows] == ["x-ray-to-text", "text-to-mri", "mri-to-ct"]
    assert rows[1].description == "Generates MRI."
    assert rows[1].application == "Simulation."


def test_separator_typed_inside_a_word_is_moved() -> None:
    text = "## audio\n" + HEADER + "|Audio-to-Microbiomic|s\tGenerates microbes.|\tCould be.|\n"
    (row,) = seed_rows(text)
    assert row.technique == "audio-to-microbiomics"
    assert row.description == "Generates microbes."
    assert row.application == "Could be."


def test_missing_separator_between_description_and_application() -> None:
    text = (
        "## 3D model\n" + HEADER + "|Pharmacogenomics-to-3D Model|\tConverts drug response data."
        "\tUsed to create models.|\n"
    )
    (row,) = seed_rows(text)
    assert row.section == "3d-model"
    assert row.technique == "pharmacogenomics-to-3d-model"
    assert row.description == "Converts drug response data."
    assert row.application == "Used to create models."


def test_missing_separator_after_the_pair() -> None:
    text = "## image\n" + HEADER + "|Image-to-BioSignal\tGenerates signals.|\tCould be.|\n"
    (row,) = seed_rows(text)
    assert row.technique == "image-to-biosignal"
    assert row.description == "Generates signals."


def test_pairs_repeated_across_sections_are_merged() -> None:
    row = "|BioSignal-to-Image|\tConverts signals.|\tHeat maps.|\n"
    text = "## Bio signal\n" + HEADER + row + "## image\n" + HEADER + row
    assert seed_pairs(text) == {"biosignal-to-image": {"biosignal", "image"}}


def test_a_sentence_mentioning_text_to_speech_is_not_a_row() -> None:
    text = "## text\n" + HEADER + "|Text-to-Audio|\tSpeech.|\tUsed in text-to-speech systems.|\n"
    assert seed_pairs(text) == {"text-to-audio": {"text"}}


def test_seed_spellings_map_to_slugs() -> None:
    assert technique_id("GenomicVariations-to-3D Model") == "genomic-variations-to-3d-model"
    assert technique_id("Text-to-X-ray") == "text-to-x-ray"


@pytest.mark.parametrize(
    ("pair", "message"),
    [("Text-to-Smell", "unknown modality 'Smell'"), ("Text", "cannot split 'Text'")],
)
def test_unmappable_names_raise(pair: str, message: str) -> None:
    with pytest.raises(SeedError, match=message):
        technique_id(pair)


def test_a_row_with_too_many_cells_raises() -> None:
    text = "## text\n" + HEADER + "|Text-to-Text|\tA.|\tB.|\tC.|\n"
    with pytest.raises(SeedError, match="has 3 text cells"):
        seed_rows(text)
