"""Search over a `Catalog`: dense (faiss), keyword (BM25), or both fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from tools.catalog.load import Catalog
from tools.search.cache import EmbeddingCache
from tools.search.config import KINDS, SearchConfig
from tools.search.embed import Encoder
from tools.search.errors import SearchError
from tools.search.fusion import RRF_K, rrf
from tools.search.index import IndexCorrupt, KindIndex, build_faiss, corpus_hash
from tools.search.keyword import BM25
from tools.search.query import clean_query
from tools.search.texts import entry_texts, keyword_text

CANDIDATES = 100
"""How many results each ranker contributes to the fusion."""


class Mode(StrEnum):
    """Which ranking to use."""

    hybrid = "hybrid"
    dense = "dense"
    keyword = "keyword"


DEFAULT_MODES: dict[str, Mode] = {"technique": Mode.hybrid, "paper": Mode.dense}
"""Chosen with `benchmarks/search_quality.py` (and `--rrf` for the fusion constants): for
techniques, hybrid ranking (RRF k=60, keyword weight 0.5) had the best Recall@5 and MRR; for papers,
dense ranking had the best Recall@5 and MRR, so papers are ranked by meaning alone by default."""

KEYWORD_WEIGHT = 0.5


@dataclass
class Hit:
    """One result: the entry, its score under the chosen mode, and why it matched."""

    kind: str
    id: str
    title: str
    score: float
    cosine: float | None = None
    matched: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """The CLI contract's fields."""
        return {"id": self.id, "score": round(self.score, 6), "title": self.title}


