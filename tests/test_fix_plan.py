"""``agent-ready fix-plan REPORT.json``: every fix prompt as one Markdown plan, the most points first."""

from __future__ import annotations

import json
import re
from pathlib import Path

from agent_ready.cli.fix_plan import plan_markdown
from agent_ready.reports.json_report import to_dict
from tests.test_cli import cli

GOLDEN_10 = Path(__file__).parent / "fixtures" / "golden" / "report-1.0-bare.json"


def test_plan_lists_every_fix_prompt_by_impact(bare, run_scan, tmp_path: Path) -> None:
    doc = to_dict(run_scan(bare.url))
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    proc = cli("fix-plan", str(path))
    assert proc.returncode == 0, proc.stderr
    plan = proc.stdout
    headings = re.findall(r"^## \d+\. `([^`]+)` \(\+(\d+\.\d) points\)", plan, re.M)
    todo = {c["id"]: c for c in doc["checks"] if c["status"] in ("fail", "warn")}
    assert [cid for cid, _ in headings] and {cid for cid, _ in headings} == set(todo)
    gains = [float(g) for _, g in headings]
    assert gains == sorted(gains, reverse=True)
    for cid in todo:
        assert todo[cid]["fix_prompt"] in plan
    top = cli("fix-plan", str(path), "--top", "3").stdout
    assert len(re.findall(r"^## ", top, re.M)) == 3
    assert top.split("## 1.")[1].rstrip() == plan.split("## 4.")[0].split("## 1.")[1].rstrip()


def test_plan_keeps_prompts_literal_inside_a_longer_fence() -> None:
    doc = {
        "schema_version": "1.2",
        "target": {"kind": "url", "url": "http://x/"},
        "score": {"overall": 50, "grade": "C"},
        "checks": [
            {
                "id": "errors.hints",
                "title": "t",
                "status": "fail",
                "weight": 1,
                "score_impact": 2.0,
                "fix_prompt": "Send ```` `Authorization` ```` then ## not a heading",
            }
        ],
    }
    plan = plan_markdown(doc)
    assert "`````\nSend ```` `Authorization`" in plan  # a five-backtick fence around a four-backtick run


def test_plan_from_a_1_0_report_builds_its_prompts() -> None:
    doc = json.loads(GOLDEN_10.read_text(encoding="utf-8"))
    plan = plan_markdown(doc)
    failing = [c["id"] for c in doc["checks"] if c["status"] in ("fail", "warn")]
    assert failing and all(f"`{cid}`" in plan for cid in failing)
    assert plan.count("Verify: run `agent-ready scan ") == len(failing)


def test_bad_input_is_one_line_exit_2(tmp_path: Path) -> None:
    not_json = tmp_path / "x.json"
    not_json.write_text("<html>", encoding="utf-8")
    other = tmp_path / "y.json"
    other.write_text('{"a": 1}', encoding="utf-8")
    for args in (
        ["fix-plan", str(tmp_path / "missing.json")],
        ["fix-plan", str(not_json)],
        ["fix-plan", str(other)],
    ):
        proc = cli(*args)
        assert proc.returncode == 2 and proc.stdout == "" and len(proc.stderr.splitlines()) == 1, proc.stderr


def test_nothing_to_fix(reference, run_scan) -> None:
    doc = to_dict(run_scan(reference.url))
    doc["checks"] = [c for c in doc["checks"] if c["status"] not in ("fail", "warn")]
    assert "Nothing to fix" in plan_markdown(doc)
