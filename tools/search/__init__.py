"""Semantic search over the catalog: embeddings, faiss indexes, the `search` command, related
entries, near-duplicate warnings and the browser's search assets.

Nothing heavy is imported here: torch, sentence-transformers and faiss load only inside the
functions that need them, so rendering and validation work without the `search` extra.

For the site (tools/site/related.py builds one `SearchEngine` per run and hands it to both):

- `tools.search.related.related_entries(engine, top=5)
  -> dict[tuple[str, str], list[tuple[str, str, float]]]`:
  for every ("technique" | "paper", id), up to `top` nearest techniques then up to `top` nearest
  papers, each as (kind, id, cosine), best first, the entry itself excluded.
- `tools.search.browser_export.search_asset_files(engine) -> dict[str, Path]`:
  file name under `assets/search/` -> a staged file to copy there (the vectors and metadata of
  techniques and papers, the int8 ONNX encoder, its tokenizer and the onnxruntime-web runtime);
  page paths come from `tools.site.urls`.
- `tools.search.browser_export.write_search_assets(engine, out_dir) -> dict[str, int]`:
  the same files written into `out_dir` (with the page's `search.js`/`search.css`); returns
  file -> bytes. `site_src/search.md` is the page that loads them from `../assets/search/`.
- `tools.search.available() -> bool`: whether the search extra is installed (the one such check).
"""

from __future__ import annotations

import importlib.util

DEPENDENCIES = ("numpy", "faiss", "sentence_transformers")
"""The packages of the search extra."""


def available() -> bool:
    """True when the search extra's packages are installed (checked without importing them)."""
    for name in DEPENDENCIES:
        try:
            if importlib.util.find_spec(name) is None:
                return False
        except (ImportError, ValueError):
            return False
    return True
