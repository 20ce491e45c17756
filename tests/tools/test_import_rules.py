"""What may import what in tools/ (the package READMEs), checked by walking every module's imports.

- `tools.catalog` imports nothing of the other packages;
- no module of `tools` imports `demos`;
- validating (`python -m tools validate`, or importing `tools.catalog`) imports neither torch nor
  numpy (checked in a fresh interpreter).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / "tools"

ANY = "*"
RULES: dict[str, tuple[set[str], set[str]]] = {
    # package: (what its modules may import at load time, what they may import inside functions
    # or under TYPE_CHECKING); a name allows itself and everything below it.
    "tools.catalog": ({"tools.catalog"}, {"tools.catalog"}),
    "tools.site": (
        {"tools.catalog", "tools.export", "tools.site", "tools.search.__init__"},
        {"tools.search"},
    ),
    "tools.search": ({"tools.catalog", "tools.search", "tools.site.urls"}, set()),
    "tools.importers": ({"tools.catalog", "tools.importers"}, {"tools.search"}),
    "tools.export": ({"tools.catalog"}, set()),
    "tools.stats": ({"tools.catalog"}, set()),
    "tools.links": ({"tools.catalog", "tools.links"}, set()),
    "tools.cli": ({ANY}, {ANY}),
    "tools.__main__": ({"tools.cli"}, set()),
    "tools.__init__": (set(), set()),
}


@dataclass(frozen=True)
class Imported:
    """One import statement: the module it names, where, and whether it runs at load time."""

    module: str
    line: int
    at_load: bool


def module_name(path: Path) -> str:
    """`tools/site/render.py` -> `tools.site.render`; a package's own file keeps `__init__`."""
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def imports_of(source: str) -> list[Imported]:
    """Every absolute import in `source`; `from tools import search` names `tools.search.__init__`."""
    found: list[Imported] = []

    def visit(node: ast.AST, at_load: bool) -> None:
        for child in ast.iter_child_nodes(node):
            deferred = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) or (
                isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
            )
            if isinstance(child, ast.Import):
                found.extend(Imported(a.name, child.lineno, at_load) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                if child.module == "tools":
                    found.extend(
                        Imported(f"tools.{a.name}.__init__", child.lineno, at_load)
                        for a in child.names
                    )
                else:
                    found.append(Imported(child.module, child.lineno, at_load))
            visit(child, at_load and not deferred)

    visit(ast.parse(source), True)
    return found


def _allows(patterns: set[str], module: str) -> bool:
    return any(
        p == ANY or module == p or module.startswith(p + ".") or f"{module}.__init__" == p
        for p in patterns
    )


def violations(name: str, source: str) -> list[str]:
    """`module:line: imports X` for each import of `tools.*` or `demos` that the rules forbid."""
    package = next(p for p in sorted(RULES, key=len, reverse=True) if _allows({p}, name))
    at_load, deferred = RULES[package]
    out = []
    for imp in imports_of(source):
        root = imp.module.split(".")[0]
        if root == "demos":
            out.append(f"{name}:{imp.line}: imports {imp.module} (tools never imports demos)")
        elif root == "tools":
            allowed = at_load if imp.at_load else at_load | deferred
            if not _allows(allowed, imp.module):
                when = "at load time" if imp.at_load else "in a function"
                out.append(f"{name}:{imp.line}: imports {imp.module} {when}")
    return out


def test_every_module_keeps_to_its_package_rules() -> None:
    modules = sorted(TOOLS.rglob("*.py"))
    assert len(modules) > 40
    found = []
    for path in modules:
        found += violations(module_name(path), path.read_text(encoding="utf-8"))
    assert found == []


def test_the_rules_catch_a_forbidden_import() -> None:
    assert violations("tools.catalog.load", "from tools.site.urls import page_url\n") == [
        "tools.catalog.load:1: imports tools.site.urls at load time"
    ]
    assert violations("tools.catalog.checks", "def f():\n    import tools.search.engine\n") == [
        "tools.catalog.checks:2: imports tools.search.engine in a function"
    ]
    assert violations("tools.site.render", "from tools.search.engine import SearchEngine\n") == [
        "tools.site.render:1: imports tools.search.engine at load time"
    ]
    deferred = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import tools.search.engine\n"
    )
    assert violations("tools.site.related", deferred) == []
    assert violations("tools.site.related", "from tools import search\n") == []
    assert violations("tools.cli.app", "import demos.common\n") == [
        "tools.cli.app:1: imports demos.common (tools never imports demos)"
    ]


PROBE = """
import json, runpy, sys
sys.argv = ["tools", "validate", "--root", sys.argv[1]]
try:
    runpy.run_module("tools", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
import pkgutil, importlib, tools.catalog
for info in pkgutil.walk_packages(tools.catalog.__path__, "tools.catalog."):
    importlib.import_module(info.name)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"torch", "numpy"})
print(json.dumps({"code": code, "heavy": heavy}))
"""


def test_validation_imports_neither_torch_nor_numpy() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {"code": 0, "heavy": []}, proc.stderr
