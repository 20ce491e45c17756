"""Synthetic chest radiograph cohort with known findings and free-text reports.

Every image is procedurally drawn (thorax, lungs with markings, ribs, spine, heart, diaphragm,
mediastinum) and every report is written from varied phrasings, with explicit negations, from the
same ground-truth findings. The data are SYNTHETIC: they only imitate the look of a frontal chest
radiograph and are meant for research and education, never for clinical use.

Coordinates: ``x`` and ``y`` run over [-1, 1]; ``x`` grows to the image right, which on a PA film
is the patient's LEFT.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

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


# ----------------------------------------------------------------------------- rendering


def _soft(inside: np.ndarray, eps: float) -> np.ndarray:
    """Anti-aliased mask from a signed function that is positive inside."""
    return 1.0 / (1.0 + np.exp(-np.clip(inside / eps, -30.0, 30.0)))


def _smooth_noise(rng: np.random.Generator, size: int, cells: int) -> np.ndarray:
    """Band-limited noise in [-1, 1] by bilinear upsampling of a coarse random grid."""
    coarse = rng.uniform(-1.0, 1.0, (cells + 1, cells + 1))
    t = np.linspace(0.0, cells, size)
    i0 = np.clip(np.floor(t).astype(int), 0, cells - 1)
    f = t - i0
    rows = coarse[i0] * (1 - f)[:, None] + coarse[i0 + 1] * f[:, None]  # (size, cells+1)
    return rows[:, i0] * (1 - f)[None, :] + rows[:, i0 + 1] * f[None, :]


@dataclass(frozen=True)
class _Lung:
    cx: float
    cy: float
    a: float  # half-width
    b: float  # half-height

    def field(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """< 1 inside; a squarer lower half gives sharp costophrenic angles."""
        dx = (x - self.cx) / self.a
        dy = (y - self.cy) / self.b
        return dx**2 + np.where(dy < 0, dy**2, np.abs(dy) ** 4)

    def lateral(self, x: np.ndarray) -> np.ndarray:
        """Distance from the lung centre towards the chest wall (positive laterally)."""
        return (x - self.cx) * np.sign(self.cx)


def render(findings: Findings, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draw one frontal chest radiograph, float32 (size, size) in [0, 1]; bright = dense."""
    lin = np.linspace(-1.0, 1.0, size, dtype=np.float64)
    y, x = np.meshgrid(lin, lin, indexing="ij")
    eps = 1.5 / size
    ox, oy = rng.uniform(-0.04, 0.04, 2)
    x, y = x - ox, y - oy
    scale = rng.uniform(0.93, 1.05)

    # Body and soft tissue.
    body = _soft(1.0 - (x / (0.92 * scale)) ** 2 - (y / 1.25) ** 2 * 0.35, 4 * eps)
    img = 0.05 + 0.5 * body

    # Lungs (patient's right lung is on the image left).
    lungs = {
        "right": _Lung(-0.36 * scale, -0.08, 0.27 * scale, 0.62),
        "left": _Lung(0.37 * scale, -0.06, 0.25 * scale, 0.60),
    }
    dome = {}
    lung_mask = {}
    for side, lung in lungs.items():
        f = lung.field(x, y)
        dome[side] = (
            lung.cy
            + lung.b
            - 0.16 * np.clip(1 - ((x - lung.cx) / lung.a) ** 2, 0, 1)
            + (0.04 if side == "left" else 0.0)
        )
        lung_mask[side] = _soft(1.0 - f, 3 * eps) * _soft(dome[side] - y, eps)
    markings = 0.045 * _smooth_noise(rng, size, max(4, size // 6))
    lung_any = np.clip(lung_mask["right"] + lung_mask["left"], 0, 1)
    img = img - lung_any * (0.36 + markings)

    # Ribs: posterior arcs across each lung.
    phase = rng.uniform(0, np.pi)
    ribs = 0.5 + 0.5 * np.sin(2 * np.pi * (y + 0.35 * (np.abs(x) - 0.3) ** 2) * 4.2 + phase)
    img = img + 0.08 * lung_any * _soft(ribs - 0.8, 0.05)

    # Spine and mediastinum.
    img = img + 0.22 * _soft(0.09 - np.abs(x), eps) * body
    mediastinum = _soft(0.13 - np.abs(x - 0.02), 2 * eps) * _soft(0.15 - y, 2 * eps)
    img = np.maximum(img, 0.72 * mediastinum * body)

    # Heart: ellipse whose width / thoracic width is the cardiothoracic ratio.
    thorax_width = (lungs["left"].cx + lungs["left"].a) - (lungs["right"].cx - lungs["right"].a)
    ctr = rng.uniform(0.57, 0.68) if findings.cardiomegaly else rng.uniform(0.36, 0.46)
    hw = ctr * thorax_width / 2
    hcx = 0.06 + 0.25 * hw
    heart = _soft(1.0 - ((x - hcx) / hw) ** 2 - ((y - 0.3) / 0.27) ** 2, 2 * eps)
    img = np.maximum(img, 0.74 * heart)

    # Abdomen below the diaphragm.
    below = _soft(y - np.minimum(dome["right"], dome["left"]) - 0.02, 2 * eps) * _soft(y - 0.3, eps)
    img = np.maximum(img, 0.62 * below * body)

    if findings.effusion is not None:
        side_spec, severity = findings.effusion
        height = {"small": 0.16, "moderate": 0.36, "large": 0.6}[severity]
        for side in ("right", "left") if side_spec == "bilateral" else (side_spec,):
            lung = lungs[side]
            base = lung.cy + lung.b - height
            meniscus = base - 0.35 * height * np.clip(lung.lateral(x) / lung.a, 0, 1.2)
            fluid = lung_mask[side] * _soft(y - meniscus, eps)
            img = img * (1 - fluid) + 0.6 * fluid

    if findings.pneumothorax is not None:
        side, extent = findings.pneumothorax
        lung = lungs[side]
        thresh = 0.72 if extent == "small" else 0.4
        f = lung.field(x, y)
        upper = _soft(lung.cy + 0.35 - y, 2 * eps) * _soft(lung.lateral(x) + 0.04, 4 * eps)
        rim = lung_mask[side] * _soft(f - thresh, 2 * eps) * upper
        img = img * (1 - rim) + 0.04 * rim
        line = lung_mask[side] * _soft(0.05 - np.abs(f - thresh), eps) * upper
        img = np.maximum(img, 0.45 * line)

    if findings.consolidation is not None:
        side, zone = findings.consolidation
        lung = lungs[side]
        zy = lung.cy + (-0.3 if zone == "upper" else 0.28)
        blob = np.zeros_like(x)
        for _ in range(3):
            bx = lung.cx + rng.uniform(-0.08, 0.08)
            by = zy + rng.uniform(-0.08, 0.08)
            s = rng.uniform(0.08, 0.13)
            blob = np.maximum(blob, np.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * s * s)))
        img = img + 0.42 * blob * lung_mask[side]

    if findings.nodule is not None:
        side, zone = findings.nodule
        lung = lungs[side]
        nx = lung.cx + rng.uniform(-0.1, 0.1)
        ny = lung.cy + (-0.3 if zone == "upper" else 0.22) + rng.uniform(-0.08, 0.08)
        r = rng.uniform(0.055, 0.08)
        img = img + 0.38 * _soft(r - np.hypot(x - nx, y - ny), eps)

    if findings.device == "endotracheal tube":
        tube = _soft(0.028 - np.abs(x - 0.01), eps) * _soft(-0.35 - y, eps)
        img = np.maximum(img, 0.97 * tube)
    elif findings.device == "pacemaker":
        px, py = 0.55, -0.72
        box = _soft(0.1 - np.abs(x - px), eps) * _soft(0.065 - np.abs(y - py), eps)
        t = np.clip((y - py) / (0.3 - py), 0, 1)
        lead_x = px + (hcx - px) * t
        lead = _soft(0.02 - np.abs(x - lead_x), eps) * _soft(y - py, eps) * _soft(0.3 - y, eps)
        img = np.maximum(img, 0.97 * np.maximum(box, lead))
    elif findings.device == "central venous catheter":
        t = np.clip((y + 0.95) / 0.85, 0, 1)
        path_x = -0.42 + 0.36 * np.sqrt(t)
        line = _soft(0.022 - np.abs(x - path_x), eps) * _soft(y + 0.95, eps) * _soft(-0.1 - y, eps)
        img = np.maximum(img, 0.95 * line)

    gain = rng.uniform(0.88, 1.12)
    bias = rng.uniform(-0.04, 0.04)
    img = gain * img + bias + rng.normal(0.0, 0.018, img.shape)
    return np.clip(img, 0.0, 1.0).astype(np.float32)


