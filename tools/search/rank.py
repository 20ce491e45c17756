"""The ranking rules, as pure functions of rankings and catalog structure (no model, no index).

`site_src/assets/search/rank.js` implements the same rules with the same constants (exported into
index.json), so the CLI and the search page order results alike; the parity test checks it.

For a query with a parsed direction (tools/search/understand.py):
- every kind's `own` score fuses its dense and keyword ranks, a keyword rank credited in
  proportion to `share ** coverage`, the share of the query's words (idf-weighted) the entry
  contains: matching a query's one common word ("CT", "image") is weak evidence next to the
  entry closest in meaning;
- a technique scores `own + direction * prior + mention * about + papers * votes`, where `own`
  is the reciprocal rank fusion of its dense and keyword ranks, `prior` is +1 for the exact
  direction asked, less for a broader modality, 0 when unrelated or when only one of two named
  sides fits, and negative for the opposite direction (demoted, never removed), `about` rewards
  covering the modalities named without a role, and `votes` is its share of the papers that best
  match the query (so "GAN" or "LLM" find the techniques their papers are filed under);
- a paper or dataset scores `own + filed / (k + r) + filed_direction * prior` over the best of
  the techniques it is filed under, `r` being that technique's rank and `prior` its prior; a
  dataset whose name (or id) the query spells out scores `name` more, a paper whose name (the one
  word its title opens with before a colon: `Synthea: ...`) `paper_name` more.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from tools.search.understand import Direction


@dataclass(frozen=True)
class RankWeights:
    """Constants of the ranking, chosen with `benchmarks/search_quality.py --weights` (one weight
    varied at a time around these; direction 0.01 and filed_direction 0.01 gave the best technique
    MRR and paper MRR; papers 0.005 with papers_top 20 the best technique MRR with no metric
    below the plain ranking (0.01 lowers direction R@1, 0.003 technique R@1); paper_name gave the
    same results from 0.01 to 0.05; every other value tried was no better on the targets)."""

    rrf_k: int = 60
    keyword: Mapping[str, float] = field(
        default_factory=lambda: {"technique": 0.5, "paper": 1.0, "dataset": 1.0}
    )
    direction: float = 0.01
    mention: float = 0.005
    filed: float = 1.0
    filed_direction: float = 0.01
    name: float = 0.05
    papers: float = 0.005
    """Weight of a technique's share of the best `papers_top` papers (reciprocal-rank weighted):
    a query about a method (GAN, LLM) finds the techniques whose papers it describes."""
    papers_top: int = 20
    paper_name: float = 0.02
    """Added to a paper whose name (`title_name`) the query spells out."""
    coverage: float = 2.0
    """Exponent on the share of the query's words an entry contains (`BM25.share`) that scales
    its keyword credit when fused with the dense ranking (0: every keyword rank counts fully).
    With 2 and keyword 1.0 for papers, no paper metric is below the plain ranking (0.5 with no
    share let papers that repeat one of the query's common words pass the paper closest in
    meaning: paper R@1 fell below the plain ranking on the 681-paper catalog)."""

    def as_json(self) -> dict[str, object]:
        """The constants for index.json."""
        data = asdict(self)
        data["keyword"] = dict(self.keyword)
        return data


def modality_match(query: str, entry: str, ancestors: Mapping[str, Sequence[str]]) -> float:
    """1 for the same modality, 0.5 when the entry's is broader (image for x-ray), 0.25 when
    narrower (x-ray for image), else 0."""
    if query == entry:
        return 1.0
    if entry in ancestors.get(query, ()):
        return 0.5
    if query in ancestors.get(entry, ()):
        return 0.25
    return 0.0


def _side(queried: Sequence[str], slug: str, ancestors: Mapping[str, Sequence[str]]) -> float:
    return max((modality_match(q, slug, ancestors) for q in queried), default=0.0)


def direction_prior(
    d: Direction, source: str, target: str, ancestors: Mapping[str, Sequence[str]]
) -> float:
    """How well a technique `source`-to-`target` fits the direction asked, in [-1, 1].

    `fwd` is the weaker match of the sides the query gives (a technique that fits only one of two
    named sides gets no credit: Audio to Image is no answer to "speech to text"), `rev` the same
    with the technique's sides swapped; the prior is `fwd`, less what `rev` exceeds it by (so
    CT-to-CT is not penalised for being its own reverse), halved when the query gives only one
    side."""
    if not d.directed:
        return 0.0
    fwd, rev = [], []
    if d.inputs:
        fwd.append(_side(d.inputs, source, ancestors))
        rev.append(_side(d.inputs, target, ancestors))
    if d.outputs:
        fwd.append(_side(d.outputs, target, ancestors))
        rev.append(_side(d.outputs, source, ancestors))
    f, r = min(fwd), min(rev)
    return (f - max(0.0, r - f)) * len(fwd) / 2


def about(d: Direction, source: str, target: str, ancestors: Mapping[str, Sequence[str]]) -> float:
    """For modalities named without a role, in [0, 1]: the mean of how much of what the query
    names the technique covers (each modality's best match with either side) and how well its
    sides fit what the query names (each side's best match), so naming MRI alone ranks MRI to
    MRI above Text to MRI, and naming a molecule and text ranks Molecule to Text above Text to
    Text."""
    if not d.mentioned:
        return 0.0
    covered = [
        max(modality_match(m, source, ancestors), modality_match(m, target, ancestors))
        for m in d.mentioned
    ]
    fit = [_side(d.mentioned, source, ancestors), _side(d.mentioned, target, ancestors)]
    return (sum(covered) / len(covered) + sum(fit) / 2) / 2


def own_scores(
    n: int,
    dense: Sequence[int],
    keyword: Sequence[int],
    k: int,
    keyword_weight: float,
    shares: Sequence[float] = (),
) -> list[float]:
    """Reciprocal rank fusion of the dense and keyword rankings (rows, best first), per row;
    `shares` (one per keyword row, e.g. `share ** coverage`) scale the keyword credit."""
    if shares and len(shares) != len(keyword):
        raise ValueError("one share per keyword row")
    scores = [0.0] * n
    for rank, row in enumerate(dense, start=1):
        scores[row] += 1.0 / (k + rank)
    if keyword_weight:
        for rank, row in enumerate(keyword, start=1):
            scale = shares[rank - 1] if shares else 1.0
            scores[row] += keyword_weight * scale / (k + rank)
    return scores


def paper_votes(
    paper_own: Sequence[float],
    filed: Sequence[Sequence[int]],
    n_techniques: int,
    top: int,
    k: int,
    eligible: Sequence[bool] | None = None,
) -> list[float]:
    """Per technique row, its share (in [0, 1]) of the best `top` papers by their own score,
    each paper weighted 1 / (k + its rank) and shared among the techniques it is filed under.

    Only `eligible` papers vote (those that match the query: close in meaning or by words), so a
    technique with many papers gains nothing from papers that are merely the least far."""
    ranked = [
        r for r in order(paper_own) if paper_own[r] > 0 and (eligible is None or eligible[r])
    ][:top]
    votes = [0.0] * n_techniques
    total = 0.0
    for rank, row in enumerate(ranked, start=1):
        weight = 1.0 / (k + rank)
        total += weight
        for t in filed[row]:
            votes[t] += weight / len(filed[row])
    return [v / total for v in votes] if total else votes


def order(scores: Sequence[float]) -> list[int]:
    """Rows by score, best first; ties by row."""
    return sorted(range(len(scores)), key=lambda r: (-scores[r], r))


def technique_scores(
    own: Sequence[float],
    sources: Sequence[str],
    targets: Sequence[str],
    d: Direction,
    ancestors: Mapping[str, Sequence[str]],
    w: RankWeights,
    votes: Sequence[float] = (),
) -> tuple[list[float], list[float], list[bool]]:
    """(scores, priors, listed) of every technique row; `votes` from `paper_votes` (none: 0)."""
    n = len(own)
    votes = votes or [0.0] * n
    priors = [direction_prior(d, s, t, ancestors) for s, t in zip(sources, targets, strict=True)]
    abouts = [about(d, s, t, ancestors) for s, t in zip(sources, targets, strict=True)]
    scores = [
        own[r] + w.direction * priors[r] + w.mention * abouts[r] + w.papers * votes[r]
        for r in range(n)
    ]
    listed = [own[r] > 0 or priors[r] > 0 or abouts[r] > 0 or votes[r] > 0 for r in range(n)]
    return scores, priors, listed


def filed_scores(
    own: Sequence[float],
    filed: Sequence[Sequence[int]],
    technique_rank: Sequence[int],
    priors: Sequence[float],
    technique_listed: Sequence[bool],
    w: RankWeights,
    name_hits: Sequence[bool] | None = None,
    name_weight: float | None = None,
) -> tuple[list[float], list[int], list[bool]]:
    """(scores, best listed technique row or -1, listed) of papers or datasets, from their own
    score, the listed techniques they are filed under (`technique_rank[row]` from 1) and
    `name_weight` (default `w.name`) when `name_hits[row]`."""
    bonus_name = w.name if name_weight is None else name_weight
    scores, best, listed = [], [], []
    for r, techs in enumerate(filed):
        bonus, chosen = 0.0, -1
        for t in techs:
            if not technique_listed[t]:
                continue
            value = w.filed / (w.rrf_k + technique_rank[t]) + w.filed_direction * priors[t]
            if chosen < 0 or value > bonus:
                bonus, chosen = value, t
        named = name_hits is not None and name_hits[r]
        scores.append(own[r] + bonus + (bonus_name if named else 0.0))
        best.append(chosen)
        listed.append(own[r] > 0 or chosen >= 0 or named)
    return scores, best, listed


def name_hits(query_words: str, names: Sequence[Sequence[str]]) -> list[bool]:
    """Whether the query (normalised words joined by spaces) spells out one of each entry's names."""
    padded = f" {query_words} "
    return [any(f" {n} " in padded for n in entry if n) for entry in names]


TITLE_NAME = re.compile(r"^([^\s:]{2,40})(?::\s| -{1,2}\s| — )")
"""A title that opens with one word and a colon or dash (`EHR-Safe: generating ...`); rank.js
uses the same expression."""


def title_name(title: str) -> str:
    """The name a title gives its paper (`Synthea: An approach ...` -> `Synthea`), or ""."""
    match = TITLE_NAME.match(title.strip())
    return match.group(1) if match else ""
