"""Drawing one SYNTHETIC frontal chest radiograph from its :class:`~.findings.Findings`.

The image only imitates the look of a PA film (thorax, lungs with markings, ribs, spine, heart,
diaphragm, mediastinum, then each finding painted in); research and education only.
Coordinates: ``x`` and ``y`` run over [-1, 1]; ``x`` grows to the image right, which on a PA film
is the patient's LEFT. Random draws happen in a fixed order, so a seed gives one image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .findings import Findings


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


@dataclass
class _Chest:
    """The drawn anatomy the findings are painted into."""

    x: np.ndarray  # (S, S) image coordinates after the random shift
    y: np.ndarray
    eps: float  # edge softness: 1.5 pixels
    lungs: dict[str, _Lung]
    lung_mask: dict[str, np.ndarray]  # (S, S) soft masks per side
    heart_cx: float  # the pacemaker lead ends at the heart


def _anatomy(size: int, rng: np.random.Generator, cardiomegaly: bool) -> tuple[np.ndarray, _Chest]:
    """Body, lungs with markings, ribs, spine, mediastinum, heart and abdomen: (S, S) and geometry."""
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
    ctr = rng.uniform(0.57, 0.68) if cardiomegaly else rng.uniform(0.36, 0.46)
    hw = ctr * thorax_width / 2
    hcx = 0.06 + 0.25 * hw
    heart = _soft(1.0 - ((x - hcx) / hw) ** 2 - ((y - 0.3) / 0.27) ** 2, 2 * eps)
    img = np.maximum(img, 0.74 * heart)

    # Abdomen below the diaphragm.
    below = _soft(y - np.minimum(dome["right"], dome["left"]) - 0.02, 2 * eps) * _soft(y - 0.3, eps)
    img = np.maximum(img, 0.62 * below * body)
    return img, _Chest(x, y, eps, lungs, lung_mask, hcx)


def _effusion(img: np.ndarray, c: _Chest, effusion: tuple[str, str]) -> np.ndarray:
    """Fluid filling the costophrenic angle(s) up to a meniscus."""
    side_spec, severity = effusion
    height = {"small": 0.16, "moderate": 0.36, "large": 0.6}[severity]
    for side in ("right", "left") if side_spec == "bilateral" else (side_spec,):
        lung = c.lungs[side]
        base = lung.cy + lung.b - height
        meniscus = base - 0.35 * height * np.clip(lung.lateral(c.x) / lung.a, 0, 1.2)
        fluid = c.lung_mask[side] * _soft(c.y - meniscus, c.eps)
        img = img * (1 - fluid) + 0.6 * fluid
    return img


def _pneumothorax(img: np.ndarray, c: _Chest, pneumothorax: tuple[str, str]) -> np.ndarray:
    """A dark apical rim without markings, and the visceral pleural line."""
    side, extent = pneumothorax
    lung, eps = c.lungs[side], c.eps
    thresh = 0.72 if extent == "small" else 0.4
    f = lung.field(c.x, c.y)
    upper = _soft(lung.cy + 0.35 - c.y, 2 * eps) * _soft(lung.lateral(c.x) + 0.04, 4 * eps)
    rim = c.lung_mask[side] * _soft(f - thresh, 2 * eps) * upper
    img = img * (1 - rim) + 0.04 * rim
    line = c.lung_mask[side] * _soft(0.05 - np.abs(f - thresh), eps) * upper
    return np.maximum(img, 0.45 * line)


def _consolidation(
    img: np.ndarray, c: _Chest, consolidation: tuple[str, str], rng: np.random.Generator
) -> np.ndarray:
    """Three overlapping Gaussian opacities in one zone of one lung."""
    side, zone = consolidation
    lung, x, y = c.lungs[side], c.x, c.y
    zy = lung.cy + (-0.3 if zone == "upper" else 0.28)
    blob = np.zeros_like(x)
    for _ in range(3):
        bx = lung.cx + rng.uniform(-0.08, 0.08)
        by = zy + rng.uniform(-0.08, 0.08)
        s = rng.uniform(0.08, 0.13)
        blob = np.maximum(blob, np.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * s * s)))
    return img + 0.42 * blob * c.lung_mask[side]


def _nodule(
    img: np.ndarray, c: _Chest, nodule: tuple[str, str], rng: np.random.Generator
) -> np.ndarray:
    """A small round opacity."""
    side, zone = nodule
    lung = c.lungs[side]
    nx = lung.cx + rng.uniform(-0.1, 0.1)
    ny = lung.cy + (-0.3 if zone == "upper" else 0.22) + rng.uniform(-0.08, 0.08)
    r = rng.uniform(0.055, 0.08)
    return img + 0.38 * _soft(r - np.hypot(c.x - nx, c.y - ny), c.eps)


def _device(img: np.ndarray, c: _Chest, device: str) -> np.ndarray:
    """Radio-dense tube, pacemaker with lead, or central venous catheter."""
    x, y, eps = c.x, c.y, c.eps
    if device == "endotracheal tube":
        tube = _soft(0.028 - np.abs(x - 0.01), eps) * _soft(-0.35 - y, eps)
        return np.maximum(img, 0.97 * tube)
    if device == "pacemaker":
        px, py = 0.55, -0.72
        box = _soft(0.1 - np.abs(x - px), eps) * _soft(0.065 - np.abs(y - py), eps)
        t = np.clip((y - py) / (0.3 - py), 0, 1)
        lead_x = px + (c.heart_cx - px) * t
        lead = _soft(0.02 - np.abs(x - lead_x), eps) * _soft(y - py, eps) * _soft(0.3 - y, eps)
        return np.maximum(img, 0.97 * np.maximum(box, lead))
    if device == "central venous catheter":
        t = np.clip((y + 0.95) / 0.85, 0, 1)
        path_x = -0.42 + 0.36 * np.sqrt(t)
        line = _soft(0.022 - np.abs(x - path_x), eps) * _soft(y + 0.95, eps) * _soft(-0.1 - y, eps)
        return np.maximum(img, 0.95 * line)
    return img


def render(findings: Findings, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draw one frontal chest radiograph, float32 (size, size) in [0, 1]; bright = dense."""
    img, chest = _anatomy(size, rng, findings.cardiomegaly)
    if findings.effusion is not None:
        img = _effusion(img, chest, findings.effusion)
    if findings.pneumothorax is not None:
        img = _pneumothorax(img, chest, findings.pneumothorax)
    if findings.consolidation is not None:
        img = _consolidation(img, chest, findings.consolidation, rng)
    if findings.nodule is not None:
        img = _nodule(img, chest, findings.nodule, rng)
    if findings.device is not None:
        img = _device(img, chest, findings.device)
    gain = rng.uniform(0.88, 1.12)
    bias = rng.uniform(-0.04, 0.04)
    img = gain * img + bias + rng.normal(0.0, 0.018, img.shape)
    return np.clip(img, 0.0, 1.0).astype(np.float32)
