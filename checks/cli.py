"""cli: does a command-line tool work for a background agent? (``agent-ready cli -- COMMAND``)

Checks of the ``cli`` target kind: a web scan never runs them, a CLI audit runs only them. Each is a pure
function of the :class:`~agent_ready.clirun.CliRun` that ``agent_ready.cliaudit`` recorded (no TTY, a
clean HOME, no credentials, a stubbed browser, a timeout). The ids keep the ``errors.`` prefix they had
when the CLI audit built its results by hand: they answer the errors category's question for a command.
"""

from __future__ import annotations

import re

from agent_ready.checkapi import Artifacts, check, collect, failed, not_applicable, passed, warned
from agent_ready.clirun import CLI_RUN, CliRun
from agent_ready.models import Finding, Level, Outcome

SPEC_NON_INTERACTIVE = "https://clig.dev/#interactivity"
SPEC_WRANGLER = (
    "https://github.com/cloudflare/workers-sdk/blob/main/packages/wrangler/src/core/register-yargs-command.ts"
)
EXCERPT_CHARS = 2000

NON_INTERACTIVE_FIX = (
    "When stdin is not a TTY (or CI=true), never prompt: fail at once with an error that names the flag "
    "or environment variable to use instead, and exit non-zero."
)
BROWSER_FIX = (
    "Never open a browser when there is no TTY or CI=true; print the URL (and a device code) instead, or "
    "offer a headless route (an API token variable, a `--temporary` mode, OAuth device or client "
    "credentials)."
)
HINTS_FIX = (
    'Print a next step on failure: what to run or set ("rerun this command with `--temporary`", '
    '"set `EXAMPLE_API_TOKEN`"), a route for a caller without credentials, a docs link, a request '
    "id. Model: wrangler's non-interactive error."
)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= limit else "…" + text[-limit:]


# A prompt the tool tried to show and could not is still a prompt: the tool relied on a person at a terminal
# and only failed because none was there (git's "could not read Username", getpass, docker -it, input()).
_FAILED_PROMPT = re.compile(
    r"could not read (?:username|password|passphrase|from (?:the )?terminal)[^\n]{0,120}|"
    r"terminal prompts disabled|inappropriate ioctl for device|"
    r"the input device is not a tty|(?:stdin|input) is not a (?:tty|terminal)|no tty present|"
    r"not a tty|(?:cannot|can ?not|unable to|could not|failed to) (?:prompt|ask|open /dev/tty)[^\n]{0,80}|"
    r"getpasswarning[^\n]{0,80}|eoferror: eof when reading a line|"
    r"(?:prompt|tty) (?:is )?(?:required|unavailable|not available)[^\n]{0,80}",
    re.IGNORECASE,
)


def failed_prompt(run: CliRun) -> str | None:
    """The output line that shows the tool tried to prompt and could not, if any."""
    m = _FAILED_PROMPT.search(run.stderr + "\n" + run.stdout)
    return m.group(0).strip() if m else None


def _run(a: Artifacts) -> CliRun:
    run = a[CLI_RUN]
    if not isinstance(run, CliRun):
        raise TypeError(f"expected a CliRun, got {type(run).__name__}")
    return run


@check(
    id="errors.cli-non-interactive",
    title="Runs without a TTY and never prompts",
    failure_title="Waits for input or hangs with no TTY",
    category="errors",
    weight=3,
    target_kind="cli",
    remediation=NON_INTERACTIVE_FIX,
    spec_links=(SPEC_NON_INTERACTIVE,),
    requires=(CLI_RUN,),
    description="The command runs with stdin a pipe that is never written to. When it goes quiet, the "
    "auditor looks for a process of the command blocked reading that pipe, then closes it: a command "
    "that reacts to end-of-input was waiting for input; one that stays silent to the timeout hung. A "
    "command that says it tried to prompt and could not (no terminal) fails too.",
)
def non_interactive(a: Artifacts) -> Outcome:
    run = _run(a)
    details: dict[str, object] = {
        "exit_code": run.exit_code,
        "timed_out": run.timed_out,
        "waited_for_input": run.waited_for_input,
        "evidence": list(run.input_evidence),
        "prompt": run.prompt,
        "duration_s": run.duration_s,
        "stdout": excerpt(run.stdout),
        "stderr": excerpt(run.stderr),
    }
    if run.waited_for_input:
        after = "then exited" if run.exit_code is not None else "and never exited"
        prompt = f" after printing {run.prompt!r}" if run.prompt else ""
        return failed(
            "the command waited for input on a non-TTY stdin",
            Finding(
                "waited-for-input",
                Level.FAIL,
                f"blocked waiting for input{prompt} ({'; '.join(run.input_evidence)}); "
                f"{after} once stdin was closed",
                fix=NON_INTERACTIVE_FIX,
            ),
            details=details,
        )
    if run.timed_out:
        return failed(
            f"the command hung until the {run.timeout:g}s timeout",
            Finding(
                "hung",
                Level.FAIL,
                f"still running after {run.timeout:g}s with no prompt detected"
                + (" (it had asked a browser to open a URL)" if run.browser_urls else "")
                + "; killed",
                fix=NON_INTERACTIVE_FIX,
            ),
            details=details,
        )
    tried = failed_prompt(run)
    if tried:
        details["tried_prompt"] = tried
        return failed(
            "the command tried to prompt for input and failed because there was no terminal",
            Finding(
                "tried-to-prompt",
                Level.FAIL,
                f"tried to prompt for input and could not ({tried!r}): the command depends on a person at "
                "a terminal and fails without one",
                fix=NON_INTERACTIVE_FIX,
            ),
            details=details,
        )
    how = f"exit status {run.exit_code}" if run.signal is None else f"killed by signal {run.signal}"
    return passed(
        f"finished without a TTY ({how})",
        Finding(
            "exited",
            Level.PASS,
            f"finished on its own in {run.duration_s:.2f}s ({how}) without reading input",
        ),
        details=details,
    )


