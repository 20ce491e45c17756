from __future__ import annotations

import shutil
from pathlib import Path

import nibabel as nib
import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file

from demos.ct_synthesis.realdata import RealDataError, RealDataSpec, load_ct, load_real, read_table

HEADER = "case_id,Age,Sex,Smoker,PackYears,Diagnosis,Status1Y\n"


def _write_nifti_case(root: Path, case: str, shape: tuple[int, ...] = (20, 20, 12)) -> None:
    affine = np.diag([2.0, 2.0, 2.0, 1.0])
    img = np.full(shape, -800, np.float32)
    img[5:8] = 50
    lung = np.zeros(shape, np.uint8)
    lung[8:15, 5:15, 2:10] = 1
    airway = np.zeros(shape, np.uint8)
    airway[10:12, 9:11, :] = 1
    for sub, arr in (("images", img), ("lung", lung), ("airway", airway)):
        (root / sub).mkdir(parents=True, exist_ok=True)
        nib.save(nib.Nifti1Image(arr, affine), root / sub / f"{case}.nii.gz")


def test_nifti_cases_through_monai_transforms(tmp_path: Path) -> None:
    _write_nifti_case(tmp_path, "c0")
    _write_nifti_case(tmp_path, "c1")
    (tmp_path / "clinical.csv").write_text(HEADER + "c0,68,,yes,30,IPF,alive\nc1,,female,no,,,\n")
    data, ids = load_real(RealDataSpec(tmp_path), (16, 16, 16), (2.5, 2.5, 2.5))
    assert ids == ["c0", "c1"]
    assert data.images.shape == (2, 1, 16, 16, 16) and data.masks.shape == (2, 2, 16, 16, 16)
    assert float(data.images.min()) >= -1.0 and float(data.images.max()) <= 1.0
    assert data.masks[:, 0].sum() > 0 and data.masks[:, 1].sum() > 0
    assert not (data.masks[:, 0] * data.masks[:, 1]).any()  # airway carved out of the lung
    assert data.prompts == [
        "Lung CT scan. Age: 68. Smoker: yes. Pack-years: 30. Diagnosis: IPF. 1-year status: alive.",
        "Lung CT scan. Sex: female. Smoker: no.",
    ]


def test_custom_column_map_and_table_errors(tmp_path: Path) -> None:
    (tmp_path / "clinical.csv").write_text("id,Alter\nc0,50\n")
    spec = RealDataSpec(tmp_path, id_column="id", templates={"Alter": "Age: {}."})
    assert read_table(spec) == [{"id": "c0", "Alter": "50"}]
    with pytest.raises(RealDataError, match=r"clinical\.csv:1: missing column\(s\) Smoker"):
        read_table(RealDataSpec(tmp_path, id_column="id", templates={"Smoker": "Smoker: {}."}))
    with pytest.raises(RealDataError, match="folder not found"):
        load_real(spec, (8, 8, 8), (1.0, 1.0, 1.0))
    _write_nifti_case(tmp_path, "other")
    with pytest.raises(RealDataError, match="no file for case 'c0'"):
        load_real(spec, (8, 8, 8), (1.0, 1.0, 1.0))


def test_real_dicom_ct_small(tmp_path: Path) -> None:
    path = get_testdata_file("CT_small.dcm")
    assert isinstance(path, str)
    ds = pydicom.dcmread(path)
    hu = np.asarray(ds.pixel_array, np.float64) * float(ds.RescaleSlope) + float(
        ds.RescaleIntercept
    )
    np.testing.assert_allclose(
        load_ct(path).T, hu.astype(np.float32)
    )  # MONAI reads (x, y); pydicom (row, col)
    for sub in ("images", "lung", "airway"):
        (tmp_path / sub).mkdir()
    shutil.copy(path, tmp_path / "images" / "d0.dcm")
    mask = np.zeros((128, 128), np.uint8)
    mask[30:90, 20:60] = 1
    affine = np.diag([0.661468, 0.661468, 1.0, 1.0])
    nib.save(nib.Nifti1Image(mask, affine), tmp_path / "lung" / "d0.nii.gz")
    nib.save(nib.Nifti1Image(mask * 0, affine), tmp_path / "airway" / "d0.nii.gz")
    (tmp_path / "clinical.csv").write_text(HEADER + "d0,50,male,no,,,\n")
    data, _ = load_real(RealDataSpec(tmp_path), (64, 64), (1.5, 1.5))
    assert data.images.shape == (1, 1, 64, 64) and data.masks[0, 0].sum() > 0
    assert data.prompts == ["Lung CT scan. Age: 50. Sex: male. Smoker: no."]
    with pytest.raises(RealDataError, match="not found"):
        load_ct(tmp_path / "missing.dcm")
