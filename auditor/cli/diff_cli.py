"""``diff``: what changed between two JSON reports (score, checks whose status moved, findings)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from agent_ready.cli.app import EXIT_GATE, EXIT_OK, EXIT_USAGE, _fail, app


def _check_format(value: str) -> str:
    from agent_ready.reports.diff_report import RENDERERS

    if value not in RENDERERS:
        raise typer.BadParameter(f"unknown format {value!r}; choose from {', '.join(RENDERERS)}")
    return value


@app.command("diff")
def diff_cmd(
    old: Annotated[Path, typer.Argument(metavar="OLD.json", help="The earlier JSON report (the baseline).")],
    new: Annotated[Path, typer.Argument(metavar="NEW.json", help="The later JSON report.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="[text|markdown|json]", callback=_check_format, help="Output format."
        ),
    ] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="PATH", help="Write here instead of stdout.")
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Compare reports of another schema major or scoring version anyway."),
    ] = False,
    fail_on_regression: Annotated[
        bool, typer.Option("--fail-on-regression", help="Exit 1 when a check regressed.")
    ] = False,
) -> None:
    """Compare two JSON reports: the score change, every check whose status moved (regressed, improved or
    changed) and the findings that are new or fixed."""
    from agent_ready.diff import DiffError, compare, load_report
    from agent_ready.reports.diff_report import RENDERERS

    try:
        diff = compare(load_report(old), load_report(new), force=force)
    except DiffError as exc:
        raise _fail(str(exc), EXIT_USAGE) from None
    text = RENDERERS[fmt](diff)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(f"cannot write {output}: {exc.strerror}", EXIT_USAGE) from None
    raise typer.Exit(EXIT_GATE if fail_on_regression and diff.regressions else EXIT_OK)
