"""Practise what we audit: agent-ready's own errors, run as a background agent runs them, score an A.

The audit is `agent-ready cli` itself (no TTY, clean HOME, no credentials, browser stubbed), applied to
`agent-ready scan` against a dead target, with a wrong flag and with a mistyped check id: each must finish
on its own, open no browser and say what to do next.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from agent_ready.reports.json_report import validate
from tests.test_cli import cli

CASES = {
    "unreachable": ["scan", "http://127.0.0.1:1/"],
    "unreachable-report-to-file": ["scan", "http://127.0.0.1:1/", "-o", "{tmp}/r.json"],
    "wrong-flag": ["scan", "http://127.0.0.1:1/", "--bogus-flag"],
    "unknown-check-id": ["scan", "http://127.0.0.1:1/", "--only", "tokens.chalenge"],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_agent_ready_scores_an_a_on_its_own_errors(case: str, tmp_path: Path) -> None:
    exe = shutil.which("agent-ready") or str(Path(sys.executable).with_name("agent-ready"))
    assert Path(exe).exists(), "the agent-ready console script is not installed"
    args = [a.replace("{tmp}", str(tmp_path)) for a in CASES[case]]
    out = tmp_path / "audit.json"
    proc = cli("cli", "-q", "-o", str(out), "--", exe, *args)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    validate(doc)
    statuses = {c["id"]: c["status"] for c in doc["checks"]}
    assert doc["score"]["grade"] == "A", (statuses, [c["summary"] for c in doc["checks"]])
    assert all(s == "pass" for s in statuses.values()), statuses
