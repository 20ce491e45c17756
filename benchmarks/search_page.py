"""The Search page as a reader meets it: bytes, keyword latency, long tasks, query speed, in Chromium.

    python benchmarks/search_page.py [--site site] [--baseline-ref REF] [--queries 30] [--keyword-runs 5]

Serves the built site (`make site`) with a static server that gzips every response at level 6 (as
a static host does; the bytes counted are what crossed the wire) and drives Debian's chromium, each
measure in a fresh browser context (empty HTTP cache and Cache API):

- a visit with no query: bytes transferred until the network is idle (target <= 1.5 MB);
- keyword results after Enter: from the keydown to the results drawn, model not loaded (<= 1 s);
- the longest main-thread long task (Long Tasks API) from navigation to the first result by
  meaning, and the bytes transferred until then (<= 200 ms; aim <= 20 MB);
- query by meaning after load: embed (in the worker) + rank, p50/p95 over the evaluation queries
  (<= 30 ms).

The baseline, measured in the same run, is the page before search by meaning loaded on demand:
`search.js` of `--baseline-ref` (default 7b9d718, the commit this work started from) served in a
copy of the same site. A second table measures the options: onnxruntime-web's wasm builds in the
pinned npm package and the model files (int8 against float32), raw and gzip bytes; their quality
(int8 against float32 queries) is `benchmarks/search_quality.py --modes`.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import io
import shutil
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.site_browsing import chromium  # noqa: E402
from tools.search.browser_export import GZIP_LEVEL, gzip_size  # noqa: E402
from tools.search.config import packaged_model_dir  # noqa: E402
from tools.search.errors import SearchError  # noqa: E402
from tools.search.evaluate import load_queries  # noqa: E402

QUERIES = ROOT / "benchmarks" / "data" / "search_queries.yaml"
BASELINE_REF = "7b9d718"
KEYWORD_QUERIES = ["MRI to CT", "chest x-ray report", "speech recognition", "ECG", "MIMIC-CXR"]
SEMANTIC_QUERY = "write the findings of a chest radiograph automatically"
TARGETS = {
    "visit_bytes": ("visit with no query, bytes (gzip)", "<= 1.5 MB", 1_500_000),
    "keyword_ms": ("keyword results after Enter, worst of runs", "<= 1000 ms", 1000),
    "longtask_ms": ("longest main-thread task to first result by meaning", "<= 200 ms", 200),
    "semantic_p50": ("query by meaning after load, p50", "<= 30 ms", 30),
    "first_bytes": ("bytes to first result by meaning (gzip)", "aim <= 20 MB", 20_000_000),
}

LONGTASKS = """
window.__longtasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push(e.duration);
  }).observe({ type: "longtask", buffered: true });
} catch (e) {}
"""
ENTER_TIMER = """
window.__enter = null; window.__drawn = null;
document.addEventListener("keydown", (e) => { if (e.key === "Enter") window.__enter = performance.now(); }, true);
window.addEventListener("mga-search-results", () => {
  if (window.__enter !== null && window.__drawn === null) window.__drawn = performance.now();
});
"""


class _Gzip(http.server.SimpleHTTPRequestHandler):
    """Static files, every one gzip-compressed when the client accepts it (compressed once)."""

    cache: ClassVar[dict[Path, bytes]] = {}
    lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        raw = Path(self.translate_path(self.path))
        if raw.is_dir() and not self.path.split("?")[0].endswith("/"):
            return super().send_head()  # the redirect to the folder's slash
        path = raw / "index.html" if raw.is_dir() else raw
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        with self.lock:
            body = self.cache.get(path)
            if body is None:
                body = gzip.compress(path.read_bytes(), GZIP_LEVEL, mtime=0)
                self.cache[path] = body
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@contextmanager
def gzip_served(folder: Path) -> Iterator[str]:
    """Serve `folder` gzip-compressed on 127.0.0.1; yields the base URL."""
    handler = type("_Handler", (_Gzip,), {"cache": {}})

    def make(*args: Any, **kwargs: Any) -> Any:
        return handler(*args, directory=str(folder), **kwargs)

    server = _Server(("127.0.0.1", 0), make)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


class Visit:
    """A fresh context and page that counts the bytes received and the model requests."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.add_init_script(LONGTASKS + ENTER_TIMER)
        self.bytes = 0
        self.urls: list[str] = []
        self.page.on("requestfinished", self._done)

    def _done(self, request: Any) -> None:
        try:
            sizes = request.sizes()
        except Exception:  # a request whose sizes the browser no longer has
            return
        self.bytes += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        self.urls.append(request.url)

    def index_loaded(self) -> None:
        self.page.wait_for_function("window.mgaSearch && window.mgaSearch.state.index !== null")

    def semantic_shown(self) -> None:
        """Wait for results by meaning; SystemExit when the page fell back to keywords."""
        root = "document.getElementById('mga-search')"
        self.page.wait_for_function(
            f"['semantic','hybrid'].includes({root}.dataset.resultsMode)"
            f" || ['fallback','error'].includes({root}.dataset.state)",
            timeout=300_000,
        )
        if self.page.evaluate(f"{root}.dataset.state") in ("fallback", "error"):
            raise SystemExit(
                f"search by meaning failed: {self.page.evaluate('window.mgaSearch.state.error')}"
            )

    def close(self) -> None:
        self.context.close()


