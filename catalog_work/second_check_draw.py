"""Draw the seeded sample for the issue-13 second check (read-only on the other worktrees).

Run from the secondcheck worktree root: /work/main/.venv/bin/python catalog_work/second_check_draw.py
Pinned commits: wt-newpapers cad10d2 (base 9cdb868), wt-newpapers2 127d1f8 (base 16c53d8),
reverify logs and entries from this branch at f88d61d.
"""

import random
import subprocess
from pathlib import Path

SEED = 20261202


def added(worktree: str, base: str, head: str) -> list[str]:
    out = subprocess.run(
        [
            "git",
            "-C",
            worktree,
            "diff",
            "--name-only",
            "--diff-filter=A",
            f"{base}..{head}",
            "--",
            "catalog/papers",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return sorted(out.split())


def reverified() -> list[str]:
    files: set[str] = set()
    for log in ("catalog_work/reverify-A.tsv", "catalog_work/reverify-B.tsv"):
        for line in Path(log).read_text().splitlines()[1:]:
            name = line.split("\t")[0]
            if name.startswith("catalog/papers/") and Path(name).exists():
                files.add(name)
    return sorted(files)


def main() -> None:
    rng = random.Random(SEED)
    pools = (
        ("newpapers", added("/work/wt-newpapers", "9cdb868", "cad10d2"), 26),
        ("newpapers2", added("/work/wt-newpapers2", "16c53d8", "127d1f8"), 26),
        ("main", reverified(), 10),
    )
    for name, pool, k in pools:
        for f in sorted(rng.sample(pool, k)):
            print(name, f)


if __name__ == "__main__":
    main()
