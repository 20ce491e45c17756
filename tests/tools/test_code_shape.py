"""The shape of tools/: no function over 80 lines, no module over 400 lines (read with `ast`)."""

from __future__ import annotations

import ast
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "tools"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 400


def oversized(source: str, name: str) -> list[str]:
    """What in `source` is too long: `name: N lines` for the module, `name:func: N lines` for each
    function or method (counted from its first decorator to its last line)."""
    found = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines (max {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source, filename=name)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - start + 1
            if length > MAX_FUNCTION_LINES:
                found.append(
                    f"{name}:{node.lineno} {node.name}: {length} lines (max {MAX_FUNCTION_LINES})"
                )
    return found


def test_no_function_or_module_in_tools_is_too_long() -> None:
    modules = sorted(TOOLS.rglob("*.py"))
    assert len(modules) > 40  # the walk sees the packages
    found = []
    for path in modules:
        found += oversized(
            path.read_text(encoding="utf-8"), path.relative_to(TOOLS.parent).as_posix()
        )
    assert found == []


def test_the_check_sees_long_functions_methods_and_modules() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    long_function = f"@decorated\ndef f():\n{body}\n"  # decorator + def + 80 lines = 82
    assert oversized(long_function, "m.py") == ["m.py:2 f: 82 lines (max 80)"]
    method = "class C:\n    async def g(self):\n" + "\n".join(
        f"        y{i} = {i}" for i in range(MAX_FUNCTION_LINES - 1)
    )
    assert oversized(method, "m.py") == []  # exactly 80 lines is allowed
    module = "\n".join(f"z{i} = {i}" for i in range(MAX_MODULE_LINES + 1))
    assert oversized(module, "big.py") == ["big.py: 401 lines (max 400)"]
