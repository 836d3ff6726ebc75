"""Active anonymous registration in the two older dialects, served from their real published documents.

The v0 service is workos/auth.md AUTH.md @ 0910d093 (``register_uri``; ``POST /agent/auth`` returns the
credential directly); the branch service is the ``registration_endpoint`` dialect (``POST /agent/register``
returns an identity assertion exchanged at ``/oauth2/token`` with the jwt-bearer grant). Both come from
``tests/fixtures/realworld/authmd.py``; only their placeholder hosts are replaced by the test server's origin,
and their ``...`` placeholder secrets by concrete values (a scanner must have something to present).
"""

from __future__ import annotations

import copy
import json

import pytest
from werkzeug import Request, Response

from agent_ready.models import Status
from agent_ready.reports.json_report import to_dict
from tests.fixtures.realworld import authmd as real

CREDENTIAL = "sk_test_4f9a8b7c6d5e"
ASSERTION = "ia_service_signed_0a1b2c3d"
ACCESS = "at_from_assertion_9z8y7x"
CLAIM_TOKEN = "clm_claim_token_5e6f7a"


def rebase(value, base: str, hosts: tuple[str, ...]):
    text = json.dumps(value)
    for host in hosts:
        text = text.replace(host, base)
    return json.loads(text)


def serve(
    httpserver, *, metadata: dict, auth_md: str, register_path: str, answer: dict, hosts: tuple[str, ...]
):
    httpserver.no_handler_status_code = 404
    base = httpserver.url_for("/").rstrip("/")
    metadata = rebase(metadata, base, hosts)
    prm = {
        k: metadata[k]
        for k in ("resource", "authorization_servers", "scopes_supported", "bearer_methods_supported")
    }
    answer = rebase(answer, base, hosts)

    def register(request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        if body.get("type") != "anonymous":
            return Response(
                json.dumps({"error": "invalid_request", "message": "unknown type"}),
                400,
                content_type="application/json",
            )
        return Response(json.dumps(answer), 200, content_type="application/json")

    def token(request: Request) -> Response:
        form = request.form
        if (
            form.get("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer"
            and form.get("assertion") == ASSERTION
        ):
            return Response(
                json.dumps({"access_token": ACCESS, "token_type": "Bearer", "expires_in": 3600}),
                200,
                content_type="application/json",
            )
        return Response(json.dumps({"error": "invalid_grant"}), 400, content_type="application/json")

    def resource(request: Request) -> Response:
        if request.headers.get("Authorization") in (f"Bearer {CREDENTIAL}", f"Bearer {ACCESS}"):
            return Response(json.dumps({"ok": True}), 200, content_type="application/json")
        return Response("", 401, headers={"WWW-Authenticate": "Bearer"})

    httpserver.expect_request("/.well-known/oauth-authorization-server").respond_with_json(metadata)
    httpserver.expect_request("/.well-known/oauth-protected-resource").respond_with_json(prm)
    httpserver.expect_request("/auth.md").respond_with_data(auth_md, content_type="text/markdown")
    httpserver.expect_request(register_path, method="POST").respond_with_handler(register)
    httpserver.expect_request("/oauth2/token", method="POST").respond_with_handler(token)
    httpserver.expect_request("/api/some-resource").respond_with_handler(resource)
    return base


def v0_answer() -> dict:
    answer = copy.deepcopy(real.AGENT_AUTH_V0_ANONYMOUS_RESPONSE)
    answer.update(credential=CREDENTIAL, claim_token=CLAIM_TOKEN)
    return answer


def branch_answer() -> dict:
    answer = copy.deepcopy(real.AGENT_AUTH_REGISTRATION_ENDPOINT_ANONYMOUS_RESPONSE)
    answer.update(identity_assertion=ASSERTION, claim_token=CLAIM_TOKEN)
    return answer


CASES = [
    (
        "v0",
        real.AGENT_AUTH_V0_AS_METADATA,
        real.AUTH_MD_V0_WORKOS_MAIN,
        "/agent/auth",
        v0_answer,
        (
            "https://auth.service.example.com",
            "https://api.service.example.com",
            "https://service.example.com",
        ),
        "api_key",
        (CREDENTIAL, CLAIM_TOKEN),
    ),
    (
        "branch",
        real.AGENT_AUTH_REGISTRATION_ENDPOINT_AS_METADATA,
        real.AUTH_MD_REGISTRATION_ENDPOINT_DIALECT,
        "/agent/register",
        branch_answer,
        ("https://auth.service.com", "https://api.service.com", "https://service.com"),
        "access_token",
        (ASSERTION, ACCESS, CLAIM_TOKEN),
    ),
]


@pytest.mark.parametrize(
    "dialect,metadata,auth_md,path,answer,hosts,kind,secrets", CASES, ids=[c[0] for c in CASES]
)
def test_active_registration_in_published_dialects(
    httpserver, run_scan, dialect, metadata, auth_md, path, answer, hosts, kind, secrets
):
    base = serve(
        httpserver, metadata=metadata, auth_md=auth_md, register_path=path, answer=answer(), hosts=hosts
    )
    report = run_scan(base + "/", only=["auth-md"], active=True)
    meta = report.result("auth-md.metadata")
    assert meta.details["dialect"] == dialect
    reg = report.result("auth-md.registration")
    assert reg.status == Status.PASS, [(f.code, f.message) for f in reg.findings]
    assert reg.details["credential_kind"] == kind and reg.details["usable"] is True
    assert {"authmd-claim-path", "authmd-absolute-expiry", "authmd-malformed-error"} <= {
        f.code for f in reg.findings
    }
    dump = json.dumps(to_dict(report))
    assert not any(secret in dump for secret in secrets)
