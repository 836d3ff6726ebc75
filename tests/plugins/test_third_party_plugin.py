"""A third-party plugin, packaged and installed by pip like any other, is listed, explained and run.

The plugin project (``acme_project/``) imports only the documented API. pip builds its wheel (an in-tree
PEP 517 backend, so no index is needed) and installs it with ``--target`` into a directory that only the
agent-ready processes of this test have on their path: a real distribution with a real
``agent_ready.checks`` entry point, invisible to the test workers running beside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agent_ready.reference import ReferenceServer
from agent_ready.reports.json_report import validate

PROJECT = Path(__file__).parent / "acme_project"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("acme-src") / "acme_project"
    shutil.copytree(PROJECT, src)
    target = tmp_path_factory.mktemp("acme-site")
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
    out = subprocess.run(
        [*pip, "--target", str(target), str(src)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert (target / "acme_ready_checks-1.0.dist-info" / "entry_points.txt").is_file()
    return target


def cli(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "AGENT_READY_NO_PLUGINS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "agent_ready", *args], capture_output=True, text=True, timeout=180, env=env
    )


def test_the_plugin_is_listed(site: Path) -> None:
    out = cli(site, "list-checks")
    assert out.returncode == 0, out.stderr
    assert "acme.home-served" in out.stdout
    assert "discovery.robots-txt" in out.stdout  # the built-ins are still there


def test_the_plugin_is_explained(site: Path) -> None:
    out = cli(site, "explain", "acme.home-served")
    assert out.returncode == 0, out.stderr
    assert "The home page answers 2xx" in out.stdout
    assert "Serve the origin's home page with a 2xx status." in out.stdout


def test_the_plugin_runs_in_a_scan_and_its_result_is_in_the_report(
    site: Path, reference: ReferenceServer
) -> None:
    out = cli(site, "scan", reference.url + "/", "--format", "json", "-q")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    validate(report)
    result = next(r for r in report["checks"] if r["id"] == "acme.home-served")
    assert result["status"] == "pass" and result["plugin"] == "acme"
    plugin = next(p for p in report["tool"]["plugins"] if p["name"] == "acme")
    assert plugin["checks"] == ["acme.home-served"] and not plugin["builtin"]
    assert plugin["dist"] == "acme_ready_checks" and plugin["version"] == "1.0"


def test_without_plugins_it_is_gone(site: Path) -> None:
    out = cli(site, "list-checks", "--no-plugins")
    assert out.returncode == 0, out.stderr
    assert "acme.home-served" not in out.stdout
