"""``RUN/model.safetensors``: the weights a run samples with (EMA for diffusion, the GAN's own)
and the text standardiser, with the config as JSON metadata. No pickle: safe to share and load.

Keys are ``model.<name>`` and ``text.<name>``; :func:`import_weights` reads them back, and any
file it cannot read or that lacks either part is a :class:`CheckpointError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from demos.common.checkpoint import FORMAT, CheckpointError, atomic_write

PARTS = ("model", "text")


def export_weights(
    path: str | Path,
    model: dict[str, torch.Tensor],
    text: dict[str, torch.Tensor],
    config: dict[str, Any],
) -> Path:
    """Atomically write both state dicts and the config (``format`` as in checkpoints)."""
    tensors = {f"model.{k}": v for k, v in model.items()} | {
        f"text.{k}": v for k, v in text.items()
    }
    tensors = {k: v.detach().contiguous().cpu() for k, v in tensors.items()}
    meta = {"format": str(FORMAT), "config": json.dumps(config)}
    return atomic_write(path, lambda tmp: save_file(tensors, tmp, metadata=meta))


def import_weights(path: str | Path) -> tuple[dict[str, dict[str, torch.Tensor]], dict[str, Any]]:
    """``({"model": ..., "text": ...}, config)`` from a file :func:`export_weights` wrote."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: weights file not found")
    try:
        with safe_open(str(path), framework="pt") as fh:
            meta = fh.metadata() or {}
            tensors = {k: fh.get_tensor(k) for k in fh.keys()}  # noqa: SIM118 - not a dict
    except Exception as err:  # safetensors raises its own error type and OSError, ValueError, ...
        raise CheckpointError(f"{path}: not a readable safetensors file ({err})") from None
    if meta.get("format") != str(FORMAT):
        raise CheckpointError(f"{path}: not weights exported by this demo (format {FORMAT})")
    try:
        config = json.loads(meta.get("config", ""))
    except json.JSONDecodeError as err:
        raise CheckpointError(f"{path}: config metadata is not JSON ({err.msg})") from None
    if not isinstance(config, dict):
        raise CheckpointError(f"{path}: config metadata is not a JSON object")
    parts: dict[str, dict[str, torch.Tensor]] = {p: {} for p in PARTS}
    for key, value in tensors.items():
        part, _, name = key.partition(".")
        if part not in parts or not name:
            raise CheckpointError(f"{path}: unexpected tensor {key!r}")
        parts[part][name] = value
    for part, values in parts.items():
        if not values:
            raise CheckpointError(f"{path}: no {part!r} weights")
    return parts, config
