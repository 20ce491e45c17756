"""Search quality: Recall@1, Recall@5 and MRR of keyword, dense and hybrid ranking (CLI side).

    python benchmarks/search_quality.py                 # modes, with the default embedded texts
    python benchmarks/search_quality.py --variants      # also compare what text is embedded
    python benchmarks/search_quality.py --browser FILE  # add the browser's rankings (JSON from
                                                        # benchmarks/search_browser.py)
Prints markdown tables. The evaluation set is benchmarks/data/search_queries.yaml.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.catalog.load import load_catalog  # noqa: E402
from tools.search.config import SearchConfig  # noqa: E402
from tools.search.engine import Mode, SearchEngine  # noqa: E402
from tools.search.evaluate import evaluate, load_queries  # noqa: E402
from tools.search.texts import DEFAULT_VARIANT, PAPER_VARIANTS, TECHNIQUE_VARIANTS  # noqa: E402

QUERIES = ROOT / "benchmarks" / "data" / "search_queries.yaml"


def row(label: str, m: dict[str, float]) -> str:
    return f"| {label} | {m['R@1']:.3f} | {m['R@5']:.3f} | {m['MRR']:.3f} | {int(m['n'])} |"


HEADER = "| {} | R@1 | R@5 | MRR | queries |\n|---|---|---|---|---|"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", action="store_true", help="compare embedded-text variants")
    parser.add_argument("--browser", type=Path, help="JSON of browser rankings to score as well")
    parser.add_argument("--rrf", action="store_true", help="compare RRF constants and weights")
    args = parser.parse_args()

    cat, _ = load_catalog(ROOT)
    queries = load_queries(QUERIES)
    config = SearchConfig(root=ROOT, threads=2)
    top = 10
    print(
        f"catalog: {len(cat.techniques)} techniques, {len(cat.papers)} papers; {len(queries)} queries\n"
    )

    engine = SearchEngine(cat, config)
    torch_engine = SearchEngine(cat, replace(config, query_backend="torch"))
    cli_rankings: dict[str, dict[str, list[str]]] = {}
    for kind, known in (("technique", set(cat.techniques)), ("paper", set(cat.papers))):
        print(HEADER.format(f"{kind}s: mode (query encoder)"))
        for mode in Mode:
            for label, eng in (("int8 onnx", engine), ("fp32 torch", torch_engine)):
                if mode is Mode.keyword and eng is torch_engine:
                    continue

                def rank(
                    q: str, mode: Mode = mode, kind: str = kind, eng: SearchEngine = eng
                ) -> list[str]:
                    return [h.id for h in eng.search(q, kind, top, mode)]

                shown = mode.value if mode is Mode.keyword else f"{mode.value} ({label})"
                print(row(shown, evaluate(queries, kind, known, rank)))
        cli_rankings[kind] = {
            q.text: [h.id for h in engine.search(q.text, kind, top)] for q in queries
        }
        print()

    if args.rrf:
        for kind, known in (("technique", set(cat.techniques)), ("paper", set(cat.papers))):
            print(HEADER.format(f"{kind}s: hybrid, RRF k / keyword weight"))
            for k in (10, 60):
                for w in (0.25, 0.5, 1.0):
                    eng = SearchEngine(cat, config, rrf_k=k, keyword_weight=w)
                    m = evaluate(
                        queries,
                        kind,
                        known,
                        lambda q, e=eng, kd=kind: [h.id for h in e.search(q, kd, top, Mode.hybrid)],
                    )
                    print(row(f"k={k} w={w}", m))
            print()

    if args.variants:
        for kind, names, known in (
            ("technique", TECHNIQUE_VARIANTS, set(cat.techniques)),
            ("paper", PAPER_VARIANTS, set(cat.papers)),
        ):
            print(HEADER.format(f"{kind}s: embedded text (dense / hybrid)"))
            for name in names:
                eng = SearchEngine(cat, config, variants={kind: name})
                for mode in (Mode.dense, Mode.hybrid):
                    m = evaluate(
                        queries,
                        kind,
                        known,
                        lambda q, e=eng, md=mode, kd=kind: [h.id for h in e.search(q, kd, top, md)],
                    )
                    mark = " (default)" if name == DEFAULT_VARIANT[kind] else ""
                    print(row(f"{name}{mark} / {mode.value}", m))
            print()

    if args.browser:
        data = json.loads(args.browser.read_text(encoding="utf-8"))
        for kind, known in (("technique", set(cat.techniques)), ("paper", set(cat.papers))):
            print(HEADER.format(f"{kind}s: browser mode"))
            for mode, per_query in data.get(kind, {}).items():

                def browser_rank(q: str, per_query: dict = per_query) -> list[str]:
                    return per_query.get(q, [])

                print(row(f"browser {mode}", evaluate(queries, kind, known, browser_rank)))
            hybrid = data.get(kind, {}).get("default", {})
            same = [
                hybrid.get(q.text) == cli_rankings[kind][q.text]
                for q in queries
                if q.text in hybrid
            ]
            if same:
                print(
                    f"\n{kind}s: browser top-{top} identical to CLI top-{top} for "
                    f"{sum(same)}/{len(same)} queries ({sum(same) / len(same):.1%})"
                )
            print()


if __name__ == "__main__":
    main()
