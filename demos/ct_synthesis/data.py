"""A synthetic chest-CT cohort with known truth (procedural phantoms, masks, a clinical table).

Everything here is SYNTHETIC. Anatomy lives in normalised coordinates ``(z, y, x)`` in ``[-1, 1]``
(z: cranial -1 to caudal +1, y: posterior to anterior, x: right to left). A 3D case is the phantom on
a ``(D, H, W)`` grid; a 2D case is the coronal slice through the lungs, an ``(H, W) = (z, x)`` grid,
so the upper zone is the top of the image.

Clinical attributes act on the lungs only, through analytic fields the code knows:

- smoking: ``-(pack_years / 35) * 70 * upper`` HU with ``upper = (1 - u)^2`` (u: 0 at the lung
  apex, 1 at the base), plus zero-mean low-attenuation clusters in the upper zone (texture);
- age: ``-0.6 * (age - 60)`` HU everywhere in the lungs;
- diagnosis: basal, subpleural increase (IPF 60 HU with zero-mean reticulation texture, CTD-ILD
  35 HU, UILD 20 HU);
- sex and 1-year status: no effect (sex is the negative control).

``expected_hu`` is the noise-free image (no texture, no noise); ``image_hu`` adds the zero-mean
texture and Gaussian noise, so ``E[image_hu] ~= expected_hu``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

MEAN_PACK_YEARS = 35.0  # pack-years ~ U(10, 60): the expected effect of "Smoker: yes" alone
SMOKING_HU = 70.0  # density drop at the apex for the mean pack-years
DIAGNOSES = ("CTD-ILD", "IPF", "UILD")
DIAGNOSIS_HU = {"CTD-ILD": 35.0, "IPF": 60.0, "UILD": 20.0}
HU_AIR, HU_LUNG, HU_FAT, HU_SOFT, HU_BLOOD, HU_BONE = -1000.0, -860.0, -100.0, 40.0, 45.0, 600.0
NOISE_HU = 10.0
COLUMNS = ("case_id", "age", "sex", "smoker", "pack_years", "diagnosis", "status_1y")


@dataclass
class Attributes:
    """One row of the clinical table; ``None`` is a missing value."""

    age: int | None = None
    sex: str | None = None  # "male" | "female"
    smoker: str | None = None  # "yes" | "no"
    pack_years: float | None = None
    diagnosis: str | None = None  # one of DIAGNOSES
    status_1y: str | None = None  # "alive" | "dead"


@dataclass
class Segment:
    """A tube from ``a`` to ``b`` (normalised z, y, x) with a radius."""

    a: tuple[float, float, float]
    b: tuple[float, float, float]
    radius: float


@dataclass
class Anatomy:
    """Geometry of one synthetic chest (normalised coordinates)."""

    body_radii: tuple[float, float]  # (x, y) semi-axes of the elliptic body cylinder
    lung_center: tuple[float, float, float]  # (z, y, |x|): lungs mirrored in x
    lung_radii: tuple[float, float, float]  # (z, y, x)
    heart_center: tuple[float, float, float]
    heart_radii: tuple[float, float, float]
    slice_y: float  # coronal slice position for the 2D view
    airways: list[Segment] = field(default_factory=list)
    vessels: list[Segment] = field(default_factory=list)
    texture_seed: int = 0


@dataclass
class Case:
    """A rendered case: images in HU, masks, and what produced them."""

    case_id: str
    anatomy: Anatomy
    attributes: Attributes  # the true attributes (the table may hide some)
    table: Attributes  # the row as recorded, with missing values
    image_hu: np.ndarray  # (H, W) or (D, H, W) float32
    expected_hu: np.ndarray
    lung: np.ndarray  # uint8 masks, same shape
    airway: np.ndarray
    body: np.ndarray


def _grid(shape: tuple[int, ...], slice_y: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates (z, y, x) for a 2D coronal slice (H, W) or a 3D volume (D, H, W)."""
    if len(shape) == 2:
        z = np.linspace(-1, 1, shape[0], dtype=np.float32)[:, None]
        x = np.linspace(-1, 1, shape[1], dtype=np.float32)[None, :]
        y = np.full((1, 1), slice_y, dtype=np.float32)
        return z, y, x
    if len(shape) == 3:
        z = np.linspace(-1, 1, shape[0], dtype=np.float32)[:, None, None]
        y = np.linspace(1, -1, shape[1], dtype=np.float32)[None, :, None]  # anterior at the top row
        x = np.linspace(-1, 1, shape[2], dtype=np.float32)[None, None, :]
        return z, y, x
    raise ValueError(f"shape must be 2D or 3D, got {shape}")


