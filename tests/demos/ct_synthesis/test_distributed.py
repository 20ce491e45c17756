"""DDP under torchrun on CPU (gloo): two ranks train a micro GAN and rank 0 writes the checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest

from demos.common.checkpoint import load_checkpoint


@pytest.mark.slow
def test_torchrun_two_ranks(tmp_path: Path, micro: list[str], torchrun) -> None:  # type: ignore[no-untyped-def]
    sets = [arg for item in micro for arg in ("--set", item)]
    args = ["demos.ct_synthesis", "train", "--preset", "tiny", "--out", str(tmp_path)]
    result = torchrun([*args, "--set", "train.device=cpu", *sets])
    assert result.returncode == 0, result.stderr[-2000:]
    (ckpt,) = (tmp_path / "checkpoints").glob("*.pt")
    assert load_checkpoint(ckpt).step == 3
    assert (tmp_path / "model.safetensors").is_file()
