"""Gates (overall, per category, on a status, against a baseline) and ``diff`` on hand-made report pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agent_ready.cli import app
from agent_ready.diff import DiffError, classify, compare, load_report
from agent_ready.gates import FailOn, GateError, Gates, evaluate
from agent_ready.reference import ReferenceServer
from agent_ready.reports.diff_report import render_json, render_markdown, render_text


def validate_diff(doc: dict[str, Any]) -> None:
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("agent_ready.reports").joinpath("schema/diff.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(doc)


def finding(code: str, level: str = "fail", message: str = "it is broken") -> dict[str, Any]:
    return {"code": code, "level": level, "message": message, "evidence": []}


def check(cid: str, status: str, *findings: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": cid,
        "title": cid.replace(".", " "),
        "category": cid.split(".")[0],
        "status": status,
        "findings": list(findings),
        "summary": status,
        "remediation": "fix it",
        "spec_links": [],
    }


def report(
    checks: list[dict[str, Any]],
    overall: float | None,
    *,
    scoring: str = "1.0",
    schema: str = "1.0",
    categories: dict[str, float | None] | None = None,
) -> dict[str, Any]:
    statuses = [c["status"] for c in checks]
    coverage = {s: statuses.count(s) for s in ("pass", "warn", "fail", "error", "skipped", "not_applicable")}
    coverage |= {"total": len(checks), "scored": coverage["pass"] + coverage["warn"] + coverage["fail"]}
    return {
        "schema_version": schema,
        "target": {"kind": "url", "url": "https://api.example.test/"},
        "score": {
            "overall": overall,
            "grade": "n/a" if overall is None else "C",
            "scoring_version": scoring,
            "coverage": coverage,
        },
        "categories": [{"id": k, "title": k, "score": v} for k, v in (categories or {}).items()],
        "checks": checks,
    }


OLD = report(
    [
        check("tokens.challenge", "pass"),
        check("errors.hints", "warn", finding("vague", "warn")),
        check("discovery.llms-txt", "fail", finding("missing")),
        check("signup.gate", "not_applicable"),
        check("access.no-challenge", "error"),
    ],
    60,
    categories={"tokens": 100, "errors": 50},
)


def write(tmp_path: Path, name: str, doc: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


# --- diff --------------------------------------------------------------------------------------------------


def test_regression_and_fix() -> None:
    new = report(
        [
            check("tokens.challenge", "fail", finding("no-challenge")),
            check("errors.hints", "pass"),
            check("discovery.llms-txt", "fail", finding("missing")),
            check("signup.gate", "warn", finding("captcha", "warn")),
            check("access.no-challenge", "pass"),
        ],
        55,
    )
    diff = compare(OLD, new)
    kinds = {c.id: c.kind for c in diff.changes}
    assert kinds == {
        "tokens.challenge": "regressed",
        "errors.hints": "improved",
        "signup.gate": "regressed",  # a problem where the check did not apply before
        "access.no-challenge": "changed",  # the baseline never judged it
    }
    assert diff.score_delta == -5
    assert {(f.check_id, f.code) for f in diff.new_findings} == {
        ("tokens.challenge", "no-challenge"),
        ("signup.gate", "captcha"),
    }
    assert {(f.check_id, f.code) for f in diff.fixed_findings} == {("errors.hints", "vague")}
    text = render_text(diff)
    assert "score 60 -> 55 (-5)" in text and "tokens.challenge: pass -> fail" in text
    md = render_markdown(diff)
    assert "60 → 55 (-5)" in md and "| tokens\\.challenge |" not in md and "tokens.challenge" in md
    doc = json.loads(render_json(diff))
    assert doc["regressions"] == 2 and doc["score_delta"] == -5
    validate_diff(doc)


def test_score_change_only() -> None:
    new = json.loads(json.dumps(OLD))
    new["score"]["overall"] = 62.5
    diff = compare(OLD, new)
    assert diff.changes == [] and diff.new_findings == [] and diff.fixed_findings == []
    assert diff.score_delta == 2.5
    assert "no check changed status" in render_text(diff) and "(+2.5)" in render_text(diff)


def test_added_and_removed_checks() -> None:
    new = report([*OLD["checks"][1:], check("temporary.claim", "fail", finding("x"))], 50)
    kinds = {c.id: (c.old, c.new, c.kind) for c in compare(OLD, new).changes}
    assert kinds["tokens.challenge"] == ("pass", "absent", "changed")
    assert kinds["temporary.claim"] == ("absent", "fail", "regressed")


@pytest.mark.parametrize(
    ("changes", "needle"),
    [({"schema": "2.0"}, "another major version"), ({"scoring": "2.0"}, "scoring v1.0 and v2.0")],
)
def test_incompatible_versions_refused_unless_forced(changes: dict[str, str], needle: str) -> None:
    new = report(OLD["checks"], 60, **changes)  # type: ignore[arg-type]
    with pytest.raises(DiffError, match=needle):
        compare(OLD, new)
    assert compare(OLD, new, force=True).forced
    assert compare(OLD, report(OLD["checks"], 60, schema="1.3")).forced is False  # a minor bump compares


def test_classify_table() -> None:
    assert classify("pass", "warn") == "regressed"
    assert classify("warn", "fail") == "regressed"
    assert classify("fail", "warn") == "improved"
    assert classify("pass", "error") == "changed"
    assert classify("skipped", "fail") == "changed"
    assert classify("fail", "not_applicable") == "improved"


def test_diff_command(tmp_path: Path) -> None:
    runner = CliRunner()
    new = report([check("tokens.challenge", "fail", finding("gone")), *OLD["checks"][1:]], 40)
    old_path, new_path = write(tmp_path, "old.json", OLD), write(tmp_path, "new.json", new)
    res = runner.invoke(app, ["diff", str(old_path), str(new_path)])
    assert res.exit_code == 0 and "tokens.challenge: pass -> fail" in res.stdout
    res = runner.invoke(app, ["diff", str(old_path), str(new_path), "-f", "json", "--fail-on-regression"])
    assert res.exit_code == 1 and json.loads(res.stdout)["regressions"] == 1
    validate_diff(json.loads(res.stdout))
    res = runner.invoke(app, ["diff", str(old_path), str(new_path), "-f", "markdown"])
    assert res.stdout.startswith("## agent-ready: 60 → 40")
    bumped = write(tmp_path, "v2.json", report(OLD["checks"], 60, schema="2.0"))
    res = runner.invoke(app, ["diff", str(old_path), str(bumped)])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "--force" in lines[0]
    assert runner.invoke(app, ["diff", str(old_path), str(bumped), "--force"]).exit_code == 0
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]")
    res = runner.invoke(app, ["diff", str(junk), str(new_path)])
    assert res.exit_code == 2 and "not an agent-ready JSON report" in res.stderr
    assert runner.invoke(app, ["diff", str(tmp_path / "nope.json"), str(new_path)]).exit_code == 2
    assert runner.invoke(app, ["diff", str(old_path), str(new_path), "-f", "pdf"]).exit_code == 2


def test_load_report_refuses_non_reports(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(DiffError, match="not a JSON report"):
        load_report(bad)


# --- gates -------------------------------------------------------------------------------------------------


def test_fail_under_with_and_without_a_score() -> None:
    assert evaluate(OLD, Gates(fail_under=50)) == []
    (msg,) = evaluate(OLD, Gates(fail_under=70))
    assert msg == "the score 60 is below --fail-under 70"
    (msg,) = evaluate(report([check("tokens.challenge", "skipped")], None), Gates(fail_under=50))
    assert "no overall score to compare with --fail-under 50" in msg and "None" not in msg
    assert "1 skipped" in msg and "the gate fails" in msg
    weightless = report([check("tokens.challenge", "pass")], None)
    (msg,) = evaluate(weightless, Gates(fail_under=50))
    assert "carries weight 0" in msg


def test_category_minimums() -> None:
    assert evaluate(OLD, Gates(category_minimums={"tokens": 90})) == []
    (msg,) = evaluate(OLD, Gates(category_minimums={"errors": 60}))
    assert msg == "category errors scored 50, below its minimum 60"
    (msg,) = evaluate(OLD, Gates(category_minimums={"signup": 10}))
    assert "category signup has no score" in msg and "None" not in msg


def test_fail_on_levels_and_scope() -> None:
    (msg,) = evaluate(OLD, Gates(fail_on=[FailOn.parse("fail")]))
    assert "discovery.llms-txt" in msg and "errors.hints" not in msg
    (msg,) = evaluate(OLD, Gates(fail_on=[FailOn.parse("warn")]))
    assert "errors.hints" in msg and "discovery.llms-txt" in msg
    assert evaluate(OLD, Gates(fail_on=[FailOn.parse("fail:tokens,errors")])) == []
    (msg,) = evaluate(OLD, Gates(fail_on=[FailOn.parse("warn:errors.hints")]))
    assert msg.endswith("errors.hints")
    for bad in ("error", "warn:", "maybe:tokens"):
        with pytest.raises(GateError):
            FailOn.parse(bad)
    with pytest.raises(GateError, match="no check or category 'nope'"):
        Gates(fail_on=[FailOn.parse("fail:nope")]).validate({"tokens.challenge"}, {"tokens"})


def test_baseline_gates_on_regressions_only() -> None:
    same = json.loads(json.dumps(OLD))
    gates = Gates(fail_on=[FailOn.parse("fail")])
    assert evaluate(same, gates, compare(OLD, same)) == []  # a failure the baseline had does not count
    worse = json.loads(json.dumps(OLD))
    worse["checks"][0] = check("tokens.challenge", "warn", finding("slow", "warn"))
    failed = evaluate(worse, Gates(), compare(OLD, worse))
    assert failed == ["1 regression(s) against the baseline: tokens.challenge pass -> warn"]


# --- the CLI -----------------------------------------------------------------------------------------------


def test_cli_gates_and_exit_codes(bare: ReferenceServer, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["scan", bare.url + "/", "--no-plugins", "-q"]
    out = tmp_path / "r.json"
    res = runner.invoke(app, [*base, "-o", str(out), "--fail-on", "fail:discovery"])
    assert res.exit_code == 1 and "gate failed: --fail-on fail:discovery:" in res.stderr
    assert json.loads(out.read_text())["checks"]  # the report is written whatever the gate says
    res = runner.invoke(app, [*base, "-o", str(out), "--min-category", "discovery=10"])
    assert res.exit_code == 1 and "category discovery scored 0, below its minimum 10" in res.stderr
    res = runner.invoke(app, [*base, "-o", str(out), "--only", "discovery", "--min-category", "tokens=10"])
    assert res.exit_code == 1 and "category tokens has no score" in res.stderr
    res = runner.invoke(app, [*base, "-o", str(out), "--only", "discovery.robots-txt", "--skip",
                              "discovery.robots-txt", "--fail-under", "50"])  # fmt: skip
    assert res.exit_code == 1 and "no overall score to compare with --fail-under 50" in res.stderr
    assert "score None" not in res.stderr
    for usage in (["--fail-on", "sometimes"], ["--fail-on", "fail:nope"], ["--min-category", "tokens"],
                  ["--min-category", "nope=5"], ["--baseline", str(tmp_path / "missing.json")]):  # fmt: skip
        res = runner.invoke(app, [*base, *usage])
        assert res.exit_code == 2, (usage, res.stderr)
        assert "scanning" not in res.stderr and res.stdout == ""


def test_cli_baseline(bare: ReferenceServer, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["scan", bare.url + "/", "--no-plugins", "-q", "--only", "discovery"]
    first = tmp_path / "first.json"
    assert runner.invoke(app, [*base, "-o", str(first)]).exit_code == 0
    # The same target again: its failures are old news, so --fail-on fail passes against the baseline.
    res = runner.invoke(
        app, [*base, "-o", str(tmp_path / "b.json"), "--baseline", str(first), "--fail-on", "fail"]
    )
    assert res.exit_code == 0, res.stderr
    # A baseline in which everything passed: every failure now is a regression.
    doc = json.loads(first.read_text())
    for c in doc["checks"]:
        if c["status"] in ("fail", "warn"):
            c["status"], c["findings"] = "pass", []
    rosy = write(tmp_path, "rosy.json", doc)
    res = runner.invoke(app, [*base, "-o", str(tmp_path / "c.json"), "--baseline", str(rosy)])
    assert res.exit_code == 1 and "regression(s) against the baseline" in res.stderr
    doc["schema_version"] = "2.0"
    future = write(tmp_path, "future.json", doc)
    res = runner.invoke(app, [*base, "--baseline", str(future)])
    assert res.exit_code == 2 and "another major version" in res.stderr and "scanning" not in res.stderr


def test_config_gates(bare: ReferenceServer, tmp_path: Path) -> None:
    cfg = tmp_path / "agent-ready.toml"
    cfg.write_text('fail_on = ["fail:discovery.robots-txt"]\n[category_minimums]\naccess = 99\n')
    res = CliRunner().invoke(
        app,
        ["scan", bare.url + "/", "--no-plugins", "-q", "--config", str(cfg), "-o", str(tmp_path / "r.json")],
    )
    assert res.exit_code == 1
    assert "--fail-on fail:discovery.robots-txt" in res.stderr and "category access scored" in res.stderr
