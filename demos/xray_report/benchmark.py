"""Speed and memory: training throughput and report-generation latency, fp32 vs bf16.

Each cell (mode x precision x batch size) runs in a fresh child process so that its peak memory
is its own: on CUDA ``torch.cuda.max_memory_allocated``, on CPU the child's peak resident set size
(which includes the Python and torch runtime). Times are medians over ``repeats`` timed runs after
one warm-up. Generation times depend on report length, so the mean generated length is reported;
with random weights (no checkpoint) the decoder rarely stops early.
"""

from __future__ import annotations

import platform
import resource
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import torch

from demos.common.runtime import Precision

MODES = ("train", "greedy", "beam")
PRECISIONS = ("fp32", "bf16")
BATCHES = (1, 32)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _cell_model(
    preset: str, checkpoint: str | None, device: torch.device, batch: int
) -> tuple[Any, Any, Any]:
    """(config, model, tokenizer): a trained checkpoint, or the preset with random weights."""
    from demos.xray_report.config import load_config
    from demos.xray_report.data import make_cohort
    from demos.xray_report.tokenizer import build_tokenizer
    from demos.xray_report.train import build_model, load_trained

    if checkpoint:
        trained = load_trained(Path(checkpoint), device)
        return trained.config, trained.model, trained.tokenizer
    cfg = load_config(preset)
    cohort = make_cohort(max(batch, 64), cfg.data.image_size, seed=0)
    tokenizer = build_tokenizer(cfg.data.tokenizer, cohort.reports)
    return cfg, build_model(cfg, len(tokenizer.vocab)).to(device), tokenizer


def _cell_step(
    mode: str,
    prec: Precision,
    cfg: Any,
    model: Any,
    tokenizer: Any,
    cohort: Any,
    device: torch.device,
) -> tuple[Callable[[], None], list[float]]:
    """The timed callable of one cell and the list it appends mean report lengths to."""
    from demos.common.runtime import autocast
    from demos.xray_report.sample import beam_search, greedy_search
    from demos.xray_report.tokenizer import encode_reports
    from demos.xray_report.train import _pad, losses

    images = torch.as_tensor(cohort.images).to(device)
    lengths: list[float] = []
    if mode == "train":
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
        seqs, _ = encode_reports(tokenizer, cohort.reports, cfg.data.max_len)
        ids = _pad(seqs).to(device)
        labels = torch.as_tensor(cohort.labels).to(device)

        def train_step() -> None:
            with autocast(device, prec):
                tok, cls = losses(model, images, ids, labels)
            opt.zero_grad(set_to_none=True)
            (tok + cls).backward()
            opt.step()

        return train_step, lengths
    model.eval()
    d = cfg.decode

    def decode_step() -> None:
        with autocast(device, prec):
            if mode == "greedy":
                rows = greedy_search(model, images, d.max_len, d.block_trigrams)
            else:
                rows = beam_search(
                    model, images, d.max_len, d.beam_size, d.block_trigrams, d.length_penalty
                )
        lengths.append(sum(len(r) for r in rows) / len(rows))

    return decode_step, lengths


def run_cell(
    mode: str,
    precision: str,
    batch: int,
    repeats: int,
    preset: str,
    checkpoint: str | None,
    device_name: str,
    threads: int,
) -> dict[str, Any]:
    """Time one cell in this process; returns a table row."""
    from demos.common.runtime import select_device
    from demos.xray_report.data import make_cohort

    torch.manual_seed(0)
    device = select_device(device_name)
    if device.type == "cpu":
        torch.set_num_threads(threads)
    cfg, model, tokenizer = _cell_model(preset, checkpoint, device, batch)
    cohort = make_cohort(batch, cfg.data.image_size, seed=1)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    prec: Precision = "bf16" if precision == "bf16" else "fp32"
    step, lengths = _cell_step(mode, prec, cfg, model, tokenizer, cohort, device)
    step()
    _sync(device)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step()
        _sync(device)
        times.append(time.perf_counter() - t0)
    seconds = statistics.median(times)
    if device.type == "cuda":
        peak_mib = torch.cuda.max_memory_allocated(device) / 2**20
    else:
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "mode": mode,
        "precision": precision,
        "batch": batch,
        "ms_per_batch": 1000 * seconds,
        "ms_per_report": 1000 * seconds / batch,
        "images_per_s": batch / seconds,
        "mean_tokens": statistics.mean(lengths) if lengths else float("nan"),
        "peak_mib": peak_mib,
        "device": str(device) if device.type != "cpu" else f"cpu ({threads} thread(s))",
    }


def run_speed_benchmark(
    *,
    repeats: int = 3,
    preset: str = "tiny",
    checkpoint: Path | None = None,
    device: str = "auto",
    threads: int = 1,
    modes: tuple[str, ...] = MODES,
    batches: tuple[int, ...] = BATCHES,
    echo: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    """All cells, each in a fresh process; adds ``vs_fp32`` (speed-up of bf16 over fp32)."""
    rows = []
    ctx = get_context("spawn")
    for mode in modes:
        for batch in batches:
            for precision in PRECISIONS:
                with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
                    args = (mode, precision, batch, repeats, preset)
                    extra = (str(checkpoint) if checkpoint else None, device, threads)
                    row = pool.submit(run_cell, *args, *extra).result()
                echo(f"{mode:6s} {precision} batch {batch:3d}: {row['ms_per_batch']:9.1f} ms/batch")
                rows.append(row)
    base = {(r["mode"], r["batch"]): r["ms_per_batch"] for r in rows if r["precision"] == "fp32"}
    for r in rows:
        r["vs_fp32"] = base[(r["mode"], r["batch"])] / r["ms_per_batch"]
    return rows


def markdown_table(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table (what the model card shows)."""
    head = (
        "| mode | precision | batch | ms / batch | ms / report | images / s | speed-up vs fp32 "
        "| mean tokens | peak memory (MiB) |"
    )
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        tokens = "" if r["mode"] == "train" else f"{r['mean_tokens']:.1f}"
        lines.append(
            f"| {r['mode']} | {r['precision']} | {r['batch']} | {r['ms_per_batch']:.1f} "
            f"| {r['ms_per_report']:.1f} | {r['images_per_s']:.1f} | {r['vs_fp32']:.2f}x "
            f"| {tokens} | {r['peak_mib']:.0f} |"
        )
    where = rows[0]["device"] if rows else "?"
    lines.append(
        f"\nDevice: {where}; torch {torch.__version__}; {platform.processor() or platform.machine()}."
    )
    return "\n".join(lines)
