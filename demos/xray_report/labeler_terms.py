"""The vocabularies of the rule-based labeler (:mod:`demos.xray_report.labeler`), as regular
expressions over lower-cased text from which anonymised ``xxxx`` tokens have been dropped.

Each list is a plain tuple of patterns so that a rule can be read, added or removed on its own.
The phrasings were collected from the demo's synthetic reports and from the dev half of the OpenI
reports (``benchmarks/xray_labeler_real.py``); see ``MODEL_CARD.md`` for what they score.
"""

from __future__ import annotations

#: Words that name each finding. A mention is positive unless it is negated, hedged, explained as
#: something else, or part of a look-alike phrase.
MENTIONS: dict[str, tuple[str, ...]] = {
    "cardiomegaly": (
        r"cardiomegaly",
        r"(?:heart|cardiac)(?: contour| silhouette| shadow)? enlargement",
        r"enlarg\w* (?:of )?(?:the )?(?:heart|cardiac (?:silhouette|contour|shadow|size))",
        # Generic mentions: positive only with a qualifier (QUALIFIED_POSITIVE) in the sentence.
        r"heart(?: size)?|cardiac (?:size|silhouette|contour|shadow)|cardiomediastinal silhouette",
    ),
    "pleural_effusion": (
        r"(?:pleural )?effusions?",
        r"pleural fluid",
        r"hydropneumothora(?:x|ces)",
        r"hemothora(?:x|ces)",
    ),
    "pneumothorax": (r"(?:hydro|hemo)?pneumothora(?:x|ces)",),
    "consolidation": (
        r"consolidat\w*",
        r"air ?space disease",
    ),
    "nodule": (
        r"nodules?\b",
        r"nodular opacit(?:y|ies)",
        r"\bmass(?:es)?\b",
        r"mass-?like",
    ),
    "support_devices": (
        r"(?:endotracheal|et|ng|og|enteric|nasogastric|orogastric|feeding|gastrostomy|chest|"
        r"dobhoff|drainage) tubes?",
        r"tracheostomy",
        r"tubes and lines|lines and tubes",
        r"pacemaker|pacer|pacing|defibrillator|\ba?icd\b|generator",
        r"\bleads?\b(?! to\b)",
        r"catheters?|\bpicc\b|port-?a-?cath|\bport\b|(?<![\w-])-a-(?![\w-])",
        r"(?:central|venous|subclavian|jugular|\bij|picc|arterial|swan-ganz) lines?",
        r"\bstents?\b|stent-?graft|\btipss?\b",
        r"valve replacement|prosthe(?:sis|tic)|arthroplasty|bone anchors?|internal fixation|"
        r"orthopedic hardware",
        r"closure device|occluder|\bdevice\b",
        r"sternotomy wires?",
        r"\bcoil(?:s|ed)?\b",
        # A catheter named only by where its tip lies (the device word is often anonymised).
        r"\btip\b(?=(?:[\s,-]+[\w/]+){0,8}?[\s,-]+(?:svc|superior vena cava|cavoatrial|"
        r"caval ?-?atrial|cavo-atrial|atri(?:um|al)|ventricle|carina|stomach|gastroesophageal|"
        r"brachiocephalic|subclavian|jugular|innominate|azygos|duoden\w*|pulmonary artery)\b)",
    ),
}

#: Findings whose generic mention ("heart size", "cardiac silhouette") is only positive when the
#: sentence qualifies it as abnormal ("borderline" too: NLM indexes it as borderline cardiomegaly).
QUALIFIED_POSITIVE: dict[str, str] = {
    "cardiomegaly": r"cardiomegaly|enlarg|\blarge\b|increase|borderline",
}

#: Phrases that contain a finding's word but name something else; mentions inside them are skipped.
LOOKALIKES: dict[str, tuple[str, ...]] = {
    "pleural_effusion": (r"pericardial (?:effusions?|fluid)", r"joint effusions?"),
    "nodule": (
        r"reticulo-?nodular|reticular-nodular|nodular interstitial|interstitial nodular",
        # NLM indexes a nodular opacity that the report calls a granuloma as a granuloma (while a
        # nodule called a granuloma stays a nodule).
        r"nodular opacit(?:y|ies)(?=[^.;]*granulom)",
        r"mass effect",
    ),
}

