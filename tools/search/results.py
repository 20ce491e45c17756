"""What a search returns (`Hit`, `SearchResult`), the modes it ranks in, and the technique
ranking the other kinds start from (data only; `engine.py` fills them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tools.search.keyword import BM25
from tools.search.understand import Understood


class Mode(StrEnum):
    """Which ranking to use."""

    hybrid = "hybrid"
    dense = "dense"
    keyword = "keyword"


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


Own = tuple[list[float], dict[int, float], list[int], list[int], BM25]
"""A kind's own ranking: score per row, cosine of the dense candidates, dense rows, keyword rows,
its BM25."""


@dataclass
class Techniques:
    """The technique ranking every kind's ranking starts from."""

    ids: list[str]
    sources: list[str]
    targets: list[str]
    row_of: dict[str, int]
    own: Own
    scores: list[float]
    priors: list[float]
    listed: list[bool]
    paper_own: Own | None


@dataclass
class SearchResult:
    """One kind's results for a query: the hits, whether any is close in meaning, the reading."""

    hits: list[Hit]
    close: bool
    understood: Understood
