"""Search over a `Catalog`: dense (faiss), keyword (BM25), or both fused by reciprocal rank."""

from __future__ import annotations

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
from tools.search.names import dataset_names, paper_names, query_name_hits
from tools.search.query import MAX_TOP, clean_query
from tools.search.rank import (
    RankWeights,
    filed_scores,
    order,
    own_scores,
    paper_votes,
    technique_scores,
)
from tools.search.results import Hit, Mode, Own, SearchResult, Techniques
from tools.search.texts import entry_texts, keyword_text
from tools.search.understand import QueryReader, Understood

CANDIDATES = 100
"""How many results each ranker contributes to the fusion."""


DEFAULT_MODES: dict[str, Mode] = {"technique": Mode.hybrid, "paper": Mode.dense}
"""The plain ranking's modes (`plain=True`, the ranking before query understanding), chosen with
`benchmarks/search_quality.py --rrf`: hybrid (RRF k=60, keyword weight 0.5) for techniques, dense
for papers. The default ranking fuses both for every kind, with `RankWeights.keyword`."""

KEYWORD_WEIGHT = 0.5


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

    def _own(self, kind: str, text: str, qvec: np.ndarray | None, mode: Mode) -> Own:
        """(own score per row, cosine of the dense candidates, dense rows best first, BM25)."""
        idx = self.index(kind)
        n = len(idx.ids)
        bm25 = self.keyword(kind)
        dense: list[tuple[int, float]] = []
        if mode is not Mode.keyword and qvec is not None and n:
            dense = idx.search(qvec, min(n, CANDIDATES))
        keyword = [r for r, _ in bm25.rank(text, CANDIDATES)] if mode is not Mode.dense else []
        weight = 1.0 if mode is Mode.keyword else self.weights.keyword.get(kind, 0.0)
        shares: list[float] = []
        if dense and weight and self.weights.coverage:  # fused: weak keyword evidence counts less
            shares = [bm25.share(text, r) ** self.weights.coverage for r in keyword]
        own = own_scores(n, [r for r, _ in dense], keyword, self.weights.rrf_k, weight, shares)
        return own, dict(dense), [r for r, _ in dense], keyword, bm25

    def _matching(self, own: Own) -> list[bool] | None:
        """Papers that match the query: close in meaning (at or above the paper no-match floor)
        or found by its words; None (all) when there is no floor or no dense ranking."""
        scores, cos, _, keyword, _ = own
        floor = self.no_match_below.get("paper")
        if floor is None or not cos:
            return None
        hits = set(keyword)
        return [cos.get(r, 0.0) >= floor or r in hits for r in range(len(scores))]

    def _techniques(self, u: Understood, qvec: np.ndarray | None, mode: Mode) -> Techniques:
        """Every technique's score, prior and whether it is listed, with the paper ranking that
        voted for them (when `RankWeights.papers`)."""
        techs = self.index("technique").ids
        sources = [self.catalog.techniques[t].input for t in techs]
        targets = [self.catalog.techniques[t].output for t in techs]
        own = self._own("technique", u.text, qvec, mode)
        row_of = {t: r for r, t in enumerate(techs)}
        votes: list[float] = []
        paper_own = None
        if self.weights.papers and self.index("paper").ids:
            paper_own = self._own("paper", u.text, qvec, mode)
            paper_filed = [
                [row_of[t] for t in self.catalog.papers[i].techniques]
                for i in self.index("paper").ids
            ]
            votes = paper_votes(
                paper_own[0],
                paper_filed,
                len(techs),
                self.weights.papers_top,
                self.weights.rrf_k,
                self._matching(paper_own),
            )
        scores, priors, listed = technique_scores(
            own[0], sources, targets, u.direction, self.reader.ancestors, self.weights, votes
        )
        return Techniques(techs, sources, targets, row_of, own, scores, priors, listed, paper_own)

    def _ranked(self, u: Understood, kind: str, top: int, mode: Mode | None) -> SearchResult:
        mode = mode or Mode.hybrid
        qvec = self.query_vector(u.text) if mode is not Mode.keyword else None
        tr = self._techniques(u, qvec, mode)
        techs, row_of, priors = tr.ids, tr.row_of, tr.priors
        t_order = order(tr.scores)
        hits: list[bool] | None = None
        named: list[bool] | None = None
        if not self.index(kind).ids:
            return SearchResult([], True, u)
        if kind == "technique":
            _, cos, dense, _, bm25 = tr.own
            scores, best, listed = tr.scores, list(range(len(techs))), tr.listed
        else:
            if kind == "paper" and tr.paper_own is not None:
                own, cos, dense, _, bm25 = tr.paper_own
            else:
                own, cos, dense, _, bm25 = self._own(kind, u.text, qvec, mode)
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
                hits = query_name_hits(u, dataset_names(self.catalog, ids))
            named = hits
            if kind == "paper" and self.weights.paper_name:
                named = query_name_hits(u, paper_names(self.catalog, ids))
            name_weight = self.weights.name if kind == "dataset" else self.weights.paper_name
            scores, best, listed = filed_scores(
                own, filed, t_rank, priors, tr.listed, self.weights, named, name_weight
            )
        idx = self.index(kind)
        floor = self.no_match_below.get(kind)
        close = floor is None or not cos or max(cos.values()) >= floor
        if kind == "dataset" and any(hits or []):
            close = True
        near = set(dense[:top]) if floor is None else {r for r, c in cos.items() if c >= floor}
        out = []
        for row in [r for r in order(scores) if listed[r]][:top]:
            matched = bm25.matched_terms(u.text, row)
            reasons = self._reasons(kind, tr, best[row], bool(named and named[row]), row in near)
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

    def _reasons(self, kind: str, tr: Techniques, t_row: int, named: bool, near: bool) -> list[str]:
        """Why an entry ranks where it does (`t_row`: the technique it is, or is filed under)."""
        reasons: list[str] = []
        if t_row >= 0:
            p, labels = tr.priors[t_row], self.reader.labels
            arrow = f"{labels[tr.sources[t_row]]} → {labels[tr.targets[t_row]]}"
            if kind != "technique":
                reasons.append(f"filed under {self.catalog.techniques[tr.ids[t_row]].title}")
            if p > 0:
                reasons.append(f"direction matches: {arrow}")
            elif p < 0:
                reasons.append(f"opposite direction ({arrow}), ranked lower")
        if named:
            reasons.append("name matches")
        if near:
            reasons.append("close in meaning")
        return reasons

    def dataset_names(self, ids: list[str]) -> list[list[str]]:
        """Each dataset's names as normalised words (`names.dataset_names`)."""
        return dataset_names(self.catalog, ids)

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
