"""temporary.* checks on literal artifacts, with the response shapes vendors publish.

Provenance (``tests/fixtures/realworld/temporary.py``): Cloudflare temporary preview accounts,
cloudflare/workers-sdk packages/workers-auth/src/temporary.ts @ 1404c078
(``result.account{apiToken,expiresAt}``,
``result.claim{url,expiresAt}``) and the Claim deployments docs page; Neon neon.new (neondatabase/agent-skills
claimable-postgres skill: ``claim_url``, ``expires_at``, no HTTP credential); auth.md v0 (workos/auth.md).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest

from agent_ready.artifacts.authmd import Registration
from agent_ready.artifacts.documents import Doc, DocState
from agent_ready.artifacts.openapi import OpenAPIDescription, OpenAPIResult, openapi_description
from agent_ready.artifacts.temporary import Signal, TempOperation, TemporaryDiscovery, TemporaryLifecycle
from agent_ready.checks.temporary import claim, discoverable, lifecycle
from agent_ready.models import Status
from agent_ready.probes.authmd import statements
from agent_ready.probes.temporary import pick_create, read_created, request_body, temporary_operations
from agent_ready.testing import fake_response, judge
from tests.fixtures.realworld import temporary as real

CREATE_URL = "https://api.example.com/api/v1/temporary/projects"


def described(spec: dict) -> OpenAPIDescription:
    """An OpenAPI description as the discovery family's ``openapi`` probe would hand it over."""
    doc = Doc(url="https://api.example.com/openapi.json", state=DocState.FOUND, response=None, data=spec)
    return OpenAPIDescription(doc=doc, data=spec, source="common-path")


def codes(outcome) -> set[str]:
    return {f.code for f in outcome.findings}


# --- temporary.discoverable -----------------------------------------------------------------------------

OP = TempOperation("POST", "/api/v1/temporary/projects", "Create a temporary project", True)

DISCOVERABLE_CASES = [
    (
        "agent_auth anonymous",
        TemporaryDiscovery(signals=[Signal("agent_auth", True, "anonymous")]),
        Status.PASS,
        {"temp-signal-agent-auth"},
    ),
    (
        "OpenAPI route",
        TemporaryDiscovery(signals=[Signal("openapi", True, "POST /x")], create=OP),
        Status.PASS,
        {"temp-signal-openapi"},
    ),
    # wrangler's only signal is CLI/401 text ("rerun this command with `--temporary`"): prose.
    (
        "401 hint only",
        TemporaryDiscovery(signals=[Signal("401-body", False, "rerun with --temporary")]),
        Status.WARN,
        {"temp-prose-only", "temp-hint-401-body"},
    ),
    ("nothing", TemporaryDiscovery(), Status.FAIL, {"temp-not-discoverable"}),
    (
        "nothing, inputs unreachable",
        TemporaryDiscovery(unreachable=["https://a/auth.md"]),
        Status.ERROR,
        {"temp-inputs-unreachable"},
    ),
]


@pytest.mark.parametrize(
    "name,found,status,expected", DISCOVERABLE_CASES, ids=[c[0] for c in DISCOVERABLE_CASES]
)
def test_discoverable(name, found, status, expected):
    outcome = judge(discoverable, temporary_discovery=found)
    assert outcome.status == status
    assert expected <= codes(outcome), codes(outcome)


def test_openapi_operations_and_create_route():
    spec = {
        "openapi": "3.1.0",
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/projects": {"post": {"summary": "Create a project"}},
            "/api/v1/temporary/projects": {"post": {"summary": "Create a temporary project", "security": []}},
            "/api/v1/temporary/projects/{id}": {"get": {"summary": "Read one"}},
            "/previews": {"post": {"summary": "Preview deployment"}},  # secured by the global requirement
        },
    }
    ops = temporary_operations(described(spec))
    assert {(o.method, o.path) for o in ops} == {
        ("POST", "/api/v1/temporary/projects"),
        ("GET", "/api/v1/temporary/projects/{id}"),
        ("POST", "/previews"),
    }
    chosen = pick_create(ops)
    assert chosen is not None and chosen.path == "/api/v1/temporary/projects" and chosen.no_auth


