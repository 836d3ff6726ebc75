"""tokens.challenge: a 401 carries a Bearer challenge that names its resource metadata."""

from __future__ import annotations

from agent_ready.artifacts.oauth import (
    OAUTH_DISCOVERY,
    OAuthDiscovery,
    ProtectedCall,
    looks_like_auth_error,
    resource_match,
)
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    failed,
    good,
    info,
    not_applicable,
    not_judged,
    problem,
    verdict,
)
from agent_ready.checks.tokens._common import (
    MCP_AUTH,
    RFC6750,
    url_form_problem,
)
from agent_ready.models import Finding, Outcome


def _well_known_prm(disc: OAuthDiscovery, call: ProtectedCall) -> str | None:
    """The well-known protected-resource metadata found for this call and naming its resource, if any."""
    for p in disc.resource_metadata:
        if p.via == "resource_metadata" or p.data is None or p.requested_url not in (call.url, None):
            continue
        if resource_match(p.data.get("resource"), p.resource, p.requested_url) in (
            "equal",
            "slash",
            "prefix",
        ):
            return p.doc.url
    return None


def _resource_metadata_finding(call: ProtectedCall, disc: OAuthDiscovery | None, where: str) -> Finding:
    """RFC 9728 §5.1 / MCP: resource_metadata in the challenge as a URL, or at least the well-known URI."""
    resp = call.response
    rm = call.resource_metadata_url
    if rm and url_form_problem(rm):
        return problem(
            "resource-metadata-not-url",
            f"{where} answered 401 with resource_metadata={rm!r}, which {url_form_problem(rm)}: RFC 9728 "
            "§5.1 names the metadata by its URL, and clients dereference it as it stands",
            resp,
            fix='Give the absolute URL: resource_metadata="https://…/.well-known/oauth-protected-resource'
            '<path>".',
        )
    if rm:
        return good("resource-metadata-linked", f"{where} answered 401 with resource_metadata={rm}", resp)
    if disc is not None and (well_known := _well_known_prm(disc, call)):
        # MCP authorization: servers MUST offer the header parameter OR the well-known URI; the catalogue
        # asks for the header, the spec permits the alternative, so this warns instead of failing.
        return concern(
            "resource-metadata-well-known-only",
            f"{where} answered 401 without resource_metadata; the metadata is at the well-known URI "
            f"{well_known} (a permitted alternative), which agents that only follow the challenge miss",
            resp,
            fix='Also add resource_metadata="<that URL>" to the Bearer challenge (RFC 9728 §5.1).',
        )
    return problem(
        "no-resource-metadata",
        f"{where} answered 401 but its WWW-Authenticate "
        f"({resp.headers.get('www-authenticate', '')[:120]}) has no resource_metadata parameter, "
        "so an agent must guess where the protected-resource metadata is",
        resp,
        fix='Add resource_metadata="https://…/.well-known/oauth-protected-resource<path>" to the '
        "Bearer challenge (RFC 9728 §5.1; MCP authorization requires it or the well-known URI).",
    )


def _challenge_findings(call: ProtectedCall, disc: OAuthDiscovery | None = None) -> list[Finding]:
    resp = call.response
    where = f"{call.method} {call.url} ({call.source})"
    # What the agent met, neutral: the journey's first step tells it (agent_ready.journey).
    met = info("protected-endpoint", f"{where} answered {resp.describe()} without credentials", resp)
    if not call.challenges:
        return [
            met,
            problem(
                "no-www-authenticate",
                f"{where} answered 401 without a WWW-Authenticate header, so an agent cannot tell how to "
                "authenticate",
                resp,
                fix='Send WWW-Authenticate: Bearer resource_metadata="<PRM URL>" with every 401 (RFC '
                "9728 §5.1, RFC 6750 §3).",
            ),
        ]
    out: list[Finding] = [met]
    bearer = call.bearer
    if bearer is None:
        schemes = ", ".join(c.scheme for c in call.challenges)
        out.append(
            concern(
                "no-bearer-challenge",
                f"{where} challenges with {schemes}, not Bearer",
                resp,
                fix="Offer a Bearer challenge for OAuth access tokens (RFC 6750 §3).",
            )
        )
    out.append(_resource_metadata_finding(call, disc, where))
    if bearer is not None and "error" in bearer.params:
        # RFC 6750 §3.1: with no credentials in the request the challenge SHOULD NOT carry an error code.
        out.append(
            info(
                "error-without-credentials",
                f'the challenge carries error="{bearer.params["error"]}" '
                "although no credentials were sent (RFC 6750 §3.1 says it should not)",
                resp,
            )
        )
    if bearer is not None and "scope" in bearer.params:
        out.append(
            info("challenge-scope", f'scope="{bearer.params["scope"]}" tells the agent what to ask for', resp)
        )
    return out