# ----------------------------------------------------------------------------- reports


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _where(side: str, zone: str | None = None) -> str:
    return f"{side} {zone} lobe" if zone else f"{side} lung"


def write_report(findings: Findings, rng: np.random.Generator, negation_rate: float = 0.75) -> str:
    """One free-text report; absent findings are stated negatively with probability
    ``negation_rate`` (otherwise simply not mentioned)."""
    pos: list[str] = []
    neg: list[str] = []

    def say(present: list[str] | None, absent: list[str]) -> None:
        """A positive sentence when ``present`` is given, else maybe a negation."""
        if present is not None:
            pos.append(_pick(rng, present))
        elif absent and rng.random() < negation_rate:
            neg.append(_pick(rng, absent))

    dev = findings.device
    say(
        None
        if dev is None
        else [
            f"There is a {dev} in place.",
            f"A {dev} is present.",
            f"Interval placement of a {dev}.",
        ],
        [],
    )
    say(
        [
            "The heart is enlarged.",
            "Cardiomegaly is present.",
            "The cardiac silhouette is enlarged.",
            "Moderate cardiomegaly.",
        ]
        if findings.cardiomegaly
        else None,
        [
            "The heart size is normal.",
            "Heart size is within normal limits.",
            "No cardiomegaly.",
            "The cardiomediastinal silhouette is normal.",
        ],
    )
    cons = findings.consolidation
    say(
        None
        if cons is None
        else [
            f"There is consolidation in the {_where(*cons)}.",
            f"Focal airspace consolidation in the {_where(*cons)}.",
            f"{cons[0].capitalize()} {cons[1]} lobe consolidation is seen.",
        ],
        [
            "No focal consolidation.",
            "There is no focal airspace consolidation.",
            "The lungs are clear without consolidation.",
        ],
    )
    nod = findings.nodule
    say(
        None
        if nod is None
        else [
            f"A nodule is noted in the {_where(*nod)}.",
            f"There is a small pulmonary nodule in the {nod[0]} {nod[1]} zone.",
            f"{nod[0].capitalize()} {nod[1]} zone nodular opacity.",
        ],
        ["No pulmonary nodules.", "No suspicious pulmonary nodule."],
    )

    effusion_neg = pneumothorax_neg = False
    if findings.effusion is not None:
        side, severity = findings.effusion
        where = "bilateral" if side == "bilateral" else side
        plural = "effusions" if side == "bilateral" else "effusion"
        pos.append(
            _pick(
                rng,
                [
                    f"There is a {severity} {where} pleural {plural}.",
                    f"{severity.capitalize()} {where} pleural {plural}.",
                    f"{severity.capitalize()} {where} pleural {plural} with blunting of the "
                    "costophrenic angle.",
                ],
            )
        )
    else:
        effusion_neg = bool(rng.random() < negation_rate)
    if findings.pneumothorax is not None:
        side, extent = findings.pneumothorax
        pos.append(
            _pick(
                rng,
                [
                    f"There is a {extent} {side} pneumothorax.",
                    f"{extent.capitalize()} {side} apical pneumothorax.",
                    f"A {extent} {side} pneumothorax is present.",
                ],
            )
        )
    else:
        pneumothorax_neg = bool(rng.random() < negation_rate)
    if effusion_neg and pneumothorax_neg:
        neg.append(
            _pick(
                rng,
                [
                    "No pleural effusion or pneumothorax.",
                    "There is no pleural effusion or pneumothorax.",
                    "No pneumothorax or pleural effusion is seen.",
                ],
            )
        )
    else:
        if effusion_neg:
            neg.append(_pick(rng, ["No pleural effusion.", "There is no pleural effusion."]))
        if pneumothorax_neg:
            neg.append(_pick(rng, ["No pneumothorax.", "There is no pneumothorax."]))

    if not pos and rng.random() < 0.5:
        neg.append(_pick(rng, ["No acute cardiopulmonary abnormality.", "Normal chest."]))
    if not pos and not neg:
        neg.append("No acute cardiopulmonary abnormality.")
    return " ".join(pos + neg)


