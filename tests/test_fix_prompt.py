"""``score_impact`` and ``fix_prompt`` in the JSON report, and the folding of repeated findings."""

from __future__ import annotations

from urllib.parse import urlsplit

from agent_ready.reports.folding import fold
from agent_ready.reports.json_report import SCHEMA_VERSION, to_dict, validate


def _finding(message: str, code: str = "soft-404", fix: str | None = "Serve it.") -> dict[str, object]:
    return {"code": code, "level": "fail", "message": message, "evidence": [], "fix": fix}


def test_fold_gathers_findings_that_differ_only_by_location() -> None:
    tail = "the body is the page served for any unknown path"
    groups = fold(
        [
            _finding(f"http://x/openapi.json: {tail}"),
            _finding(f"http://x/swagger.json: {tail}"),
            _finding("something else entirely", code="other"),
            _finding(f"http://x/v3/api-docs: {tail}"),
        ]
    )
    assert [g.count for g in groups] == [3, 1]
    assert groups[0].shared == tail
    assert groups[0].locations == ["http://x/openapi.json", "http://x/swagger.json", "http://x/v3/api-docs"]
    assert groups[1].shared is None


def test_fold_keeps_messages_whole_when_they_share_no_real_tail() -> None:
    groups = fold([_finding("robots.txt missing"), _finding("sitemap missing")])
    assert groups[0].count == 2 and groups[0].shared is None
    assert groups[0].messages == ["robots.txt missing", "sitemap missing"]
    different_fixes = fold(
        [_finding("a: same tail here ok", fix="A"), _finding("b: same tail here ok", fix="B")]
    )
    assert len(different_fixes) == 2  # a different fix is a different finding


def test_every_failing_or_warning_check_has_an_impact_and_a_prompt_built_from_its_findings(
    bare, run_scan
) -> None:
    report = run_scan(bare.url)
    doc = to_dict(report)
    validate(doc)
    assert doc["schema_version"] == SCHEMA_VERSION
    exchanges = {e["id"]: e for e in doc["exchanges"]}
    prompts = []
    for check in doc["checks"]:
        if check["status"] not in ("fail", "warn"):
            assert "fix_prompt" not in check and "score_impact" not in check
            continue
        assert check["score_impact"] == report.score.impacts[check["id"]] > 0
        prompt = check["fix_prompt"]
        prompts.append(prompt)
        assert f"agent-ready scan {doc['target']['url']} --only {check['id']}" in prompt
        for finding in check["findings"]:
            if finding.get("fix") and finding["level"] in ("fail", "warn"):
                assert finding["fix"] in prompt
            for eid in finding["evidence"]:  # every request it saw is named by its path
                assert urlsplit(exchanges[eid]["url"]).path in prompt
        assert len(prompt) < 3000, check["id"]
    assert len(set(prompts)) == len(prompts) > 10  # no generic paragraph shared between checks
    openapi = next(c for c in doc["checks"] if c["id"] == "discovery.openapi")
    assert "5 locations" in openapi["fix_prompt"]


def test_impacts_rank_a_heavy_failure_above_a_light_one(bare, run_scan) -> None:
    impacts = run_scan(bare.url).score.impacts
    assert impacts["errors.hints"] > impacts["discovery.sitemap"]


def test_prompt_for_a_command_line_tool_verifies_with_agent_ready_cli() -> None:
    from agent_ready.reports.fix_prompt import build

    check = {
        "id": "errors.cli-hints",
        "title": "t",
        "status": "warn",
        "summary": "the error text gives part of a next step (2/5)",
        "remediation": "Print a next step on failure.",
        "active": False,
        "findings": [_finding("'Error: bad' — found 1/5", code="hints-warn", fix="Name the flag to set.")],
    }
    prompt = build(check, {"kind": "cli", "command": ["mytool", "deploy", "--x y"]}, {})
    assert "the command-line tool `mytool deploy '--x y'`" in prompt
    assert "passes only partly (warn)" in prompt and "- Name the flag to set." in prompt
    assert "Verify: run `agent-ready cli -- mytool deploy '--x y'`" in prompt