def _best_challenge(unauthorized: list[ProtectedCall], disc: OAuthDiscovery) -> Outcome:
    """Judge the best 401 (one with resource_metadata first); the others only add concerns."""
    best = unauthorized[0]
    findings = _challenge_findings(best, disc)
    for extra in unauthorized[1:]:
        if not extra.resource_metadata_url and best.resource_metadata_url:
            findings.append(
                concern(
                    "inconsistent-challenges",
                    f"{extra.method} {extra.url} answered 401 without resource_metadata while another "
                    "endpoint includes it",
                    extra.response,
                    fix="Send the same challenge from every protected endpoint.",
                )
            )
    return verdict(
        findings,
        pass_summary="401 with a resource_metadata challenge",
        warn_summary="401 with a challenge, with concerns",
        fail_summary="the 401 does not say where the resource metadata is",
        details={"endpoint": best.url, "source": best.source},
    )


def _not_401_finding(call: ProtectedCall) -> Finding:
    """RFC 9110 §15.5.2: what a protected call answered instead of 401."""
    resp = call.response
    where = f"{call.method} {call.url} ({call.source})"
    if resp.ok and looks_like_auth_error(resp):
        return problem(
            "error-as-200",
            f"{where} answered {resp.status} with an authentication error in the body; an agent "
            "reading the status thinks the call succeeded",
            resp,
            fix="Answer 401 with WWW-Authenticate instead of 200.",
        )
    if resp.status == 403:
        return problem(
            "bare-403",
            f"{where} answered 403 without credentials; 401 is the status that asks for them (RFC "
            "9110 §15.5.2)",
            resp,
            fix="Answer 401 with a Bearer challenge when no credentials were sent.",
        )
    if resp.status in (301, 302, 303, 307, 308) or resp.redirects:
        return problem(
            "redirect-to-login",
            f"{where} redirects to {resp.final_url} (a browser login)",
            resp,
            fix="Answer API calls without credentials with 401, not a redirect.",
        )
    return problem(
        "no-401", f"{where} answered {resp.describe()}", resp, fix="Answer 401 with a Bearer challenge."
    )


@check(
    id="tokens.challenge",
    title="An unauthenticated call gets 401 with a resource_metadata challenge",
    failure_title="Unauthenticated calls do not point an agent at the protected-resource metadata",
    category="tokens",
    weight=3,
    remediation="Answer a call without credentials to any protected endpoint with 401 and "
    "`WWW-Authenticate: Bearer "
    'resource_metadata="https://…/.well-known/oauth-protected-resource/<path>"` '
    "(RFC 9728 §5.1, RFC 6750 §3). Never a 200 with an error body, a redirect to an HTML login, "
    "or a bare 403. Declare security requirements on OpenAPI operations so agents know which "
    "calls are protected.",
    spec_links=("https://www.rfc-editor.org/rfc/rfc9728#section-5.1", RFC6750, MCP_AUTH),
    requires=(OAUTH_DISCOVERY,),
    description="Calls the URL, the secured OpenAPI GET operations, the MCP endpoint of the server card "
    "and /mcp without credentials, and parses every WWW-Authenticate challenge (several per "
    "header and across headers).",
    clauses=(
        clause(
            "RFC 9728 §5.1 / MCP 2025-11-25",
            "MUST",
            "a server offers resource_metadata in WWW-Authenticate or the well-known URI",
            "the header passes; the well-known URI alone warns (a permitted alternative the catalogue does "
            "not name: the spec wins); neither fails",
        ),
        clause(
            "RFC 9728 §5.1",
            "MUST",
            "resource_metadata is the metadata's URL",
            "a relative or non-http(s) value fails",
        ),
        clause("RFC 6750 §3", "MUST", "a 401 carries WWW-Authenticate", "a 401 without it fails"),
        clause("RFC 6750 §3", "MUST", "the challenge uses the Bearer scheme", "only other schemes warns"),
        clause(
            "RFC 9110 §15.5.2",
            "MUST",
            "401 asks for credentials",
            "a bare 403, a redirect to a login page or an error inside a 200 fails",
        ),
        not_judged(
            "RFC 6750 §3.1",
            "SHOULD NOT",
            "no error code when no credentials were sent",
            "noted here; judged by errors.bearer-errors (one judge per question)",
        ),
    ),
)
def challenge(a: Artifacts) -> Outcome:
    disc: OAuthDiscovery = a[OAUTH_DISCOVERY]
    unauthorized = sorted(
        (p for p in disc.protected if p.unauthorized), key=lambda p: not p.resource_metadata_url
    )
    if unauthorized:
        return _best_challenge(unauthorized, disc)
    findings = [_not_401_finding(call) for call in disc.protected]
    if findings:
        return failed("no protected endpoint answers 401", *findings)
    if disc.openapi_url and disc.secured_operations == 0 and disc.public_operations > 0:
        return not_applicable(
            f"the OpenAPI description ({disc.openapi_url}) declares no security requirement on any of its "
            "operations and no MCP endpoint asks for credentials: nothing here is protected"
        )
    return failed(
        "no protected endpoint found",
        problem(
            "no-protected-endpoint",
            "Neither the URL, nor an OpenAPI operation with a security requirement, nor an MCP endpoint "
            "answered a call without credentials with 401. " + ("; ".join(disc.notes[:4]) or ""),
            *[call.response for call in disc.rejected],
            fix="Publish an OpenAPI description with security requirements, and answer unauthenticated "
            "calls with 401 + WWW-Authenticate.",
        ),
        details={"notes": disc.notes[:8]},
    )
