"""auth-md.* checks on literal artifacts, built from real published auth.md documents.

Provenance of every document is in ``tests/fixtures/realworld/authmd.py``:
v0 = workos/auth.md AUTH.md @ 0910d093 (register_uri, POST /agent/auth);
branch = the registration_endpoint dialect (POST /agent/register, jwt-bearer at /oauth2/token);
v1 = timothybrush/auth.md fork @ 0d4b6127 (identity_endpoint) and Neon Claimable (neondatabase/claimable-neon
lib/discovery/discovery.ts @ 073a78dc, https://neon.com/auth.md); stub = moa-tips.com's auth.md.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from agent_ready.artifacts.authmd import AgentAuth, AuthMdFile, EndpointProbe, Registration
from agent_ready.artifacts.documents import Doc, DocState
from agent_ready.checks.auth_md.file import auth_md_file
from agent_ready.checks.auth_md.metadata import auth_md_metadata
from agent_ready.checks.auth_md.registration import auth_md_registration
from agent_ready.models import Status
from agent_ready.probes.authmd import detect_dialects, parse_auth_md, read_registration
from agent_ready.probes.documents import classify_response
from agent_ready.testing import fake_response, judge
from tests.fixtures.realworld import authmd as real

V0_URL = "https://service.example.com/auth.md"
BRANCH_URL = "https://service.com/auth.md"
NEON_URL = "https://neon.com/auth.md"
MOA_URL = "https://moa-tips.com/auth.md"


def codes(outcome) -> set[str]:
    return {f.code for f in outcome.findings}


def md_file(
    text: str, url: str, *, dead: tuple[str, ...] = (), content_type: str = "text/markdown"
) -> AuthMdFile:
    """An authmd artifact as the probe builds it: the file parsed, its same-origin endpoints answered."""
    resp = fake_response(200, text, content_type=content_type, url=url)
    f = parse_auth_md(text, url)
    origin = urlsplit(url).netloc
    urls = [e.url for e in f.endpoints if not e.templated and urlsplit(e.url).netloc == origin][:6]
    return dataclasses.replace(
        f,
        doc=Doc(url=url, state=DocState.FOUND, response=resp, data=text),
        endpoint_probes=[
            EndpointProbe(u, fake_response(404 if urlsplit(u).path in dead else 405, url=u)) for u in urls
        ],
    )


def missing_file(resp, url: str = V0_URL) -> AuthMdFile:
    state, problem = classify_response(resp, None)
    return AuthMdFile(doc=Doc(url=url, state=state, response=resp, problem=problem))


SPA = "<!doctype html><html><head><title>App</title></head><body><div id=root></div></body></html>"


FILE_CASES = [
    # (name, artifact factory, status, codes that must appear)
    (
        "v0 WorkOS main",
        lambda: md_file(real.AUTH_MD_V0_WORKOS_MAIN, V0_URL),
        Status.PASS,
        {"authmd-h1", "authmd-steps", "authmd-scopes"},
    ),
    (
        "branch registration_endpoint",
        lambda: md_file(real.AUTH_MD_REGISTRATION_ENDPOINT_DIALECT, BRANCH_URL),
        Status.PASS,
        {"authmd-h1", "authmd-steps"},
    ),
    # Neon's file is a real v1 recipe but its H1 is "Claimable Neon for agents" and it lists no scopes.
    (
        "v1 Neon, H1 without auth.md",
        lambda: md_file(real.AUTH_MD_V1_NEON_CLAIMABLE, NEON_URL),
        Status.WARN,
        {"authmd-h1-name", "authmd-no-scopes", "authmd-steps"},
    ),
    (
        "stub stops at Register",
        lambda: md_file(real.AUTH_MD_STUB_MOA_TIPS, MOA_URL),
        Status.WARN,
        {"authmd-missing-steps", "authmd-no-register-endpoint"},
    ),
    (
        "endpoints that 404",
        lambda: md_file(real.AUTH_MD_V0_WORKOS_MAIN, V0_URL, dead=("/agent/auth",)),
        Status.WARN,
        {"authmd-dead-endpoints"},
    ),
    (
        "no H1",
        lambda: md_file(real.AUTH_MD_V0_WORKOS_MAIN.split("\n", 1)[1], V0_URL),
        Status.WARN,
        {"authmd-no-h1"},
    ),
    (
        "HTML soft-404",
        lambda: missing_file(fake_response(200, SPA, content_type="text/html", url=V0_URL)),
        Status.FAIL,
        {"authmd-html"},
    ),
    (
        "SPA shell labelled text/plain",
        lambda: missing_file(fake_response(200, SPA, content_type="text/plain")),
        Status.FAIL,
        {"authmd-html"},
    ),
    (
        "absent",
        lambda: missing_file(fake_response(404, "not found", url=V0_URL)),
        Status.FAIL,
        {"authmd-absent"},
    ),
    (
        "empty",
        lambda: missing_file(fake_response(200, "", content_type="text/markdown")),
        Status.FAIL,
        {"authmd-empty"},
    ),
    (
        "unreachable",
        lambda: missing_file(fake_response(None, url=V0_URL)),
        Status.ERROR,
        {"authmd-unreachable"},
    ),
]


@pytest.mark.parametrize("name,factory,status,expected", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_auth_md_file(name, factory, status, expected):
    outcome = judge(auth_md_file, authmd=factory())
    assert outcome.status == status, outcome
    assert expected <= codes(outcome), codes(outcome)


def test_file_without_endpoints_warns():
    text = (
        "# auth.md\n\n## Discover\nAsk us.\n## Register\nWrite to us.\n"
        "## Claim\n## Use\n## Errors\n## Revocation\n"
    )
    outcome = judge(auth_md_file, authmd=md_file(text, V0_URL))
    assert outcome.status == Status.WARN
    assert "authmd-no-endpoints" in codes(outcome)


def test_parser_reads_tokens_not_text():
    # A heading inside a code fence is not a section; a link and a code span are endpoints.
    text = (
        "# My auth.md\n\n```markdown\n## Claim\n```\n\n## Discover\nSee [metadata](/.well-known/oauth-"
        "authorization-server) and `POST /agent/identity`.\n\n## Registering\n`GET /x/{id}`\n"
    )
    f = parse_auth_md(text, "https://a.example/auth.md")
    assert f.h1 == "My auth.md"
    assert "claim" not in f.steps and {"discover", "register"} <= set(f.steps)
    raws = {(e.method, e.raw, e.templated) for e in f.endpoints}
    assert ("POST", "/agent/identity", False) in raws
    assert (None, "/.well-known/oauth-authorization-server", False) in raws
    assert ("GET", "/x/{id}", True) in raws


def test_details_name_steps_and_checked_endpoints():
    outcome = judge(auth_md_file, authmd=md_file(real.AUTH_MD_V0_WORKOS_MAIN, V0_URL))
    assert outcome.details["steps_missing"] == []
    assert outcome.details["scopes"] == ["api.read", "api.write"]
    assert outcome.details["mentions_anonymous"] is True
    assert "/auth.md" in outcome.summary


# --- auth-md.metadata -----------------------------------------------------------------------------------


def meta_of(
    metadata: dict | None,
    *,
    issuer: str | None = None,
    prm: dict | None = None,
    skill_status: int = 200,
    dead: tuple[str, ...] = (),
    as_url: str = "https://auth.example/.well-known/oauth-authorization-server",
    state: DocState = DocState.FOUND,
) -> AgentAuth:
    resp = fake_response(200 if metadata is not None else 404, json=metadata or {"error": "x"}, url=as_url)
    doc = Doc(
        url=as_url, state=state if metadata is not None else DocState.ABSENT, response=resp, data=metadata
    )
    m = AgentAuth(as_doc=doc, source="oauth_discovery", issuer=issuer, metadata=metadata, tried=[doc])
    if prm is not None:
        prm_doc = Doc(
            url="https://api.example/.well-known/oauth-protected-resource",
            state=DocState.FOUND,
            response=fake_response(200, json=prm),
            data=prm,
        )
        m = replace(m, prm=prm, prm_doc=prm_doc)
    if metadata is not None and isinstance(metadata.get("agent_auth"), dict):
        block = metadata["agent_auth"]
        m = replace(
            m,
            block=block,
            dialects=detect_dialects(block),
            skill_response=fake_response(skill_status, "# auth.md", content_type="text/markdown"),
        )
        m = replace(
            m,
            endpoint_probes=[
                EndpointProbe(u, fake_response(404 if urlsplit(u).path in dead else 405, url=u))
                for u in m.block_urls().values()
            ],
        )
    return m


def prm_from(as_doc: dict) -> dict:
    # The v0 and branch documents restate the PRM members inside the AS metadata (the real-world oddity).
    return {
        k: as_doc[k]
        for k in ("resource", "authorization_servers", "scopes_supported", "bearer_methods_supported")
    }


V0 = real.AGENT_AUTH_V0_AS_METADATA
BRANCH = real.AGENT_AUTH_REGISTRATION_ENDPOINT_AS_METADATA
V1_FORK = real.AGENT_AUTH_V1_AS_METADATA_WORKOS_FORK
NEON = real.NEON_CLAIMABLE_AS_METADATA

METADATA_CASES = [
    # v0 has no `issuer` member at all; the scanner knows the issuer it fetched for.
    (
        "v0 WorkOS main",
        lambda: meta_of(V0, issuer="https://auth.service.example.com/", prm=prm_from(V0)),
        lambda: md_file(real.AUTH_MD_V0_WORKOS_MAIN, V0_URL),
        Status.PASS,
        "v0",
        {"agent-auth-dialect", "agent-auth-old-dialect", "prm-lists-issuer", "metadata-file-agree"},
    ),
    # branch: issuer "https://auth.service.com" vs authorization_servers ["https://auth.service.com/"].
    (
        "branch, issuer slash mismatch",
        lambda: meta_of(BRANCH, issuer=BRANCH["issuer"], prm=prm_from(BRANCH)),
        lambda: md_file(real.AUTH_MD_REGISTRATION_ENDPOINT_DIALECT, BRANCH_URL),
        Status.WARN,
        "branch",
        {"prm-issuer-slash", "metadata-file-agree"},
    ),
    (
        "v1 WorkOS fork",
        lambda: meta_of(V1_FORK, issuer=V1_FORK["issuer"], prm=prm_from(V1_FORK)),
        lambda: None,
        Status.WARN,
        "v1",
        {"prm-issuer-slash", "agent-auth-file-missing"},
    ),
    # Neon: path issuer listed exactly, but its PRM publishes no scopes_supported (as recorded).
    (
        "v1 Neon",
        lambda: meta_of(NEON, issuer=NEON["issuer"], prm=real.NEON_CLAIMABLE_PRM),
        lambda: md_file(real.AUTH_MD_V1_NEON_CLAIMABLE, NEON_URL),
        Status.WARN,
        "v1",
        {"prm-lists-issuer", "prm-no-scopes", "metadata-file-agree"},
    ),
    (
        "v1 Neon with scopes",
        lambda: meta_of(
            NEON, issuer=NEON["issuer"], prm={**real.NEON_CLAIMABLE_PRM, "scopes_supported": ["project:read"]}
        ),
        lambda: md_file(real.AUTH_MD_V1_NEON_CLAIMABLE, NEON_URL),
        Status.PASS,
        "v1",
        {"prm-lists-issuer"},
    ),
    # Neon's metadata with the WorkOS v0 recipe: the file registers at /agent/auth with register_uri.
    (
        "metadata and file disagree",
        lambda: meta_of(
            NEON, issuer=NEON["issuer"], prm={**real.NEON_CLAIMABLE_PRM, "scopes_supported": ["a"]}
        ),
        lambda: md_file(real.AUTH_MD_V0_WORKOS_MAIN, V0_URL),
        Status.WARN,
        "v1",
        {"metadata-file-disagree", "metadata-file-dialect"},
    ),
    (
        "endpoints 404",
        lambda: meta_of(
            NEON,
            issuer=NEON["issuer"],
            dead=("/v1/agent/identity",),
            prm={**real.NEON_CLAIMABLE_PRM, "scopes_supported": ["a"]},
        ),
        lambda: md_file(real.AUTH_MD_V1_NEON_CLAIMABLE, NEON_URL),
        Status.WARN,
        "v1",
        {"agent-auth-dead-endpoints"},
    ),
    (
        "skill does not answer",
        lambda: meta_of(
            NEON,
            issuer=NEON["issuer"],
            skill_status=404,
            prm={**real.NEON_CLAIMABLE_PRM, "scopes_supported": ["a"]},
        ),
        lambda: md_file(real.AUTH_MD_V1_NEON_CLAIMABLE, NEON_URL),
        Status.WARN,
        "v1",
        {"agent-auth-skill-dead"},
    ),
    (
        "block without endpoint",
        lambda: meta_of(
            {
                "issuer": "https://a.example",
                "agent_auth": {
                    "skill": "https://a.example/auth.md",
                    "identity_types_supported": ["anonymous"],
                },
            },
            issuer="https://a.example",
        ),
        lambda: None,
        Status.FAIL,
        "unknown",
        {"agent-auth-no-endpoint"},
    ),
    (
        "metadata without agent_auth",
        lambda: meta_of(
            {"issuer": "https://a.example", "token_endpoint": "https://a/t"}, issuer="https://a.example"
        ),
        lambda: None,
        Status.FAIL,
        None,
        {"agent-auth-absent"},
    ),
    ("no metadata, no file", lambda: meta_of(None), lambda: None, Status.FAIL, None, {"agent-auth-absent"}),
    (
        "no metadata, file found",
        lambda: meta_of(None),
        lambda: md_file(real.AUTH_MD_V0_WORKOS_MAIN, V0_URL),
        Status.WARN,
        None,
        {"agent-auth-no-metadata"},
    ),
]


@pytest.mark.parametrize(
    "name,meta,file,status,dialect,expected", METADATA_CASES, ids=[c[0] for c in METADATA_CASES]
)
def test_auth_md_metadata(name, meta, file, status, dialect, expected):
    outcome = judge(auth_md_metadata, agent_auth=meta(), authmd=file())
    assert outcome.status == status, [(f.code, f.message) for f in outcome.findings]
    assert expected <= codes(outcome), codes(outcome)
    assert outcome.details.get("dialect") == dialect


def test_metadata_unreachable_is_error():
    resp = fake_response(None)
    doc = Doc(
        url="https://a.example/.well-known/oauth-authorization-server",
        state=DocState.UNREACHABLE,
        response=resp,
        problem="connection refused",
    )
    outcome = judge(auth_md_metadata, agent_auth=AgentAuth(as_doc=doc, tried=[doc]), authmd=None)
    assert outcome.status == Status.ERROR


@pytest.mark.parametrize(
    "block,expected",
    [
        (real.AGENT_AUTH_V0_AS_METADATA["agent_auth"], ["v0"]),
        (real.AGENT_AUTH_V0_REFERENCE_SERVER_BLOCK, ["v0"]),
        (real.AGENT_AUTH_REGISTRATION_ENDPOINT_AS_METADATA["agent_auth"], ["branch"]),
        (real.AGENT_AUTH_V1_AS_METADATA_WORKOS_FORK["agent_auth"], ["v1"]),
        (real.NEON_CLAIMABLE_AS_METADATA["agent_auth"], ["v1"]),
        ({"identity_endpoint": "x", "register_uri": "y"}, ["v1", "v0"]),
    ],
)
def test_dialect_detection(block, expected):
    assert detect_dialects(block) == expected


# --- auth-md.registration (ACTIVE) ----------------------------------------------------------------------


def registration(
    answer: dict,
    *,
    dialect: str = "v1",
    token: bool = True,
    use_status: int | None = 200,
    malformed: tuple[int, dict | str] = (400, {"error": "invalid_request", "message": "bad type"}),
) -> Registration:
    got, _ = read_registration(answer)
    fields = {
        "dialect": dialect,
        "endpoint": "https://auth.example/agent/identity",
        "attempted": True,
        "register_response": fake_response(
            201, json=answer, headers={"Date": "Tue, 04 May 2026 12:00:00 GMT"}
        ),
        **got,
    }
    if got.get("credential") is None and token and got.get("assertion_present"):
        fields["token_response"] = fake_response(200, json={"access_token": "at_x", "expires_in": 3600})
        fields |= {"credential": "at_x", "credential_kind": "access_token", "credential_expires_in": 3600}
    if use_status is not None:
        fields["use_url"] = "https://auth.example/api/things"
        fields["use_response"] = fake_response(use_status, json={})
    status, body = malformed
    fields["malformed_response"] = (
        fake_response(status, json=body)
        if isinstance(body, dict)
        else fake_response(status, body, content_type="text/html")
    )
    return Registration(**fields)


REGISTRATION_CASES = [
    # branch dialect response: identity_assertion_expires + claim_url/claim_token (flat).
    (
        "branch anonymous",
        lambda: registration(
            copy.deepcopy(real.AGENT_AUTH_REGISTRATION_ENDPOINT_ANONYMOUS_RESPONSE), dialect="branch"
        ),
        Status.PASS,
        {
            "authmd-registered",
            "authmd-token-exchanged",
            "authmd-credential-works",
            "authmd-absolute-expiry",
            "authmd-claim-path",
            "authmd-malformed-error",
        },
    ),
    # v1 fork: assertion_expires + pre_claim_scopes.
    (
        "v1 fork anonymous",
        lambda: registration(copy.deepcopy(real.AGENT_AUTH_V1_ANONYMOUS_RESPONSE_WORKOS_FORK)),
        Status.PASS,
        {"authmd-absolute-expiry", "authmd-claim-path"},
    ),
    # AuthKit nested identity{assertion,expires_at} / claim{token,expires_at,url}.
    (
        "AuthKit nested object",
        lambda: registration(copy.deepcopy(real.WORKOS_AUTHKIT_AGENT_REGISTRATION_OBJECT)),
        Status.PASS,
        {"authmd-absolute-expiry", "authmd-claim-path"},
    ),
    # v0: credential returned directly (credential_expires null), claim_token_expires is absolute.
    (
        "v0 direct api_key",
        lambda: registration(copy.deepcopy(real.AGENT_AUTH_V0_ANONYMOUS_RESPONSE), dialect="v0"),
        Status.PASS,
        {"authmd-credential-works", "authmd-claim-path"},
    ),
    # Neon publishes "2026-08-07T…Z" placeholders: no parseable expiry; the claim is a start_url.
    (
        "Neon placeholder expiry",
        lambda: registration(copy.deepcopy(real.NEON_CLAIMABLE_IDENTITY_RESPONSE)),
        Status.WARN,
        {"authmd-relative-expiry", "authmd-claim-path"},
    ),
    (
        "credential rejected",
        lambda: registration(
            copy.deepcopy(real.AGENT_AUTH_V0_ANONYMOUS_RESPONSE), dialect="v0", use_status=401
        ),
        Status.FAIL,
        {"authmd-credential-rejected"},
    ),
    (
        "credential untested",
        lambda: registration(
            copy.deepcopy(real.AGENT_AUTH_V0_ANONYMOUS_RESPONSE), dialect="v0", use_status=None
        ),
        Status.WARN,
        {"authmd-credential-untested"},
    ),
    (
        "malformed gets HTML 500",
        lambda: registration(
            copy.deepcopy(real.AGENT_AUTH_V0_ANONYMOUS_RESPONSE),
            dialect="v0",
            malformed=(500, "<html>oops</html>"),
        ),
        Status.WARN,
        {"authmd-malformed-error"},
    ),
    (
        "no claim path",
        lambda: registration(
            {"credential": "sk_live_x", "credential_expires": "2026-05-04T13:00:00Z"}, dialect="v0"
        ),
        Status.WARN,
        {"authmd-no-claim"},
    ),
]


@pytest.mark.parametrize(
    "name,factory,status,expected", REGISTRATION_CASES, ids=[c[0] for c in REGISTRATION_CASES]
)
def test_auth_md_registration(name, factory, status, expected):
    outcome = judge(auth_md_registration, active=True, agent_auth=AgentAuth(), authmd_registration=factory())
    assert outcome.status == status, [(f.code, f.message) for f in outcome.findings]
    assert expected <= codes(outcome), codes(outcome)


def test_registration_stuck_at_token_exchange_fails_precisely():
    reg = registration(
        copy.deepcopy(real.AGENT_AUTH_V1_ANONYMOUS_RESPONSE_WORKOS_FORK), token=False, use_status=None
    )
    reg = replace(
        reg,
        stuck_at="token",
        stuck_reason="the jwt-bearer exchange gave no access_token (400 error='invalid_grant')",
        token_response=fake_response(400, json={"error": "invalid_grant"}),
    )
    outcome = judge(auth_md_registration, active=True, agent_auth=AgentAuth(), authmd_registration=reg)
    assert outcome.status == Status.FAIL
    assert "authmd-token-exchange-failed" in codes(outcome)
    assert "invalid_grant" in outcome.summary


def test_registration_refused_and_unreachable():
    reg = Registration(
        dialect="v1",
        endpoint="https://a/agent/identity",
        attempted=True,
        stuck_at="register",
        stuck_reason="the registration endpoint answered 400 application/json",
        register_response=fake_response(400, json={"error": "anonymous_not_enabled"}),
    )
    out = judge(auth_md_registration, active=True, agent_auth=AgentAuth(), authmd_registration=reg)
    assert out.status == Status.FAIL and "authmd-register-failed" in codes(out)
    reg = replace(reg, register_response=fake_response(None))
    out = judge(auth_md_registration, active=True, agent_auth=AgentAuth(), authmd_registration=reg)
    assert out.status == Status.ERROR


def test_registration_without_anonymous_is_not_applicable_and_reports_human_flows():
    reg = Registration(
        dialect="v1",
        endpoint="https://a/agent/identity",
        stuck_at="metadata",
        stuck_reason="anonymous registration is not offered (identity_types_supported: service_auth)",
        human_flows=["service_auth returns a user_code a human enters at a verification page"],
    )
    block = {"identity_endpoint": "https://a/agent/identity", "identity_types_supported": ["service_auth"]}
    out = judge(auth_md_registration, active=True, agent_auth=AgentAuth(block=block), authmd_registration=reg)
    assert out.status == Status.NOT_APPLICABLE
    assert "authmd-human-flow" in codes(out)


def test_registration_without_block_fails_and_without_active_skips():
    reg = Registration(
        stuck_at="metadata", stuck_reason="no agent_auth block in the authorization-server metadata"
    )
    out = judge(auth_md_registration, active=True, agent_auth=AgentAuth(), authmd_registration=reg)
    assert out.status == Status.FAIL and "authmd-no-registration" in codes(out)
    assert (
        judge(auth_md_registration, agent_auth=AgentAuth(), authmd_registration=None).status == Status.SKIPPED
    )


def test_read_registration_collects_every_secret():
    got, secrets = read_registration(copy.deepcopy(real.WORKOS_AUTHKIT_AGENT_REGISTRATION_OBJECT))
    assert set(secrets) == {"assertion", "claim_url", "claim_token"}
    reg = Registration(**got)
    assert reg.pre_claim_scopes == ["read:public"] and reg.post_claim_scopes == ["read:public", "write:data"]
    got, secrets = read_registration(copy.deepcopy(real.AGENT_AUTH_V0_ANONYMOUS_RESPONSE))
    assert set(secrets) == {"credential", "claim_url", "claim_token"}
    reg = Registration(**got)
    assert reg.credential_expires_at is None and any("null" in n for n in reg.notes)


def test_use_candidates_stay_on_the_credential_origin():
    from types import SimpleNamespace

    from agent_ready.probes.authmd import use_candidates

    f = md_file(real.AUTH_MD_V0_WORKOS_MAIN, V0_URL)
    call = SimpleNamespace(
        url="https://service.example.com/api/v1/things", response=fake_response(401, method="GET")
    )
    other = SimpleNamespace(url="https://elsewhere.example/api", response=fake_response(401, method="GET"))
    disc = SimpleNamespace(protected=[other, call])
    assert use_candidates(disc, f, "https://service.example.com") == [
        "https://service.example.com/api/v1/things",
        "https://service.example.com/api/some-resource",
    ]
    assert use_candidates(None, None, "https://service.example.com") == []
