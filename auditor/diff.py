"""What changed between two JSON reports: the score, every check whose status moved, new and fixed findings.

Works on the report dictionaries (the versioned contract), so a report written by an older agent-ready of the
same schema major version compares with a fresh one. Two reports of another schema major version or another
scoring version are not comparable (a score moved because the ruler changed, not the target) and are refused
unless the caller forces it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Better is higher. Only pass/warn/fail are verdicts on the target; the other statuses say it was not judged.
VERDICT_RANK = {"fail": 0, "warn": 1, "pass": 2}
PROBLEM_LEVELS = ("fail", "warn")
ABSENT = "absent"  # the check is not in that report at all


class DiffError(Exception):
    """A report that cannot be read or compared; the message is one line for the user."""


@dataclass(frozen=True)
class StatusChange:
    id: str
    title: str
    category: str
    old: str  # a status, or "absent"
    new: str
    kind: str  # "regressed" | "improved" | "changed"


@dataclass(frozen=True)
class FindingChange:
    check_id: str
    code: str
    level: str
    message: str


@dataclass
class ReportDiff:
    old_target: str
    new_target: str
    old_score: float | None
    new_score: float | None
    old_grade: str
    new_grade: str
    scoring_version: str
    changes: list[StatusChange] = field(default_factory=list)
    new_findings: list[FindingChange] = field(default_factory=list)
    fixed_findings: list[FindingChange] = field(default_factory=list)
    category_scores: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    forced: bool = False

    @property
    def score_delta(self) -> float | None:
        if self.old_score is None or self.new_score is None:
            return None
        return round(self.new_score - self.old_score, 1)

    @property
    def regressions(self) -> list[StatusChange]:
        return [c for c in self.changes if c.kind == "regressed"]

    @property
    def improvements(self) -> list[StatusChange]:
        return [c for c in self.changes if c.kind == "improved"]


def classify(old: str, new: str) -> str:
    """A regression is a verdict that got worse, or a problem where the check did not apply or did not
    exist; a move to or from ``error``/``skipped`` is a change, since one side was never judged."""
    if old in VERDICT_RANK and new in VERDICT_RANK:
        return "regressed" if VERDICT_RANK[new] < VERDICT_RANK[old] else "improved"
    if new in PROBLEM_LEVELS and old in (ABSENT, "not_applicable"):
        return "regressed"
    if old in PROBLEM_LEVELS and new in ("pass", "not_applicable"):
        return "improved"
    return "changed"


def _target(doc: dict[str, Any]) -> str:
    target = doc.get("target", {})
    return str(target.get("url") or " ".join(target.get("command", [])))


def _major(version: object) -> str:
    return str(version).split(".", 1)[0]


def incompatibility(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Why two reports cannot be compared, or None."""
    old_schema, new_schema = old.get("schema_version"), new.get("schema_version")
    if _major(old_schema) != _major(new_schema):
        return f"the reports use schema {old_schema} and {new_schema}, another major version"
    old_scoring = old.get("score", {}).get("scoring_version")
    new_scoring = new.get("score", {}).get("scoring_version")
    if old_scoring != new_scoring:
        return f"the reports were scored by scoring v{old_scoring} and v{new_scoring}"
    return None


def _findings(check: dict[str, Any]) -> dict[tuple[str, str], FindingChange]:
    out = {}
    for f in check.get("findings", []):
        if f.get("level") in PROBLEM_LEVELS:
            out[(check["id"], f["code"])] = FindingChange(check["id"], f["code"], f["level"], f["message"])
    return out


def compare(old: dict[str, Any], new: dict[str, Any], *, force: bool = False) -> ReportDiff:
    problem = incompatibility(old, new)
    if problem and not force:
        raise DiffError(f"cannot compare: {problem}; pass --force to compare anyway")
    old_checks = {c["id"]: c for c in old.get("checks", [])}
    new_checks = {c["id"]: c for c in new.get("checks", [])}
    diff = ReportDiff(
        old_target=_target(old),
        new_target=_target(new),
        old_score=old["score"]["overall"],
        new_score=new["score"]["overall"],
        old_grade=old["score"]["grade"],
        new_grade=new["score"]["grade"],
        scoring_version=str(new["score"]["scoring_version"]),
        forced=bool(problem),
    )
    for check_id in [*new_checks, *(i for i in old_checks if i not in new_checks)]:
        before, after = old_checks.get(check_id), new_checks.get(check_id)
        old_status = before["status"] if before else ABSENT
        new_status = after["status"] if after else ABSENT
        ref = after or before
        assert ref is not None
        if old_status != new_status:
            diff.changes.append(
                StatusChange(
                    check_id,
                    ref["title"],
                    ref["category"],
                    old_status,
                    new_status,
                    classify(old_status, new_status),
                )
            )
        old_f = _findings(before) if before else {}
        new_f = _findings(after) if after else {}
        diff.new_findings += [f for k, f in new_f.items() if k not in old_f]
        diff.fixed_findings += [f for k, f in old_f.items() if k not in new_f]
    old_cats = {c["id"]: c.get("score") for c in old.get("categories", [])}
    for cat in new.get("categories", []):
        diff.category_scores.append((cat["id"], old_cats.get(cat["id"]), cat.get("score")))
    return diff


def load_report(path: str | Path) -> dict[str, Any]:
    """Read a JSON report written by ``agent-ready scan``; one-line errors for what a user can get wrong."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DiffError(f"{p}: no such file") from None
    except OSError as exc:
        raise DiffError(f"{p}: cannot read ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DiffError(f"{p}: not a JSON report ({exc})") from None
    if (
        not isinstance(doc, dict)
        or not isinstance(doc.get("checks"), list)
        or not isinstance(doc.get("score"), dict)
        or "schema_version" not in doc
    ):
        raise DiffError(f"{p}: not an agent-ready JSON report (write one with `agent-ready scan -o r.json`)")
    for check in doc["checks"]:
        if not isinstance(check, dict) or not {"id", "status", "title", "category"} <= set(check):
            raise DiffError(
                f"{p}: not an agent-ready JSON report (a check lacks id, status, title or category)"
            )
    return doc
