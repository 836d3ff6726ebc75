"""The cli checks as pure functions of a hand-built CliRun (no command is run here)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent_ready.checkapi import Artifacts
from agent_ready.checks import cli
from agent_ready.clirun import CLI_RUN, CliRun
from agent_ready.models import Level, Outcome, Status

EXITED = CliRun(
    command=("tool", "deploy"),
    exit_code=1,
    timed_out=False,
    waited_for_input=False,
    input_evidence=(),
    prompt=None,
    browser_urls=(),
    stdout="",
    stderr="Error: Unauthorized",
    duration_s=0.2,
    removed_env=(),
    home="/tmp/x/home",
    timeout=5.0,
)


def judge(check: object, run: CliRun) -> Outcome:
    assert callable(check)
    out = check(Artifacts({CLI_RUN: run}))
    assert isinstance(out, Outcome)
    return out


def test_every_cli_check_is_of_the_cli_kind_and_reads_only_the_run() -> None:
    assert cli.CHECKS
    for chk in cli.CHECKS:
        assert chk.meta.target_kind == "cli" and chk.meta.requires == (CLI_RUN.name,)


def test_non_interactive_three_outcomes() -> None:
    out = judge(cli.non_interactive, EXITED)
    assert out.status == Status.PASS and out.findings[0].code == "exited"
    assert out.details["stderr"] == "Error: Unauthorized"
    waited = replace(
        EXITED, waited_for_input=True, input_evidence=("blocked in a read of stdin",), prompt="Token: "
    )
    out = judge(cli.non_interactive, waited)
    assert out.status == Status.FAIL and out.findings[0].code == "waited-for-input"
    assert "'Token: '" in out.findings[0].message and out.findings[0].fix == cli.NON_INTERACTIVE_FIX
    hung = replace(EXITED, exit_code=None, timed_out=True, browser_urls=("https://x/login",))
    out = judge(cli.non_interactive, hung)
    assert out.status == Status.FAIL and out.findings[0].code == "hung"
    assert "5s" in out.findings[0].message and "browser" in out.findings[0].message


@pytest.mark.parametrize(
    ("run", "status", "code"),
    [
        (EXITED, Status.PASS, "no-browser"),
        (replace(EXITED, browser_urls=("https://x/l",), timed_out=True), Status.FAIL, "browser-and-wait"),
        (
            replace(EXITED, browser_urls=("https://x/l",), stdout="open https://x/l"),
            Status.WARN,
            "browser-url-printed",
        ),
        (replace(EXITED, browser_urls=("https://x/l",)), Status.FAIL, "browser-url-hidden"),
    ],
)
def test_browser(run: CliRun, status: Status, code: str) -> None:
    out = judge(cli.browser, run)
    assert out.status == status and out.findings[0].code == code
    assert out.details["urls"] == list(run.browser_urls)


def test_hints_grades_the_error_text() -> None:
    out = judge(cli.error_hints, EXITED)
    assert out.status == Status.FAIL and out.findings[0].level == Level.FAIL and out.findings[0].fix
    helpful = replace(
        EXITED,
        stderr="Error: not logged in. Set EXAMPLE_API_TOKEN or rerun with `--temporary` to get a "
        "temporary account; see https://docs.example.com/cli/auth",
    )
    out = judge(cli.error_hints, helpful)
    assert out.status == Status.PASS, out.findings
    assert out.findings[0].fix is None
    silent_success = replace(EXITED, exit_code=0, stderr="", stdout="done")
    assert judge(cli.error_hints, silent_success).status == Status.NOT_APPLICABLE


def test_a_prompt_is_not_graded_as_advice() -> None:
    prompt = "Set EXAMPLE_API_TOKEN or run `tool login --temporary` (see https://docs.example.com):"
    run = replace(EXITED, waited_for_input=True, prompt=prompt, stdout=prompt, stderr="")
    out = judge(cli.error_hints, run)
    assert out.status == Status.FAIL


def test_a_long_stdout_does_not_push_the_error_message_out_of_the_graded_text() -> None:
    # A tool that writes its report to stdout and its error to stderr (agent-ready scan of a dead target
    # does): the stderr message is what an agent reads for its next step, whatever stdout's length.
    advice = (
        "Error: cannot connect; check the URL and that the service is up, then rerun "
        "`tool deploy --temporary` (docs: https://docs.example.com/cli)"
    )
    report = '{"checks": [' + ", ".join(f'{{"id": "c{i}", "status": "error"}}' for i in range(400)) + "]}"
    assert len(report) > 8000
    short = judge(cli.error_hints, replace(EXITED, stderr=advice, stdout=""))
    long = judge(cli.error_hints, replace(EXITED, stderr=advice, stdout=report))
    assert long.status == short.status == Status.PASS, long.findings
    assert long.details["score"] == short.details["score"]
    # and the other way round: a long stderr is graded by its tail, stdout adds nothing beyond the budget
    noisy = replace(EXITED, stderr="x" * 9000 + "\n" + advice, stdout="irrelevant")
    assert judge(cli.error_hints, noisy).status == Status.PASS
