"""signup.*: can an unknown agent become a known principal without a browser? [C5, C9, F3]"""

from __future__ import annotations

from agent_ready.artifacts.documents import DocState
from agent_ready.artifacts.oauth import (
    OAUTH_DISCOVERY,
    OAUTH_FLOW,
    AuthServer,
    OAuthDiscovery,
    OAuthFlow,
    grants_of,
)
from agent_ready.artifacts.signup import SIGNUP_ACCOUNT, SIGNUP_ROUTES, AccountCreation, SignupRoutes
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    collect,
    concern,
    errored,
    failed,
    good,
    info,
    not_applicable,
    passed,
    problem,
    verdict,
    warned,
)
from agent_ready.models import Finding, Outcome

CIMD = "https://datatracker.ietf.org/doc/draft-ietf-oauth-client-id-metadata-document/"
MCP_REGISTRATION = (
    "https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/client-registration"
)
DCR_DEPRECATED = (
    "the MCP authorization spec of 2026-07-28 deprecates Dynamic Client Registration in favour of Client "
    "ID Metadata Documents: with DCR every client registers anew at every server, leaving unbounded, "
    "unauthenticated registrations the server cannot tie to a real client identity, while a CIMD client_id "
    "is an https URL the client controls and the server can fetch"
)


# --- signup.client-registration -----------------------------------------------------------------------------

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"


def clientless_route(meta: dict[str, object]) -> str | None:
    """How an agent gets a token from this server without any client_id, or None when it needs one.

    An auth.md anonymous identity route makes client registration unnecessary: the v0 ``register_uri``
    returns the credential itself; the v1 ``identity_endpoint`` returns an assertion the agent exchanges
    with the jwt-bearer (RFC 7523 §3.1: client authentication is optional) or token-exchange grant at a
    token endpoint that accepts unauthenticated clients (``token_endpoint_auth_methods_supported`` ∋
    ``none``; RFC 8414 §2 defaults to client_secret_basic, which needs a client).
    """
    block = meta.get("agent_auth")
    if not isinstance(block, dict):
        return None
    types = block.get("identity_types_supported")
    if isinstance(types, list) and types and "anonymous" not in types:
        return None
    if isinstance(block.get("register_uri"), str):
        return f"the auth.md anonymous registration at {block['register_uri']} returns a credential directly"
    identity = block.get("identity_endpoint") or block.get("registration_endpoint")
    if not isinstance(identity, str):
        return None
    grants, _ = grants_of(dict(meta))
    methods = meta.get("token_endpoint_auth_methods_supported")
    if set(grants) & {JWT_BEARER, TOKEN_EXCHANGE} and isinstance(methods, list) and "none" in methods:
        return (
            f"the auth.md anonymous identity at {identity} gives an assertion the agent exchanges "
            "(jwt-bearer) at a token endpoint that accepts clients without authentication"
        )
    return None


def _no_metadata(disc: OAuthDiscovery) -> Outcome:
    if disc.auth_servers and all(d.state == DocState.UNREACHABLE for s in disc.auth_servers for d in s.tried):
        return errored("the authorization-server metadata could not be fetched")
    return failed(
        "no authorization-server metadata advertises a registration method",
        problem(
            "no-registration-metadata",
            "no authorization-server metadata was found, so an agent cannot learn how to get a client_id",
            fix="Publish RFC 8414 metadata with client_id_metadata_document_supported and/or "
            "registration_endpoint.",
        ),
    )


def _server_findings(server: AuthServer) -> list[Finding]:
    """What one authorization server offers: no client needed, CIMD, RFC 7591 registration."""
    meta = server.metadata or {}
    ev = server.doc.evidence if server.doc else ()
    findings: list[Finding] = []
    route = clientless_route(meta)
    if route:
        findings.append(good("no-client-needed", f"{server.issuer}: {route}; no client_id is needed", ev))
    if meta.get("client_id_metadata_document_supported") is True:
        findings.append(
            good(
                "cimd",
                f"{server.issuer} accepts Client ID Metadata Documents: an agent's client_id is an "
                "https URL of its own metadata, no registration call needed",
                ev,
            )
        )
    if isinstance(meta.get("registration_endpoint"), str):
        findings.append(
            info(
                "dcr-advertised",
                f"{server.issuer} offers RFC 7591 registration at {meta['registration_endpoint']}",
                ev,
            )
        )
    elif meta.get("client_id_metadata_document_supported") is not True and not route:
        grants, _ = grants_of(meta)
        if not (set(grants) & {"client_credentials", "authorization_code", "implicit"}):
            findings.append(
                info(
                    "no-client-needed",
                    f"{server.issuer} offers only {', '.join(grants)}, which may not need a registered "
                    "client",
                    ev,
                )
            )
    return findings


