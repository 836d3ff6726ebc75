"""``schema``: the report's JSON Schema, the contract for whoever builds on the reports."""

from __future__ import annotations

from typing import Annotated

import typer

from agent_ready.cli.app import app


@app.command("schema")
def schema_cmd(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="The field reference (docs/report-format.md) instead.")
    ] = False,
) -> None:
    """Print the JSON Schema every JSON report follows (its $id resolves offline, from this package)."""
    import json

    from agent_ready.reports.json_report import schema
    from agent_ready.reports.schema_doc import report_format_md

    doc = schema()
    typer.echo(
        report_format_md(doc) if markdown else json.dumps(doc, indent=2, ensure_ascii=False), nl=not markdown
    )
