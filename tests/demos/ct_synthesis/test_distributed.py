"""DDP under torchrun on CPU (gloo): two ranks train a micro GAN and rank 0 writes the checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest

from demos.common.checkpoint import load_checkpoint


@pytest.mark.slow
def test_torchrun_two_ranks(tmp_path: Path, micro: list[str], torchrun) -> None:  # type: ignore[no-untyped-def]
    sets = [arg for item in micro for arg in ("--set", item)]
    args = ["demos.ct_synthesis", "train", "--preset", "tiny", "--out", str(tmp_path)]
    result = torchrun([*args, "--set", "runtime.device=cpu", *sets])
    assert result.returncode == 0, result.stderr[-2000:]
    ck = load_checkpoint(tmp_path / "checkpoint.pt")
    assert ck.step == 3 and {"model", "discriminator", "text"} <= set(ck.state)
    assert (tmp_path / "model.safetensors").is_file()
    rows = [line for line in (tmp_path / "train_log.jsonl").read_text().splitlines() if line]
    assert len(rows) == 3  # only rank 0 logs (log_every=1)
