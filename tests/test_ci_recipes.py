"""The CI recipes run as written: the shell of every step that calls agent-ready in docs/ci/*.md and in the
composite action.yml is taken from those files verbatim and run against the local reference service."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import xmlschema
import yaml

from agent_ready.reference import ReferenceServer

ROOT = Path(__file__).resolve().parent.parent
GITHUB_DOC = ROOT / "docs" / "ci" / "github-actions.md"
GITLAB_DOC = ROOT / "docs" / "ci" / "gitlab.md"
ACTION = ROOT / "action.yml"
JUNIT_XSD = Path(__file__).parent / "data" / "schemas" / "junit-10.xsd"


def code_blocks(path: Path, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", path.read_text(encoding="utf-8"), flags=re.M | re.S)


def run_script(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """As a runner does: bash without profiles, stopping at the first failing command."""
    full = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(cwd),
        "AGENT_READY_NO_PLUGINS": "1",
        **env,
    }
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
    )


def agent_ready_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in steps if "run" in s and re.search(r"\bagent-ready (scan|diff)\b", s["run"])]


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    (block,) = [b for b in code_blocks(GITHUB_DOC, "yaml") if "jobs:" in b]
    doc: dict[str, Any] = yaml.safe_load(block)
    return doc


def test_github_workflow_shape(workflow: dict[str, Any]) -> None:
    assert "schedule" in workflow[True]  # YAML 1.1 reads the key `on` as True
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["scan"]["steps"]
    (scan,) = agent_ready_steps(steps)
    outputs = set(re.findall(r"-o (\S+)", scan["run"]))
    sarif = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert sarif["with"]["sarif_file"] in outputs and "always()" in sarif["if"]
    html = next(s for s in steps if s.get("with", {}).get("name") == "agent-ready-report")
    assert "agent-ready.html" in html["with"]["path"] and "agent-ready.html" in outputs
    keep = next(s for s in steps if s.get("with", {}).get("name") == "agent-ready-baseline")
    assert keep["with"]["path"] == "agent-ready.json" and "agent-ready.json" in outputs
    fetch = next(s for s in steps if "gh run download" in s.get("run", ""))
    assert "agent-ready-baseline" in fetch["run"] and "baseline" in fetch["run"]
    assert "--baseline baseline/agent-ready.json" in scan["run"]


def test_github_workflow_scan_step_runs(
    workflow: dict[str, Any], reference: ReferenceServer, bare: ReferenceServer, tmp_path: Path
) -> None:
    (scan,) = agent_ready_steps(workflow["jobs"]["scan"]["steps"])
    summary = tmp_path / "summary.md"
    env = {"TARGET_URL": reference.url + "/", "GITHUB_STEP_SUMMARY": str(summary), "STAGING_API_KEY": ""}
    # First run: no baseline yet; every file is written and the summary is on the run's page.
    first = run_script(scan["run"], tmp_path, env)
    assert first.returncode == 0, first.stderr
    for name in ("agent-ready.json", "agent-ready.html", "agent-ready.sarif", "agent-ready.badge.json"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert summary.read_text().startswith("## agent-ready: ")
    # The next run finds the baseline the "keep" step uploaded and the "fetch" step downloaded.
    (tmp_path / "baseline").mkdir()
    shutil.copy(tmp_path / "agent-ready.json", tmp_path / "baseline" / "agent-ready.json")
    again = run_script(scan["run"], tmp_path, env | {"STAGING_API_KEY": "k3y-for-staging-only"})
    assert again.returncode == 0, again.stderr
    assert "no check changed status" in again.stderr  # compared with the baseline
    assert "No check changed status." in summary.read_text()  # and the page says so under the report
    assert "k3y-for-staging-only" not in (tmp_path / "agent-ready.json").read_text()
    # A service that got worse than its baseline fails the job.
    worse = run_script(scan["run"], tmp_path, env | {"TARGET_URL": bare.url + "/"})
    assert worse.returncode == 1, worse.stderr
    assert "regression(s) against the baseline" in worse.stderr
    # The diff command the page shows, verbatim.
    (cmd,) = [b.strip() for b in code_blocks(GITHUB_DOC, "sh") if "agent-ready diff" in b]
    diff = run_script(cmd, tmp_path, {})
    assert diff.returncode == 0 and diff.stdout.startswith("## agent-ready: ")


def test_gitlab_job_runs_and_junit_validates(reference: ReferenceServer, tmp_path: Path) -> None:
    (block,) = code_blocks(GITLAB_DOC, "yaml")
    job = yaml.safe_load(block)["agent-ready"]
    commands = [line for line in job["script"] if re.search(r"\bagent-ready scan\b", line)]
    assert commands
    for command in commands:
        res = run_script(command, tmp_path, {"TARGET_URL": reference.url + "/"})
        assert res.returncode == 0, res.stderr
    junit = tmp_path / job["artifacts"]["reports"]["junit"]
    xmlschema.XMLSchema(str(JUNIT_XSD)).validate(str(junit))
    for path in job["artifacts"]["paths"]:
        assert (tmp_path / path).stat().st_size > 0, path
    assert job["artifacts"]["when"] == "always"


def test_composite_action_runs(reference: ReferenceServer, bare: ReferenceServer, tmp_path: Path) -> None:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    for step in steps:  # inputs reach the shell through env only: nothing spliced into a script
        assert "${{" not in step["run"], step["name"]
    install = steps[0]
    assert (
        "pip install" in install["run"]
        and install["env"]["AGENT_READY_SOURCE"] == "${{ github.action_path }}"
    )
    (scan,) = agent_ready_steps(steps)
    assert scan["id"] == "scan"
    defaults = {name: spec.get("default", "") for name, spec in action["inputs"].items()}

    def run(**inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
        values = defaults | inputs
        env = {
            key: re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], value)
            for key, value in scan["env"].items()
        }
        output = tmp_path / "github_output"
        output.write_text("")
        res = run_script(scan["run"], tmp_path, env | {"GITHUB_OUTPUT": str(output)})
        pairs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
        return res, pairs

    res, out = run(url=reference.url + "/")
    assert res.returncode == 0, res.stderr
    report = json.loads((tmp_path / "agent-ready.json").read_text())
    assert out == {
        "exit-code": "0",
        "score": f"{report['score']['overall']:g}",
        "grade": report["score"]["grade"],
    }
    assert (tmp_path / "agent-ready.sarif").exists() and (tmp_path / "agent-ready.html").exists()
    res, out = run(url=bare.url + "/", **{"fail-under": "50", "args": "--only discovery --fail-on warn"})
    assert res.returncode == 1 and out["exit-code"] == "1" and out["grade"] == "F"
    assert "gate failed" in res.stderr
    # The baseline input is used when the file exists and ignored (first run) when it does not.
    shutil.copy(tmp_path / "agent-ready.json", tmp_path / "old.json")
    res, out = run(url=bare.url + "/", baseline="old.json", args="--only discovery --fail-on fail")
    assert res.returncode == 0, res.stderr
    res, out = run(url=bare.url + "/", baseline="missing.json", args="--only discovery")
    assert res.returncode == 0, res.stderr
    for name, spec in action["outputs"].items():
        assert spec["value"] == f"${{{{ steps.scan.outputs.{name} }}}}"


def test_readme_ci_example_runs(reference: ReferenceServer, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### In CI", 1)[1]
    (block,) = re.findall(r"^```yaml\n(.*?)^```", section, flags=re.M | re.S)[:1]
    steps = yaml.safe_load(block)
    (scan,) = agent_ready_steps(steps)
    res = run_script(scan["run"], tmp_path, {"TARGET_URL": reference.url + "/"})
    assert res.returncode == 0, res.stderr
    sarif = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert (tmp_path / sarif["with"]["sarif_file"]).stat().st_size > 0
