"""Semantic search over the catalog: embeddings, faiss indexes, the `search` command, related
entries, near-duplicate warnings and the browser's search assets.

Nothing heavy is imported here: torch, sentence-transformers and faiss load only inside the
functions that need them, so rendering and validation work without the `search` extra.

For the site's render (tools/render.py):

- `tools.search.related.related_entries(catalog, top=5, *, root=None, config=None, k=None)
  -> dict[tuple[str, str], list[tuple[str, str, float]]]`:
  for every ("technique" | "paper", id), up to `top` nearest techniques then up to `top` nearest
  papers, each as (kind, id, cosine), best first, the entry itself excluded (`k` = `top`).
- `tools.search.browser_export.search_asset_files(catalog, config=None) -> dict[str, Path]`:
  file name under `assets/search/` -> a staged file to copy there (the vectors and metadata of
  techniques and papers, the int8 ONNX encoder, its tokenizer and the onnxruntime-web runtime).
  Render should add them to the files it copies, e.g.
  `copied.update({f"assets/search/{n}": p for n, p in search_asset_files(cat).items()})`,
  and skip `site_src/assets/search/package.json` and `package-lock.json` (npm pins, not site files).
- `tools.search.browser_export.write_search_assets(catalog, out_dir, config=None) -> dict[str, int]`:
  the same files written into `out_dir` (with the page's `search.js`/`search.css`); returns
  file -> bytes. `site_src/search.md` is the page that loads them from `../assets/search/`.
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
