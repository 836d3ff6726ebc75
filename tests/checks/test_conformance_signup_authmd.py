"""Conformance tables for signup.* and auth-md.*: one row per clause the check lists (``clauses=``), a
conforming and a violating answer, the clause in the test id. The auth.md and signup rules are mostly the
catalogue's own (no RFC); where a spec permits an alternative the catalogue does not name (RFC 7523 §3.1: a
JWT grant without client authentication), the spec wins (issue 9).
"""

from __future__ import annotations

import copy
import os
from dataclasses import replace
from typing import Any

import pytest

from agent_ready.artifacts.authmd import AgentAuth, AuthMdFile, Registration
from agent_ready.artifacts.documents import Doc
from agent_ready.artifacts.signup import AccountCreation, SignupRoute, SignupRoutes
from agent_ready.checks import signup
from agent_ready.checks.auth_md.file import auth_md_file
from agent_ready.checks.auth_md.metadata import auth_md_metadata
from agent_ready.checks.auth_md.registration import auth_md_registration
from agent_ready.models import Status
from agent_ready.probes.authmd import parse_auth_md
from agent_ready.probes.documents import classify_response
from agent_ready.testing import fake_response, judge
from tests.checks.test_auth_md import BRANCH_URL, NEON_URL, V0_URL, md_file, meta_of, prm_from, registration
from tests.checks.test_signup import codes, disc_with
from tests.fixtures.realworld import authmd as real

JWT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ORIGIN = "https://db.example.com"
ANON_V1 = {
    "issuer": f"{ORIGIN}/claimable",
    "token_endpoint": f"{ORIGIN}/oauth/token",
    "grant_types_supported": [JWT],
    "agent_auth": {
        "skill": f"{ORIGIN}/auth.md",
        "identity_endpoint": f"{ORIGIN}/agent/identity",
        "identity_types_supported": ["anonymous"],
    },
}

CLIENT_REGISTRATION: list[tuple[str, dict[str, Any], Status]] = [
    (
        "cimd-SHOULD-conforming",
        {"issuer": ORIGIN, "client_id_metadata_document_supported": True},
        Status.PASS,
    ),
    (
        "rfc7591-MAY-dcr-only-deprecated-warns",
        {"issuer": ORIGIN, "registration_endpoint": f"{ORIGIN}/register"},
        Status.WARN,
    ),
    (
        "catalogue-no-way-to-a-client_id-violating",
        {"issuer": ORIGIN, "grant_types_supported": ["authorization_code"]},
        Status.FAIL,
    ),
    # RFC 7523 §3.1: client authentication is optional for a JWT grant; a token endpoint taking `none`
    (
        "rfc7523-s3.1-MAY-no-client-needed-conforming",
        ANON_V1 | {"token_endpoint_auth_methods_supported": ["none"]},
        Status.PASS,
    ),
    # ... but RFC 8414 §2's default (client_secret_basic) means a client is needed after all
    ("rfc7523-s3.1-client-auth-required-violating", ANON_V1, Status.FAIL),
    # auth.md v0 returns the credential itself: no token endpoint, no client
    (
        "authmd-v0-register_uri-no-client-needed-conforming",
        {
            "issuer": ORIGIN,
            "agent_auth": {"register_uri": f"{ORIGIN}/agent/auth", "identity_types_supported": ["anonymous"]},
        },
        Status.PASS,
    ),
    # a registration route that only takes verified identities is no anonymous route
    (
        "authmd-identity-not-anonymous-violating",
        ANON_V1
        | {"token_endpoint_auth_methods_supported": ["none"]}
        | {
            "agent_auth": {
                "identity_endpoint": f"{ORIGIN}/agent/identity",
                "identity_types_supported": ["identity_assertion"],
            }
        },
        Status.FAIL,
    ),
]


@pytest.mark.parametrize(
    ("clause", "meta", "status"), CLIENT_REGISTRATION, ids=[r[0] for r in CLIENT_REGISTRATION]
)
def test_signup_client_registration_conformance(clause: str, meta: dict[str, Any], status: Status) -> None:
    out = judge(signup.client_registration, oauth_discovery=disc_with(meta, str(meta.get("issuer", ORIGIN))))
    assert out.status == status, (clause, out)


