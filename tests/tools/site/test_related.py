"""What search adds to the site: neighbours normalised against the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.catalog.load import validate
from tools.site.related import coerce

REPO = Path(__file__).resolve().parents[3]
BASIC = REPO / "tests" / "browser" / "catalogs" / "basic"


def test_coerce_drops_unknown_and_self_neighbours() -> None:
    cat, _ = validate(BASIC)
    raw: dict[Any, Any] = {
        ("technique", "x-ray-to-text"): [
            {"kind": "technique", "id": "x-ray-to-text", "score": 1.0},
            {"kind": "technique", "id": "gone", "score": 0.9},
            ("paper", "2101.00001", 0.5),
        ],
        ("technique", "missing"): [],
    }
    out = coerce(raw, cat)
    assert list(out) == [("technique", "x-ray-to-text")]
    assert [(n.kind, n.id) for n in out[("technique", "x-ray-to-text")]] == [
        ("paper", "2101.00001")
    ]
