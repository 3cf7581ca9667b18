"""Architecture: the layer contract, no import cycles, no reaching into another module's privates.

The layers are declared once, in ``[tool.importlinter]`` of ``pyproject.toml`` (CONTRIBUTING.md
draws the same picture); import-linter checks them. The other tests read every import statement
of the package with :mod:`ast`: module-level, inside functions and under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
import graphlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "fertopt"

#: modules kept out of ``import fertopt`` on purpose (matplotlib; the numerical integration behind
#: the studentized range): only these may be imported inside a function, where the import defers
#: real work
DEFERRED = ("fertopt.plotting", "fertopt.distributions")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if MODULES[module].name != "__init__.py":
        package.pop()
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str):
    """``(node, imported module, imported name or None, inside a function)`` of fertopt."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    in_function = set()
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function.update(id(n) for n in ast.walk(func) if n is not func)
    for node in ast.walk(tree):
        nested = id(node) in in_function
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "fertopt":
                    yield node, alias.name, None, nested
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node)
            if base.split(".")[0] != "fertopt":
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:
                    yield node, full, None, nested
                else:
                    yield node, base, alias.name, nested


def _where(module: str, node: ast.AST) -> str:
    return f"{MODULES[module].relative_to(ROOT)}:{node.lineno}"


def test_layer_contract_holds():
    if importlib.util.find_spec("importlinter") is None:
        pytest.fail(
            "import-linter is not installed, so the layer contract cannot be checked; install "
            "the dev extra: pip install -e '.[dev]'",
            pytrace=False,
        )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command;"
            " sys.exit(lint_imports_command(['--no-cache']))",
        ],
        cwd=ROOT,
        # this checkout's package, whichever fertopt the environment has installed
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        report = result.stdout[result.stdout.find("Broken contracts") :] or result.stdout
        pytest.fail(
            "an import breaks the layer contract in pyproject.toml ([tool.importlinter]); "
            f"move the code down a layer or the import up:\n{report}{result.stderr}",
            pytrace=False,
        )


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for _node, target, _name, _nested in _imports(module):
            if target in MODULES and target != module:
                graph[module].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (module -> what it imports), or ``[]`` if there is none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return []


def test_no_import_cycles_eager_lazy_or_typing_only():
    cycle = _cycle(_graph())
    assert not cycle, "modules that import each other around a loop: " + " -> ".join(cycle)


def test_the_cycle_check_finds_a_cycle():
    # the check itself must be able to fail
    cycle = _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert set(cycle) == {"a", "b", "c"} and cycle[0] == cycle[-1]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_the_fertopt_package_itself():
    bad = [
        _where(m, node)
        for m in MODULES
        for node, target, name, _nested in _imports(m)
        if target == "fertopt" and (name is None or f"fertopt.{name}" not in MODULES)
    ]
    assert not bad, f"`import fertopt` inside the package hides a dependency: {bad}"


def _loaded_by_import_fertopt() -> set[str]:
    code = "import sys, fertopt; print(' '.join(m for m in sys.modules if m.startswith('fertopt')))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
    ).stdout
    return set(out.split())


def test_function_level_imports_only_defer_modules_not_yet_loaded():
    loaded = _loaded_by_import_fertopt()
    bad = sorted(
        {
            f"{_where(m, node)} imports {target}"
            for m in MODULES
            for node, target, _name, nested in _imports(m)
            if nested and (target in loaded or not target.startswith(DEFERRED))
        }
    )
    assert not bad, (
        "these function-level imports hide a dependency and defer nothing (`import fertopt` "
        "loads the module anyway, or it is not one of the deferred modules); import them at "
        "the top of the module:\n" + "\n".join(bad)
    )


def test_no_underscore_names_imported_from_another_module():
    bad = sorted(
        {
            f"{_where(m, node)} imports {name} from {target}"
            for m in MODULES
            for node, target, name, _nested in _imports(m)
            if name is not None and name.startswith("_") and not name.startswith("__")
        }
    )
    assert not bad, (
        "a name another module needs is part of its interface: give it a name without a "
        "leading underscore (inside a package) or use the public API:\n" + "\n".join(bad)
    )


def test_underscore_modules_are_used_only_inside_their_package():
    bad = []
    for m in MODULES:
        for node, target, _name, _nested in _imports(m):
            parts = target.split(".")
            private = [i for i, p in enumerate(parts) if p.startswith("_") and i > 0]
            if not private or parts[1] in ("_core", "_version"):
                continue
            owner = ".".join(parts[: private[0]])
            if not (m == owner or m.startswith(owner + ".")):
                bad.append(f"{_where(m, node)} imports {target}")
    assert not bad, "private modules used from outside their package:\n" + "\n".join(bad)


def test_importing_fertopt_loads_neither_pyplot_nor_the_deferred_modules():
    code = (
        "import sys, fertopt; "
        f"print(sorted(m for m in sys.modules if m in {('matplotlib.pyplot', *DEFERRED)!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
    ).stdout.strip()
    assert out == "[]", out
