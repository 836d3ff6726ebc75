"""tokens.headless-grant: a grant an agent can complete without a browser."""

from __future__ import annotations

from agent_ready.artifacts.documents import DocState
from agent_ready.artifacts.oauth import (
    DEVICE_CODE,
    JWT_BEARER,
    OAUTH_DEVICE,
    OAUTH_DISCOVERY,
    TOKEN_EXCHANGE,
    AuthServer,
    DeviceFlow,
    OAuthDiscovery,
    grants_of,
)
from agent_ready.artifacts.signup import SIGNUP_ROUTES, SignupRoutes
from agent_ready.checkapi import (
    Artifacts,
    Target,
    check,
    clause,
    concern,
    errored,
    failed,
    good,
    not_judged,
    passed,
    problem,
    warned,
)
from agent_ready.checks.tokens._common import (
    RFC8414,
    RFC8628,
)
from agent_ready.checks.tokens.device_flow import device_flow_findings
from agent_ready.models import Finding, Level, Outcome


def _server_routes(server: AuthServer) -> tuple[list[Finding], bool, bool]:
    """One authorization server's headless grants: (findings, a headless route exists, browser only)."""
    meta = server.metadata
    if meta is None:
        return [], False, False
    findings: list[Finding] = []
    ev = server.doc.evidence if server.doc else ()
    grants, defaulted = grants_of(meta)
    has_registration = (
        isinstance(meta.get("registration_endpoint"), str)
        or meta.get("client_id_metadata_document_supported") is True
    )
    found_here = False
    if "client_credentials" in grants:
        if isinstance(meta.get("registration_endpoint"), str):
            findings.append(
                good(
                    "client-credentials",
                    f"{server.issuer}: client_credentials, and RFC 7591 registration gives an unknown "
                    "agent client credentials",
                    ev,
                )
            )
            found_here = True
        else:
            findings.append(
                concern(
                    "client-credentials-no-registration",
                    f"{server.issuer}: client_credentials is advertised but there is no "
                    "registration_endpoint: the client credentials must come from a human (a "
                    "dashboard)",
                    ev,
                    fix="Offer RFC 7591 registration or a documented API route for client credentials.",
                )
            )
    if DEVICE_CODE in grants:
        via = (
            "only by device_authorization_endpoint"
            if DEVICE_CODE not in (meta.get("grant_types_supported") or [])
            else "as a grant type"
        )
        findings.append(
            good(
                "device-grant",
                f"{server.issuer}: device authorization grant (RFC 8628), advertised {via}: a person "
                "approves on their own device, the agent needs no browser",
                ev,
            )
        )
        found_here = True
    for grant, name in ((JWT_BEARER, "jwt-bearer (RFC 7523)"), (TOKEN_EXCHANGE, "token exchange (RFC 8693)")):
        if grant in grants:
            findings.append(good(grant.rsplit(":", 1)[-1], f"{server.issuer}: {name}", ev))
            found_here = True
    if isinstance(meta.get("agent_auth"), dict):
        findings.append(good("auth-md", f"{server.issuer}: an auth.md agent_auth block (agent sign-up)", ev))
        found_here = True
    if found_here or not grants:
        return findings, found_here, False
    findings.append(
        concern(
            "browser-grants-only",
            f"{server.issuer}: only {', '.join(grants)}"
            + (" (RFC 8414 default)" if defaulted else "")
            + ": each needs a browser redirect on the agent's side"
            + ("" if has_registration else ", and there is no registration"),
            ev,
            fix="Offer client_credentials with registration, the device grant or jwt-bearer.",
        )
    )
    return findings, False, True


def headless_routes(disc: OAuthDiscovery, routes: SignupRoutes | None) -> tuple[list[Finding], bool, bool]:
    """(findings, a headless route exists, only browser grants exist)."""
    findings: list[Finding] = []
    headless = False
    browser_only = False
    for server in disc.auth_servers:
        found, found_here, browser_here = _server_routes(server)
        findings += found
        headless = headless or found_here
        browser_only = browser_only or browser_here
    for route in routes.open_routes if routes else []:
        if route.kind == "openapi":
            findings.append(
                good(
                    "api-key-route",
                    f"a documented API-key/account route: {route.method} {route.url} ({route.label})",
                    route.evidence,
                )
            )
            headless = True
    return findings, headless, browser_only


# The good findings of headless_routes that each name one route an agent can take without a browser.
HEADLESS_ROUTE_CODES = frozenset(
    {"client-credentials", "device-grant", "jwt-bearer", "token-exchange", "auth-md", "api-key-route"}
)