# ----------------------------------------------------------------------------- cohort


@dataclass
class Cohort:
    """Images (N, 1, S, S) float32 in [0, 1], reports, labels (N, len(LABELS)) and findings."""

    images: np.ndarray
    reports: list[str]
    labels: np.ndarray
    findings: list[Findings] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.reports)

    def subset(self, index: np.ndarray | list[int]) -> Cohort:
        idx = list(index)
        return Cohort(
            self.images[idx],
            [self.reports[i] for i in idx],
            self.labels[idx],
            [self.findings[i] for i in idx] if self.findings else [],
        )


def make_cohort(n: int, size: int, seed: int, prevalence: float = 0.22) -> Cohort:
    """A reproducible synthetic cohort of ``n`` studies at ``size`` x ``size`` pixels."""
    if n < 1:
        raise ValueError(f"cohort size must be at least 1, got {n}")
    if size < 32:
        raise ValueError(f"image size must be at least 32 pixels, got {size}")
    rng = np.random.default_rng(seed)
    findings = [sample_findings(rng, prevalence) for _ in range(n)]
    images = np.stack([render(f, size, rng) for f in findings])[:, None]
    reports = [write_report(f, rng) for f in findings]
    labels = np.array([f.label_vector() for f in findings], dtype=np.int64)
    return Cohort(images, reports, labels, findings)


