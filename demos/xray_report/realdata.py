"""Real chest X-ray inputs: image files, DICOM, and the IU X-ray / OpenI / MIMIC-CXR-JPG layouts.

- Images: PNG/JPEG through Pillow, DICOM through pydicom (modality and VOI LUTs applied,
  MONOCHROME1 inverted), then percentile-normalised to [0, 1], padded to a square and resized.
- IU X-ray as distributed with R2Gen: ``annotation.json`` (``{"train"|"val"|"test": [{"id",
  "report", "image_path": [...]}]}``) and ``images/``; the first (frontal) image of each study is used.
- OpenI: ``ecgen-radiology/*.xml`` reports (FINDINGS and IMPRESSION) and ``NLMCXR_png/<id>.png``;
  the split is a stable hash of the report file name (70 / 10 / 20).
- MIMIC-CXR-JPG: ``files/pXX/pSUBJECT/sSTUDY/<dicom_id>.jpg``, ``mimic-cxr-2.0.0-split.csv[.gz]``,
  ``mimic-cxr-2.0.0-metadata.csv[.gz]`` (one PA, else AP, image per study),
  ``mimic-cxr-2.0.0-chexpert.csv[.gz]`` labels (uncertain counts as positive) and report texts
  ``sSTUDY.txt`` beside the study folders or under ``mimic-cxr-reports/files/``.

Without CheXpert labels the rule-based labeler reads the reference reports. No real data ships with
this repository: these loaders need the datasets under their own licences.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import torch
import torch.nn.functional as F

from demos.common.errors import DemoError
from demos.xray_report.data import LABELS, PATHOLOGIES, Cohort
from demos.xray_report.labeler import label_vector


class ImageError(DemoError, ValueError):
    """An input image cannot be read or has no usable pixels."""


class DatasetError(DemoError, ValueError):
    """A dataset folder does not have the expected layout."""


# ----------------------------------------------------------------------------- images


def dicom_pixels(path: Path) -> np.ndarray:
    """Pixel values of a DICOM radiograph, float64 (H, W), higher = denser (MONOCHROME2)."""
    import pydicom
    from pydicom.errors import InvalidDicomError
    from pydicom.pixels import apply_modality_lut, apply_voi_lut

    try:
        ds = pydicom.dcmread(path)
        arr = np.asarray(ds.pixel_array, dtype=np.float64)
    except (InvalidDicomError, AttributeError, ValueError, OSError, RuntimeError) as err:
        raise ImageError(f"{path}: cannot read DICOM image ({err})") from None
    if arr.ndim == 3 and arr.shape[-1] in (3, 4):
        arr = arr[..., :3].mean(axis=-1)
    if arr.ndim != 2:
        raise ImageError(f"{path}: expected a single 2D frame, got pixel array {arr.shape}")
    arr = np.asarray(apply_modality_lut(arr, ds), dtype=np.float64)
    if "WindowCenter" in ds or "VOILUTSequence" in ds:
        arr = np.asarray(apply_voi_lut(arr, ds), dtype=np.float64)
    if getattr(ds, "PhotometricInterpretation", "MONOCHROME2") == "MONOCHROME1":
        arr = arr.max() - arr
    return arr


def read_pixels(path: Path) -> np.ndarray:
    """Grayscale pixels of an image file (PNG, JPEG, ... or DICOM), float64 (H, W)."""
    if not path.is_file():
        raise ImageError(f"{path}: image file not found")
    with path.open("rb") as fh:
        head = fh.read(132)
    if path.suffix.lower() in (".dcm", ".dicom") or head[128:132] == b"DICM":
        return dicom_pixels(path)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            return np.asarray(im.convert("F"), dtype=np.float64)
    except (UnidentifiedImageError, OSError, ValueError) as err:
        raise ImageError(f"{path}: cannot read image ({err})") from None


def preprocess(pixels: np.ndarray, size: int, source: str = "image") -> np.ndarray:
    """(H, W) pixels -> float32 (1, size, size) in [0, 1]: 0.5-99.5 percentile window,
    zero-padded to a square (centred), area-resized."""
    if pixels.ndim != 2 or min(pixels.shape) < 2:
        raise ImageError(f"{source}: expected a 2D image, got shape {pixels.shape}")
    if not np.isfinite(pixels).all():
        raise ImageError(f"{source}: image has non-finite pixel values")
    lo, hi = np.percentile(pixels, [0.5, 99.5])
    if hi <= lo:
        raise ImageError(f"{source}: image is blank (constant pixel values)")
    x = np.clip((pixels - lo) / (hi - lo), 0.0, 1.0)
    h, w = x.shape
    side = max(h, w)
    square = np.zeros((side, side))
    top, left = (side - h) // 2, (side - w) // 2
    square[top : top + h, left : left + w] = x
    t = torch.as_tensor(square, dtype=torch.float32)[None, None]
    resized = F.interpolate(t, size=(size, size), mode="area")[0]  # (1, size, size)
    return resized.clamp(0, 1).numpy()


def load_image(path: Path, size: int) -> np.ndarray:
    """Read and preprocess one image file: float32 (1, size, size) in [0, 1]."""
    return preprocess(read_pixels(path), size, str(path))


# ----------------------------------------------------------------------------- datasets


def _cohort(items: list[tuple[Path, str, list[int] | None]], size: int, what: str) -> Cohort:
    if not items:
        raise DatasetError(f"{what}: no studies found")
    images = np.stack([load_image(p, size) for p, _, _ in items])
    reports = [r for _, r, _ in items]
    labels = np.array(
        [lab if lab is not None else label_vector(r) for _, r, lab in items], dtype=np.int64
    )
    return Cohort(images, reports, labels)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("XXXX", "")).strip()


def load_iu_xray(root: Path, size: int) -> tuple[Cohort, Cohort, Cohort]:
    """R2Gen's IU X-ray release: ``annotation.json`` and ``images/``."""
    ann_path = root / "annotation.json"
    if not ann_path.is_file():
        raise DatasetError(f"{ann_path}: not found (expected R2Gen's IU X-ray annotation.json)")
    try:
        ann = json.loads(ann_path.read_text())
    except json.JSONDecodeError as err:
        raise DatasetError(f"{ann_path}:{err.lineno}: invalid JSON: {err.msg}") from None
    splits = []
    for split in ("train", "val", "test"):
        items: list[tuple[Path, str, list[int] | None]] = []
        for i, entry in enumerate(ann.get(split, [])):
            try:
                image = root / "images" / entry["image_path"][0]
                report = _clean(entry["report"])
            except (KeyError, IndexError, TypeError):
                raise DatasetError(
                    f"{ann_path}: {split}[{i}]: needs 'report' and a non-empty 'image_path'"
                ) from None
            if report:
                items.append((image, report, None))
        splits.append(_cohort(items, size, f"{ann_path} [{split}]"))
    return splits[0], splits[1], splits[2]


