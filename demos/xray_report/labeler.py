"""Rule-based finding labeler with negation handling (CheXpert-style, NegEx-like scopes).

A report is split into sentences; in each sentence every finding mention is found with a regular
expression and is negated when a negation cue precedes it in the same clause ("no", "without",
"negative for", "free of", "resolved", "clear of") or follows it ("is not seen", "has resolved",
"within normal limits"). Uncertain mentions ("possible", "may represent") count as positive (the
U-Ones policy). ``no_finding`` is positive when no pathology is positive; support devices do not
count as pathology. The same labeler reads generated reports, reference reports and real reports.
"""

from __future__ import annotations

import re

from demos.xray_report.data import LABELS, PATHOLOGIES

_MENTIONS: dict[str, re.Pattern[str]] = {
    "cardiomegaly": re.compile(
        r"cardiomegaly|(?:heart|cardiac(?: silhouette)?|cardiomediastinal silhouette)"
        r"(?: size)?(?: is| appears)?(?: mildly| moderately| markedly)? (?:enlarged|large)"
        r"|enlarg\w* (?:of the )?(?:heart|cardiac silhouette)"
        r"|heart size|cardiac size|cardiac silhouette|cardiomediastinal silhouette"
    ),
    "pleural_effusion": re.compile(r"(?:pleural )?effusions?|pleural fluid|blunting"),
    "pneumothorax": re.compile(r"pneumothora(?:x|ces)"),
    "consolidation": re.compile(r"consolidation|airspace (?:disease|opacit\w+)"),
    "nodule": re.compile(r"nodul\w*|mass(?:es)?\b"),
    "support_devices": re.compile(
        r"(?:endotracheal|et|enteric|nasogastric|chest) tube|pacemaker|\bicd\b|catheter"
        r"|central (?:venous )?line|picc|\blead\b|sternotomy wires?"
    ),
}

# Findings whose generic mention ("heart size", "cardiac silhouette") is only positive when it is
# qualified as abnormal.
_QUALIFIED_POSITIVE: dict[str, re.Pattern[str]] = {
    "cardiomegaly": re.compile(r"cardiomegaly|enlarg|\blarge\b|increased"),
}

_PRE_NEGATION = re.compile(
    r"\b(?:no|not|without|negative for|free of|clear of|resolution of|resolved|absence of|"
    r"rather than|removal of|removed|never)\b"
)
_POST_NEGATION = re.compile(
    r"^(?:\s+\w+){0,2}?\s+(?:(?:is|are|was|were|has been|have been|remains?)\s+)?"
    r"(?:not (?:seen|identified|present|visualized|evident|enlarged)|absent|resolved|removed|"
    r"normal|within normal limits|unremarkable|stable and normal)\b"
)
# Words that end a negation scope inside a sentence.
_SCOPE_BREAK = re.compile(
    r"\b(?:but|however|although|though|except|with|which|there is|there are)\b"
)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


def sentences(report: str) -> list[str]:
    """Lower-cased sentences of a report."""
    return [s.strip().lower() for s in _SENTENCE.split(report) if s.strip()]


def _negated(sentence: str, start: int, end: int) -> bool:
    before = sentence[:start]
    breaks = list(_SCOPE_BREAK.finditer(before))
    scope = before[breaks[-1].end() :] if breaks else before
    if _PRE_NEGATION.search(scope):
        return True
    after = sentence[end:]
    cut = _SCOPE_BREAK.search(after)
    return bool(_POST_NEGATION.search(after[: cut.start()] if cut else after))


def label_report(report: str) -> dict[str, bool]:
    """Presence of each finding in :data:`~demos.xray_report.data.LABELS` for one report."""
    found = dict.fromkeys(LABELS, False)
    for sentence in sentences(report):
        for name, pattern in _MENTIONS.items():
            for match in pattern.finditer(sentence):
                if _negated(sentence, match.start(), match.end()):
                    continue
                qualifier = _QUALIFIED_POSITIVE.get(name)
                if qualifier is not None and not qualifier.search(sentence):
                    continue
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
            if name in out:
                continue
            for match in _MENTIONS[name].finditer(sentence):
                if not _negated(sentence, match.start(), match.end()):
                    side = _SIDE.search(sentence)
                    if side:
                        out[name] = side.group(1)
                    break
    return out
