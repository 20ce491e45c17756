"""A progress bar that can be switched off, and a JSON-lines metrics log."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress(
    items: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool = True
) -> Iterator[T]:
    """``tqdm`` over ``items`` when enabled (and on the main process), else the items unchanged."""
    if not enabled:
        yield from items
        return
    yield from tqdm(items, total=total, desc=desc, dynamic_ncols=True, leave=False)


class MetricsLog:
    """Appends one JSON object per line to ``path``: ``{"step": ..., "time": ..., **metrics}``."""

    def __init__(self, path: str | Path, enabled: bool = True) -> None:
        self.path = Path(path)
        self.enabled = enabled
        self._t0 = time.perf_counter()
        if enabled:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def log(self, step: int, **metrics: float | int | str) -> dict[str, Any]:
        row: dict[str, Any] = {"step": step, "time": round(time.perf_counter() - self._t0, 3)}
        for k, v in metrics.items():
            row[k] = float(v) if isinstance(v, float) and math.isfinite(v) else v
        if self.enabled:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(row) + "\n")
        return row
