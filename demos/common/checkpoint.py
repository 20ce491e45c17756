"""The one checkpoint layout of both demos, its atomic writer and its one loader.

A checkpoint is ``RUN/checkpoint.pt``, a ``torch.save`` of plain containers and tensors only::

    {"format": 2, "step": int, "config": {...}, "state": {name: state_dict}, "extra": {...}}

``state`` always holds ``model``, ``optimizer`` and ``scheduler``, ``ema`` when EMA is on, and
whatever else a demo trains (``discriminator``, ``text``, ...); ``extra`` holds plain data (a
tokenizer). It loads with ``torch.load(weights_only=True)``, so no pickled code runs. Anything else
(a foreign or corrupt file, a checkpoint of the layout before format 2, a missing or ill-typed
field, state that does not fit the network) is a :class:`CheckpointError` naming the file and what
to do.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import torch

from .config import ConfigError, from_dict
from .errors import DemoError

FORMAT = 2
CHECKPOINT = "checkpoint.pt"
OLD_CHECKPOINT = Path("checkpoints") / "last.pt"  # where the CT demo wrote format 1
T = TypeVar("T")


class CheckpointError(DemoError, RuntimeError):
    """A checkpoint is missing, unreadable, of another format, or does not fit the network."""


class Stateful(Protocol):
    """A module, optimiser, scheduler or EMA: anything with a state dict."""

    def state_dict(self) -> Any: ...

    def load_state_dict(self, state: Any, /) -> Any: ...


@dataclass
class Checkpoint:
    """What :func:`load_checkpoint` returns."""

    path: Path
    step: int
    config: dict[str, Any]
    state: dict[str, dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)
    retrain: str = "train the model again"

    def config_as(self, cls: type[T]) -> T:
        """The saved config as the demo's dataclass; a foreign config is a CheckpointError."""
        try:
            return from_dict(cls, self.config)
        except ConfigError as err:
            raise CheckpointError(f"{self.path}: saved config does not fit ({err})") from None

    def restore(self, target: Stateful, key: str) -> None:
        """``target.load_state_dict(state[key])``; missing or misfit state is a CheckpointError."""
        if key not in self.state:
            raise CheckpointError(
                f"{self.path}: no {key!r} state in the checkpoint; {self.retrain}"
            )
        try:
            target.load_state_dict(self.state[key])
        except (RuntimeError, KeyError, ValueError, TypeError, IndexError, AttributeError) as err:
            text = " ".join(str(err).split())
            reason = text[:240] if text else type(err).__name__
            raise CheckpointError(
                f"{self.path}: {key!r} state does not fit this config ({reason})"
            ) from None


def atomic_write(path: str | Path, write: Callable[[str], Any]) -> Path:
    """Call ``write(tmp_path)`` then ``os.replace`` it onto ``path`` (no half-written files)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_checkpoint(
    path: str | Path,
    *,
    step: int,
    config: dict[str, Any],
    state: dict[str, dict[str, Any]],
    extra: dict[str, Any] | None = None,
) -> Path:
    """Atomically save state dicts (model, optimiser, EMA, ...) with the config and step."""
    payload = {"format": FORMAT, "step": int(step), "config": config, "state": state}
    payload["extra"] = extra or {}
    return atomic_write(path, lambda tmp: torch.save(payload, tmp))


def checkpoint_file(path: str | Path, retrain: str) -> Path:
    """``path`` itself, or ``path/checkpoint.pt`` for a run folder; an old layout is an error."""
    path = Path(path)
    if path.is_dir():
        if not (path / CHECKPOINT).is_file() and (path / OLD_CHECKPOINT).is_file():
            raise CheckpointError(
                f"{path / OLD_CHECKPOINT}: a checkpoint of the layout before format {FORMAT}, "
                f"which this version cannot read; {retrain}"
            )
        path = path / CHECKPOINT
    if not path.is_file():
        raise CheckpointError(f"{path}: checkpoint not found")
    return path


def resume_checkpoint(run_dir: str | Path, retrain: str) -> Checkpoint | None:
    """The checkpoint to resume ``run_dir`` from, or ``None`` when it has none yet."""
    run_dir = Path(run_dir)
    if not (run_dir / CHECKPOINT).is_file() and not (run_dir / OLD_CHECKPOINT).is_file():
        return None
    return load_checkpoint(run_dir, retrain=retrain)


def _field(payload: dict[str, Any], key: str, kind: type, path: Path) -> Any:
    value = payload.get(key)
    if value is None:
        raise CheckpointError(f"{path}: checkpoint has no {key!r}")
    if not isinstance(value, kind) or isinstance(value, bool):
        raise CheckpointError(f"{path}: {key!r} is a {type(value).__name__}, not a {kind.__name__}")
    return value


def load_checkpoint(
    path: str | Path, *, retrain: str = "train the model again", map_location: Any = "cpu"
) -> Checkpoint:
    """Read a checkpoint (a file or a run folder) safely and check its layout.

    ``retrain`` says how to make a new one (named in the message for old checkpoints).
    """
    path = checkpoint_file(path, retrain)
    try:
        with warnings.catch_warnings():  # e.g. "Detected pickle protocol 4": the message says it
            warnings.simplefilter("ignore", UserWarning)
            payload = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # torch raises several types for corrupt or unsafe files
        raise CheckpointError(f"{path}: not a loadable checkpoint ({type(err).__name__})") from None
    if not isinstance(payload, dict) or "format" not in payload:
        raise CheckpointError(f"{path}: not a demo checkpoint (no 'format' field)")
    if payload["format"] == 1:
        raise CheckpointError(
            f"{path}: a checkpoint of format 1 (the layout before the demos shared one), which "
            f"this version cannot read; {retrain}"
        )
    if payload["format"] != FORMAT:
        raise CheckpointError(
            f"{path}: checkpoint format {payload['format']!r}; this version reads format {FORMAT}"
        )
    step = _field(payload, "step", int, path)
    if step < 0:
        raise CheckpointError(f"{path}: 'step' is negative ({step})")
    state = _field(payload, "state", dict, path)
    for name, value in state.items():
        if not isinstance(value, dict):
            raise CheckpointError(f"{path}: state {name!r} is a {type(value).__name__}, not a dict")
    extra = payload.get("extra", {})
    if not isinstance(extra, dict):
        raise CheckpointError(f"{path}: 'extra' is a {type(extra).__name__}, not a dict")
    config = _field(payload, "config", dict, path)
    return Checkpoint(path, step, dict(config), dict(state), dict(extra), retrain)
