"""The command line end to end at micro size, and its one-line errors."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from demos.common.errors import EXIT_CODE
from demos.xray_report.__main__ import app
from demos.xray_report.data import LABELS
from demos.xray_report.metrics import METRIC_KEYS

runner = CliRunner()


def test_every_command_has_help_text() -> None:
    for command in app.registered_commands:
        assert command.callback is not None
        assert (command.help or command.callback.__doc__ or "").strip(), command.name
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("quickstart", "make-data", "train", "generate", "evaluate", "benchmark", "figure"):
        assert name in result.output


@pytest.fixture(scope="module")
def micro_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("micro")
    result = runner.invoke(app, ["quickstart", "--preset", "micro", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "baseline: nearest-image retrieval" in result.output
    return out


def test_quickstart_writes_metrics_and_examples(micro_run: Path) -> None:
    metrics = json.loads((micro_run / "metrics.json").read_text())
    for prefix in ("", "baseline_majority_", "baseline_retrieval_", "shuffled_image_"):
        for key in METRIC_KEYS:
            value = metrics[prefix + key]
            assert isinstance(value, float) and value >= 0.0, prefix + key
    assert metrics["labeler_on_references_ce_f1_micro"] == 1.0
    assert (micro_run / "checkpoint.pt").is_file()
    text = (micro_run / "examples" / "000.txt").read_text()
    assert text.startswith("SYNTHETIC study") and "reference:" in text
    assert (micro_run / "examples" / "000.png").stat().st_size > 100


def test_generate_on_png_and_real_dicom(micro_run: Path) -> None:
    from pydicom.data import get_testdata_file

    png = micro_run / "examples" / "000.png"
    dcm = get_testdata_file("RG1_UNCR.dcm")
    args = ["generate", str(png), str(dcm), "--checkpoint", str(micro_run / "checkpoint.pt")]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert "not a clinical reading" in result.stderr
    assert [r["image"] for r in rows] == [str(png), str(dcm)]
    assert all(set(r["findings"]) == set(LABELS) for r in rows)
    assert all(0.0 <= v <= 1.0 for r in rows for v in r["findings"].values())


def test_evaluate_command(micro_run: Path, tmp_path: Path) -> None:
    ckpt = str(micro_run / "checkpoint.pt")
    result = runner.invoke(app, ["evaluate", "--checkpoint", ckpt, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    ours = json.loads((tmp_path / "metrics.json").read_text())
    theirs = json.loads((micro_run / "metrics.json").read_text())
    # Same checkpoint, same test split: the same numbers (quickstart adds its timings).
    assert ours == {k: v for k, v in theirs.items() if not k.endswith("_seconds")}


def one_line_error(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == EXIT_CODE == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_unknown_preset_key_message(tmp_path: Path) -> None:
    line = one_line_error(
        ["train", "--preset", "micro", "--set", "model.depth=3", "-o", str(tmp_path)]
    )
    assert line.startswith("error: unknown config key 'model.depth'")


def test_corrupt_image_message(micro_run: Path, tmp_path: Path) -> None:
    bad = tmp_path / "scan.png"
    bad.write_bytes(b"not an image at all")
    line = one_line_error(["generate", str(bad), "--checkpoint", str(micro_run / "checkpoint.pt")])
    assert line.startswith(f"error: {bad}: cannot read image")


def test_missing_checkpoint_message(tmp_path: Path) -> None:
    line = one_line_error(["evaluate", "--checkpoint", str(tmp_path / "x.pt")])
    assert line == f"error: {tmp_path / 'x.pt'}: checkpoint not found"


def test_make_data_writes_synthetic_cohort(tmp_path: Path) -> None:
    result = runner.invoke(app, ["make-data", "--preset", "micro", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    meta = json.loads((tmp_path / "train.json").read_text())
    assert meta["synthetic"] is True and len(meta["reports"]) == 48
    assert (tmp_path / "test_000.png").is_file()


def test_figure_from_a_checkpoint(micro_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "fig.png"
    ckpt = str(micro_run / "checkpoint.pt")
    result = runner.invoke(app, ["figure", "--out", str(out), "--checkpoint", ckpt])
    assert result.exit_code == 0, result.output
    from PIL import Image

    with Image.open(out) as im:
        assert im.format == "PNG" and im.width > 400


@pytest.mark.parametrize(
    ("name", "content"),
    [("model.bin", b"\x80\x04\x95garbage"), ("checkpoint.pt", b"PK\x03\x04 broken"), ("x.pt", b"")],
)
def test_hostile_checkpoint_files(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    line = one_line_error(["evaluate", "--checkpoint", str(path), "--out", str(tmp_path)])
    assert line == f"error: {path}: not a loadable checkpoint ({line.rsplit('(', 1)[1]}"


def test_checkpoint_without_step_or_with_wrong_state(micro_run: Path, tmp_path: Path) -> None:
    import torch

    good = torch.load(micro_run / "checkpoint.pt", weights_only=True)
    bad = tmp_path / "bad.pt"
    torch.save({k: v for k, v in good.items() if k != "step"}, bad)
    assert one_line_error(["generate", "x.png", "--checkpoint", str(bad)]).endswith(
        "checkpoint has no 'step'"
    )
    good["state"]["model"] = {"lm_head.weight": torch.zeros(3, 3)}
    torch.save(good, bad)
    line = one_line_error(["generate", "x.png", "--checkpoint", str(bad)])
    assert "'model' state does not fit this config" in line


def test_bad_option_values_are_usage_errors() -> None:
    result = runner.invoke(app, ["generate", "x.png", "--beam", "0"])
    assert result.exit_code == EXIT_CODE and "Traceback" not in result.output
    assert "renamed: use runtime.ema" in one_line_error(["train", "--set", "train.ema=0.9"])
