"""``model.safetensors``: round trip, and files that are not this demo's export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from demos.common.checkpoint import CheckpointError
from demos.ct_synthesis.export import export_weights, import_weights


def test_round_trip(tmp_path: Path) -> None:
    model = {"w": torch.randn(2, 3), "b": torch.zeros(2)}
    text = {"standardizer.mean": torch.ones(4)}
    path = export_weights(tmp_path / "m.safetensors", model, text, {"model": {"kind": "gan"}})
    parts, config = import_weights(path)
    assert config == {"model": {"kind": "gan"}} and set(parts) == {"model", "text"}
    assert torch.equal(parts["model"]["w"], model["w"]) and set(parts["text"]) == set(text)


@pytest.mark.parametrize(
    ("tensors", "meta", "message"),
    [
        (
            {"model.w": torch.ones(1)},
            {"format": "1", "config": "{}"},
            "not weights exported by this demo",
        ),
        (
            {"model.w": torch.ones(1)},
            {"format": "2", "config": "{oops"},
            "config metadata is not JSON",
        ),
        ({"model.w": torch.ones(1)}, {"format": "2", "config": "[1]"}, "not a JSON object"),
        (
            {"other.w": torch.ones(1)},
            {"format": "2", "config": "{}"},
            "unexpected tensor 'other.w'",
        ),
        ({"model.w": torch.ones(1)}, {"format": "2", "config": "{}"}, "no 'text' weights"),
    ],
)
def test_foreign_files_are_clear_errors(
    tmp_path: Path, tensors: dict[str, torch.Tensor], meta: dict[str, str], message: str
) -> None:
    path = tmp_path / "x.safetensors"
    save_file(tensors, str(path), metadata=meta)
    with pytest.raises(CheckpointError, match=message):
        import_weights(path)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00" * 8,
        b"\xff" * 8 + b"{}",
        (10**9).to_bytes(8, "little") + b"{}",
        b"\x02\x00\x00\x00\x00\x00\x00\x00[]",
    ],
)
def test_hostile_bytes_are_one_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.safetensors"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=r"x\.safetensors: not a readable safetensors file"):
        import_weights(path)


def test_header_lies_about_offsets(tmp_path: Path) -> None:
    header = json.dumps(
        {"model.w": {"dtype": "F32", "shape": [1000], "data_offsets": [0, 4000]}}
    ).encode()
    path = tmp_path / "x.safetensors"
    path.write_bytes(len(header).to_bytes(8, "little") + header + b"\x00" * 8)
    with pytest.raises(CheckpointError, match="not a readable safetensors file"):
        import_weights(path)
