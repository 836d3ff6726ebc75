"""Fold repeated findings: five "soft-404" findings that differ only by URL read as one, with five locations.

Works on the report dictionary's findings (as :mod:`reports.json_report` writes them), so the HTML report and
the fix prompts fold the same way, also when rendered from a JSON report read back from disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# A shared tail shorter than this is a coincidence ("... found"), not the finding's message.
MIN_SHARED = 12
SEPARATORS = " :;,(—-"


@dataclass
class FindingGroup:
    """Findings with the same level, code and fix. ``shared`` is their common message when they differ
    only by where they were seen (``locations``); otherwise ``messages`` lists each in full."""

    level: str
    code: str
    fix: str | None
    messages: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    shared: str | None = None
    locations: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.messages)


def _shared_tail(messages: list[str]) -> str | None:
    shortest = min(len(m) for m in messages)
    size = 0
    while size < shortest and len({m[-size - 1] for m in messages}) == 1:
        size += 1
    tail = messages[0][len(messages[0]) - size :]
    # Start the tail at a word boundary, so no location is cut in the middle of a word.
    while tail and not all(len(m) > len(tail) and m[-len(tail) - 1] in SEPARATORS for m in messages):
        cut = next((i for i, ch in enumerate(tail) if ch in SEPARATORS), None)
        if cut is None:
            return None
        tail = tail[cut + 1 :]
    tail = tail.strip()
    return tail if len(tail) >= MIN_SHARED else None


def _location(message: str, tail: str) -> str:
    head = message[: message.rindex(tail)].rstrip(" :;,(—-")
    return head or message


def fold(findings: list[dict[str, Any]]) -> list[FindingGroup]:
    """Group findings by (level, code, fix), keeping the order in which each group first appears."""
    groups: dict[tuple[str, str, str | None], FindingGroup] = {}
    for f in findings:
        key = (f["level"], f["code"], f.get("fix"))
        group = groups.setdefault(key, FindingGroup(level=f["level"], code=f["code"], fix=f.get("fix")))
        group.messages.append(f["message"])
        group.evidence.extend(e for e in f.get("evidence", []) if e not in group.evidence)
    for group in groups.values():
        if group.count > 1 and len(set(group.messages)) > 1:
            tail = _shared_tail(group.messages)
            if tail is not None:
                group.shared = tail
                group.locations = [_location(m, tail) for m in group.messages]
    return list(groups.values())
