"""What the templates show: matrix levels, author lists, the modality matrix."""

from __future__ import annotations

from pathlib import Path

from tools.catalog.load import validate
from tools.site.views import build_matrix, level_labels, paper_level, short_authors

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
