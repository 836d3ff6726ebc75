"""signup.* checks on literal artifacts (real-world metadata shapes from tests/fixtures/realworld/oauth.py,
whose
provenance comments name the published documents)."""

from __future__ import annotations

from typing import Any

import pytest

from agent_ready.artifacts.documents import Doc, DocState
from agent_ready.artifacts.oauth import AuthServer, OAuthDiscovery, OAuthFlow, Registration
from agent_ready.artifacts.signup import AccountCreation, SignupRoute, SignupRoutes
from agent_ready.checks import signup
from agent_ready.models import Status
from agent_ready.probes.signup import gates_in, signup_prose, synthesize
from agent_ready.testing import fake_response, judge
from tests.fixtures.realworld import oauth as rw

API = "https://api.example.com"


def disc_with(meta: dict[str, Any] | None, issuer: str = API) -> OAuthDiscovery:
    if meta is None:
        return OAuthDiscovery()
    resp = fake_response(200, json=meta, url=f"{issuer}/.well-known/oauth-authorization-server")
    d = Doc(url=resp.url, state=DocState.FOUND, response=resp, data=meta)
    return OAuthDiscovery(auth_servers=[AuthServer(issuer=issuer, doc=d, tried=[d])])


def codes(outcome: Any) -> set[str]:
    return {f.code for f in outcome.findings}


# --- signup.client-registration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "meta,issuer,status,code",
    [
        (rw.LINEAR_AS, "https://mcp.linear.app", Status.PASS, "cimd"),  # CIMD and DCR
        (rw.ATLASSIAN_AS, rw.ATLASSIAN_AS["issuer"], Status.PASS, "cimd"),
        # Cloudflare bindings: DCR only, CIMD explicitly false -> DCR-only concern naming the 2026-07-28
        # deprecation.
        (rw.CLOUDFLARE_BINDINGS_AS, "https://bindings.mcp.cloudflare.com", Status.WARN, "dcr-deprecated"),
        # GitHub: neither CIMD nor DCR; a client_id comes from a person registering a GitHub App.
        (rw.GITHUB_AS, "https://github.com/login/oauth", Status.FAIL, "no-registration"),
    ],
)
def test_client_registration_passive(meta: dict[str, Any], issuer: str, status: Status, code: str) -> None:
    out = judge(signup.client_registration, oauth_discovery=disc_with(meta, issuer))
    assert out.status == status and code in codes(out), out


def test_dcr_deprecation_says_why() -> None:
    out = judge(
        signup.client_registration,
        oauth_discovery=disc_with(rw.CLOUDFLARE_BINDINGS_AS, "https://bindings.mcp.cloudflare.com"),
    )
    (f,) = [f for f in out.findings if f.code == "dcr-deprecated"]
    assert (
        "2026-07-28" in f.message and "Client ID Metadata Documents" in f.message and "identity" in f.message
    )


def test_client_registration_without_metadata_fails_and_unreachable_errors() -> None:
    out = judge(signup.client_registration, oauth_discovery=disc_with(None))
    assert out.status == Status.FAIL and "no-registration-metadata" in codes(out)
    gone = fake_response(None, url=f"{API}/.well-known/oauth-authorization-server")
    d = Doc(url=gone.url, state=DocState.UNREACHABLE, response=gone)
    disc = OAuthDiscovery(auth_servers=[AuthServer(issuer=API, doc=None, tried=[d])])
    assert judge(signup.client_registration, oauth_discovery=disc).status == Status.ERROR


def registration(status: int, body: dict[str, Any], delete: int | None = 204) -> Registration:
    return Registration(
        response=fake_response(status, json=body, method="POST", url=f"{API}/register"),
        client_id=body.get("client_id") if status < 300 else None,
        delete_response=None
        if delete is None
        else fake_response(delete, method="DELETE", url=f"{API}/register/x"),
    )


@pytest.mark.parametrize(
    "reg,status,code",
    [
        (registration(201, rw.RFC7591_REGISTRATION_RESPONSE_EXAMPLE), Status.PASS, "dcr-deleted"),
        (registration(201, {"client_id": "abc"}, delete=None), Status.PASS, "dcr-not-deletable"),
        (registration(500, {"title": "Internal Server Error"}), Status.FAIL, "dcr-failed"),
        (
            registration(400, {"error": "invalid_redirect_uri", "error_description": "loopback not allowed"}),
            Status.WARN,
            "dcr-rejected",
        ),
    ],
)
def test_client_registration_active(reg: Registration, status: Status, code: str) -> None:
    flow = OAuthFlow(issuer=API, registration_endpoint=f"{API}/register", dcr=reg)
    out = judge(
        signup.client_registration,
        active=True,
        oauth_discovery=disc_with(rw.LINEAR_AS, "https://mcp.linear.app"),
        oauth_flow=flow,
    )
    assert out.status == status and code in codes(out), out


