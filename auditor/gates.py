"""The gates a CI run passes or fails: an overall minimum, per-category minimums, failing on a status, and
no regressions against a baseline. Judged on the JSON report's dictionary; each failed gate is one sentence a
person reads. A gate with nothing to compare (no score because nothing could be scored) fails, and says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from agent_ready.diff import ReportDiff

FAIL_ON_LEVELS = {"fail": ("fail",), "warn": ("fail", "warn")}


class GateError(Exception):
    """A gate written wrongly (on the command line or in the config file); one line, exit 2."""


@dataclass(frozen=True)
class FailOn:
    """Fail when a check has ``level`` or worse; only among ``scope`` (check ids or categories) if given."""

    level: str
    scope: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> FailOn:
        """``fail``, ``warn``, or either followed by ``:`` and a comma-separated list of ids or categories."""
        level, sep, rest = text.partition(":")
        level = level.strip().lower()
        if level not in FAIL_ON_LEVELS:
            raise GateError(
                f"fail-on {text!r}: the level must be fail or warn (optionally LEVEL:ID,CATEGORY)"
            )
        scope = tuple(s.strip() for s in rest.split(",") if s.strip())
        if sep and not scope:
            raise GateError(f"fail-on {text!r}: name at least one check id or category after ':'")
        return cls(level, scope)

    def describe(self) -> str:
        return f"--fail-on {self.level}" + (f":{','.join(self.scope)}" if self.scope else "")

    def covers(self, check: dict[str, Any]) -> bool:
        return not self.scope or check["id"] in self.scope or check["category"] in self.scope


@dataclass
class Gates:
    fail_under: float | None = None
    category_minimums: dict[str, float] = field(default_factory=dict)
    fail_on: list[FailOn] = field(default_factory=list)

    def validate(self, check_ids: Iterable[str], categories: Iterable[str]) -> None:
        """Refuse a gate naming a check or category that does not exist, before anything is scanned."""
        ids, cats = set(check_ids), set(categories)
        for cat in self.category_minimums:
            if cat not in cats:
                raise GateError(
                    f"no category {cat!r} to set a minimum for; categories: {', '.join(sorted(cats))}"
                )
        for rule in self.fail_on:
            for name in rule.scope:
                if name not in ids and name not in cats:
                    raise GateError(
                        f"{rule.describe()}: no check or category {name!r} (see `agent-ready list-checks`)"
                    )


def _fmt(score: float) -> str:
    return f"{score:g}"


def _unscored(doc: dict[str, Any]) -> str:
    """Why a report has no overall score, in the terms a person can act on."""
    cov = doc["score"]["coverage"]
    if cov["scored"]:
        return "every category that has a score carries weight 0 (see category_weights in the config file)"
    return (
        f"no check could be scored ({cov['error']} error, {cov['skipped']} skipped, "
        f"{cov['not_applicable']} not applicable of {cov['total']})"
    )


def evaluate(doc: dict[str, Any], gates: Gates, baseline: ReportDiff | None = None) -> list[str]:
    """Every failed gate, as a sentence; an empty list means every gate passed.

    With a baseline, a status gate counts only the checks that regressed against it (a problem the baseline
    already had does not fail the run), and any regression fails the run.
    """
    failed: list[str] = []
    overall = doc["score"]["overall"]
    if gates.fail_under is not None:
        if overall is None:
            failed.append(
                f"there is no overall score to compare with --fail-under {_fmt(gates.fail_under)}: "
                f"{_unscored(doc)}, so the gate fails"
            )
        elif overall < gates.fail_under:
            failed.append(f"the score {_fmt(overall)} is below --fail-under {_fmt(gates.fail_under)}")
    categories = {c["id"]: c for c in doc["categories"]}
    for cat_id, minimum in gates.category_minimums.items():
        cat = categories.get(cat_id)
        score = None if cat is None else cat["score"]
        if score is None:
            failed.append(
                f"category {cat_id} has no score to compare with its minimum {_fmt(minimum)} "
                "(none of its checks ran or could be scored), so the gate fails"
            )
        elif score < minimum:
            failed.append(f"category {cat_id} scored {_fmt(score)}, below its minimum {_fmt(minimum)}")
    regressed = None if baseline is None else {c.id for c in baseline.regressions}
    for rule in gates.fail_on:
        hits = [
            c["id"]
            for c in doc["checks"]
            if c["status"] in FAIL_ON_LEVELS[rule.level]
            and rule.covers(c)
            and (regressed is None or c["id"] in regressed)
        ]
        if hits:
            worded = "fail" if rule.level == "fail" else "warn or fail"
            since = " newly since the baseline" if regressed is not None else ""
            failed.append(f"{rule.describe()}: {len(hits)} check(s) {worded}{since}: {', '.join(hits)}")
    if baseline is not None and baseline.regressions:
        moves = ", ".join(f"{c.id} {c.old} -> {c.new}" for c in baseline.regressions)
        failed.append(f"{len(baseline.regressions)} regression(s) against the baseline: {moves}")
    return failed
