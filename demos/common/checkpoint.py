"""Checkpoint I/O: atomic writes, the config saved with the weights, safe loading, resume.

A checkpoint is a ``torch.save`` of plain containers and tensors only:
``{"format": 1, "step": int, "config": dict, "state": {name: state_dict}, "extra": dict}``,
so it loads with ``torch.load(weights_only=True)``. Weights can also be exported as safetensors
with the config as JSON metadata.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, safe_open, save_file

FORMAT = 1


class CheckpointError(RuntimeError):
    """A checkpoint is missing, unreadable or of the wrong format."""


@dataclass
class Checkpoint:
    """What :func:`load_checkpoint` returns."""

    step: int
    config: dict[str, Any]
    state: dict[str, dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)


def atomic_write(path: str | Path, write: Any) -> Path:
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
    """Atomically save state dicts (models, optimisers, EMA, ...) with the config and step."""
    payload = {"format": FORMAT, "step": int(step), "config": config, "state": state}
    payload["extra"] = extra or {}
    return atomic_write(path, lambda tmp: torch.save(payload, tmp))


def load_checkpoint(path: str | Path, map_location: str | torch.device = "cpu") -> Checkpoint:
    """Load with ``weights_only=True``; a missing or foreign file raises CheckpointError."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: checkpoint not found")
    try:
        payload = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # torch raises several types for corrupt or unsafe files
        raise CheckpointError(f"{path}: not a loadable checkpoint ({type(err).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a checkpoint of format {FORMAT}")
    return Checkpoint(
        step=int(payload["step"]),
        config=dict(payload["config"]),
        state=dict(payload["state"]),
        extra=dict(payload.get("extra", {})),
    )


def latest_checkpoint(folder: str | Path, pattern: str = "*.pt") -> Path | None:
    """Most recently modified checkpoint in ``folder`` (for resume), or ``None``."""
    files = sorted(Path(folder).glob(pattern), key=lambda p: p.stat().st_mtime)
    return files[-1] if files else None


def export_safetensors(
    path: str | Path, weights: dict[str, torch.Tensor], config: dict[str, Any]
) -> Path:
    """Atomically write weights as safetensors with the config JSON in the metadata."""
    tensors = {k: v.detach().contiguous().cpu() for k, v in weights.items()}
    meta = {"config": json.dumps(config)}
    return atomic_write(path, lambda tmp: save_file(tensors, tmp, metadata=meta))


def import_safetensors(path: str | Path) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Read weights and config written by :func:`export_safetensors`."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: weights file not found")
    with safe_open(str(path), framework="pt") as fh:
        meta = fh.metadata() or {}
    return load_file(str(path)), json.loads(meta.get("config", "{}"))
