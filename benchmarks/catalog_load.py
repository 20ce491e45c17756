"""Time load + validate of the real catalog and of synthetic catalogs of 1,000 and 10,000 papers.

Each measurement runs in a fresh subprocess so that peak memory (max RSS) is its own. Targets on a
2-core machine: real catalog < 1 s, 10,000 papers < 10 s, memory < 500 MB.

    python benchmarks/catalog_load.py [--sizes 1000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    t0 = time.perf_counter()
    from tools.catalog.load import validate
    cat, problems = validate(Path(sys.argv[1]))
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    errors = sum(1 for p in problems if p.severity == "error")
    print(json.dumps({"seconds": dt, "rss_mb": rss, "papers": len(cat.papers), "errors": errors}))
    """
)


def synthetic_catalog(root: Path, n_papers: int) -> Path:
    """Copy the real vocabulary and techniques, then add `n_papers` valid synthetic papers."""
    (root / "catalog").mkdir(parents=True)
    shutil.copy(REPO / "catalog/modalities.yaml", root / "catalog/modalities.yaml")
    hosts = REPO / "catalog/source_hosts.yaml"
    if hosts.exists():  # the provenance checks run on the synthetic papers too
        shutil.copy(hosts, root / "catalog/source_hosts.yaml")
    shutil.copytree(REPO / "catalog/techniques", root / "catalog/techniques")
    for sub in ("papers", "datasets", "demos"):
        (root / "catalog" / sub).mkdir()
    techniques = sorted(p.stem for p in (root / "catalog/techniques").glob("*.yaml"))
    for i in range(n_papers):
        year = 2015 + i % 10
        arxiv = f"{year % 100:02d}{1 + i % 12:02d}.{10000 + i:05d}"
        t1, t2 = techniques[i % len(techniques)], techniques[(i * 7) % len(techniques)]
        (root / "catalog/papers" / f"{arxiv}.yaml").write_text(
            f"""# yaml-language-server: $schema=../schemas/paper.schema.json
id: "{arxiv}"
title: Synthetic benchmark paper number {i} on generative models
authors: [Ada Lovelace, Alan Turing, Grace Hopper]
year: {year}
arxiv: "{arxiv}"
url: https://arxiv.org/abs/{arxiv}
code: [https://github.com/example/repo{i}]
kind: method
techniques: [{t1}{", " + t2 if t2 != t1 else ""}]
summary: A synthetic entry used only to time the loader.
keywords: [benchmark, synthetic]
verified:
  - source: https://arxiv.org/abs/{arxiv}
    date: 2026-11-23
    fields: [title, authors, year]
  - source: https://github.com/example/repo{i}
    date: 2026-11-23
added: 2026-11-23
""",
            encoding="utf-8",
        )
    return root


def measure(root: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(root)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="Runs per catalog; the best is kept.")
    args = parser.parse_args()
    rows: list[tuple[str, dict[str, float]]] = []
    rows.append(
        (
            "real catalog",
            min((measure(REPO) for _ in range(args.repeat)), key=lambda r: r["seconds"]),
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            root = synthetic_catalog(Path(tmp) / f"c{n}", n)
            rows.append(
                (
                    f"synthetic {n:,} papers",
                    min((measure(root) for _ in range(args.repeat)), key=lambda r: r["seconds"]),
                )
            )
    base = rows[0][1]
    print(
        f"{'catalog':<26}{'papers':>8}{'seconds':>10}{'ms/paper':>10}{'peak MB':>10}{'x real':>8}{'errors':>8}"
    )
    for name, r in rows:
        per = 1000 * r["seconds"] / max(r["papers"], 1)
        print(
            f"{name:<26}{int(r['papers']):>8}{r['seconds']:>10.3f}{per:>10.3f}{r['rss_mb']:>10.1f}"
            f"{r['seconds'] / base['seconds']:>8.1f}{int(r['errors']):>8}"
        )


if __name__ == "__main__":
    main()
