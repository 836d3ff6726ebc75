"""The data a scan produces: statuses, findings, check results, exchanges, the journey.

Plain frozen dataclasses; the JSON report is built from them by ``reports.json_report``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """The six statuses of the catalogue. Only pass/warn/fail count in a score."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"
    SKIPPED = "skipped"

    @property
    def scorable(self) -> bool:
        return self in (Status.PASS, Status.WARN, Status.FAIL)


class Level(StrEnum):
    """How a single finding reads: good news, neutral information, a concern, a blocker, inconclusive."""

    PASS = "pass"
    INFO = "info"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"


@dataclass(frozen=True)
class Finding:
    """One observation behind a verdict. ``code`` is a stable kebab-case string dashboards may key on."""

    code: str
    level: Level
    message: str
    evidence: tuple[str, ...] = ()  # exchange ids
    fix: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What a check function returns: the verdict and why.

    ``score`` is optional: when None the scoring module derives it from the status.
    """

    status: Status
    summary: str
    findings: tuple[Finding, ...] = ()
    score: float | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str
    category: str
    status: Status
    summary: str
    score: float | None
    weight: float
    active: bool
    findings: tuple[Finding, ...]
    remediation: str
    spec_links: tuple[str, ...]
    details: dict[str, Any]
    duration_ms: float
    plugin: str
    reason: str | None = None  # why skipped / disabled / errored
    side_effects: str | None = None  # what the ACTIVE part creates on the target (None: passive check)


@dataclass
class Exchange:
    """One HTTP request/response as recorded, credentials redacted; response fields are None on failure."""

    id: str
    probe: str
    method: str
    url: str
    request_headers: dict[str, str]
    started_ms: float
    request_body_excerpt: str | None = None
    elapsed_ms: float = 0.0
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    size: int | None = None
    truncated: bool = False
    body_excerpt: str | None = None
    redirected_to: str | None = None
    error: str | None = None
    error_kind: str | None = None
    from_cache_hits: int = 0
    http_version: str | None = None  # "HTTP/1.1" or "HTTP/2" as negotiated; None when never sent


@dataclass(frozen=True)
class JourneyStep:
    """One step an agent takes, told from one check's outcome (``agent_ready.journey``): its status derives
    from that check's, its fix is that check's fix, ``findings`` are the codes of the findings it reports."""

    title: str
    status: str  # "ok" | "warn" | "stuck" | "skipped" | "error"
    learned: str
    exchanges: tuple[str, ...] = ()
    elapsed_ms: float = 0.0
    reason: str | None = None
    fix: str | None = None
    check: str | None = None
    findings: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategoryScore:
    id: str
    title: str
    weight: float
    score: float | None  # 0-100, None when nothing scorable
    counts: dict[str, int]
    check_ids: tuple[str, ...]


@dataclass(frozen=True)
class ScoreSummary:
    overall: float | None
    grade: str
    scoring_version: str
    coverage: dict[str, int]
    categories: tuple[CategoryScore, ...]
    # check id -> points the overall score would gain if that failing/warning check passed
    impacts: dict[str, float] = field(default_factory=dict)
    # Journey coverage (scoring.JOURNEY_CLAIMS): whether the steps a grade's wording asserts were exercised.
    verified: bool = True
    unverified: tuple[str, ...] = ()  # ids of the journey claims that were not exercised
