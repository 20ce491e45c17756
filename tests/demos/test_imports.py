"""Who may import whom, read from the source (every ``import``, top-level or inside a function):

- ``demos/common`` imports neither demo;
- a demo never imports the other demo;
- nothing in ``demos/`` imports ``tools``, and nothing in ``tools/`` imports ``demos``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMOS = ("ct_synthesis", "xray_report")


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Absolute names of the modules ``path`` imports (relative imports resolved)."""
    package = list(path.relative_to(root).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    return bad


def test_the_walker_sees_relative_and_nested_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "demos" / "ct_synthesis"
    pkg.mkdir(parents=True)
    (pkg / "m.py").write_text(
        "from .model import Generator\nfrom ..xray_report import data\n"
        "def f():\n    import tools.cli\n"
    )
    names = imported_modules(pkg / "m.py", tmp_path)
    assert {"demos.ct_synthesis.model", "demos.xray_report.data", "tools.cli"} <= names


def test_common_imports_neither_demo() -> None:
    assert _violations("demos/common", tuple(f"demos.{d}" for d in DEMOS)) == []


@pytest.mark.parametrize("demo", DEMOS)
def test_a_demo_never_imports_the_other(demo: str) -> None:
    other = next(d for d in DEMOS if d != demo)
    assert _violations(f"demos/{demo}", (f"demos.{other}",)) == []


def test_demos_and_tools_stay_apart() -> None:
    assert _violations("demos", ("tools",)) == []
    assert _violations("tools", ("demos",)) == []