def _tube_distance(z: np.ndarray, y: np.ndarray, x: np.ndarray, seg: Segment) -> np.ndarray:
    a = np.asarray(seg.a, dtype=np.float32)
    d = np.asarray(seg.b, dtype=np.float32) - a
    pz, py, px = z - a[0], y - a[1], x - a[2]
    t = np.clip((pz * d[0] + py * d[1] + px * d[2]) / float(d @ d + 1e-9), 0.0, 1.0)
    return np.sqrt((pz - t * d[0]) ** 2 + (py - t * d[1]) ** 2 + (px - t * d[2]) ** 2)


def _branch(
    rng: np.random.Generator, seg: Segment, depth: int, out: list[Segment], side: float
) -> None:
    """Append two children of ``seg`` (recursively) spreading mostly in z and x."""
    out.append(seg)
    if depth == 0:
        return
    a, b = np.asarray(seg.a), np.asarray(seg.b)
    direction = (b - a) / (np.linalg.norm(b - a) + 1e-9)
    length = float(np.linalg.norm(b - a)) * rng.uniform(0.6, 0.75)
    for turn in (-1.0, 1.0):
        angle = turn * rng.uniform(0.35, 0.6)
        c, s = np.cos(angle), np.sin(angle)
        dz = c * direction[0] - s * direction[2]
        dx = s * direction[0] + c * direction[2]
        dy = direction[1] * 0.5 + rng.uniform(-0.1, 0.1)
        new_dir = np.array([dz, dy, dx]) / np.linalg.norm([dz, dy, dx])
        end = b + length * new_dir
        child = Segment(tuple(b.tolist()), tuple(end.tolist()), seg.radius * 0.75)  # type: ignore[arg-type]
        _branch(rng, child, depth - 1, out, side)


def sample_anatomy(rng: np.random.Generator) -> Anatomy:
    """Random chest geometry: body, mirrored lungs, heart, airway tree and the vessels beside it."""
    lz, ly, lx = rng.uniform(-0.05, 0.08), rng.uniform(-0.05, 0.05), rng.uniform(0.38, 0.44)
    rz, ry, rx = rng.uniform(0.68, 0.78), rng.uniform(0.42, 0.5), rng.uniform(0.25, 0.31)
    # body habitus follows the lungs (so the masks say where the body wall is), with small jitter
    heart_c = (lz + rz * 0.55, ly + 0.12, 0.08 + rng.uniform(-0.01, 0.01))
    heart_r = (0.42 * rz, 0.3, 0.85 * rx)
    carina = (lz - rz * 0.35, ly + 0.02, 0.0)
    airways = [Segment((-1.0, ly + 0.05, 0.0), carina, 0.05)]
    vessels: list[Segment] = []
    for side in (-1.0, 1.0):
        hilum = (lz - rz * 0.05, ly, side * (lx - rx * 0.35))
        main: list[Segment] = []
        _branch(rng, Segment(carina, hilum, 0.035), 2, main, side)
        airways.extend(main)
        for seg in main[1:] if len(main) > 1 else main:
            off = np.array([0.0, 0.0, side * seg.radius * 2.2])
            a = tuple((np.asarray(seg.a) + off).tolist())
            b = tuple((np.asarray(seg.b) + off).tolist())
            vessels.append(Segment(a, b, seg.radius * 0.9))  # type: ignore[arg-type]
    return Anatomy(
        body_radii=(min(0.97, lx + rx + 0.2 + rng.uniform(0.0, 0.02)), rng.uniform(0.64, 0.68)),
        lung_center=(lz, ly, lx),
        lung_radii=(rz, ry, rx),
        heart_center=heart_c,
        heart_radii=heart_r,
        slice_y=float(ly + rng.uniform(-0.04, 0.04)),
        airways=airways,
        vessels=vessels,
        texture_seed=int(rng.integers(0, 2**31 - 1)),
    )


