"""Draw the seeded sample for the issue-13 second check 2 (read-only on the other branches).

Run from the second-check-2 worktree root:
    /work/main/.venv/bin/python catalog_work/second_check_2_draw.py
Population: paper files added since 7b9d718 on each branch, at the pinned commits below (files
already on main are counted only in the main pool). Each pool is sorted, then shuffled with its
own seeded generator (main, whose pool was complete when checking began) or ranked by
sha256("SEED:file") (the add-c/d/e pools, which were still growing, so that files arriving later
do not reorder the earlier ones), and the first k files are taken; k is proportional to the pool
size (largest remainder) with TOTAL files in all. Because each pool's order does not depend on k,
the early first draw from main (the first files of main's order) is a prefix of the final draw.
Final draw: 2026-12-02 13:35 UTC. The add-c/add-d/add-e heads were then exactly the pinned
commits below, add-a (40bac73) and add-b (40ca315) had no files beyond main@50d0494, and main
(f482216) had merged all of them: its 208 new files are exactly the union of the four pools.
"""

import hashlib
import random
import subprocess

SEED = 20261202
BASE = "7b9d718"
TOTAL = 100
# branch -> pinned commit (main = this branch's base, which holds add-a and add-b merged)
PINNED: dict[str, str] = {
    "main": "50d0494",
    "add-c": "b970ea9",
    "add-d": "49e2e20",
    "add-e": "7e1c0b6",
}


def added(head: str) -> list[str]:
    """Paper files added between BASE and head."""
    out = subprocess.run(
        [
            "git",
            "diff",
            "--name-only",
            "--diff-filter=A",
            f"{BASE}..{head}",
            "--",
            "catalog/papers",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return sorted(out.split())


def quotas(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Largest-remainder proportional allocation of total over the pools."""
    n = sum(sizes.values())
    exact = {k: total * v / n for k, v in sizes.items()}
    q = {k: int(e) for k, e in exact.items()}
    rest = sorted(sizes, key=lambda k: (exact[k] - q[k], k), reverse=True)
    for k in rest[: total - sum(q.values())]:
        q[k] += 1
    return q


def main() -> None:
    seen: set[str] = set()
    pools: dict[str, list[str]] = {}
    for name, head in PINNED.items():
        pool = [f for f in added(head) if f not in seen]
        seen.update(pool)
        if name == "main":
            random.Random(f"{SEED}:{name}").shuffle(pool)
        else:
            pool.sort(key=lambda f: hashlib.sha256(f"{SEED}:{f}".encode()).hexdigest())
        pools[name] = pool
    q = quotas({k: len(v) for k, v in pools.items()}, TOTAL)
    for name, pool in pools.items():
        print(f"# {name}@{PINNED[name]}: pool {len(pool)}, drawn {q[name]}")
        for f in pool[: q[name]]:
            print(name, f)


if __name__ == "__main__":
    main()