@dataclass(frozen=True)
class OpenIReport:
    """One OpenI report XML: its id (the file stem), FINDINGS + IMPRESSION (``XXXX`` removed),
    its image ids and NLM's MeSH ``major`` terms (``Heading/qualifier/...``)."""

    id: str
    text: str
    images: tuple[str, ...]
    mesh_major: tuple[str, ...]


def read_openi_xml(xml: Path) -> OpenIReport:
    """Read one OpenI report XML; malformed XML is a :class:`DatasetError` naming file and line."""
    try:
        tree = ElementTree.parse(xml)
    except ElementTree.ParseError as err:
        raise DatasetError(f"{xml}:{err.position[0]}: invalid XML: {err}") from None
    sections = {
        (node.get("Label") or "").upper(): node.text or "" for node in tree.iter("AbstractText")
    }
    return OpenIReport(
        id=xml.stem,
        text=_clean(" ".join(sections.get(k, "") for k in ("FINDINGS", "IMPRESSION"))),
        images=tuple(i for node in tree.iter("parentImage") if (i := node.get("id"))),
        mesh_major=tuple(t for node in tree.iter("major") if (t := (node.text or "").strip())),
    )


def openi_xml_files(root: Path) -> list[Path]:
    """The report XMLs of an OpenI folder (``root/ecgen-radiology/*.xml``), sorted."""
    folder = root / "ecgen-radiology"
    files = sorted(folder.glob("*.xml"))
    if not files:
        raise DatasetError(f"{folder}: no OpenI report XML files found")
    return files


def _openi_studies(root: Path) -> Iterator[tuple[str, Path, str]]:
    for xml in openi_xml_files(root):
        study = read_openi_xml(xml)
        if study.text and study.images:
            yield study.id, root / "NLMCXR_png" / f"{study.images[0]}.png", study.text


def load_openi(root: Path, size: int) -> tuple[Cohort, Cohort, Cohort]:
    """OpenI's IU X-ray XML reports and PNG images, split 70/10/20 by a stable hash."""
    parts: dict[str, list[tuple[Path, str, list[int] | None]]] = {
        "train": [],
        "val": [],
        "test": [],
    }
    for name, image, report in _openi_studies(root):
        bucket = zlib.crc32(name.encode()) % 10
        split = "train" if bucket < 7 else "val" if bucket < 8 else "test"
        parts[split].append((image, report, None))
    return (
        _cohort(parts["train"], size, f"{root} [train]"),
        _cohort(parts["val"], size, f"{root} [val]"),
        _cohort(parts["test"], size, f"{root} [test]"),
    )


