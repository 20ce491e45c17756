"""A synthetic cohort on disk: ``cohort.npz`` (images and masks), ``clinical.csv`` (the table as
recorded, with missing values) and ``truth.json`` (anatomy and true attributes).

:func:`load_cohort` reads only plain arrays (``allow_pickle=False``: no pickled code runs) and
checks every part; a missing, foreign or damaged file is a :class:`CohortError` naming it.
"""

from __future__ import annotations

import csv
import json
import zipfile
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np

from demos.common.errors import DemoError

from .data import COLUMNS, Anatomy, Attributes, Case, Segment

ARRAYS = ("image_hu", "expected_hu", "lung", "airway", "body")
MAKE_DATA = "run `python -m demos.ct_synthesis make-data`"


class CohortError(DemoError, ValueError):
    """A cohort folder is missing a file, or one of its files is not what make-data writes."""


def stack(cases: list[Case], name: str) -> np.ndarray:
    """``(N, 1, *spatial)`` array of one field of the cases."""
    return np.stack([getattr(c, name) for c in cases])[:, None]


def save_cohort(cases: list[Case], folder: str | Path) -> Path:
    """Write ``cohort.npz``, ``clinical.csv`` and ``truth.json`` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {k: stack(cases, k) for k in ARRAYS}
    np.savez_compressed(folder / "cohort.npz", **arrays)
    with (folder / "clinical.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for c in cases:
            t = c.table
            writer.writerow([c.case_id, *["" if v is None else v for v in asdict(t).values()]])
    truth = [
        {"case_id": c.case_id, "anatomy": asdict(c.anatomy), "attributes": asdict(c.attributes)}
        for c in cases
    ]
    (folder / "truth.json").write_text(
        json.dumps({"synthetic": True, "cases": truth}), encoding="utf-8"
    )
    return folder


def _anatomy_from_dict(d: dict[str, Any]) -> Anatomy:
    def segs(key: str) -> list[Segment]:
        return [Segment(tuple(s["a"]), tuple(s["b"]), float(s["radius"])) for s in d[key]]

    return Anatomy(
        body_radii=tuple(d["body_radii"]),  # type: ignore[arg-type]
        lung_center=tuple(d["lung_center"]),  # type: ignore[arg-type]
        lung_radii=tuple(d["lung_radii"]),  # type: ignore[arg-type]
        heart_center=tuple(d["heart_center"]),  # type: ignore[arg-type]
        heart_radii=tuple(d["heart_radii"]),  # type: ignore[arg-type]
        slice_y=float(d["slice_y"]),
        airways=segs("airways"),
        vessels=segs("vessels"),
        texture_seed=int(d["texture_seed"]),
    )


def parse_row(row: dict[str, str]) -> Attributes:
    """An :class:`Attributes` from a CSV row of this cohort (empty cells are missing)."""

    def get(k: str) -> str | None:
        v = (row.get(k) or "").strip()
        return v or None

    age, py = get("age"), get("pack_years")
    return Attributes(
        age=None if age is None else int(float(age)),
        sex=get("sex"),
        smoker=get("smoker"),
        pack_years=None if py is None else float(py),
        diagnosis=get("diagnosis"),
        status_1y=get("status_1y"),
    )


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    """The five (N, 1, *S) numeric arrays of ``cohort.npz``, all of one shape."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in ARRAYS if k not in npz.files]
            if missing:
                raise CohortError(f"{path}: no array {missing[0]!r} ({MAKE_DATA})")
            arrays = {k: np.asarray(npz[k]) for k in ARRAYS}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        if isinstance(err, CohortError):
            raise
        raise CohortError(f"{path}: not a cohort written by make-data ({err})") from None
    shape = arrays["image_hu"].shape
    for name, a in arrays.items():
        if a.dtype.kind not in "biuf":
            raise CohortError(f"{path}: array {name!r} has dtype {a.dtype}, not a number type")
        if a.shape != shape or a.ndim not in (4, 5) or a.shape[1] != 1:
            raise CohortError(f"{path}: array {name!r} has shape {a.shape}, expected (N, 1, *S)")
    return arrays


def _read_truth(path: Path) -> list[tuple[str, Anatomy, Attributes]]:
    try:
        cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
        known = {f.name for f in fields(Attributes)}
        out = []
        for i, t in enumerate(cases):
            extra = set(t["attributes"]) - known
            if extra:
                raise CohortError(f"{path}: case {i}: unknown attribute {sorted(extra)[0]!r}")
            out.append(
                (str(t["case_id"]), _anatomy_from_dict(t["anatomy"]), Attributes(**t["attributes"]))
            )
    except json.JSONDecodeError as err:
        raise CohortError(f"{path}:{err.lineno}: not JSON ({err.msg})") from None
    except (UnicodeDecodeError, KeyError, TypeError, ValueError, IndexError) as err:
        if isinstance(err, CohortError):
            raise
        reason = f"missing {err}" if isinstance(err, KeyError) else str(err)
        raise CohortError(f"{path}: not the truth file make-data writes ({reason})") from None
    return out


def _read_table(path: Path) -> list[Attributes]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = []
            for row in reader:
                try:
                    rows.append(parse_row(row))
                except ValueError as err:
                    raise CohortError(f"{path}:{reader.line_num}: {err}") from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise CohortError(f"{path}: not a readable CSV table ({err})") from None
    return rows


def load_cohort(folder: str | Path) -> list[Case]:
    """Read a cohort written by :func:`save_cohort` (anything missing or damaged: CohortError)."""
    folder = Path(folder)
    for name in ("cohort.npz", "clinical.csv", "truth.json"):
        if not (folder / name).is_file():
            raise CohortError(f"{folder / name}: missing ({MAKE_DATA})")
    arrays = _read_arrays(folder / "cohort.npz")
    truth = _read_truth(folder / "truth.json")
    rows = _read_table(folder / "clinical.csv")
    n = len(arrays["image_hu"])
    if not len(truth) == len(rows) == n:
        raise CohortError(
            f"{folder}: {n} images, {len(truth)} truth entries and {len(rows)} table rows differ"
        )
    return [
        Case(
            case_id=case_id,
            anatomy=anatomy,
            attributes=attributes,
            table=table,
            **{k: arrays[k][i, 0] for k in ARRAYS},
        )
        for i, ((case_id, anatomy, attributes), table) in enumerate(zip(truth, rows, strict=True))
    ]
