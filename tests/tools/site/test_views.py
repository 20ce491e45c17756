"""What the templates show: matrix levels, author lists, the modality matrix."""

from __future__ import annotations

from pathlib import Path

from tools.catalog.load import validate
from tools.site.views import (
    build_matrix,
    demo_techniques,
    level_labels,
    paper_level,
    paper_row,
    papers_by_group,
    same_address,
    short_authors,
    technique_title,
)

REPO = Path(__file__).resolve().parents[3]
BASIC = REPO / "tests" / "browser" / "catalogs" / "basic"


def test_paper_levels_and_legend_agree() -> None:
    assert [paper_level(n) for n in (0, 1, 2, 3, 5, 6, 10, 11, 500)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert level_labels() == [
        "no papers yet",
        "1-2 papers",
        "3-5 papers",
        "6-10 papers",
        "11+ papers",
    ]


def test_short_authors() -> None:
    assert short_authors(["A", "B"]) == "A, B"
    assert short_authors(["A", "B", "C", "D"]) == "A, B, C et al."
    assert short_authors(["A"], complete=False) == "A et al."


def test_matrix_axes_are_used_modalities_in_group_order() -> None:
    cat, _ = validate(BASIC)
    matrix = build_matrix(cat)
    assert [m.slug for m in matrix.rows] == ["text", "x-ray", "ct", "audio"]
    assert matrix.rows == matrix.cols
    cell = matrix.cell("x-ray", "text")
    assert cell.technique is not None and cell.papers == 4 and cell.level == 2
    assert matrix.cell("text", "text").technique is None


def test_matrix_cells_count_demos_and_announce_themselves() -> None:
    cat, _ = validate(BASIC)
    matrix = build_matrix(cat)
    xray, text, ct, audio = (cat.modalities[s] for s in ("x-ray", "text", "ct", "audio"))
    assert matrix.cell("x-ray", "text").demos == 1
    assert matrix.cell("x-ray", "text").label(xray, text) == "X-ray to Text: 4 papers, demo"
    assert matrix.cell("ct", "audio").label(ct, audio) == "CT to Audio: 0 papers"
    assert matrix.cell("text", "text").label(text, text) == "Text to Text: no technique yet"
    one = matrix.cell("audio", "text")
    assert one.papers == 1 and one.counts == "1 paper"


def test_same_address_ignores_scheme_www_slash_version_and_doi_case() -> None:
    assert same_address("https://arxiv.org/abs/2101.00001", "http://arxiv.org/abs/2101.00001v3")
    assert same_address("https://www.nature.com/a/", "https://nature.com/a")
    assert same_address("https://doi.org/10.1038/ABC", "https://dx.doi.org/10.1038/abc")
    assert not same_address("https://arxiv.org/abs/2101.00001", "https://arxiv.org/pdf/2101.00001")
    assert not same_address("https://example.org/a?id=1", "https://example.org/a?id=2")
    assert not same_address("https://example.org/Paper", "https://example.org/paper")


def test_paper_row_drops_a_paper_page_that_an_outbound_link_repeats() -> None:
    cat, _ = validate(BASIC)
    arxiv = paper_row(cat.papers["2101.00001"])  # url is its arXiv abstract page
    assert arxiv.page_url is None and arxiv.arxiv_url == "https://arxiv.org/abs/2101.00001"
    doi = paper_row(cat.papers["10-1234-fixture-2020-1"])  # url is its DOI
    assert doi.page_url is None and doi.doi_url == "https://doi.org/10.1234/fixture.2020.1"
    other = cat.papers["2101.00001"].model_copy(update={"url": "https://example.org/paper-1"})
    assert paper_row(other).page_url == "https://example.org/paper-1"


def test_technique_title_falls_back_to_the_id() -> None:
    cat, _ = validate(BASIC)
    assert technique_title(cat, "x-ray-to-text") == "X-ray to Text"
    assert technique_title(cat, "not-in-the-catalog") == "not-in-the-catalog"
    tech = cat.techniques["audio-to-text"]
    cat.techniques["audio-to-text"] = tech.model_copy(update={"title": "  "})
    assert technique_title(cat, "audio-to-text") == "audio-to-text"


def test_papers_by_group_sections_in_matrix_order_with_counts() -> None:
    cat, _ = validate(BASIC)
    groups = papers_by_group(cat)
    assert [g.id for g in groups] == ["text", "image", "audio"]
    by_id = {g.id: [(s.technique.id, len(s.papers)) for s in g.sections] for g in groups}
    # ct-to-audio has no papers: left out; a paper on two techniques is under each
    assert by_id == {
        "text": [("text-to-x-ray", 1), ("text-to-ct", 1)],
        "image": [("x-ray-to-text", 4)],
        "audio": [("audio-to-text", 1)],
    }
    assert groups[0].paper_count == 2 and groups[0].sections[0].title == "Text to X-ray"
    # a paper under two techniques of one group counts once in the group
    paper = cat.papers["2305.00003"]
    techniques = [*paper.techniques, "text-to-ct"]
    cat.papers["2305.00003"] = paper.model_copy(update={"techniques": techniques})
    object.__setattr__(cat, "_backref_cache", None)
    text = papers_by_group(cat)[0]
    assert [len(s.papers) for s in text.sections] == [1, 2] and text.paper_count == 2


def test_papers_by_group_with_no_papers_is_empty() -> None:
    cat, _ = validate(BASIC)
    cat.papers.clear()
    object.__setattr__(cat, "_backref_cache", None)
    assert papers_by_group(cat) == []


def test_demo_techniques_include_techniques_naming_the_demo() -> None:
    cat, _ = validate(BASIC)
    demo = cat.demos["toy-demo"]
    assert [t.id for t in demo_techniques(cat, demo)] == ["x-ray-to-text", "text-to-ct"]
    alone = demo.model_copy(update={"techniques": ["text-to-ct"]})
    # x-ray-to-text lists toy-demo in its own `demos`
    assert [t.id for t in demo_techniques(cat, alone)] == ["text-to-ct", "x-ray-to-text"]
