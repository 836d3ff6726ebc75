"""temporary.*: can an agent create a temporary resource a human can claim later? [F]"""

from __future__ import annotations

import re
from typing import Any

from agent_ready.artifacts.authmd import AUTHMD_REGISTRATION, Registration
from agent_ready.artifacts.temporary import (
    TEMPORARY_DISCOVERY,
    TEMPORARY_LIFECYCLE,
    Created,
    TemporaryDiscovery,
    TemporaryLifecycle,
)
from agent_ready.checkapi import (
    Artifacts,
    broken,
    check,
    clause,
    collect,
    concern,
    errored,
    failed,
    good,
    info,
    not_judged,
    problem,
    skipped,
    verdict,
)
from agent_ready.models import Finding, Outcome

CLOUDFLARE_CLAIM = "https://developers.cloudflare.com/workers/platform/claim-deployments/"
NEON_CLAIMABLE = "https://neon.com/docs/reference/claimable-postgres"
SPEC_AUTH_MD = "https://github.com/workos/auth.md"


def _slug(source: str) -> str:
    """A source name as a kebab-case code part: agent_auth -> agent-auth, llms.txt -> llms-txt."""
    return re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")


SOURCE_NAMES = {
    "agent_auth": "the agent_auth metadata",
    "auth.md": "auth.md",
    "openapi": "the OpenAPI description",
    "llms.txt": "llms.txt",
    "api-catalog": "the API catalog",
    "401-body": "401 error bodies",
}


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "an unstated time"
    if seconds >= 7200:
        return f"{seconds / 3600:.0f} hours"
    return f"{seconds / 60:.0f} minutes"


@check(
    id="temporary.discoverable",
    title="A no-account or temporary tier is machine-discoverable",
    failure_title="No machine-discoverable no-account or temporary tier",
    category="temporary",
    weight=1,
    remediation='Document the no-account route where agents look: `identity_types_supported: ["anonymous"]` '
    "in agent_auth, a `POST /…/temporary/…` operation with no security requirement in OpenAPI, a link in "
    'llms.txt, and a sentence in 401 bodies ("no account? create a temporary project at …").',
    spec_links=(CLOUDFLARE_CLAIM, SPEC_AUTH_MD, NEON_CLAIMABLE),
    requires=(TEMPORARY_DISCOVERY,),
    description="Reads what other probes found: agent_auth identity types, auth.md, OpenAPI operations about "
    "temporary/claimable/preview/sandbox resources, llms.txt, the API catalogue and 401 bodies.",
    clauses=(
        clause(
            "standards F1",
            "catalogue",
            "a no-account tier is machine-discoverable",
            "auth.md anonymous, an OpenAPI operation, a catalog or llms.txt link passes; prose only warns",
        ),
    ),
)
def discoverable(a: Artifacts) -> Outcome:
    found: TemporaryDiscovery = a[TEMPORARY_DISCOVERY]
    machine = [s for s in found.signals if s.machine_readable]
    prose = [s for s in found.signals if not s.machine_readable]
    findings: list[Finding | None] = [
        good(f"temp-signal-{_slug(s.source)}", s.text, s.evidence) for s in machine[:6]
    ]
    findings += [info(f"temp-hint-{_slug(s.source)}", s.text, s.evidence) for s in prose[:4]]
    details: dict[str, Any] = {
        "sources": sorted({s.source for s in found.signals}),
        "machine_readable": bool(machine),
        "create_route": f"{found.create.method} {found.create.path}" if found.create else None,
        "create_route_needs_auth": (not found.create.no_auth) if found.create else None,
    }
    if machine:
        route = f" ({found.create.method} {found.create.path})" if found.create else ""
        return verdict(
            findings,
            pass_summary=f"An agent can find a no-account route{route} in "
            f"{_and(sorted({SOURCE_NAMES.get(s.source, s.source) for s in machine}))}.",
            warn_summary="",
            fail_summary="",
            details=details,
        )
    if prose:
        findings.append(
            concern(
                "temp-prose-only",
                "the no-account tier is only mentioned in prose",
                None,
                fix="Also publish it in a machine-readable place (agent_auth, OpenAPI).",
            )
        )
        return verdict(
            findings,
            pass_summary="",
            warn_summary="A no-account tier is mentioned, but only in prose "
            f"({', '.join(details['sources'])}); an agent has to read and guess the route.",
            fail_summary="",
            details=details,
        )
    if found.unreachable:
        return errored(
            "The documents that would announce a temporary tier could not be fetched.",
            broken("temp-inputs-unreachable", ", ".join(found.unreachable)),
            details=details,
        )
    return failed(
        "An agent finds no way to use the service without an account.",
        problem(
            "temp-not-discoverable",
            "no anonymous identity type, no temporary or claimable route in "
            "OpenAPI, llms.txt or the catalogue, and no hint in 401 bodies",
            fix="Offer and document a no-account tier (anonymous registration or temporary resources).",
        ),
        details=details,
    )


