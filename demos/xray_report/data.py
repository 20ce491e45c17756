"""Synthetic chest radiograph cohort with known findings and free-text reports.

Every image is procedurally drawn (``radiograph.py``) and every report is written from varied
phrasings, with explicit negations, from the same ground-truth findings (``findings.py``,
``reports.py``). The data are SYNTHETIC: they only imitate the look of a frontal chest
radiograph and are meant for research and education, never for clinical use.

A cohort on disk is ``NAME.npz`` (images, labels; plain arrays, read with ``allow_pickle=False``)
beside ``NAME.json`` (reports, findings); a missing or damaged pair is a :class:`CohortError`.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from demos.common.errors import DemoError

from .findings import (
    DEVICES,
    LABELS,
    PATHOLOGIES,
    SEVERITIES,
    SIDES,
    ZONES,
    Findings,
    sample_findings,
)
from .radiograph import render
from .reports import write_report

__all__ = [
    "DEVICES",
    "LABELS",
    "PATHOLOGIES",
    "SEVERITIES",
    "SIDES",
    "ZONES",
    "Cohort",
    "CohortError",
    "Findings",
    "load_cohort",
    "make_cohort",
    "render",
    "sample_findings",
    "save_cohort",
    "write_report",
]


class CohortError(DemoError, ValueError):
    """A cohort file is missing, is not what :func:`save_cohort` writes, or is damaged."""


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
        raise CohortError(f"cohort size must be at least 1, got {n}")
    if size < 32:
        raise CohortError(f"image size must be at least 32 pixels, got {size}")
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


def _read_arrays(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(N, 1, S, S) float images and (N, len(LABELS)) integer labels."""
    try:
        with np.load(path, allow_pickle=False) as arrays:
            missing = [k for k in ("images", "labels") if k not in arrays.files]
            if missing:
                raise CohortError(f"{path}: not a valid cohort file: no array {missing[0]!r}")
            images, labels = np.asarray(arrays["images"]), np.asarray(arrays["labels"])
    except CohortError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise CohortError(f"{path}: not a valid cohort file: {err}") from None
    if images.dtype.kind != "f" or images.ndim != 4 or images.shape[1] != 1:
        raise CohortError(
            f"{path}: images are {images.dtype} {images.shape}, not (N, 1, S, S) floats"
        )
    if labels.dtype.kind not in "biu" or labels.shape != (len(images), len(LABELS)):
        raise CohortError(
            f"{path}: labels are {labels.dtype} {labels.shape}, not (N, {len(LABELS)}) integers"
        )
    return images, labels


def load_cohort(path: Path) -> Cohort:
    """Read what :func:`save_cohort` wrote; a missing or malformed file is a :class:`CohortError`."""
    meta_path = path.with_suffix(".json")
    if not path.is_file() or not meta_path.is_file():
        raise CohortError(f"{path}: cohort not found (expected {path.name} and {meta_path.name})")
    images, labels = _read_arrays(path)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        findings = [_findings_from_json(f) for f in meta["findings"]]
        reports = [str(r) for r in meta["reports"]]
    except json.JSONDecodeError as err:
        raise CohortError(f"{meta_path}:{err.lineno}: not JSON ({err.msg})") from None
    except (UnicodeDecodeError, KeyError, ValueError, TypeError, AttributeError) as err:
        raise CohortError(f"{meta_path}: not a valid cohort file: {err!r}") from None
    if not (len(images) == len(labels) == len(reports)):
        raise CohortError(f"{path}: images, labels and reports differ in length")
    if findings and len(findings) != len(reports):
        raise CohortError(f"{meta_path}: findings and reports differ in length")
    return Cohort(images, reports, labels, findings)