def binary_file() -> AuthMdFile:
    resp = fake_response(200, os.urandom(2048), content_type="text/markdown", url=V0_URL)
    state, problem = classify_response(resp, None, text=True)  # as fetch_doc classifies it
    return AuthMdFile(doc=Doc(url=V0_URL, state=state, response=resp, problem=problem))


FILE_ROWS = [
    ("authmd-h1-names-auth.md-conforming", lambda: md_file(real.AUTH_MD_V0_WORKOS_MAIN, V0_URL), Status.PASS),
    (
        "authmd-h1-names-auth.md-violating",
        lambda: md_file(real.AUTH_MD_V0_WORKOS_MAIN.replace("auth.md", "Agent sign-up", 1), V0_URL),
        Status.WARN,
    ),
    (
        "authmd-six-steps-violating",
        lambda: md_file(real.AUTH_MD_STUB_MOA_TIPS, "https://moa-tips.com/auth.md"),
        Status.WARN,
    ),
    (
        "authmd-endpoints-exist-violating",
        lambda: md_file(real.AUTH_MD_V0_WORKOS_MAIN, V0_URL, dead=("/agent/auth",)),
        Status.WARN,
    ),
    (
        "authmd-markdown-not-binary-violating",
        lambda: binary_file(),
        Status.FAIL,
    ),
]


@pytest.mark.parametrize(("clause", "factory", "status"), FILE_ROWS, ids=[r[0] for r in FILE_ROWS])
def test_auth_md_file_conformance(clause: str, factory: Any, status: Status) -> None:
    out = judge(auth_md_file, authmd=factory())
    assert out.status == status, (clause, out)


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("Issuer: `https://db.example.com/claimable`", True),
        ('```json\n{"issuer": "https://db.example.com/claimable"}\n```', True),
        ("The resource is https://db.example.com/api", True),
        ("Register at `https://db.example.com/agent/identity`", False),
        ("`POST https://db.example.com/agent/identity`", False),
    ],
    ids=[
        "rfc8414-s2-issuer-in-code",
        "rfc8414-s2-issuer-in-json",
        "rfc9728-s1.2-resource-in-prose",
        "endpoint-in-code",
        "endpoint-with-method",
    ],
)
def test_auth_md_identifiers_are_not_endpoints(text: str, identifier: bool) -> None:
    parsed = parse_auth_md(f"# auth.md\n\n{text}\n", "https://db.example.com/auth.md")
    assert parsed.endpoints and all(e.identifier is identifier for e in parsed.endpoints), parsed.endpoints


def _expect(out: Any, status: Status, code: str | None) -> None:
    assert out.status == status, [(f.code, f.message) for f in out.findings]
    if code is not None:
        assert code in codes(out), codes(out)


# --- signup.account-api: standards C9 -----------------------------------------------------------------------

KEYS = SignupRoute(kind="openapi", method="POST", url=f"{ORIGIN}/v1/keys", label="createApiKey", gates=[])
KEYS_NEED_ACCOUNT = SignupRoute(
    kind="openapi", method="POST", url=f"{ORIGIN}/v1/keys", label="createApiKey", requires_auth=True
)
AUTHMD_ROUTE = SignupRoute(kind="auth.md", method="POST", url=f"{ORIGIN}/agent/identity", label="anonymous")


def _made(use: int | None) -> AccountCreation:
    return AccountCreation(
        route=KEYS,
        response=fake_response(201, json={"api_key": "k" * 20}, method="POST"),
        credential="k" * 20,
        origin=ORIGIN,
        use_response=fake_response(use, json={}) if use is not None else None,
    )


ACCOUNT_API: list[tuple[str, SignupRoutes, AccountCreation | None, Status, str | None]] = [
    (
        "standards_C9_openapi_key_route[conforming]",
        SignupRoutes(routes=[KEYS]),
        None,
        Status.PASS,
        "signup-route",
    ),
    (
        "standards_C9_authmd_registration_route[conforming]",
        SignupRoutes(routes=[AUTHMD_ROUTE]),
        None,
        Status.PASS,
        "signup-route",
    ),
    # C9: "Fail if the only route is dashboard sign-up": a key route behind an account is that
    (
        "standards_C9_key_route_needs_account[violating]",
        SignupRoutes(routes=[KEYS_NEED_ACCOUNT], openapi_url=f"{ORIGIN}/openapi.json"),
        None,
        Status.FAIL,
        "no-account-api",
    ),
    ("standards_C9_no_route[violating]", SignupRoutes(), None, Status.FAIL, "no-account-api"),
    # ACTIVE: calling the route must return a credential
    (
        "standards_C9_active_returns_working_credential[conforming]",
        SignupRoutes(routes=[KEYS]),
        _made(200),
        Status.PASS,
        "signup-credential-works",
    ),
    (
        "standards_C9_active_no_credential[violating]",
        SignupRoutes(routes=[KEYS]),
        AccountCreation(route=KEYS, response=fake_response(400, json={"title": "terms"}), failure="no key"),
        Status.FAIL,
        "signup-call-failed",
    ),
    (
        "standards_C9_active_credential_rejected[violating]",
        SignupRoutes(routes=[KEYS]),
        _made(401),
        Status.WARN,
        "signup-credential-rejected",
    ),
]


