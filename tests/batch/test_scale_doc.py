"""docs/scale.md's GitHub Actions matrix and Kubernetes Indexed Job, run for real on local targets.

The YAML is parsed from the page; each agent-ready command in it runs as the scheduler would run it (the
matrix value or JOB_COMPLETION_INDEX filled in), against a list of URLs on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from agent_ready.reference import ReferenceServer

ROOT = Path(__file__).resolve().parents[2]
PAGE = (ROOT / "docs/scale.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```yaml\n(.*?)```", PAGE, flags=re.S)
FAST = ["--only", "access", "-q"]  # the commands as written, narrowed to one category to keep the test quick


def run(command: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    args = shlex.split(command)
    assert args[0] == "agent-ready", command
    if args[1] == "batch":
        args += FAST
    return subprocess.run(
        [sys.executable, "-m", "agent_ready", *args[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "AGENT_READY_NO_PLUGINS": "1", **(env or {})},
    )


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def test_the_github_actions_matrix_works(reference: ReferenceServer, tmp_path: Path) -> None:
    workflow = yaml.safe_load(BLOCKS[0])
    jobs = workflow["jobs"]
    shards = jobs["scan"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))
    scan_cmds = [s["run"] for s in jobs["scan"]["steps"] if str(s.get("run", "")).startswith("agent-ready")]
    merge_cmds = [s["run"] for s in jobs["merge"]["steps"] if str(s.get("run", "")).startswith("agent-ready")]
    assert f"--shard ${{{{ matrix.shard }}}}/{len(shards)}" in scan_cmds[0]
    assert jobs["merge"]["needs"] == "scan"

    urls = [f"{reference.url}/api{i}" for i in range(10)]
    (tmp_path / "targets.txt").write_text("\n".join(urls) + "\n")
    for night in (1, 2):
        (tmp_path / "shards").mkdir(exist_ok=True)
        for shard in shards:
            for cmd in scan_cmds:
                proc = run(cmd.replace("${{ matrix.shard }}", str(shard)), tmp_path)
                assert proc.returncode in (0, 1), proc.stderr
            (tmp_path / f"shard-{shard}.jsonl").replace(
                tmp_path / "shards" / f"shard-{shard}.jsonl"
            )  # artifacts
        (tmp_path / "history.jsonl").touch()
        for cmd in merge_cmds:
            proc = run(cmd, tmp_path)
            assert proc.returncode == 0, proc.stderr
        history = lines_of(tmp_path / "history.jsonl")
        assert sorted(ln["target"] for ln in history) == sorted(urls * night)  # each night, each target once
    assert "svg" in (tmp_path / "site" / "index.html").read_text()


def test_the_kubernetes_indexed_job_works(reference: ReferenceServer, tmp_path: Path) -> None:
    docs = list(yaml.safe_load_all(BLOCKS[1]))
    job = next(d for d in docs if d["kind"] == "Job")
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed" and spec["completions"] == spec["parallelism"]
    script = job["spec"]["template"]["spec"]["containers"][0]["args"][0]
    batch = re.search(r"(agent-ready batch [^;]*);", script).group(1)
    assert f"--shard {spec['completions']}" in batch
    config = next(d for d in docs if d["kind"] == "ConfigMap")
    assert "urls.txt" in config["data"]

    urls = [f"{reference.url}/k{i}" for i in range(12)]
    (tmp_path / "urls.txt").write_text("\n".join(urls) + "\n")
    results = tmp_path / "results"
    results.mkdir()
    local = batch.replace("/targets/", f"{tmp_path}/").replace("/results/", f"{results}/")
    for index in range(spec["completions"]):
        pod = local.replace("$JOB_COMPLETION_INDEX", str(index))
        proc = run(pod, tmp_path, env={"JOB_COMPLETION_INDEX": str(index)})
        assert proc.returncode in (0, 1), proc.stderr
        again = run(pod, tmp_path, env={"JOB_COMPLETION_INDEX": str(index)})  # a restarted pod resumes
        assert again.returncode in (0, 1), again.stderr
    merged = tmp_path / "merged.jsonl"
    shards = sorted(str(p) for p in results.glob("shard-*.jsonl"))
    proc = run(f"agent-ready merge {' '.join(shards)} -o {merged}", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(ln["target"] for ln in lines_of(merged)) == sorted(urls)  # every target once
