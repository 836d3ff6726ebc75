"""`agent-ready cli`: run small scripts that imitate good and bad tools (tests/data/cli_tools/)."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent_ready.checkapi import Artifacts, check, failed, passed, validate_meta
from agent_ready.cli import app
from agent_ready.cliaudit import CliSettings, audit, build_env, run_command
from agent_ready.engine import ScanReport, UsageError
from agent_ready.models import Outcome, Status
from agent_ready.reference import ReferenceServer
from agent_ready.registry import Registry
from agent_ready.reports.html_report import render_html
from agent_ready.reports.json_report import to_dict, validate
from agent_ready.scoring import CATEGORY_IDS

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the test tools are POSIX shell scripts")

TOOLS = Path(__file__).parent / "data" / "cli_tools"
FAST = CliSettings(timeout=2.0, quiet_after=0.4, eof_grace=0.5)
HANG = CliSettings(timeout=1.2, quiet_after=0.4, eof_grace=0.4)  # for tools that never finish
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}


def tool(name: str) -> list[str]:
    return [str(TOOLS / name)]


def statuses(report) -> dict[str, Status]:  # type: ignore[no-untyped-def]
    return {r.id: r.status for r in report.results}


@pytest.mark.parametrize("name", ["prompt.sh", "py_prompt.py"])
def test_a_command_waiting_for_input_is_reported_as_such(name: str) -> None:
    t0 = time.monotonic()
    report = audit(tool(name), FAST, environ=ENV)
    assert time.monotonic() - t0 < FAST.timeout + 2
    result = report.result("errors.cli-non-interactive")
    assert result.status == Status.FAIL
    assert result.findings[0].code == "waited-for-input"
    assert result.details["waited_for_input"] is True
    assert "Enter your API token" in (result.details["prompt"] or "") or "[y/N]" in (
        result.details["prompt"] or ""
    )
    assert result.details["exit_code"] is not None  # it exited once stdin was closed


def test_wrangler_style_hint_passes() -> None:
    report = audit(tool("wrangler_like.sh"), FAST, environ=ENV)
    assert statuses(report) == {
        "errors.cli-non-interactive": Status.PASS,
        "errors.cli-browser": Status.PASS,
        "errors.cli-hints": Status.PASS,
    }
    hints = report.result("errors.cli-hints")
    assert hints.details["score"] >= 4
    assert "credential_route" in hints.details["found"] and "--temporary" in hints.findings[0].message
    assert report.score.overall == 100.0


def test_bare_unauthorized_fails_hints() -> None:
    report = audit(tool("bare_unauthorized.sh"), FAST, environ=ENV)
    result = report.result("errors.cli-hints")
    assert result.status == Status.FAIL
    assert '"Unauthorized"' in result.findings[0].message and result.findings[0].fix
    assert report.result("errors.cli-non-interactive").status == Status.PASS


def test_never_hangs_past_the_timeout() -> None:
    t0 = time.monotonic()
    run = run_command(tool("sleeper.sh"), HANG, environ=ENV)
    elapsed = time.monotonic() - t0
    assert run.timed_out and run.exit_code is None and not run.waited_for_input
    assert elapsed < HANG.timeout + 2, elapsed


def test_hung_command_fails_and_browser_wait_is_reported() -> None:
    t0 = time.monotonic()
    report = audit(tool("browser_wait.sh"), HANG, environ=ENV)
    assert time.monotonic() - t0 < HANG.timeout + 2
    assert report.result("errors.cli-non-interactive").findings[0].code == "hung"
    browser = report.result("errors.cli-browser")
    assert browser.status == Status.FAIL and browser.findings[0].code == "browser-and-wait"
    assert browser.details["urls"] == ["https://login.example.com/oauth/authorize?client_id=cli&state=abc"]


def test_browser_via_xdg_open_with_printed_url_warns() -> None:
    report = audit(tool("xdg_open_exit.sh"), FAST, environ=ENV)
    browser = report.result("errors.cli-browser")
    assert browser.status == Status.WARN and browser.findings[0].code == "browser-url-printed"
    assert browser.details["urls"] == ["https://login.example.com/device"]


def test_command_cannot_see_real_home_or_credentials(tmp_path: Path) -> None:
    real_home = tmp_path / "realhome"
    (real_home / ".aws").mkdir(parents=True)
    (real_home / ".aws" / "credentials").write_text("[default]\naws_secret_access_key = REALSECRETFROMFILE\n")
    environ = {
        **ENV,
        "HOME": str(real_home),
        "AWS_SECRET_ACCESS_KEY": "REALSECRETFROMENV1",
        "GITHUB_TOKEN": "ghp_realtokenvalue",
        "MY_SERVICE_API_KEY": "k-123456789",
        "SSH_AUTH_SOCK": "/tmp/ssh",
    }
    run = run_command(tool("home_reader.sh"), FAST, environ=environ)
    out = run.stdout + run.stderr
    assert "REALSECRET" not in out and "ghp_realtokenvalue" not in out and "k-123456789" not in out
    assert str(real_home) not in out and "no credentials file" in out
    assert "HOME=$TMP/home" in out and "CI=true" in out and "TERM=dumb" in out
    assert "SSH_AUTH_SOCK" not in out
    assert run.removed_env == ("AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "MY_SERVICE_API_KEY", "SSH_AUTH_SOCK")
    assert not Path(run.home).exists(), "the temporary HOME is deleted afterwards"
    report = audit(tool("home_reader.sh"), FAST, environ=environ)
    assert report.result("errors.cli-hints").status == Status.NOT_APPLICABLE
    assert any("AWS_SECRET_ACCESS_KEY" in w for w in report.run_warnings)
    assert "REALSECRETFROMENV1" not in json.dumps(to_dict(report))


def test_build_env_allowlist(tmp_path: Path) -> None:
    env, removed = build_env(
        {"PATH": "/bin", "NPM_TOKEN": "x", "DISPLAY": ":0", "LANG": "C"},
        tmp_path,
        tmp_path / "bin",
        tmp_path / "bin" / "b",
        {"EXTRA": "1"},
    )
    assert "NPM_TOKEN" not in env and "DISPLAY" not in env and env["LANG"] == "C" and env["EXTRA"] == "1"
    assert env["PATH"].startswith(str(tmp_path / "bin")) and removed == ["NPM_TOKEN"]


def test_report_is_valid_json_with_cli_target() -> None:
    report = audit(tool("bare_unauthorized.sh"), FAST, environ=ENV)
    doc = to_dict(report)
    validate(doc)
    assert doc["target"] == {"kind": "cli", "command": [str(TOOLS / "bare_unauthorized.sh")]}
    assert {c["id"] for c in doc["checks"]} == {
        "errors.cli-non-interactive",
        "errors.cli-browser",
        "errors.cli-hints",
    }
    assert all(c["category"] == "errors" for c in doc["checks"])


def test_usage_errors() -> None:
    with pytest.raises(UsageError):
        run_command([], FAST, environ=ENV)
    with pytest.raises(UsageError, match="command not found"):
        run_command(["agent-ready-no-such-command-xyz"], FAST, environ=ENV)


def test_cli_command_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.json"
    result = runner.invoke(
        app, ["cli", "--timeout", "2", "-q", "-o", str(out), "--", str(TOOLS / "wrangler_like.sh"), "--flag"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["target"]["command"][-1] == "--flag"
    gated = runner.invoke(
        app,
        [
            "cli",
            "--timeout",
            "2",
            "-q",
            "--fail-under",
            "90",
            "-o",
            str(out),
            "--",
            str(TOOLS / "bare_unauthorized.sh"),
        ],
    )
    assert gated.exit_code == 1
    html = tmp_path / "r.html"
    result = runner.invoke(
        app,
        [
            "cli",
            "--timeout",
            "2",
            "-q",
            "-f",
            "html",
            "-o",
            str(html),
            "--",
            str(TOOLS / "bare_unauthorized.sh"),
        ],
    )
    assert result.exit_code == 0 and "errors.cli-hints" in html.read_text()
    assert runner.invoke(app, ["cli", "-q", "--", "agent-ready-no-such-command-xyz"]).exit_code == 2
    assert runner.invoke(app, ["cli", "-q", "--env", "NOEQUALS", "--", "true"]).exit_code == 2


# --- issue 9: a prompt the tool tried to show and could not is a prompt ---


def test_a_prompt_that_could_not_be_shown_fails_never_prompts() -> None:
    report = audit(tool("git_no_tty.sh"), FAST, environ=ENV)
    result = report.result("errors.cli-non-interactive")
    assert result.status == Status.FAIL
    assert result.findings[0].code == "tried-to-prompt"
    assert "could not read Username" in result.details["tried_prompt"]


@pytest.mark.skipif(not Path("/usr/bin/git").exists(), reason="needs git")
def test_real_git_against_a_401_server_is_caught_trying_to_prompt(httpserver) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request("/repo.git/info/refs").respond_with_data(
        "Unauthorized", status=401, headers={"WWW-Authenticate": 'Basic realm="git"'}
    )
    report = audit(["git", "ls-remote", httpserver.url_for("/repo.git")], FAST, environ=ENV)
    result = report.result("errors.cli-non-interactive")
    assert result.status == Status.FAIL, (result.summary, report.result("errors.cli-hints").details["text"])
    assert result.findings[0].code in ("tried-to-prompt", "waited-for-input")


def test_cli_checks_are_registered_checks_of_the_cli_kind(registry: Registry) -> None:
    cli_ids = {c.id for c in registry.ordered("cli")}
    assert cli_ids == {"errors.cli-non-interactive", "errors.cli-browser", "errors.cli-hints"}
    assert not cli_ids & {c.id for c in registry.ordered("web")}
    assert all(c.meta.target_kind == "web" for c in registry.ordered("web"))
    # Registered through the same entry-point group as every other built-in check.
    assert any(p.builtin and set(p.checks) == cli_ids for p in registry.plugins)
    runner = CliRunner(env={"AGENT_READY_NO_PLUGINS": "1"})
    explained = runner.invoke(app, ["explain", "errors.cli-hints"])
    assert explained.exit_code == 0, explained.output
    assert "target: cli" in explained.output and "agent-ready cli -- COMMAND" in explained.output
    assert "Fix: Print a next step on failure" in explained.output
    listed = json.loads(runner.invoke(app, ["list-checks", "--json"]).output)
    kinds = {c["id"]: c["target_kind"] for c in listed}
    assert {i for i, k in kinds.items() if k == "cli"} == cli_ids and set(kinds.values()) == {"web", "cli"}
    table = runner.invoke(app, ["list-checks"]).output
    assert any(line.startswith("errors.cli-hints") and " cli " in line for line in table.splitlines())
    # A scan of a URL refuses to select a cli check, before sending anything.
    refused = runner.invoke(app, ["scan", "http://127.0.0.1:9/", "--only", "errors.cli-hints"])
    assert refused.exit_code == 2 and "agent-ready cli" in refused.output


def test_a_web_scan_runs_only_web_checks(
    reference: ReferenceServer, run_scan: Callable[..., ScanReport], registry: Registry
) -> None:
    report = run_scan(reference.url + "/", only=["errors"])
    ids = {r.id for r in report.results}
    assert ids == {c.id for c in registry.ordered("web")}
    assert not ids & {c.id for c in registry.ordered("cli")}
    assert [c.id for c in report.score.categories] == list(CATEGORY_IDS)


def test_a_cli_report_carries_only_cli_checks_and_categories(registry: Registry, tmp_path: Path) -> None:
    report = audit(tool("bare_unauthorized.sh"), FAST, environ=ENV, registry=registry)
    doc = to_dict(report)
    validate(doc)
    assert [c["id"] for c in doc["categories"]] == ["errors"]
    assert doc["categories"][0]["checks"] == [c["id"] for c in doc["checks"]]
    assert doc["score"]["coverage"]["total"] == 3 and doc["capabilities"] == []
    assert doc["settings"]["timeout_s"] == FAST.timeout and "active" not in doc["settings"]
    assert {p["name"] for p in doc["tool"]["plugins"]} == {"cli"}
    html = render_html(report)
    assert "Mode <b>" not in html and "Requests <b>" not in html and 'id="log"' not in html
    assert "Timeout <b>2.0 s</b>" in html and 'id="cat-errors"' in html and 'id="cat-tokens"' not in html


EXTRA_META = dict(
    title="t", failure_title="f", weight=1.0, remediation="r", spec_links=("https://example.org",)
)


@check(id="cli-extra.exit-code", category="cli-extra", target_kind="cli", requires=("cli_run",), **EXTRA_META)
def extra_cli_check(a: Artifacts) -> Outcome:
    run = a["cli_run"]
    return passed(f"exit {run.exit_code}") if run.exit_code == 0 else failed(f"exit {run.exit_code}")


@check(id="cli-extra.web-only", category="cli-extra", **EXTRA_META)
def extra_web_check(a: Artifacts) -> Outcome:
    raise AssertionError("a web check must not run in a CLI audit")


def test_a_plugin_cli_check_runs_in_a_cli_audit_and_a_web_one_does_not(registry: Registry) -> None:
    reg = Registry(checks=dict(registry.checks))
    for chk in (extra_cli_check, extra_web_check):
        reg.checks[chk.id] = chk
    report = audit(tool("bare_unauthorized.sh"), FAST, environ=ENV, registry=reg)
    assert report.result("cli-extra.exit-code").status == Status.FAIL
    assert "cli-extra.web-only" not in {r.id for r in report.results}
    assert [c.id for c in report.score.categories] == ["errors", "cli-extra"]


def test_validate_meta_refuses_an_unknown_target_kind() -> None:
    meta = replace(extra_cli_check.meta, target_kind="desktop")
    assert any("target kind" in p for p in validate_meta(meta, ["cli-extra"]))
