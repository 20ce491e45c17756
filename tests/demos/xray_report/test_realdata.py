"""Real-data paths on small fixtures written here, and DICOM on pydicom-data's RG1_UNCR.dcm."""

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from demos.xray_report.data import LABELS
from demos.xray_report.realdata import (
    DatasetError,
    ImageError,
    OpenIReport,
    chexpert_to_labels,
    load_image,
    load_real_splits,
    mimic_report_sections,
    openi_xml_files,
    preprocess,
    read_openi_xml,
    read_pixels,
)


def rg1_uncr() -> Path:
    from pydicom.data import get_testdata_file

    path = get_testdata_file("RG1_UNCR.dcm")
    if path is None:  # pragma: no cover - depends on pydicom-data being installed
        pytest.skip("pydicom-data's RG1_UNCR.dcm is not available")
    return Path(str(path))


def write_png(path: Path, value: int = 120, size: tuple[int, int] = (40, 30)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(value)
    pixels = rng.integers(0, 255, size[::-1]).astype(np.uint8)
    Image.fromarray(pixels).save(path)
    return path


def test_dicom_radiograph_is_read_inverted_and_resized() -> None:
    path = rg1_uncr()
    raw = read_pixels(path)
    assert raw.shape == (1955, 1841)
    image = load_image(path, 64)
    assert image.shape == (1, 64, 64) and image.dtype == np.float32
    assert image.min() >= 0.0 and image.max() <= 1.0
    # MONOCHROME1 is inverted: the mediastinum (centre column) is denser than the lung fields.
    centre = image[0, 20:44, 29:35].mean()
    lungs = np.concatenate([image[0, 20:44, 12:20], image[0, 20:44, 44:52]], axis=1).mean()
    assert centre > lungs + 0.1


def test_preprocess_pads_to_square_and_rejects_blank() -> None:
    wide = np.ones((10, 40))
    wide[:, :20] = 0
    out = preprocess(wide, 32)
    assert out.shape == (1, 32, 32)
    assert out[0, 0].max() == 0.0  # the top padding is black
    with pytest.raises(ImageError, match="blank"):
        preprocess(np.full((8, 8), 3.0), 32, "flat.png")
    with pytest.raises(ImageError, match="2D image"):
        preprocess(np.zeros(8), 32)


def test_corrupt_and_missing_images_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    with pytest.raises(ImageError, match=r"broken.png: cannot read image"):
        load_image(bad, 32)
    fake_dcm = tmp_path / "broken.dcm"
    fake_dcm.write_bytes(b"\0" * 128 + b"DICM" + b"\0" * 16)
    with pytest.raises(ImageError, match=r"broken.dcm: cannot read DICOM image"):
        load_image(fake_dcm, 32)
    with pytest.raises(ImageError, match="not found"):
        load_image(tmp_path / "missing.png", 32)


def test_iu_xray_annotation_layout(tmp_path: Path) -> None:
    ann: dict[str, list[dict[str, object]]] = {}
    for split, n in (("train", 3), ("val", 1), ("test", 2)):
        ann[split] = []
        for i in range(n):
            sid = f"CXR{split}{i}_IM-000{i}"
            write_png(tmp_path / "images" / sid / "0.png", i)
            write_png(tmp_path / "images" / sid / "1.png", i + 50)
            report = "The heart is enlarged. No pneumothorax." if i == 0 else "Normal chest."
            ann[split].append(
                {"id": sid, "report": report, "image_path": [f"{sid}/0.png", f"{sid}/1.png"]}
            )
    (tmp_path / "annotation.json").write_text(json.dumps(ann))
    train, val, test = load_real_splits("iu-xray", tmp_path, 32)
    assert (len(train), len(val), len(test)) == (3, 1, 2)
    assert train.images.shape == (3, 1, 32, 32)
    assert train.labels[0].tolist() == [1, 0, 0, 0, 0, 0, 0]  # from the labeler
    assert train.labels[1, LABELS.index("no_finding")] == 1


def test_iu_xray_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"annotation\.json: not found"):
        load_real_splits("iu-xray", tmp_path, 32)
    (tmp_path / "annotation.json").write_text('{"train": [\n  {"report": "x",}\n]}')
    with pytest.raises(DatasetError, match=r"annotation.json:2: invalid JSON"):
        load_real_splits("iu-xray", tmp_path, 32)
    (tmp_path / "annotation.json").write_text('{"train": [{"report": "x"}]}')
    with pytest.raises(DatasetError, match=r"train\[0\]: needs 'report'"):
        load_real_splits("iu-xray", tmp_path, 32)
    with pytest.raises(DatasetError, match="not a folder"):
        load_real_splits("iu-xray", tmp_path / "nope", 32)
    with pytest.raises(DatasetError, match="unknown data source"):
        load_real_splits("chexpert", tmp_path, 32)


OPENI_XML = """<?xml version="1.0" encoding="utf-8"?>
<eCitation><MedlineCitation><Article><Abstract>
<AbstractText Label="COMPARISON">None.</AbstractText>
<AbstractText Label="FINDINGS">{findings}</AbstractText>
<AbstractText Label="IMPRESSION">{impression}</AbstractText>
</Abstract></Article></MedlineCitation>
<parentImage id="{image}"><figureId>F1</figureId></parentImage>
</eCitation>
"""