def measure(browser: Any, url: str, queries: list[str], keyword_runs: int) -> dict[str, Any]:
    """Every measure of the module docstring for the page served at `url`."""
    out: dict[str, Any] = {}
    v = Visit(browser)
    v.page.goto(url)
    v.index_loaded()
    v.page.wait_for_load_state("networkidle", timeout=300_000)
    out["visit_bytes"] = v.bytes
    out["visit_model"] = any(".onnx" in u or ".wasm" in u for u in v.urls)
    v.close()

    times = []
    for q in KEYWORD_QUERIES[:keyword_runs]:
        v = Visit(browser)
        v.page.goto(url)
        v.index_loaded()
        v.page.evaluate("q => { document.getElementById('mga-q').value = q; }", q)
        v.page.press("#mga-q", "Enter")
        v.page.wait_for_function("window.__drawn !== null", timeout=30_000)
        times.append(v.page.evaluate("window.__drawn - window.__enter"))
        v.close()
    out["keyword_ms"] = max(times)
    out["keyword_all"] = times

    v = Visit(browser)
    start = time.perf_counter()
    v.page.goto(url)
    v.index_loaded()
    v.page.fill("#mga-q", SEMANTIC_QUERY)
    v.page.press("#mga-q", "Enter")
    v.semantic_shown()
    out["first_s"] = time.perf_counter() - start
    out["first_bytes"] = v.bytes
    tasks = v.page.evaluate("window.__longtasks")
    out["longtask_ms"] = max(tasks, default=0.0)
    out["longtasks"] = len(tasks)
    ms = []
    for q in queries:
        ms.append(v.page.evaluate("q => window.mgaSearch.search(q).then(r => r.ms)", q))
    out["semantic_p50"] = statistics.median(ms)
    out["semantic_p95"] = sorted(ms)[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    v.close()
    return out


def baseline_site(site: Path, work: Path, ref: str) -> Path | None:
    """A copy of `site` whose search.js is `ref`'s (None when git cannot show it)."""
    proc = subprocess.run(
        ["git", "show", f"{ref}:site_src/assets/search/search.js"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        print(f"baseline skipped: git show {ref}: {proc.stderr.decode().strip()}", file=sys.stderr)
        return None
    copy = work / "baseline"
    shutil.copytree(site, copy)
    (copy / "assets" / "search" / "search.js").write_bytes(proc.stdout)
    return copy


def options_rows() -> list[tuple[str, int, int]]:
    """(file, bytes, gzip bytes) of the runtime's wasm builds and the model files in the cache."""
    rows: list[tuple[str, int, int]] = []
    dist = ROOT / ".cache" / "search" / "npm" / "node_modules" / "onnxruntime-web" / "dist"
    for path in sorted(dist.glob("*.wasm")):
        rows.append((f"runtime {path.name}", path.stat().st_size, gzip_size(path)))
    for path in sorted((ROOT / ".cache" / "search" / "onnx").rglob("*.onnx")):
        rows.append((f"model {path.parent.name}/{path.name}", path.stat().st_size, gzip_size(path)))
    try:
        fp32 = packaged_model_dir() / "model.safetensors"
    except SearchError:
        return rows
    if fp32.is_file():
        rows.append(
            ("model float32 weights (model.safetensors)", fp32.stat().st_size, gzip_size(fp32))
        )
    return rows


def fmt(key: str, value: float) -> str:
    if key.endswith("bytes"):
        return f"{value / 1e6:.2f} MB"
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--site", type=Path, default=ROOT / "site", help="the built site (make site)"
    )
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="git ref of the old search.js")
    parser.add_argument("--no-baseline", action="store_true", help="measure only this page")
    parser.add_argument(
        "--queries", type=int, default=30, help="queries for the p50 (evaluation set)"
    )
    parser.add_argument("--keyword-runs", type=int, default=5, help="fresh visits timing Enter")
    parser.add_argument("--no-options", action="store_true", help="skip the options table")
    args = parser.parse_args()
    if not (args.site / "search" / "index.html").is_file():
        raise SystemExit(f"{args.site}/search/index.html is missing: run `make site` first")
    queries = [q.text for q in load_queries(QUERIES)][: args.queries]
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        pages = {"this page": args.site}
        if not args.no_baseline:
            old = baseline_site(args.site, Path(tmp), args.baseline_ref)
            if old is not None:
                pages[f"baseline ({args.baseline_ref})"] = old
        for name, folder in pages.items():
            with gzip_served(folder) as base:
                results[name] = measure(browser, base + "search/", queries, args.keyword_runs)
    names = list(results)
    print("| measure | target | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for key, (label, target, limit) in TARGETS.items():
        cells = []
        for n in names:
            value = results[n][key]
            cells.append(f"{fmt(key, value)} {'ok' if value <= limit else 'over'}")
        print(f"| {label} | {target} | " + " | ".join(cells) + " |")
    print(
        "| query by meaning after load, p95 | | "
        + " | ".join(fmt("ms", results[n]["semantic_p95"]) for n in names)
        + " |"
    )
    print(
        "| model or wasm fetched on a visit with no query | no | "
        + " | ".join("yes" if results[n]["visit_model"] else "no" for n in names)
        + " |"
    )
    print(
        "| long tasks (> 50 ms) to first result by meaning | | "
        + " | ".join(str(results[n]["longtasks"]) for n in names)
        + " |"
    )
    print(
        "| wall time to first result by meaning | | "
        + " | ".join(f"{results[n]['first_s']:.1f} s" for n in names)
        + " |"
    )
    print(
        "| keyword results after Enter, each run | | "
        + " | ".join(
            ", ".join(f"{x:.0f}" for x in results[n]["keyword_all"]) + " ms" for n in names
        )
        + " |"
    )
    if not args.no_options:
        print(f"\n| option (gzip level {GZIP_LEVEL}) | bytes | gzip |\n|---|---|---|")
        for name, raw, packed in options_rows():
            print(f"| {name} | {raw / 1e6:.2f} MB | {packed / 1e6:.2f} MB |")


if __name__ == "__main__":
    main()
