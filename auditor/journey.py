"""The agent's journey: the steps an agent takes, told from the check results, never judged a second time.

Probes record what happened; checks judge it. A journey step is a projection of one check's outcome: it
cites the check id and the finding codes it reports, its status derives from that check's status (through
the levels of the cited findings), its reason is their messages and its fix is the check's fix (the cited
finding's own fix, else the check's remediation). Nothing here decides anything the checks did not.

A route is a sequence of steps an agent takes in order; it ends at the first step where the agent is stuck
(an agent following the specs stops there), so later steps of that route are not shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from agent_ready.models import CheckResult, Exchange, Finding, JourneyStep, Level, Status

ACTIVE_REASON = "ACTIVE step; rerun with --active to take it"


@dataclass(frozen=True)
class Stage:
    """One step of a route, and the part of a check's outcome that tells it."""

    title: str
    check: str
    codes: tuple[str, ...] = ()  # the check's findings this step reports; empty: the whole check
    # Finding codes that stop the agent at this step. None: any failing cited finding does; a failing
    # finding not listed here (the agent gets past it with a problem) makes the step "warn".
    blocking: tuple[str, ...] | None = None
    active: bool = False  # the step changes state on the target: taken only with --active
    not_taken: tuple[str, ...] = ()  # codes saying the step was not taken (shown "skipped")


Route = tuple[Stage, ...]

# From a URL to the first authenticated call, in the order of the MCP authorization spec. The discovery
# steps stop the agent only where the specs tell it to stop; a failing finding that the agent gets past
# (a challenge without resource_metadata: it falls back to the well-known URLs) makes the step "warn".
OAUTH_ROUTE: Route = (
    Stage(
        "Call a protected endpoint without credentials",
        "tokens.challenge",
        codes=(
            "protected-endpoint",
            "error-as-200",
            "bare-403",
            "redirect-to-login",
            "no-401",
            "no-protected-endpoint",
        ),
    ),
    Stage(
        "Read the WWW-Authenticate challenge",
        "tokens.challenge",
        codes=(
            "resource-metadata-linked",
            "no-resource-metadata",
            "resource-metadata-well-known-only",
            "no-www-authenticate",
            "no-bearer-challenge",
            "inconsistent-challenges",
            "error-without-credentials",
            "challenge-scope",
        ),
        blocking=(),
    ),
    Stage(
        "Fetch the protected-resource metadata (RFC 9728)",
        "tokens.resource-metadata",
        blocking=(
            "prm-absent",
            "prm-soft-404",
            "prm-invalid",
            "resource-missing",
            "wrong-resource",
            "no-authorization-servers",
        ),
    ),
    Stage(
        "Fetch the authorization-server metadata (RFC 8414 / OIDC)",
        "tokens.server-metadata",
        blocking=("as-metadata-absent", "issuer-mismatch", "no-issuer", "no-token-endpoint"),
    ),
    # A failed registration is a dead end only when no other route produced a credential: the token
    # step says whether one did.
    Stage(
        "Register a client (RFC 7591)",
        "signup.client-registration",
        codes=(
            "dcr-registered",
            "dcr-status",
            "dcr-deleted",
            "dcr-not-attempted",
            "dcr-unreachable",
            "dcr-rejected",
            "dcr-failed",
            "dcr-delete-failed",
            "dcr-not-deletable",
        ),
        blocking=(),
        active=True,
        not_taken=("dcr-not-attempted",),
    ),
    Stage(
        "Obtain a token without a browser",
        "tokens.issue",
        codes=("route", "route-fallback", "no-token"),
        active=True,
    ),
    Stage(
        "Call the protected endpoint with the token",
        "tokens.issue",
        codes=("authenticated-call", "no-call-target", "call-rejected", "revoked"),
        active=True,
    ),
)

# Routes per target kind (``checkapi.TARGET_KINDS``), in the order the report shows them.
ROUTES: dict[str, tuple[Route, ...]] = {
    "web": (
        OAUTH_ROUTE,
        (Stage("Register anonymously (auth.md)", "auth-md.registration", active=True),),
        (Stage("Create a temporary resource", "temporary.lifecycle", active=True),),
    ),
    "cli": (
        (
            Stage(
                "Run the command with no TTY, a clean HOME and no credentials", "errors.cli-non-interactive"
            ),
            Stage("Get through without a browser", "errors.cli-browser"),
            Stage("Read its error output for a next step", "errors.cli-hints"),
        ),
    ),
}