@dataclass
class Fields:
    """Geometry rendered on a grid: masks and the analytic weighting fields inside the lungs."""

    body: np.ndarray  # bool
    fat: np.ndarray  # bool
    lung: np.ndarray  # bool, parenchyma + airways inside it
    airway: np.ndarray  # bool (lumen)
    vessel: np.ndarray  # bool
    heart: np.ndarray  # bool
    spine: np.ndarray  # bool
    upper: np.ndarray  # float in [0, 1], 1 at the apex
    basal_periph: np.ndarray  # float in [0, 1], high at the bases near the pleura


def render_fields(anatomy: Anatomy, shape: tuple[int, ...]) -> Fields:
    """Rasterise the geometry of ``anatomy`` on a 2D coronal or 3D grid."""
    z, y, x = _grid(shape, anatomy.slice_y)
    bx, by = anatomy.body_radii
    taper = 1.0 - 0.1 * np.clip(-(z + 0.3), 0.0, 1.0)
    body_r = (x / (bx * taper)) ** 2 + (y / by) ** 2
    body = body_r <= 1.0
    fat = body & (body_r > 0.82)
    lz, ly, lx = anatomy.lung_center
    rz, ry, rx = anatomy.lung_radii
    hz, hy, hx = anatomy.heart_center
    hrz, hry, hrx = anatomy.heart_radii
    heart = ((z - hz) / hrz) ** 2 + ((y - hy) / hry) ** 2 + ((x - hx) / hrx) ** 2 <= 1.0
    spine = (x / 0.1) ** 2 + ((y + 0.48) / 0.1) ** 2 <= 1.0
    lung = np.zeros(np.broadcast_shapes(z.shape, y.shape, x.shape), dtype=bool)
    radius2 = np.full(lung.shape, 9.0, dtype=np.float32)
    for side in (-1.0, 1.0):
        r2 = ((z - lz) / rz) ** 2 + ((y - ly) / ry) ** 2 + ((x - side * lx) / rx) ** 2
        inside = np.broadcast_to(r2 <= 1.0, lung.shape)
        lung |= inside
        radius2 = np.where(inside, np.minimum(radius2, r2), radius2)
    lung &= ~heart & body & ~fat
    airway = np.zeros(lung.shape, dtype=bool)
    for seg in anatomy.airways:
        airway |= _tube_distance(z, y, x, seg) <= seg.radius
    vessel = np.zeros(lung.shape, dtype=bool)
    for seg in anatomy.vessels:
        vessel |= _tube_distance(z, y, x, seg) <= seg.radius
    vessel &= lung & ~airway
    u = np.clip((z - (lz - rz)) / (2.0 * rz), 0.0, 1.0)  # 0 at the apex, 1 at the base
    upper = np.broadcast_to((1.0 - u) ** 2, lung.shape).astype(np.float32)
    basal = np.broadcast_to(u**2, lung.shape) * np.clip(radius2, 0.0, 1.0)
    return Fields(
        body=np.broadcast_to(body, lung.shape).copy(),
        fat=np.broadcast_to(fat, lung.shape).copy(),
        lung=lung,
        airway=airway & body,
        vessel=vessel,
        heart=np.broadcast_to(heart & body, lung.shape).copy(),
        spine=np.broadcast_to(spine & body, lung.shape).copy(),
        upper=upper * lung,
        basal_periph=(basal * lung).astype(np.float32),
    )


def smoking_effect_hu(f: Fields, a: Attributes) -> np.ndarray:
    """Mean lung change caused by smoking (zero for non-smokers or unknown status)."""
    if a.smoker != "yes":
        return np.zeros(f.lung.shape, np.float32)
    py = MEAN_PACK_YEARS if a.pack_years is None else float(a.pack_years)
    return (-(py / MEAN_PACK_YEARS) * SMOKING_HU * f.upper * f.lung).astype(np.float32)


def lung_density_hu(f: Fields, a: Attributes) -> np.ndarray:
    """Noise-free parenchymal HU from the attributes (the known truth of the cohort)."""
    hu = np.full(f.lung.shape, HU_LUNG, np.float32)
    if a.age is not None:
        hu += -0.6 * (a.age - 60.0)
    hu += smoking_effect_hu(f, a)
    if a.diagnosis is not None:
        hu += DIAGNOSIS_HU[a.diagnosis] * f.basal_periph
    return hu


