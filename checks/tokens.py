"""tokens.*: can an agent obtain a credential without a browser? [C1-C4, C6-C8]"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent_ready.checkapi import (
    Artifacts,
    broken,
    check,
    concern,
    errored,
    failed,
    good,
    info,
    not_applicable,
    passed,
    problem,
    skipped,
    verdict,
    warned,
)
from agent_ready.fetch import origin_of
from agent_ready.models import Finding, Level, Outcome
from agent_ready.probes.documents import DocState
from agent_ready.probes.oauth import (
    DEVICE_CODE,
    JWT_BEARER,
    TOKEN_EXCHANGE,
    TokenErrorProbe,
    endpoint_scheme_problems,
    grants_of,
    is_loopback_url,
    json_error,
    looks_like_auth_error,
    resource_match,
)
from agent_ready.probes.oauth_flow import DeviceFlow, OAuthFlow
from agent_ready.probes.oauth_model import AuthServer, OAuthDiscovery, ProtectedCall
from agent_ready.probes.signup import SignupRoutes

RFC6750 = "https://www.rfc-editor.org/rfc/rfc6750#section-3"
RFC9728 = "https://www.rfc-editor.org/rfc/rfc9728"
RFC8414 = "https://www.rfc-editor.org/rfc/rfc8414"
RFC6749_52 = "https://www.rfc-editor.org/rfc/rfc6749#section-5.2"
RFC8628 = "https://www.rfc-editor.org/rfc/rfc8628"
MCP_AUTH = "https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization"
OAUTH_ERRORS = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "invalid_target",
}


# --- tokens.challenge ------------------------------------------------------------------------------------


def _challenge_findings(call: ProtectedCall) -> list[Finding]:
    resp = call.response
    where = f"{call.method} {call.url} ({call.source})"
    out: list[Finding] = []
    if not call.challenges:
        return [
            problem(
                "no-www-authenticate",
                f"{where} answered 401 without a WWW-Authenticate header, so an agent cannot tell how to "
                "authenticate",
                resp,
                fix='Send WWW-Authenticate: Bearer resource_metadata="<PRM URL>" with every 401 (RFC '
                "9728 §5.1, RFC 6750 §3).",
            )
        ]
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
    rm = call.resource_metadata_url
    if rm:
        out.append(
            good("resource-metadata-linked", f"{where} answered 401 with resource_metadata={rm}", resp)
        )
    else:
        out.append(
            problem(
                "no-resource-metadata",
                f"{where} answered 401 but its WWW-Authenticate "
                f"({resp.headers.get('www-authenticate', '')[:120]}) has no resource_metadata parameter, "
                "so an agent must guess where the protected-resource metadata is",
                resp,
                fix='Add resource_metadata="https://…/.well-known/oauth-protected-resource<path>" to the '
                "Bearer challenge (RFC 9728 §5.1; MCP authorization requires it or the well-known URI).",
            )
        )
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
    requires=("oauth_discovery",),
    description="Calls the URL, the secured OpenAPI GET operations, the MCP endpoint of the server card "
    "and /mcp without credentials, and parses every WWW-Authenticate challenge (several per "
    "header and across headers).",
)
def challenge(a: Artifacts) -> Outcome:
    disc: OAuthDiscovery = a["oauth_discovery"]
    # Judge the best challenge found (one with resource_metadata first); the others only add concerns.
    unauthorized = sorted(
        (p for p in disc.protected if p.unauthorized), key=lambda p: not p.resource_metadata_url
    )
    if unauthorized:
        findings = _challenge_findings(unauthorized[0])
        for extra in unauthorized[1:]:
            if not extra.resource_metadata_url and unauthorized[0].resource_metadata_url:
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
            details={"endpoint": unauthorized[0].url, "source": unauthorized[0].source},
        )
    findings = []
    for call in disc.protected:
        resp = call.response
        where = f"{call.method} {call.url} ({call.source})"
        if resp.ok and looks_like_auth_error(resp):
            findings.append(
                problem(
                    "error-as-200",
                    f"{where} answered {resp.status} with an authentication error in the body; an agent "
                    "reading the status thinks the call succeeded",
                    resp,
                    fix="Answer 401 with WWW-Authenticate instead of 200.",
                )
            )
        elif resp.status == 403:
            findings.append(
                problem(
                    "bare-403",
                    f"{where} answered 403 without credentials; 401 is the status that asks for them (RFC "
                    "9110 §15.5.2)",
                    resp,
                    fix="Answer 401 with a Bearer challenge when no credentials were sent.",
                )
            )
        elif resp.status in (301, 302, 303, 307, 308) or resp.redirects:
            findings.append(
                problem(
                    "redirect-to-login",
                    f"{where} redirects to {resp.final_url} (a browser login)",
                    resp,
                    fix="Answer API calls without credentials with 401, not a redirect.",
                )
            )
        else:
            findings.append(
                problem(
                    "no-401",
                    f"{where} answered {resp.describe()}",
                    resp,
                    fix="Answer 401 with a Bearer challenge.",
                )
            )
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


# --- tokens.resource-metadata ------------------------------------------------------------------------------


@check(
    id="tokens.resource-metadata",
    title="Protected-resource metadata names the resource and its authorization servers",
    failure_title="Protected-resource metadata is missing or wrong",
    category="tokens",
    weight=3,
    remediation="Serve RFC 9728 metadata at `/.well-known/oauth-protected-resource<resource path>` whose "
    "`resource` is exactly the resource identifier that URL was built from, with a non-empty "
    "`authorization_servers` list of https issuer URLs, `scopes_supported` and "
    '`bearer_methods_supported: ["header"]`.',
    spec_links=("https://www.rfc-editor.org/rfc/rfc9728#section-3", MCP_AUTH),
    requires=("oauth_discovery",),
    description="Follows resource_metadata from the 401, else the path-inserted then root well-known URLs "
    "(MCP order), and always the origin's root document.",
)
def resource_metadata(a: Artifacts) -> Outcome:
    disc: OAuthDiscovery = a["oauth_discovery"]
    prms = disc.resource_metadata
    found = [p for p in prms if p.data is not None]
    if not found:
        if prms and all(p.doc.state == DocState.UNREACHABLE for p in prms):
            return errored("the protected-resource metadata could not be fetched: " + prms[0].doc.describe())
        findings: list[Finding] = []
        for p in prms:
            code = {"soft-404": "prm-soft-404", "invalid": "prm-invalid"}.get(p.doc.state.value, "prm-absent")
            findings.append(
                problem(
                    code,
                    f"{p.doc.describe()} (for {p.resource}, via {p.via})",
                    p.doc.evidence,
                    fix="Serve the RFC 9728 document as application/json at this URL.",
                )
            )
        return failed("no protected-resource metadata", *findings)
    findings = []
    linked = [p for p in prms if p.via == "resource_metadata"]
    for p in linked:
        if p.data is None:
            findings.append(
                problem(
                    "linked-prm-broken",
                    f"the challenge points at {p.doc.describe()}",
                    p.doc.evidence,
                    fix="Serve the document the 401 links to.",
                )
            )
    for p in found:
        data = p.data or {}
        where = f"{p.doc.url} ({p.via})"
        match = resource_match(data.get("resource"), p.resource, p.requested_url)
        res = data.get("resource")
        if match == "missing":
            findings.append(
                problem(
                    "resource-missing",
                    f"{where} has no resource member (REQUIRED, RFC 9728 §2)",
                    p.doc.evidence,
                    fix=f'Add "resource": "{p.resource}".',
                )
            )
        elif match == "mismatch":
            findings.append(
                problem(
                    "wrong-resource",
                    f"{where} says resource {res!r}, but it was fetched for {p.resource}; RFC 9728 §3.3 "
                    "says a client MUST NOT use such metadata",
                    p.doc.evidence,
                    fix=f"Set resource to {p.resource}.",
                )
            )
        elif match == "slash":
            findings.append(
                concern(
                    "resource-trailing-slash",
                    f"{where} says resource {res!r} for {p.resource}: they differ by a trailing slash, and "
                    "clients comparing strictly reject it",
                    p.doc.evidence,
                    fix=f"Use exactly {p.resource}.",
                )
            )
        elif match == "prefix":
            findings.append(
                info(
                    "resource-prefix",
                    f"{where} says resource {res!r} for the call to {p.requested_url}: same origin and a "
                    "path prefix, which MCP SDKs and draft-mcguinness-oauth-rfc9728bis accept (RFC 9728 "
                    "§3.3 itself asks for the exact URL)",
                    p.doc.evidence,
                )
            )
        else:
            findings.append(good("resource-matches", f"{where}: resource {res} as expected", p.doc.evidence))
        servers = data.get("authorization_servers")
        if not isinstance(servers, list) or not servers:
            findings.append(
                problem(
                    "no-authorization-servers",
                    f"{where} lists no authorization_servers; an agent has no issuer to ask for a token",
                    p.doc.evidence,
                    fix="List the issuer URL(s) in authorization_servers.",
                )
            )
        else:
            for s in servers:
                if not isinstance(s, str) or not s.startswith(("http://", "https://")):
                    findings.append(
                        problem(
                            "bad-authorization-server",
                            f"{where} lists {s!r}, not an issuer URL",
                            p.doc.evidence,
                            fix="List issuer URLs.",
                        )
                    )
                elif s.startswith("http://") and is_loopback_url(s):
                    findings.append(
                        info(
                            "loopback-http",
                            f"{where} lists {s} over http (acceptable on loopback only)",
                            p.doc.evidence,
                        )
                    )
                elif s.startswith("http://"):
                    findings.append(
                        concern(
                            "issuer-not-https",
                            f"{where} lists {s}: issuer identifiers use https (RFC 8414 §2)",
                            p.doc.evidence,
                            fix="Use https issuer URLs.",
                        )
                    )
        bearer = data.get("bearer_methods_supported")
        if isinstance(bearer, list) and bearer and "header" not in bearer:
            findings.append(
                concern(
                    "no-header-bearer",
                    f"{where}: bearer_methods_supported {bearer} lacks header",
                    p.doc.evidence,
                    fix="Accept tokens in the Authorization header.",
                )
            )
    if linked and all(p.data is None for p in linked) and found:
        findings.append(
            info(
                "fallback-found",
                f"found at {found[0].doc.url} via {found[0].via} instead",
                found[0].doc.evidence,
            )
        )
    return verdict(
        findings,
        pass_summary="protected-resource metadata is valid and names its authorization servers",
        warn_summary="protected-resource metadata found, with concerns",
        fail_summary="the protected-resource metadata cannot be used",
        details={"documents": [p.doc.url for p in found]},
    )


# --- tokens.server-metadata ---------------------------------------------------------------------------------


def server_findings(server: AuthServer) -> list[Finding]:
    meta = server.metadata
    out: list[Finding] = []
    if server.blocked is not None:
        d = server.blocked
        return [
            problem(
                "metadata-address-blocked",
                f"the authorization server {server.issuer} (listed by "
                f"{', '.join(server.listed_by) or 'the target'}) points at a refused address: "
                f"{d.response.error if d.response else d.problem}; a scanner or agent must not fetch cloud "
                "metadata or private addresses named by a remote document",
                d.evidence,
                fix="List only public https issuer URLs in authorization_servers.",
            )
        ]
    if meta is None:
        if server.tried and all(d.state == DocState.UNREACHABLE for d in server.tried):
            return [finding_error(server)]
        tried = "; ".join(d.describe() for d in server.tried)
        return [
            problem(
                "as-metadata-absent",
                f"no metadata for issuer {server.issuer}: {tried}",
                [d.evidence for d in server.tried],
                fix="Serve RFC 8414 metadata at /.well-known/oauth-authorization-server (path-inserted for "
                "an issuer with a path).",
            )
        ]
    ev = server.doc.evidence if server.doc else ()
    where = server.doc.url if server.doc else server.issuer
    if len(server.tried) > 1:
        out.append(
            info(
                "found-after-fallback",
                f"found at {where} after {len(server.tried) - 1} other location(s)",
                ev,
            )
        )
    issuer = meta.get("issuer")
    if issuer == server.issuer:
        out.append(good("issuer-matches", f"issuer {issuer} matches", ev))
    elif isinstance(issuer, str) and issuer.rstrip("/") == server.issuer.rstrip("/"):
        out.append(
            concern(
                "issuer-trailing-slash",
                f"{where} says issuer {issuer!r} for {server.issuer!r}: a trailing slash apart, and RFC "
                "8414 §3.3 comparison is exact",
                ev,
                fix="Use the same issuer string in authorization_servers and in the metadata.",
            )
        )
    else:
        out.append(
            problem(
                "issuer-mismatch",
                f"{where} was fetched for issuer {server.issuer} but says issuer {issuer!r}; RFC 8414 §3.3 "
                "says such metadata MUST NOT be used",
                ev,
                fix=f"Set issuer to exactly {server.issuer} (or list {issuer} in the PRM).",
            )
        )
    grants, defaulted = grants_of(meta)
    if defaulted:
        out.append(
            info(
                "grant-types-default",
                "grant_types_supported is omitted, so RFC 8414 §2's default applies: authorization_code "
                "and implicit"
                + (" (and the device flow, advertised by its endpoint)" if DEVICE_CODE in grants else ""),
                ev,
            )
        )
    token_endpoint = meta.get("token_endpoint")
    only_implicit = set(grants) <= {"implicit"}
    if not isinstance(token_endpoint, str) and not only_implicit:
        out.append(
            problem(
                "no-token-endpoint",
                f"{where} has no token_endpoint (REQUIRED unless only the implicit grant is supported)",
                ev,
                fix="Add token_endpoint.",
            )
        )
    needs_authz = bool({"authorization_code", "implicit"} & set(grants))
    if not isinstance(meta.get("authorization_endpoint"), str):
        if needs_authz and not defaulted:
            out.append(
                problem(
                    "no-authorization-endpoint",
                    f"{where} supports "
                    f"{', '.join(sorted({'authorization_code', 'implicit'} & set(grants)))} but has no "
                    "authorization_endpoint",
                    ev,
                    fix="Add authorization_endpoint.",
                )
            )
        else:
            out.append(
                info(
                    "no-authorization-endpoint-needed",
                    f"no authorization_endpoint, and none of the grants ({', '.join(grants) or 'none'}) "
                    "needs one: valid for a headless authorization server",
                    ev,
                )
            )
    else:
        methods = meta.get("code_challenge_methods_supported")
        if not isinstance(methods, list) or "S256" not in methods:
            shown = methods if isinstance(methods, list) else "absent"
            out.append(
                problem(
                    "no-s256",
                    f"{where} offers an authorization endpoint but code_challenge_methods_supported is "
                    f"{shown}: MCP clients MUST refuse to proceed without S256 (PKCE, RFC 7636)",
                    ev,
                    fix='Add "code_challenge_methods_supported": ["S256"] (and support it).',
                )
            )
        elif "plain" in methods:
            out.append(info("pkce-plain", "PKCE plain is offered besides S256", ev))
        if not isinstance(meta.get("response_types_supported"), list):
            out.append(
                concern(
                    "no-response-types",
                    f"{where} lacks response_types_supported (REQUIRED, RFC 8414 §2)",
                    ev,
                    fix='Add "response_types_supported": ["code"].',
                )
            )
    loopback, bad = endpoint_scheme_problems(meta)
    for key, value in bad:
        out.append(
            problem(
                "endpoint-not-https",
                f"{key} {value} is not https",
                ev,
                fix="Serve every endpoint over https.",
            )
        )
    if loopback:
        out.append(
            info(
                "loopback-http",
                f"{len(loopback)} endpoint(s) use http on a loopback host (acceptable for local "
                "development only)",
                ev,
            )
        )
    return out


def finding_error(server: AuthServer) -> Finding:
    return broken(
        "as-metadata-unreachable",
        f"the metadata of {server.issuer} could not be fetched: "
        + "; ".join(d.describe() for d in server.tried),
        [d.evidence for d in server.tried],
    )


@check(
    id="tokens.server-metadata",
    title="Authorization-server metadata is consistent and complete",
    failure_title="Authorization-server metadata is missing, inconsistent or unsafe",
    category="tokens",
    weight=3,
    remediation="For each issuer in `authorization_servers`, serve RFC 8414 metadata at "
    "`/.well-known/oauth-authorization-server` (inserted before the issuer's path) whose "
    "`issuer` is exactly that issuer, with `token_endpoint`, https endpoints and, when there "
    'is an authorization endpoint, `code_challenge_methods_supported: ["S256"]`. A server '
    "with no authorization_endpoint is fine when its grants need none.",
    spec_links=(
        RFC8414,
        "https://www.rfc-editor.org/rfc/rfc8414#section-3.3",
        MCP_AUTH,
        "https://openid.net/specs/openid-connect-discovery-1_0.html",
    ),
    requires=("oauth_discovery",),
    description="Tries, per issuer, RFC 8414 path insertion, OIDC path insertion and OIDC path appending "
    "(issuer without a path: RFC 8414 then OIDC). Discovered URLs that resolve to "
    "cloud-metadata or private addresses are refused by the address policy and reported here.",
)
def server_metadata(a: Artifacts) -> Outcome:
    disc: OAuthDiscovery = a["oauth_discovery"]
    if not disc.auth_servers:
        return failed(
            "no authorization server to judge",
            problem(
                "no-issuer",
                "no protected-resource metadata lists an authorization server and the origin publishes no "
                "metadata",
                fix="Publish RFC 9728 and RFC 8414 metadata.",
            ),
        )
    findings: list[Finding] = []
    for server in disc.auth_servers:
        findings.extend(server_findings(server))
    if all(f.level == Level.ERROR for f in findings):
        return errored("authorization-server metadata could not be fetched", *findings)
    # Nothing found at all reads differently from metadata that was found but is inconsistent or refused.
    none_found = all(s.metadata is None and s.blocked is None for s in disc.auth_servers)
    return verdict(
        findings,
        pass_summary="authorization-server metadata is consistent",
        warn_summary="authorization-server metadata found, with concerns",
        fail_summary="no authorization-server metadata found"
        if none_found
        else "authorization-server metadata cannot be trusted or used",
        details={
            "issuers": [s.issuer for s in disc.auth_servers],
            "found": [s.doc.url for s in disc.auth_servers if s.doc],
        },
    )


# --- tokens.headless-grant ----------------------------------------------------------------------------------


def headless_routes(disc: OAuthDiscovery, routes: SignupRoutes | None) -> tuple[list[Finding], bool, bool]:
    """(findings, a headless route exists, only browser grants exist)."""
    findings: list[Finding] = []
    headless = False
    browser_only = False
    for server in disc.auth_servers:
        meta = server.metadata
        if meta is None:
            continue
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
        for grant, name in (
            (JWT_BEARER, "jwt-bearer (RFC 7523)"),
            (TOKEN_EXCHANGE, "token exchange (RFC 8693)"),
        ):
            if grant in grants:
                findings.append(good(grant.rsplit(":", 1)[-1], f"{server.issuer}: {name}", ev))
                found_here = True
        if isinstance(meta.get("agent_auth"), dict):
            findings.append(
                good("auth-md", f"{server.issuer}: an auth.md agent_auth block (agent sign-up)", ev)
            )
            found_here = True
        if not found_here and grants:
            browser_only = True
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
        headless = headless or found_here
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
DEVICE_REQUIRED = ("device_code", "user_code", "verification_uri", "expires_in")
DEVICE_PENDING = ("authorization_pending", "slow_down")
# How a defect of the device flow reads: problem when it is the only headless route, concern otherwise.
Flag = Callable[..., Finding]


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _device_uri_findings(dev: DeviceFlow, data: dict[str, object], flag: Flag) -> list[Finding]:
    """verification_uri (REQUIRED) and verification_uri_complete (OPTIONAL): https URLs a person opens."""
    out: list[Finding] = []
    resp = dev.response
    for key, required in (("verification_uri", True), ("verification_uri_complete", False)):
        value = data.get(key)
        if value is None and not required:
            continue
        if not isinstance(value, str) or not value.startswith(("http://", "https://")):
            if value not in (None, ""):
                shown = repr(value) if key == "verification_uri" else "(its value carries the user code)"
                out.append(
                    flag(
                        f"device-bad-{key.replace('_', '-')}",
                        f"{key} {shown} is not an absolute URL a person can open (RFC 8628 §3.2)",
                        resp,
                        fix=f"Return {key} as an absolute https URL.",
                    )
                )
            continue
        # verification_uri_complete embeds the user code: name only its origin.
        shown = value if key == "verification_uri" else f"on {origin_of(value)}"
        if value.startswith("https://"):
            continue
        if is_loopback_url(value):
            if key == "verification_uri":  # acceptable for local development; noted once
                note = f"verification_uri {value} is http on a loopback host"
                out.append(info("device-uri-loopback-http", note, resp))
        else:
            out.append(
                flag(
                    "device-uri-not-https",
                    f"{key} {shown} is plain http: a person would type the user code into an unprotected "
                    "page",
                    resp,
                    fix=f"Serve {key} over https.",
                )
            )
    if isinstance(data.get("verification_uri_complete"), str):
        out.append(
            info(
                "device-uri-complete",
                "verification_uri_complete lets a person approve without typing the code (e.g. from a QR "
                "code)",
                resp,
            )
        )
    return out


def _device_response_findings(dev: DeviceFlow, flag: Flag) -> list[Finding]:
    """RFC 8628 §3.2: the device authorization response an agent shows a person."""
    resp = dev.response
    assert resp is not None
    where = f"POST {dev.endpoint}"
    if not resp.ok:
        error = (json_error(resp) or {}).get("error")
        if isinstance(error, str):
            desc = (json_error(resp) or {}).get("error_description")
            return [
                flag(
                    "device-authorization-refused",
                    f"{where} with a client registered for the device grant answered {resp.status} "
                    f"error={error}" + (f" ({desc})" if isinstance(desc, str) else ""),
                    resp,
                    fix="Accept device authorization requests from dynamically registered public clients.",
                )
            ]
        return [
            flag(
                "device-authorization-failed",
                f"{where} answered {resp.describe()}"
                + (" (an HTML page)" if resp.looks_like_html else "")
                + " instead of the RFC 8628 §3.2 JSON response",
                resp,
                fix="Answer 200 with device_code, user_code, verification_uri, expires_in and interval.",
            )
        ]
    data = dev.data
    if data is None:
        return [
            flag(
                "device-response-not-json",
                f"{where} answered {resp.describe()}, not a JSON object (RFC 8628 §3.2)",
                resp,
                fix="Answer with an application/json object.",
            )
        ]
    out: list[Finding] = []
    for key in DEVICE_REQUIRED:
        value = data.get(key)
        if value is None or value == "":
            hint = (
                " (it sends verification_url, a pre-RFC name some clients do not read)"
                if key == "verification_uri" and "verification_url" in data
                else ""
            )
            out.append(
                flag(
                    f"device-missing-{key.replace('_', '-')}",
                    f"the device authorization response from {where} has no {key} (REQUIRED, RFC 8628 §3.2)"
                    + hint,
                    resp,
                    fix=f"Include {key} in the device authorization response.",
                )
            )
    if "expires_in" in data and not _positive_int(data["expires_in"]):
        out.append(
            flag(
                "device-bad-expires-in",
                f"expires_in {data['expires_in']!r} is not a positive number of seconds",
                resp,
                fix="Return expires_in as a JSON integer of seconds.",
            )
        )
    out.extend(_device_uri_findings(dev, data, flag))
    interval = data.get("interval")
    if interval is None:
        out.append(
            info("device-interval-default", "no interval: clients poll every 5 seconds (RFC 8628 §3.2)", resp)
        )
    elif not _positive_int(interval):
        out.append(
            concern(
                "device-bad-interval",
                f"interval {interval!r} is not a positive number of seconds; clients fall back to 5",
                resp,
                fix="Return interval as a JSON integer of seconds, or omit it.",
            )
        )
    return out


def _device_poll_findings(dev: DeviceFlow, flag: Flag) -> list[Finding]:
    """RFC 8628 §3.5: polling an unapproved code must answer authorization_pending (or slow_down)."""
    resp = dev.poll_response
    if resp is None:
        return [info("device-poll-skipped", f"the token endpoint was not polled: {dev.poll_skipped}")]
    where = f"POST {dev.token_endpoint} with the device code"
    if resp.failed:
        return [broken("device-poll-unreachable", f"{where} got no answer: {resp.describe()}", resp)]
    data = json_error(resp)
    if resp.ok and isinstance((data or {}).get("access_token"), str):
        return [
            concern(
                "device-approved-without-human",
                f"{where} answered {resp.status} with an access token although nobody approved the user "
                "code: the device grant stands in for a person's consent, and here anyone who starts it gets "
                "a token",
                resp,
                fix="Answer authorization_pending until a person approves the user code (RFC 8628 §3.5).",
            )
        ]
    if resp.looks_like_html:
        return [
            flag(
                "device-poll-html",
                f"{where} answered {resp.describe()}, an HTML page instead of the RFC 6749 §5.2 JSON error",
                resp,
                fix='Answer 400 {"error": "authorization_pending"} until the user approves.',
            )
        ]
    error = (data or {}).get("error")
    if not isinstance(error, str):
        return [
            flag(
                "device-poll-not-json",
                f"{where} answered {resp.describe()} without a JSON error member; an agent cannot tell "
                "whether to keep polling",
                resp,
                fix='Answer 400 {"error": "authorization_pending"} until the user approves.',
            )
        ]
    if error not in DEVICE_PENDING:
        return [
            flag(
                "device-poll-wrong-error",
                f"{where} answered {resp.status} error={error} for a fresh, unapproved code; RFC 8628 §3.5 "
                "says authorization_pending (or slow_down), so an agent gives up instead of waiting",
                resp,
                fix="Answer authorization_pending while the user code awaits approval.",
            )
        ]
    out = [good("device-pending", f"{where} answered {resp.status} error={error}", resp)]
    if resp.status != 400:
        out.append(
            concern(
                "device-pending-status",
                f"the {error} error came with status {resp.status}; RFC 6749 §5.2 errors use 400",
                resp,
                fix="Answer the pending error with 400.",
            )
        )
    return out


def device_flow_findings(dev: DeviceFlow, alone: bool) -> tuple[list[Finding], str]:
    """Findings on the ACTIVE device flow and its state: "not-tried", "works", "approved" (a token without
    a person), "broken" or "unreachable". A defect is a problem when the device flow is the only headless
    route (``alone``), a concern otherwise."""
    defects: list[Finding] = []

    def flag(*args: Any, **kwargs: Any) -> Finding:
        defects.append((problem if alone else concern)(*args, **kwargs))
        return defects[-1]

    if dev.response is None:
        if dev.endpoint is None:
            return [], "not-tried"
        evidence = dev.client.response if dev.client else None
        note = info("device-flow-not-tried", f"the device flow was not tried: {dev.skipped}", evidence)
        return [note], "not-tried"
    if dev.response.failed:
        return [
            broken(
                "device-endpoint-unreachable",
                f"POST {dev.endpoint} got no answer: {dev.response.describe()}",
                dev.response,
            )
        ], "unreachable"
    findings = _device_response_findings(dev, flag)
    if dev.response.ok:
        findings += _device_poll_findings(dev, flag)
    codes = {f.code for f in findings}
    if "device-approved-without-human" in codes:
        state = "approved"
    elif defects:
        state = "broken"
    elif "device-poll-unreachable" in codes:
        state = "unreachable"
    else:
        state = "works"
    if state == "works" and "device-pending" in codes:
        findings.insert(
            0,
            good(
                "device-flow-works",
                f"POST {dev.endpoint} started a device authorization (user_code, verification_uri) and the "
                "token endpoint answered that a person has not approved it yet: an agent can show the code "
                "to a person and poll",
                dev.response,
                dev.poll_response,
            ),
        )
    return findings, state


def _judge_with_device(findings: list[Finding], device: DeviceFlow) -> Outcome:
    """The verdict once the device flow was tried: it needs a person on another device, so a broken one
    fails the check only when no other headless route exists."""
    other_codes = HEADLESS_ROUTE_CODES - {"device-grant"}
    others = any(f.level == Level.PASS and f.code in other_codes for f in findings)
    device_findings, state = device_flow_findings(device, alone=not others)
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
    requires=("oauth_discovery", "signup_routes"),
    active_requires=("oauth_device",),
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
)
def headless_grant(a: Artifacts) -> Outcome:
    disc: OAuthDiscovery = a["oauth_discovery"]
    routes: SignupRoutes | None = a["signup_routes"]
    findings, headless, browser_only = headless_routes(disc, routes)
    device: DeviceFlow | None = a.get("oauth_device") if a.active else None
    if headless and device is not None:
        return _judge_with_device(findings, device)
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


# --- tokens.endpoint-errors ---------------------------------------------------------------------------------


@check(
    id="tokens.endpoint-errors",
    title="The token endpoint answers bad credentials with an RFC 6749 §5.2 JSON error",
    failure_title="The token endpoint's errors are not machine-readable",
    category="tokens",
    weight=2,
    remediation="Answer a token request with unknown client credentials with 401 (or 400) and a JSON body "
    '`{"error": "invalid_client", "error_description": "…"}` (RFC 6749 §5.2), '
    "`Cache-Control: no-store`, and `WWW-Authenticate` when the client authenticated with HTTP "
    "Basic. Never an HTML page or a 500.",
    spec_links=(RFC6749_52,),
    requires=("oauth_token_errors",),
    description="Sends grant_type=client_credentials with a made-up client id and secret (creates nothing).",
)
def endpoint_errors(a: Artifacts) -> Outcome:
    probe: TokenErrorProbe = a["oauth_token_errors"]
    if probe.response is None:
        return not_applicable(f"no token request was sent: {probe.skipped}")
    resp = probe.response
    where = f"POST {probe.token_endpoint}"
    if resp.failed:
        return errored(f"the token endpoint did not answer: {resp.error}")
    if resp.status in (404, 410):
        return failed(
            "the advertised token endpoint does not exist",
            problem(
                "token-endpoint-absent",
                f"{where} answered {resp.status}: the metadata advertises a token endpoint that is not "
                "there (stub metadata)",
                resp,
                fix="Serve the token endpoint the metadata advertises, or remove it.",
            ),
        )
    if resp.looks_like_html:
        return failed(
            "the token endpoint answers errors with HTML",
            problem(
                "token-error-html",
                f"{where} with fake credentials answered {resp.describe()}, an HTML page an agent cannot "
                "parse",
                resp,
                fix='Answer with JSON {"error": "invalid_client", ...} (RFC 6749 §5.2).',
            ),
        )
    if resp.status is not None and resp.status >= 500:
        return failed(
            "the token endpoint fails with a server error",
            problem(
                "token-error-5xx",
                f"{where} with fake credentials answered {resp.describe()}",
                resp,
                fix="Treat unknown clients as invalid_client (401), not a server error.",
            ),
        )
    if resp.ok:
        return failed(
            "the token endpoint accepted made-up credentials",
            problem(
                "token-fake-accepted",
                f"{where} answered {resp.status} to made-up client credentials",
                resp,
                fix="Reject unknown clients with invalid_client.",
            ),
        )
    data = json_error(resp)
    if data is None or not isinstance(data.get("error"), str):
        return failed(
            "the token endpoint's error is not RFC 6749 §5.2 JSON",
            problem(
                "token-error-not-json",
                f"{where} answered {resp.describe()} without a JSON error member",
                resp,
                fix='Answer with JSON {"error": "invalid_client", ...}.',
            ),
        )
    findings: list[Finding] = []
    code = data["error"]
    if code in OAUTH_ERRORS:
        findings.append(good("token-error-json", f"{where} answered {resp.status} error={code}", resp))
    else:
        findings.append(
            concern(
                "token-error-nonstandard",
                f"{where} answered error={code!r}, not an RFC 6749 §5.2 code",
                resp,
                fix="Use invalid_client for unknown client credentials.",
            )
        )
    if resp.status not in (400, 401):
        findings.append(
            concern(
                "token-error-status",
                f"{where} answered {resp.status}; RFC 6749 §5.2 uses 400, or 401 for invalid_client",
                resp,
                fix="Use 400 or 401.",
            )
        )
    if (
        code == "invalid_client"
        and probe.auth_method == "client_secret_basic"
        and resp.status == 401
        and not resp.header_values("www-authenticate")
    ):
        findings.append(
            info(
                "no-basic-challenge",
                "a 401 to HTTP Basic client authentication should carry WWW-Authenticate (RFC 6749 §5.2)",
                resp,
            )
        )
    if "application/json" not in resp.media_type:
        findings.append(
            info("token-error-media-type", f"served as {resp.media_type or 'no content type'}", resp)
        )
    return verdict(
        findings,
        pass_summary="the token endpoint answers with RFC 6749 §5.2 JSON errors",
        warn_summary="JSON errors, with concerns",
        fail_summary="token endpoint errors are unusable",
        details={"status": resp.status, "error": code},
    )


# --- tokens.issue (ACTIVE) ----------------------------------------------------------------------------------


@check(
    id="tokens.issue",
    title="From the URL alone an agent obtained a token and made an authenticated call",
    failure_title="An agent could not get from the URL to an authenticated call",
    category="tokens",
    weight=4,
    remediation="Make the chain complete: 401 challenge → protected-resource metadata → "
    "authorization-server metadata → registration (RFC 7591 / CIMD) or an API-key route → a "
    "headless grant → a call that succeeds with the token. See the journey in the report for "
    "the step where an agent stopped.",
    spec_links=(
        MCP_AUTH,
        "https://www.rfc-editor.org/rfc/rfc6749#section-4.4",
        "https://www.rfc-editor.org/rfc/rfc7591",
    ),
    requires=("oauth_discovery",),
    active_requires=("oauth_flow",),
    active=True,
    passive=False,
    description="ACTIVE: registers a client, obtains a token by client_credentials (else the auth.md "
    "credential, else a documented API key), calls the protected endpoint once, then revokes "
    "the token and deletes the client. The token is sent only to the resource whose metadata "
    "names its issuer.",
    side_effects="registers an OAuth client (deleted again via RFC 7592 where offered) and obtains one "
    "access token (revoked via RFC 7009 where offered)",
)
def issue(a: Artifacts) -> Outcome:
    flow: OAuthFlow | None = a.get("oauth_flow")
    if not a.active or flow is None:
        return skipped("ACTIVE check; rerun with --active")
    tried = "; ".join(f"{r}: {o}" for r, o in flow.routes_tried)
    findings: list[Finding] = [info("route", f"{r}: {o}") for r, o in flow.routes_tried]
    if not flow.token_obtained:
        return failed(
            "no headless route produced a token",
            *findings,
            problem(
                "no-token",
                "no headless grant produced a credential" + (f" ({tried})" if tried else ""),
                flow.token_response,
                fix="Offer client_credentials with registration, jwt-bearer with auth.md, or a documented "
                "API-key route.",
            ),
        )
    if flow.call is None or flow.call_response is None:
        return failed(
            "a token was obtained but no protected endpoint could be called with it",
            *findings,
            problem(
                "no-call-target",
                flow.call_skipped or "no protected endpoint",
                flow.token_response,
                fix="Name the resource in protected-resource metadata that lists this issuer.",
            ),
        )
    resp = flow.call_response
    where = f"{flow.call.method} {flow.call.url}"
    if not resp.ok:
        return failed(
            "the protected endpoint rejected the token",
            *findings,
            problem(
                "call-rejected",
                f"{where} with the {flow.route} token answered {resp.describe()}",
                resp,
                fix="Accept the tokens your authorization server issues for this resource.",
            ),
        )
    findings.append(
        good("authenticated-call", f"{where} with a {flow.route} token answered {resp.status}", resp)
    )
    if flow.route != "client_credentials":
        findings.append(info("route-fallback", f"the token came from the {flow.route} route"))
    if flow.discovery_stuck:
        findings.append(
            concern(
                "chain-broken",
                "an agent that follows the specs strictly stops earlier (see the journey); the auditor "
                "went on to judge the rest",
                fix="Fix the failing discovery check first.",
            )
        )
    if flow.revoke_response is not None:
        findings.append(
            info(
                "revoked", f"the token was revoked ({flow.revoke_response.describe()})", flow.revoke_response
            )
        )
    return verdict(
        findings,
        pass_summary=f"token by {flow.route}, authenticated call succeeded",
        warn_summary="authenticated call succeeded, with concerns",
        fail_summary="authenticated call failed",
        details={"route": flow.route, "endpoint": flow.call.url},
    )


CHECKS = [challenge, resource_metadata, server_metadata, headless_grant, endpoint_errors, issue]
