"""The wheel installs the source folders under one namespace of ours and claims no generic top-level name."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def _import_name(folder: Path) -> str:
    rel = folder.relative_to(ROOT).as_posix()
    for name, src in sorted(SETUPTOOLS["package-dir"].items(), key=lambda kv: -len(kv[1])):
        if rel == src or rel.startswith(src + "/"):
            return (name + rel[len(src) :]).replace("/", ".")
    raise AssertionError(f"{rel} is not under a mapped source folder")


def test_every_source_package_is_listed_under_our_namespace() -> None:
    folders = {
        p.parent for src in ("auditor", "checks", "reports") for p in (ROOT / src).rglob("__init__.py")
    }
    found = {_import_name(f) for f in folders}
    assert found == set(SETUPTOOLS["packages"])
    assert all(name == "agent_ready" or name.startswith("agent_ready.") for name in found)


def test_entry_points_use_the_namespace() -> None:
    eps = PYPROJECT["project"]["entry-points"]["agent_ready.checks"]
    assert all(v.startswith("agent_ready.checks.") for v in eps.values())
    assert PYPROJECT["project"]["scripts"]["agent-ready"].startswith("agent_ready.")


def test_a_user_reports_package_does_not_shadow_ours(tmp_path: Path) -> None:
    # A user project with its own `reports` and `checks` packages in the working directory.
    for name in ("reports", "checks", "auditor"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("raise ImportError('user package imported')\n")
    code = (
        "import agent_ready.reports, agent_ready.checks.discovery, agent_ready.cli; "
        "print(agent_ready.reports.__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "agent_ready.reports"