def test_openi_xml_layout(tmp_path: Path) -> None:
    for i in range(30):
        image = f"CXR{i}_IM-{i:04d}-1001"
        write_png(tmp_path / "NLMCXR_png" / f"{image}.png", i)
        findings = "Small left pleural effusion." if i % 2 else "Lungs are clear. XXXX normal."
        xml = OPENI_XML.format(findings=findings, impression="No acute disease.", image=image)
        (tmp_path / "ecgen-radiology").mkdir(exist_ok=True)
        (tmp_path / "ecgen-radiology" / f"{i}.xml").write_text(xml)
    train, val, test = load_real_splits("openi", tmp_path, 32)
    assert len(train) + len(val) + len(test) == 30
    assert all("XXXX" not in r and "None." not in r for r in train.reports)
    assert any(
        r.startswith("Small left pleural effusion. No acute disease.") for r in train.reports
    )
    (tmp_path / "ecgen-radiology" / "bad.xml").write_text("<eCitation>\n<oops></eCitation>")
    with pytest.raises(DatasetError, match=r"bad.xml:2: invalid XML"):
        load_real_splits("openi", tmp_path, 32)


def test_read_openi_xml_returns_text_images_and_mesh_terms(tmp_path: Path) -> None:
    xml = OPENI_XML.format(findings="No XXXX effusion.", impression="Normal.", image="CXR7_1")
    xml = xml.replace(
        "</eCitation>", "<MeSH><major>normal</major> <major> </major></MeSH></eCitation>"
    )
    path = tmp_path / "ecgen-radiology" / "7.xml"
    path.parent.mkdir()
    path.write_text(xml)
    assert openi_xml_files(tmp_path) == [path]
    assert read_openi_xml(path) == OpenIReport(
        "7", "No effusion. Normal.", ("CXR7_1",), ("normal",)
    )
    with pytest.raises(DatasetError, match=r"ecgen-radiology: no OpenI report XML files"):
        openi_xml_files(tmp_path / "elsewhere")


def _gz_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    path.write_bytes(gzip.compress(text.encode()))


def test_mimic_cxr_jpg_layout(tmp_path: Path) -> None:
    studies = [
        ("10000032", "50000001", "train"),
        ("10000032", "50000002", "validate"),
        ("11000011", "50000003", "test"),
    ]
    split_rows, meta_rows, label_rows = [], [], []
    for subject, study, split in studies:
        folder = tmp_path / "files" / f"p{subject[:2]}" / f"p{subject}" / f"s{study}"
        for dicom, view in (
            (f"{study}-lat", "LATERAL"),
            (f"{study}-ap", "AP"),
            (f"{study}-pa", "PA"),
        ):
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(np.full((20, 16), 100 if view == "PA" else 10, np.uint8)).save(
                folder / f"{dicom}.jpg"
            )
            folder.joinpath(f"{dicom}.jpg")
            split_rows.append([dicom, study, subject, split])
            meta_rows.append([dicom, subject, study, view])
        # Only the PA image differs from blank: make it non-constant.
        Image.fromarray(np.tile(np.arange(16, dtype=np.uint8) * 10, (20, 1))).save(
            folder / f"{study}-pa.jpg"
        )
        reports = tmp_path / "mimic-cxr-reports" / "files" / f"p{subject[:2]}" / f"p{subject}"
        reports.mkdir(parents=True, exist_ok=True)
        (reports / f"s{study}.txt").write_text(
            "FINAL REPORT\n EXAMINATION: CHEST (PA AND LAT)\n\n FINDINGS: Mild cardiomegaly.\n"
            " No pleural effusion.\n\n IMPRESSION: Cardiomegaly.\n"
        )
        label_rows.append([subject, study, "1.0", "", "0.0", "-1.0", "", "", ""])
    _gz_csv(
        tmp_path / "mimic-cxr-2.0.0-split.csv.gz",
        ["dicom_id", "study_id", "subject_id", "split"],
        split_rows,
    )
    _gz_csv(
        tmp_path / "mimic-cxr-2.0.0-metadata.csv.gz",
        ["dicom_id", "subject_id", "study_id", "ViewPosition"],
        meta_rows,
    )
    header = [
        "subject_id",
        "study_id",
        "Cardiomegaly",
        "Pleural Effusion",
        "Pneumothorax",
        "Consolidation",
        "Lung Lesion",
        "Support Devices",
        "No Finding",
    ]
    _gz_csv(tmp_path / "mimic-cxr-2.0.0-chexpert.csv.gz", header, label_rows)
    train, val, test = load_real_splits("mimic-cxr", tmp_path, 32)
    assert (len(train), len(val), len(test)) == (1, 1, 1)
    assert train.reports == ["Mild cardiomegaly. No pleural effusion."]
    # CheXpert: cardiomegaly 1, consolidation -1 (uncertain -> present).
    assert train.labels[0].tolist() == [1, 0, 0, 1, 0, 0, 0]
    assert train.images[0].std() > 0.1  # the PA image was chosen, not the blank AP/lateral


def test_mimic_helpers_and_missing_csv(tmp_path: Path) -> None:
    assert mimic_report_sections("INDICATION: x\nIMPRESSION: No acute process.") == (
        "No acute process."
    )
    assert mimic_report_sections("Heart normal.") == "Heart normal."
    assert chexpert_to_labels({"No Finding": "1.0"})[-1] == 1
    with pytest.raises(DatasetError, match=r"mimic-cxr-2\.0\.0-split\.csv"):
        load_real_splits("mimic-cxr", tmp_path, 32)
