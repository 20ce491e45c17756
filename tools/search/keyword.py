"""BM25 keyword ranking, written so that `assets/search/search.js` computes exactly the same.

Tokens are maximal runs of Unicode letters or digits, lower-cased, with a short English stop list
removed and a final plural `s` stripped (not after `s`, `u` or `i`, and only from words of 4 letters
or more). The browser's fallback and hybrid ranking use the same rules and constants.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

K1 = 1.2
B = 0.75
TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "for",
        "from",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "s",
        "t",
        "that",
        "the",
        "their",
        "them",
        "this",
        "to",
        "use",
        "using",
        "want",
        "we",
        "what",
        "which",
        "with",
        "you",
        "your",
    }
)


def stem(token: str) -> str:
    """Strip a plural `s` (reports -> report; not class, virus, analysis)."""
    if len(token) >= 4 and token.endswith("s") and token[-2] not in "sui":
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens without stop words, plural `s` stripped."""
    return [stem(t) for t in TOKEN_RE.findall(text.lower()) if t not in STOPWORDS]


@dataclass
class BM25:
    """An in-memory BM25 index over a list of documents."""

    docs: list[str]
    postings: dict[str, dict[int, int]] = field(default_factory=dict)
    lengths: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        for i, doc in enumerate(self.docs):
            counts = Counter(tokenize(doc))
            self.lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                self.postings.setdefault(term, {})[i] = tf
        self.avg_len = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0

    def idf(self, term: str) -> float:
        """BM25's smoothed inverse document frequency (never negative)."""
        df = len(self.postings.get(term, {}))
        n = len(self.docs)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> dict[int, float]:
        """Document index -> BM25 score, for documents sharing at least one term with the query."""
        out: dict[int, float] = {}
        for term in dict.fromkeys(tokenize(query)):
            plist = self.postings.get(term)
            if not plist:
                continue
            idf = self.idf(term)
            for doc, tf in plist.items():
                norm = tf + K1 * (1.0 - B + B * self.lengths[doc] / (self.avg_len or 1.0))
                out[doc] = out.get(doc, 0.0) + idf * tf * (K1 + 1.0) / norm
        return out

    def rank(self, query: str, top: int) -> list[tuple[int, float]]:
        """The best `top` (document index, score), best first; ties by index."""
        scored = sorted(self.scores(query).items(), key=lambda kv: (-kv[1], kv[0]))
        return scored[:top]

    def share(self, query: str, doc: int) -> float:
        """The idf-weighted share (in [0, 1]) of the query's distinct terms the document contains:
        how much of what the query says it matches, not just that it matches some of it."""
        terms = list(dict.fromkeys(tokenize(query)))
        total = sum(self.idf(t) for t in terms)
        found = sum(self.idf(t) for t in terms if doc in self.postings.get(t, {}))
        return found / total if total else 0.0

    def matched_terms(self, query: str, doc: int) -> list[str]:
        """Query terms present in a document (to show why it matched)."""
        return [t for t in dict.fromkeys(tokenize(query)) if doc in self.postings.get(t, {})]