@check(
    id="signup.client-registration",
    title="An unknown agent can get a client_id without a human",
    failure_title="Getting a client_id needs a human",
    category="signup",
    weight=3,
    remediation="Advertise `client_id_metadata_document_supported: true` (Client ID Metadata Documents, "
    "preferred by MCP since 2025-11-25) and/or a working RFC 7591 `registration_endpoint` (201 "
    "with client_id; RFC 7592 management with registration_access_token so clients can delete "
    "themselves).",
    spec_links=(
        CIMD,
        "https://www.rfc-editor.org/rfc/rfc7591",
        "https://www.rfc-editor.org/rfc/rfc7592",
        MCP_REGISTRATION,
    ),
    requires=(OAUTH_DISCOVERY,),
    active_requires=(OAUTH_FLOW,),
    active=True,
    passive=True,
    description="Passive: reads client_id_metadata_document_supported and registration_endpoint. ACTIVE: "
    "registers with the MCP-style payload "
    '{"client_name":"agent-readiness-audit","redirect_uris":["http://127.0.0.1:8976/cb"],'
    '"grant_types":["authorization_code"],"token_endpoint_auth_method":"none",'
    '"application_type":"native"} '
    "and deletes the client again via RFC 7592 when offered.",
    side_effects="registers an OAuth client named agent-readiness-audit, deleted again via RFC 7592 where "
    "offered",
    clauses=(
        clause(
            "draft-ietf-oauth-client-id-metadata-document",
            "SHOULD",
            "CIMD: client_id_metadata_document_supported",
            "advertised passes",
        ),
        clause(
            "RFC 7591 §3",
            "MAY",
            "dynamic client registration at registration_endpoint",
            "ACTIVE: 201 with client_id passes; MCP 2026-07-28 deprecates DCR, so DCR alone warns",
        ),
        clause(
            "RFC 7523 §3.1",
            "MAY",
            "a JWT authorization grant may be used without client authentication",
            "an auth.md anonymous identity route with a token endpoint accepting `none` needs no "
            "client_id: passes (the spec allows what the catalogue does not list)",
        ),
    ),
)
def client_registration(a: Artifacts) -> Outcome:
    disc: OAuthDiscovery = a[OAUTH_DISCOVERY]
    flow: OAuthFlow | None = a.get(OAUTH_FLOW) if a.active else None
    servers = [s for s in disc.auth_servers if s.metadata is not None]
    if not servers:
        return _no_metadata(disc)
    findings = [f for server in servers for f in _server_findings(server)]
    metas = [server.metadata or {} for server in servers]
    cimd = any(m.get("client_id_metadata_document_supported") is True for m in metas)
    dcr = any(isinstance(m.get("registration_endpoint"), str) for m in metas)
    clientless = [route for m in metas if (route := clientless_route(m))]
    if dcr and not cimd:
        findings.append(
            concern(
                "dcr-deprecated",
                f"only Dynamic Client Registration is offered; {DCR_DEPRECATED}",
                fix='Also accept Client ID Metadata Documents ("client_id_metadata_document_supported": '
                "true).",
            )
        )
    if flow is not None:
        findings.extend(_active_findings(flow))
    elif dcr:
        findings.append(
            info("active-skipped", "registration was not attempted (ACTIVE; rerun with --active)")
        )
    if not cimd and not dcr and clientless:
        # Judge what the agent needs: a token, not a client_id. A registration method it does not need
        # is no gap.
        return passed(
            "an agent needs no client_id: " + clientless[0],
            *findings,
            details={"cimd": cimd, "dcr": dcr, "clientless": clientless},
        )
    if not cimd and not dcr:
        return failed(
            "no self-service client registration",
            *findings,
            problem(
                "no-registration",
                "neither Client ID Metadata Documents nor an RFC 7591 registration_endpoint is advertised: "
                "a client_id must be obtained from a human",
                fix='Support CIMD ("client_id_metadata_document_supported": true) or RFC 7591.',
            ),
        )
    return verdict(
        findings,
        pass_summary="an agent can get a client_id on its own" + (" (CIMD)" if cimd else ""),
        warn_summary="an agent can get a client_id, with concerns",
        fail_summary="client registration does not work",
        details={"cimd": cimd, "dcr": dcr},
    )


