"""``mcp``: serve agent-ready to an MCP client (Claude Desktop, Claude Code, Cursor, VS Code) over stdio."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent_ready.cli.app import EXIT_OK, EXIT_USAGE, _fail, app


@app.command("mcp")
def mcp_cmd(
    allow_active: Annotated[
        bool,
        typer.Option(
            "--allow-active",
            help="Let callers run ACTIVE checks (scan with active=true), which change state on the target.",
        ),
    ] = False,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private",
            help="Let callers scan private, loopback and link-local targets, and follow URLs found there.",
        ),
    ] = False,
    allow_cli: Annotated[
        bool, typer.Option("--allow-cli", help="Let callers audit commands (audit_cli runs the command).")
    ] = False,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Run audited commands under bubblewrap (see `agent-ready cli`).")
    ] = False,
    reports_dir: Annotated[
        Path, typer.Option("--reports-dir", help="Where each scan's JSON and HTML reports are written.")
    ] = Path("agent-ready-reports"),
    deadline: Annotated[
        float, typer.Option("--deadline", min=1, help="Whole-scan deadline in seconds (default 120).")
    ] = 120.0,
) -> None:
    """Serve the tools scan, audit_cli, explain and list_checks to an MCP client over stdio. What callers may
    do is set here, not by the calling model: ACTIVE checks, private targets and command audits are off
    unless enabled by a flag. Needs the optional extra: pip install 'agent-ready[mcp]'."""
    try:
        from agent_ready.mcp_server import ServerPolicy, serve_stdio
    except ImportError as exc:
        if (exc.name or "").split(".")[0] != "mcp":
            raise
        raise _fail(
            "`agent-ready mcp` needs the MCP SDK: pip install 'agent-ready[mcp]' (or pip install mcp)",
            EXIT_USAGE,
        ) from None
    policy = ServerPolicy(
        allow_active=allow_active,
        allow_private=allow_private,
        allow_cli=allow_cli,
        sandbox=sandbox,
        reports_dir=reports_dir.expanduser().resolve(),
        deadline=deadline,
    )
    serve_stdio(policy)
    raise typer.Exit(EXIT_OK)
