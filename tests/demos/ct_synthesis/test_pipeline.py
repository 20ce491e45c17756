from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from demos.ct_synthesis.config import load_config
from demos.ct_synthesis.counterfactual import CounterfactualError
from demos.ct_synthesis.data import Case
from demos.ct_synthesis.evaluate import SCORE_KEYS
from demos.ct_synthesis.pipeline import (
    _short,
    cohort_shape,
    load_data,
    make_data,
    quickstart,
    run_counterfactual,
)


def test_micro_quickstart_end_to_end(tmp_path: Path, micro: list[str]) -> None:
    metrics = quickstart(tmp_path, micro)
    on_disk = json.loads((tmp_path / "metrics.json").read_text())
    assert on_disk == metrics
    for key in SCORE_KEYS:
        assert isinstance(metrics[key], float) and math.isfinite(metrics[key]), key
    assert 0.0 <= metrics["cf_sign_accuracy"] <= 1.0 and metrics["synthetic_data"] is True
    for name in ("smoker_yes.png", "smoker_yes.gif", "sex_female.png"):
        assert (tmp_path / "figures" / name).stat().st_size > 1000
    assert (tmp_path / "data" / "train" / "clinical.csv").is_file()
    assert metrics["train_steps"] == 3 and metrics["preset"] == "tiny"


def test_cohort_shape_and_data_round_trip(tmp_path: Path) -> None:
    cfg = load_config("tiny", ["data.n_train=3", "data.n_test=2", "data.image_size=16"])
    assert cohort_shape(cfg) == (16, 16)
    assert cohort_shape(load_config("3d-128")) == (128, 128, 128)
    tr, te = make_data(cfg, tmp_path)
    back_tr, back_te = load_data(tmp_path)
    assert [c.case_id for c in back_tr] == [c.case_id for c in tr] and len(back_te) == len(te) == 2
    assert {c.case_id[:5] for c in tr} == {"train"} and {c.case_id[:4] for c in te} == {"test"}
    np.testing.assert_array_equal(back_te[1].image_hu, te[1].image_hu)


def test_counterfactual_figure_and_change_against_truth(
    tmp_path: Path, cohort_pair: tuple[list[Case], list[Case]], oracle: Any
) -> None:
    _, test = cohort_pair
    res = run_counterfactual(oracle(test), test, "smoker", "yes", tmp_path, base="no", case_index=1)
    assert res.png == tmp_path / "smoker_yes.png" and res.gif.is_file()
    assert "Smoker: no." in res.default_prompt and "Smoker: yes." in res.counterfactual_prompt
    assert res.mean_lung_change_hu == pytest.approx(res.true_mean_lung_change_hu, rel=1e-5)
    assert res.true_mean_lung_change_hu < 0
    with Image.open(res.gif) as gif:
        assert getattr(gif, "n_frames", 1) == len(test)  # 2D: one frame per case
    with pytest.raises(CounterfactualError, match=r"case index 9 out of range \(0\.\.5\)"):
        run_counterfactual(oracle(test), test, "smoker", "yes", tmp_path, case_index=9)


def test_panel_titles_drop_the_prefix() -> None:
    assert (
        _short("Lung CT scan. Age: 60. Sex: male. Smoker: no.") == "Age: 60. Sex: male\nSmoker: no."
    )