def _active_findings(flow: OAuthFlow) -> list[Finding]:
    if flow.dcr is None:
        return [info("dcr-not-attempted", flow.dcr_skipped or "registration not attempted")]
    resp = flow.dcr.response
    if resp.failed:
        return [
            concern(
                "dcr-unreachable",
                f"POST {flow.registration_endpoint} did not answer: {resp.error}",
                resp,
                fix="Make the registration endpoint reachable.",
            )
        ]
    if not flow.dcr.client_id:
        data = resp.json if isinstance(resp.json, dict) else None
        if (
            resp.status == 400
            and data
            and data.get("error") in ("invalid_redirect_uri", "invalid_client_metadata")
        ):
            return [
                concern(
                    "dcr-rejected",
                    f"the registration endpoint rejected the MCP-style payload with {data.get('error')}: "
                    f"{str(data.get('error_description', ''))[:160]}",
                    resp,
                    fix="Accept loopback redirect URIs and public (none) clients, as MCP clients need.",
                )
            ]
        return [
            problem(
                "dcr-failed",
                f"POST {flow.registration_endpoint} answered {resp.describe()} instead of 201 with a "
                "client_id (RFC 7591 §3.2)",
                resp,
                fix="Return 201 with client_id for valid metadata, or 400 with an RFC 7591 §3.2.2 error.",
            )
        ]
    out = [good("dcr-registered", f"registered client_id {flow.dcr.client_id} ({resp.status})", resp)]
    if resp.status != 201:
        out.append(info("dcr-status", f"RFC 7591 §3.2.1 says 201 Created; got {resp.status}", resp))
    deleted = flow.dcr.delete_response
    if deleted is not None and deleted.status == 204:
        out.append(good("dcr-deleted", "deleted again via RFC 7592 (204)", deleted))
    elif deleted is not None:
        out.append(
            concern(
                "dcr-delete-failed",
                f"RFC 7592 delete answered {deleted.describe()}",
                deleted,
                fix="Answer DELETE on registration_client_uri with 204.",
            )
        )
    else:
        out.append(info("dcr-not-deletable", f"not deleted: {flow.dcr.delete_skipped}"))
    return out


# --- signup.account-api -------------------------------------------------------------------------------------


def _route_findings(routes: SignupRoutes) -> list[Finding]:
    """The documented routes creating an account or key with no prior credential, and those needing one."""
    findings = [
        good(
            "signup-route",
            f"{route.method} {route.url} ({route.kind}: {route.label}) needs no prior credential",
            route.evidence,
        )
        for route in routes.open_routes
    ]
    findings += [
        info(
            "key-route-needs-account",
            f"{route.method} {route.url} creates keys but needs a credential already",
            route.evidence,
        )
        for route in routes.routes
        if route.requires_auth
    ]
    return findings


def _account_findings(account: AccountCreation) -> list[Finding]:
    """With --active: the route returned a credential that works at once, and was deleted again."""
    findings = [
        good(
            "signup-credential",
            f"{account.route.method if account.route else 'POST'} "
            f"{account.route.url if account.route else ''} returned a credential"
            + (f" expiring {account.expires}" if account.expires else ""),
            account.response,
        )
    ]
    use = account.use_response
    if use is not None and use.ok:
        findings.append(good("signup-credential-works", f"the credential works ({use.status})", use))
    elif use is not None:
        findings.append(
            concern(
                "signup-credential-rejected",
                f"the new credential was rejected: {use.describe()}",
                use,
                fix="Make new credentials usable at once.",
            )
        )
    if account.delete_response is not None:
        findings.append(
            info(
                "signup-deleted",
                f"deleted again ({account.delete_response.describe()})",
                account.delete_response,
            )
        )
    return findings