def _no_route(life: TemporaryLifecycle, reg: Registration | None) -> Outcome:
    """No temporary-resource route: the auth.md anonymous registration may still be the temporary tier."""
    if reg is not None and reg.credential and (reg.claim_url_present or reg.claim_token_present):
        return verdict(
            [
                info(
                    "temp-via-auth-md",
                    "no temporary-resource route; the auth.md anonymous registration is the temporary tier",
                ),
                concern(
                    "temp-isolation-untested",
                    "isolation between two temporary principals not tested",
                    fix="Document a temporary-resource route the scanner can exercise.",
                ),
            ],
            pass_summary="",
            warn_summary="The only no-account tier is the auth.md anonymous "
            "registration; it issues a credential and a claim path.",
            fail_summary="",
            details={"route": None, "via": "auth.md"},
        )
    return failed(
        f"An agent cannot create a temporary resource: {life.stuck_reason}.",
        problem(
            "temp-no-route",
            life.stuck_reason or "",
            fix="Offer a documented no-account route that creates a temporary resource.",
        ),
        details={"route": None},
    )


def _not_created(life: TemporaryLifecycle, details: dict[str, Any]) -> Outcome | None:
    """The creation was not attempted, got no answer or was refused; None when it created something."""
    first = life.first
    if first is None:
        return errored(f"The creation was not attempted: {life.stuck_reason}", details=details)
    if first.response.failed:
        return errored(
            f"The creation request got no answer: {first.response.error}",
            broken("temp-create-unreachable", first.response.error or "", first.response),
            details=details,
        )
    if not first.ok:
        return failed(
            f"An agent cannot create a temporary resource: {life.stuck_reason}"
            + (f" (sent the credential from {life.credential_source})." if life.credential_source else "."),
            problem(
                "temp-create-failed",
                life.stuck_reason or "",
                first.response,
                fix="Let the documented route create a resource without an account.",
            ),
            details=details,
        )
    return None


def _created_details(life: TemporaryLifecycle, first: Created) -> dict[str, Any]:
    return {
        "lifetime_s": first.lifetime_s,
        "expires_at": first.expires_at,
        "expires_field": first.expires_field,
        "relative_expiry_field": first.relative_field,
        "claim_url_present": first.claim_url is not None,
        "claim_field": first.claim_field,
        "claim_expires_at": first.claim_expires_at,
        "credential_field": first.credential_field,
        "limits_stated": first.limits is not None,
        "usable": life.usable,
        "isolated": life.isolated,
    }


def _usable_findings(life: TemporaryLifecycle, first: Created) -> Finding:
    """Clause: the resource works at once with its own credential."""
    if life.usable:
        return good(
            "temp-usable",
            f"its credential read it back at once ({life.use_response.status if life.use_response else '?'})",
            life.use_response,
        )
    if life.usable is False:
        return problem(
            "temp-unusable",
            f"reading it back with its own credential answered "
            f"{life.use_response.describe() if life.use_response else '?'}",
            life.use_response,
            fix="Make the credential valid as soon as the resource is created.",
        )
    return concern(
        "temp-use-untested",
        "no resource URL or credential to read it back with",
        first.response,
        fix="Return the resource URL (or id) and its credential.",
    )


def _expiry_findings(first: Created) -> Finding:
    """Clause: the creation response states an absolute expiry."""
    if first.expires_at:
        return good(
            "temp-absolute-expiry",
            f"states an absolute expiry in `{first.expires_field}` (lifetime {_minutes(first.lifetime_s)})",
            first.response,
        )
    if first.relative_ttl_s is not None:
        return concern(
            "temp-relative-expiry",
            f"states only a relative lifetime (`{first.relative_field}` = "
            f"{first.relative_ttl_s:.0f} s); an agent must remember when it created it",
            first.response,
            fix="Return an absolute ISO 8601 expires_at.",
        )
    return problem(
        "temp-no-expiry",
        "states no expiry",
        first.response,
        fix="Return an absolute ISO 8601 expires_at.",
    )


