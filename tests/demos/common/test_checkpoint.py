from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from demos.common.checkpoint import (
    CheckpointError,
    export_safetensors,
    import_safetensors,
    latest_checkpoint,
    load_checkpoint,
    save_checkpoint,
)
from demos.common.ema import EMA


def test_round_trip_with_optimizer_and_config(tmp_path: Path) -> None:
    model = nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters())
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    path = save_checkpoint(
        tmp_path / "ck" / "last.pt",
        step=7,
        config={"steps": 7, "name": "x"},
        state={"model": model.state_dict(), "opt": opt.state_dict()},
        extra={"note": "ok"},
    )
    assert not list(path.parent.glob("*.tmp"))
    ck = load_checkpoint(path)
    assert ck.step == 7 and ck.config == {"steps": 7, "name": "x"} and ck.extra == {"note": "ok"}
    clone = nn.Linear(3, 2)
    clone.load_state_dict(ck.state["model"])
    assert torch.equal(clone.weight, model.weight)
    opt2 = torch.optim.Adam(clone.parameters())
    opt2.load_state_dict(ck.state["opt"])
    assert latest_checkpoint(path.parent) == path


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="checkpoint not found"):
        load_checkpoint(tmp_path / "nope.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a loadable checkpoint"):
        load_checkpoint(bad)
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(1)}, other)
    with pytest.raises(CheckpointError, match="not a checkpoint of format 1"):
        load_checkpoint(other)
    assert latest_checkpoint(tmp_path / "empty") is None


def test_safetensors_export(tmp_path: Path) -> None:
    model = nn.Linear(3, 2)
    path = export_safetensors(tmp_path / "w.safetensors", model.state_dict(), {"a": 1})
    weights, config = import_safetensors(path)
    assert config == {"a": 1} and torch.equal(weights["weight"], model.weight)
    with pytest.raises(CheckpointError):
        import_safetensors(tmp_path / "none.safetensors")


def test_ema_tracks_weights() -> None:
    model = nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(0.0)
    ema = EMA(model, decay=0.5)
    with torch.no_grad():
        model.weight.fill_(1.0)
    ema.update(model)
    assert torch.allclose(ema.state_dict()["weight"], torch.full((1, 2), 0.5))
    assert not any(p.requires_grad for p in ema.shadow.parameters())
    other = EMA(model, decay=0.9)
    other.load_state_dict(ema.state_dict())
    assert torch.equal(other.state_dict()["weight"], ema.state_dict()["weight"])
    with pytest.raises(ValueError, match="decay"):
        EMA(model, decay=1.5)