def test_request_body_fills_required_and_terms_fields():
    op = TempOperation(
        "POST",
        "/p",
        "",
        True,
        {
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["terms_of_service", "region"],
                            "properties": {
                                "terms_of_service": {"type": "string", "enum": ["accepted"]},
                                "region": {"type": "string", "default": "eu"},
                                "name": {"type": "string"},
                            },
                        }
                    }
                }
            }
        },
    )
    body, terms = request_body({}, op)
    assert body == {"terms_of_service": "accepted", "region": "eu"} and terms == "terms_of_service"


# --- reading creation answers in every published shape -------------------------------------------------

# Cloudflare: the TemporaryAccountPayload field list (temporary.ts), concrete values in place of the types.
CLOUDFLARE_ANSWER = {
    "success": True,
    "errors": [],
    "messages": [],
    "result": {
        "account": {
            "id": "acc_1",
            "name": "temporary-abc",
            "type": "standard",
            "apiToken": "cf_token_value_123",
            "tokenId": "tok_1",
            "expiresAt": "2026-06-16T13:00:00Z",
        },
        "claim": {
            "token": "claim_tok_1",
            "url": "https://dash.cloudflare.com/claim/xyz",
            "expiresAt": "2026-06-16T13:00:00Z",
        },
        "eventCodeAccepted": False,
    },
}
CF_DATE = {"Date": "Tue, 16 Jun 2026 12:00:00 GMT"}


def test_read_cloudflare_shape():
    made = read_created(fake_response(200, json=CLOUDFLARE_ANSWER, headers=CF_DATE), CREATE_URL)
    assert made.credential == "cf_token_value_123" and made.credential_field == "account.apiToken"
    assert made.expires_at == "2026-06-16T13:00:00Z" and made.lifetime_s == 3600
    assert made.claim_url == "https://dash.cloudflare.com/claim/xyz" and made.claim_expires_at


def test_read_neon_new_shape():
    # neon.new: no HTTP credential (a connection string), absolute expires_at, flat claim_url, created_at.
    made = read_created(
        fake_response(201, json=copy.deepcopy(real.NEON_NEW_DATABASE_RESPONSE_INSTAGRES_RS)),
        "https://neon.new/api/v1/database",
    )
    assert made.credential is None
    assert made.claim_field == "claim_url" and made.lifetime_s == 72 * 3600
    assert made.resource_id == "019a7939-50b0-7b41-9e55-cb93f4d2c480"


def test_read_relative_and_epoch_expiry():
    made = read_created(fake_response(201, json={"token": "t" * 10, "expires_in": 1800}), CREATE_URL)
    assert made.expires_at is None and made.relative_ttl_s == 1800 and made.lifetime_s == 1800
    # Cloudflare's PoW challenge uses epoch seconds for expiresAt (observed): absolute, converted, flagged.
    made = read_created(
        fake_response(201, json=copy.deepcopy(real.CLOUDFLARE_POW_CHALLENGE_RESPONSE_OBSERVED)), CREATE_URL
    )
    assert made.expires_at and "epoch" in (made.expires_field or "")


# --- temporary.lifecycle (ACTIVE) ------------------------------------------------------------------------


def life_of(
    answer: dict,
    *,
    use: int | None = 200,
    cross: int | None = 404,
    claim_page: int | None = 200,
    headers: dict | None = None,
) -> TemporaryLifecycle:
    first = replace(
        read_created(fake_response(201, json=answer, headers=headers), CREATE_URL),
        resource_url=CREATE_URL + "/p1",
    )
    fields: dict[str, Any] = {
        "route": "POST /api/v1/temporary/projects",
        "create_url": CREATE_URL,
        "first": first,
        "second": read_created(fake_response(201, json=answer, headers=headers), CREATE_URL),
    }
    if use is not None:
        fields["use_response"] = fake_response(use, json={})
    if first.claim_url and claim_page is not None:
        fields |= {
            "claim_same_origin": False,
            "claim_https": first.claim_url.startswith("https"),
            "claim_response": fake_response(claim_page, "<html>Claim</html>", content_type="text/html"),
        }
    if cross is not None:
        fields["cross_response"] = fake_response(cross, json={})
    return TemporaryLifecycle(**fields)


