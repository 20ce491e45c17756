"""Real CT with masks and a clinical table, in the AIIB23 layout, through MONAI transforms.

Layout (folder names configurable)::

    ROOT/images/<case>.nii.gz     CT in HU (NIfTI; or a DICOM file / series folder per case)
    ROOT/lung/<case>.nii.gz       lung label (any value > 0)
    ROOT/airway/<case>.nii.gz     airway label (any value > 0)
    ROOT/clinical.csv             one row per case; ``id_column`` names the case

Clinical columns become sentences through a configurable map ``{column: template}`` (e.g.
``{"Age": "Age: {}.", "Smoker": "Smoker: {}."}``); empty cells are left out of the prompt.
Volumes are reoriented to RAS, resampled to ``spacing``, HU-windowed to [-1, 1], and padded or
cropped to ``shape``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from monai.transforms import (
    Compose,
    EnsureChannelFirstd,
    LoadImage,
    LoadImaged,
    Orientationd,
    ResizeWithPadOrCropd,
    ScaleIntensityRanged,
    Spacingd,
)

from demos.common.errors import DemoError

from .dataset import Tensors
from .text import PREFIX, build_prompt

AIIB23_TEMPLATES: dict[str, str] = {
    "Age": "Age: {}.",
    "Sex": "Sex: {}.",
    "Smoker": "Smoker: {}.",
    "PackYears": "Pack-years: {}.",
    "Diagnosis": "Diagnosis: {}.",
    "Status1Y": "1-year status: {}.",
}
SUFFIXES = (".nii.gz", ".nii", ".dcm", "")


class RealDataError(DemoError, ValueError):
    """A missing file, folder, column or case in a real-data folder."""


@dataclass
class RealDataSpec:
    root: Path
    image_dir: str = "images"
    lung_dir: str = "lung"
    airway_dir: str = "airway"
    table: str = "clinical.csv"
    id_column: str = "case_id"
    templates: Mapping[str, str] = field(default_factory=lambda: dict(AIIB23_TEMPLATES))


def _find(folder: Path, case: str) -> Path:
    for suffix in SUFFIXES:
        p = folder / f"{case}{suffix}"
        if p.exists():
            return p
    raise RealDataError(
        f"{folder}: no file for case {case!r} (tried {', '.join(s or 'folder' for s in SUFFIXES)})"
    )


def read_table(spec: RealDataSpec) -> list[dict[str, str]]:
    """Rows of the clinical CSV; a missing id column or template column is an error naming the file."""
    path = Path(spec.root) / spec.table
    if not path.is_file():
        raise RealDataError(f"{path}: clinical table not found")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        columns = reader.fieldnames or []
        rows = list(reader)
    missing = [c for c in [spec.id_column, *spec.templates] if c not in columns]
    if missing:
        raise RealDataError(
            f"{path}:1: missing column(s) {', '.join(missing)} (found {', '.join(columns)})"
        )
    return rows


def prompt_for(row: Mapping[str, str], spec: RealDataSpec) -> str:
    """The sentence for one table row, through the spec's column-to-sentence map."""
    return build_prompt(
        {k: row.get(k) for k in spec.templates}, templates=spec.templates, prefix=PREFIX
    )


def load_ct(path: str | Path) -> np.ndarray:
    """A CT image (NIfTI file, DICOM file or DICOM series folder) as a float32 HU array."""
    path = Path(path)
    if not path.exists():
        raise RealDataError(f"{path}: not found")
    img = LoadImage(reader=_reader(path), image_only=True)(str(path))
    return np.asarray(img, dtype=np.float32)


def _reader(path: Path) -> str:
    return "PydicomReader" if path.is_dir() or path.suffix == ".dcm" else "NibabelReader"


def case_transform(
    shape: tuple[int, ...],
    spacing: tuple[float, ...],
    hu_min: float,
    hu_max: float,
    files: Mapping[str, Path],
) -> Compose:
    """MONAI pipeline: load (NIfTI or DICOM per file), channel-first, RAS, resample, HU window to
    [-1, 1], pad/crop to ``shape``."""
    keys = ["image", "lung", "airway"]
    return Compose(
        [
            *[LoadImaged(keys=k, reader=_reader(files[k]), image_only=True) for k in keys],
            EnsureChannelFirstd(keys=keys, channel_dim="no_channel"),
            Orientationd(keys=keys, axcodes="RAS"[: len(shape)] if len(shape) == 3 else "RA"),
            Spacingd(keys=keys, pixdim=spacing, mode=("bilinear", "nearest", "nearest")),
            ScaleIntensityRanged(
                keys="image", a_min=hu_min, a_max=hu_max, b_min=-1.0, b_max=1.0, clip=True
            ),
            ResizeWithPadOrCropd(keys=keys, spatial_size=shape, constant_values=0),
        ]
    )


def load_real(
    spec: RealDataSpec,
    shape: tuple[int, ...],
    spacing: tuple[float, ...],
    hu_min: float = -1000.0,
    hu_max: float = 400.0,
) -> tuple[Tensors, list[str]]:
    """All cases of the table as tensors (images in [-1, 1], masks, prompts) and their ids."""
    root = Path(spec.root)
    for sub in (spec.image_dir, spec.lung_dir, spec.airway_dir):
        if not (root / sub).is_dir():
            raise RealDataError(f"{root / sub}: folder not found")
    rows = read_table(spec)
    if not rows:
        raise RealDataError(f"{root / spec.table}: no cases")
    images, masks, prompts, ids = [], [], [], []
    for row in rows:
        case = row[spec.id_column].strip()
        files = {
            "image": _find(root / spec.image_dir, case),
            "lung": _find(root / spec.lung_dir, case),
            "airway": _find(root / spec.airway_dir, case),
        }
        out = case_transform(shape, spacing, hu_min, hu_max, files)(
            {k: str(v) for k, v in files.items()}
        )
        images.append(torch.as_tensor(np.asarray(out["image"]), dtype=torch.float32))
        lung = torch.as_tensor(np.asarray(out["lung"]) > 0, dtype=torch.float32)
        airway = torch.as_tensor(np.asarray(out["airway"]) > 0, dtype=torch.float32)
        masks.append(torch.cat([lung * (1 - airway), airway]))
        prompts.append(prompt_for(row, spec))
        ids.append(case)
    return Tensors(images=torch.stack(images), masks=torch.stack(masks), prompts=prompts), ids