def test_client_registration_never_fails_only_because_active_is_off() -> None:
    out = judge(signup.client_registration, oauth_discovery=disc_with(rw.SENTRY_AS, "https://mcp.sentry.dev"))
    assert out.status == Status.PASS and "active-skipped" in codes(out)


# --- signup.account-api -------------------------------------------------------------------------------------

KEYS = SignupRoute(
    kind="openapi",
    method="POST",
    url=f"{API}/v1/keys",
    label="createApiKey",
    gates=["rate-limit", "terms-field"],
)


def test_account_api_passive_and_missing() -> None:
    out = judge(signup.account_api, signup_routes=SignupRoutes(routes=[KEYS]))
    assert out.status == Status.PASS and {"signup-route", "active-skipped"} <= codes(out)
    needs_account = SignupRoute(
        kind="openapi", method="POST", url=f"{API}/v1/keys", label="k", requires_auth=True
    )
    out = judge(
        signup.account_api, signup_routes=SignupRoutes(routes=[needs_account], openapi_url=f"{API}/o.json")
    )
    assert out.status == Status.FAIL and {"no-account-api", "key-route-needs-account"} <= codes(out)


def test_account_api_active() -> None:
    made = AccountCreation(
        route=KEYS,
        response=fake_response(201, json={}, method="POST"),
        credential="k" * 20,
        origin=API,
        expires="2026-12-01T00:00:00Z",
        use_response=fake_response(200, json={"projects": []}),
    )
    out = judge(
        signup.account_api, active=True, signup_routes=SignupRoutes(routes=[KEYS]), signup_account=made
    )
    assert out.status == Status.PASS and {"signup-credential", "signup-credential-works"} <= codes(out)
    failed = AccountCreation(
        route=KEYS, response=fake_response(400, json={"title": "terms"}), failure="no key"
    )
    out = judge(
        signup.account_api, active=True, signup_routes=SignupRoutes(routes=[KEYS]), signup_account=failed
    )
    assert out.status == Status.FAIL and "signup-call-failed" in codes(out)


# --- signup.gate --------------------------------------------------------------------------------------------


def route(*gates: str) -> SignupRoute:
    return SignupRoute(kind="openapi", method="POST", url=f"{API}/signup", label="signup", gates=list(gates))


@pytest.mark.parametrize(
    "routes,status,code",
    [
        ([route("proof-of-work")], Status.PASS, "agent-solvable-gate"),
        ([route("rate-limit", "terms-field")], Status.PASS, "agent-solvable-gate"),
        ([route("captcha")], Status.FAIL, "human-gate"),
        ([route("email-verification")], Status.FAIL, "human-gate"),
        ([route("captcha", "rate-limit")], Status.WARN, "human-gate"),
        ([route()], Status.WARN, "no-stated-gate"),
    ],
)
def test_gate(routes: list[SignupRoute], status: Status, code: str) -> None:
    out = judge(signup.gate, signup_routes=SignupRoutes(routes=routes))
    assert out.status == status and code in codes(out), out


def test_gate_not_applicable_without_a_route_says_why() -> None:
    out = judge(signup.gate, signup_routes=SignupRoutes())
    assert out.status == Status.NOT_APPLICABLE and "no sign-up route" in out.summary


@pytest.mark.parametrize(
    "text,gates",
    [
        ("No account, e-mail or CAPTCHA needed. Rate limit: 10 keys per hour.", ["rate-limit"]),
        ("Solve the reCAPTCHA, then verify your email address.", ["captcha", "email-verification"]),
        # Cloudflare's temporary-account flow (wrangler source, standards F2): a SHA-256 proof-of-work and
        # a ToS field.
        (
            'POST {"acceptTermsOfService": "yes", "challengeToken": "…", "solution": {...}} — a '
            "proof-of-work challenge",
            ["proof-of-work", "terms-field"],
        ),
        ("Requests are limited to 60 per minute; a 429 carries Retry-After.", ["rate-limit"]),
    ],
)
def test_gates_in(text: str, gates: list[str]) -> None:
    assert sorted(gates_in(text)) == sorted(gates)


def test_claim_sections_are_not_sign_up_gates() -> None:
    md = (
        "# auth.md\n## Register\nPOST /agent/identity\n## Claim\nThe human gets a one-time code by "
        "e-mail to verify.\n"
    )
    assert "Claim" not in signup_prose(md) and "Register" in signup_prose(md)


def test_synthesize_fills_required_fields() -> None:
    schema = {
        "type": "object",
        "required": ["name", "accept_terms", "plan", "n"],
        "properties": {
            "name": {"type": "string", "example": "bot"},
            "accept_terms": {"type": "boolean"},
            "plan": {"enum": ["free", "pro"]},
            "n": {"type": "integer"},
        },
    }
    assert synthesize(schema) == {"name": "bot", "accept_terms": True, "plan": "free", "n": 1}