LIFECYCLE_CASES = [
    (
        "Cloudflare shape",
        lambda: life_of(CLOUDFLARE_ANSWER, headers=CF_DATE),
        Status.PASS,
        {
            "temp-created",
            "temp-usable",
            "temp-absolute-expiry",
            "temp-claim-url",
            "temp-claim-answers",
            "temp-isolated",
        },
    ),
    (
        "relative TTL",
        lambda: life_of(
            {
                "credential": {"token": "t" * 12},
                "expires_in": 3600,
                "claim": {"url": "https://x.example/claim/1"},
            }
        ),
        Status.WARN,
        {"temp-relative-expiry"},
    ),
    (
        "no claim URL",
        lambda: life_of({"credential": {"token": "t" * 12}, "expires_at": "2026-06-16T13:00:00Z"}),
        Status.FAIL,
        {"temp-no-claim"},
    ),
    (
        "no expiry",
        lambda: life_of({"credential": {"token": "t" * 12}, "claim_url": "https://x/claim/1"}),
        Status.FAIL,
        {"temp-no-expiry"},
    ),
    ("leaky", lambda: life_of(CLOUDFLARE_ANSWER, cross=200), Status.FAIL, {"temp-leaky"}),
    ("unusable at once", lambda: life_of(CLOUDFLARE_ANSWER, use=401), Status.FAIL, {"temp-unusable"}),
    ("claim URL dead", lambda: life_of(CLOUDFLARE_ANSWER, claim_page=404), Status.WARN, {"temp-claim-dead"}),
    (
        "isolation untested",
        lambda: life_of(CLOUDFLARE_ANSWER, cross=None),
        Status.WARN,
        {"temp-isolation-untested"},
    ),
    # neon.new gives a connection string, not an HTTP credential: nothing to read the database back with.
    (
        "neon.new",
        lambda: life_of(copy.deepcopy(real.NEON_NEW_DATABASE_RESPONSE), use=None, cross=None),
        Status.WARN,
        {"temp-use-untested", "temp-absolute-expiry", "temp-claim-url"},
    ),
]


@pytest.mark.parametrize("name,factory,status,expected", LIFECYCLE_CASES, ids=[c[0] for c in LIFECYCLE_CASES])
def test_lifecycle(name, factory, status, expected):
    outcome = judge(
        lifecycle,
        active=True,
        temporary_discovery=TemporaryDiscovery(),
        temporary_lifecycle=factory(),
        authmd_registration=None,
    )
    assert outcome.status == status, [(f.code, f.message) for f in outcome.findings]
    assert expected <= codes(outcome), codes(outcome)


def test_lifecycle_details_and_summary_speak_plainly():
    outcome = judge(
        lifecycle,
        active=True,
        temporary_discovery=TemporaryDiscovery(),
        temporary_lifecycle=life_of(CLOUDFLARE_ANSWER, headers=CF_DATE),
        authmd_registration=None,
    )
    assert outcome.details["lifetime_s"] == 3600 and outcome.details["claim_url_present"] is True
    assert "60 minutes" in outcome.summary and "claim link" in outcome.summary