@check(
    id="signup.account-api",
    title="A documented API creates an account or API key without a browser",
    failure_title="No programmatic way to create an account or API key",
    category="signup",
    weight=3,
    remediation="Document a route that creates a principal and returns a credential with no browser: an "
    "auth.md identity/register endpoint in `agent_auth`, or an OpenAPI operation such as `POST "
    "/api/v1/keys` that needs no prior credentials.",
    spec_links=("https://github.com/workos/auth.md", "https://spec.openapis.org/oas/v3.1.0"),
    requires=(SIGNUP_ROUTES,),
    active_requires=(SIGNUP_ACCOUNT,),
    active=True,
    passive=True,
    description="Passive: looks for auth.md registration endpoints and OpenAPI POST operations that create "
    "accounts, keys or identities without a security requirement. ACTIVE: calls the route "
    "once, uses the key on its own origin, and deletes it when the response offers a way.",
    side_effects="creates one API key / principal (deleted again when the service offers a delete URL)",
    clauses=(
        clause(
            "standards C9",
            "catalogue",
            "a documented programmatic account or API-key route",
            "an open route passes; ACTIVE: calling it must return a credential",
        ),
    ),
)
def account_api(a: Artifacts) -> Outcome:
    routes: SignupRoutes = a[SIGNUP_ROUTES]
    account: AccountCreation | None = a.get(SIGNUP_ACCOUNT) if a.active else None
    findings = _route_findings(routes)
    if not routes.open_routes:
        return failed(
            "no documented sign-up route",
            *findings,
            problem(
                "no-account-api",
                "no auth.md registration endpoint and no OpenAPI operation that creates an account or API "
                "key without credentials"
                + ("" if routes.openapi_url else " (no OpenAPI description was found)"),
                fix="Document a POST route that returns a credential (see auth.md).",
            ),
        )
    if account is None:
        findings.append(info("active-skipped", "the route was not called (ACTIVE; rerun with --active)"))
        return passed("a documented sign-up route exists", *findings)
    if account.credential is None:
        findings.append(
            problem(
                "signup-call-failed",
                account.failure or "no credential",
                account.response,
                fix="Return the credential in the JSON response of the sign-up route.",
            )
        )
        return failed("calling the sign-up route gave no credential", *findings)
    return verdict(
        [*findings, *_account_findings(account)],
        pass_summary="the sign-up route returned a working credential",
        warn_summary="sign-up returned a credential, with concerns",
        fail_summary="sign-up failed",
    )


# --- signup.gate --------------------------------------------------------------------------------------------

AGENT_SOLVABLE = {
    "proof-of-work": "proof-of-work",
    "rate-limit": "stated rate limits",
    "terms-field": "terms accepted by a field",
}
HUMAN_ONLY = {"captcha": "a CAPTCHA", "email-verification": "e-mail verification"}


@check(
    id="signup.gate",
    title="Sign-up abuse gates are ones an agent can pass",
    failure_title="Sign-up is gated by a CAPTCHA or e-mail verification only",
    category="signup",
    weight=2,
    remediation="Protect sign-up with gates an agent can satisfy: a proof-of-work challenge, stated rate "
    "limits (documented and in RateLimit headers), terms accepted by a request field. Keep "
    "CAPTCHA and e-mail verification for the later human claim step, not as the only way in.",
    spec_links=(
        "https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/",
        "https://github.com/workos/auth.md",
    ),
    requires=(SIGNUP_ROUTES,),
    description="Reads the sign-up routes' OpenAPI descriptions and schemas, and auth.md, for CAPTCHA, "
    "e-mail verification, proof-of-work, rate-limit and terms-field signals.",
    clauses=(
        clause(
            "standards F3",
            "catalogue",
            "abuse gates are agent-solvable",
            "CAPTCHA or e-mail verification as the only gate fails",
        ),
    ),
)
def gate(a: Artifacts) -> Outcome:
    routes: SignupRoutes = a[SIGNUP_ROUTES]
    open_routes = routes.open_routes
    if not open_routes:
        return not_applicable(
            "no sign-up route was found (no auth.md registration endpoint, no OpenAPI operation creating "
            "accounts or keys without credentials), so there is no gate to judge; signup.account-api "
            "reports the missing route"
        )
    findings: list[Finding] = []
    solvable_any = human_any = False
    for route in open_routes:
        solvable = [AGENT_SOLVABLE[g] for g in route.gates if g in AGENT_SOLVABLE]
        human = [HUMAN_ONLY[g] for g in route.gates if g in HUMAN_ONLY]
        where = f"{route.method} {route.url}"
        if solvable:
            solvable_any = True
            findings.append(good("agent-solvable-gate", f"{where}: {', '.join(solvable)}", route.evidence))
        if human:
            human_any = True
            level = concern if solvable else problem
            findings.append(
                level(
                    "human-gate",
                    f"{where}: {', '.join(human)}"
                    + (
                        " alongside agent-solvable gates"
                        if solvable
                        else " is the only gate: an agent cannot pass it"
                    ),
                    route.evidence,
                    fix="Offer proof-of-work, stated rate limits or a terms field instead, and keep human "
                    "verification for the claim step.",
                )
            )
        if not solvable and not human:
            findings.append(
                concern(
                    "no-stated-gate",
                    f"{where} states no gate (no rate limit, proof-of-work or terms field): an agent "
                    "cannot tell what limits apply",
                    route.evidence,
                    fix="Document the rate limit and send RateLimit headers.",
                )
            )
    if human_any and not solvable_any:
        return failed("only human gates (CAPTCHA / e-mail verification) protect sign-up", *findings)
    if solvable_any and not human_any and all(f.level != "warn" for f in findings):
        return passed("sign-up gates are agent-solvable", *findings)
    return warned("sign-up gates, with concerns", *findings) if findings else passed("no gate")


CHECKS = collect(__name__)