class SearchEngine:
    """Builds (or loads) one index per kind and answers queries; notes collect warnings for the user."""

    def __init__(
        self,
        catalog: Catalog,
        config: SearchConfig,
        variants: dict[str, str] | None = None,
        rrf_k: int = RRF_K,
        keyword_weight: float = KEYWORD_WEIGHT,
    ) -> None:
        self.catalog = catalog
        self.config = config
        self.encoder = Encoder(config)
        self.variants = variants or {}
        self.rrf_k = rrf_k
        self.keyword_weight = keyword_weight
        self.notes: list[str] = []
        self.embedded_now = 0
        self._indexes: dict[str, KindIndex] = {}
        self._keyword: dict[str, BM25] = {}
        self._cache: EmbeddingCache | None = None
        self._query_encoder: Any = None

    @property
    def index_dir(self) -> Path:
        safe = self.encoder.model_id.replace(":", "_").replace("/", "_")
        suffix = "".join(f"-{k}.{v}" for k, v in sorted(self.variants.items()))
        return self.config.cache / "index" / (safe + suffix)

    @property
    def cache(self) -> EmbeddingCache:
        if self._cache is None:
            self._cache = EmbeddingCache.open(
                self.config.cache / "embeddings", self.encoder.model_id
            )
            self.notes.extend(self._cache.warnings)
        return self._cache

    def texts(self, kind: str) -> tuple[list[str], list[str], list[str]]:
        """(ids, titles, embedded texts) for a kind."""
        if kind not in KINDS:
            raise SearchError(f"unknown kind `{kind}`: use one of {', '.join(KINDS)}")
        return entry_texts(self.catalog, kind, self.variants.get(kind))

    def vectors(self, kind: str) -> tuple[list[str], np.ndarray]:
        """(ids, unit vectors) of a kind, embedding only what the cache lacks."""
        ids, _, texts = self.texts(kind)
        matrix, n_new = self.cache.embed(texts, self.encoder.encode)
        self.embedded_now += n_new
        try:
            self.cache.save()
        except SearchError as exc:
            self.notes.append(str(exc))
        return ids, matrix

    def index(self, kind: str) -> KindIndex:
        """The kind's index: loaded when it matches the catalog, else rebuilt and saved."""
        if kind in self._indexes:
            return self._indexes[kind]
        import faiss

        faiss.omp_set_num_threads(self.config.threads)  # more threads only add latency per query
        ids, titles, texts = self.texts(kind)
        corpus = corpus_hash(self.encoder.model_id, ids, texts)
        loaded: KindIndex | None = None
        try:
            loaded = KindIndex.load(self.index_dir, kind)
        except FileNotFoundError:
            pass
        except IndexCorrupt as exc:
            self.notes.append(f"{exc}; rebuilt it")
        if loaded is None or loaded.corpus != corpus or loaded.model_id != self.encoder.model_id:
            before = self.embedded_now
            _, matrix = self.vectors(kind)
            if self.embedded_now > before:
                self.notes.append(
                    f"built the {kind} index; embedded {self.embedded_now - before} new or "
                    "changed entries (cached for next time)"
                )
            if not ids:
                matrix = np.zeros((0, self.encoder.dim), dtype=np.float32)
            built = build_faiss(matrix, self.config.exact_max)
            loaded = KindIndex(kind, ids, titles, self.encoder.model_id, corpus, built)
            try:
                loaded.save(self.index_dir)
            except SearchError as exc:
                self.notes.append(str(exc))
        self._indexes[kind] = loaded
        return loaded

    def keyword(self, kind: str) -> BM25:
        """The kind's BM25 index (built in memory; it takes milliseconds)."""
        if kind not in self._keyword:
            ids, _, _ = self.texts(kind)
            self._keyword[kind] = BM25([keyword_text(self.catalog, kind, i) for i in ids])
        return self._keyword[kind]

    def embed_query(self, text: str) -> np.ndarray:
        """The query's unit vector (see `SearchConfig.query_backend`)."""
        if self.config.query_backend == "torch" or self._query_encoder is False:
            return self.encoder.encode([text])[0]
        if self._query_encoder is None:
            from tools.search.onnx_export import OnnxEncoder, export_browser_model

            try:
                self._query_encoder = OnnxEncoder(
                    export_browser_model(self.config), threads=self.config.threads
                )
            except Exception as exc:  # an encoder torch.onnx cannot export: use it in torch
                self.notes.append(
                    f"could not export {self.encoder.model_id} to ONNX ({type(exc).__name__}); "
                    "queries are embedded with sentence-transformers instead"
                )
                self._query_encoder = False
                return self.encoder.encode([text])[0]
        return self._query_encoder.encode([text])[0]

    def search(
        self, query: str, kind: str = "technique", top: int = 10, mode: Mode | None = None
    ) -> list[Hit]:
        """The best `top` entries of `kind` for `query`, best first (mode: the kind's default)."""
        if top < 1:
            raise SearchError("--top must be at least 1")
        text, notes = clean_query(query)
        mode = mode or DEFAULT_MODES.get(kind, Mode.hybrid)
        self.notes.extend(notes)
        idx = self.index(kind)
        n = len(idx.ids)
        if n == 0:
            return []
        bm25 = self.keyword(kind) if mode is not Mode.dense else None
        dense: list[tuple[int, float]] = []
        if mode is not Mode.keyword:
            dense = idx.search(self.embed_query(text), min(n, max(top, CANDIDATES)))
        cos = dict(dense)
        if mode is Mode.dense:
            ranked = dense[:top]
        elif mode is Mode.keyword:
            assert bm25 is not None
            ranked = bm25.rank(text, top)
        else:
            assert bm25 is not None
            kw = bm25.rank(text, CANDIDATES)
            ranked = rrf(
                [[r for r, _ in dense], [r for r, _ in kw]],
                k=self.rrf_k,
                weights=[1.0, self.keyword_weight],
            )[:top]
        return [
            Hit(
                kind=kind,
                id=idx.ids[row],
                title=idx.titles[row],
                score=score,
                cosine=cos.get(row),
                matched=bm25.matched_terms(text, row) if bm25 is not None else [],
            )
            for row, score in ranked
        ]
