"""Search over a `Catalog`: dense (faiss), keyword (BM25), or both fused by reciprocal rank."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from tools.catalog.load import Catalog
from tools.search.cache import EmbeddingCache
from tools.search.config import KINDS, SearchConfig
from tools.search.config import no_match_below as measured_no_match
from tools.search.embed import Encoder
from tools.search.errors import SearchError
from tools.search.fusion import RRF_K, rrf
from tools.search.index import IndexCorrupt, KindIndex, build_faiss, corpus_hash
from tools.search.keyword import BM25
from tools.search.query import MAX_TOP, clean_query
from tools.search.rank import (
    RankWeights,
    filed_scores,
    name_hits,
    order,
    own_scores,
    paper_votes,
    technique_scores,
    title_name,
)
from tools.search.texts import entry_texts, keyword_text
from tools.search.understand import QueryReader, Understood, norm_phrase

CANDIDATES = 100
"""How many results each ranker contributes to the fusion."""


class Mode(StrEnum):
    """Which ranking to use."""

    hybrid = "hybrid"
    dense = "dense"
    keyword = "keyword"


DEFAULT_MODES: dict[str, Mode] = {"technique": Mode.hybrid, "paper": Mode.dense}
"""The plain ranking's modes (`plain=True`, the ranking before query understanding), chosen with
`benchmarks/search_quality.py --rrf`: hybrid (RRF k=60, keyword weight 0.5) for techniques, dense
for papers. The default ranking fuses both for every kind, with `RankWeights.keyword`."""

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
    reasons: list[str] = field(default_factory=list)
    """Why it ranks here, in words a clinician reads (e.g. `direction matches: MRI → CT`)."""

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
        weights: RankWeights | None = None,
        no_match_below: dict[str, float] | None = None,
    ) -> None:
        self.catalog = catalog
        self.config = config
        self.encoder = Encoder(config)
        self.variants = variants or {}
        self.rrf_k = rrf_k
        self.keyword_weight = keyword_weight
        self.weights = weights or RankWeights()
        self.no_match_below = dict(
            measured_no_match() if no_match_below is None else no_match_below
        )
        self.notes: list[str] = []
        self._reader: QueryReader | None = None
        self._qvecs: dict[str, np.ndarray] = {}
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

    @property
    def reader(self) -> QueryReader:
        """Query understanding with this catalog's modalities."""
        if self._reader is None:
            self._reader = QueryReader(self.catalog.modalities)
        return self._reader

    def query_vector(self, text: str) -> np.ndarray:
        """`embed_query`, remembered for the last few queries (one query ranks several kinds)."""
        if text not in self._qvecs:
            if len(self._qvecs) >= 512:
                self._qvecs.clear()
            self._qvecs[text] = self.embed_query(text)
        return self._qvecs[text]

    def search(
        self,
        query: str,
        kind: str = "technique",
        top: int = 10,
        mode: Mode | None = None,
        plain: bool = False,
    ) -> list[Hit]:
        """The best `top` entries of `kind` for `query`, best first (see `search_result`)."""
        return self.search_result(query, kind, top, mode, plain).hits

    def search_result(
        self,
        query: str,
        kind: str = "technique",
        top: int = 10,
        mode: Mode | None = None,
        plain: bool = False,
    ) -> SearchResult:
        """Rank `kind` for `query`: by default with query understanding (tools/search/rank.py);
        `plain=True` is the ranking before it (kept to measure against)."""
        if kind not in KINDS:
            raise SearchError(f"unknown kind `{kind}`: use one of {', '.join(KINDS)}")
        if not 1 <= top <= MAX_TOP:
            raise SearchError(f"--top must be between 1 and {MAX_TOP:,} (got {top:,})")
        text, notes = clean_query(query)
        self.notes.extend(notes)
        if plain:
            return SearchResult(self._plain(text, kind, top, mode), True, Understood(text))
        understood = self.reader.read(text)
        for short, meaning in understood.expansions:
            self.notes.append(f"`{short}` is read as {meaning}")
        return self._ranked(understood, kind, top, mode)

    def _own(
        self, kind: str, text: str, qvec: np.ndarray | None, mode: Mode
    ) -> tuple[list[float], dict[int, float], list[int], BM25]:
        """(own score per row, cosine of the dense candidates, dense rows best first, BM25)."""
        idx = self.index(kind)
        n = len(idx.ids)
        bm25 = self.keyword(kind)
        dense: list[tuple[int, float]] = []
        if mode is not Mode.keyword and qvec is not None and n:
            dense = idx.search(qvec, min(n, CANDIDATES))
        keyword = [r for r, _ in bm25.rank(text, CANDIDATES)] if mode is not Mode.dense else []
        weight = 1.0 if mode is Mode.keyword else self.weights.keyword.get(kind, 0.0)
        own = own_scores(n, [r for r, _ in dense], keyword, self.weights.rrf_k, weight)
        return own, dict(dense), [r for r, _ in dense], bm25

    def _ranked(self, u: Understood, kind: str, top: int, mode: Mode | None) -> SearchResult:
        mode = mode or Mode.hybrid
        qvec = self.query_vector(u.text) if mode is not Mode.keyword else None
        labels = self.reader.labels
        techs = self.index("technique").ids
        sources = [self.catalog.techniques[t].input for t in techs]
        targets = [self.catalog.techniques[t].output for t in techs]
        t_own, t_cos, t_dense, t_bm25 = self._own("technique", u.text, qvec, mode)
        row_of = {t: r for r, t in enumerate(techs)}
        votes: list[float] = []
        paper_own: tuple[list[float], dict[int, float], list[int], BM25] | None = None
        if self.weights.papers and self.index("paper").ids:
            paper_own = self._own("paper", u.text, qvec, mode)
            paper_filed = [
                [row_of[t] for t in self.catalog.papers[i].techniques]
                for i in self.index("paper").ids
            ]
            votes = paper_votes(
                paper_own[0], paper_filed, len(techs), self.weights.papers_top, self.weights.rrf_k
            )
        t_scores, priors, t_listed = technique_scores(
            t_own, sources, targets, u.direction, self.reader.ancestors, self.weights, votes
        )
        t_order = order(t_scores)
        hits: list[bool] | None = None
        named: list[bool] | None = None
        if not self.index(kind).ids:
            return SearchResult([], True, u)
        if kind == "technique":
            scores, cos, dense, bm25 = t_scores, t_cos, t_dense, t_bm25
            best: list[int] = list(range(len(techs)))
            listed = t_listed
        else:
            if kind == "paper" and paper_own is not None:
                own, cos, dense, bm25 = paper_own
            else:
                own, cos, dense, bm25 = self._own(kind, u.text, qvec, mode)
            t_rank = [0] * len(techs)
            for rank, row in enumerate(t_order, start=1):
                t_rank[row] = rank
            ids = self.index(kind).ids
            if kind == "paper":
                filed = [[row_of[t] for t in self.catalog.papers[i].techniques] for i in ids]
            else:
                filed = [
                    [row_of[t] for t in self.catalog.datasets[i].techniques if t in row_of]
                    for i in ids
                ]
                hits = self._name_hits(u, self.dataset_names(ids))
            named = hits
            if kind == "paper" and self.weights.paper_name:
                named = self._name_hits(u, self.paper_names(ids))
            name_weight = self.weights.name if kind == "dataset" else self.weights.paper_name
            scores, best, listed = filed_scores(
                own, filed, t_rank, priors, t_listed, self.weights, named, name_weight
            )
        idx = self.index(kind)
        floor = self.no_match_below.get(kind)
        close = floor is None or not cos or max(cos.values()) >= floor
        if kind == "dataset" and any(hits or []):
            close = True
        near = set(dense[:top]) if floor is None else {r for r, c in cos.items() if c >= floor}
        out = []
        for row in [r for r in order(scores) if listed[r]][:top]:
            reasons: list[str] = []
            t_row = best[row]
            if t_row >= 0:
                p = priors[t_row]
                if kind != "technique":
                    reasons.append(f"filed under {self.catalog.techniques[techs[t_row]].title}")
                if p > 0:
                    reasons.append(
                        f"direction matches: {labels[sources[t_row]]} → {labels[targets[t_row]]}"
                    )
                elif p < 0:
                    reasons.append(
                        f"opposite direction ({labels[sources[t_row]]} → "
                        f"{labels[targets[t_row]]}), ranked lower"
                    )
            if named and named[row]:
                reasons.append("name matches")
            if row in near:
                reasons.append("close in meaning")
            matched = bm25.matched_terms(u.text, row)
            if matched:
                reasons.append("words: " + ", ".join(matched))
            out.append(
                Hit(
                    kind, idx.ids[row], idx.titles[row], scores[row], cos.get(row), matched, reasons
                )
            )
        if not close:
            self.notes.append(
                f"no close match among the {kind}s: the nearest are listed, but none is close in "
                "meaning to the query"
            )
        return SearchResult(out, close, u)

    @staticmethod
    def _name_hits(u: Understood, names: list[list[str]]) -> list[bool]:
        """Whether the query, as typed or with acronyms expanded, spells out each entry's names."""
        typed = name_hits(norm_phrase(u.original or u.text), names)
        return [a or b for a, b in zip(typed, name_hits(norm_phrase(u.text), names), strict=True)]

    def paper_names(self, ids: list[str]) -> list[list[str]]:
        """Each paper's name (`title_name`) as normalised words, or none."""
        out = []
        for i in ids:
            name = norm_phrase(title_name(self.catalog.papers[i].title))
            out.append([name] if name else [])
        return out

    def dataset_names(self, ids: list[str]) -> list[list[str]]:
        """Each dataset's names as normalised words: its id, its name, and each part of the name
        set off by brackets, slashes or commas (`ADNI (Alzheimer's ...)` gives `adni` and the long
        form), to spot a query naming it."""
        out = []
        for i in ids:
            name = self.catalog.datasets[i].name
            parts = [i.replace("-", " "), name, *re.split(r"[()/,]", name)]
            out.append(list(dict.fromkeys(p for p in map(norm_phrase, parts) if len(p) >= 2)))
        return out

    def _plain(self, text: str, kind: str, top: int, mode: Mode | None) -> list[Hit]:
        """The ranking before query understanding: dense, keyword, or both fused by RRF."""
        mode = mode or DEFAULT_MODES.get(kind, Mode.hybrid)
        idx = self.index(kind)
        n = len(idx.ids)
        if n == 0:
            return []
        bm25 = self.keyword(kind) if mode is not Mode.dense else None
        dense: list[tuple[int, float]] = []
        if mode is not Mode.keyword:
            dense = idx.search(self.query_vector(text), min(n, max(top, CANDIDATES)))
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


@dataclass
class SearchResult:
    """One kind's results for a query: the hits, whether any is close in meaning, the reading."""

    hits: list[Hit]
    close: bool
    understood: Understood
