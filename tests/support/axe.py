"""axe-core from npm, run in a Playwright page: the accessibility check of the browser tests and of
`benchmarks/site_accessibility.py`.

`tests/browser/axe/package.json` and its lock file pin axe-core; `npm ci` installs it once under
`.cache/axe/npm/` (git-ignored, never part of the site). Nothing is fetched from a CDN: the script
is injected into the page under test from that folder.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PINS = REPO / "tests" / "browser" / "axe"
CACHE = REPO / ".cache" / "axe"
SCRIPT = "axe-core/axe.min.js"
"""The file injected into pages, under node_modules."""

BLOCKING = ("serious", "critical")
"""The impacts a page may not have."""


class AxeUnavailable(RuntimeError):
    """axe-core cannot be installed here (no npm, or `npm ci` failed); the message says why."""


def _digest() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((PINS / name).read_bytes())
    return digest.hexdigest()


def axe_script(cache: Path = CACHE) -> Path:
    """The pinned axe.min.js, installed with `npm ci` under `cache` when missing or stale."""
    target = cache / "npm"
    script = target / "node_modules" / SCRIPT
    stamp = target / "installed.sha256"
    digest = _digest()
    if script.is_file() and stamp.is_file() and stamp.read_text().strip() == digest:
        return script
    npm = shutil.which("npm")
    if npm is None:
        raise AxeUnavailable("npm is not installed: it is needed once to fetch axe-core")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(PINS / name, target / name)
    proc = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not script.is_file():
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise AxeUnavailable(f"`npm ci` for axe-core failed in {target}: {last}")
    stamp.write_text(digest)
    return script


def axe_version(script: Path) -> str:
    """The version of the installed axe-core that `script` belongs to."""
    import json

    return str(json.loads((script.parent / "package.json").read_text())["version"])


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on a page: its id, impact, help text and where (CSS selectors)."""

    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def line(self) -> str:
        """`rule (impact): help at selector, selector` for a failure message."""
        where = ", ".join(self.targets[:4]) + (" ..." if len(self.targets) > 4 else "")
        return f"{self.rule} ({self.impact}): {self.help} at {where}"


def run_axe(page: Any, script: Path) -> list[Violation]:
    """Every violation axe-core finds on the loaded `page` (WCAG 2.x A/AA and best practices)."""
    page.add_script_tag(path=str(script))
    raw = page.evaluate(
        """async () => {
             const result = await axe.run(document, {
               runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                'wcag22aa', 'best-practice']},
               resultTypes: ['violations'],
             });
             return result.violations.map(v => ({
               rule: v.id, impact: v.impact || 'unknown', help: v.help,
               targets: v.nodes.map(n => n.target.join(' ')),
             }));
           }"""
    )
    return [Violation(v["rule"], v["impact"], v["help"], tuple(v["targets"])) for v in raw]


def blocking(violations: list[Violation]) -> list[Violation]:
    """The serious and critical violations."""
    return [v for v in violations if v.impact in BLOCKING]