def test_lifecycle_failures_and_skips():
    disc = TemporaryDiscovery()
    no_route = TemporaryLifecycle(
        stuck_at="route", stuck_reason="no documented route creates a temporary resource"
    )
    out = judge(
        lifecycle,
        active=True,
        temporary_discovery=disc,
        temporary_lifecycle=no_route,
        authmd_registration=None,
    )
    assert out.status == Status.FAIL and "temp-no-route" in codes(out)
    reg = Registration(credential="x" * 10, claim_url_present=True)
    out = judge(
        lifecycle,
        active=True,
        temporary_discovery=disc,
        temporary_lifecycle=no_route,
        authmd_registration=reg,
    )
    assert out.status == Status.WARN and "temp-via-auth-md" in codes(out)
    failed_create = TemporaryLifecycle(
        route="POST /p",
        stuck_at="create",
        stuck_reason="POST /p answered 403",
        first=read_created(fake_response(403, json={"error": "forbidden"}), CREATE_URL),
    )
    out = judge(
        lifecycle,
        active=True,
        temporary_discovery=disc,
        temporary_lifecycle=failed_create,
        authmd_registration=None,
    )
    assert out.status == Status.FAIL and "temp-create-failed" in codes(out)
    unreachable = TemporaryLifecycle(
        route="POST /p",
        stuck_at="create",
        stuck_reason="timeout",
        first=read_created(fake_response(None), CREATE_URL),
    )
    out = judge(
        lifecycle,
        active=True,
        temporary_discovery=disc,
        temporary_lifecycle=unreachable,
        authmd_registration=None,
    )
    assert out.status == Status.ERROR
    assert (
        judge(lifecycle, temporary_discovery=disc, temporary_lifecycle=None, authmd_registration=None).status
        == Status.SKIPPED
    )


# --- temporary.claim --------------------------------------------------------------------------------------


def test_statements_from_vendor_docs():
    found = statements([real.CLOUDFLARE_CLAIM_SEMANTICS, real.NEON_NEW_EXPIRY_SEMANTICS])
    assert found["survives_claim"] == [real.CLOUDFLARE_CLAIM_SEMANTICS.split(". ")[1].strip()]
    assert found["at_expiry"] and "72 hours" in found["at_expiry"][0]
    # "expires_in seconds" is a field name, not a statement about expiry.
    assert statements(["The answer is an access_token (expires_in seconds)."])["at_expiry"] == []


def disc_with(statements_: dict[str, list[str]], signals: bool = True) -> TemporaryDiscovery:
    return TemporaryDiscovery(
        signals=[Signal("openapi", True, "POST /x")] if signals else [],
        statements=statements_,
        statement_sources={k: ["auth.md"] for k in statements_},
    )


CLAIM_CASES = [
    (
        "all three stated",
        disc_with(
            {
                "survives_claim": ["The project transfers on claim."],
                "who_claims": ["Only a signed-in human can claim it."],
                "at_expiry": ["Unclaimed projects are deleted after 60 minutes."],
            }
        ),
        Status.PASS,
        {"temp-states-survives-claim", "temp-states-who-claims", "temp-states-at-expiry"},
    ),
    # Cloudflare's docs sentence states what a claim keeps, not who may claim nor what expiry does.
    (
        "Cloudflare docs sentence",
        disc_with(statements([real.CLOUDFLARE_CLAIM_SEMANTICS])),
        Status.WARN,
        {"temp-states-survives-claim", "temp-unstated-who-claims"},
    ),
    ("tier without semantics", disc_with({}), Status.FAIL, {"temp-unstated-at-expiry"}),
    ("no tier at all", disc_with({}, signals=False), Status.FAIL, {"temp-no-semantics"}),
]


@pytest.mark.parametrize("name,found,status,expected", CLAIM_CASES, ids=[c[0] for c in CLAIM_CASES])
def test_claim(name, found, status, expected):
    outcome = judge(claim, temporary_discovery=found, temporary_lifecycle=None)
    assert outcome.status == status, [(f.code, f.message) for f in outcome.findings]
    assert expected <= codes(outcome), codes(outcome)


def test_claim_reads_the_creation_response_in_active_mode():
    life = TemporaryLifecycle(statements={"at_expiry": ["Unclaimed projects are deleted after 60 minutes."]})
    found = disc_with({"survives_claim": ["The project transfers on claim."]})
    passive = judge(claim, temporary_discovery=found, temporary_lifecycle=None)
    active = judge(claim, active=True, temporary_discovery=found, temporary_lifecycle=life)
    assert passive.details["at_expiry_stated"] is False
    assert active.details["at_expiry_stated"] is True and "creation response" in active.details["sources"]


def test_openapi_description_is_read_through_the_discovery_accessor():
    spec = {"openapi": "3.1.0", "paths": {}}
    desc = described(spec)
    assert openapi_description(OpenAPIResult(desc)) is desc and desc.data is spec
    assert openapi_description(OpenAPIResult(None)) is None
    assert openapi_description(None) is None
