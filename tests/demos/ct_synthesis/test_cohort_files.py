"""A cohort folder on disk: round trip, and every damaged or hostile part is one CohortError."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from demos.ct_synthesis.cohort_files import ARRAYS, CohortError, load_cohort, save_cohort
from demos.ct_synthesis.data import Case


@pytest.fixture
def folder(tmp_path: Path, cases_2d: list[Case]) -> Path:
    return save_cohort(cases_2d[:3], tmp_path / "cohort")


def test_round_trip_keeps_every_array(folder: Path, cases_2d: list[Case]) -> None:
    back = load_cohort(folder)
    for a, b in zip(back, cases_2d[:3], strict=True):
        assert (a.case_id, a.table, a.attributes, a.anatomy) == (
            b.case_id,
            b.table,
            b.attributes,
            b.anatomy,
        )
        for name in ARRAYS:
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def _arrays(folder: Path) -> dict[str, np.ndarray]:
    with np.load(folder / "cohort.npz") as npz:
        return {k: npz[k] for k in npz.files}


class Payload:
    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.target),))


def test_pickled_arrays_are_refused_and_never_run(folder: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    arrays = _arrays(folder)
    arrays["image_hu"] = np.array([Payload(marker)], dtype=object)
    np.savez(folder / "cohort.npz", **arrays)
    with pytest.raises(CohortError, match=r"cohort\.npz: not a cohort written by make-data"):
        load_cohort(folder)
    (folder / "cohort.npz").write_bytes(pickle.dumps(Payload(marker)))
    with pytest.raises(CohortError, match=r"cohort\.npz: not a cohort"):
        load_cohort(folder)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "cohort.npz").write_bytes(b""), r"cohort\.npz: not a cohort"),
        (
            lambda f: (f / "cohort.npz").write_bytes(b"PK\x03\x04 truncated"),
            r"cohort\.npz: not a cohort",
        ),
        (
            lambda f: np.savez(f / "cohort.npz", image_hu=np.zeros((3, 1, 4, 4))),
            "no array 'expected_hu'",
        ),
        (
            lambda f: np.savez(f / "cohort.npz", **(_arrays(f) | {"lung": np.zeros((3, 1, 5, 5))})),
            "array 'lung' has shape",
        ),
        (
            lambda f: np.savez(f / "cohort.npz", **(_arrays(f) | {"body": np.array([["a"]] * 3)})),
            "array 'body' has dtype",
        ),
        (
            lambda f: np.savez(f / "cohort.npz", **{k: v[:2] for k, v in _arrays(f).items()}),
            "2 images, 3 truth entries and 3 table rows",
        ),
        (lambda f: (f / "truth.json").write_text("{"), r"truth\.json:1: not JSON"),
        (lambda f: (f / "truth.json").write_text("[]"), r"truth\.json: not the truth file"),
        (
            lambda f: (f / "truth.json").write_text('{"cases": [{"case_id": 1}]}'),
            "missing 'attributes'",
        ),
        (lambda f: (f / "truth.json").write_bytes(b"\xff\xfe"), r"truth\.json: not the truth file"),
        (
            lambda f: (f / "clinical.csv").write_text("case_id,age\nx,old\n"),
            r"clinical\.csv:2: could not convert",
        ),
        (
            lambda f: (f / "clinical.csv").write_bytes(b"case_id\n\xff\n"),
            r"clinical\.csv: not a readable CSV",
        ),
        (
            lambda f: (f / "clinical.csv").unlink(),
            r"clinical\.csv: missing \(run `python -m demos\.ct_synthesis make-data`\)",
        ),
    ],
)
def test_damaged_parts_are_one_clear_error(folder: Path, damage: Any, message: str) -> None:
    damage(folder)
    with pytest.raises(CohortError, match=message) as err:
        load_cohort(folder)
    assert "\n" not in str(err.value)


def test_unknown_attribute_in_truth(folder: Path) -> None:
    truth = json.loads((folder / "truth.json").read_text())
    truth["cases"][1]["attributes"]["height"] = 180
    (folder / "truth.json").write_text(json.dumps(truth))
    with pytest.raises(CohortError, match="case 1: unknown attribute 'height'"):
        load_cohort(folder)
