"""CT synthesis demo benchmarks: speed per preset (fp32 vs bf16, same run) and the fusion ablation.

    python benchmarks/ct_synthesis_benchmark.py [--what speed|ablation|all] [--steps 600]
        [--out runs/ct-benchmark] [--update-model-card]

Prints Markdown tables; with --update-model-card it rewrites the marked blocks of
demos/ct_synthesis/MODEL_CARD.md with them (and nothing else in that file).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any

from demos.ct_synthesis.benchmark import ablation_table, run_benchmarks, speed_table

CARD = Path(__file__).resolve().parents[1] / "demos" / "ct_synthesis" / "MODEL_CARD.md"


def replace_block(text: str, name: str, table: str) -> str:
    """Replace the text between ``<!-- BEGIN name -->`` and ``<!-- END name -->``."""
    pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{CARD}: markers for block {name!r} not found")
    return pattern.sub(lambda m: m.group(1) + table + "\n" + m.group(2), text)


TARGETS = {
    "cf_sign_accuracy": ">= 0.95",
    "cf_map_correlation": ">= 0.5",
    "cf_null_ratio": "<= 0.2",
    "cf_leakage_ratio": "<= 0.2",
}


def quickstart_table(metrics: dict[str, Any]) -> str:
    """The quickstart's metrics.json as a Markdown table (with the issue's targets where set)."""
    lines = ["| metric | value | quickstart target |", "|---|---|---|"]
    for key, value in metrics.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        lines.append(f"| `{key}` | {shown} | {TARGETS.get(key, '')} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--what", choices=["speed", "ablation", "all"], default="all")
    parser.add_argument("--steps", type=int, default=600, help="training steps per fusion variant")
    parser.add_argument("--out", type=Path, default=Path("runs/ct-benchmark"))
    parser.add_argument("--update-model-card", action="store_true")
    parser.add_argument(
        "--quickstart-metrics",
        type=Path,
        help="a quickstart metrics.json whose table replaces the card's quickstart block",
    )
    args = parser.parse_args()
    if args.quickstart_metrics:
        metrics = json.loads(args.quickstart_metrics.read_text(encoding="utf-8"))
        text = replace_block(
            CARD.read_text(encoding="utf-8"), "quickstart", quickstart_table(metrics)
        )
        CARD.write_text(text, encoding="utf-8")
        print(quickstart_table(metrics))
        return
    t0 = time.perf_counter()
    print(run_benchmarks(args.out, args.what, args.steps))
    print(f"\n(total {time.perf_counter() - t0:.0f} s)")
    if args.update_model_card:
        text = CARD.read_text(encoding="utf-8")
        if (args.out / "speed.json").is_file() and args.what in {"speed", "all"}:
            text = replace_block(
                text, "speed", speed_table(json.loads((args.out / "speed.json").read_text()))
            )
        if (args.out / "ablation.json").is_file() and args.what in {"ablation", "all"}:
            rows = json.loads((args.out / "ablation.json").read_text())
            text = replace_block(text, "ablation", ablation_table(rows))
        CARD.write_text(text, encoding="utf-8")
        print(f"updated {CARD}")


if __name__ == "__main__":
    main()