@pytest.mark.parametrize(
    ("clause", "routes", "account", "status", "code"), ACCOUNT_API, ids=[r[0] for r in ACCOUNT_API]
)
def test_signup_account_api_conformance(
    clause: str, routes: SignupRoutes, account: AccountCreation | None, status: Status, code: str | None
) -> None:
    out = judge(signup.account_api, active=account is not None, signup_routes=routes, signup_account=account)
    _expect(out, status, code)


# --- signup.gate: standards F3 ------------------------------------------------------------------------------


def _gated(*gates: str) -> SignupRoutes:
    return SignupRoutes(
        routes=[
            SignupRoute(kind="openapi", method="POST", url=f"{ORIGIN}/signup", label="s", gates=list(gates))
        ]
    )


GATE: list[tuple[str, SignupRoutes, Status, str | None]] = [
    ("standards_F3_proof_of_work[conforming]", _gated("proof-of-work"), Status.PASS, "agent-solvable-gate"),
    ("standards_F3_stated_rate_limit[conforming]", _gated("rate-limit"), Status.PASS, "agent-solvable-gate"),
    ("standards_F3_terms_by_field[conforming]", _gated("terms-field"), Status.PASS, "agent-solvable-gate"),
    ("standards_F3_captcha_only[violating]", _gated("captcha"), Status.FAIL, "human-gate"),
    (
        "standards_F3_email_verification_only[violating]",
        _gated("email-verification"),
        Status.FAIL,
        "human-gate",
    ),
    # a human gate beside an agent-solvable one is not "the only gate": warned, not failed
    (
        "standards_F3_captcha_beside_solvable[permitted_alternative]",
        _gated("captcha", "proof-of-work"),
        Status.WARN,
        "human-gate",
    ),
    ("standards_F3_no_stated_gate[violating]", _gated(), Status.WARN, "no-stated-gate"),
    ("standards_F3_no_route[not_applicable]", SignupRoutes(), Status.NOT_APPLICABLE, None),
]


@pytest.mark.parametrize(("clause", "routes", "status", "code"), GATE, ids=[r[0] for r in GATE])
def test_signup_gate_conformance(clause: str, routes: SignupRoutes, status: Status, code: str | None) -> None:
    _expect(judge(signup.gate, signup_routes=routes), status, code)


# --- auth-md.metadata: auth.md v0 / v1, RFC 9728 §2 ---------------------------------------------------------

NEON = real.NEON_CLAIMABLE_AS_METADATA
NEON_PRM = {**real.NEON_CLAIMABLE_PRM, "scopes_supported": ["project:read"]}
BRANCH = real.AGENT_AUTH_REGISTRATION_ENDPOINT_AS_METADATA
V0 = real.AGENT_AUTH_V0_AS_METADATA


def _neon(block: dict[str, Any] | None = None, prm: dict[str, Any] | None = None) -> AgentAuth:
    meta = copy.deepcopy(NEON)
    if block is not None:
        meta["agent_auth"] = block
    return meta_of(meta, issuer=NEON["issuer"], prm=prm or NEON_PRM)


def _without(key: str) -> dict[str, Any]:
    return {k: v for k, v in NEON["agent_auth"].items() if k != key}


def _neon_file() -> AuthMdFile:
    return md_file(real.AUTH_MD_V1_NEON_CLAIMABLE, NEON_URL)


