"""``dashboard``: one offline HTML page over batch results and kept reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent_ready.cli.app import EXIT_USAGE, _fail, app


@app.command("dashboard")
def dashboard_cmd(
    files: Annotated[list[Path], typer.Argument(help="JSONL files from batch, and/or JSON reports.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML page to write.")] = Path(
        "index.html"
    ),
    title: Annotated[str, typer.Option("--title", help="Heading of the page.")] = "agent-ready dashboard",
) -> None:
    """Build a self-contained HTML page: every target's latest score in a sortable, filterable table, trends
    and changes for targets scanned more than once, the spread of scores and the most common blockers."""
    from agent_ready.jsonl import load
    from agent_ready.reports.dashboard import render_dashboard

    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise _fail(f"no such file: {', '.join(missing)}", EXIT_USAGE)
    loaded = load(files)
    for warning in loaded.warnings:
        typer.echo(f"agent-ready: warning: {warning}", err=True)
    if not loaded.lines:
        raise _fail("no scan results in the files given", EXIT_USAGE)
    html = render_dashboard(loaded.lines, title=title)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}", EXIT_USAGE) from None
    typer.echo(f"agent-ready: dashboard of {len(loaded.lines)} scan(s) written to {output}", err=True)
