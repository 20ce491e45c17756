"""The synthetic cohort: shapes, ranges, determinism, label/report agreement, file round-trip."""

import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from demos.xray_report.data import (
    LABELS,
    CohortError,
    Findings,
    load_cohort,
    make_cohort,
    render,
    save_cohort,
    write_report,
)


def test_cohort_shapes_ranges_and_determinism() -> None:
    a = make_cohort(24, 48, seed=3)
    b = make_cohort(24, 48, seed=3)
    assert a.images.shape == (24, 1, 48, 48)
    assert a.images.dtype == np.float32
    assert a.images.min() >= 0.0 and a.images.max() <= 1.0
    assert a.labels.shape == (24, len(LABELS))
    np.testing.assert_array_equal(a.images, b.images)
    assert a.reports == b.reports
    assert not np.array_equal(a.images, make_cohort(24, 48, seed=4).images)


def test_no_finding_is_exclusive_of_pathology() -> None:
    labels = make_cohort(300, 32, seed=0).labels
    pathology = labels[:, :5].any(axis=1)
    np.testing.assert_array_equal(labels[:, LABELS.index("no_finding")], ~pathology)
    assert labels.mean(axis=0).min() > 0.1 and labels.mean(axis=0).max() < 0.5


def test_cardiomegaly_widens_the_heart() -> None:
    rng = np.random.default_rng(0)
    normal = render(Findings(), 96, rng)
    big = render(Findings(cardiomegaly=True), 96, rng)
    row = 96 * 65 // 100  # through the heart, above the diaphragm
    assert (big[row] > 0.6).sum() > (normal[row] > 0.6).sum() + 5


def test_effusion_fills_the_costophrenic_angle() -> None:
    rng = np.random.default_rng(1)
    clear = render(Findings(), 96, rng)
    wet = render(Findings(effusion=("right", "moderate")), 96, rng)
    corner = (slice(60, 68), slice(18, 26))  # right costophrenic angle
    assert wet[corner].mean() > clear[corner].mean() + 0.15


def test_reports_negate_absent_findings() -> None:
    rng = np.random.default_rng(2)
    texts = [write_report(Findings(), rng, negation_rate=1.0) for _ in range(20)]
    assert all(t.startswith(("The heart", "Heart", "No", "The cardio")) for t in texts)
    assert all("pneumothorax" in t.lower() for t in texts)


def test_invalid_sizes_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        make_cohort(0, 64, seed=0)
    with pytest.raises(ValueError, match="at least 32 pixels"):
        make_cohort(2, 8, seed=0)


def test_save_load_round_trip(tmp_path: Path) -> None:
    cohort = make_cohort(5, 32, seed=9)
    path = tmp_path / "cohort.npz"
    save_cohort(cohort, path)
    back = load_cohort(path)
    np.testing.assert_array_equal(back.images, cohort.images)
    assert back.reports == cohort.reports
    assert back.findings == cohort.findings
    with pytest.raises(ValueError, match="cohort not found"):
        load_cohort(tmp_path / "missing.npz")
    path.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a valid cohort file"):
        load_cohort(path)


class Payload:
    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.target),))


def _saved(tmp_path: Path) -> Path:
    path = tmp_path / "cohort.npz"
    save_cohort(make_cohort(4, 32, seed=1), path)
    return path


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_bytes(b""), "not a valid cohort file"),
        (lambda p: p.write_bytes(b"PK\x03\x04 truncated"), "not a valid cohort file"),
        (lambda p: np.savez(p, images=np.zeros((4, 1, 8, 8), np.float32)), "no array 'labels'"),
        (
            lambda p: np.savez(p, images=np.zeros((4, 8, 8)), labels=np.zeros((4, 7))),
            r"images are float64 \(4, 8, 8\)",
        ),
        (
            lambda p: np.savez(p, images=np.zeros((4, 1, 8, 8)), labels=np.zeros((4, 7))),
            "labels are float64",
        ),
        (
            lambda p: np.savez(p, images=np.zeros((3, 1, 8, 8)), labels=np.zeros((3, 7), int)),
            "differ in length",
        ),
        (lambda p: p.with_suffix(".json").write_text("{"), r"cohort\.json:1: not JSON"),
        (
            lambda p: p.with_suffix(".json").write_text('{"reports": 3, "findings": []}'),
            "not a valid cohort file",
        ),
        (
            lambda p: p.with_suffix(".json").write_text('{"reports": [], "findings": [{"x": 1}]}'),
            "not a valid cohort file",
        ),
    ],
)
def test_damaged_cohort_files(tmp_path: Path, damage: Any, message: str) -> None:
    path = _saved(tmp_path)
    damage(path)
    with pytest.raises(CohortError, match=message) as err:
        load_cohort(path)
    assert "\n" not in str(err.value)


def test_pickled_arrays_are_refused_and_never_run(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    marker = tmp_path / "pwned"
    np.savez(path, images=np.array([Payload(marker)], dtype=object), labels=np.zeros((1, 7), int))
    with pytest.raises(CohortError, match="not a valid cohort file"):
        load_cohort(path)
    path.write_bytes(pickle.dumps(Payload(marker)))
    with pytest.raises(CohortError, match="not a valid cohort file"):
        load_cohort(path)
    assert not marker.exists()