def expected_image(f: Fields, a: Attributes) -> np.ndarray:
    """The noise-free image in HU for given geometry and attributes."""
    img = np.full(f.lung.shape, HU_AIR, np.float32)
    img[f.body] = HU_SOFT
    img[f.fat] = HU_FAT
    img[f.heart] = HU_BLOOD
    img[f.spine] = HU_BONE
    img = np.where(f.lung, lung_density_hu(f, a), img)
    img[f.vessel] = HU_BLOOD
    img[f.airway] = HU_AIR
    return img.astype(np.float32)


def texture_hu(f: Fields, a: Attributes, seed: int) -> np.ndarray:
    """Zero-mean stochastic texture: emphysema-like clusters, reticulation, and scanner noise."""
    rng = np.random.default_rng(seed)
    shape = f.lung.shape
    tex = rng.normal(0.0, NOISE_HU, size=shape).astype(np.float32)
    coords = np.meshgrid(*[np.linspace(-1, 1, n, dtype=np.float32) for n in shape], indexing="ij")
    if a.smoker == "yes":
        py = MEAN_PACK_YEARS if a.pack_years is None else float(a.pack_years)
        blobs = np.zeros(shape, np.float32)
        for _ in range(int(6 * len(shape))):
            c = rng.uniform(-0.8, 0.8, size=len(shape))
            r2 = sum((g - ci) ** 2 for g, ci in zip(coords, c, strict=True))
            blobs += np.exp(-r2 / (2 * 0.05**2)).astype(np.float32)
        inside = f.lung & (f.upper > 0.3)
        if inside.any():
            blobs -= blobs[inside].mean()
        tex += -(py / MEAN_PACK_YEARS) * 60.0 * blobs * f.upper * f.lung
    if a.diagnosis == "IPF":
        phase = rng.uniform(0, 2 * np.pi, size=2)
        pattern = np.sin(40 * coords[0] + phase[0]) * np.sin(40 * coords[-1] + phase[1])
        tex += 40.0 * pattern.astype(np.float32) * f.basal_periph
    return tex


def sample_attributes(rng: np.random.Generator) -> Attributes:
    """Draw the true attributes of one synthetic patient."""
    smoker = "yes" if rng.random() < 0.5 else "no"
    age = int(rng.integers(40, 86))
    diagnosis = str(rng.choice(DIAGNOSES, p=[0.3, 0.4, 0.3]))
    risk = -3.0 + 0.04 * (age - 40) + (1.0 if diagnosis == "IPF" else 0.0)
    return Attributes(
        age=age,
        sex="male" if rng.random() < 0.5 else "female",
        smoker=smoker,
        pack_years=float(rng.integers(10, 61)) if smoker == "yes" else None,
        diagnosis=diagnosis,
        status_1y="dead" if rng.random() < 1.0 / (1.0 + np.exp(-risk)) else "alive",
    )


def hide_values(a: Attributes, rng: np.random.Generator, p_missing: float) -> Attributes:
    """The recorded row: each value missing with probability ``p_missing`` (pack-years with smoking)."""
    row = replace(a)
    for name in ("age", "sex", "smoker", "pack_years", "diagnosis", "status_1y"):
        if rng.random() < p_missing:
            setattr(row, name, None)
    if row.smoker is None:
        row.pack_years = None
    return row


def render_case(
    case_id: str,
    anatomy: Anatomy,
    attributes: Attributes,
    table: Attributes,
    shape: tuple[int, ...],
) -> Case:
    f = render_fields(anatomy, shape)
    expected = expected_image(f, attributes)
    image = expected + texture_hu(f, attributes, anatomy.texture_seed) * f.body
    return Case(
        case_id=case_id,
        anatomy=anatomy,
        attributes=attributes,
        table=table,
        image_hu=image.astype(np.float32),
        expected_hu=expected,
        lung=(f.lung & ~f.airway).astype(np.uint8),
        airway=f.airway.astype(np.uint8),
        body=f.body.astype(np.uint8),
    )


def make_cohort(
    n: int, shape: tuple[int, ...], seed: int, p_missing: float = 0.12, prefix: str = "syn"
) -> list[Case]:
    """``n`` synthetic cases on a 2D ``(H, W)`` or 3D ``(D, H, W)`` grid, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(n):
        anatomy = sample_anatomy(rng)
        attrs = sample_attributes(rng)
        cases.append(
            render_case(
                f"{prefix}{seed}_{i:04d}", anatomy, attrs, hide_values(attrs, rng, p_missing), shape
            )
        )
    return cases
