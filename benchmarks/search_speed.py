"""Search speed: index build, CLI query latency, browser load and queries, and a 100,000-paper scale run.

    python benchmarks/search_speed.py [--no-cold] [--no-browser] [--scale 100000]

Baselines measured in the same run: query embedding with sentence-transformers in float32 (torch)
against the default int8 ONNX model, and the exact faiss index against HNSW. The scale run uses
synthetic paper vectors (mixtures of the real papers' vectors plus noise: clustered like real
embeddings), because embedding 100,000 texts on this CPU would take hours; it measures the index,
not the encoder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.catalog.load import load_catalog  # noqa: E402
from tools.search.config import SearchConfig  # noqa: E402
from tools.search.engine import SearchEngine  # noqa: E402
from tools.search.evaluate import load_queries  # noqa: E402
from tools.search.index import ann_recall, build_faiss, index_type  # noqa: E402

QUERIES = ROOT / "benchmarks" / "data" / "search_queries.yaml"
ROWS: list[tuple[str, str]] = []


def add(label: str, value: str) -> None:
    ROWS.append((label, value))
    print(f"  {label}: {value}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def index_build(cold: bool) -> None:
    cat, _ = load_catalog(ROOT)
    n = f"{len(cat.techniques)} techniques + {len(cat.papers)} papers"
    with tempfile.TemporaryDirectory() as tmp:
        if cold:
            cfg = SearchConfig(root=ROOT, cache_dir=Path(tmp), threads=2)
            t = time.perf_counter()
            eng = SearchEngine(cat, cfg)
            for kind in ("technique", "paper"):
                eng.index(kind)
            cold_s = time.perf_counter() - t
            add(f"index build, cold ({n}, {eng.embedded_now} texts embedded)", f"{cold_s:.1f} s")
        cfg = SearchConfig(root=ROOT, threads=2)
        SearchEngine(cat, cfg).index("technique")  # make sure the repository cache is warm
        t = time.perf_counter()
        eng = SearchEngine(cat, cfg)
        for kind in ("technique", "paper"):
            eng.index(kind)
        add(
            f"index load, warm (cache hit, {eng.embedded_now} embedded)",
            f"{(time.perf_counter() - t) * 1000:.0f} ms",
        )
        for kind in ("technique", "paper"):
            for suffix in (".faiss", ".json"):
                (eng.index_dir / f"{kind}{suffix}").unlink()
        t = time.perf_counter()
        eng = SearchEngine(cat, cfg)
        for kind in ("technique", "paper"):
            eng.index(kind)
        add(
            "index rebuild from cached embeddings (index files deleted)",
            f"{(time.perf_counter() - t) * 1000:.0f} ms",
        )


def cli_latency() -> None:
    queries = [q.text for q in load_queries(QUERIES)]
    cat, _ = load_catalog(ROOT)
    for backend in ("onnx", "torch"):
        env = {**os.environ, "MEDGEN_SEARCH_QUERY_BACKEND": backend}
        walls = []
        for q in queries[:3]:
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "tools", "search", q, "--json", "--top", "10"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            walls.append(time.perf_counter() - t)
        add(
            f"CLI query, cold process ({backend} query encoder), median of 3",
            f"{statistics.median(walls):.2f} s",
        )
        eng = SearchEngine(cat, SearchConfig(root=ROOT, query_backend=backend))
        eng.search("warm up", "technique")
        eng.search("warm up", "paper")
        times = []
        for q in queries:
            for kind in ("technique", "paper"):
                t = time.perf_counter()
                eng.search(q, kind, 10)
                times.append((time.perf_counter() - t) * 1000)
        add(
            f"CLI query, warm in-process ({backend}), p50 / p95 over {len(times)}",
            f"{pct(times, 0.5):.1f} / {pct(times, 0.95):.1f} ms",
        )


def browser() -> None:
    from search_browser import run  # type: ignore[import-not-found]

    r = run()
    for attempt, state, timings, received in r["loads"]:
        add(
            f"browser model load, {attempt} ({state})",
            f"{timings.get('model_ms', float('nan')):.0f} ms",
        )
        add(f"browser bytes downloaded, {attempt}", f"{received:,}")
    q = r["query_ms"]
    add(
        f"browser query (embed + rank), p50 / p95 over {len(q)}",
        f"{pct(q, 0.5):.1f} / {pct(q, 0.95):.1f} ms",
    )
    sizes = r["sizes"]
    model = sum(v for k, v in sizes.items() if k.startswith("model-"))
    runtime = sum(v for k, v in sizes.items() if k.startswith(("ort", "tokenizers.")))
    add("search assets: model", f"{model:,} bytes")
    add("search assets: runtime (onnxruntime-web wasm build + tokenizers.js)", f"{runtime:,} bytes")
    add(
        "search assets: data (index.json, vectors, tokenizer, page JS/CSS)",
        f"{sum(sizes.values()) - model - runtime:,} bytes",
    )
    from tools.search.runtime import ALTERNATIVES

    modules = ROOT / ".cache" / "search" / "npm" / "node_modules"
    for label, rel in ALTERNATIVES.items():
        if (modules / rel).is_file():
            add(
                f"runtime alternative not used: {label}",
                f"{(modules / rel).stat().st_size:,} bytes",
            )
    for kind in ("technique", "paper"):
        add(f"browser top-10 == CLI top-10, {kind}s", f"{r['parity'][kind]:.1%}")


def scale(n: int, exact_max: int) -> None:
    import faiss

    faiss.omp_set_num_threads(2)
    cat, _ = load_catalog(ROOT)
    eng = SearchEngine(cat, SearchConfig(root=ROOT))
    _, real = eng.vectors("paper")
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, len(real), n), rng.integers(0, len(real), n)
    w = rng.uniform(0.5, 1.0, (n, 1)).astype(np.float32)
    vecs = (
        w * real[a] + (1 - w) * real[b] + rng.normal(0, 0.03, (n, real.shape[1])).astype(np.float32)
    )
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    # the evaluation queries, embedded as the CLI embeds them
    queries = np.stack([eng.embed_query(q.text) for q in load_queries(QUERIES)])

    for size in sorted({1_000, 10_000, 20_000, exact_max, n}):
        if size > n:
            continue
        sub = np.ascontiguousarray(vecs[:size])
        for label, threshold in (("exact", size), ("hnsw", 0)):
            faiss.omp_set_num_threads(2)
            before = rss_mb()
            t = time.perf_counter()
            index = build_faiss(sub, threshold)
            build_s = time.perf_counter() - t
            faiss.omp_set_num_threads(1)
            mem = rss_mb() - before
            lat = []
            for q in queries:
                t = time.perf_counter()
                index.search(q.reshape(1, -1), 10)
                lat.append((time.perf_counter() - t) * 1000)
            nbytes = faiss.serialize_index(index).nbytes
            extra = ""
            if index_type(index) == "hnsw":
                exact = build_faiss(sub, size)
                extra = f", recall@10 vs exact {ann_recall(index, exact, queries, 10):.3f}"
                faiss.omp_set_num_threads(1)
            add(
                f"scale {size:,} papers, {label}",
                f"build {build_s:.2f} s, index {nbytes / 1e6:.0f} MB (RSS +{mem:.0f} MB), "
                f"query p50 {pct(lat, 0.5):.2f} ms / p95 {pct(lat, 0.95):.2f} ms{extra}",
            )
            del index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cold", action="store_true", help="skip the cold (embed all) build")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    parser.add_argument("--scale", type=int, default=100_000, help="synthetic papers (0: skip)")
    args = parser.parse_args()
    exact_max = SearchConfig(root=ROOT).exact_max
    index_build(cold=not args.no_cold)
    cli_latency()
    if not args.no_browser:
        browser()
    if args.scale:
        scale(args.scale, exact_max)
    print("| measure | value |\n|---|---|")
    for label, value in ROWS:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