def _read_csv(root: Path, stem: str) -> list[dict[str, str]]:
    for path in (root / f"{stem}.csv.gz", root / f"{stem}.csv"):
        if path.is_file():
            raw = path.read_bytes()
            text = gzip.decompress(raw).decode() if path.suffix == ".gz" else raw.decode()
            return list(csv.DictReader(io.StringIO(text)))
    raise DatasetError(f"{root / stem}.csv[.gz]: not found (MIMIC-CXR-JPG layout)")


_CHEXPERT_COLUMNS = {
    "cardiomegaly": "Cardiomegaly",
    "pleural_effusion": "Pleural Effusion",
    "pneumothorax": "Pneumothorax",
    "consolidation": "Consolidation",
    "nodule": "Lung Lesion",
    "support_devices": "Support Devices",
}


def chexpert_to_labels(row: dict[str, str]) -> list[int]:
    """CheXpert CSV values (1, 0, -1, blank) -> our 0/1 labels; uncertain (-1) counts as present."""
    present = {}
    for ours, column in _CHEXPERT_COLUMNS.items():
        value = (row.get(column) or "").strip()
        present[ours] = value not in ("", "0", "0.0")
    present["no_finding"] = not any(present[p] for p in PATHOLOGIES)
    return [int(present[name]) for name in LABELS]


def mimic_report_sections(text: str) -> str:
    """FINDINGS (else IMPRESSION, else the whole text) of a MIMIC-CXR free-text report."""
    upper = text.upper()
    for head in ("FINDINGS:", "IMPRESSION:"):
        at = upper.find(head)
        if at >= 0:
            body = text[at + len(head) :]
            stop = re.search(r"\n\s*[A-Z][A-Z ]+:", body)
            return _clean(body[: stop.start()] if stop else body)
    return _clean(text)


def load_mimic_cxr(root: Path, size: int) -> tuple[Cohort, Cohort, Cohort]:
    """MIMIC-CXR-JPG: one frontal image per study, CheXpert labels, report FINDINGS."""
    split_of = {r["dicom_id"]: r["split"] for r in _read_csv(root, "mimic-cxr-2.0.0-split")}
    labels = {
        r["study_id"]: chexpert_to_labels(r) for r in _read_csv(root, "mimic-cxr-2.0.0-chexpert")
    }
    chosen: dict[str, dict[str, str]] = {}
    for row in _read_csv(root, "mimic-cxr-2.0.0-metadata"):
        view = row.get("ViewPosition", "")
        if view not in ("PA", "AP"):
            continue
        best = chosen.get(row["study_id"])
        if best is None or (view == "PA" and best.get("ViewPosition") != "PA"):
            chosen[row["study_id"]] = row
    parts: dict[str, list[tuple[Path, str, list[int] | None]]] = {
        "train": [],
        "val": [],
        "test": [],
    }
    for study, row in sorted(chosen.items()):
        subject = row["subject_id"]
        rel = Path("files") / f"p{subject[:2]}" / f"p{subject}"
        image = root / rel / f"s{study}" / f"{row['dicom_id']}.jpg"
        report_path = next(
            (
                p
                for p in (
                    root / rel / f"s{study}.txt",
                    root / "mimic-cxr-reports" / rel / f"s{study}.txt",
                )
                if p.is_file()
            ),
            None,
        )
        if report_path is None:
            continue
        report = mimic_report_sections(report_path.read_text())
        split = {"train": "train", "validate": "val", "test": "test"}.get(
            split_of.get(row["dicom_id"], ""), ""
        )
        if report and split:
            parts[split].append((image, report, labels.get(study)))
    return (
        _cohort(parts["train"], size, f"{root} [train]"),
        _cohort(parts["val"], size, f"{root} [val]"),
        _cohort(parts["test"], size, f"{root} [test]"),
    )


def load_real_splits(source: str, root: Path, size: int) -> tuple[Cohort, Cohort, Cohort]:
    """Train, val and test cohorts of a real dataset (``iu-xray``, ``openi`` or ``mimic-cxr``)."""
    if not str(root) or not root.is_dir():
        raise DatasetError(f"data.root {str(root)!r}: not a folder (set --set data.root=PATH)")
    loaders = {"iu-xray": load_iu_xray, "openi": load_openi, "mimic-cxr": load_mimic_cxr}
    if source not in loaders:
        raise DatasetError(f"unknown data source {source!r} (expected {', '.join(loaders)})")
    return loaders[source](root, size)