METADATA: list[tuple[str, Any, Any, Status, str | None]] = [
    ("authmd_v1_identity_endpoint[conforming]", _neon, _neon_file, Status.PASS, "agent-auth-dialect"),
    (
        "authmd_v0_register_uri[conforming]",
        lambda: meta_of(V0, issuer="https://auth.service.example.com/", prm=prm_from(V0)),
        lambda: md_file(real.AUTH_MD_V0_WORKOS_MAIN, V0_URL),
        Status.PASS,
        "agent-auth-old-dialect",
    ),
    (
        "authmd_branch_registration_endpoint[conforming]",
        lambda: meta_of(
            BRANCH,
            issuer=BRANCH["issuer"],
            prm=prm_from(BRANCH) | {"authorization_servers": [BRANCH["issuer"]]},
        ),
        lambda: md_file(real.AUTH_MD_REGISTRATION_ENDPOINT_DIALECT, BRANCH_URL),
        Status.PASS,
        "agent-auth-dialect",
    ),
    (
        "authmd_registration_endpoint[violating]",
        lambda: _neon(_without("identity_endpoint")),
        _neon_file,
        Status.FAIL,
        "agent-auth-no-endpoint",
    ),
    (
        "authmd_identity_types_supported[violating]",
        lambda: _neon(_without("identity_types_supported")),
        _neon_file,
        Status.WARN,
        "agent-auth-no-identity-types",
    ),
    (
        "authmd_skill[violating]",
        lambda: _neon(_without("skill")),
        _neon_file,
        Status.WARN,
        "agent-auth-no-skill",
    ),
    (
        "authmd_agent_auth_block[violating]",
        lambda: meta_of(
            {"issuer": NEON["issuer"], "token_endpoint": NEON["token_endpoint"]}, issuer=NEON["issuer"]
        ),
        lambda: None,
        Status.FAIL,
        "agent-auth-absent",
    ),
    # a relative endpoint has no base to resolve against in metadata: it passed before issue 9
    (
        "authmd_absolute_endpoint_urls[violating]",
        lambda: _neon(NEON["agent_auth"] | {"claim_endpoint": "/v1/agent/identity/claim"}),
        _neon_file,
        Status.WARN,
        "agent-auth-relative-url",
    ),
    (
        "authmd_absolute_skill_url[violating]",
        lambda: _neon(NEON["agent_auth"] | {"skill": "auth.md"}),
        _neon_file,
        Status.WARN,
        "agent-auth-relative-url",
    ),
    (
        "authmd_skill_answers[violating]",
        lambda: meta_of(NEON, issuer=NEON["issuer"], prm=NEON_PRM, skill_status=404),
        _neon_file,
        Status.WARN,
        "agent-auth-skill-dead",
    ),
    (
        "authmd_endpoints_exist[violating]",
        lambda: meta_of(NEON, issuer=NEON["issuer"], prm=NEON_PRM, dead=("/v1/agent/identity",)),
        _neon_file,
        Status.WARN,
        "agent-auth-dead-endpoints",
    ),
    (
        "authmd_v1_jwt_bearer_grant[violating]",
        lambda: meta_of(
            NEON | {"grant_types_supported": ["authorization_code"]}, issuer=NEON["issuer"], prm=NEON_PRM
        ),
        _neon_file,
        Status.WARN,
        "agent-auth-no-jwt-bearer",
    ),
    (
        "authmd_v1_token_endpoint[violating]",
        lambda: meta_of(
            {k: v for k, v in NEON.items() if k != "token_endpoint"}, issuer=NEON["issuer"], prm=NEON_PRM
        ),
        _neon_file,
        Status.WARN,
        "agent-auth-no-token-endpoint",
    ),
    ("rfc9728_s2_issuer_listed[conforming]", _neon, _neon_file, Status.PASS, "prm-lists-issuer"),
    (
        "rfc9728_s2_RECOMMENDED_scopes_supported[violating]",
        lambda: _neon(prm=real.NEON_CLAIMABLE_PRM),
        _neon_file,
        Status.WARN,
        "prm-no-scopes",
    ),
    (
        "rfc9728_s2_MAY_bearer_methods_header[violating]",
        lambda: _neon(prm=NEON_PRM | {"bearer_methods_supported": ["body"]}),
        _neon_file,
        Status.WARN,
        "prm-no-header-bearer",
    ),
    # RFC 9728 §2 lets bearer_methods_supported be omitted; the catalogue's D2 asks for it: the spec wins
    (
        "rfc9728_s2_MAY_bearer_methods_omitted[permitted_alternative]",
        lambda: _neon(prm={k: v for k, v in NEON_PRM.items() if k != "bearer_methods_supported"}),
        _neon_file,
        Status.PASS,
        "prm-bearer-default",
    ),
    (
        "rfc9728_s2_issuer_listed[violating]",
        lambda: _neon(prm=NEON_PRM | {"authorization_servers": ["https://other.example"]}),
        _neon_file,
        Status.WARN,
        "prm-issuer-missing",
    ),
    # RFC 8414 §2 / RFC 9728 §2 compare issuers as strings: a trailing slash is another issuer
    (
        "rfc9728_s2_issuer_exact_string[violating]",
        lambda: _neon(prm=NEON_PRM | {"authorization_servers": [NEON["issuer"] + "/"]}),
        _neon_file,
        Status.WARN,
        "prm-issuer-slash",
    ),
]


