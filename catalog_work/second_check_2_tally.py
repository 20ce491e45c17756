"""Count the per-field results of the issue-13 second check 2 from its TSV.

Run from the worktree root: /work/main/.venv/bin/python catalog_work/second_check_2_tally.py
Reads catalog_work/second_check_2.tsv, keeps the rows drawn by second_check_2_draw.py, and
prints the per-field table (markdown), the error rates and the rows that need a fix.
"""

import contextlib
import csv
import io
import math
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import second_check_2_draw as draw

TSV = Path("catalog_work/second_check_2.tsv")
FIELDS = ["title", "authors", "year", "venue", "ids", "code", "summary", "techniques"]
VALUES = ["ok", "minor", "wrong", "unverifiable", "na"]


def drawn() -> dict[str, str]:
    """File -> branch for the drawn sample, taken from the draw script's own output."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        draw.main()
    out: dict[str, str] = {}
    for line in buf.getvalue().splitlines():
        if line and not line.startswith("#"):
            branch, path = line.split()
            out[path] = branch
    return out


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for k successes out of n."""
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def main() -> None:
    sample = drawn()
    with TSV.open(newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t")]
    by_file = {r["file"]: r for r in rows}
    missing = sorted(set(sample) - set(by_file))
    extra = sorted(set(by_file) - set(sample))
    used = [by_file[f] for f in sample if f in by_file]
    n = len(used)
    print(f"sampled {len(sample)}, checked {n}, missing {len(missing)}, extra rows {len(extra)}")
    for f in missing:
        print("  missing:", f)
    print()
    print("| field | " + " | ".join(VALUES) + " | wrong rate | minor rate |")
    print("|---|" + "---|" * (len(VALUES) + 2))
    for field in FIELDS:
        c = Counter(r[field] for r in used)
        bad = set(c) - set(VALUES)
        if bad:
            raise SystemExit(f"{TSV}: field {field}: unknown values {sorted(bad)}")
        rates = f" {c['wrong'] / n:.1%} | {c['minor'] / n:.1%} |"
        print(f"| {field} | " + " | ".join(str(c[v]) for v in VALUES) + " |" + rates)
    print()
    wrong = [r for r in used if any(r[f] == "wrong" for f in FIELDS)]
    minor = [r for r in used if r not in wrong and any(r[f] == "minor" for f in FIELDS)]
    unver = [r for r in used if any(r[f] == "unverifiable" for f in FIELDS)]
    lo, hi = wilson(len(wrong), n)
    print(
        f"entries with a wrong field: {len(wrong)}/{n} = {len(wrong) / n:.1%}"
        f" (95% Wilson {lo:.1%}-{hi:.1%})"
    )
    lo, hi = wilson(len(minor), n)
    print(
        f"entries with only minor issues: {len(minor)}/{n} = {len(minor) / n:.1%}"
        f" (95% Wilson {lo:.1%}-{hi:.1%})"
    )
    print(f"entries with an unverifiable field: {len(unver)}/{n}")
    print()
    per = Counter(sample[r["file"]] for r in used)
    for branch in draw.PINNED:
        b = [r for r in used if sample[r["file"]] == branch]
        w = sum(1 for r in b if r in wrong)
        m = sum(1 for r in b if r in minor)
        print(f"{branch}: {per[branch]} checked, {w} wrong, {m} minor-only")
    print()
    for r in wrong + minor:
        flagged = [f for f in FIELDS if r[f] in ("wrong", "minor")]
        print(f"{r['file']}\t{sample[r['file']]}\t{','.join(flagged)}")


if __name__ == "__main__":
    main()
