"""Export the sentence encoder to ONNX for the browser and quantise it to int8 per channel.

The exported graph includes mean pooling and L2 normalisation, so the page feeds token ids and
gets the same unit vector that sentence-transformers computes. The fp32 export and its dynamic int8
quantisation are cached under `.cache/search/onnx/<model id>/`; `check_parity` measures the cosine
between the quantised model's vectors and sentence-transformers' on given texts.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tools.search.config import SearchConfig, resolve_model

OPSET = 17
QUANTISED_NAME = "model_int8.onnx"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


@dataclass(frozen=True)
class OnnxModel:
    """The files the browser needs: the quantised model and the tokenizer's two JSON files."""

    folder: Path
    model_id: str

    @property
    def model_path(self) -> Path:
        return self.folder / QUANTISED_NAME

    @property
    def tokenizer_paths(self) -> list[Path]:
        return [self.folder / name for name in TOKENIZER_FILES]


def _source_digest(folder: Path) -> str:
    """A hash of the model folder's weights and config, so a changed model re-exports."""
    digest = hashlib.sha256()
    for name in ("config.json", "model.safetensors", "pytorch_model.bin", *TOKENIZER_FILES):
        path = folder / name
        if path.is_file():
            stat = path.stat()
            digest.update(f"{name}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()[:16]


def _export_fp32(model_dir: Path, target: Path) -> None:
    """torch.onnx.export of encoder + mean pooling + normalisation, dynamic batch and length."""
    import torch
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            token_type_ids = torch.zeros_like(input_ids)
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state  # (B, T, D)
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)  # (B, D)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    import warnings

    encoder = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
    encoder.eval()
    wrapper = Pooled(encoder).eval()
    ids = torch.ones((2, 8), dtype=torch.long)
    mask = torch.ones((2, 8), dtype=torch.long)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            (ids, mask),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
        )


def _quantise(source: Path, target: Path) -> None:
    """onnxruntime dynamic quantisation: int8 weights, one scale per output channel."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.ERROR)
    quantize_dynamic(str(source), str(target), per_channel=True, weight_type=QuantType.QInt8)


def export_browser_model(config: SearchConfig, force: bool = False) -> OnnxModel:
    """The cached int8 ONNX model and tokenizer for `config`'s encoder, exporting when missing."""
    model_id, model_dir = resolve_model(config.model)
    folder = config.onnx_cache / model_id.replace(":", "_").replace("/", "_")
    stamp_path = folder / "stamp.json"
    stamp = {"model_id": model_id, "source": _source_digest(model_dir), "opset": OPSET}
    result = OnnxModel(folder, model_id)
    if not force and stamp_path.is_file() and result.model_path.is_file():
        try:
            if json.loads(stamp_path.read_text(encoding="utf-8")) == stamp:
                return result
        except (OSError, ValueError):
            pass
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    fp32 = folder / "model_fp32.onnx"
    _export_fp32(model_dir, fp32)
    _quantise(fp32, result.model_path)
    fp32.unlink()
    for name in TOKENIZER_FILES:
        shutil.copyfile(model_dir / name, folder / name)
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    return result


class OnnxEncoder:
    """Embeds texts with the quantised ONNX model through onnxruntime: the browser's computation.

    The CLI embeds queries this way by default, so its rankings match the search page's; no torch
    is imported.
    """

    def __init__(self, model: OnnxModel, threads: int = 1, max_tokens: int = 256) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(model.model_path), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(model.folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_tokens)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text (one text per run, as in the browser)."""
        out = []
        for text in texts:
            enc = self.tokenizer.encode(text)
            feed = {
                "input_ids": np.array([enc.ids], dtype=np.int64),
                "attention_mask": np.array([enc.attention_mask], dtype=np.int64),
            }
            out.append(self.session.run(["embedding"], feed)[0][0])
        return np.stack(out).astype(np.float32)


def onnx_encode(model: OnnxModel, texts: list[str], max_tokens: int = 256) -> np.ndarray:
    """Embed texts with the quantised ONNX model (the browser's computation, run by onnxruntime)."""
    return OnnxEncoder(model, max_tokens=max_tokens).encode(texts)


def check_parity(config: SearchConfig, model: OnnxModel, texts: list[str]) -> dict[str, float]:
    """Cosine between the int8 ONNX vectors and sentence-transformers' on `texts` (mean, min)."""
    from tools.search.embed import Encoder

    reference = Encoder(config).encode(texts)
    quantised = onnx_encode(model, texts)
    cos = np.sum(reference * quantised, axis=1)
    return {"mean": float(cos.mean()), "min": float(cos.min()), "n": float(len(texts))}
