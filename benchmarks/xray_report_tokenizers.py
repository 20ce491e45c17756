"""Word-level vs MiniLM WordPiece report tokenizer, same cohort, seed and preset.

    python benchmarks/xray_report_tokenizers.py [--preset tiny] [--set train.steps=400 ...]

Trains and evaluates once per tokenizer (the quickstart pipeline) and prints a Markdown table:
vocabulary size, tokens per report, training time, and the headline metrics.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from demos.xray_report.config import load_config
from demos.xray_report.pipeline import quickstart
from demos.xray_report.tokenizer import build_tokenizer
from demos.xray_report.train import load_splits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="tiny")
    parser.add_argument("--set", dest="sets", action="append", default=[])
    args = parser.parse_args()
    rows = []
    for kind in ("word", "wordpiece"):
        cfg = load_config(args.preset, [*args.sets, f"data.tokenizer={kind}"])
        cfg.runtime.progress = False
        reports = load_splits(cfg).train.reports
        tok = build_tokenizer(kind, reports)
        lengths = [len(tok.encode(r)) for r in reports]
        with tempfile.TemporaryDirectory() as work:
            m = quickstart(cfg, Path(work), echo=lambda _: None)
        rows.append((kind, len(tok.vocab), statistics.mean(lengths), max(lengths), m))
        print(f"{kind}: done in {m['total_seconds']:.0f} s", flush=True)
    cols = ["ce_f1_micro", "ce_f1_macro", "bleu4", "rouge_l", "cider"]
    print(
        "| tokenizer | vocabulary | tokens / report (mean, max) | train s | "
        + " | ".join(cols)
        + " |"
    )
    print("|---|---:|---:|---:|" + "---:|" * len(cols))
    for kind, vocab, mean_len, max_len, m in rows:
        cells = " | ".join(f"{m[c]:.3f}" for c in cols)
        print(
            f"| {kind} | {vocab} | {mean_len:.1f}, {max_len} | {m['train_seconds']:.0f} | {cells} |"
        )


if __name__ == "__main__":
    main()
