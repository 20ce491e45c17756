"""Figures like the paper's: default, counterfactual and difference heat map (PNG), and an
animated GIF through the slices (3D) or through cases (2D). Every figure says SYNTHETIC."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from PIL import Image, ImageDraw

WINDOW = (-1000.0, 400.0)
LABEL = "SYNTHETIC data - research and education only, not for clinical use"


def counterfactual_png(
    path: str | Path,
    masks: np.ndarray,
    default_hu: np.ndarray,
    cf_hu: np.ndarray,
    titles: tuple[str, str],
    true_diff: np.ndarray | None = None,
    diff_range: float = 60.0,
) -> Path:
    """One row: masks | default | counterfactual | generated difference | (true difference).

    2D arrays ``(H, W)``; ``masks`` is ``(2, H, W)`` (lung, airway).
    """
    diff = cf_hu - default_hu
    panels = 5 if true_diff is not None else 4
    fig, axes = plt.subplots(1, panels, figsize=(2.5 * panels, 2.9), dpi=80)
    axes[0].imshow(masks[0] + 2 * masks[1], cmap="viridis", vmin=0, vmax=2)
    axes[0].set_title("input masks", fontsize=8)
    for ax, img, title in ((axes[1], default_hu, titles[0]), (axes[2], cf_hu, titles[1])):
        ax.imshow(img, cmap="gray", vmin=WINDOW[0], vmax=WINDOW[1])
        ax.set_title(title, fontsize=6.5)
    im = axes[3].imshow(diff, cmap="RdBu_r", vmin=-diff_range, vmax=diff_range)
    axes[3].set_title("generated difference (HU)", fontsize=8)
    if true_diff is not None:
        axes[4].imshow(true_diff, cmap="RdBu_r", vmin=-diff_range, vmax=diff_range)
        axes[4].set_title("true difference (HU)", fontsize=8)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(im, ax=axes[-1], fraction=0.046, pad=0.04)
    fig.suptitle(LABEL, fontsize=8)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def _gray(img: np.ndarray) -> np.ndarray:
    x = np.clip((img - WINDOW[0]) / (WINDOW[1] - WINDOW[0]), 0, 1)
    return (np.repeat(x[..., None], 3, axis=-1) * 255).astype(np.uint8)


def _heat(diff: np.ndarray, diff_range: float) -> np.ndarray:
    rgba = colormaps["RdBu_r"](np.clip(diff / (2 * diff_range) + 0.5, 0, 1))
    return (rgba[..., :3] * 255).astype(np.uint8)


def counterfactual_gif(
    path: str | Path,
    default_hu: np.ndarray,
    cf_hu: np.ndarray,
    diff_range: float = 60.0,
    scale: int = 3,
) -> Path:
    """Frames along the first axis of ``(T, H, W)`` stacks: default | counterfactual | difference."""
    frames = []
    for d, c in zip(default_hu, cf_hu, strict=True):
        row = np.concatenate([_gray(d), _gray(c), _heat(c - d, diff_range)], axis=1)
        img = Image.fromarray(row).resize(
            (row.shape[1] * scale, row.shape[0] * scale), Image.Resampling.NEAREST
        )
        ImageDraw.Draw(img).text((4, 4), "SYNTHETIC", fill=(255, 255, 0))
        frames.append(img)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=200, loop=0)
    return path
