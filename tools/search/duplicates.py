"""Near-duplicate papers: pairs whose titles mean nearly the same (a paper entered twice, e.g. once
by arXiv id and once by DOI with a retitled journal version). A warning, never an error."""

from __future__ import annotations

import numpy as np

from tools.catalog.load import Catalog
from tools.catalog.problems import Problem, Severity
from tools.search.config import SearchConfig

DUPLICATE_COSINE = 0.9
"""Title cosine at or above which two papers are reported; chosen with
`benchmarks/search_duplicates.py`, which prints the cosines of distinct catalog papers and of
retitled copies."""


def title_vectors(catalog: Catalog, config: SearchConfig) -> tuple[list[str], np.ndarray]:
    """(paper ids, unit title vectors), through the embedding cache."""
    from tools.search.cache import EmbeddingCache
    from tools.search.embed import Encoder

    encoder = Encoder(config)
    ids = sorted(catalog.papers)
    cache = EmbeddingCache.open(config.cache / "embeddings", encoder.model_id)
    matrix, _ = cache.embed([catalog.papers[i].title for i in ids], encoder.encode)
    cache.save()
    return ids, matrix


def near_duplicate_pairs(
    ids: list[str], matrix: np.ndarray, threshold: float
) -> list[tuple[str, str, float]]:
    """(id, other id, cosine) for every pair at or above `threshold`, highest first."""
    if len(ids) < 2:
        return []
    sims = matrix @ matrix.T
    rows, cols = np.nonzero(np.triu(sims, k=1) >= threshold)
    pairs = [(ids[r], ids[c], float(sims[r, c])) for r, c in zip(rows, cols, strict=True)]
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


def near_duplicate_problems(
    catalog: Catalog, config: SearchConfig | None = None, threshold: float = DUPLICATE_COSINE
) -> list[Problem]:
    """A warning on each paper of a near-duplicate pair, located at its title."""
    cfg = config or SearchConfig(root=catalog.root)
    ids, matrix = title_vectors(catalog, cfg)
    problems = []
    for a, b, cos in near_duplicate_pairs(ids, matrix, threshold):
        for this, other in ((a, b), (b, a)):
            src = catalog.source("paper", this)
            problems.append(
                Problem(
                    src.path,
                    src.line("title"),
                    "title",
                    f"near-duplicate of paper `{other}` (title cosine {cos:.3f}); "
                    "if they are the same work, keep one entry",
                    Severity.warning,
                )
            )
    return problems
