"""Conformance tables for the tokens.* checks: one row per cited clause, a conforming and a violating answer.

Each test id names the clause it pins (RFC and section, MUST/SHOULD/MAY when the clause says so). Where a
clause is judged by another check (one judge per question), the row pins that this check does not judge it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from agent_ready.artifacts.oauth import (
    AuthServer,
    OAuthDiscovery,
    OAuthFlow,
    ProtectedCall,
    ResourceMetadata,
    TokenErrorProbe,
)
from agent_ready.artifacts.signup import SignupRoutes
from agent_ready.checks.tokens.challenge import challenge
from agent_ready.checks.tokens.endpoint_errors import endpoint_errors
from agent_ready.checks.tokens.headless_grant import headless_grant
from agent_ready.checks.tokens.issue import issue
from agent_ready.checks.tokens.resource_metadata import resource_metadata
from agent_ready.checks.tokens.server_metadata import server_metadata
from agent_ready.models import Status
from agent_ready.testing import fake_response, judge
from tests.checks.test_tokens import (
    API,
    DEVICE_OK,
    GOOD_AS,
    GOOD_RM,
    call,
    codes,
    device_flow,
    doc,
    judge_device,
    prm,
    server,
)

PRM_URL = f"{API}/.well-known/oauth-protected-resource/v1"
GOOD_PRM = {"resource": f"{API}/v1", "authorization_servers": [API], "bearer_methods_supported": ["header"]}


def _expect(out: Any, expected: str, code: str | None) -> None:
    assert out.status == Status(expected), out
    if code is not None:
        assert code in codes(out), out


# --- tokens.challenge: RFC 9728 §5.1, RFC 6750 §3 / §3.1, RFC 9110 §15.5.2 -------------------------------

CHALLENGE: list[tuple[str, ProtectedCall, str, str | None]] = [
    ("rfc9728_s5_1_resource_metadata_in_challenge[conforming]", call(www=GOOD_RM), "pass", None),
    ("rfc9728_s5_1_resource_metadata_in_challenge[violating]", call(www='Bearer realm="api"'), "fail", None),
    # RFC 9728 §5.1: the parameter is the metadata's URL; a relative reference has nothing to resolve against.
    (
        "rfc9728_s5_1_resource_metadata_absolute_url[violating]",
        call(www='Bearer resource_metadata="/.well-known/oauth-protected-resource/v1"'),
        "fail",
        "resource-metadata-not-url",
    ),
    # RFC 6750 §3: a 401 to a request without credentials MUST carry WWW-Authenticate.
    ("rfc6750_s3_MUST_www_authenticate_on_401[violating]", call(www=None), "fail", "no-www-authenticate"),
    # RFC 6750 §3: the challenges it defines use the Bearer scheme.
    (
        "rfc6750_s3_bearer_scheme[violating]",
        call(www=f'Basic realm="x", Digest resource_metadata="{PRM_URL}"'),
        "warn",
        "no-bearer-challenge",
    ),
    # RFC 9110 §15.5.2 / §15.5.4: 401 asks for credentials; a bare 403 does not.
    ("rfc9110_s15_5_2_401_not_403[violating]", call(status=403, www=None), "fail", "bare-403"),
    (
        "rfc9110_s15_5_2_no_redirect_to_login[violating]",
        call(status=302, www=None, body={"error": "login"}),
        "fail",
        None,
    ),
    # RFC 6750 §3.1 SHOULD NOT error= without credentials: judged by errors.bearer-errors, noted here.
    (
        "rfc6750_s3_1_SHOULD_NOT_error_without_credentials[judged_by_errors_bearer_errors]",
        call(www=f'Bearer error="invalid_token", resource_metadata="{PRM_URL}"'),
        "pass",
        "error-without-credentials",
    ),
]


@pytest.mark.parametrize(
    ("clause", "protected", "expected", "code"), CHALLENGE, ids=[r[0] for r in CHALLENGE]
)
def test_tokens_challenge_conformance(
    clause: str, protected: ProtectedCall, expected: str, code: str | None
) -> None:
    _expect(judge(challenge, oauth_discovery=OAuthDiscovery(protected=[protected])), expected, code)


# --- tokens.resource-metadata: RFC 9728 §2, §3.2, §3.3; RFC 8414 §2 (issuer form); MCP authorization --------


def _prm(data: dict[str, Any], *, content_type: str | None = None) -> ResourceMetadata:
    r = prm(data, requested=None)
    if content_type is not None:
        resp = fake_response(200, json=data, content_type=content_type, url=PRM_URL)
        r = replace(r, doc=replace(doc(PRM_URL, data), response=resp))  # artifacts are frozen
    return r


RESOURCE: list[tuple[str, ResourceMetadata, str, str | None]] = [
    ("rfc9728_s2_resource_REQUIRED[conforming]", _prm(GOOD_PRM), "pass", "resource-matches"),
    (
        "rfc9728_s2_resource_REQUIRED[violating]",
        _prm({"authorization_servers": [API]}),
        "fail",
        "resource-missing",
    ),
    # RFC 9728 §3.3: resource MUST be identical to the identifier the metadata URL was built from.
    (
        "rfc9728_s3_3_MUST_resource_identical[violating]",
        _prm(GOOD_PRM | {"resource": "https://other.example/v1"}),
        "fail",
        "wrong-resource",
    ),
    # RFC 9728 §2 (RFC 8707 §2): an https URL with no fragment.
    (
        "rfc9728_s2_resource_no_fragment[violating]",
        _prm(GOOD_PRM | {"resource": f"{API}/v1#api"}),
        "fail",
        "resource-malformed",
    ),
    (
        "rfc9728_s2_resource_https[violating]",
        prm(
            GOOD_PRM | {"resource": "http://api.example.com/v1"},
            resource="http://api.example.com/v1",
            requested=None,
        ),
        "fail",
        "resource-malformed",
    ),
    # MCP authorization: the PRM MUST name at least one authorization server (RFC 9728 §2 makes it OPTIONAL).
    (
        "mcp_authorization_servers_MUST[violating]",
        _prm(GOOD_PRM | {"authorization_servers": []}),
        "fail",
        "no-authorization-servers",
    ),
    # RFC 8414 §2: each entry is an issuer identifier, an https URL with no query or fragment.
    (
        "rfc8414_s2_issuer_absolute_url[violating_relative]",
        _prm(GOOD_PRM | {"authorization_servers": ["/oauth"]}),
        "fail",
        "bad-authorization-server",
    ),
    (
        "rfc8414_s2_issuer_no_query[violating]",
        _prm(GOOD_PRM | {"authorization_servers": [f"{API}/oauth?tenant=a"]}),
        "fail",
        "bad-authorization-server",
    ),
    (
        "rfc8414_s2_issuer_no_fragment[violating]",
        _prm(GOOD_PRM | {"authorization_servers": [f"{API}/oauth#x"]}),
        "fail",
        "bad-authorization-server",
    ),
    (
        "rfc8414_s2_issuer_https[violating]",
        _prm(GOOD_PRM | {"authorization_servers": ["http://auth.example.com"]}),
        "fail",
        "issuer-not-https",
    ),
    # RFC 9728 §3.2: the metadata is application/json.
    (
        "rfc9728_s3_2_application_json[violating]",
        _prm(GOOD_PRM, content_type="text/plain"),
        "warn",
        "prm-content-type",
    ),
    # MCP authorization: clients send the token in the Authorization header (RFC 6750 §2.1).
    (
        "mcp_bearer_methods_header[violating]",
        _prm(GOOD_PRM | {"bearer_methods_supported": ["query"]}),
        "warn",
        "no-header-bearer",
    ),
]


@pytest.mark.parametrize(("clause", "rm", "expected", "code"), RESOURCE, ids=[r[0] for r in RESOURCE])
def test_tokens_resource_metadata_conformance(
    clause: str, rm: ResourceMetadata, expected: str, code: str | None
) -> None:
    out = judge(resource_metadata, oauth_discovery=OAuthDiscovery(resource_metadata=[rm]))
    _expect(out, expected, code)


# --- tokens.server-metadata: RFC 8414 §2, §3.2, §3.3; RFC 6749 §3; OIDC Discovery §3; MCP (PKCE) ----------


def _without(meta: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if k not in keys}


def _oidc(meta: dict[str, Any]) -> AuthServer:
    d = doc(f"{API}/.well-known/openid-configuration", meta)
    return AuthServer(issuer=API, doc=d, tried=[d])


def _typed(meta: dict[str, Any], content_type: str) -> AuthServer:
    srv = server(meta)
    assert srv.doc is not None
    typed = fake_response(200, json=meta, content_type=content_type, url=srv.doc.url)
    return replace(srv, doc=replace(srv.doc, response=typed))


HEADLESS_AS = {
    "issuer": API,
    "token_endpoint": f"{API}/token",
    "response_types_supported": [],
    "grant_types_supported": ["client_credentials"],
}
OIDC_AS = GOOD_AS | {
    "jwks_uri": f"{API}/jwks",
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
}

SERVER: list[tuple[str, AuthServer, str, str | None]] = [
    ("rfc8414_s3_3_MUST_issuer_identical[conforming]", server(GOOD_AS), "pass", "issuer-matches"),
    (
        "rfc8414_s3_3_MUST_issuer_identical[violating]",
        server(GOOD_AS | {"issuer": "https://auth.example.org"}),
        "fail",
        "issuer-mismatch",
    ),
    # RFC 8414 §2: the issuer is an https URL with no query or fragment, even when it matches what was listed.
    (
        "rfc8414_s2_issuer_no_query[violating]",
        server(GOOD_AS | {"issuer": f"{API}?tenant=a"}, issuer=f"{API}?tenant=a"),
        "fail",
        "issuer-malformed",
    ),
    (
        "rfc8414_s2_token_endpoint_REQUIRED[violating]",
        server(_without(GOOD_AS, "token_endpoint")),
        "fail",
        "no-token-endpoint",
    ),
    # RFC 8414 §2: endpoints are URLs a client calls as they stand; a relative reference is not one.
    (
        "rfc8414_s2_token_endpoint_absolute_url[violating]",
        server(GOOD_AS | {"token_endpoint": "/token"}),
        "fail",
        "endpoint-not-url",
    ),
    (
        "rfc8414_s2_registration_endpoint_absolute_url[violating]",
        server(GOOD_AS | {"registration_endpoint": "register"}),
        "fail",
        "endpoint-not-url",
    ),
    # RFC 6749 §3.1 / §3.2: an endpoint URI MUST NOT include a fragment component.
    (
        "rfc6749_s3_2_MUST_NOT_endpoint_fragment[violating]",
        server(GOOD_AS | {"token_endpoint": f"{API}/token#x"}),
        "fail",
        "endpoint-not-url",
    ),
    # RFC 8414 §2 / RFC 6749 §3.1 (TLS): endpoints are https (loopback excused for local development).
    (
        "rfc8414_s2_endpoints_https[violating]",
        server(GOOD_AS | {"token_endpoint": "http://api.example.com/token"}),
        "fail",
        "endpoint-not-https",
    ),
    # RFC 8414 §2: authorization_endpoint is REQUIRED unless no grant uses it (a permitted alternative).
    (
        "rfc8414_s2_authorization_endpoint_unless_no_grant_uses_it[conforming_headless]",
        server(HEADLESS_AS),
        "pass",
        "no-authorization-endpoint-needed",
    ),
    (
        "rfc8414_s2_authorization_endpoint_unless_no_grant_uses_it[violating]",
        server(_without(GOOD_AS, "authorization_endpoint")),
        "fail",
        "no-authorization-endpoint",
    ),
    # RFC 8414 §2: response_types_supported is REQUIRED for every server.
    (
        "rfc8414_s2_response_types_supported_REQUIRED[violating]",
        server(_without(HEADLESS_AS, "response_types_supported")),
        "warn",
        "no-response-types",
    ),
    # MCP authorization: clients MUST refuse a server without S256 PKCE (RFC 7636).
    ("mcp_pkce_S256_MUST[conforming]", server(GOOD_AS), "pass", None),
    (
        "mcp_pkce_S256_MUST[violating]",
        server(_without(GOOD_AS, "code_challenge_methods_supported")),
        "fail",
        "no-s256",
    ),
    # RFC 8414 §3.2: the metadata is application/json.
    (
        "rfc8414_s3_2_application_json[violating]",
        _typed(GOOD_AS, "text/plain"),
        "warn",
        "as-metadata-content-type",
    ),
    # OpenID Connect Discovery 1.0 §3: jwks_uri, subject_types_supported and
    # id_token_signing_alg_values_supported are REQUIRED.
    ("oidc_discovery_s3_REQUIRED_members[conforming]", _oidc(OIDC_AS), "pass", None),
    (
        "oidc_discovery_s3_REQUIRED_members[violating]",
        _oidc(GOOD_AS),
        "warn",
        "oidc-required-missing",
    ),
]


@pytest.mark.parametrize(("clause", "srv", "expected", "code"), SERVER, ids=[r[0] for r in SERVER])
def test_tokens_server_metadata_conformance(
    clause: str, srv: AuthServer, expected: str, code: str | None
) -> None:
    out = judge(server_metadata, oauth_discovery=OAuthDiscovery(auth_servers=[srv]))
    _expect(out, expected, code)


@pytest.mark.parametrize(
    ("meta", "expected", "code"),
    [
        (_without(GOOD_AS, "grant_types_supported"), "pass", "grant-types-default"),
        (
            _without(GOOD_AS, "grant_types_supported", "authorization_endpoint"),
            "warn",
            "no-authorization-endpoint-default-grants",
        ),
    ],
    ids=["conforming", "violating"],
)
def test_rfc8414_s2_grant_types_default_needs_authorization_endpoint(
    meta: dict[str, Any], expected: str, code: str
) -> None:
    # RFC 8414 §2: an omitted grant_types_supported means ["authorization_code", "implicit"], and those
    # grants REQUIRE authorization_endpoint.
    out = judge(server_metadata, oauth_discovery=OAuthDiscovery(auth_servers=[server(meta)]))
    _expect(out, expected, code)


# --- tokens.endpoint-errors: RFC 6749 §5.2 ----------------------------------------------------------------


def _token_error(
    status: int, body: Any, *, basic: bool = True, www: str | None = None, content_type: str | None = None
) -> TokenErrorProbe:
    headers = {"www-authenticate": www} if www else None
    if isinstance(body, dict):
        resp = fake_response(
            status, json=body, headers=headers, content_type=content_type, url=f"{API}/token", method="POST"
        )
    else:
        resp = fake_response(
            status, body, headers=headers, content_type=content_type, url=f"{API}/token", method="POST"
        )
    return TokenErrorProbe(
        token_endpoint=f"{API}/token",
        response=resp,
        auth_method="client_secret_basic" if basic else "client_secret_post",
    )


INVALID_CLIENT = {"error": "invalid_client", "error_description": "unknown client"}

ENDPOINT_ERRORS: list[tuple[str, TokenErrorProbe, str, str | None]] = [
    (
        "rfc6749_s5_2_json_error[conforming]",
        _token_error(401, INVALID_CLIENT, www='Basic realm="token"'),
        "pass",
        "token-error-json",
    ),
    # client_secret_post: 400 invalid_client is the §5.2 answer (401 is for header authentication).
    (
        "rfc6749_s5_2_invalid_client_400_without_header_auth[conforming]",
        _token_error(400, INVALID_CLIENT, basic=False),
        "pass",
        "token-error-json",
    ),
    (
        "rfc6749_s5_2_json_error[violating_html]",
        _token_error(400, "<!doctype html><p>bad</p>", content_type="text/html"),
        "fail",
        "token-error-html",
    ),
    (
        "rfc6749_s5_2_error_REQUIRED[violating]",
        _token_error(400, {"message": "bad client"}),
        "fail",
        "token-error-not-json",
    ),
    (
        "rfc6749_s5_2_error_status[violating_5xx]",
        _token_error(500, INVALID_CLIENT),
        "fail",
        "token-error-5xx",
    ),
    (
        "rfc6749_s5_2_error_codes[violating]",
        _token_error(401, {"error": "bad_creds"}, www='Basic realm="token"'),
        "warn",
        "token-error-nonstandard",
    ),
    # RFC 6749 §5.2 MUST: HTTP Basic client authentication that fails gets 401 and a Basic challenge.
    (
        "rfc6749_s5_2_MUST_401_for_header_auth[violating_400]",
        _token_error(400, INVALID_CLIENT),
        "warn",
        "no-basic-challenge",
    ),
    (
        "rfc6749_s5_2_MUST_www_authenticate_for_header_auth[violating]",
        _token_error(401, INVALID_CLIENT),
        "warn",
        "no-basic-challenge",
    ),
    (
        "rfc6749_s5_2_MUST_matching_scheme[violating]",
        _token_error(401, INVALID_CLIENT, www='Bearer realm="token"'),
        "warn",
        "no-basic-challenge",
    ),
    # RFC 6749 §5.2: the parameters are in the body as application/json.
    (
        "rfc6749_s5_2_application_json[violating]",
        _token_error(401, INVALID_CLIENT, www='Basic realm="token"', content_type="text/plain"),
        "warn",
        "token-error-media-type",
    ),
]


@pytest.mark.parametrize(
    ("clause", "probe", "expected", "code"), ENDPOINT_ERRORS, ids=[r[0] for r in ENDPOINT_ERRORS]
)
def test_tokens_endpoint_errors_conformance(
    clause: str, probe: TokenErrorProbe, expected: str, code: str | None
) -> None:
    _expect(judge(endpoint_errors, oauth_token_errors=probe), expected, code)


# --- tokens.headless-grant: RFC 6749 §4.4, RFC 8628 §3.2 / §3.5, RFC 7523 ----------------------------------

BROWSER_ONLY = GOOD_AS | {"grant_types_supported": ["authorization_code"]}


HEADLESS: list[tuple[str, dict[str, Any], str, str]] = [
    ("rfc6749_s4_4_client_credentials[conforming]", GOOD_AS, "pass", "client-credentials"),
    ("rfc6749_s4_1_browser_grants_only[violating]", BROWSER_ONLY, "warn", "browser-grants-only"),
    (
        "rfc7523_jwt_bearer[conforming]",
        HEADLESS_AS | {"grant_types_supported": ["urn:ietf:params:oauth:grant-type:jwt-bearer"]},
        "pass",
        "jwt-bearer",
    ),
]


@pytest.mark.parametrize(("clause", "meta", "expected", "code"), HEADLESS, ids=[r[0] for r in HEADLESS])
def test_tokens_headless_grant_conformance(
    clause: str, meta: dict[str, Any], expected: str, code: str
) -> None:
    disc = OAuthDiscovery(auth_servers=[server(meta)])
    _expect(judge(headless_grant, oauth_discovery=disc, signup_routes=SignupRoutes()), expected, code)


DEVICE: list[tuple[str, dict[str, Any], dict[str, Any] | None, str, str | None]] = [
    ("rfc8628_s3_2_device_response[conforming]", DEVICE_OK, None, "pass", "device-flow-works"),
    *[
        (
            f"rfc8628_s3_2_{key}_REQUIRED[violating]",
            {k: v for k, v in DEVICE_OK.items() if k != key},
            None,
            "fail",
            f"device-missing-{key.replace('_', '-')}",
        )
        for key in ("device_code", "user_code", "verification_uri", "expires_in")
    ],
    (
        "rfc8628_s3_2_verification_uri_absolute[violating]",
        DEVICE_OK | {"verification_uri": "/device"},
        None,
        "fail",
        "device-bad-verification-uri",
    ),
    # RFC 8628 §3.5: an unapproved code answers authorization_pending (or slow_down).
    (
        "rfc8628_s3_5_authorization_pending[violating]",
        DEVICE_OK,
        {"error": "access_denied"},
        "fail",
        "device-poll-wrong-error",
    ),
]


@pytest.mark.parametrize(("clause", "body", "poll", "expected", "code"), DEVICE, ids=[r[0] for r in DEVICE])
def test_tokens_headless_grant_device_conformance(
    clause: str, body: dict[str, Any], poll: dict[str, Any] | None, expected: str, code: str | None
) -> None:
    # The device grant as the only headless route, so its defects decide the verdict.
    _expect(judge_device(device_flow(body, poll), meta=BROWSER_ONLY), expected, code)


# --- tokens.issue (ACTIVE): RFC 6749 §5.1 on the token response, then the authenticated call ---------------

TOKEN_OK = {"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600}
NO_STORE = {"Cache-Control": "no-store"}

ISSUE: list[tuple[str, dict[str, Any], dict[str, str], str | None, str, str | None]] = [
    ("rfc6749_s5_1_token_response[conforming]", TOKEN_OK, NO_STORE, None, "pass", "authenticated-call"),
    (
        "rfc6749_s5_1_token_type_REQUIRED[violating]",
        {"access_token": "at-1"},
        NO_STORE,
        None,
        "warn",
        "token-type-missing",
    ),
    ("rfc6749_s5_1_MUST_no_store[violating]", TOKEN_OK, {}, None, "warn", "token-response-cacheable"),
    (
        "rfc6749_s5_1_application_json[violating]",
        TOKEN_OK,
        NO_STORE,
        "text/plain",
        "warn",
        "token-response-media-type",
    ),
]


@pytest.mark.parametrize(
    ("clause", "body", "headers", "content_type", "expected", "code"), ISSUE, ids=[r[0] for r in ISSUE]
)
def test_tokens_issue_conformance(
    clause: str,
    body: dict[str, Any],
    headers: dict[str, str],
    content_type: str | None,
    expected: str,
    code: str | None,
) -> None:
    protected = call(www=GOOD_RM)
    token = fake_response(
        200, json=body, headers=headers, content_type=content_type, url=f"{API}/token", method="POST"
    )
    flow = OAuthFlow(
        issuer=API,
        route="client_credentials",
        token_obtained=True,
        token_response=token,
        call=protected,
        call_response=fake_response(200, json={"items": []}, url=protected.url),
    )
    out = judge(issue, active=True, oauth_discovery=OAuthDiscovery(), oauth_flow=flow)
    _expect(out, expected, code)


def test_tokens_issue_api_key_route_is_not_an_oauth_token_response_conforming() -> None:
    # An API key from a documented route is not an RFC 6749 §5.1 response: §5.1 is not applied to it.
    protected = call(www=GOOD_RM)
    flow = OAuthFlow(
        issuer=API,
        route="api-key",
        token_obtained=True,
        token_response=fake_response(201, json={"key": "k-1"}, url=f"{API}/keys", method="POST"),
        call=protected,
        call_response=fake_response(200, json={}, url=protected.url),
    )
    out = judge(issue, active=True, oauth_discovery=OAuthDiscovery(), oauth_flow=flow)
    assert not {"token-type-missing", "token-response-cacheable"} & codes(out), out


# --- RFC 9728 §3.3 impersonation guard and the loopback excuse (h9's fix, pinned here too) ---

REQUESTED = f"{API}/v1/things"


@pytest.mark.parametrize(
    ("resource", "expected", "code"),
    [
        (REQUESTED, "pass", "resource-matches"),
        # a 401 on one API linking to another resource's metadata on the same origin
        (f"{API}/admin", "fail", "wrong-resource"),
        # self-describing metadata on a foreign origin
        ("https://evil.example/v1/things", "fail", "wrong-resource"),
    ],
    ids=[
        "rfc9728_s3_3_MUST_resource_is_requested_url[conforming]",
        "rfc9728_s3_3_MUST_resource_is_requested_url[violating_other_resource]",
        "rfc9728_s3_3_MUST_resource_is_requested_url[violating_foreign_origin]",
    ],
)
def test_tokens_resource_metadata_linked_names_the_requested_url(
    resource: str, expected: str, code: str
) -> None:
    data = GOOD_PRM | {"resource": resource}
    linked = prm(data, resource=REQUESTED, via="resource_metadata", requested=REQUESTED, url=PRM_URL)
    out = judge(resource_metadata, oauth_discovery=OAuthDiscovery(resource_metadata=[linked]))
    _expect(out, expected, code)


@pytest.mark.parametrize(
    ("target", "expected", "code"),
    [
        ("http://127.0.0.1:9000/", "pass", "loopback-http"),
        ("https://api.example.com/", "fail", "issuer-not-https"),
    ],
    ids=[
        "rfc8414_s2_issuer_https_loopback_target[conforming]",
        "rfc8414_s2_issuer_https_loopback_issuer_public_target[violating]",
    ],
)
def test_tokens_loopback_http_is_excused_only_on_a_loopback_target(
    target: str, expected: str, code: str
) -> None:
    data = GOOD_PRM | {"authorization_servers": ["http://127.0.0.1:9000"]}
    out = judge(resource_metadata, url=target, oauth_discovery=OAuthDiscovery(resource_metadata=[_prm(data)]))
    _expect(out, expected, code)
    srv = server(GOOD_AS | {"token_endpoint": "http://127.0.0.1:9000/token"})
    out = judge(server_metadata, url=target, oauth_discovery=OAuthDiscovery(auth_servers=[srv]))
    assert out.status == Status(expected), out
