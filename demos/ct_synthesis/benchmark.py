"""Benchmarks that print Markdown tables: speed per preset (fp32 vs bf16 in the same run) and the
fusion ablation (all five variants, same budget). Everything is measured where it runs; the device
is named in the table. Memory is the peak resident set size of a fresh process (CPU) or the peak
CUDA allocation (GPU)."""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import torch
from torch.nn import functional as F

from demos.common.runtime import Precision, autocast, select_device

from .config import load_config
from .evaluate import SCORE_KEYS
from .fusion import FUSIONS, TextBatch
from .model import DiffusionDenoiser, Generator, build_discriminator
from .text_encoder import EMBED_DIM

# Batch sizes used for the speed measurement on a CPU (the presets' own are for GPUs).
CPU_BATCH = {"tiny": 16, "2d-256": 2, "3d-128": 1}


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"


def _text(b: int, device: torch.device) -> TextBatch:
    return TextBatch(
        torch.randn(b, EMBED_DIM, device=device),
        torch.randn(b, 24, EMBED_DIM, device=device),
        torch.ones(b, 24, dtype=torch.bool, device=device),
    )


def speed_row(
    preset: str, kind: str, bf16: bool, steps: int = 2, device_str: str = "auto"
) -> dict[str, Any]:
    """Train-step throughput and per-image sampling time for one preset / model kind / precision."""
    overrides = [f"model.kind={kind}"] + (
        ["model.channels=32,64,64"] if kind == "diffusion" and preset == "tiny" else []
    )
    cfg = load_config(preset, overrides)
    device = select_device(device_str)
    mc = cfg.model
    size = mc.patch_size or mc.image_size
    b = cfg.train.batch_size if device.type == "cuda" else CPU_BATCH[preset]
    spatial = (size,) * mc.spatial_dims
    net: Generator | DiffusionDenoiser = (
        Generator(mc) if kind == "gan" else DiffusionDenoiser(mc)
    ).to(device)
    disc = build_discriminator(mc).to(device) if kind == "gan" else None
    params = list(net.parameters()) + (list(disc.parameters()) if disc else [])
    opt = torch.optim.AdamW(params, lr=1e-4)
    masks = (torch.rand(b, 2, *spatial, device=device) > 0.5).float()
    img = torch.rand(b, 1, *spatial, device=device) * 2 - 1
    text = _text(b, device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)

    precision: Precision = "bf16" if bf16 else "fp32"

    def step() -> None:
        with autocast(device, precision):
            if isinstance(net, Generator):
                assert disc is not None
                fake = net(masks, torch.randn(b, mc.noise_channels, *spatial, device=device), text)
                out, _ = disc(torch.cat([fake, masks], 1))
                loss = F.mse_loss(fake.float(), img) + sum(o.float().mean() for o in out)
            else:
                t = torch.randint(0, 1000, (b,), device=device)
                loss = F.mse_loss(net(img, masks, t, text).float(), img)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    step()  # warm-up
    sync()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    sync()
    train_ips = steps * b / (time.perf_counter() - t0)
    net.eval()
    with torch.no_grad(), autocast(device, precision):
        x = torch.randn(1, 1, *spatial, device=device)
        t0 = time.perf_counter()
        if isinstance(net, Generator):
            net(masks[:1], x[:, : mc.noise_channels], text.index(slice(0, 1)))
            per_image = time.perf_counter() - t0
        else:
            t = torch.zeros(1, dtype=torch.long, device=device)
            net(x, masks[:1], t, text.index(slice(0, 1)))
            per_image = (time.perf_counter() - t0) * mc.ddim_steps * (2 if mc.guidance != 1 else 1)
        sync()
    if device.type == "cuda":
        mem = torch.cuda.max_memory_allocated(device) / 2**20
    else:
        mem = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "preset": preset,
        "kind": kind,
        "precision": precision,
        "input": "x".join(map(str, spatial)),
        "batch": b,
        "train_images_per_s": train_ips,
        "sample_s_per_image": per_image,
        "peak_mem_mib": mem,
        "device": device_name(device),
    }


def _row_in_subprocess(preset: str, kind: str, bf16: bool) -> dict[str, Any]:
    code = (
        "import json, torch; torch.set_num_threads(2); from demos.ct_synthesis.benchmark import speed_row; "
        f"print(json.dumps(speed_row({preset!r}, {kind!r}, {bf16})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        tail = out.stderr.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"speed row {preset}/{kind}/bf16={bf16} failed: {tail[0]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def speed_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| preset | model | precision | input (train) | batch | train images/s | sampling s/image | bf16 speed-up | peak memory MiB | device |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    base = {(r["preset"], r["kind"]): r for r in rows if r["precision"] == "fp32"}
    for r in rows:
        ratio = r["train_images_per_s"] / base[(r["preset"], r["kind"])]["train_images_per_s"]
        lines.append(
            f"| {r['preset']} | {r['kind']} | {r['precision']} | {r['input']} | {r['batch']} | "
            f"{r['train_images_per_s']:.2f} | {r['sample_s_per_image']:.3f} | {ratio:.2f}x | {r['peak_mem_mib']:.0f} | {r['device']} |"
        )
    return "\n".join(lines)


def ablation(steps: int, out: Path) -> list[dict[str, Any]]:
    """Train the tiny GAN once per fusion variant (same data, seed and steps) and evaluate each."""
    from .data import make_cohort
    from .evaluate import evaluate
    from .pipeline import cohort_shape
    from .sample import Synthesizer
    from .train import train

    rows = []
    for fusion in FUSIONS:
        cfg = load_config(
            "tiny", [f"model.fusion={fusion}", f"train.steps={steps}", "runtime.progress=false"]
        )
        d = cfg.data
        tr = make_cohort(d.n_train, cohort_shape(cfg), d.seed, d.p_missing, prefix="train")
        te = make_cohort(d.n_test, cohort_shape(cfg), d.seed + 10_000, d.p_missing, prefix="test")
        res = train(cfg, tr, out / fusion)
        m = evaluate(Synthesizer.load(out / fusion), te, tr)
        rows.append({"fusion": fusion, "steps": steps, "train_seconds": res.seconds, **m})
    return rows


ABLATION_KEYS = SCORE_KEYS


def ablation_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| fusion | " + " | ".join(ABLATION_KEYS) + " |",
        "|---|" + "---|" * len(ABLATION_KEYS),
    ]
    for r in rows:
        lines.append(
            f"| {r['fusion']} | " + " | ".join(f"{r[k]:.3f}" for k in ABLATION_KEYS) + " |"
        )
    return "\n".join(lines)


def run_benchmarks(out: str | Path, what: str = "all", ablation_steps: int = 600) -> str:
    """Run the chosen benchmarks, write ``out/*.md`` and ``out/*.json``, return the Markdown."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    parts = []
    if what in {"speed", "all"}:
        rows = [
            _row_in_subprocess(p, k, bf16)
            for p, k in (
                ("tiny", "gan"),
                ("tiny", "diffusion"),
                ("2d-256", "gan"),
                ("3d-128", "gan"),
            )
            for bf16 in (False, True)
        ]
        (out / "speed.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
        table = speed_table(rows)
        (out / "speed.md").write_text(table + "\n", encoding="utf-8")
        parts.append(table)
    if what in {"ablation", "all"}:
        rows = ablation(ablation_steps, out / "ablation_runs")
        (out / "ablation.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
        table = ablation_table(rows)
        (out / "ablation.md").write_text(table + "\n", encoding="utf-8")
        parts.append(table)
    return "\n\n".join(parts)