def _claim_url_findings(life: TemporaryLifecycle, first: Created) -> list[Finding | None]:
    """Clause: a claim URL a human can open, over https or on the same origin, not yet claimed."""
    if first.claim_url is None:
        return [
            problem(
                "temp-no-claim",
                "gives no claim URL a human could use to keep it",
                first.response,
                fix="Return claim.url (and claim.expires_at).",
            )
        ]
    findings: list[Finding | None] = [
        good(
            "temp-claim-url",
            f"gives a claim URL (`{first.claim_field}`)"
            + (f" valid until {first.claim_expires_at}" if first.claim_expires_at else ""),
            first.response,
        )
    ]
    cr = life.claim_response
    if not (life.claim_same_origin or life.claim_https):
        findings.append(
            concern(
                "temp-claim-insecure",
                "the claim URL is plain http on another origin",
                first.response,
                fix="Serve claim URLs over https.",
            )
        )
    elif cr is not None and (cr.failed or not cr.ok):
        findings.append(
            concern(
                "temp-claim-dead",
                f"the claim URL answered {cr.describe()}",
                cr,
                fix="Make the claim URL open a page for the human.",
            )
        )
    elif life.claim_already_claimed:
        findings.append(
            concern("temp-claim-already-claimed", "the claim page says it is already claimed", cr)
        )
    elif cr is not None:
        findings.append(
            good("temp-claim-answers", f"the claim URL answers {cr.status} (not claimed by the scan)", cr)
        )
    return findings


def _isolation_findings(life: TemporaryLifecycle) -> Finding:
    """Clause: a second temporary credential cannot read the first resource."""
    cross = life.cross_response.status if life.cross_response else "?"
    if life.isolated is True:
        return good(
            "temp-isolated",
            f"a second temporary credential cannot read the first resource ({cross})",
            life.cross_response,
        )
    if life.isolated is False:
        return problem(
            "temp-leaky",
            f"a second temporary credential READ the first one's resource ({cross})",
            life.cross_response,
            fix="Scope each temporary credential to the resource it was issued with.",
        )
    return concern(
        "temp-isolation-untested",
        "isolation between two temporary resources not tested"
        + (f": {life.notes[-1]}" if life.notes else ""),
        life.second.response if life.second else None,
    )


def _notes(life: TemporaryLifecycle, first: Created) -> list[Finding | None]:
    """What the scan saw besides the verdict: stated limits, the clean-up, the terms it accepted."""
    findings: list[Finding | None] = []
    if first.limits is not None:
        findings.append(info("temp-limits", f"states limits: {str(first.limits)[:160]}", first.response))
    for resp in life.cleanup:
        findings.append(info("temp-cleanup", f"deleted with {resp.method} → {resp.describe()}", resp))
    findings.extend(info("temp-terms", note) for note in life.notes if "terms" in note)
    return findings


@check(
    id="temporary.lifecycle",
    title="A temporary resource works at once, states an absolute expiry and a claim URL, and is isolated",
    failure_title="Creating a temporary resource does not give a usable, isolated, expiring, claimable "
    "resource",
    category="temporary",
    weight=3,
    remediation="Return, from the documented no-account route, a credential that works at once, an absolute "
    "ISO 8601 `expires_at`, a `claim.url` a human can open (https, on your origin) with its own "
    "`expires_at`, and keep each temporary credential confined to its own resource.",
    spec_links=(CLOUDFLARE_CLAIM, NEON_CLAIMABLE, SPEC_AUTH_MD),
    requires=(TEMPORARY_DISCOVERY,),
    active_requires=(TEMPORARY_LIFECYCLE, AUTHMD_REGISTRATION),
    active=True,
    passive=False,
    description="ACTIVE: creates one temporary resource through the route the service documents, uses it at "
    "once, reads its expiry (expires_at / expiresAt / credential_expires, or a relative TTL, converted and "
    "flagged), opens the claim URL without claiming, creates a second one and checks it cannot read the "
    "first, and deletes both where the service documents a way.",
    side_effects="Creates two temporary resources (deleted afterwards when the service documents DELETE; "
    "otherwise they expire on their own); accepts terms of service through a documented field when one is "
    "required. Shares the anonymous auth.md registration of auth-md.registration.",
    clauses=(
        clause(
            "standards F2",
            "catalogue",
            "a temporary resource works at once, states an absolute expiry and a claim URL, and is isolated",
            "ACTIVE; created with the credential the journey obtained when the route needs one, and "
            "the report says which",
        ),
        not_judged(
            "standards F2",
            "catalogue",
            "the creation answer states its limits",
            "no field or header standard for limits exists; stated limits are reported as information",
        ),
        not_judged(
            "RFC 3339",
            "MUST",
            "the expiry is an absolute instant",
            "relative TTLs are converted and flagged (warn), not failed",
        ),
    ),
)
def lifecycle(a: Artifacts) -> Outcome:
    life: TemporaryLifecycle | None = a.get(TEMPORARY_LIFECYCLE)
    reg: Registration | None = a.get(AUTHMD_REGISTRATION)
    if life is None or not a.active:
        return skipped("ACTIVE check; rerun with --active to create a temporary resource.")
    if life.stuck_at == "route":
        return _no_route(life, reg)
    details: dict[str, Any] = {
        "route": life.route,
        "terms_field": life.terms_field,
        "credential_source": life.credential_source,
    }
    stopped = _not_created(life, details)
    if stopped is not None or life.first is None:
        return stopped or errored(f"The creation was not attempted: {life.stuck_reason}", details=details)
    first = life.first
    made_with = (
        f", created with the credential from {life.credential_source}" if life.credential_source else ""
    )
    findings: list[Finding | None] = [
        good("temp-created", f"{life.route} answered {first.response.status}{made_with}", first.response),
        _usable_findings(life, first),
        _expiry_findings(first),
        *_claim_url_findings(life, first),
        _isolation_findings(life),
        *_notes(life, first),
    ]
    details.update(_created_details(life, first))
    claim = ", comes with a claim link for a human" if first.claim_url else ""
    return verdict(
        findings,
        pass_summary=f"An agent can create a temporary resource with no account ({life.route}): it works "
        f"at once, lives {_minutes(first.lifetime_s)}{claim} and is isolated from other temporary users.",
        warn_summary=f"An agent can create a temporary resource ({life.route}) that lives "
        f"{_minutes(first.lifetime_s)}, with gaps (see findings).",
        fail_summary=f"An agent can call {life.route}, but what it creates falls short (see findings).",
        details=details,
    )