#: Words that, in the same clause as a mention, say it is something else (a calcified granuloma,
#: a nipple shadow, superimposed structures) rather than the finding.
EXPLAINED_AS: dict[str, str] = {
    "nodule": (
        r"nipple|summation|superimpos\w*|overlapping|projectional|artifact|bone island|confluence|"
        r"telemetry"
    ),
}

#: Cues before a mention that negate it ("no", "without", "has resolved", ...).
PRE_NEGATION: tuple[str, ...] = (
    r"\bno\b",
    r"\bnot\b",
    r"\bwithout\b",
    r"\bnegative for\b",
    r"\bfree of\b",
    r"\bclear(?:ed|ing)? of\b",
    r"\bclear(?:ed|ing)?\s*$",  # "lungs are clear airspace disease", "cleared", "clearing"
    r"\bresolution of\b",
    r"\bresolved\b",
    r"\babsence of\b",
    r"\brather than\b",
    r"\bremoval of\b",
    r"\bremoved\b",
    r"\bnever\b",
)

#: Cues after a mention that negate it: "... is not seen", "... have been removed" (up to four
#: words between), "... is normal", "heart size normal" (a linking verb, or nothing, between).
POST_NEGATION: str = (
    r"^(?:[\s,]+[\w-]+){0,4}?\s+(?:(?:is|are|was|were|has been|have been|remains?|appears?)\s+)?"
    r"(?:not (?:\w+ ){0,2}?(?:seen|identified|present|visualized|evident|enlarged|demonstrated|"
    r"appreciated)|absent|(?:has |have )?(?:resolved|cleared)|removed)\b"
    r"|^(?:[\s,]+[\w-]+){0,3}?\s+(?:is|are|was|were|appears?|remains?)\s+(?:\w+\s+)?"
    r"(?:normal|within normal limits|unremarkable|stable and normal)\b"
    r"|^\s+(?:size\s+)?(?:normal|within normal limits|unremarkable)\b"
)

#: Phrases that start like a negation but are not one: "no change in the effusion" keeps it.
PSEUDO_NEGATION: tuple[str, ...] = (
    r"\bno (?:(?:significant|interval|appreciable) )*(?:change|increase|decrease|progression)\b",
    r"\bwithout (?:(?:significant|interval) )*change\b",
    r"\bnot (?:significantly )?changed\b",
    r"\bnot only\b",
)

#: Hedges before a mention in the same clause make it uncertain ("possible effusion", "cannot
#: exclude pneumothorax", "atelectasis versus consolidation", "to evaluate for a nodule").
PRE_UNCERTAIN: tuple[str, ...] = (
    r"\bpossibl[ey]\b",
    r"\bquestion(?:able)?\b",
    r"\bcan ?not (?:be )?exclude",
    r"\b(?:may|might|could)\b",
    r"\bversus\b|\bvs\b",
    r"\bevaluat\w* for\b|\bto (?:identify|evaluate|assess|exclude|rule out)\b",
    r"\bhistory of\b",
    r"\bsuspicio\w* (?:for|of)\b|\bsuggest(?:s|ing|ion of|ive of)\b|\bconsider\b",
)

#: Hedges after a mention that make it uncertain ("effusion is not excluded", "nodule?"); a hedge
#: that names an alternative ("mass, possibly a lymph node") leaves the mention itself certain.
POST_UNCERTAIN: str = (
    r"^(?:[\s,]+[\w-]+){0,3}?\s*(?:\?|(?:is|are|was|were|be|being)?\s*(?:not (?:\w+ )?excluded|"
    r"cannot be (?:\w+ )?excluded|questionable|questioned|suspected|possible|uncertain)|"
    r"(?:may|might|could) (?:be )?(?:present|exist))"
)

#: Words that end a negation or hedge scope inside a sentence.
SCOPE_BREAK: str = (
    r"\b(?:but|however|although|though|except|with|which|there is|there are|otherwise)\b"
)