@pytest.mark.parametrize(("clause", "meta", "file", "status", "code"), METADATA, ids=[r[0] for r in METADATA])
def test_auth_md_metadata_conformance(
    clause: str, meta: Any, file: Any, status: Status, code: str | None
) -> None:
    _expect(judge(auth_md_metadata, agent_auth=meta(), authmd=file()), status, code)


# --- auth-md.registration (ACTIVE): auth.md v1, RFC 7523 §2.1, RFC 7009 §2 ----------------------------------


def _v1() -> Registration:
    return registration(copy.deepcopy(real.AGENT_AUTH_V1_ANONYMOUS_RESPONSE_WORKOS_FORK))


def _token_refused() -> Registration:
    reg = registration(copy.deepcopy(real.AGENT_AUTH_V1_ANONYMOUS_RESPONSE_WORKOS_FORK), token=False)
    return replace(
        reg,
        stuck_at="token",
        stuck_reason="the jwt-bearer exchange gave no access_token (400 'invalid_grant')",
        token_response=fake_response(400, json={"error": "invalid_grant"}),
    )


def _revoked(status: int | None) -> Registration:
    return replace(_v1(), revoke_response=fake_response(status, json={}) if status is not None else None)


# the identity types a row's service lists (anonymous unless named here)
SERVICE_TYPES = {"authmd_v1_no_anonymous_type[not_applicable]": ["service_auth"]}

REGISTRATION: list[tuple[str, Any, Status, str | None]] = [
    ("authmd_v1_anonymous_usable_expiring_claimable[conforming]", _v1, Status.PASS, "authmd-token-exchanged"),
    (
        "authmd_v1_credential_works[violating]",
        lambda: registration(
            copy.deepcopy(real.AGENT_AUTH_V1_ANONYMOUS_RESPONSE_WORKOS_FORK), use_status=401
        ),
        Status.FAIL,
        "authmd-credential-rejected",
    ),
    (
        "authmd_claim_path[violating]",
        lambda: registration(
            {"credential": "sk_live_x", "credential_expires": "2026-05-04T13:00:00Z"}, dialect="v0"
        ),
        Status.WARN,
        "authmd-no-claim",
    ),
    (
        "authmd_expiry[violating]",
        lambda: registration(
            {"credential": "sk_live_x", "claim_url": "https://a.example/claim/1"}, dialect="v0"
        ),
        Status.WARN,
        "authmd-no-expiry",
    ),
    (
        "authmd_malformed_registration_error[conforming]",
        _v1,
        Status.PASS,
        "authmd-malformed-error",
    ),
    (
        "authmd_malformed_registration_error_html_5xx[violating]",
        lambda: registration(
            copy.deepcopy(real.AGENT_AUTH_V1_ANONYMOUS_RESPONSE_WORKOS_FORK),
            malformed=(500, "<html>oops</html>"),
        ),
        Status.WARN,
        "authmd-malformed-error",
    ),
    (
        "authmd_malformed_registration_error_accepted_2xx[violating]",
        lambda: registration(
            copy.deepcopy(real.AGENT_AUTH_V1_ANONYMOUS_RESPONSE_WORKOS_FORK),
            malformed=(200, {"error": "invalid_request", "message": "bad type"}),
        ),
        Status.WARN,
        "authmd-malformed-error",
    ),
    (
        "authmd_malformed_registration_error_no_message[violating]",
        lambda: registration(
            copy.deepcopy(real.AGENT_AUTH_V1_ANONYMOUS_RESPONSE_WORKOS_FORK), malformed=(400, {"error": "x"})
        ),
        Status.WARN,
        "authmd-malformed-error",
    ),
    # RFC 7523 §2.1: the exchange sends grant_type and assertion; an error answer fails the step
    (
        "rfc7523_s2_1_jwt_bearer_exchange[violating]",
        _token_refused,
        Status.FAIL,
        "authmd-token-exchange-failed",
    ),
    # RFC 7009 §2 MAY: revocation is the scan's clean-up, not a requirement on the service
    # no anonymous identity type: nothing this check can run (judged from the block, not a reason string)
    (
        "authmd_v1_no_anonymous_type[not_applicable]",
        lambda: Registration(
            dialect="v1",
            endpoint=f"{ORIGIN}/agent/identity",
            stuck_at="metadata",
            stuck_reason="anonymous registration is not offered (identity_types_supported: service_auth)",
        ),
        Status.NOT_APPLICABLE,
        None,
    ),
    # an endpoint the scan does not call (another origin) is not exercised, neither failed nor "no anonymous"
    (
        "authmd_v1_endpoint_off_target[not_exercised]",
        lambda: Registration(
            dialect="v1",
            endpoint="https://other.example/anonymous/identity",
            stuck_at="off-target",
            stuck_reason="the registration endpoint https://other.example/anonymous/identity is on another "
            "origin than the target and its authorization server; not registering there",
        ),
        Status.SKIPPED,
        None,
    ),
    (
        "authmd_v1_registration_endpoint_named[violating]",
        lambda: Registration(
            dialect="unknown",
            stuck_at="metadata",
            stuck_reason="the agent_auth block names no registration endpoint",
        ),
        Status.FAIL,
        "authmd-no-registration",
    ),
    ("rfc7009_s2_MAY_revoked[conforming]", lambda: _revoked(200), Status.PASS, None),
    ("rfc7009_s2_MAY_no_revocation[permitted_alternative]", lambda: _revoked(None), Status.PASS, None),
]


