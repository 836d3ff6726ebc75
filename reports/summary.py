"""The compact summary of a report: what a batch line, the dashboard and the OpenMetrics exposition need.

Built from the JSON report (the contract), never from engine objects, so that any report a user kept, of
any 1.x version, summarises the same way as a fresh scan.
"""

from __future__ import annotations

from typing import Any

BLOCKING = ("fail", "error")


def blockers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Checks that fail or error, heaviest first (a fail before an error of the same weight)."""
    found = [c for c in doc.get("checks", []) if c.get("status") in BLOCKING]
    found.sort(key=lambda c: (-float(c.get("weight") or 0), c.get("status") != "fail", c.get("id", "")))
    return [
        {"id": c["id"], "status": c["status"], "title": c.get("title", ""), "summary": c.get("summary", "")}
        for c in found
    ]


def summarize_report(doc: dict[str, Any]) -> dict[str, Any]:
    """Overall score and grade, each category's score and counts, every check's status and the top blocker."""
    score = doc.get("score", {})
    found = blockers(doc)
    return {
        "overall": score.get("overall"),
        "grade": score.get("grade", "n/a"),
        "scoring_version": score.get("scoring_version"),
        "coverage": dict(score.get("coverage", {})),
        "categories": {
            c["id"]: {
                "title": c.get("title", c["id"]),
                "score": c.get("score"),
                "counts": dict(c.get("counts", {})),
            }
            for c in doc.get("categories", [])
        },
        "checks": {c["id"]: c["status"] for c in doc.get("checks", [])},
        "top_blocker": found[0] if found else None,
        "blockers": [b["id"] for b in found],
        "duration_ms": doc.get("duration_ms"),
        "tool_version": doc.get("tool", {}).get("version"),
        "runtime_error": doc.get("runtime_error"),
    }
