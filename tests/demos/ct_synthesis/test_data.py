from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from demos.ct_synthesis.cohort_files import CohortError, load_cohort, save_cohort
from demos.ct_synthesis.data import (
    Case,
    expected_image,
    make_cohort,
    render_fields,
    sample_anatomy,
)


def test_shapes_dtypes_ranges_and_determinism(cases_2d: list[Case]) -> None:
    c = cases_2d[0]
    assert c.image_hu.shape == c.expected_hu.shape == c.lung.shape == (32, 32)
    assert c.image_hu.dtype == np.float32 and c.lung.dtype == np.uint8
    assert c.image_hu.min() > -1100 and c.image_hu.max() < 800
    assert 0.1 < c.lung.mean() < 0.5 and c.airway.sum() > 0
    again = make_cohort(12, (32, 32), seed=5)
    np.testing.assert_array_equal(again[3].image_hu, cases_2d[3].image_hu)
    vol = make_cohort(1, (24, 24, 24), seed=1)[0]
    assert vol.image_hu.shape == vol.lung.shape == (24, 24, 24) and vol.lung.any()


def test_table_has_missing_values_and_smokers() -> None:
    cases = make_cohort(80, (16, 16), seed=2)
    assert any(c.table.age is None for c in cases)
    assert {c.attributes.smoker for c in cases} == {"yes", "no"}
    assert all(c.attributes.pack_years is None for c in cases if c.attributes.smoker == "no")


def test_attribute_fields_act_as_documented() -> None:
    rng = np.random.default_rng(0)
    anatomy = sample_anatomy(rng)
    f = render_fields(anatomy, (64, 64))
    base = make_cohort(1, (64, 64), seed=0)[0].attributes
    base = replace(base, smoker="no", pack_years=None, sex="male", age=60, diagnosis=None)
    smoker = expected_image(f, replace(base, smoker="yes", pack_years=35.0)) - expected_image(
        f, base
    )
    parenchyma = f.lung & ~f.airway & ~f.vessel
    assert (
        np.all(smoker[~f.lung] == 0)
        and smoker[parenchyma].max() <= 0
        and smoker[parenchyma].mean() < -5
    )
    rows = np.nonzero(f.lung.any(1))[0]
    top, bottom = rows[: len(rows) // 3], rows[-len(rows) // 3 :]
    assert smoker[top][f.lung[top]].mean() < smoker[bottom][f.lung[bottom]].mean()  # upper zone
    sex = expected_image(f, replace(base, sex="female")) - expected_image(f, base)
    assert np.all(sex == 0)  # the negative control
    ipf = expected_image(f, replace(base, diagnosis="IPF")) - expected_image(f, base)
    assert ipf[bottom].sum() > ipf[top].sum() >= 0  # basal


def test_save_and_load_round_trip(tmp_path: Path, cases_2d: list[Case]) -> None:
    save_cohort(cases_2d[:3], tmp_path)
    back = load_cohort(tmp_path)
    assert [c.case_id for c in back] == [c.case_id for c in cases_2d[:3]]
    assert back[1].table == cases_2d[1].table and back[1].attributes == cases_2d[1].attributes
    np.testing.assert_array_equal(back[2].lung, cases_2d[2].lung)
    f = render_fields(back[0].anatomy, (32, 32))
    np.testing.assert_allclose(expected_image(f, back[0].attributes), cases_2d[0].expected_hu)
    (tmp_path / "truth.json").unlink()
    with pytest.raises(CohortError, match=r"truth\.json: missing"):
        load_cohort(tmp_path)
