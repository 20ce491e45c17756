"""The one checkpoint layout: round trip, old layouts, hostile files, state that does not fit."""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from demos.common.checkpoint import (
    CHECKPOINT,
    FORMAT,
    CheckpointError,
    atomic_write,
    load_checkpoint,
    resume_checkpoint,
    save_checkpoint,
)
from demos.common.ema import EMA

HINT = "train a new one with `demo train`"


def _good(tmp_path: Path, **changes: Any) -> Path:
    model = nn.Linear(3, 2)
    payload: dict[str, Any] = {
        "format": FORMAT,
        "step": 7,
        "config": {"steps": 7},
        "state": {"model": model.state_dict()},
        "extra": {},
    }
    payload.update(changes)
    path = tmp_path / CHECKPOINT
    torch.save({k: v for k, v in payload.items() if v is not ...}, path)
    return path


def test_round_trip_with_optimizer_and_config(tmp_path: Path) -> None:
    model = nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters())
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    path = save_checkpoint(
        tmp_path / "run" / CHECKPOINT,
        step=7,
        config={"steps": 7, "name": "x"},
        state={"model": model.state_dict(), "optimizer": opt.state_dict()},
        extra={"note": "ok"},
    )
    assert not list(path.parent.glob("*.tmp"))
    ck = load_checkpoint(tmp_path / "run")  # a run folder finds its checkpoint.pt
    assert (ck.path, ck.step, ck.config, ck.extra) == (
        path,
        7,
        {"steps": 7, "name": "x"},
        {"note": "ok"},
    )
    clone = nn.Linear(3, 2)
    ck.restore(clone, "model")
    assert torch.equal(clone.weight, model.weight)
    opt2 = torch.optim.Adam(clone.parameters())
    ck.restore(opt2, "optimizer")
    assert opt2.state_dict()["state"][0]["step"] == opt.state_dict()["state"][0]["step"]


def test_missing_foreign_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="checkpoint not found"):
        load_checkpoint(tmp_path / "nope.pt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CheckpointError, match=r"empty.checkpoint\.pt: checkpoint not found"):
        load_checkpoint(tmp_path / "empty", retrain=HINT)
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a loadable checkpoint"):
        load_checkpoint(bad)
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(1)}, other)
    with pytest.raises(CheckpointError, match="not a demo checkpoint"):
        load_checkpoint(other)
    torch.save([1, 2], other)
    with pytest.raises(CheckpointError, match="not a demo checkpoint"):
        load_checkpoint(other)


@pytest.mark.parametrize(
    ("keys", "where"),
    [
        (("net", "opt", "sched"), "checkpoints/last.pt"),
        (("model", "optimizer", "scheduler"), CHECKPOINT),
    ],
)
def test_checkpoints_of_the_old_layout_name_what_to_do(
    tmp_path: Path, keys: tuple[str, ...], where: str
) -> None:
    """Format 1 as the CT demo (net/opt/sched in checkpoints/last.pt) and the X-ray demo
    (model/optimizer/scheduler in checkpoint.pt) wrote it."""
    path = tmp_path / where
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: {"w": torch.zeros(1)} for k in keys}
    torch.save({"format": 1, "step": 3, "config": {}, "state": state, "extra": {}}, path)
    for target in (tmp_path, path):
        with pytest.raises(CheckpointError) as err:
            load_checkpoint(target, retrain=HINT)
        message = str(err.value)
        assert str(path) in message and "format" in message and HINT in message
        assert "\n" not in message
    with pytest.raises(CheckpointError, match="cannot read"):
        resume_checkpoint(tmp_path, HINT)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": 3}, "checkpoint format 3; this version reads format 2"),
        ({"step": ...}, "checkpoint has no 'step'"),
        ({"step": "7"}, "'step' is a str, not a int"),
        ({"step": True}, "'step' is a bool"),
        ({"step": -1}, "'step' is negative"),
        ({"state": ...}, "checkpoint has no 'state'"),
        ({"state": [1]}, "'state' is a list"),
        ({"state": {"model": torch.zeros(2)}}, "state 'model' is a Tensor, not a dict"),
        ({"config": ...}, "checkpoint has no 'config'"),
        ({"config": "x"}, "'config' is a str"),
        ({"extra": [1]}, "'extra' is a list"),
    ],
)
def test_right_format_with_wrong_or_missing_fields(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(_good(tmp_path, **changes))
    assert message in str(err.value) and str(tmp_path) in str(err.value)


def test_state_that_does_not_fit_is_a_clear_error(tmp_path: Path) -> None:
    wide = {"weight": torch.zeros(5, 3), "bias": torch.zeros(5)}
    path = _good(tmp_path, state={"model": wide, "junk": {"weight": "text"}, "none": {}})
    ck = load_checkpoint(path, retrain=HINT)
    with pytest.raises(CheckpointError, match=r"'model' state does not fit this config \(.*size"):
        ck.restore(nn.Linear(3, 2), "model")
    with pytest.raises(CheckpointError, match="'junk' state does not fit"):
        ck.restore(nn.Linear(3, 2), "junk")
    with pytest.raises(CheckpointError, match="'none' state does not fit"):
        ck.restore(nn.Linear(3, 2), "none")  # missing keys
    with pytest.raises(CheckpointError, match=f"no 'ema' state in the checkpoint; {HINT}"):
        ck.restore(nn.Linear(3, 2), "ema")
    opt = torch.optim.Adam(nn.Linear(3, 2).parameters())
    with pytest.raises(CheckpointError, match="'model' state does not fit"):
        ck.restore(opt, "model")  # an optimiser state of the wrong shape


@dataclass
class Cfg:
    steps: int = 1


def test_config_as_rejects_a_foreign_config(tmp_path: Path) -> None:
    assert load_checkpoint(_good(tmp_path, config={"steps": 3})).config_as(Cfg) == Cfg(3)
    with pytest.raises(
        CheckpointError, match=r"saved config does not fit \(unknown config key 'lr'"
    ):
        load_checkpoint(_good(tmp_path, config={"lr": 1})).config_as(Cfg)


class Payload:
    """Pickled, this would create a folder when unpickled by a loader that runs code."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.target),))


@pytest.mark.parametrize("suffix", [".pt", ".bin"])
def test_pickled_code_does_not_run(tmp_path: Path, suffix: str) -> None:
    marker = tmp_path / "pwned"
    hostile = tmp_path / f"model{suffix}"
    torch.save(
        {"format": FORMAT, "step": 1, "config": {}, "state": {}, "x": Payload(marker)}, hostile
    )
    with pytest.raises(CheckpointError, match="not a loadable checkpoint"):
        load_checkpoint(hostile)
    plain = tmp_path / f"plain{suffix}"
    plain.write_bytes(pickle.dumps(Payload(marker)))
    with pytest.raises(CheckpointError, match="not a loadable checkpoint"):
        load_checkpoint(plain)
    assert not marker.exists()


def test_resume_checkpoint_is_none_for_a_fresh_run(tmp_path: Path) -> None:
    assert resume_checkpoint(tmp_path, HINT) is None
    _good(tmp_path)
    ck = resume_checkpoint(tmp_path, HINT)
    assert ck is not None and ck.step == 7


def test_atomic_write_leaves_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old")

    def fail(tmp: str) -> None:
        Path(tmp).write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, fail)
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["f.txt"]


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
