"""No function in the installed package grows past 80 lines (issue 8): a long function is several
judgements or steps in sequence, and each deserves a name and a test of its own."""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
from pathlib import Path

LIMIT = 80

# Functions still over the limit, by qualified name. The list may only shrink: a test below fails once one
# of them is split (or gone) and still listed, so nobody can add to it unnoticed.
STILL_LONG: frozenset[str] = frozenset()


# The three source folders install as these packages (pyproject.toml's package-dir), each from its own folder.
ROOTS = ("agent_ready", "agent_ready.checks", "agent_ready.reports")


def _sources() -> dict[str, Path]:
    """Every module of the installed package, by import name, with its source file."""
    found: dict[str, Path] = {}
    for root in ROOTS:
        package = importlib.import_module(root)
        found[root] = Path(package.__file__ or "")
        for info in pkgutil.walk_packages(package.__path__, f"{root}."):
            spec = importlib.util.find_spec(info.name)
            if spec is not None and spec.origin and spec.origin.endswith(".py"):
                found[info.name] = Path(spec.origin)
    return found


def _lengths(module: str, source: str) -> dict[str, int]:
    """Lines from `def` to the function's last line, for every function and method, nested ones too."""
    out: dict[str, int] = {}

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                out[name] = (child.end_lineno or child.lineno) - child.lineno + 1
                walk(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")
            else:
                walk(child, prefix)

    walk(ast.parse(source), f"{module}.")
    return out


def _all_lengths() -> dict[str, int]:
    lengths: dict[str, int] = {}
    for module, path in _sources().items():
        lengths.update(_lengths(module, path.read_text(encoding="utf-8")))
    return lengths


def test_the_walk_sees_the_whole_package() -> None:
    lengths = _all_lengths()
    # A walk that missed the check packages (installed from another folder) would pass everything below.
    assert "agent_ready.checks.discovery.robots.robots_txt" in lengths
    assert "agent_ready.engine.run_scan" in lengths
    assert any(n.startswith("agent_ready.reports.") for n in lengths)


def test_the_measure_counts_def_to_last_line() -> None:
    source = "class C:\n    def m(self):\n        x = 1\n\n        return x\n\ndef f():\n    pass\n"
    assert _lengths("mod", source) == {"mod.C.m": 4, "mod.f": 2}


def test_no_new_function_is_over_the_limit() -> None:
    long = sorted(f"{name} ({n} lines)" for name, n in _all_lengths().items() if n > LIMIT)
    assert [entry for entry in long if entry.split(" (")[0] not in STILL_LONG] == []


def test_the_still_long_list_only_shrinks() -> None:
    lengths = _all_lengths()
    assert sorted(STILL_LONG - lengths.keys()) == [], "a listed function no longer exists: drop it"
    assert sorted(n for n in STILL_LONG if lengths[n] <= LIMIT) == [], (
        "short enough now: drop it from the list"
    )
