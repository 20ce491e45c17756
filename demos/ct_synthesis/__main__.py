"""Command line: ``python -m demos.ct_synthesis COMMAND --help``. A thin layer over the library;
bad input ends with a one-line ``error: ...`` message and exit code 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from demos.common.cli import user_errors
from demos.common.config import ConfigError, describe

from .config import load_config

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)

Preset = Annotated[
    str, typer.Option("--preset", "-p", help="tiny (CPU), 2d-256 or 3d-128 (GPU), or a .toml path.")
]
Sets = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="Override a config key: key=value (repeatable)."),
]
Out = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]
Checkpoint = Annotated[
    Path,
    typer.Option(
        "--checkpoint", "-c", help="Run folder, its checkpoint.pt or its model.safetensors."
    ),
]
Data = Annotated[Path, typer.Option("--data", "-d", help="Cohort folder written by make-data.")]


def _echo_json(obj: Any) -> None:
    typer.echo(json.dumps(obj, indent=2))


@app.command()
@user_errors
def quickstart(
    out: Out = Path("runs/ct-synthesis"),
    set_: Sets = None,
) -> None:
    """Make a small synthetic cohort, train the tiny preset, evaluate, write figures and OUT/metrics.json."""
    from .pipeline import quickstart as run

    load_config("tiny", set_ or [])  # fail fast on bad overrides
    metrics = run(out, set_ or [])
    _echo_json(metrics)


@app.command("make-data")
@user_errors
def make_data(out: Out = Path("runs/ct-data"), preset: Preset = "tiny", set_: Sets = None) -> None:
    """Write the SYNTHETIC train/test cohorts (images, masks, clinical.csv, truth.json) to OUT."""
    from .pipeline import make_data as run

    cfg = load_config(preset, set_ or [])
    tr, te = run(cfg, out)
    typer.echo(f"wrote {len(tr)} training and {len(te)} held-out synthetic cases to {out}")


@app.command()
@user_errors
def train(
    out: Out = Path("runs/ct-train"),
    preset: Preset = "tiny",
    set_: Sets = None,
    data: Annotated[
        Path | None, typer.Option("--data", "-d", help="Cohort folder (default: generate).")
    ] = None,
    resume: Annotated[bool, typer.Option(help="Continue from OUT/checkpoint.pt.")] = False,
    show_config: Annotated[bool, typer.Option(help="Print the resolved config and exit.")] = False,
) -> None:
    """Train a preset (GAN or diffusion). Under torchrun this runs DDP. Real data: --set data.root=DIR."""
    cfg = load_config(preset, set_ or [])
    if show_config:
        typer.echo("\n".join(describe(cfg)))
        return
    from .pipeline import cohort_shape, load_data
    from .train import train as run

    train_data: Any
    if cfg.data.root:
        from .realdata import RealDataSpec, load_real

        shape = cohort_shape(cfg)
        train_data, _ = load_real(
            RealDataSpec(Path(cfg.data.root)),
            shape,
            (1.5,) * len(shape),
            cfg.data.hu_min,
            cfg.data.hu_max,
        )
    elif data is not None:
        train_data, _ = load_data(data)
    else:
        from .data import make_cohort

        train_data = make_cohort(
            cfg.data.n_train, cohort_shape(cfg), cfg.data.seed, cfg.data.p_missing, prefix="train"
        )
    result = run(cfg, train_data, out, resume=resume, echo=typer.echo)
    typer.echo(
        f"checkpoint {result.checkpoint} ({result.parameters:,} trainable parameters, "
        f"{result.steps} steps, {result.images_per_second:.1f} images/s)"
    )


@app.command()
@user_errors
def sample(
    checkpoint: Checkpoint,
    data: Data,
    out: Out = Path("runs/ct-samples"),
    prompt: Annotated[
        str | None, typer.Option(help="Prompt for every case (default: each case's row).")
    ] = None,
    n: Annotated[int, typer.Option(help="Number of held-out cases.", min=1)] = 4,
    seed: int = 0,
) -> None:
    """Generate images (HU, .npy) for held-out masks, with their own rows or a given prompt."""
    import numpy as np

    from .dataset import masks_of
    from .pipeline import load_data
    from .sample import Synthesizer
    from .text import build_prompt

    _, test = load_data(data)
    cases = test[:n]
    synth = Synthesizer.load(checkpoint)
    prompts = [prompt or build_prompt(c.table) for c in cases]
    images = synth.generate(masks_of(cases), prompts, [seed + i for i in range(len(cases))])
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "samples_hu.npy", images)
    (out / "prompts.json").write_text(json.dumps(prompts, indent=1), encoding="utf-8")
    typer.echo(f"wrote {len(images)} SYNTHETIC images to {out / 'samples_hu.npy'}")


@app.command()
@user_errors
def counterfactual(
    checkpoint: Checkpoint,
    data: Data,
    attribute: Annotated[
        str, typer.Option(help="smoker, sex, age, diagnosis or status_1y.")
    ] = "smoker",
    to: Annotated[str, typer.Option(help="The counterfactual value, e.g. yes.")] = "yes",
    base: Annotated[
        str | None, typer.Option(help="Default value (default: the recorded row).")
    ] = None,
    case: Annotated[int, typer.Option(help="Held-out case index.")] = 0,
    out: Out = Path("runs/ct-counterfactual"),
    seed: int = 0,
) -> None:
    """Change one attribute, keep masks and noise: PNG + GIF of default, counterfactual, difference."""
    from .counterfactual import set_attribute
    from .pipeline import load_data, run_counterfactual
    from .sample import Synthesizer

    _, test = load_data(data)
    if test:
        set_attribute(test[0].table, attribute, to)  # validate before loading the model
    res = run_counterfactual(
        Synthesizer.load(checkpoint), test, attribute, to, out, case, seed, base
    )
    _echo_json({k: str(v) if isinstance(v, Path) else v for k, v in res.__dict__.items()})


@app.command()
@user_errors
def evaluate(
    checkpoint: Checkpoint,
    data: Data,
    out: Annotated[Path, typer.Option("--out", "-o", help="metrics.json path.")] = Path(
        "runs/ct-metrics.json"
    ),
) -> None:
    """Score counterfactuals and image quality against the cohort's known truth (flat metrics.json)."""
    from .evaluate import evaluate as run
    from .pipeline import load_data
    from .sample import Synthesizer

    train_cases, test = load_data(data)
    metrics = run(Synthesizer.load(checkpoint), test, train_cases)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    _echo_json(metrics)


@app.command()
@user_errors
def benchmark(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the tables (Markdown + JSON).")
    ] = Path("runs/ct-benchmark"),
    what: Annotated[str, typer.Option(help="speed, ablation or all.")] = "all",
    ablation_steps: Annotated[
        int, typer.Option(help="Training steps per fusion variant.", min=1)
    ] = 600,
) -> None:
    """Speed (fp32 vs bf16 per preset) and fusion ablation tables, measured on this machine."""
    from .benchmark import run_benchmarks

    if what not in {"speed", "ablation", "all"}:
        raise ConfigError(f"--what: {what!r} is not one of speed, ablation, all")
    typer.echo(run_benchmarks(out, what, ablation_steps))


@app.command()
@user_errors
def figure(
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG path.")] = Path(
        "catalog/demos/figures/ct-synthesis.png"
    ),
    seed: int = 0,
    steps: Annotated[
        int, typer.Option(help="Training steps of the small model behind the figure.", min=1)
    ] = 250,
) -> None:
    """Regenerate the catalog card figure from a fixed seed (SYNTHETIC; about 2 minutes on a CPU)."""
    from .pipeline import make_figure

    typer.echo(str(make_figure(out, seed, steps)))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
