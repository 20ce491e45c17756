"""The search assets of the static site: everything the search page needs, served by the site itself.

Files (under `assets/search/` of the built tree):
  index.json                 per kind: ids, titles, summaries, page paths, BM25 documents (already
                             tokenised by tools.search.keyword, so the browser's keyword ranking
                             matches the CLI's) and what ranking needs (a technique's modalities; the
                             techniques a paper or dataset is filed under, as technique rows; a
                             paper's year, kind, arXiv id and code link; a dataset's names);
                             `ranking` (tools.search.rank constants, the "no close match"
                             thresholds) and `understanding` (QueryReader.export(): acronyms,
                             modality names, compiled phrasing patterns); the files below
  <kind>-<hash>.f16          the entries' unit vectors, float16 little-endian, one row per id
                             (half the bytes of float32; the rounding, about 1e-3 per component,
                             is far below the int8 model's own difference from the CLI's vectors)
  model-<hash>.onnx          the encoder exported to ONNX and quantised int8 per channel
  tokenizer.json, tokenizer_config.json
  ort.wasm.bundle.min.mjs, ort-wasm-simd-threaded.wasm, tokenizers.min.mjs   (the runtime)
index.json's `download` is what search by meaning fetches on top of the page (worker.js, the model,
tokenizer, runtime and vectors): per file its bytes and its gzip size (level 6, as a static host
compresses it), measured here from the files written, and their totals; the page states the total.
Content-hashed names let browsers cache the model and vectors for good. The page's own code
(`search.js`, `query.js`, `rank.js`, `search.css`) lives in `site_src/assets/search/` and is
copied by render.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from tools.catalog.load import Catalog
from tools.search.config import KINDS
from tools.search.engine import CANDIDATES, SearchEngine
from tools.search.keyword import K1, STOPWORDS, B, tokenize
from tools.search.onnx_export import export_browser_model
from tools.search.runtime import runtime_files, spec_dir
from tools.search.texts import keyword_text
from tools.site.urls import dataset_page, page_url, paper_page, technique_page

FORMAT = 2
MAX_TOKENS = 256
PAGE_FILES = ("search.js", "worker.js", "query.js", "rank.js", "search.css")
"""The page's own files in site_src/assets/search/ (copied with the assets)."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


GZIP_LEVEL = 6
"""The compression level of the stated download size (nginx's gzip_comp_level is 1 to 9; 6 is
gzip's default and what most static hosts use)."""


def gzip_size(path: Path, level: int = GZIP_LEVEL) -> int:
    """Bytes of `path` gzip-compressed at `level`, streamed (the model is tens of MB)."""

    class _Count:
        n = 0

        def write(self, data: bytes) -> int:
            self.n += len(data)
            return len(data)

        def flush(self) -> None:
            pass

    counter = _Count()
    with (
        open(path, "rb") as fh,
        gzip.GzipFile(fileobj=counter, mode="wb", compresslevel=level, mtime=0) as gz,
    ):  # type: ignore[arg-type]
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            gz.write(chunk)
    return counter.n


def download_manifest(files: dict[str, Path], stage: Path) -> dict[str, Any]:
    """`{"files": {name: {"bytes", "gzip"}}, "bytes", "gzip"}` for the given files; gzip sizes are
    remembered in `stage/gzip-sizes.json` by name, size and modification time."""
    memo_path = stage / "gzip-sizes.json"
    try:
        memo: dict[str, int] = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    out: dict[str, dict[str, int]] = {}
    for name, path in sorted(files.items()):
        stat = path.stat()
        key = f"{name}:{stat.st_size}:{stat.st_mtime_ns}"
        if key not in memo:
            memo[key] = gzip_size(path)
        out[name] = {"bytes": stat.st_size, "gzip": memo[key]}
    memo_path.write_text(json.dumps(memo, indent=0, sort_keys=True), encoding="utf-8")
    return {
        "files": out,
        "bytes": sum(f["bytes"] for f in out.values()),
        "gzip": sum(f["gzip"] for f in out.values()),
        "gzip_level": GZIP_LEVEL,
    }


def _entry_meta(catalog: Catalog, kind: str, entry_id: str) -> dict[str, str]:
    if kind == "technique":
        t = catalog.techniques[entry_id]
        return {"summary": t.summary, "path": page_url(technique_page(entry_id)), "detail": ""}
    if kind == "dataset":
        d = catalog.datasets[entry_id]
        detail = ", ".join(x for x in (f"{d.access.value} access", d.size or "") if x)
        return {"summary": d.summary, "path": page_url(dataset_page(entry_id)), "detail": detail}
    p = catalog.papers[entry_id]
    authors = p.authors[0] + (" et al." if len(p.authors) > 1 else "")
    detail = ", ".join(x for x in (authors, str(p.year), p.venue or "") if x)
    return {"summary": p.summary, "path": page_url(paper_page(entry_id)), "detail": detail}


