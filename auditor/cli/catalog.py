"""``list-checks``, ``explain`` and ``docs``: everything generated from the checks' metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from agent_ready.cli.app import EXIT_USAGE, _fail, _registry, app
from agent_ready.scoring import CATEGORIES

LIST_LEGEND = """
MODE: blank = passive, it only reads what any visitor could; ACTIVE = runs only with --active, because it
changes state on the target (registers a client, creates a resource, sends malformed requests);
+active = passive, with an extra ACTIVE part that runs with --active.
KIND: web checks run in `agent-ready scan URL`, cli checks in `agent-ready cli -- COMMAND`.
WEIGHT: the check's share of its category's score. `agent-ready explain ID` tells one check in full."""


@app.command("list-checks")
def list_checks_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    no_plugins: Annotated[bool, typer.Option("--no-plugins", help="Only the built-in checks.")] = False,
) -> None:
    """List every check with its category, target kind (web: `scan URL`; cli: `cli -- COMMAND`), weight and
    whether it is ACTIVE."""
    import json

    reg = _registry(no_plugins)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "category": c.meta.category,
                        "title": c.meta.title,
                        "weight": c.meta.weight,
                        "active": c.meta.active,
                        "target_kind": c.meta.target_kind,
                        "plugin": c.plugin,
                    }
                    for c in reg.ordered()
                ],
                indent=2,
            )
        )
        return
    typer.echo(f"{'ID':<34} {'CATEGORY':<10} {'KIND':<4} {'WEIGHT':<6} {'MODE':<7} TITLE")
    for chk in reg.ordered():
        m = chk.meta
        mode = "ACTIVE" if m.active and not m.passive else ("+active" if m.active else "")
        typer.echo(f"{chk.id:<34} {m.category:<10} {m.target_kind:<4} {m.weight:<6g} {mode:<7} {m.title}")
    typer.echo(LIST_LEGEND)


@app.command("explain")
def explain_cmd(check_id: Annotated[str, typer.Argument(help="A check id from list-checks.")]) -> None:
    """Explain one check: what it asks, how it is judged, how to fix a failure."""
    from agent_ready.registry import did_you_mean

    reg = _registry(False)
    chk = reg.checks.get(check_id)
    if chk is None:
        raise _fail(
            f"no check {check_id!r}{did_you_mean(check_id, reg.checks)}; see `agent-ready list-checks`",
            EXIT_USAGE,
        )
    m = chk.meta
    cat = next((c for c in CATEGORIES if c.id == m.category), None)
    typer.echo(f"{m.id}: {m.title}")
    typer.echo(f"  failure title: {m.failure_title}")
    typer.echo(f"  category: {m.category}{f' ({cat.question})' if cat else ''}; weight {m.weight:g}")
    runs_in = "agent-ready cli -- COMMAND" if m.target_kind == "cli" else "agent-ready scan URL"
    typer.echo(f"  target: {m.target_kind} (runs in `{runs_in}`)")
    if m.active:
        typer.echo(
            f"  ACTIVE{' only' if not m.passive else ' part'}: "
            f"{m.side_effects or 'changes state on the target'}"
        )
    if m.description:
        typer.echo(f"\n{m.description}")
    typer.echo(f"\nFix: {m.remediation}")
    typer.echo("Specs: " + ", ".join(m.spec_links))
    reads = "Reads" if m.target_kind == "cli" else "Probes"
    typer.echo(f"{reads}: " + ", ".join(m.requires + m.active_requires))


@app.command("docs")
def docs_cmd(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder to write checks.md and scoring.md to.")
    ] = Path("docs"),
) -> None:
    """Regenerate the check reference and the scoring model from the checks' metadata."""
    from agent_ready.docsgen import write

    for path in write(_registry(True), output):
        typer.echo(f"wrote {path}", err=True)
