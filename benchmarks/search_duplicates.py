"""Where to put the near-duplicate threshold: title cosines of distinct papers vs retitled copies.

    python benchmarks/search_duplicates.py

Distinct: for each catalog paper, the cosine to its nearest other paper (they are all distinct
works, so everything here is a false alarm above the threshold). Copies: each title rewritten the
way a second entry of the same work tends to differ: the part after the colon only (`PMC-CLIP:
Contrastive ...` -> `Contrastive ...`), or lower-cased with an `(extended version)` suffix.
Prints percentiles and, for candidate thresholds, the false alarms and the copies caught.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.catalog.load import load_catalog  # noqa: E402
from tools.search.config import SearchConfig  # noqa: E402
from tools.search.duplicates import DUPLICATE_COSINE, title_vectors  # noqa: E402
from tools.search.embed import Encoder  # noqa: E402


def rewrites(title: str) -> list[str]:
    out = [title.lower().rstrip(".") + " (extended version)"]
    if ":" in title:
        tail = title.split(":", 1)[1].strip()
        if len(tail.split()) >= 3:
            out.append(tail)
    return out


def main() -> None:
    cat, _ = load_catalog(ROOT)
    config = SearchConfig(root=ROOT, threads=2)
    ids, matrix = title_vectors(cat, config)
    sims = matrix @ matrix.T
    np.fill_diagonal(sims, -1.0)
    distinct_nn = sims.max(axis=1)
    pair_sims = sims[np.triu_indices(len(ids), k=1)]

    originals, copies = [], []
    for i, pid in enumerate(ids):
        for text in rewrites(cat.papers[pid].title):
            originals.append(i)
            copies.append(text)
    copy_vecs = Encoder(config).encode(copies)
    copy_sims = np.sum(copy_vecs * matrix[originals], axis=1)
    colon = np.array([not re.search(r"\(extended version\)$", c) for c in copies])

    print(f"{len(ids)} papers, {len(pair_sims)} distinct pairs, {len(copies)} retitled copies\n")
    print("| set | p1 | p5 | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|---|")
    for label, values in (
        ("distinct: nearest other paper", distinct_nn),
        ("copies: subtitle only", copy_sims[colon]),
        ("copies: lower-case + suffix", copy_sims[~colon]),
    ):
        if len(values):
            p = np.percentile(values, [1, 5, 50, 95, 99])
            print(f"| {label} | " + " | ".join(f"{v:.3f}" for v in p) + f" | {values.max():.3f} |")
    print("\n| threshold | distinct pairs flagged | copies caught |\n|---|---|---|")
    for t in (0.8, 0.85, 0.88, 0.9, 0.92, 0.95):
        mark = " (default)" if abs(t - DUPLICATE_COSINE) < 1e-9 else ""
        print(f"| {t:.2f}{mark} | {int((pair_sims >= t).sum())} | {(copy_sims >= t).mean():.1%} |")


if __name__ == "__main__":
    main()
