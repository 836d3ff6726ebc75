"""tokens.* checks on literal artifacts: one table per check, real-world document shapes included.

Real documents come from tests/fixtures/realworld/oauth.py (provenance there: clout2buy/Ares live-audit
fixtures
probed 2026-10-01, RFC examples, Microsoft identity platform discovery, Cerner SMART docs).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from agent_ready.artifacts.documents import Doc, DocState
from agent_ready.artifacts.http import ErrorKind
from agent_ready.artifacts.oauth import (
    AuthServer,
    DeviceFlow,
    OAuthDiscovery,
    OAuthFlow,
    ProtectedCall,
    ResourceMetadata,
    TokenErrorProbe,
    grants_of,
    looks_like_auth_error,
    resource_match,
)
from agent_ready.artifacts.signup import SignupRoute, SignupRoutes
from agent_ready.checks.tokens.challenge import challenge
from agent_ready.checks.tokens.endpoint_errors import endpoint_errors
from agent_ready.checks.tokens.headless_grant import headless_grant
from agent_ready.checks.tokens.issue import issue
from agent_ready.checks.tokens.resource_metadata import resource_metadata
from agent_ready.checks.tokens.server_metadata import server_metadata
from agent_ready.models import Status
from agent_ready.parsers.wwwauth import parse_challenges
from agent_ready.probes.oauth import as_metadata_urls, resource_for_metadata_url, well_known_prm_urls
from agent_ready.testing import fake_response, judge
from tests.fixtures.realworld import authmd as rw_authmd
from tests.fixtures.realworld import oauth as rw

API = "https://api.example.com"


def call(
    status: int | None = 401,
    www: str | None = None,
    url: str = f"{API}/v1/things",
    source: str = "openapi",
    body: Any = None,
    method: str = "GET",
) -> ProtectedCall:
    headers = {"www-authenticate": www} if www else {}
    resp = fake_response(
        status,
        json=body if body is not None else {"error": "unauthorized"},
        headers=headers,
        url=url,
        method=method,
    )
    return ProtectedCall(
        url=url, source=source, response=resp, challenges=parse_challenges(www or ""), method=method
    )


def doc(
    url: str,
    data: Any = None,
    state: DocState = DocState.FOUND,
    status: int | None = 200,
    error_kind: str | None = None,
) -> Doc:
    resp = fake_response(
        status,
        json=data if data is not None else {},
        url=url,
        error_kind=error_kind,
        error="refused" if error_kind else None,
    )
    return Doc(
        url=url,
        state=state,
        response=resp,
        data=data,
        problem=None if state == DocState.FOUND else state.value,
    )


def prm(
    data: Any,
    resource: str = f"{API}/v1",
    via: str = "resource_metadata",
    requested: str | None = f"{API}/v1/things",
    url: str | None = None,
) -> ResourceMetadata:
    url = url or f"{API}/.well-known/oauth-protected-resource/v1"
    return ResourceMetadata(resource=resource, doc=doc(url, data), via=via, requested_url=requested)


def server(meta: dict[str, Any] | None, issuer: str = API, **kw: Any) -> AuthServer:
    d = doc(f"{issuer}/.well-known/oauth-authorization-server", meta) if meta is not None else None
    return AuthServer(issuer=issuer, doc=d, tried=[d] if d else kw.pop("tried", []), **kw)


GOOD_AS = {
    "issuer": API,
    "authorization_endpoint": f"{API}/authorize",
    "token_endpoint": f"{API}/token",
    "registration_endpoint": f"{API}/register",
    "response_types_supported": ["code"],
    "grant_types_supported": ["authorization_code", "client_credentials"],
    "code_challenge_methods_supported": ["S256"],
}
GOOD_RM = f'Bearer resource_metadata="{API}/.well-known/oauth-protected-resource/v1"'


def codes(outcome: Any) -> set[str]:
    return {f.code for f in outcome.findings}


# --- helpers ------------------------------------------------------------------------------------------------


def test_well_known_orders_follow_the_mcp_spec() -> None:
    assert [u for u, _, _ in well_known_prm_urls("https://h.example/public/mcp")] == [
        "https://h.example/.well-known/oauth-protected-resource/public/mcp",
        "https://h.example/.well-known/oauth-protected-resource",
    ]
    assert [u for u, _ in as_metadata_urls("https://github.com/login/oauth")] == [
        "https://github.com/.well-known/oauth-authorization-server/login/oauth",
        "https://github.com/.well-known/openid-configuration/login/oauth",
        "https://github.com/login/oauth/.well-known/openid-configuration",
    ]
    # RFC 8414 §3.1: a terminating slash is removed, so Google's "https://accounts.google.com/" has no path.
    assert [u for u, _ in as_metadata_urls("https://accounts.google.com/")] == [
        "https://accounts.google.com/.well-known/oauth-authorization-server",
        "https://accounts.google.com/.well-known/openid-configuration",
    ]
    assert (
        resource_for_metadata_url("https://h/.well-known/oauth-protected-resource/mcp/") == "https://h/mcp/"
    )
    assert resource_for_metadata_url("https://h/prm.json") is None


@pytest.mark.parametrize(
    "resource,expected,requested,want",
    [
        ("https://mcp.stripe.com", "https://mcp.stripe.com/", None, "equal"),  # Stripe: empty path == "/"
        ("https://api.githubcopilot.com/mcp/", "https://api.githubcopilot.com/mcp/", None, "equal"),
        ("https://mcp.close.com/", "https://mcp.close.com/mcp", "https://mcp.close.com/mcp", "prefix"),
        ("https://h/api/v1/", "https://h/api/v1", None, "slash"),
        ("https://other.example/mcp", "https://h/mcp", "https://h/mcp", "mismatch"),
        (None, "https://h/mcp", None, "missing"),
    ],
)
def test_resource_match(resource: Any, expected: str, requested: str | None, want: str) -> None:
    assert resource_match(resource, expected, requested) == want


def test_grant_types_default_and_device_endpoint() -> None:
    # Microsoft's common OIDC document omits grant_types_supported and advertises the device flow by
    # endpoint only.
    grants, defaulted = grants_of(rw.MICROSOFT_COMMON_OIDC)
    assert defaulted and grants[:2] == ["authorization_code", "implicit"]
    assert "urn:ietf:params:oauth:grant-type:device_code" in grants


# --- challenge ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "disc,status,code",
    [
        (OAuthDiscovery(protected=[call(www=GOOD_RM)]), Status.PASS, "resource-metadata-linked"),
        (
            OAuthDiscovery(protected=[call(www=rw.LINEAR_WWW_AUTHENTICATE, method="POST")]),
            Status.PASS,
            "challenge-scope",
        ),
        # GitHub MCP: error= without credentials is only information (RFC 6750 §3.1 SHOULD NOT).
        (
            OAuthDiscovery(protected=[call(www=rw.GITHUB_MCP_WWW_AUTHENTICATE)]),
            Status.PASS,
            "error-without-credentials",
        ),
        # Zapier MCP: a Bearer challenge with no resource_metadata.
        (
            OAuthDiscovery(protected=[call(www=rw.ZAPIER_WWW_AUTHENTICATE)]),
            Status.FAIL,
            "no-resource-metadata",
        ),
        (OAuthDiscovery(protected=[call(www=None)]), Status.FAIL, "no-www-authenticate"),
        (
            OAuthDiscovery(
                protected=[
                    call(status=200, body={"error": "unauthorized", "message": "Authentication required"})
                ]
            ),
            Status.FAIL,
            "error-as-200",
        ),
        (
            OAuthDiscovery(protected=[call(status=403, body={"message": "Forbidden"})]),
            Status.FAIL,
            "bare-403",
        ),
        (OAuthDiscovery(notes=["GET / answered 200 text/html"]), Status.FAIL, "no-protected-endpoint"),
    ],
)
def test_challenge(disc: OAuthDiscovery, status: Status, code: str) -> None:
    out = judge(challenge, oauth_discovery=disc)
    assert out.status == status and code in codes(out)


def test_challenge_not_applicable_for_an_open_api() -> None:
    disc = OAuthDiscovery(openapi_url=f"{API}/openapi.json", secured_operations=0, public_operations=4)
    out = judge(challenge, oauth_discovery=disc)
    assert out.status == Status.NOT_APPLICABLE and "no security requirement" in out.summary


# --- tokens.resource-metadata -------------------------------------------------------------------------------


def test_resource_metadata_pass_and_loopback_note() -> None:
    data = {"resource": f"{API}/v1", "authorization_servers": [API], "bearer_methods_supported": ["header"]}
    out = judge(resource_metadata, oauth_discovery=OAuthDiscovery(resource_metadata=[prm(data)]))
    assert out.status == Status.PASS and "resource-matches" in codes(out)


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("http://127.0.0.1:9000/", Status.PASS, "loopback-http"),
        ("https://api.example.com/", Status.FAIL, "issuer-not-https"),  # issue 9: public target
    ],
)
def test_resource_metadata_loopback_issuer_is_excused_only_on_a_loopback_target(
    url: str, status: Status, code: str
) -> None:
    data = {
        "resource": f"{API}/v1",
        "authorization_servers": ["http://127.0.0.1:9000"],
        "bearer_methods_supported": ["header"],
    }
    out = judge(resource_metadata, url=url, oauth_discovery=OAuthDiscovery(resource_metadata=[prm(data)]))
    assert out.status == status and code in codes(out), out


@pytest.mark.parametrize(
    "data,resource,status,code",
    [
        (
            {"resource": "https://elsewhere.example/v1", "authorization_servers": [API]},
            f"{API}/v1",
            Status.FAIL,
            "wrong-resource",
        ),
        (
            {"resource": f"{API}/v1", "authorization_servers": []},
            f"{API}/v1",
            Status.FAIL,
            "no-authorization-servers",
        ),
        ({"authorization_servers": [API]}, f"{API}/v1", Status.FAIL, "resource-missing"),
        (
            {"resource": f"{API}/v1/", "authorization_servers": [API]},
            f"{API}/v1",
            Status.WARN,
            "resource-trailing-slash",
        ),
        (
            {"resource": f"{API}/v1", "authorization_servers": ["http://169.254.169.254/latest"]},
            f"{API}/v1",
            Status.FAIL,
            "issuer-not-https",
        ),
        # RFC 9728 §3.2 example: two issuers, bearer in header and body.
        (rw.RFC9728_PRM_EXAMPLE, "https://resource.example.com", Status.PASS, "resource-matches"),
        # Stripe MCP: root PRM, resource without the trailing slash.
        (rw.STRIPE_PRM, "https://mcp.stripe.com/", Status.PASS, "resource-matches"),
    ],
)
def test_resource_metadata_table(data: dict[str, Any], resource: str, status: Status, code: str) -> None:
    out = judge(
        resource_metadata,
        oauth_discovery=OAuthDiscovery(resource_metadata=[prm(data, resource=resource, requested=None)]),
    )
    assert out.status == status and code in codes(out), out


def test_resource_metadata_prefix_of_the_called_url_is_accepted_with_a_note() -> None:
    # Close CRM: the 401 of /mcp links the root PRM whose resource is the origin (a path prefix).
    r = prm(
        rw.CLOSE_PRM,
        resource="https://mcp.close.com/mcp",
        requested="https://mcp.close.com/mcp",
        url="https://mcp.close.com/prm",
    )
    out = judge(resource_metadata, oauth_discovery=OAuthDiscovery(resource_metadata=[r]))
    assert out.status == Status.PASS and "resource-prefix" in codes(out)


@pytest.mark.parametrize(
    "state,status,code",
    [
        (DocState.SOFT_404, Status.FAIL, "prm-soft-404"),
        (DocState.ABSENT, Status.FAIL, "prm-absent"),
        (DocState.INVALID, Status.FAIL, "prm-invalid"),
    ],
)
def test_resource_metadata_missing(state: DocState, status: Status, code: str) -> None:
    r = ResourceMetadata(
        resource=f"{API}/",
        doc=doc(
            f"{API}/.well-known/oauth-protected-resource",
            None,
            state,
            404 if state == DocState.ABSENT else 200,
        ),
        via="root",
    )
    out = judge(resource_metadata, oauth_discovery=OAuthDiscovery(resource_metadata=[r]))
    assert out.status == status and code in codes(out)


def test_resource_metadata_unreachable_is_error() -> None:
    r = ResourceMetadata(
        resource=f"{API}/",
        doc=doc(f"{API}/.well-known/oauth-protected-resource", None, DocState.UNREACHABLE, None),
        via="root",
    )
    assert (
        judge(resource_metadata, oauth_discovery=OAuthDiscovery(resource_metadata=[r])).status == Status.ERROR
    )


# --- tokens.server-metadata ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "srv,status,code",
    [
        (server(GOOD_AS), Status.PASS, "issuer-matches"),
        (server(GOOD_AS | {"issuer": "https://auth.example.org"}), Status.FAIL, "issuer-mismatch"),
        (server(GOOD_AS | {"code_challenge_methods_supported": ["plain"]}), Status.FAIL, "no-s256"),
        (
            server({k: v for k, v in GOOD_AS.items() if k != "token_endpoint"}),
            Status.FAIL,
            "no-token-endpoint",
        ),
        (
            server(GOOD_AS | {"token_endpoint": "http://api.example.com/token"}),
            Status.FAIL,
            "endpoint-not-https",
        ),
        # Close CRM: PRM names "https://api.close.com/" while the metadata says "https://api.close.com".
        (server(rw.CLOSE_AS, issuer="https://api.close.com/"), Status.WARN, "issuer-trailing-slash"),
        # Microsoft's common endpoint: a templated issuer that matches nothing, and no PKCE advertised.
        (
            server(rw.MICROSOFT_COMMON_OIDC, issuer="https://login.microsoftonline.com/common/v2.0"),
            Status.FAIL,
            "issuer-mismatch",
        ),
        # GitHub: issuer with a path, device flow, S256.
        (server(rw.GITHUB_AS, issuer="https://github.com/login/oauth"), Status.PASS, "issuer-matches"),
        # Neon Claimable (auth.md v1): jwt-bearer only, no authorization_endpoint, valid because no grant
        # needs one ...
        (
            server(
                rw_authmd.NEON_CLAIMABLE_AS_METADATA | {"response_types_supported": []},
                issuer="https://neon.com/claimable",
            ),
            Status.PASS,
            "no-authorization-endpoint-needed",
        ),
        # ... but RFC 8414 §2 still REQUIRES response_types_supported, which Neon omits.
        (
            server(rw_authmd.NEON_CLAIMABLE_AS_METADATA, issuer="https://neon.com/claimable"),
            Status.WARN,
            "no-response-types",
        ),
    ],
)
def test_server_metadata(srv: AuthServer, status: Status, code: str) -> None:
    out = judge(server_metadata, oauth_discovery=OAuthDiscovery(auth_servers=[srv]))
    assert out.status == status and code in codes(out), out


LOOPBACK_AS = server(
    GOOD_AS
    | {
        "issuer": "http://127.0.0.1:8750",
        "token_endpoint": "http://127.0.0.1:8750/token",
        "authorization_endpoint": "http://127.0.0.1:8750/authorize",
    },
    issuer="http://127.0.0.1:8750",
)


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        # http on loopback is local development when the target itself is on loopback: noted only
        ("http://127.0.0.1:8750/", Status.PASS, "loopback-http"),
        # a public https API whose metadata names http://127.0.0.1 points agents at their own machine
        ("https://api.example.com/", Status.FAIL, "endpoint-not-https"),
    ],
)
def test_server_metadata_loopback_http_is_excused_only_on_a_loopback_target(
    url: str, status: Status, code: str
) -> None:
    out = judge(server_metadata, url=url, oauth_discovery=OAuthDiscovery(auth_servers=[LOOPBACK_AS]))
    assert out.status == status and code in codes(out), out


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("http://127.0.0.1:8080/", Status.PASS, "device-uri-loopback-http"),
        ("https://api.example.com/", Status.WARN, "device-uri-not-https"),
    ],
)
def test_device_loopback_verification_uri_is_excused_only_on_a_loopback_target(
    url: str, status: Status, code: str
) -> None:
    body = DEVICE_OK | {"verification_uri": "http://127.0.0.1:8080/device"}
    out = judge_device(device_flow(body), url=url)
    assert out.status == status and code in codes(out), out


def test_server_metadata_omitted_grant_types_use_the_rfc8414_default() -> None:
    meta = {k: v for k, v in GOOD_AS.items() if k != "grant_types_supported"}
    out = judge(server_metadata, oauth_discovery=OAuthDiscovery(auth_servers=[server(meta)]))
    assert out.status == Status.PASS and "grant-types-default" in codes(out)


def test_server_metadata_blocked_metadata_address_fails_naming_the_cause() -> None:
    issuer = "http://169.254.169.254/latest/meta-data"
    blocked = doc(
        f"{issuer}/.well-known/oauth-authorization-server",
        None,
        DocState.UNREACHABLE,
        None,
        error_kind=ErrorKind.BLOCKED.value,
    )
    srv = AuthServer(
        issuer=issuer, doc=None, tried=[blocked], listed_by=[f"{API}/.well-known/oauth-protected-resource"]
    )
    out = judge(server_metadata, oauth_discovery=OAuthDiscovery(auth_servers=[srv, server(GOOD_AS)]))
    assert out.status == Status.FAIL
    (f,) = [f for f in out.findings if f.code == "metadata-address-blocked"]
    assert "169.254.169.254" in f.message and f.fix


def test_server_metadata_unreachable_is_error_and_absent_fails() -> None:
    gone = AuthServer(issuer=API, doc=None, tried=[doc(f"{API}/x", None, DocState.UNREACHABLE, None)])
    assert judge(server_metadata, oauth_discovery=OAuthDiscovery(auth_servers=[gone])).status == Status.ERROR
    absent = AuthServer(issuer=API, doc=None, tried=[doc(f"{API}/x", None, DocState.ABSENT, 404)])
    out = judge(server_metadata, oauth_discovery=OAuthDiscovery(auth_servers=[absent]))
    assert out.status == Status.FAIL and "as-metadata-absent" in codes(out)
    assert out.summary == "no authorization-server metadata found"


def test_server_metadata_found_but_unusable_says_it_cannot_be_trusted() -> None:
    wrong = server(GOOD_AS | {"issuer": "https://auth.example.org"})
    out = judge(server_metadata, oauth_discovery=OAuthDiscovery(auth_servers=[wrong]))
    assert out.status == Status.FAIL
    assert out.summary == "authorization-server metadata cannot be trusted or used"


# --- tokens.headless-grant ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "meta,routes,status,code",
    [
        (GOOD_AS, None, Status.PASS, "client-credentials"),
        (rw.MICROSOFT_COMMON_OIDC, None, Status.PASS, "device-grant"),  # device flow by endpoint only
        (rw.LINEAR_AS, None, Status.PASS, "jwt-bearer"),
        (rw_authmd.NEON_CLAIMABLE_AS_METADATA, None, Status.PASS, "auth-md"),
        (rw.SENTRY_AS, None, Status.WARN, "browser-grants-only"),
        (
            GOOD_AS | {"grant_types_supported": ["client_credentials"], "registration_endpoint": None},
            None,
            Status.WARN,
            "client-credentials-no-registration",
        ),
        (
            None,
            SignupRoutes(routes=[SignupRoute("openapi", "POST", f"{API}/keys", "createKey")]),
            Status.PASS,
            "api-key-route",
        ),
        (None, SignupRoutes(), Status.FAIL, "no-headless-route"),
    ],
)
def test_headless_grant(
    meta: dict[str, Any] | None, routes: SignupRoutes | None, status: Status, code: str
) -> None:
    if meta is not None and meta.get("registration_endpoint") is None:
        meta = {k: v for k, v in meta.items() if k != "registration_endpoint"}
    disc = OAuthDiscovery(auth_servers=[server(meta, issuer=str(meta.get("issuer", API)))] if meta else [])
    out = judge(headless_grant, oauth_discovery=disc, signup_routes=routes or SignupRoutes())
    assert out.status == status and code in codes(out), out


# --- tokens.endpoint-errors ---------------------------------------------------------------------------------


def errors_probe(
    status: int | None,
    body: Any = None,
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
) -> TokenErrorProbe:
    if isinstance(body, (dict, list)):
        resp = fake_response(status, json=body, headers=headers, url=f"{API}/token", method="POST")
    else:
        resp = fake_response(
            status, body or "", content_type=content_type, headers=headers, url=f"{API}/token", method="POST"
        )
    return TokenErrorProbe(token_endpoint=f"{API}/token", response=resp, auth_method="client_secret_basic")


@pytest.mark.parametrize(
    "probe,status,code",
    [
        (
            errors_probe(
                401,
                {"error": "invalid_client", "error_description": "unknown client"},
                headers={"www-authenticate": 'Basic realm="x"'},
            ),
            Status.PASS,
            "token-error-json",
        ),
        # Microsoft's device-code error body: RFC 6749 §5.2 shape with Azure extras (clout2buy/Ares fixture).
        (errors_probe(400, rw.MICROSOFT_DEVICE_CODE_ERROR), Status.PASS, "token-error-json"),
        (errors_probe(400, {"error": "bad_creds"}), Status.WARN, "token-error-nonstandard"),
        (errors_probe(403, {"error": "invalid_client"}), Status.WARN, "token-error-status"),
        (
            errors_probe(400, "<!doctype html><html><body>Bad</body></html>", "text/html"),
            Status.FAIL,
            "token-error-html",
        ),
        (errors_probe(500, {"message": "boom"}), Status.FAIL, "token-error-5xx"),
        (errors_probe(404, {"type": "not-found"}), Status.FAIL, "token-endpoint-absent"),
        (errors_probe(400, "invalid client", "text/plain"), Status.FAIL, "token-error-not-json"),
        (errors_probe(200, {"access_token": "x"}), Status.FAIL, "token-fake-accepted"),
    ],
)
def test_endpoint_errors(probe: TokenErrorProbe, status: Status, code: str) -> None:
    out = judge(endpoint_errors, oauth_token_errors=probe)
    assert out.status == status and code in codes(out), out


def test_endpoint_errors_error_and_not_applicable() -> None:
    assert judge(endpoint_errors, oauth_token_errors=errors_probe(None)).status == Status.ERROR
    none = TokenErrorProbe(
        token_endpoint=None, skipped="no token_endpoint in any authorization-server metadata"
    )
    out = judge(endpoint_errors, oauth_token_errors=none)
    assert out.status == Status.NOT_APPLICABLE and "token_endpoint" in out.summary


# --- issue -------------------------------------------------------------------------------------------


def flow(**kw: Any) -> OAuthFlow:
    return OAuthFlow(issuer=API, **kw)


def test_issue_skipped_without_active() -> None:
    assert judge(issue, oauth_discovery=OAuthDiscovery()).status == Status.SKIPPED


def test_issue_table() -> None:
    c = call(www=GOOD_RM)
    ok = flow(
        route="client_credentials",
        token_obtained=True,
        call=c,
        call_response=fake_response(200, json={"items": []}, url=c.url),
    )
    out = judge(issue, active=True, oauth_discovery=OAuthDiscovery(), oauth_flow=ok)
    assert out.status == Status.PASS and "authenticated-call" in codes(out)
    rejected = flow(
        route="client_credentials", token_obtained=True, call=c, call_response=fake_response(401, url=c.url)
    )
    out = judge(issue, active=True, oauth_discovery=OAuthDiscovery(), oauth_flow=rejected)
    assert out.status == Status.FAIL and "call-rejected" in codes(out)
    none = flow(routes_tried=[("client_credentials", "token endpoint answered 500")])
    out = judge(issue, active=True, oauth_discovery=OAuthDiscovery(), oauth_flow=none)
    assert out.status == Status.FAIL and "no-token" in codes(out)
    broken_chain = flow(
        route="api-key",
        token_obtained=True,
        call=c,
        discovery_stuck="discovery",
        call_response=fake_response(200, json={}, url=c.url),
    )
    out = judge(issue, active=True, oauth_discovery=OAuthDiscovery(), oauth_flow=broken_chain)
    assert out.status == Status.WARN and {"chain-broken", "route-fallback"} <= codes(out)


@pytest.mark.parametrize(
    "body,expected",
    [
        ({"error": "unauthorized", "message": "Authentication required."}, True),
        ({"code": 401, "message": "Invalid token"}, True),
        ({"message": "Welcome! Get a token at /docs/auth"}, False),  # prose about tokens is not an error
        ({"error": "not_found"}, False),
    ],
)
def test_a_200_is_an_auth_error_only_when_the_body_says_so(body: dict[str, Any], expected: bool) -> None:
    assert looks_like_auth_error(fake_response(200, json=body)) is expected


def test_challenge_judges_the_best_endpoint_and_flags_the_inconsistent_one() -> None:
    disc = OAuthDiscovery(
        protected=[call(www='Bearer realm="api"'), call(www=GOOD_RM, url=f"{API}/mcp", method="POST")]
    )
    out = judge(challenge, oauth_discovery=disc)
    assert out.status == Status.WARN and {"resource-metadata-linked", "inconsistent-challenges"} <= codes(out)


# --- tokens.headless-grant, ACTIVE: the device flow (RFC 8628) ---------------------------------------------

DEVICE_ENDPOINT = f"{API}/device/code"
# RFC 8628 §3.2's example response, on this test's origin.
DEVICE_OK = {
    "device_code": "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS",
    "user_code": "WDJB-MJHT",
    "verification_uri": "https://example.com/device",
    "verification_uri_complete": "https://example.com/device?user_code=WDJB-MJHT",
    "expires_in": 1800,
    "interval": 5,
}
PENDING = {"error": "authorization_pending", "error_description": "the user has not approved yet"}
# Browser grants plus the device flow by its endpoint only, as Microsoft advertises it: the device flow is
# the only headless route.
DEVICE_ONLY_AS = {
    "issuer": API,
    "authorization_endpoint": f"{API}/authorize",
    "token_endpoint": f"{API}/token",
    "registration_endpoint": f"{API}/register",
    "device_authorization_endpoint": DEVICE_ENDPOINT,
    "code_challenge_methods_supported": ["S256"],
}


def device_flow(
    body: Any = None,
    poll: Any = None,
    *,
    status: int | None = 200,
    poll_status: int | None = 400,
    poll_body: str = "",
    poll_type: str | None = None,
    **kw: Any,
) -> DeviceFlow:
    response = fake_response(
        status, json=DEVICE_OK if body is None else body, url=DEVICE_ENDPOINT, method="POST"
    )
    polled = fake_response(
        poll_status,
        poll_body,
        json=PENDING if poll is None and not poll_body else poll,
        content_type=poll_type,
        url=f"{API}/token",
        method="POST",
    )
    return DeviceFlow(
        issuer=API,
        endpoint=DEVICE_ENDPOINT,
        token_endpoint=f"{API}/token",
        response=response,
        poll_response=polled,
        **kw,
    )


def judge_device(
    dev: DeviceFlow | None,
    meta: dict[str, Any] | None = None,
    active: bool = True,
    url: str = "https://api.example.com/",
) -> Any:
    disc = OAuthDiscovery(
        auth_servers=[server((meta or GOOD_AS) | {"device_authorization_endpoint": DEVICE_ENDPOINT})]
    )
    return judge(
        headless_grant,
        active=active,
        url=url,
        oauth_discovery=disc,
        signup_routes=SignupRoutes(),
        oauth_device=dev,
    )


def level_of(outcome: Any, code: str) -> str:
    return next(str(f.level) for f in outcome.findings if f.code == code)


def test_device_flow_that_answers_correctly_passes_with_evidence() -> None:
    dev = device_flow()
    out = judge_device(dev)
    assert out.status == Status.PASS and out.details == {"device_flow": "works"}
    assert {"device-flow-works", "device-pending", "device-uri-complete"} <= codes(out)
    works = next(f for f in out.findings if f.code == "device-flow-works")
    assert set(works.evidence) == {dev.response.exchange_id, dev.poll_response.exchange_id}  # type: ignore[union-attr]
    # slow_down is as good as authorization_pending (RFC 8628 §3.5).
    out = judge_device(device_flow(poll={"error": "slow_down"}))
    assert out.status == Status.PASS and "device-pending" in codes(out)


@pytest.mark.parametrize(
    "meta,status,level",
    [
        (GOOD_AS, Status.WARN, "warn"),  # client_credentials works too: the device flow only warns
        (DEVICE_ONLY_AS, Status.FAIL, "fail"),  # the device flow is the only headless route
    ],
)
def test_device_response_without_user_code(meta: dict[str, Any], status: Status, level: str) -> None:
    body = {k: v for k, v in DEVICE_OK.items() if k not in ("user_code", "verification_uri_complete")}
    out = judge_device(device_flow(body), meta)
    assert out.status == status and out.details == {"device_flow": "broken"}
    assert level_of(out, "device-missing-user-code") == level
    message = next(f.message for f in out.findings if f.code == "device-missing-user-code")
    assert "user_code" in message and "RFC 8628 §3.2" in message
    assert "device-flow-works" not in codes(out)


@pytest.mark.parametrize(
    "body,status,code",
    [
        # http on a public target: a person would type the code into an unprotected page.
        (DEVICE_OK | {"verification_uri": "http://example.com/device"}, Status.WARN, "device-uri-not-https"),
        (DEVICE_OK | {"verification_uri": "/device"}, Status.WARN, "device-bad-verification-uri"),
        (DEVICE_OK | {"expires_in": "soon"}, Status.WARN, "device-bad-expires-in"),
        ({k: v for k, v in DEVICE_OK.items() if k != "expires_in"}, Status.WARN, "device-missing-expires-in"),
        ({k: v for k, v in DEVICE_OK.items() if k != "interval"}, Status.PASS, "device-interval-default"),
        (DEVICE_OK | {"interval": 0}, Status.WARN, "device-bad-interval"),
    ],
)
def test_device_response_fields(body: dict[str, Any], status: Status, code: str) -> None:
    out = judge_device(device_flow(body))
    assert out.status == status and code in codes(out), out


def test_device_response_with_the_pre_rfc_verification_url_names_it() -> None:
    # Google's device endpoint historically answered verification_url instead of verification_uri.
    body = {k: v for k, v in DEVICE_OK.items() if k != "verification_uri"} | {
        "verification_url": "https://www.google.com/device"
    }
    out = judge_device(device_flow(body))
    finding = next(f for f in out.findings if f.code == "device-missing-verification-uri")
    assert "verification_url" in finding.message and out.status == Status.WARN


def test_device_poll_that_issues_a_token_is_approval_without_a_human() -> None:
    token = {"access_token": "at_unapproved", "token_type": "Bearer", "expires_in": 3600}
    for meta in (GOOD_AS, DEVICE_ONLY_AS):
        out = judge_device(device_flow(poll=token, poll_status=200), meta)
        assert out.status == Status.WARN and out.details == {"device_flow": "approved"}, out
        assert level_of(out, "device-approved-without-human") == "warn"


@pytest.mark.parametrize("meta,status", [(GOOD_AS, Status.WARN), (DEVICE_ONLY_AS, Status.FAIL)])
def test_device_poll_that_answers_html(meta: dict[str, Any], status: Status) -> None:
    html = "<!doctype html><html><body><h1>Error</h1></body></html>"
    out = judge_device(device_flow(poll_body=html, poll_type="text/html"), meta)
    assert out.status == status and "device-poll-html" in codes(out), out


@pytest.mark.parametrize(
    "poll,poll_status,status,code",
    [
        ({"error": "invalid_grant"}, 400, Status.WARN, "device-poll-wrong-error"),
        ({"error": "unsupported_grant_type"}, 400, Status.WARN, "device-poll-wrong-error"),
        ({"message": "try later"}, 400, Status.WARN, "device-poll-not-json"),
        # GitHub answers pending with 200: usable, but not RFC 6749 §5.2.
        (PENDING, 200, Status.WARN, "device-pending-status"),
    ],
)
def test_device_poll_errors(poll: dict[str, Any], poll_status: int, status: Status, code: str) -> None:
    out = judge_device(device_flow(poll=poll, poll_status=poll_status))
    assert out.status == status and code in codes(out), out
    message = next(f.message for f in out.findings if f.code == code)
    assert str(poll.get("error", poll_status)) in message


def test_device_authorization_refused_names_the_error() -> None:
    # Microsoft's device-code endpoint error for an unknown client (shape from the real-world fixture).
    dev = replace(
        device_flow(rw.MICROSOFT_DEVICE_CODE_ERROR, status=400, poll_skipped="refused"), poll_response=None
    )
    out = judge_device(dev, DEVICE_ONLY_AS)
    assert out.status == Status.FAIL and "device-authorization-refused" in codes(out)
    refused = next(f for f in out.findings if f.code == "device-authorization-refused")
    assert "error=unauthorized_client" in refused.message


def test_device_flow_not_tried_or_unreachable() -> None:
    not_tried = DeviceFlow(
        issuer=API,
        endpoint=DEVICE_ENDPOINT,
        skipped="the device flow needs a client_id and there is no registration_endpoint",
    )
    out = judge_device(not_tried, DEVICE_ONLY_AS)
    assert out.status == Status.PASS and "device-flow-not-tried" in codes(out)
    not_tried_finding = next(f for f in out.findings if f.code == "device-flow-not-tried")
    assert "registration_endpoint" in not_tried_finding.message
    unreachable = device_flow(status=None, poll_status=None)
    assert judge_device(unreachable, DEVICE_ONLY_AS).status == Status.ERROR
    out = judge_device(unreachable, GOOD_AS)
    assert out.status == Status.PASS and "device-endpoint-unreachable" in codes(out)


def test_device_flow_is_ignored_without_active() -> None:
    body = {k: v for k, v in DEVICE_OK.items() if k != "user_code"}
    out = judge_device(device_flow(body), DEVICE_ONLY_AS, active=False)
    assert out.status == Status.PASS
    assert not any(c.startswith("device-") and c != "device-grant" for c in codes(out))
    assert judge_device(None, DEVICE_ONLY_AS).status == Status.PASS


@pytest.mark.parametrize(
    ("with_well_known", "status", "code"),
    [
        # MCP authorization: the header parameter OR the well-known URI; the alternative warns (issue 9)
        (True, Status.WARN, "resource-metadata-well-known-only"),
        (False, Status.FAIL, "no-resource-metadata"),
    ],
    ids=["mcp-permitted-alternative-well-known-uri", "neither-header-nor-well-known-violating"],
)
def test_challenge_without_resource_metadata_accepts_the_well_known_alternative(
    with_well_known: bool, status: Status, code: str
) -> None:
    data = {"resource": f"{API}/v1/things", "authorization_servers": [API]}
    prms = [prm(data, resource=f"{API}/v1/things", via="path-inserted")] if with_well_known else []
    disc = OAuthDiscovery(protected=[call(www='Bearer realm="api"')], resource_metadata=prms)
    out = judge(challenge, oauth_discovery=disc)
    assert out.status == status and code in codes(out), out
