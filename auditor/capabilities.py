"""What an agent could and could not do, in plain words, folded from check results.

Scores say how ready a service is; this says what happens to an agent that tries. Each capability names
the checks that decide it: "yes" when every one that ran passed, "no" when the deciding ones failed,
"partly" in between, "unknown" when none could be judged (errors, skipped, not run).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from agent_ready.models import CheckResult, Status


@dataclass(frozen=True)
class Capability:
    id: str
    title: str  # phrased as what the agent tries
    checks: tuple[str, ...]  # all checks that bear on it
    deciding: tuple[str, ...]  # the ones whose failure means "no"


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "find",
        "Find the API, its description and docs from the URL alone",
        (
            "discovery.openapi",
            "discovery.llms-txt",
            "discovery.api-catalog",
            "discovery.link-headers",
            "discovery.markdown-negotiation",
            "discovery.mcp-server-card",
        ),
        ("discovery.openapi", "discovery.llms-txt", "discovery.api-catalog"),
    ),
    Capability(
        "enter",
        "Get in without being blocked or challenged",
        ("access.ai-rules", "access.no-challenge", "access.content-signals"),
        ("access.ai-rules", "access.no-challenge"),
    ),
    Capability(
        "learn-auth",
        "Learn how to authenticate from a single 401",
        ("tokens.challenge", "tokens.resource-metadata", "tokens.server-metadata"),
        ("tokens.challenge", "tokens.resource-metadata", "tokens.server-metadata"),
    ),
    Capability(
        "sign-up",
        "Sign itself up without a browser or a human",
        (
            "signup.client-registration",
            "signup.account-api",
            "signup.gate",
            "auth-md.file",
            "auth-md.metadata",
            "auth-md.registration",
        ),
        ("signup.client-registration", "signup.account-api", "auth-md.registration"),
    ),
    Capability(
        "token",
        "Obtain a token headlessly and make an authenticated call",
        ("tokens.headless-grant", "tokens.issue", "tokens.endpoint-errors"),
        ("tokens.headless-grant", "tokens.issue"),
    ),
    Capability(
        "recover",
        "Understand failures and know what to do next",
        ("errors.machine-readable", "errors.hints", "errors.bearer-errors", "errors.honest-status"),
        ("errors.machine-readable", "errors.hints"),
    ),
    Capability("pace", "Pace itself under rate limits", ("errors.rate-limit",), ("errors.rate-limit",)),
    Capability(
        "temporary",
        "Create a temporary resource and hand a human a claim link",
        ("temporary.discoverable", "temporary.lifecycle", "temporary.claim"),
        ("temporary.discoverable", "temporary.lifecycle"),
    ),
)


@dataclass(frozen=True)
class CapabilityVerdict:
    id: str
    title: str
    status: str  # "yes" | "partly" | "no" | "unknown"
    because: str
    check_ids: tuple[str, ...]


def _fold(cap: Capability, results: dict[str, CheckResult]) -> CapabilityVerdict:
    present = [results[c] for c in cap.checks if c in results]
    judged = [r for r in present if r.status.scorable]
    deciding = [r for r in judged if r.id in cap.deciding]
    if not judged:
        reasons = [
            f"{r.id}: {r.summary}"
            for r in present
            if r.status in (Status.ERROR, Status.SKIPPED, Status.NOT_APPLICABLE)
        ]
        return CapabilityVerdict(
            cap.id,
            cap.title,
            "unknown",
            "; ".join(reasons[:3]) or "no check that decides this ran",
            tuple(r.id for r in present),
        )
    if all(r.status == Status.PASS for r in judged):
        status = "yes"
    elif deciding and all(r.status == Status.FAIL for r in deciding):
        status = "no"
    else:
        status = "partly"
    shown = judged if status == "yes" else [r for r in judged if r.status != Status.PASS]
    because = "; ".join(r.summary.rstrip(".") for r in shown[:3])
    return CapabilityVerdict(cap.id, cap.title, status, because, tuple(r.id for r in present))


def assess(results: Iterable[CheckResult]) -> list[CapabilityVerdict]:
    by_id = {r.id: r for r in results}
    return [_fold(cap, by_id) for cap in CAPABILITIES if any(c in by_id for c in cap.checks)]
