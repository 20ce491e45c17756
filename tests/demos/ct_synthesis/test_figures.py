from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from demos.ct_synthesis.figures import counterfactual_gif, counterfactual_png


def test_png_and_gif(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    a = rng.uniform(-1000, 400, (3, 16, 16)).astype(np.float32)
    b = a - 30
    png = counterfactual_png(
        tmp_path / "f.png", np.zeros((2, 16, 16)), a[0], b[0], ("no", "yes"), true_diff=b[0] - a[0]
    )
    assert Image.open(png).format == "PNG"
    gif = counterfactual_gif(tmp_path / "f.gif", a, b)
    im = Image.open(gif)
    assert (
        im.format == "GIF" and getattr(im, "n_frames", 1) == 3 and im.size == (3 * 16 * 3, 16 * 3)
    )
