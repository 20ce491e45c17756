"""The browser runtime from npm: onnxruntime-web's plain WebAssembly build and tokenizers.js.

`site_src/assets/search/package.json` and its lock file pin the versions; they are installed with
`npm ci` under `.cache/search/npm/` (never inside `site_src/`, so the site copies no node_modules)
and only the files below are copied into the built site. The plain `ort.wasm` build (one SIMD
WebAssembly file, no WebGPU/WebNN) is the smallest that runs the int8 model; transformers.js would
load the larger asyncify/JSEP build (see `benchmarks/search_speed.py` for the byte counts).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from tools.search.errors import SearchError

RUNTIME_FILES: dict[str, str] = {
    "ort.wasm.bundle.min.mjs": "onnxruntime-web/dist/ort.wasm.bundle.min.mjs",
    "ort-wasm-simd-threaded.wasm": "onnxruntime-web/dist/ort-wasm-simd-threaded.wasm",
    "tokenizers.min.mjs": "@huggingface/tokenizers/dist/tokenizers.min.mjs",
}
"""Name in the built site -> path under node_modules."""

ALTERNATIVES: dict[str, str] = {
    "transformers.js (asyncify wasm)": "onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm",
    "JSEP (WebGPU) wasm": "onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm",
    "JSPI wasm": "onnxruntime-web/dist/ort-wasm-simd-threaded.jspi.wasm",
}
"""Larger runtime builds, measured for comparison only."""


def _lock_digest(spec_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((spec_dir / name).read_bytes())
    return digest.hexdigest()


CODE_ROOT = Path(__file__).resolve().parents[2]
"""The repository this code lives in (its `site_src/` holds the npm pins)."""


def spec_dir(root: Path) -> Path:
    """The folder with package.json and package-lock.json: under `root`, else this repository's."""
    for base in (root, CODE_ROOT):
        folder = base / "site_src" / "assets" / "search"
        if (folder / "package-lock.json").is_file():
            return folder
    raise SearchError(f"{root}/site_src/assets/search/package-lock.json is missing")


def ensure_runtime(root: Path, cache: Path) -> Path:
    """node_modules for the pinned runtime (installed with `npm ci` when missing or stale)."""
    pins = spec_dir(root)
    target = cache / "npm"
    modules = target / "node_modules"
    stamp = target / "installed.sha256"
    digest = _lock_digest(pins)
    if (
        stamp.is_file()
        and stamp.read_text().strip() == digest
        and all((modules / rel).is_file() for rel in RUNTIME_FILES.values())
    ):
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise SearchError("npm is not installed: it is needed once to fetch the browser runtime")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(pins / name, target / name)
    env = {**os.environ, "ONNXRUNTIME_NODE_INSTALL": "skip"}
    proc = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=target,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise SearchError(f"`npm ci` for the browser runtime failed: {last}")
    stamp.write_text(digest)
    return modules


def runtime_files(root: Path, cache: Path) -> dict[str, Path]:
    """Site file name -> installed file, for the runtime the search page loads."""
    modules = ensure_runtime(root, cache)
    return {name: modules / rel for name, rel in RUNTIME_FILES.items()}
