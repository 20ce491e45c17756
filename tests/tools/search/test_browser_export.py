"""The browser's assets: files, index.json, vectors, and the int8 ONNX model's parity."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from tools.catalog.load import load_catalog
from tools.search.config import SearchConfig
from tools.search.engine import SearchEngine
from tools.search.keyword import tokenize
from tools.search.texts import keyword_text

REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


def test_write_search_assets(search_root: Path, tmp_path: Path) -> None:
    from tools.search.browser_export import write_search_assets

    cat, _ = load_catalog(search_root)
    config = SearchConfig(root=REPO)  # the repository's cache holds the exported model
    out = tmp_path / "assets" / "search"
    (out / "model-stale.onnx").parent.mkdir(parents=True)
    (out / "model-stale.onnx").write_bytes(b"old")
    sizes = write_search_assets(SearchEngine(cat, config), out)
    assert not (out / "model-stale.onnx").exists()
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    for name in (
        "index.json",
        "tokenizer.json",
        index["model"]["file"],
        index["runtime"]["ort"],
        index["runtime"]["wasm"],
        index["runtime"]["tokenizers"],
        "search.js",
    ):
        assert (out / name).is_file() and sizes[name] == (out / name).stat().st_size
    tech = index["kinds"]["technique"]
    assert tech["ids"] == sorted(cat.techniques)
    vec = np.frombuffer((out / tech["vectors"]).read_bytes(), dtype="<f2").reshape(
        len(tech["ids"]), -1
    )
    assert vec.shape[1] == index["model"]["dim"]
    assert np.allclose(np.linalg.norm(vec.astype(np.float32), axis=1), 1.0, atol=1e-2)
    i = tech["ids"].index("mri-to-ct")
    assert tech["keyword"][i] == " ".join(tokenize(keyword_text(cat, "technique", "mri-to-ct")))
    assert tech["paths"][i] == "techniques/mri-to-ct/"
    assert 15_000_000 < index["model"]["bytes"] < 30_000_000
    download = index["download"]
    for name in (index["model"]["file"], index["runtime"]["wasm"], tech["vectors"], "worker.js"):
        assert download["files"][name]["bytes"] == (out / name).stat().st_size
    assert "index.json" not in download["files"] and "search.js" not in download["files"]
    wasm = (out / index["runtime"]["wasm"]).read_bytes()
    assert download["files"][index["runtime"]["wasm"]]["gzip"] == len(
        gzip.compress(wasm, 6, mtime=0)
    )
    assert download["gzip"] == sum(f["gzip"] for f in download["files"].values())
    assert download["bytes"] == sum(f["bytes"] for f in download["files"].values())


def test_download_manifest_measures_the_files(tmp_path: Path) -> None:
    from tools.search.browser_export import download_manifest, gzip_size

    a, b = tmp_path / "a.bin", tmp_path / "b.txt"
    a.write_bytes(bytes(range(256)) * 300)
    b.write_text("word " * 5000, encoding="utf-8")
    assert gzip_size(b) == len(gzip.compress(b.read_bytes(), 6, mtime=0))
    stage = tmp_path / "stage"
    stage.mkdir()
    manifest = download_manifest({"a.bin": a, "b.txt": b}, stage)
    assert manifest["files"]["a.bin"] == {"bytes": 76_800, "gzip": gzip_size(a)}
    assert manifest["gzip"] == gzip_size(a) + gzip_size(b) < manifest["bytes"] == 76_800 + 25_000
    b.write_text("other " * 10, encoding="utf-8")  # a changed file is measured again
    assert download_manifest({"b.txt": b}, stage)["files"]["b.txt"]["bytes"] == 60


def test_int8_onnx_model_matches_sentence_transformers() -> None:
    from tools.search.onnx_export import check_parity, export_browser_model

    config = SearchConfig(root=REPO)
    model = export_browser_model(config)
    parity = check_parity(
        config,
        model,
        [
            "summarise a patient's stay from the hospital record",
            "Generating synthetic chest radiographs from a written report.",
            "ECG",
        ],
    )
    assert parity["min"] >= 0.98
