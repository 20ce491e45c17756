"""Browser search in headless Chromium: load time, query latency, bytes, and parity with the CLI.

    python benchmarks/search_browser.py [--out rankings.json]

Builds a bare page holding the search page's markup (site_src/search.md) and the real catalog's
search assets (tools.search.browser_export), serves it on 127.0.0.1 and drives Debian's chromium:
model load cold (empty browser cache) and cached (reload; Cache API), started as a first search
starts it (the Search page itself is measured as a reader meets it by `search_page.py`), per-query latency (embed and
rank, measured in the page), bytes downloaded, and the browser's top 10 against the CLI's for every
evaluation query. `--out` writes the browser's rankings for `search_quality.py --browser`.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import re
import shutil
import socketserver
import statistics
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.catalog.load import load_catalog  # noqa: E402
from tools.search.browser_export import PAGE_FILES, write_search_assets  # noqa: E402
from tools.search.config import KINDS, SearchConfig  # noqa: E402
from tools.search.engine import Mode, SearchEngine  # noqa: E402
from tools.search.evaluate import load_queries  # noqa: E402

QUERIES = ROOT / "benchmarks" / "data" / "search_queries.yaml"
TOP = 10


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def build_page(site: Path, sizes_out: dict[str, int]) -> None:
    """A bare site: search/index.html with the page's markup, and assets/search/."""
    cat, _ = load_catalog(ROOT)
    assets = site / "assets" / "search"
    sizes_out.update(write_search_assets(SearchEngine(cat, SearchConfig(root=ROOT)), assets))
    for name in PAGE_FILES:
        shutil.copyfile(ROOT / "site_src" / "assets" / "search" / name, assets / name)
    md = (ROOT / "site_src" / "search.md").read_text(encoding="utf-8")
    body = md[md.index('<div id="mga-search"') :]
    body = re.sub(r"\n\S[^\n]*$", "", body.rstrip())  # drop the closing Markdown line
    (site / "search").mkdir(parents=True)
    (site / "search" / "index.html").write_text(
        f'<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        f"<title>Search</title></head><body>{body}</body></html>",
        encoding="utf-8",
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(out: Path | None = None) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    queries = load_queries(QUERIES)
    cat, _ = load_catalog(ROOT)
    engine = SearchEngine(cat, SearchConfig(root=ROOT))
    cli = {
        kind: {q.text: [h.id for h in engine.search(q.text, kind, TOP)] for q in queries}
        for kind in KINDS
    }
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        sizes: dict[str, int] = {}
        build_page(site, sizes)
        results["sizes"] = sizes
        server = socketserver.ThreadingTCPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/search/"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True
            )
            context = browser.new_context()
            page = context.new_page()
            received: list[int] = []
            foreign: list[str] = []
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on(
                "request",
                lambda r: (
                    None
                    if r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                    else foreign.append(r.url)
                ),
            )
            page.on("requestfinished", lambda r: received.append(r.sizes()["responseBodySize"]))
            ready = "['ready','fallback','error'].includes(document.getElementById('mga-search').dataset.state)"
            loads = []
            for attempt in ("cold", "cached"):
                received.clear()
                page.goto(url) if attempt == "cold" else page.reload()
                page.wait_for_function("window.mgaSearch && window.mgaSearch.state.index !== null")
                # the page loads the model on the first search; start it as a search would
                page.evaluate("window.mgaSearch.loadSemantic().catch(() => null)")
                page.wait_for_function(ready, timeout=120_000)
                timings = page.evaluate("window.mgaSearch.state.timings")
                state = page.evaluate("document.getElementById('mga-search').dataset.state")
                loads.append((attempt, state, timings, sum(received)))
            results["loads"] = loads
            rankings: dict[str, dict[str, dict[str, list[str]]]] = {}
            times = []
            for kind in KINDS:
                rankings[kind] = {}
                for mode in (None, *Mode):
                    per = {}
                    for q in queries:
                        res = page.evaluate(
                            "([q, k, m, n]) => window.mgaSearch.search(q, {kind: k, mode: m, top: n})"
                            ".then(r => ({ids: r.results[k].map(h => h.id), ms: r.ms}))",
                            [q.text, kind, mode.value if mode else None, TOP],
                        )
                        per[q.text] = res["ids"]
                        if kind == "technique" and mode is None:
                            times.append(res["ms"])
                    rankings[kind][mode.value if mode else "default"] = per
            results["query_ms"] = times
            results["foreign"] = foreign
            results["console_errors"] = errors
            browser.close()
        server.shutdown()
    results["parity"] = {
        kind: sum(rankings[kind]["default"][q.text] == cli[kind][q.text] for q in queries)
        / len(queries)
        for kind in KINDS
    }
    results["overlap5"] = {
        kind: statistics.mean(
            len(set(rankings[kind]["default"][q.text][:5]) & set(cli[kind][q.text][:5])) / 5
            for q in queries
        )
        for kind in KINDS
    }
    if out is not None:
        out.write_text(json.dumps(rankings, indent=1), encoding="utf-8")
    return results


def print_table(r: dict[str, Any]) -> None:
    sizes = r["sizes"]
    model = sum(v for k, v in sizes.items() if k.startswith("model-"))
    runtime = sum(v for k, v in sizes.items() if k.startswith(("ort", "tokenizers.")))
    data = sum(sizes.values()) - model - runtime
    print("| browser measure | value |\n|---|---|")
    for attempt, state, timings, received in r["loads"]:
        print(
            f"| model load, {attempt} (state {state}) | {timings.get('model_ms', float('nan')):.0f} ms |"
        )
        print(f"| index load, {attempt} | {timings.get('index_ms', float('nan')):.0f} ms |")
        print(f"| bytes downloaded, {attempt} | {received:,} |")
    q = r["query_ms"]
    print(
        f"| query (embed + rank), p50 / p95 over {len(q)} | {percentile(q, 0.5):.1f} / {percentile(q, 0.95):.1f} ms |"
    )
    print(
        f"| assets: model / runtime / data (index, vectors, tokenizer, page) | {model:,} / {runtime:,} / {data:,} bytes |"
    )
    for kind in KINDS:
        print(f"| {kind}s: browser top-{TOP} == CLI top-{TOP} | {r['parity'][kind]:.1%} |")
        print(f"| {kind}s: top-5 overlap with CLI | {r['overlap5'][kind]:.3f} |")
    print(f"| requests to other origins | {len(r['foreign'])} |")
    print(f"| console errors | {len(r['console_errors'])} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the browser's rankings here (JSON)")
    args = parser.parse_args()
    print_table(run(args.out))


if __name__ == "__main__":
    main()
