"""A baseline comparison (:class:`agent_ready.diff.ReportDiff`) as text, Markdown or JSON (the JSON follows
``schema/diff.schema.json``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from agent_ready.diff import ReportDiff
from agent_ready.reports.textsafe import markdown_inline as md

DIFF_VERSION = "1.0"
KIND_WORD = {"regressed": "regressed", "improved": "improved", "changed": "changed"}


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _delta(diff: ReportDiff) -> str:
    delta = diff.score_delta
    if delta is None:
        return "not comparable (one report has no score)"
    return f"{delta:+g}" if delta else "no change"


def to_dict(diff: ReportDiff) -> dict[str, Any]:
    return {
        "diff_version": DIFF_VERSION,
        "old": {"target": diff.old_target, "score": diff.old_score, "grade": diff.old_grade},
        "new": {"target": diff.new_target, "score": diff.new_score, "grade": diff.new_grade},
        "score_delta": diff.score_delta,
        "scoring_version": diff.scoring_version,
        "forced": diff.forced,
        "regressions": len(diff.regressions),
        "categories": [{"id": c, "old": old, "new": new} for c, old, new in diff.category_scores],
        "changes": [
            {"id": c.id, "title": c.title, "category": c.category, "old": c.old, "new": c.new, "kind": c.kind}
            for c in diff.changes
        ],
        "new_findings": [vars(f) for f in diff.new_findings],
        "fixed_findings": [vars(f) for f in diff.fixed_findings],
    }


def render_json(diff: ReportDiff) -> str:
    return json.dumps(to_dict(diff), indent=2, ensure_ascii=False) + "\n"


def render_text(diff: ReportDiff) -> str:
    lines = [
        f"score {_score(diff.old_score)} -> {_score(diff.new_score)} ({_delta(diff)}), "
        f"grade {diff.old_grade} -> {diff.new_grade}"
    ]
    if diff.old_target != diff.new_target:
        lines.append(f"note: the targets differ: {diff.old_target} then {diff.new_target}")
    if diff.forced:
        lines.append("note: compared with --force across schema or scoring versions")
    if not diff.changes:
        lines.append("no check changed status")
    for kind in ("regressed", "improved", "changed"):
        moved = [c for c in diff.changes if c.kind == kind]
        if moved:
            lines.append(f"{kind} ({len(moved)}):")
            lines += [f"  {c.id}: {c.old} -> {c.new}" for c in moved]
    for label, findings in (("new findings", diff.new_findings), ("fixed findings", diff.fixed_findings)):
        if findings:
            lines.append(f"{label} ({len(findings)}):")
            lines += [f"  [{f.level}] {f.check_id} {f.code}: {f.message}" for f in findings]
    return "\n".join(lines) + "\n"


def render_markdown(diff: ReportDiff) -> str:
    lines = [
        f"## agent-ready: {_score(diff.old_score)} → {_score(diff.new_score)} ({_delta(diff)})",
        "",
        f"Grade {diff.old_grade} → {diff.new_grade}; {len(diff.regressions)} regression(s), "
        f"{len(diff.improvements)} improvement(s).",
    ]
    if diff.old_target != diff.new_target:
        lines += ["", f"> The targets differ: {md(diff.old_target)} then {md(diff.new_target)}."]
    if diff.changes:
        lines += ["", "| Check | Before | After | |", "| --- | --- | --- | --- |"]
        lines += [f"| {md(c.id)} | {md(c.old)} | {md(c.new)} | {KIND_WORD[c.kind]} |" for c in diff.changes]
    else:
        lines += ["", "No check changed status."]
    for label, findings in (("New findings", diff.new_findings), ("Fixed findings", diff.fixed_findings)):
        if findings:
            lines += ["", f"### {label} ({len(findings)})", ""]
            lines += [f"- {md(f.check_id)} {md(f.code)} ({md(f.level)}): {md(f.message)}" for f in findings]
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[ReportDiff], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
