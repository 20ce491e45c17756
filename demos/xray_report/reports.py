"""Writing the free-text report of one SYNTHETIC study from its :class:`~.findings.Findings`.

Each present finding gets one of several phrasings; an absent one is stated negatively with
probability ``negation_rate`` (otherwise not mentioned). Random draws happen in a fixed order
(device, heart, consolidation, nodule, pleura, closing sentence), so a seed gives one report.
"""

from __future__ import annotations

import numpy as np

from .findings import Findings

Phrases = tuple[list[str] | None, list[str]]  # (phrasings if present, else None; negations)


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _where(side: str, zone: str | None = None) -> str:
    return f"{side} {zone} lobe" if zone else f"{side} lung"


def _device(dev: str | None) -> Phrases:
    if dev is None:
        return None, []
    return [
        f"There is a {dev} in place.",
        f"A {dev} is present.",
        f"Interval placement of a {dev}.",
    ], []


def _heart(cardiomegaly: bool) -> Phrases:
    present = [
        "The heart is enlarged.",
        "Cardiomegaly is present.",
        "The cardiac silhouette is enlarged.",
        "Moderate cardiomegaly.",
    ]
    absent = [
        "The heart size is normal.",
        "Heart size is within normal limits.",
        "No cardiomegaly.",
        "The cardiomediastinal silhouette is normal.",
    ]
    return (present if cardiomegaly else None), absent


def _consolidation(cons: tuple[str, str] | None) -> Phrases:
    absent = [
        "No focal consolidation.",
        "There is no focal airspace consolidation.",
        "The lungs are clear without consolidation.",
    ]
    if cons is None:
        return None, absent
    return [
        f"There is consolidation in the {_where(*cons)}.",
        f"Focal airspace consolidation in the {_where(*cons)}.",
        f"{cons[0].capitalize()} {cons[1]} lobe consolidation is seen.",
    ], absent


def _nodule(nod: tuple[str, str] | None) -> Phrases:
    absent = ["No pulmonary nodules.", "No suspicious pulmonary nodule."]
    if nod is None:
        return None, absent
    return [
        f"A nodule is noted in the {_where(*nod)}.",
        f"There is a small pulmonary nodule in the {nod[0]} {nod[1]} zone.",
        f"{nod[0].capitalize()} {nod[1]} zone nodular opacity.",
    ], absent


def _effusion(effusion: tuple[str, str]) -> list[str]:
    side, severity = effusion
    where = "bilateral" if side == "bilateral" else side
    plural = "effusions" if side == "bilateral" else "effusion"
    return [
        f"There is a {severity} {where} pleural {plural}.",
        f"{severity.capitalize()} {where} pleural {plural}.",
        f"{severity.capitalize()} {where} pleural {plural} with blunting of the costophrenic angle.",
    ]


def _pneumothorax(pneumothorax: tuple[str, str]) -> list[str]:
    side, extent = pneumothorax
    return [
        f"There is a {extent} {side} pneumothorax.",
        f"{extent.capitalize()} {side} apical pneumothorax.",
        f"A {extent} {side} pneumothorax is present.",
    ]


def _pleura(
    findings: Findings, rng: np.random.Generator, negation_rate: float
) -> tuple[list[str], list[str]]:
    """Effusion and pneumothorax sentences; two negations are merged into one sentence."""
    pos: list[str] = []
    neg: list[str] = []
    effusion_neg = pneumothorax_neg = False
    if findings.effusion is not None:
        pos.append(_pick(rng, _effusion(findings.effusion)))
    else:
        effusion_neg = bool(rng.random() < negation_rate)
    if findings.pneumothorax is not None:
        pos.append(_pick(rng, _pneumothorax(findings.pneumothorax)))
    else:
        pneumothorax_neg = bool(rng.random() < negation_rate)
    if effusion_neg and pneumothorax_neg:
        both = [
            "No pleural effusion or pneumothorax.",
            "There is no pleural effusion or pneumothorax.",
            "No pneumothorax or pleural effusion is seen.",
        ]
        neg.append(_pick(rng, both))
    else:
        if effusion_neg:
            neg.append(_pick(rng, ["No pleural effusion.", "There is no pleural effusion."]))
        if pneumothorax_neg:
            neg.append(_pick(rng, ["No pneumothorax.", "There is no pneumothorax."]))
    return pos, neg


def write_report(findings: Findings, rng: np.random.Generator, negation_rate: float = 0.75) -> str:
    """One free-text report; absent findings are stated negatively with probability
    ``negation_rate`` (otherwise simply not mentioned)."""
    pos: list[str] = []
    neg: list[str] = []
    for present, absent in (
        _device(findings.device),
        _heart(findings.cardiomegaly),
        _consolidation(findings.consolidation),
        _nodule(findings.nodule),
    ):
        if present is not None:
            pos.append(_pick(rng, present))
        elif absent and rng.random() < negation_rate:
            neg.append(_pick(rng, absent))
    pleura_pos, pleura_neg = _pleura(findings, rng, negation_rate)
    pos += pleura_pos
    neg += pleura_neg
    if not pos and rng.random() < 0.5:
        neg.append(_pick(rng, ["No acute cardiopulmonary abnormality.", "Normal chest."]))
    if not pos and not neg:
        neg.append("No acute cardiopulmonary abnormality.")
    return " ".join(pos + neg)
