"""Where a scan's reports go: ``-o/--output`` (repeatable, format by file ending), ``--format`` for stdout.

Every output is rendered from the one finished scan, so a user who wants JSON for a dashboard, HTML for people
and SARIF for code scanning runs the (possibly state-changing) checks once.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from agent_ready.cli.app import EXIT_USAGE, _fail
from agent_ready.reports import RenderOptions, format_for_path, help_text, names, render

if TYPE_CHECKING:
    from agent_ready.engine import ScanReport

STDOUT = "-"


def _check_format(value: str | None) -> str | None:
    if value is not None and value not in names():
        raise typer.BadParameter(f"unknown format {value!r}; choose from {', '.join(names())}")
    return value


FORMAT_HELP = (
    "Format of the report on stdout, and of any --output whose file ending names no format. Formats: "
    + help_text()
    + ". Default: json."
)
OUTPUT_HELP = (
    "Write a report to this file (repeatable; '-' is stdout); its format comes from the file ending "
    "(see --format), so one scan can write JSON, HTML, SARIF and more at once. With --output, stdout gets "
    "no report unless '-' is one of them."
)

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", help=FORMAT_HELP, callback=_check_format, metavar="[" + "|".join(names()) + "]"
    ),
]
OutputOpt = Annotated[list[Path], typer.Option("--output", "-o", help=OUTPUT_HELP, metavar="PATH")]


def _check_warn(value: str) -> str:
    if value not in ("pass", "failure"):
        raise typer.BadParameter(f"expected pass or failure, not {value!r}")
    return value


JunitWarnOpt = Annotated[
    str,
    typer.Option(
        "--junit-warn",
        help="In the JUnit report, a check that warns is a passing test case with its findings on "
        "system-out (pass, the default) or a failure (failure).",
        callback=_check_warn,
        metavar="[pass|failure]",
    ),
]
STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


@dataclass(frozen=True)
class Output:
    fmt: str
    path: Path | None  # None: stdout


def plan(paths: list[Path], fmt: str | None, *, default: str = "json") -> list[Output]:
    """Decide every output before scanning, so a wrong name is refused before any request is made."""
    if not paths:
        return [Output(fmt or default, None)]
    planned: list[Output] = []
    for path in paths:
        if str(path) == STDOUT:
            out = Output(fmt or default, None)
        else:
            # A name whose ending names no format (``report``, ``r.txt``) gets --format's, else JSON's; the
            # "json report written to ..." line says which.
            chosen = format_for_path(path.name) or fmt or default
            out = Output(chosen, path)
        if out not in planned:
            planned.append(out)
    for out in planned:
        _check_writable(out.path)
    return planned


def _check_writable(output: Path | None) -> None:
    """Refuse an unwritable --output before scanning, so a finished scan is never thrown away."""
    if output is None:
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(f"cannot write report to {output}: {exc.strerror}", EXIT_USAGE) from None
    if (
        output.is_dir()
        or not os.access(output.parent, os.W_OK)
        or (output.exists() and not os.access(output, os.W_OK))
    ):
        raise _fail(f"cannot write report to {output}: not a writable file path", EXIT_USAGE)


def write_all(
    report: ScanReport, outputs: list[Output], options: RenderOptions | None = None, *, quiet: bool = False
) -> int:
    """Render and write every output, and the GitHub job summary when ``$GITHUB_STEP_SUMMARY`` names a
    file; returns EXIT_USAGE if a file could not be written, else 0.

    A renderer that fails does not lose the scan: that output falls back to the JSON contract.
    """
    code = 0
    for out in outputs:
        code = _write_one(report, out, options, quiet) or code
    _step_summary(report)
    return code


def _step_summary(report: ScanReport) -> None:
    """GitHub Actions shows the Markdown appended to this file on the run's page."""
    if not os.environ.get(STEP_SUMMARY_ENV):
        return
    try:
        text = render(report, "markdown")
    except Exception as exc:  # a renderer bug costs the summary, never the scan's exit code
        typer.echo(f"agent-ready: warning: no job summary: {type(exc).__name__}: {exc}", err=True)
        return
    append_step_summary(text)


def append_step_summary(markdown: str) -> None:
    """Append to ``$GITHUB_STEP_SUMMARY`` when it is set; a file that cannot be written is a warning."""
    target = os.environ.get(STEP_SUMMARY_ENV)
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(markdown + "\n")
    except OSError as exc:
        typer.echo(
            f"agent-ready: warning: cannot append the job summary to {target}: {exc.strerror}", err=True
        )


def _write_one(report: ScanReport, out: Output, options: RenderOptions | None, quiet: bool = False) -> int:
    path = out.path
    try:
        text = render(report, out.fmt, options)
    except Exception as exc:  # a renderer bug must not lose the scan: fall back to the JSON contract
        typer.echo(
            f"agent-ready: internal error rendering {out.fmt}: {type(exc).__name__}: {exc}; "
            "writing the JSON report instead",
            err=True,
        )
        text = render(report, "json")
        if path is not None:
            path = path.with_name(path.name + ".json")
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        sys.stdout.write(text)  # the scan is done: keep the report rather than lose it
        typer.echo(
            f"agent-ready: cannot write report to {path} ({exc.strerror}); it was written to stdout", err=True
        )
        return EXIT_USAGE
    if not quiet:  # --quiet: errors only
        typer.echo(f"{out.fmt} report written to {path}", err=True)
    return 0