def _ranking_fields(engine: SearchEngine, kind: str, ids: list[str]) -> dict[str, object]:
    """What rank.js needs of each entry besides its text (see the module docstring)."""
    cat = engine.catalog
    row_of = {t: r for r, t in enumerate(sorted(cat.techniques))}
    if kind == "technique":
        return {
            "inputs": [cat.techniques[i].input for i in ids],
            "outputs": [cat.techniques[i].output for i in ids],
        }
    if kind == "paper":
        papers = [cat.papers[i] for i in ids]
        return {
            "techniques": [[row_of[t] for t in p.techniques] for p in papers],
            "years": [p.year for p in papers],
            "paper_kinds": [p.kind.value for p in papers],
            "arxiv": [p.arxiv or "" for p in papers],
            "code": [p.code[0] if p.code else "" for p in papers],
        }
    datasets = [cat.datasets[i] for i in ids]
    return {
        "techniques": [[row_of[t] for t in d.techniques if t in row_of] for d in datasets],
        "names": engine.dataset_names(ids),
    }


def ranking_index(engine: SearchEngine) -> tuple[dict[str, Any], dict[str, bytes]]:
    """What ranking needs in index.json (everything but `model` and `runtime`), and each kind's
    vector file (name -> float16 bytes). The parity test feeds exactly this to rank.js."""
    catalog = engine.catalog
    kinds: dict[str, object] = {}
    vectors: dict[str, bytes] = {}
    dim = 0
    for kind in KINDS:
        ids, matrix = engine.vectors(kind)
        dim = max(dim, int(matrix.shape[1]) if ids else 0)
        data = np.ascontiguousarray(matrix, dtype="<f2").tobytes() if ids else b""
        name = f"{kind}-{_digest(data)}.f16"
        vectors[name] = data
        metas = [_entry_meta(catalog, kind, i) for i in ids]
        kinds[kind] = {
            "vectors": name,
            "ids": ids,
            "titles": engine.index(kind).titles,
            "summaries": [m["summary"] for m in metas],
            "details": [m["detail"] for m in metas],
            "paths": [m["path"] for m in metas],
            "keyword": [" ".join(tokenize(keyword_text(catalog, kind, i))) for i in ids],
            **_ranking_fields(engine, kind, ids),
        }
    index: dict[str, Any] = {
        "format": FORMAT,
        "dim": dim,
        "ranking": {
            "weights": engine.weights.as_json(),
            "no_match_below": engine.no_match_below,
            "candidates": CANDIDATES,
            "bm25": {"k1": K1, "b": B},
            "stopwords": sorted(STOPWORDS),
        },
        "understanding": engine.reader.export(),
        "kinds": kinds,
    }
    return index, vectors


def search_asset_files(engine: SearchEngine) -> dict[str, Path]:
    """File name under `assets/search/` -> a file to copy there (staged under `.cache/search/`).

    Render adds these to the files it copies; nothing is written into the site tree here.
    """
    cfg = engine.config
    stage = cfg.cache / "site"
    stage.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    model = export_browser_model(cfg)
    model_name = f"model-{_file_digest(model.model_path)}.onnx"
    files[model_name] = model.model_path
    for path in model.tokenizer_paths:
        files[path.name] = path
    files.update(runtime_files(cfg.root, cfg.cache))

    index, vectors = ranking_index(engine)
    for name, data in vectors.items():
        staged = stage / name
        if not staged.is_file():
            staged.write_bytes(data)
        files[name] = staged
    index["model"] = {
        "id": engine.encoder.model_id,
        "file": model_name,
        "bytes": model.model_path.stat().st_size,
        "tokenizer": "tokenizer.json",
        "tokenizer_config": "tokenizer_config.json",
        "max_tokens": MAX_TOKENS,
        "dim": index.pop("dim"),
    }
    index["runtime"] = {
        "ort": "ort.wasm.bundle.min.mjs",
        "wasm": "ort-wasm-simd-threaded.wasm",
        "wasm_digest": _file_digest(files["ort-wasm-simd-threaded.wasm"]),
        "tokenizers": "tokenizers.min.mjs",
    }
    semantic = dict(files)
    worker = spec_dir(cfg.root) / "worker.js"
    if worker.is_file():
        semantic["worker.js"] = worker
    index["download"] = download_manifest(semantic, stage)
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    staged_index = stage / "index.json"
    if not staged_index.is_file() or staged_index.read_text(encoding="utf-8") != text:
        staged_index.write_text(text, encoding="utf-8")
    files["index.json"] = staged_index
    return files


def write_search_assets(engine: SearchEngine, out_dir: Path) -> dict[str, int]:
    """Write the search assets into `out_dir` (e.g. `<build>/assets/search/`), with the page's
    `search.js` and `search.css` when they are not there yet. Returns file name -> bytes."""
    files = search_asset_files(engine)
    page_dir = engine.config.root / "site_src" / "assets" / "search"
    for name in PAGE_FILES:
        if not (out_dir / name).exists() and (page_dir / name).is_file():
            files[name] = page_dir / name
    out_dir.mkdir(parents=True, exist_ok=True)
    for pattern in ("model-*.onnx", *(f"{kind}-*.f16" for kind in KINDS)):
        for old in out_dir.glob(pattern):
            if old.name not in files:
                old.unlink()
    sizes = {}
    for name, src in sorted(files.items()):
        target = out_dir / name
        if (
            not target.is_file()
            or target.stat().st_size != src.stat().st_size
            or (target.read_bytes() != src.read_bytes())
        ):
            shutil.copyfile(src, target)
        sizes[name] = target.stat().st_size
    return sizes
