"""Rule-based finding labeler with negation and uncertainty (CheXpert-style, NegEx-like scopes).

A report is lower-cased, anonymised ``xxxx`` tokens are dropped, and it is split into sentences.
In each sentence every finding mention (:data:`~demos.xray_report.labeler_terms.MENTIONS`) is
found with a regular expression and is skipped when

- it lies inside a look-alike phrase ("pericardial effusion" is not a pleural effusion);
- a negation cue precedes it in the same clause ("no", "without", "negative for", "clear of",
  "resolved", "removed") or follows it ("is not seen", "has been removed", "within normal
  limits"); "no change in" and the like are not negations;
- it is hedged in the same clause ("possible", "cannot exclude", "may represent", "versus"): an
  uncertain mention counts as absent (the U-Zeros policy), as NLM's indexers of the OpenI reports
  treat it;
- the clause explains it as something else ("nodular opacity, likely a granuloma").

Generic cardiac mentions ("heart size") count only when the sentence qualifies them as abnormal.
``no_finding`` is positive when no pathology is positive; support devices do not count as
pathology. The same labeler reads generated reports, reference reports and real reports.
"""

from __future__ import annotations

import re

from demos.xray_report import labeler_terms as terms
from demos.xray_report.data import LABELS, PATHOLOGIES


def _any(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_MENTIONS = {name: _any(pats) for name, pats in terms.MENTIONS.items()}
_QUALIFIED = {name: re.compile(p) for name, p in terms.QUALIFIED_POSITIVE.items()}
_LOOKALIKES = {name: _any(pats) for name, pats in terms.LOOKALIKES.items()}
_EXPLAINED = {name: re.compile(p) for name, p in terms.EXPLAINED_AS.items()}
_PRE_NEGATION = _any(terms.PRE_NEGATION)
_POST_NEGATION = re.compile(terms.POST_NEGATION)
_PSEUDO_NEGATION = _any(terms.PSEUDO_NEGATION)
_PRE_UNCERTAIN = _any(terms.PRE_UNCERTAIN)
_POST_UNCERTAIN = re.compile(terms.POST_UNCERTAIN)
_SCOPE_BREAK = re.compile(terms.SCOPE_BREAK)
_ANONYMISED = re.compile(r"\bx{4}\b")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


def sentences(report: str) -> list[str]:
    """Lower-cased sentences of a report, anonymised ``xxxx`` tokens dropped."""
    text = _ANONYMISED.sub("", report.lower())
    return [re.sub(r"[ \t]+", " ", s).strip() for s in _SENTENCE.split(text) if s.strip()]


def _clause(sentence: str, start: int, end: int) -> tuple[str, str]:
    """The text of the mention's clause before and after it (scope breaks end a clause)."""
    before = sentence[:start]
    breaks = list(_SCOPE_BREAK.finditer(before))
    before = before[breaks[-1].end() :] if breaks else before
    after = sentence[end:]
    cut = _SCOPE_BREAK.search(after)
    return before, after[: cut.start()] if cut else after


def _negated(sentence: str, start: int, end: int) -> bool:
    before, after = _clause(sentence, start, end)
    before = _PSEUDO_NEGATION.sub(" ", before)
    return bool(_PRE_NEGATION.search(before) or _POST_NEGATION.search(after))


def _uncertain(sentence: str, start: int, end: int) -> bool:
    before, after = _clause(sentence, start, end)
    return bool(_PRE_UNCERTAIN.search(before) or _POST_UNCERTAIN.search(after))


def _positive_mentions(sentence: str, name: str) -> list[re.Match[str]]:
    """The mentions of one finding in one sentence that assert it."""
    lookalike = _LOOKALIKES.get(name)
    masked = [m.span() for m in lookalike.finditer(sentence)] if lookalike else []
    qualifier = _QUALIFIED.get(name)
    if qualifier is not None and not qualifier.search(sentence):
        return []
    explained = _EXPLAINED.get(name)
    out = []
    for match in _MENTIONS[name].finditer(sentence):
        start, end = match.span()
        if any(a <= start and end <= b for a, b in masked):
            continue
        if _negated(sentence, start, end) or _uncertain(sentence, start, end):
            continue
        if explained is not None and any(
            explained.search(part) for part in _clause(sentence, start, end)
        ):
            continue
        out.append(match)
    return out


def label_report(report: str) -> dict[str, bool]:
    """Presence of each finding in :data:`~demos.xray_report.data.LABELS` for one report."""
    found = dict.fromkeys(LABELS, False)
    for sentence in sentences(report):
        for name in _MENTIONS:
            if not found[name] and _positive_mentions(sentence, name):
                found[name] = True
    found["no_finding"] = not any(found[p] for p in PATHOLOGIES)
    return found


def label_vector(report: str) -> list[int]:
    """:func:`label_report` as 0/1 in :data:`LABELS` order."""
    labels = label_report(report)
    return [int(labels[name]) for name in LABELS]


#: Findings that carry a side in the synthetic reports.
LATERAL_LABELS: tuple[str, ...] = ("pleural_effusion", "pneumothorax", "consolidation", "nodule")
_SIDE = re.compile(r"\b(right|left|bilateral)\b")


def finding_sides(report: str) -> dict[str, str]:
    """Side ("right", "left", "bilateral") named in the first positive sentence of each lateral
    finding; findings without a positive mention or without a side are left out."""
    out: dict[str, str] = {}
    for sentence in sentences(report):
        for name in LATERAL_LABELS:
            if name in out or not _positive_mentions(sentence, name):
                continue
            side = _SIDE.search(sentence)
            if side:
                out[name] = side.group(1)
    return out
