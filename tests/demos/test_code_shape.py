"""Size limits of the demos' code: no function over 80 lines, no module over 400 lines.

A function is measured from its first decorator to its last line, nested functions included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DEMOS = Path(__file__).resolve().parents[2] / "demos"
MODULES = sorted(DEMOS.rglob("*.py"))
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 400


def long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int]]:
    """``(name, lines)`` of every function or method longer than ``limit`` lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            lines = (node.end_lineno or node.lineno) - first + 1
            if lines > limit:
                found.append((node.name, lines))
    return found


def test_the_checker_measures_functions() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(80))
    assert long_functions(f"@decorator\ndef f():\n{body}\n") == [("f", 82)]
    assert long_functions(f"def g():\n{body}\n") == [("g", 81)]
    assert long_functions("def h():\n    pass\n") == []


def test_there_are_modules_to_check() -> None:
    names = {p.relative_to(DEMOS).as_posix() for p in MODULES}
    assert {"common/fit.py", "ct_synthesis/model.py", "xray_report/train.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(DEMOS).as_posix())
def test_module_and_function_sizes(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    n = len(source.splitlines())
    assert n <= MAX_MODULE_LINES, f"{path}: {n} lines (at most {MAX_MODULE_LINES})"
    assert long_functions(source) == [], f"{path}: functions over {MAX_FUNCTION_LINES} lines"