@pytest.mark.parametrize(
    ("clause", "factory", "status", "code"), REGISTRATION, ids=[r[0] for r in REGISTRATION]
)
def test_auth_md_registration_conformance(
    clause: str, factory: Any, status: Status, code: str | None
) -> None:
    reg = factory()
    types = SERVICE_TYPES.get(clause, ["anonymous"])
    meta = AgentAuth(block={"identity_endpoint": reg.endpoint, "identity_types_supported": types})
    _expect(judge(auth_md_registration, active=True, agent_auth=meta, authmd_registration=reg), status, code)


def _clause_key(ref: str) -> str:
    """The test-id prefix a clause reference maps to: "RFC 7523 §2.1" -> "rfc7523_s2_1", "standards F3" ->
    "standards_f3", "auth.md v0 / v1" -> "authmd"."""
    if ref.startswith("auth.md"):
        return "authmd"
    key = ref.lower().replace("rfc ", "rfc").replace(" §", "_s").replace(".", "_").replace(" ", "_")
    return key


def test_every_judged_clause_of_these_checks_has_rows() -> None:
    from tests.checks import test_conformance_temporary as temporary_rows

    tables = {
        temporary_rows.discoverable.meta.id: temporary_rows.DISCOVERABLE,
        temporary_rows.lifecycle.meta.id: temporary_rows.LIFECYCLE,
        temporary_rows.claim.meta.id: temporary_rows.CLAIM_ROWS,
        signup.account_api.meta.id: ACCOUNT_API,
        signup.gate.meta.id: GATE,
        auth_md_metadata.meta.id: METADATA,
        auth_md_registration.meta.id: REGISTRATION,
    }
    checks = {
        c.meta.id: c
        for c in (
            temporary_rows.discoverable,
            temporary_rows.lifecycle,
            temporary_rows.claim,
            signup.account_api,
            signup.gate,
            auth_md_metadata,
            auth_md_registration,
        )
    }
    missing = []
    for check_id, rows in tables.items():
        ids = [str(r[0]).lower() for r in rows]
        for c in checks[check_id].meta.clauses:
            key = _clause_key(c.ref)
            if c.judged and not any(i.startswith(key) for i in ids):
                missing.append((check_id, c.ref))
            # a judged clause needs a row on each side: conforming (or a permitted alternative) and violating;
            # a MAY cannot be violated
            if (
                c.judged
                and c.level != "MAY"
                and not any(i.startswith(key) and "[violating]" in i for i in ids)
            ):
                missing.append((check_id, c.ref, "no violating row"))
    assert not missing, missing