def _judge_with_device(findings: list[Finding], device: DeviceFlow, target: Target | None) -> Outcome:
    """The verdict once the device flow was tried: it needs a person on another device, so a broken one
    fails the check only when no other headless route exists."""
    other_codes = HEADLESS_ROUTE_CODES - {"device-grant"}
    others = any(f.level == Level.PASS and f.code in other_codes for f in findings)
    device_findings, state = device_flow_findings(device, alone=not others, target=target)
    findings = findings + device_findings
    details = {"device_flow": state}
    if state == "broken" and not others:
        summary = "the only headless grant, the device flow (RFC 8628), does not work"
        return failed(summary, *findings, details=details)
    if state == "unreachable" and not others:
        return errored("the device authorization endpoint could not be reached", *findings, details=details)
    warn_summary = {
        "broken": "a headless route exists; the device flow (RFC 8628) is broken",
        "approved": "a headless route exists; the device flow issues tokens nobody approved",
    }.get(state)
    if warn_summary is None and any(f.level == Level.WARN for f in device_findings):
        warn_summary = "a headless route exists; the device flow works, with concerns"
    if warn_summary:
        return warned(warn_summary, *findings, details=details)
    return passed("a headless route to a credential exists", *findings, details=details)


@check(
    id="tokens.headless-grant",
    title="At least one grant works without a browser on the agent's side",
    failure_title="Every way to a credential needs a browser",
    category="tokens",
    weight=3,
    remediation="Offer a grant an agent can complete without a browser: client_credentials with RFC 7591 "
    "registration (or another documented way to get client credentials), the device "
    "authorization grant (RFC 8628), jwt-bearer (RFC 7523) / token exchange (RFC 8693) with "
    "auth.md, or a documented API-key route. A device authorization response carries "
    "device_code, user_code, an https verification_uri and expires_in, and the token endpoint "
    'answers an unapproved code with a 400 `{"error": "authorization_pending"}`.',
    spec_links=(
        "https://www.rfc-editor.org/rfc/rfc6749#section-4.4",
        RFC8628,
        "https://www.rfc-editor.org/rfc/rfc7523",
        "https://www.rfc-editor.org/rfc/rfc8693",
        RFC8414,
    ),
    requires=(OAUTH_DISCOVERY, SIGNUP_ROUTES),
    active_requires=(OAUTH_DEVICE,),
    active=True,
    passive=True,
    description="Reads grant_types_supported with RFC 8414's default when omitted, counts the device flow "
    "when only its endpoint is advertised, and adds auth.md and documented API-key routes. "
    "ACTIVE part: registers a public client for the device grant on the issuer's origin, "
    "starts one device authorization, checks the RFC 8628 §3.2 response, polls the token "
    "endpoint once (expecting authorization_pending) and deletes the client. A broken device "
    "flow only warns while another headless route exists.",
    side_effects="registers a public OAuth client for the device grant (deleted again via RFC 7592 where "
    "offered) and starts one device authorization that expires unused; creates no account",
    clauses=(
        clause(
            "standards C4",
            "catalogue",
            "one grant usable without a browser",
            "client_credentials with a way to get credentials, device grant, jwt-bearer / token exchange, "
            "auth.md or an API-key route passes; authorization_code only warns; nothing fails",
        ),
        clause(
            "RFC 8628 §3.2",
            "REQUIRED",
            "device_code, user_code, verification_uri, expires_in",
            "ACTIVE: missing members warn (fail when it is the only route)",
        ),
        clause(
            "RFC 8628 §3.2",
            "REQUIRED",
            "verification_uri is a URL a person opens",
            "a relative or non-https URL is a defect (loopback http excused on a loopback target)",
        ),
        clause(
            "RFC 8628 §3.5",
            "MUST",
            "polling an unapproved code answers authorization_pending or slow_down",
            "another error or HTML is a defect; a token without approval warns",
        ),
        not_judged(
            "RFC 7523 §3",
            "MUST",
            "the JWT assertion's claims",
            "the scan cannot mint a trusted assertion; the grant's presence is judged",
        ),
    ),
)
def headless_grant(a: Artifacts) -> Outcome:
    disc: OAuthDiscovery = a[OAUTH_DISCOVERY]
    routes: SignupRoutes | None = a[SIGNUP_ROUTES]
    findings, headless, browser_only = headless_routes(disc, routes)
    device: DeviceFlow | None = a.get(OAUTH_DEVICE) if a.active else None
    if headless and device is not None:
        return _judge_with_device(findings, device, a.target)
    if headless:
        return passed("a headless route to a credential exists", *findings)
    if browser_only:
        return warned("only browser-based grants are offered", *findings)
    if (
        not any(s.metadata for s in disc.auth_servers)
        and all(d.state == DocState.UNREACHABLE for s in disc.auth_servers for d in s.tried)
        and disc.auth_servers
    ):
        return errored("the authorization-server metadata could not be fetched")
    return failed(
        "no headless grant and no documented API-key route",
        *findings,
        problem(
            "no-headless-route",
            "no authorization-server metadata with a usable grant, no auth.md agent_auth block and no "
            "documented API-key route was found",
            fix="Offer client_credentials with registration, the device grant, jwt-bearer with auth.md, or "
            "document an API-key route in OpenAPI.",
        ),
    )
