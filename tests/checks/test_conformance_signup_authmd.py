"""Conformance tables for signup.* and auth-md.*: one row per clause the check lists (``clauses=``), a
conforming and a violating answer, the clause in the test id. The auth.md and signup rules are mostly the
catalogue's own (no RFC); where a spec permits an alternative the catalogue does not name (RFC 7523 §3.1: a
JWT grant without client authentication), the spec wins (issue 9).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from agent_ready.artifacts.authmd import AuthMdFile
from agent_ready.artifacts.documents import Doc
from agent_ready.checks import signup
from agent_ready.checks.auth_md.file import auth_md_file
from agent_ready.models import Status
from agent_ready.probes.authmd import parse_auth_md
from agent_ready.probes.documents import classify_response
from agent_ready.testing import fake_response, judge
from tests.checks.test_auth_md import V0_URL, md_file
from tests.checks.test_signup import disc_with
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
