"""benchmarks/xray_labeler_real.py: the MeSH mapping, the split, the scores and the fetching, on
small report XMLs and wheels written here; one slow test runs it on the real OpenI reports."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import sys
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[3]


def _load_benchmark() -> ModuleType:
    path = REPO / "benchmarks" / "xray_labeler_real.py"
    spec = importlib.util.spec_from_file_location("xray_labeler_real", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


def report_xml(findings: str, impression: str, majors: list[str], image: str = "CXR9_1") -> str:
    mesh = "".join(f"<major>{m}</major>" for m in majors)
    return (
        '<?xml version="1.0" encoding="utf-8"?><eCitation><MedlineCitation><Article><Abstract>'
        '<AbstractText Label="INDICATION">cough</AbstractText>'
        f'<AbstractText Label="FINDINGS">{findings}</AbstractText>'
        f'<AbstractText Label="IMPRESSION">{impression}</AbstractText>'
        f"</Abstract></Article></MedlineCitation><MeSH>{mesh}</MeSH>"
        f'<parentImage id="{image}"><caption>PA</caption></parentImage></eCitation>'
    )


#: Fabricated reports (our own words) with the MeSH terms an indexer might give them.
REPORTS: dict[str, tuple[str, str, list[str]]] = {
    "1": ("The heart is enlarged. No effusion.", "Cardiomegaly.", ["Cardiomegaly/mild"]),
    "2": ("Small right pleural effusion.", "Effusion.", ["Pleural Effusion/right/small"]),
    "3": ("Lungs are clear.", "Normal chest.", ["normal"]),
    "4": ("Possible left effusion.", "", ["Costophrenic Angle/left/blunted"]),
    "5": ("Left chest port, tip in the SVC.", "No acute disease.", ["Catheters, Indwelling/left"]),
    "6": ("Stable appearance.", "", ["No Indexing"]),
    "7": ("", "", ["normal"]),
    "8": ("Right lower lobe nodule.", "", ["Opacity/lung/lower lobe/right/round"]),
}


def write_reports(root: Path, reports: dict[str, tuple[str, str, list[str]]] = REPORTS) -> Path:
    folder = root / "ecgen-radiology"
    folder.mkdir(parents=True, exist_ok=True)
    for rid, (findings, impression, majors) in reports.items():
        (folder / f"{rid}.xml").write_text(report_xml(findings, impression, majors))
    return root


def write_wheel(path: Path, members: dict[str, bytes]) -> Path:
    tgz = io.BytesIO()
    with tarfile.open(fileobj=tgz, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as whl:
        whl.writestr(bench.REPORTS_MEMBER, tgz.getvalue())
        whl.writestr("torchxrayvision/__init__.py", "")
    return path


def fabricated_wheel(cache: Path) -> Path:
    members = {
        f"ecgen-radiology/{rid}.xml": report_xml(*spec).encode() for rid, spec in REPORTS.items()
    }
    return write_wheel(cache / "wheels" / bench.WHEEL_NAME, members)


# ----------------------------------------------------------------------------- mapping


def test_mapping_file_maps_mesh_terms_to_findings() -> None:
    mapping = bench.load_mapping()
    assert set(mapping.findings) == set(bench.FINDINGS)
    labels = mapping.labels(["Pleural Effusion/right/small", "cardiac shadow/Enlarged/mild"])
    assert labels is not None
    assert {k for k, v in labels.items() if v} == {"pleural_effusion", "cardiomegaly"}
    both = mapping.labels(["Hydropneumothorax/left/large"])
    assert both is not None and both["pleural_effusion"] and both["pneumothorax"]
    devices = mapping.labels(["Catheters, Indwelling/right", "Surgical Instruments/mediastinum"])
    assert devices is not None
    assert {k for k, v in devices.items() if v} == {"support_devices", "no_finding"}
    # a qualifier entry needs its qualifier; blunting alone is not an effusion
    plain = mapping.labels(["Cardiac Shadow/borderline", "Costophrenic Angle/left/blunted"])
    assert plain is not None and {k for k, v in plain.items() if v} == {"no_finding"}
    assert mapping.labels(["Airspace Disease/lung/base/left"])["consolidation"]  # type: ignore[index]
    assert mapping.labels(["Mass/lung/lingula"])["nodule"]  # type: ignore[index]
    assert mapping.labels(["No Indexing"]) is None


def _mapping_text(**override: str) -> str:
    lines = {name: f"{name} = ['Heading']" for name in bench.FINDINGS}
    lines.update(override)
    return "# comment\n[findings]\n" + "\n".join(v for v in lines.values() if v) + "\n"


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        ("[findings\n", [r"bad\.toml: invalid TOML: .*line 1"]),
        ("unindexed = []\n", [r"bad\.toml:1: findings: needs a \[findings\] table"]),
        (
            _mapping_text(fracture="fracture = ['Fractures, Bone']"),
            [r"bad\.toml:9: findings\.fracture: not a finding \(expected cardiomegaly, "],
        ),
        (
            _mapping_text(nodule="", pneumothorax="pneumothorax = 'Pneumothorax'"),
            [
                r"bad\.toml:2: findings\.nodule: missing",
                r"bad\.toml:5: findings\.pneumothorax: expected a list of MeSH terms",
            ],
        ),
        (
            "unindexed = [1]\n" + _mapping_text(),
            [r"bad\.toml:1: unindexed: expected a list of MeSH terms"],
        ),
    ],
)
def test_mapping_errors_name_file_line_and_field(
    tmp_path: Path, text: str, messages: list[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    with pytest.raises(bench.SetupError) as err:
        bench.load_mapping(bad)
    lines = str(err.value).splitlines()
    assert len(lines) == len(messages)
    for line, message in zip(lines, messages, strict=True):
        assert re.search(message, line), line


def test_missing_mapping_file_is_a_setup_error(tmp_path: Path) -> None:
    with pytest.raises(bench.SetupError, match=r"nope\.toml: cannot read"):
        bench.load_mapping(tmp_path / "nope.toml")


# ----------------------------------------------------------------------------- split and scores


def test_halves_are_stable_and_balanced() -> None:
    # pinned: changing the hash would silently move reports between the dev and test halves
    assert [bench.half_of(i) for i in ("1", "2", "3", "10", "3955")] == [
        "test",
        "dev",
        "dev",
        "dev",
        "dev",
    ]
    halves = [bench.half_of(str(i)) for i in range(1, 4001)]
    assert set(halves) == {"dev", "test"}
    assert 0.45 < halves.count("dev") / len(halves) < 0.55


def test_read_cases_skips_empty_and_unindexed_reports(tmp_path: Path) -> None:
    cases, empty, unindexed = bench.read_cases(write_reports(tmp_path), bench.load_mapping())
    assert (empty, unindexed) == (1, 1)
    by_id = {c.report.id: c for c in cases}
    assert sorted(by_id) == ["1", "2", "3", "4", "5", "8"]
    assert by_id["1"].pred["cardiomegaly"] and by_id["1"].truth["cardiomegaly"]
    assert by_id["5"].pred["support_devices"] and by_id["5"].truth["support_devices"]
    assert by_id["8"].pred["nodule"] and not by_id["8"].truth["nodule"]
    assert all(c.half == bench.half_of(c.report.id) for c in cases)


def test_scores_by_hand(tmp_path: Path) -> None:
    cases, _, _ = bench.read_cases(write_reports(tmp_path), bench.load_mapping())
    scores = bench.score(cases)
    # reports 1, 2 and 5 are found and right; report 8's nodule is a false positive
    assert scores["nodule"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "tp": 0,
        "fp": 1,
        "fn": 0,
        "support": 0,
    }
    assert scores["cardiomegaly"]["f1"] == 1.0 and scores["support_devices"]["tp"] == 1
    micro = scores["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (3, 1, 0)
    assert micro["precision"] == pytest.approx(0.75) and micro["f1"] == pytest.approx(6 / 7)
    # no_finding: reports 3 and 4 are right, report 8 is not (the labeler sees a nodule)
    assert (scores["no_finding"]["tp"], scores["no_finding"]["fn"]) == (3, 1)
    assert scores["micro_7"]["tp"] == 6
    table = bench.table("dev half", scores, len(cases))
    assert table.startswith("dev half (6 reports)") and "| nodule | 0 | 0.000 |" in table


def test_f1_intervals_bracket_the_scores(tmp_path: Path) -> None:
    cases, _, _ = bench.read_cases(write_reports(tmp_path), bench.load_mapping())
    intervals = bench.f1_intervals(cases, rounds=300, seed=1)
    assert set(intervals) == {*bench.LABELS, "micro", "micro_7"}
    scores = bench.score(cases)
    for name, (low, high) in intervals.items():
        assert 0.0 <= low <= scores[name]["f1"] <= high <= 1.0, name
    assert intervals["nodule"] == (0.0, 0.0)  # never right: no resample can score it
    assert intervals["micro"][0] < intervals["micro"][1]  # one error of four: it varies
    assert bench.f1_intervals(cases, rounds=300, seed=1) == intervals  # seeded


# ----------------------------------------------------------------------------- fetching


def test_extract_reports_writes_only_report_xmls(tmp_path: Path) -> None:
    wheel = write_wheel(
        tmp_path / "w.whl",
        {
            "ecgen-radiology/1.xml": report_xml("Heart enlarged.", "", ["Cardiomegaly"]).encode(),
            "ecgen-radiology/../../escape.xml": b"<x/>",
            "ecgen-radiology/readme.txt": b"text",
            "other/2.xml": b"<x/>",
        },
    )
    cache = tmp_path / "cache"
    root = bench.extract_reports(wheel, cache)
    assert sorted(p.name for p in (root / "ecgen-radiology").iterdir()) == ["1.xml"]
    assert not (tmp_path / "escape.xml").exists() and (root / ".complete").read_text() == "1\n"
    (root / "ecgen-radiology" / "1.xml").unlink()
    assert bench.extract_reports(wheel, cache) == root  # complete: not extracted again
    assert not (root / "ecgen-radiology" / "1.xml").exists()


def test_broken_wheels_are_setup_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.whl"
    junk.write_bytes(b"not a zip")
    with pytest.raises(bench.SetupError, match=r"junk\.whl: not a readable wheel"):
        bench.extract_reports(junk, tmp_path / "c1")
    empty = tmp_path / "empty.whl"
    with zipfile.ZipFile(empty, "w") as whl:
        whl.writestr("torchxrayvision/__init__.py", "")
    with pytest.raises(bench.SetupError, match=r"empty\.whl: has no .*NLMCXR_reports\.tgz"):
        bench.extract_reports(empty, tmp_path / "c2")
    none = write_wheel(tmp_path / "none.whl", {"other/1.xml": b"<x/>"})
    with pytest.raises(bench.SetupError, match=r"holds no ecgen-radiology/\*\.xml"):
        bench.extract_reports(none, tmp_path / "c3")


def test_fetch_reuses_a_cached_wheel(tmp_path: Path) -> None:
    wheel = fabricated_wheel(tmp_path)
    assert bench.fetch_wheel(tmp_path) == wheel


def offline_pip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Make pip find nothing: no index, no configuration, an empty folder of wheels."""
    (tmp_path / "no-wheels").mkdir()
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "no-wheels"))
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)


