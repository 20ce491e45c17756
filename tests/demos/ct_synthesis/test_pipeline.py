from __future__ import annotations

import json
import math
from pathlib import Path

from demos.ct_synthesis.evaluate import SCORE_KEYS
from demos.ct_synthesis.pipeline import quickstart


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
