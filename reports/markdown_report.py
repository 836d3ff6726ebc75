"""The Markdown report: short enough for a pull-request comment or a GitHub job summary.

Score and grade, one row per category, what blocks an agent with its fix, then everything else in a
collapsed ``<details>`` block. Rendered from the JSON report's dictionary, so it never disagrees with it;
every string that came from the target goes through :func:`textsafe.markdown_inline`.
"""

from __future__ import annotations

from typing import Any

from agent_ready.engine import ScanReport
from agent_ready.reports.json_report import to_dict
from agent_ready.reports.textsafe import markdown_inline as md

STATUS_MARK = {
    "pass": "✅ pass",
    "warn": "⚠️ warn",
    "fail": "❌ fail",
    "error": "❓ error",
    "not_applicable": "➖ n/a",
    "skipped": "⏭️ skipped",
}
# Worst first inside the collapsed list, so the next thing to fix is read first.
ORDER = ("warn", "error", "pass", "not_applicable", "skipped")


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def _fix(check: dict[str, Any]) -> str:
    """The finding's own fix when it has one, else the check's remediation."""
    fixes = [f["fix"] for f in check["findings"] if f.get("fix") and f["level"] in ("fail", "warn")]
    return fixes[0] if fixes else check["remediation"]


def _target(doc: dict[str, Any]) -> str:
    target = doc["target"]
    if target.get("kind") == "cli":
        return md(" ".join(target["command"]))
    return md(target["url"])


def render_doc(doc: dict[str, Any]) -> str:
    score = doc["score"]
    lines = [
        f"## agent-ready: {_score(score['overall'])}/100, grade {score['grade']}",
        "",
        f"{_target(doc)}: {md(score['grade_meaning'])}",
        "",
        "| Category | Score | Checks |",
        "| --- | ---: | --- |",
    ]
    for cat in doc["categories"]:
        counts = ", ".join(
            f"{n} {k.replace('_', ' ')}"
            for k, n in cat["counts"].items()
            if n and k not in ("total", "scored")
        )
        lines.append(f"| {md(cat['title'])} | {_score(cat['score'])} | {counts or 'none run'} |")
    checks = doc["checks"]
    blockers = [c for c in checks if c["status"] == "fail"]
    lines.append("")
    if blockers:
        lines.append(f"### What blocks an agent ({len(blockers)})")
        lines.append("")
        for c in blockers:
            lines.append(f"- **{md(c['title'])}** (`{c['id']}`): {md(c['summary'])}")
            lines.append(f"  - Fix: {md(_fix(c))}")
    else:
        lines.append("Nothing blocks an agent: no check failed.")
    rest = sorted(
        (c for c in checks if c["status"] != "fail"),
        key=lambda c: ORDER.index(c["status"]) if c["status"] in ORDER else len(ORDER),
    )
    if rest:
        lines += ["", f"<details><summary>The other {len(rest)} checks</summary>", ""]
        for c in rest:
            reason = c.get("reason") if c["status"] in ("skipped", "not_applicable", "error") else None
            line = f"- {STATUS_MARK.get(c['status'], c['status'])} `{c['id']}`: {md(c['summary'])}"
            if reason and reason != c["summary"]:
                line += f" ({md(reason)})"
            lines.append(line)
            if c["status"] == "warn":
                lines.append(f"  - Fix: {md(_fix(c))}")
        lines += ["", "</details>"]
    cov = score["coverage"]
    lines += [
        "",
        f"<sub>{cov['scored']} of {cov['total']} checks scored ({cov['error']} error, "
        f"{cov['skipped']} skipped, {cov['not_applicable']} not applicable); "
        f"scoring v{md(score['scoring_version'])}, agent-ready {md(doc['tool']['version'])}.</sub>",
    ]
    if doc.get("settings", {}).get("insecure"):
        lines += ["", "> **TLS certificates were not verified** (`--insecure`)."]
    if doc.get("runtime_error"):
        lines += ["", f"> **The scan did not complete:** {md(doc['runtime_error'])}"]
    return "\n".join(lines) + "\n"


def render_markdown(report: ScanReport) -> str:
    return render_doc(to_dict(report))
