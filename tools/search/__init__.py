"""Semantic search over the catalog: embeddings, faiss indexes, the `search` command, related
entries, near-duplicate warnings and the browser's search assets.

Nothing heavy is imported here: torch, sentence-transformers and faiss load only inside the
functions that need them, so rendering and validation work without the `search` extra.

For the site's render (tools/render.py):

- `tools.search.related.related_entries(catalog, k=5, config=None)
  -> dict[tuple[str, str], list[tuple[str, str, float]]]`:
  for every ("technique" | "paper", id), up to k nearest techniques then up to k nearest papers,
  each as (kind, id, cosine), best first, the entry itself excluded.
- `tools.search.browser_export.write_search_assets(catalog, out_dir, config=None) -> dict[str, int]`:
  writes `out_dir/` (e.g. `<build>/assets/search/`): vectors and metadata of techniques and papers,
  the int8 ONNX encoder, its tokenizer and the onnxruntime-web runtime; returns file -> bytes.
  `site_src/search.md` is the search page that loads them (relative to `assets/search/`).
- `tools.search.available() -> bool`: whether the search extra is installed (skip both calls if not).
"""

from __future__ import annotations

import importlib.util


def available() -> bool:
    """True when the search extra's packages (faiss, sentence-transformers, numpy) are installed."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("numpy", "faiss", "sentence_transformers")
    )
