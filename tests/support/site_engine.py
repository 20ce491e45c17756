"""Run a site engine (mkdocs or zensical) on a rendered tree, for tests and benchmarks.

`make site` builds `build/docs` with the repository's `mkdocs.yml`. Tests and benchmarks build
other trees (fixture and synthetic catalogs) with the same settings: `engine_config` writes a copy
of `mkdocs.yml` whose paths are absolute and whose docs and site folders are the given ones.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tools.site.config import IgnoreTagsLoader

ENGINES = ("mkdocs", "zensical")


class EngineError(Exception):
    """The site engine is missing or its build failed (the message holds its output's tail)."""


def engine_config(repo: Path, docs_dir: Path, site_dir: Path, dest: Path) -> Path:
    """Write `dest` (a mkdocs.yml) = the repository's config with these folders; return it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    data = yaml.load((repo / "mkdocs.yml").read_text(encoding="utf-8"), Loader=IgnoreTagsLoader)
    # Relative to the config file: zensical (0.0.x) fails on an absolute docs_dir.
    data["docs_dir"] = os.path.relpath(docs_dir.resolve(), dest.parent.resolve())
    data["site_dir"] = os.path.relpath(site_dir.resolve(), dest.parent.resolve())
    theme = data.get("theme") or {}
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str((repo / theme["custom_dir"]).resolve())
    data["hooks"] = [str((repo / h).resolve()) for h in data.get("hooks", [])]
    data.pop("watch", None)
    dest.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return dest


def engine_command(engine: str, config: Path, strict: bool = True) -> list[str]:
    """The command line that builds the site described by `config` with `engine`."""
    if engine not in ENGINES:
        raise EngineError(f"unknown site engine `{engine}` (choose {' or '.join(ENGINES)})")
    exe = Path(sys.executable).parent / engine
    program = str(exe) if exe.exists() else shutil.which(engine)
    if program is None:
        raise EngineError(f"`{engine}` is not installed (pip install -e .[dev])")
    if engine == "mkdocs":
        return [program, "build", "--quiet", "--clean", "-f", str(config)] + (
            ["--strict"] if strict else []
        )
    return [program, "build", "--clean", "-f", str(config)]


def build(engine: str, config: Path, strict: bool = True, timeout: float = 900) -> str:
    """Build the site; return the engine's output, or raise EngineError when it fails."""
    cmd = engine_command(engine, config, strict)
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, cwd=config.parent, check=False
    )
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise EngineError(f"{engine} build failed ({proc.returncode}): {output[-2000:]}")
    return output