def test_fetch_failure_is_a_clear_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    offline_pip(monkeypatch, tmp_path)
    with pytest.raises(bench.SetupError) as err:
        bench.fetch_wheel(tmp_path / "cache")
    text = str(err.value)
    assert text.startswith("cannot fetch torchxrayvision==1.2.0 from the package index (")
    assert "download torchxrayvision-1.2.0-py3-none-any.whl by hand into" in text


# ----------------------------------------------------------------------------- command line


def test_main_prints_tables_and_writes_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    fabricated_wheel(cache)
    out = tmp_path / "scores.json"
    assert bench.main(["--cache", str(cache), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert (
        "8 XML files, 1 without FINDINGS or IMPRESSION, 1 not indexed by NLM, 6 scored" in printed
    )
    assert "dev half (" in printed and "test half (" in printed
    data = json.loads(out.read_text())
    assert data["counts"]["scored"] == 6 == data["counts"]["dev"] + data["counts"]["test"]
    assert set(data["test"]) == {*bench.LABELS, "micro", "macro", "micro_7"}
    assert bench.main(["--cache", str(cache), "--half", "dev"]) == 0
    assert "test half" not in capsys.readouterr().out


def test_main_errors_lists_dev_disagreements_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    fabricated_wheel(cache)
    assert bench.main(["--cache", str(cache), "--errors", "nodule"]) == 0
    printed = capsys.readouterr().out
    if bench.half_of("8") == "dev":
        assert printed.startswith("FP 8: MeSH Opacity/lung/lower lobe/right/round")
    else:
        assert printed.strip() == "no disagreements on nodule in the dev half"


def test_main_fetch_failure_exits_1_without_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    offline_pip(monkeypatch, tmp_path)
    assert bench.main(["--cache", str(tmp_path / "cache")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot fetch torchxrayvision==1.2.0") and "Traceback" not in err


def test_main_refuses_a_cache_inside_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--cache", str(REPO / "reports-cache")]) == 2
    assert "inside the repository" in capsys.readouterr().err
    assert not (REPO / "reports-cache").exists()


# ----------------------------------------------------------------------------- real reports


@pytest.mark.slow
def test_real_openi_reports(capsys: pytest.CaptureFixture[str]) -> None:
    """The whole benchmark on the 3,955 OpenI reports (fetched once into the user cache)."""
    cache = bench.default_cache()
    try:
        bench.extract_reports(bench.fetch_wheel(cache), cache)
    except bench.SetupError as err:
        pytest.skip(f"the OpenI reports cannot be fetched: {err}")
    cases, counts = bench.run(cache, bench.load_mapping())
    assert counts["xml_files"] == 3955 and counts["scored"] == counts["dev"] + counts["test"]
    assert counts["scored"] > 3800
    test = bench.score([c for c in cases if c.half == "test"])
    # the targets of issue 17, measured on the half that was not used for tuning
    assert test["micro"]["f1"] >= 0.90
    assert min(test[name]["f1"] for name in bench.FINDINGS) >= 0.80
