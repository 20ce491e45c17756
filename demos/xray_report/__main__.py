"""Command line: ``python -m demos.xray_report COMMAND`` (quickstart, make-data, train, ...).

A thin layer: each command calls library functions; bad input ends with a one-line
``error: ...`` message and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from demos.common.cli import user_errors
from demos.common.config import ConfigError, describe
from demos.xray_report.config import load_config, presets

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Chest X-ray report generation on a SYNTHETIC cohort (research and education only, "
    "not for clinical use).",
)

Preset = Annotated[str, typer.Option("--preset", "-p", help="Preset name or path to a .toml file.")]
Sets = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="Override a config key, e.g. --set train.steps=200."),
]
Out = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]
Checkpoint = Annotated[Path, typer.Option("--checkpoint", "-c", help="A checkpoint.pt to load.")]


def _echo(msg: str) -> None:
    typer.echo(msg)


@app.command()
@user_errors
def quickstart(
    out: Out = Path("runs/xray-report"), preset: Preset = "tiny", sets: Sets = None
) -> None:
    """Make a synthetic cohort, train the tiny preset, evaluate against the baselines.

    Writes OUT/checkpoint.pt, OUT/metrics.json, OUT/train_log.jsonl and OUT/examples/.
    """
    from demos.xray_report.pipeline import check_targets, summary_table
    from demos.xray_report.pipeline import quickstart as run

    cfg = load_config(preset, sets or [])
    metrics = run(cfg, out, echo=_echo)
    typer.echo(summary_table(metrics))
    for target, ok in check_targets(metrics).items():
        typer.echo(f"{'met' if ok else 'NOT met'}: {target}")
    typer.echo(f"wrote {out / 'metrics.json'} in {metrics['total_seconds']:.0f} s")


@app.command("make-data")
@user_errors
def make_data(
    out: Out = Path("runs/xray-report/data"),
    preset: Preset = "tiny",
    sets: Sets = None,
    examples: Annotated[int, typer.Option(help="Also write this many PNGs per split.", min=0)] = 4,
) -> None:
    """Write the synthetic train/val/test cohorts (.npz + .json) and a few PNG examples."""
    from demos.xray_report.data import save_cohort
    from demos.xray_report.pipeline import save_png
    from demos.xray_report.train import load_splits

    cfg = load_config(preset, sets or [])
    if cfg.data.source != "synthetic":
        raise ConfigError("make-data writes the synthetic cohort; set data.source=synthetic")
    splits = load_splits(cfg)
    for name in ("train", "val", "test"):
        cohort = getattr(splits, name)
        save_cohort(cohort, out / f"{name}.npz")
        for i in range(min(examples, len(cohort))):
            save_png(cohort.images[i], out / f"{name}_{i:03d}.png")
            (out / f"{name}_{i:03d}.txt").write_text(cohort.reports[i] + "\n")
        typer.echo(f"{out / name}.npz: {len(cohort)} synthetic studies")


@app.command()
@user_errors
def train(
    out: Out = Path("runs/xray-report"),
    preset: Preset = "tiny",
    sets: Sets = None,
    resume: Annotated[bool, typer.Option(help="Continue from OUT/checkpoint.pt.")] = False,
    show_config: Annotated[bool, typer.Option(help="Print the config and exit.")] = False,
) -> None:
    """Train a preset (torchrun --nproc_per_node N -m demos.xray_report train for DDP)."""
    from demos.xray_report.train import train as run

    cfg = load_config(preset, sets or [])
    if show_config:
        typer.echo("\n".join(describe(cfg)))
        return
    result = run(cfg, out, resume=resume, echo=_echo)
    typer.echo(
        f"wrote {result.checkpoint} ({result.parameters:,} trainable parameters, "
        f"{result.steps} steps, {result.images_per_second:.1f} images/s)"
    )


@app.command()
@user_errors
def evaluate(
    checkpoint: Checkpoint = Path("runs/xray-report/checkpoint.pt"),
    out: Out = Path("runs/xray-report"),
    device: Annotated[str, typer.Option(help="auto, cpu, cuda, ...")] = "auto",
) -> None:
    """Score a checkpoint and the baselines on its test split; write OUT/metrics.json."""
    from demos.xray_report.pipeline import evaluate_checkpoint, summary_table

    ev = evaluate_checkpoint(checkpoint, out, device=device)
    typer.echo(summary_table(ev.metrics))
    typer.echo(f"wrote {out / 'metrics.json'}")


@app.command()
@user_errors
def generate(
    images: Annotated[list[Path], typer.Argument(help="PNG/JPEG/DICOM chest radiographs.")],
    checkpoint: Checkpoint = Path("runs/xray-report/checkpoint.pt"),
    beam: Annotated[int | None, typer.Option(help="Beam size (1 = greedy).", min=1)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
    device: Annotated[str, typer.Option(help="auto, cpu, cuda, ...")] = "auto",
) -> None:
    """Write a report for each image (research and education only, not for clinical use)."""
    import numpy as np

    from demos.common.runtime import select_device
    from demos.xray_report.data import LABELS
    from demos.xray_report.realdata import load_image
    from demos.xray_report.sample import generate as run
    from demos.xray_report.train import load_trained

    trained = load_trained(checkpoint, select_device(device))
    d = trained.config.decode
    batch = np.stack([load_image(p, trained.config.data.image_size) for p in images])
    reports, probs = run(
        trained.model,
        trained.tokenizer,
        batch,
        beam_size=beam or d.beam_size,
        max_len=d.max_len,
        block_trigrams=d.block_trigrams,
        length_penalty=d.length_penalty,
    )
    typer.echo(
        f"note: model trained on {trained.config.data.source} data; research and education only, "
        "not a clinical reading",
        err=True,
    )
    for path, report, p in zip(images, reports, probs, strict=True):
        if as_json:
            findings = {name: round(float(v), 4) for name, v in zip(LABELS, p, strict=True)}
            typer.echo(json.dumps({"image": str(path), "report": report, "findings": findings}))
        else:
            typer.echo(f"{path}: {report}")


@app.command()
@user_errors
def benchmark(
    checkpoint: Annotated[
        Path | None, typer.Option(help="Time this trained model (else random weights).")
    ] = None,
    preset: Preset = "tiny",
    device: Annotated[str, typer.Option(help="auto, cpu, cuda, cuda:1, ...")] = "auto",
    threads: Annotated[int, typer.Option(help="CPU threads per cell.", min=1)] = 1,
    repeats: Annotated[int, typer.Option(help="Timed repetitions per cell.", min=1)] = 3,
    out: Annotated[Path | None, typer.Option(help="Also write the rows as JSON here.")] = None,
) -> None:
    """Training throughput and generation latency: fp32 vs bf16, batch 1 and 32, greedy/beam."""
    from demos.xray_report.benchmark import markdown_table, run_speed_benchmark

    rows = run_speed_benchmark(
        repeats=repeats,
        preset=preset,
        checkpoint=checkpoint,
        device=device,
        threads=threads,
        echo=_echo,
    )
    typer.echo(markdown_table(rows))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(rows, indent=2) + "\n")


@app.command()
@user_errors
def figure(
    out: Annotated[Path, typer.Option(help="PNG to write.")] = Path(
        "catalog/demos/figures/xray-report.png"
    ),
    seed: Annotated[int, typer.Option(help="Seed of the cohort and the training run.")] = 0,
    steps: Annotated[int, typer.Option(help="Training steps of the figure model.", min=1)] = 300,
    checkpoint: Annotated[
        Path | None, typer.Option(help="Use this checkpoint instead of training one.")
    ] = None,
) -> None:
    """Regenerate the catalog figure (synthetic radiographs, generated vs reference reports)."""
    from demos.xray_report.figure import figure_config, make_figure

    with tempfile.TemporaryDirectory() as work:
        cfg = figure_config(load_config("tiny"), seed, steps)
        make_figure(cfg, out, Path(work), checkpoint)
    typer.echo(f"wrote {out}")


@app.command("presets")
def list_presets() -> None:
    """List the shipped presets."""
    typer.echo("\n".join(presets()))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