_STATUS_LEVEL = {
    Status.PASS: Level.PASS,
    Status.WARN: Level.WARN,
    Status.FAIL: Level.FAIL,
    Status.ERROR: Level.ERROR,
}


def fix_of(result: CheckResult, findings: Iterable[Finding]) -> str:
    """The check's fix for what these findings report: the first non-passing one's fix, else the check's
    remediation."""
    for f in findings:
        if f.level in (Level.FAIL, Level.WARN, Level.ERROR) and f.fix:
            return f.fix
    return result.remediation


def _cited(stage: Stage, result: CheckResult) -> list[Finding]:
    return [f for f in result.findings if not stage.codes or f.code in stage.codes]


def _evidence(findings: Iterable[Finding]) -> tuple[str, ...]:
    out: list[str] = []
    for f in findings:
        out.extend(e for e in f.evidence if e not in out)
    return tuple(out)


def _elapsed(ids: Iterable[str], exchanges: Mapping[str, Exchange]) -> float:
    """When the step's last request finished, in ms since the scan started (0 without requests)."""
    ends = [exchanges[i].started_ms + exchanges[i].elapsed_ms for i in ids if i in exchanges]
    return round(max(ends), 1) if ends else 0.0


def _step_status(stage: Stage, result: CheckResult, cited: list[Finding]) -> str:
    levels = {f.level for f in cited}
    if not stage.codes and result.status in _STATUS_LEVEL:
        levels.add(_STATUS_LEVEL[result.status])
    if Level.FAIL in levels:
        failing = {f.code for f in cited if f.level == Level.FAIL}
        if stage.blocking is None or failing & set(stage.blocking):
            return "stuck"
        return "warn"
    if Level.ERROR in levels:
        return "error"
    if Level.WARN in levels:
        return "warn"
    return "ok"


def _step(
    stage: Stage, result: CheckResult, active: bool, exchanges: Mapping[str, Exchange]
) -> JourneyStep | None:
    if result.status == Status.NOT_APPLICABLE:
        return None  # the step does not exist for this target
    if result.status == Status.SKIPPED or (stage.active and not active):
        reason = ACTIVE_REASON if stage.active and not active else (result.reason or result.summary)
        return JourneyStep(stage.title, "skipped", "not attempted", reason=reason, check=result.id)
    cited = _cited(stage, result)
    if result.status == Status.ERROR:
        ids = _evidence(cited)
        return JourneyStep(
            stage.title,
            "error",
            result.summary,
            reason=result.reason or result.summary,
            exchanges=ids,
            elapsed_ms=_elapsed(ids, exchanges),
            findings=tuple(dict.fromkeys(f.code for f in cited)),
            check=result.id,
        )
    if stage.codes and not cited:
        return None  # the check said nothing about this step
    status = _step_status(stage, result, cited)
    if status == "ok" and any(f.code in stage.not_taken for f in cited):
        status = "skipped"
    good = [f.message for f in cited if f.level in (Level.PASS, Level.INFO)]
    bad = [f for f in cited if f.level in (Level.FAIL, Level.WARN, Level.ERROR)]
    ids = _evidence(cited)
    return JourneyStep(
        stage.title,
        status,
        "; ".join(good) or result.summary,
        reason=None if status == "ok" else ("; ".join(f.message for f in bad) or result.summary),
        fix=None if status in ("ok", "skipped") else fix_of(result, cited),
        exchanges=ids,
        elapsed_ms=_elapsed(ids, exchanges),
        findings=tuple(dict.fromkeys(f.code for f in cited)),
        check=result.id,
    )


def project(
    results: Iterable[CheckResult],
    kind: str,
    *,
    active: bool = False,
    exchanges: Iterable[Exchange] = (),
    routes: Mapping[str, tuple[Route, ...]] = ROUTES,
) -> list[JourneyStep]:
    """The journey of a report on a target of ``kind``, told from its check results."""
    by_id = {r.id: r for r in results}
    log = {e.id: e for e in exchanges}
    journey: list[JourneyStep] = []
    for route in routes.get(kind, ()):
        for stage in route:
            result = by_id.get(stage.check)
            step = _step(stage, result, active, log) if result is not None else None
            if step is None:
                continue
            journey.append(step)
            if step.status in ("stuck", "error"):
                break  # an agent following the specs stops here
    return journey
