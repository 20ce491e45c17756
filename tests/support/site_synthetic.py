"""Synthetic catalogs of any size, for the site benchmark and for layout tests.

Every entry is plainly synthetic: example.org URLs, "Synthetic paper" titles, and arXiv-shaped ids
numbered from 90000 within a month (beyond what arXiv has issued). These catalogs live only in
temporary folders; the catalog is valid (it passes `tools validate`).
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

GROUPS = ("text", "image", "signal")
WORDS = [
    "diffusion",
    "conditional",
    "report",
    "synthesis",
    "volumetric",
    "contrastive",
    "latent",
    "transformer",
    "segmentation-guided",
    "counterfactual",
    "multimodal",
    "retrieval-augmented",
    "federated",
    "tabular",
]


# example.org, the only host synthetic entries cite, counts as canonical.
SOURCE_HOSTS = """\
canonical:
  - label: the publisher
    hosts: [example.org]
secondary: []
rejected: []
mixed: []
"""


def _dump(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def write_synthetic_catalog(
    root: Path, papers: int, modalities: int = 16, techniques: int = 120, seed: int = 0
) -> Path:
    """Write a valid synthetic catalog under `root/catalog` and return `root`."""
    rng = random.Random(seed)
    cat = root / "catalog"
    for sub in ("techniques", "papers", "datasets", "demos"):
        (cat / sub).mkdir(parents=True, exist_ok=True)
    slugs = [f"mod-{i}" for i in range(modalities)]
    (cat / "source_hosts.yaml").write_text(SOURCE_HOSTS, encoding="utf-8")
    _dump(
        cat / "modalities.yaml",
        {
            "groups": [
                {"id": g, "label": g.title(), "description": f"Synthetic group {g}."}
                for g in GROUPS
            ],
            "modalities": [
                {
                    "slug": s,
                    "label": f"Modality {i}",
                    "group": GROUPS[i % len(GROUPS)],
                    "parent": None,
                    "aliases": [f"synthetic alias {i}"],
                    "description": f"Synthetic modality number {i}.",
                }
                for i, s in enumerate(slugs)
            ],
        },
    )
    pairs = [(a, b) for a in slugs for b in slugs]
    rng.shuffle(pairs)
    chosen = pairs[: min(techniques, len(pairs))]
    tids = [f"{a}-to-{b}" for a, b in chosen]
    for (a, b), tid in zip(chosen, tids, strict=True):
        _dump(
            cat / "techniques" / f"{tid}.yaml",
            {
                "id": tid,
                "input": a,
                "output": b,
                "title": f"{a} to {b}",
                "summary": f"Synthetic technique from {a} to {b}.",
                "description": "A synthetic technique used to measure the site build.\n\n"
                "- one\n- two\n",
                "applications": [{"text": "A synthetic application.", "maturity": "research"}],
                "literature": {"checked": "2026-11-01", "note": "Synthetic: nothing was searched."},
                "added": "2026-11-01",
            },
        )
    datasets = [f"synthetic-set-{i}" for i in range(max(1, papers // 50))]
    for i, did in enumerate(datasets):
        _dump(
            cat / "datasets" / f"{did}.yaml",
            {
                "id": did,
                "name": f"Synthetic set {i}",
                "modalities": [slugs[i % modalities]],
                "summary": "A synthetic dataset.",
                "access": "open",
                "url": f"https://example.org/datasets/{i}",
                "techniques": [tids[i % len(tids)]],
                "verified": [{"source": "https://example.org/", "date": "2026-11-01"}],
                "added": "2026-11-01",
            },
        )
    for i in range(papers):
        year = 2015 + i % 11
        pid = f"{year % 100:02d}{1 + i % 12:02d}.{90000 + i:05d}"
        words = rng.sample(WORDS, 4)
        _dump(
            cat / "papers" / f"{pid}.yaml",
            {
                "id": pid,
                "title": f"Synthetic paper {i}: {' '.join(words)}",
                "authors": [f"Author {rng.randrange(1000)}" for _ in range(1 + i % 6)],
                "year": year,
                "arxiv": pid,
                "url": f"https://example.org/papers/{i}",
                "code": [f"https://github.com/example/synthetic-{i}"] if i % 3 == 0 else [],
                "kind": "method" if i % 5 else "survey",
                "techniques": sorted(set(rng.sample(tids, 1 + i % 2))),
                "datasets": [datasets[i % len(datasets)]] if i % 4 == 0 else [],
                "summary": f"A synthetic paper about {words[0]} models.",
                "verified": [
                    {
                        "source": "https://example.org/",
                        "date": "2026-11-01",
                        "fields": ["title", "authors"],
                    }
                ],
                "added": f"2026-11-{1 + i % 28:02d}",
            },
        )
    return root