@check(
    id="temporary.claim",
    title="What survives a claim, who may claim and what happens at expiry are stated",
    failure_title="Claim and expiry semantics are not stated",
    category="temporary",
    weight=1,
    remediation="State in auth.md, the docs or llms.txt (and ideally in the creation response): what a "
    'claim keeps ("the project, its data and its keys transfer to your account"), who may claim ("anyone '
    'holding the claim URL; a human signs in"), and what happens at expiry ("unclaimed projects are deleted '
    'after 60 minutes").',
    spec_links=(CLOUDFLARE_CLAIM, NEON_CLAIMABLE, SPEC_AUTH_MD),
    requires=(TEMPORARY_DISCOVERY,),
    active_requires=(TEMPORARY_LIFECYCLE,),
    active=True,
    passive=True,
    description="Looks for sentences about claim and expiry in auth.md, OpenAPI descriptions, llms.txt and "
    "(with --active) the creation response.",
    side_effects="none of its own: with --active it also reads the creation response of the resources "
    "temporary.lifecycle creates",
    clauses=(
        clause(
            "standards F4",
            "catalogue",
            "what survives a claim, who may claim, what happens at expiry are stated",
            "all three pass; some warn; none fails",
        ),
    ),
)
def claim(a: Artifacts) -> Outcome:
    found: TemporaryDiscovery = a[TEMPORARY_DISCOVERY]
    life: TemporaryLifecycle | None = a.get(TEMPORARY_LIFECYCLE) if a.active else None
    stated = {k: list(v) for k, v in found.statements.items()}
    sources = {k: list(v) for k, v in found.statement_sources.items()}
    if life is not None:
        for kind, sentences in life.statements.items():
            if sentences:
                stated.setdefault(kind, []).extend(sentences)
                sources.setdefault(kind, []).append("creation response")
    labels = {
        "survives_claim": "what a claim keeps",
        "who_claims": "who may claim",
        "at_expiry": "what happens at expiry",
    }
    have = [k for k in labels if stated.get(k)]
    details = {
        "survives_claim_stated": bool(stated.get("survives_claim")),
        "who_claims_stated": bool(stated.get("who_claims")),
        "at_expiry_stated": bool(stated.get("at_expiry")),
        "sources": sorted({s for v in sources.values() for s in v}),
    }
    findings: list[Finding | None] = []
    for kind, label in labels.items():
        if stated.get(kind):
            findings.append(
                good(
                    f"temp-states-{kind.replace('_', '-')}",
                    f"{label}: \u201c{stated[kind][0][:160]}\u201d ({', '.join(sources.get(kind, []))})",
                )
            )
        else:
            findings.append(
                concern(
                    f"temp-unstated-{kind.replace('_', '-')}",
                    f"nowhere says {label}",
                    fix=f"State {label} in auth.md or the docs.",
                )
            )
    if not found.signals and not have:
        return failed(
            "No temporary tier, and nothing says what a claim keeps or what happens at expiry.",
            problem(
                "temp-no-semantics",
                "no temporary tier found and no claim/expiry statement",
                fix="Offer a claimable temporary tier and state its claim and expiry rules.",
            ),
            details=details,
        )
    if not have:
        return failed(
            "A no-account tier exists, but nothing tells the agent (or its human) what a claim keeps, who "
            "may claim, or what happens at expiry.",
            *findings,
            details=details,
        )
    said = _and([labels[k] for k in have])
    return verdict(
        findings,
        pass_summary=f"The service states {said}, so an agent can tell its human what to expect.",
        warn_summary=f"The service states {said}, but not everything an agent must tell its human.",
        fail_summary="",
        details=details,
    )


CHECKS = collect(__name__)
