"""The terminal summary of a finished report, the same for ``scan``, ``demo`` and ``cli``: score and grade,
category scores, then the fixes worth the most points, each with its one-line fix."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from agent_ready.models import CheckResult, Level, Status
from agent_ready.scoring import grade_meaning

if TYPE_CHECKING:
    from agent_ready.engine import ScanReport

SUMMARY_BLOCKERS = 10  # the terminal lists this many fixes; the report and `fix-plan` hold them all
FIX_WIDTH = 100


def one_line(text: str, width: int = FIX_WIDTH) -> str:
    """The first sentence of ``text``, cut at a word to ``width`` characters."""
    text = " ".join(text.split())
    end = text.find(". ")
    if 0 < end < width:
        return text[: end + 1]
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def first_fix(result: CheckResult) -> str:
    """The fix of the check's first problem finding; its remediation when no finding names one."""
    for f in result.findings:
        if f.fix and f.level in (Level.FAIL, Level.WARN):
            return f.fix
    return result.remediation


def summary(report: ScanReport) -> str:
    """What a person reads in the terminal: score and grade, category scores, then the fixes worth the most
    points, each with its one-line fix. An unreachable target is one line with the reason."""
    score = report.score
    # A cli audit names the command as typed, not the report's internal ``cli:`` URL.
    target = shlex.join(report.command) if report.command is not None else report.target.url
    if report.runtime_error:
        return (
            f"{target}: no score, {report.runtime_error}; check the URL and that the service is up, "
            f"then rerun `agent-ready scan {target}`"
        )
    overall = "n/a" if score.overall is None else f"{score.overall:.0f}/100"
    lines = [f"{target}: {overall}, grade {score.grade} ({grade_meaning(score.grade, score.unverified)})"]
    for cat in score.categories:
        value = "  n/a" if cat.score is None else f"{cat.score:5.0f}"
        lines.append(
            f"  {cat.title:<20} {value}   "
            + ", ".join(f"{n} {k}" for k, n in cat.counts.items() if n and k not in ("total", "scored"))
        )
    impacts = score.impacts
    blockers = sorted(
        (r for r in report.results if r.id in impacts),
        key=lambda r: (-impacts[r.id], r.status != Status.FAIL, -r.weight, r.id),
    )
    if blockers:
        lines.append("Fix first (points the score gains when the check passes):")
        for r in blockers[:SUMMARY_BLOCKERS]:
            lines.append(f"  +{impacts[r.id]:<4.1f} [{r.status.value}] {r.id}: {one_line(r.summary, 80)}")
            lines.append(f"         fix: {one_line(first_fix(r))}")
        if len(blockers) > SUMMARY_BLOCKERS:
            lines.append(
                f"  … and {len(blockers) - SUMMARY_BLOCKERS} more: the report holds every fix, with a prompt "
                "for a coding agent (`agent-ready fix-plan REPORT.json`)"
            )
    errored = [r for r in report.results if r.status == Status.ERROR]
    if errored:
        lines.append("Could not be checked:")
        lines.extend(f"  [error] {r.id}: {one_line(r.reason or r.summary)}" for r in errored)
    cov = score.coverage
    lines.append(
        f"coverage: {cov['scored']} scored of {cov['total']} checks; {cov['error']} error, "
        f"{cov['skipped']} skipped, {cov['not_applicable']} not applicable (scoring v{score.scoring_version})"
    )
    return "\n".join(lines)
