"""What a synthetic study shows: the label set, :class:`Findings` (the ground truth of one study)
and how findings are drawn. The cohort (``data.py``) renders and reports them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Clinical-efficacy label set (CheXpert names, lower-snake-case). ``no_finding`` is positive when
#: no pathology is present; support devices do not count as pathology (CheXpert convention).
LABELS: tuple[str, ...] = (
    "cardiomegaly",
    "pleural_effusion",
    "pneumothorax",
    "consolidation",
    "nodule",
    "support_devices",
    "no_finding",
)
PATHOLOGIES: tuple[str, ...] = LABELS[:5]

SIDES = ("right", "left")
SEVERITIES = ("small", "moderate", "large")
ZONES = ("upper", "lower")
DEVICES = ("endotracheal tube", "pacemaker", "central venous catheter")


@dataclass(frozen=True)
class Findings:
    """Ground truth for one synthetic study; ``None`` means absent."""

    cardiomegaly: bool = False
    effusion: tuple[str, str] | None = None  # (side | "bilateral", severity)
    pneumothorax: tuple[str, str] | None = None  # (side, "small" | "large")
    consolidation: tuple[str, str] | None = None  # (side, zone)
    nodule: tuple[str, str] | None = None  # (side, zone)
    device: str | None = None

    def labels(self) -> dict[str, bool]:
        """Presence of each entry of :data:`LABELS`."""
        out = {
            "cardiomegaly": self.cardiomegaly,
            "pleural_effusion": self.effusion is not None,
            "pneumothorax": self.pneumothorax is not None,
            "consolidation": self.consolidation is not None,
            "nodule": self.nodule is not None,
            "support_devices": self.device is not None,
        }
        out["no_finding"] = not any(out[p] for p in PATHOLOGIES)
        return out

    def label_vector(self) -> list[int]:
        labels = self.labels()
        return [int(labels[name]) for name in LABELS]


def sample_findings(rng: np.random.Generator, prevalence: float = 0.22) -> Findings:
    """Draw independent findings, each present with probability ``prevalence``."""

    def maybe() -> bool:
        return bool(rng.random() < prevalence)

    effusion = None
    if maybe():
        side = str(rng.choice(["right", "left", "bilateral"], p=[0.4, 0.35, 0.25]))
        effusion = (side, str(rng.choice(SEVERITIES)))
    return Findings(
        cardiomegaly=maybe(),
        effusion=effusion,
        pneumothorax=(str(rng.choice(SIDES)), str(rng.choice(["small", "large"])))
        if maybe()
        else None,
        consolidation=(str(rng.choice(SIDES)), str(rng.choice(ZONES))) if maybe() else None,
        nodule=(str(rng.choice(SIDES)), str(rng.choice(ZONES))) if maybe() else None,
        device=str(rng.choice(DEVICES)) if maybe() else None,
    )