def save_cohort(cohort: Cohort, path: Path) -> None:
    """Write a cohort as one ``.npz`` (images, labels) plus a JSON sidecar (reports, findings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, images=cohort.images, labels=cohort.labels)
    meta = {
        "synthetic": True,
        "labels": list(LABELS),
        "reports": cohort.reports,
        "findings": [asdict(f) for f in cohort.findings],
    }
    path.with_suffix(".json").write_text(json.dumps(meta, indent=1))


def _findings_from_json(data: dict[str, Any]) -> Findings:
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return Findings(**fields)


def load_cohort(path: Path) -> Cohort:
    """Read what :func:`save_cohort` wrote; a missing or malformed file is a ``ValueError``."""
    meta_path = path.with_suffix(".json")
    if not path.is_file() or not meta_path.is_file():
        raise ValueError(f"{path}: cohort not found (expected {path.name} and {meta_path.name})")
    try:
        with np.load(path, allow_pickle=False) as arrays:
            images, labels = arrays["images"], arrays["labels"]
        meta = json.loads(meta_path.read_text())
        findings = [_findings_from_json(f) for f in meta["findings"]]
        reports = list(meta["reports"])
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"{path}: not a valid cohort file: {exc}") from exc
    if not (len(images) == len(labels) == len(reports)):
        raise ValueError(f"{path}: images, labels and reports differ in length")
    return Cohort(images, reports, labels, findings)
