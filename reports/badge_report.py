"""A shields.io endpoint badge (https://shields.io/badges/endpoint-badge): the score and grade as JSON.

Serve the file anywhere public and point ``https://img.shields.io/endpoint?url=...`` at it.
"""

from __future__ import annotations

import json

from agent_ready.engine import ScanReport

# Grade -> shields.io named colour; "lightgrey" when nothing could be scored.
COLOR = {"A": "brightgreen", "B": "green", "C": "yellow", "D": "orange", "F": "red"}


def badge(overall: float | None, grade: str) -> dict[str, object]:
    if overall is None:
        return {"schemaVersion": 1, "label": "agent-ready", "message": "n/a", "color": "lightgrey"}
    return {
        "schemaVersion": 1,
        "label": "agent-ready",
        "message": f"{overall:.0f}/100 ({grade})",
        "color": COLOR.get(grade, "lightgrey"),
    }


def render_badge(report: ScanReport) -> str:
    return json.dumps(badge(report.score.overall, report.score.grade)) + "\n"
