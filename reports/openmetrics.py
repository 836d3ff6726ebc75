"""OpenMetrics text exposition of scores, for Prometheus' textfile collector and Grafana.

Every metric family is prefixed ``agent_ready_`` and labelled by ``target`` (the normalised URL); the text
ends with ``# EOF``. A score that does not exist (nothing scorable) has no sample rather than a made-up 0.
Built from batch lines (:mod:`agent_ready.jsonl`), so one scan and a whole batch expose the same way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

MEDIA_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"
STATUSES = ("pass", "warn", "fail", "not_applicable", "error", "skipped")


def _label(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: object) -> str:
    return "{" + ",".join(f'{k}="{_label(v)}"' for k, v in labels.items()) + "}"


def _number(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


class _Family:
    def __init__(self, name: str, kind: str, help_text: str, unit: str | None = None) -> None:
        self.name = f"agent_ready_{name}"
        self.kind = kind
        self.help = help_text
        self.unit = unit
        self.samples: list[str] = []

    def add(self, value: float, suffix: str = "", **labels: object) -> None:
        self.samples.append(f"{self.name}{suffix}{_labels(**labels)} {_number(value)}")

    def render(self) -> list[str]:
        if not self.samples:
            return []
        head = [f"# TYPE {self.name} {self.kind}"]
        if self.unit:
            head.append(f"# UNIT {self.name} {self.unit}")
        head.append(f"# HELP {self.name} {_label(self.help)}")
        return head + self.samples


def exposition(lines: Iterable[dict[str, Any]]) -> str:
    """The exposition of batch lines, one target per line (pass the latest line of each target)."""
    up = _Family("up", "gauge", "1 when the target's latest scan reached it, 0 when it ended in an error.")
    score = _Family("score", "gauge", "Overall agent-readiness score, 0-100.")
    grade = _Family("grade", "info", "Letter grade of the overall score.")
    category = _Family("category_score", "gauge", "Score of one category of checks, 0-100.")
    checks = _Family("checks", "gauge", "Number of checks of the target with each status.")
    category_checks = _Family("category_checks", "gauge", "Number of checks per category and status.")
    when = _Family("scan_timestamp_seconds", "gauge", "When the scan finished (Unix time).", "seconds")
    took = _Family("scan_duration_seconds", "gauge", "How long the scan took.", "seconds")
    for line in lines:
        target = line.get("key") or line.get("target")
        up.add(0 if line.get("status") == "error" else 1, target=target)
        with contextlib.suppress(ValueError):
            when.add(datetime.fromisoformat(str(line.get("time"))).timestamp(), target=target)
        summary = line.get("summary")
        if not summary:
            continue
        if summary.get("overall") is not None:
            score.add(summary["overall"], target=target)
        grade.add(1, "_info", target=target, grade=summary.get("grade", "n/a"))
        coverage = summary.get("coverage", {})
        for status in STATUSES:
            checks.add(coverage.get(status, 0), target=target, status=status)
        for cat_id, cat in summary.get("categories", {}).items():
            if cat.get("score") is not None:
                category.add(cat["score"], target=target, category=cat_id)
            for status in STATUSES:
                category_checks.add(
                    cat.get("counts", {}).get(status, 0), target=target, category=cat_id, status=status
                )
        if summary.get("duration_ms") is not None:
            took.add(summary["duration_ms"] / 1000, target=target)
    out: list[str] = []
    for family in (up, score, grade, category, checks, category_checks, when, took):
        out.extend(family.render())
    out.append("# EOF")
    return "\n".join(out) + "\n"


def render_openmetrics(report: Any) -> str:
    """The exposition of one scan (``scan --format openmetrics``)."""
    from agent_ready.jsonl import report_line
    from agent_ready.reports.json_report import to_dict

    return exposition([report_line(to_dict(report))])