@check(
    id="errors.cli-browser",
    title="Does not depend on a browser",
    failure_title="Tries to open a browser",
    category="errors",
    weight=2,
    target_kind="cli",
    remediation=BROWSER_FIX,
    spec_links=(SPEC_NON_INTERACTIVE,),
    requires=(CLI_RUN,),
    description="BROWSER and stub xdg-open/open/sensible-browser/... first on PATH record the URLs the "
    "command asks to open. Opening one and waiting fails; opening one whose URL is also printed (so an "
    "agent can hand it to a person) warns.",
)
def browser(a: Artifacts) -> Outcome:
    run = _run(a)
    details: dict[str, object] = {"urls": list(run.browser_urls)}
    if not run.browser_urls:
        return passed(
            "did not try to open a browser",
            Finding("no-browser", Level.PASS, "no BROWSER / xdg-open call"),
            details=details,
        )
    output = run.stdout + run.stderr
    shown = ", ".join(run.browser_urls[:3])
    if run.timed_out or run.waited_for_input:
        return failed(
            "opened a browser and waited for a login that no agent can complete",
            Finding(
                "browser-and-wait",
                Level.FAIL,
                f"asked a browser to open {shown} and then waited",
                fix=BROWSER_FIX,
            ),
            details=details,
        )
    if any(u in output for u in run.browser_urls):
        return warned(
            "opened a browser (the URL was printed too)",
            Finding(
                "browser-url-printed",
                Level.WARN,
                f"asked a browser to open {shown}; the URL was also printed, so an agent can hand it to a "
                "human",
                fix=BROWSER_FIX,
            ),
            details=details,
        )
    return failed(
        "opened a browser without printing the URL",
        Finding(
            "browser-url-hidden",
            Level.FAIL,
            f"asked a browser to open {shown} without printing the URL",
            fix=BROWSER_FIX,
        ),
        details=details,
    )


def _graded_tail(stderr: str, stdout: str, text: str, budget: int = 4000) -> str:
    """At most ``budget`` characters to grade, stderr's tail first: a command that prints a long document on
    stdout (a JSON report) must not push its error message out of the graded text."""
    if len(text) <= budget:
        return text
    err = stderr.strip()[-budget:]
    rest = budget - len(err) - 1
    out = stdout.strip()[-rest:] if rest > 0 and stdout.strip() else ""
    return "\n".join(t for t in (err, out) if t)


@check(
    id="errors.cli-hints",
    title="Its error text tells an agent what to do next",
    failure_title="Its error text gives an agent no next step",
    category="errors",
    weight=4,
    target_kind="cli",
    remediation=HINTS_FIX,
    spec_links=(SPEC_WRANGLER,),
    requires=(CLI_RUN,),
    description="The command's error output (stderr, then stdout; a prompt it printed is left out) is "
    "graded with the same hint rules as an API's error bodies (docs/hints.md). An authentication error "
    "that names no route to credentials, or only a human one, cannot pass. A command that succeeds "
    "silently has nothing to grade.",
)
def error_hints(a: Artifacts) -> Outcome:
    run = _run(a)
    stderr, stdout = run.stderr, run.stdout
    if run.waited_for_input and run.prompt:
        # the prompt asked a question; it is not advice
        stderr, stdout = stderr.replace(run.prompt, ""), stdout.replace(run.prompt, "")
    text = "\n".join(t for t in (stderr, stdout) if t.strip())
    if run.exit_code == 0 and not run.stderr.strip() and not run.timed_out and not run.waited_for_input:
        return not_applicable("the command succeeded without printing an error; no error text to grade")
    from agent_ready import hints  # its ~30 large patterns compile when errors are judged, not at list-checks

    scored = hints.score_text(_graded_tail(stderr, stdout, text))
    graded, cap = hints.grade(scored, needs_route=hints.looks_like_auth_failure(scored.text))
    capped = cap is not None
    quoted = re.sub(r"\s+", " ", text).strip() or "(no output)"
    if len(quoted) > 400:
        quoted = quoted[:250] + " … " + quoted[-140:]
    message = f'"{quoted}" — {scored.summary()}'
    if cap:
        message += f" (capped: {cap})"
    fix = " ".join(scored.fixes().values()) or HINTS_FIX
    details = {"capped": capped, **scored.as_dict(), "text": excerpt(scored.text, 1000)}
    if graded == "pass":
        return passed(
            f"the error text names a next step ({scored.score}/5)",
            Finding("hints-pass", Level.PASS, message),
            details=details,
        )
    if graded == "warn":
        return warned(
            f"the error text gives part of a next step ({scored.score}/5)",
            Finding("hints-warn", Level.WARN, message, fix=fix),
            details=details,
        )
    return failed(
        "the error text gives no next step (0/5)",
        Finding("hints-fail", Level.FAIL, message, fix=fix),
        details=details,
    )


CHECKS = collect(__name__)
