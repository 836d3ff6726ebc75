"""``fix-plan``: the fix prompts of a JSON report as one Markdown plan, the fix worth the most points first.

Made for handing to a coding agent in the service's repository (`agent-ready fix-plan report.json | agent`)
or pasting into an issue. Reads any 1.x report: one written before ``fix_prompt`` existed (1.0, 1.1) gets
its prompts built from its findings the same way a scan builds them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from agent_ready.cli.app import EXIT_OK, EXIT_USAGE, _fail, app
from agent_ready.reports import fix_prompt

FIXABLE = ("fail", "warn")


def _load(path: Path) -> dict[str, Any]:
    try:
        text = (
            Path(path).read_text(encoding="utf-8")
            if str(path) != "-"
            else typer.get_text_stream("stdin").read()
        )
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror}", EXIT_USAGE) from None
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise _fail(
            f"{path} is not JSON ({exc}); give the JSON report of `agent-ready scan URL -o r.json`",
            EXIT_USAGE,
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("checks"), list) or "schema_version" not in doc:
        raise _fail(f"{path} is not an agent-ready JSON report (no schema_version and checks)", EXIT_USAGE)
    if not str(doc["schema_version"]).startswith("1."):
        raise _fail(
            f"{path} has report schema {doc['schema_version']}; this agent-ready reads 1.x", EXIT_USAGE
        )
    return doc


def _fence(text: str) -> str:
    """A code fence longer than any backtick run in ``text``, so the prompt stays literal Markdown."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def plan_markdown(doc: dict[str, Any], top: int | None = None) -> str:
    target = doc.get("target", {})
    label = target.get("url") or " ".join(target.get("command") or []) or "the target"
    score = doc.get("score", {})
    overall = score.get("overall")
    exchanges = {e["id"]: e for e in doc.get("exchanges", []) if isinstance(e, dict) and "id" in e}
    active = bool(doc.get("settings", {}).get("active"))
    todo = [c for c in doc["checks"] if c.get("status") in FIXABLE]
    todo.sort(key=lambda c: (-float(c.get("score_impact") or 0), -float(c.get("weight") or 0), c["id"]))
    shown = todo if top is None else todo[:top]
    lines = [
        f"# Fix plan for {label}",
        "",
        f"Score {'n/a' if overall is None else f'{overall:.0f}/100'}, grade {score.get('grade', 'n/a')}"
        f" (agent-ready {doc.get('tool', {}).get('version', '?')}, report of {doc.get('finished_at', '?')}).",
    ]
    if not todo:
        lines += ["", "Nothing to fix: no check fails or warns."]
        return "\n".join(lines) + "\n"
    lines += [
        f"{len(todo)} check{'s' if len(todo) != 1 else ''} to fix"
        + (f", the {len(shown)} worth the most points below" if len(shown) < len(todo) else "")
        + ", in order of the points each adds to the overall score. Do one at a time and run its "
        "verify command before the next.",
    ]
    for n, check in enumerate(shown, 1):
        gain = check.get("score_impact")
        worth = f" (+{gain:.1f} points)" if isinstance(gain, int | float) else ""
        prompt = check.get("fix_prompt") or fix_prompt.build(check, target, exchanges, active)
        fence = _fence(prompt)
        lines += ["", f"## {n}. `{check['id']}`{worth}: {check.get('title', '')}", "", fence, prompt, fence]
    return "\n".join(lines) + "\n"


@app.command("fix-plan")
def fix_plan_cmd(
    report: Annotated[
        Path, typer.Argument(help="A JSON report of `agent-ready scan` or `agent-ready cli` (- for stdin).")
    ],
    top: Annotated[
        int | None, typer.Option("--top", min=1, help="Only the N fixes worth the most points.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the plan here instead of stdout.")
    ] = None,
) -> None:
    """Print the report's fix prompts as one Markdown plan for a coding agent, the fix worth the most points
    first."""
    text = plan_markdown(_load(report), top)
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(f"cannot write {output}: {exc.strerror}", EXIT_USAGE) from None
    raise typer.Exit(EXIT_OK)
