"""Conformance tables for the temporary.* checks: one row per clause the check lists (``clauses=``), a
conforming and a violating answer (or a permitted alternative), the clause in the test id.

No RFC governs temporary resources; the clauses are the catalogue's (standards F1, F2, F4), drawn from the
vendors that ship them (Cloudflare temporary accounts, Neon claimable databases, auth.md anonymous). The one
RFC a check names, RFC 3339 for the expiry instant, is listed as not judged: a relative TTL is converted and
flagged, not failed, and its row pins that.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from agent_ready.artifacts.authmd import Registration
from agent_ready.artifacts.temporary import Signal, TempOperation, TemporaryDiscovery, TemporaryLifecycle
from agent_ready.checks.temporary import claim, discoverable, lifecycle
from agent_ready.models import Status
from agent_ready.probes.temporary import read_created
from agent_ready.testing import fake_response, judge
from tests.checks.test_temporary import CF_DATE, CLOUDFLARE_ANSWER, CREATE_URL, codes, life_of

OP = TempOperation("POST", "/api/v1/temporary/projects", "Create a temporary project", True)
TOKEN = {"credential": {"token": "t" * 12}}
EXPIRES = {"expires_at": "2026-06-16T13:00:00Z"}
CLAIM = {"claim": {"url": "https://x.example/claim/1"}}


def _expect(out: Any, status: Status, code: str | None) -> None:
    assert out.status == status, [(f.code, f.message) for f in out.findings]
    if code is not None:
        assert code in codes(out), codes(out)


# --- temporary.discoverable: standards F1 -------------------------------------------------------------------

DISCOVERABLE: list[tuple[str, TemporaryDiscovery, Status, str | None]] = [
    (
        "standards_F1_agent_auth_anonymous[conforming]",
        TemporaryDiscovery(signals=[Signal("agent_auth", True, 'identity_types_supported ∋ "anonymous"')]),
        Status.PASS,
        "temp-signal-agent-auth",
    ),
    (
        "standards_F1_openapi_route[conforming]",
        TemporaryDiscovery(signals=[Signal("openapi", True, "POST /api/v1/temporary/projects")], create=OP),
        Status.PASS,
        "temp-signal-openapi",
    ),
    (
        "standards_F1_llms_txt_link[conforming]",
        TemporaryDiscovery(signals=[Signal("llms.txt", True, "[Temporary projects](/docs/temporary)")]),
        Status.PASS,
        "temp-signal-llms-txt",
    ),
    (
        "standards_F1_api_catalog_link[conforming]",
        TemporaryDiscovery(signals=[Signal("api-catalog", True, "temporary-projects")]),
        Status.PASS,
        "temp-signal-api-catalog",
    ),
    # F1: "Warn if prose only" (wrangler's "rerun this command with `--temporary`").
    (
        "standards_F1_prose_only_warns[violating]",
        TemporaryDiscovery(signals=[Signal("401-body", False, "rerun with --temporary")]),
        Status.WARN,
        "temp-prose-only",
    ),
    (
        "standards_F1_no_tier[violating]",
        TemporaryDiscovery(),
        Status.FAIL,
        "temp-not-discoverable",
    ),
    # "absent" and "unreachable" are different findings
    (
        "standards_F1_inputs_unreachable[error]",
        TemporaryDiscovery(unreachable=["https://a.example/auth.md"]),
        Status.ERROR,
        "temp-inputs-unreachable",
    ),
]


@pytest.mark.parametrize(
    ("clause", "found", "status", "code"), DISCOVERABLE, ids=[r[0] for r in DISCOVERABLE]
)
def test_temporary_discoverable_conformance(
    clause: str, found: TemporaryDiscovery, status: Status, code: str | None
) -> None:
    _expect(judge(discoverable, temporary_discovery=found), status, code)


# --- temporary.lifecycle: standards F2 (ACTIVE), RFC 3339 ---------------------------------------------------


def _via_auth_md_only() -> tuple[TemporaryLifecycle, Registration]:
    life = TemporaryLifecycle(
        stuck_at="route", stuck_reason="no documented route creates a temporary resource"
    )
    return life, Registration(credential="x" * 10, claim_url_present=True)


def _no_route() -> tuple[TemporaryLifecycle, None]:
    return TemporaryLifecycle(
        stuck_at="route", stuck_reason="no documented route creates a temporary resource"
    ), None


def _create_refused(source: str | None) -> tuple[TemporaryLifecycle, None]:
    life = TemporaryLifecycle(
        route="POST /p",
        stuck_at="create",
        stuck_reason="POST /p answered 401",
        credential_source=source,
        first=read_created(fake_response(401, json={"error": "unauthorized"}), CREATE_URL),
    )
    return life, None


def _created_with(source: str) -> tuple[TemporaryLifecycle, None]:
    return replace(life_of(CLOUDFLARE_ANSWER, headers=CF_DATE), credential_source=source), None


LIFECYCLE: list[tuple[str, Any, Status, str | None]] = [
    (
        "standards_F2_usable_expiring_claimable_isolated[conforming]",
        lambda: (life_of(CLOUDFLARE_ANSWER, headers=CF_DATE), None),
        Status.PASS,
        "temp-created",
    ),
    # F2: "an immediately usable credential"
    (
        "standards_F2_works_at_once[violating]",
        lambda: (life_of(CLOUDFLARE_ANSWER, use=401), None),
        Status.FAIL,
        "temp-unusable",
    ),
    # F2: "an absolute ISO 8601 expiry"
    (
        "standards_F2_absolute_expiry[violating]",
        lambda: (life_of(TOKEN | CLAIM), None),
        Status.FAIL,
        "temp-no-expiry",
    ),
    # RFC 3339 (not judged): a relative TTL is converted and flagged, not failed
    (
        "rfc3339_relative_ttl_flagged[permitted_alternative]",
        lambda: (life_of(TOKEN | {"expires_in": 3600} | CLAIM), None),
        Status.WARN,
        "temp-relative-expiry",
    ),
    # F2: "an opaque https claim URL"
    (
        "standards_F2_claim_url[violating]",
        lambda: (life_of(TOKEN | EXPIRES), None),
        Status.FAIL,
        "temp-no-claim",
    ),
    (
        "standards_F2_claim_url_https[violating]",
        lambda: (life_of(TOKEN | EXPIRES | {"claim": {"url": "http://other.example/claim/1"}}), None),
        Status.WARN,
        "temp-claim-insecure",
    ),
    (
        "standards_F2_claim_url_answers[violating]",
        lambda: (life_of(CLOUDFLARE_ANSWER, claim_page=404), None),
        Status.WARN,
        "temp-claim-dead",
    ),
    # F2 "isolated": a second temporary credential must not read the first resource
    (
        "standards_F2_isolated[violating]",
        lambda: (life_of(CLOUDFLARE_ANSWER, cross=200), None),
        Status.FAIL,
        "temp-leaky",
    ),
    (
        "standards_F2_isolation_untested[violating]",
        lambda: (life_of(CLOUDFLARE_ANSWER, cross=None), None),
        Status.WARN,
        "temp-isolation-untested",
    ),
    # F2 (issue 9): a route that needs the credential the journey obtained is created with it, and says so
    (
        "standards_F2_journey_credential[conforming]",
        lambda: _created_with("auth.md anonymous registration"),
        Status.PASS,
        "temp-created",
    ),
    (
        "standards_F2_journey_credential_refused[violating]",
        lambda: _create_refused("auth.md anonymous registration"),
        Status.FAIL,
        "temp-create-failed",
    ),
    # auth.md's anonymous registration with a claim path is a temporary tier of its own; isolation untested
    (
        "standards_F2_auth_md_anonymous_tier[permitted_alternative]",
        _via_auth_md_only,
        Status.WARN,
        "temp-via-auth-md",
    ),
    ("standards_F2_no_route[violating]", _no_route, Status.FAIL, "temp-no-route"),
]


@pytest.mark.parametrize(("clause", "factory", "status", "code"), LIFECYCLE, ids=[r[0] for r in LIFECYCLE])
def test_temporary_lifecycle_conformance(clause: str, factory: Any, status: Status, code: str | None) -> None:
    life, reg = factory()
    out = judge(
        lifecycle,
        active=True,
        temporary_discovery=TemporaryDiscovery(),
        temporary_lifecycle=life,
        authmd_registration=reg,
    )
    _expect(out, status, code)
    if life.credential_source:
        assert life.credential_source in out.summary + " ".join(f.message for f in out.findings), out


def test_temporary_lifecycle_standards_F2_is_active_only() -> None:
    out = judge(
        lifecycle,
        temporary_discovery=TemporaryDiscovery(),
        temporary_lifecycle=None,
        authmd_registration=None,
    )
    assert out.status == Status.SKIPPED and "--active" in out.summary


# --- temporary.claim: standards F4 ------------------------------------------------------------------------

SURVIVES = {"survives_claim": ["The project, its data and its keys transfer to your account."]}
WHO = {"who_claims": ["Anyone holding the claim URL can claim it; a human signs in."]}
EXPIRY = {"at_expiry": ["Unclaimed projects are deleted after 60 minutes."]}


def _tier(stated: dict[str, list[str]], signals: bool = True) -> TemporaryDiscovery:
    return TemporaryDiscovery(
        signals=[Signal("openapi", True, "POST /x")] if signals else [],
        statements=stated,
        statement_sources={k: ["auth.md"] for k in stated},
    )


CLAIM_ROWS: list[tuple[str, TemporaryDiscovery, Status, str | None]] = [
    (
        "standards_F4_all_three_stated[conforming]",
        _tier(SURVIVES | WHO | EXPIRY),
        Status.PASS,
        "temp-states-at-expiry",
    ),
    (
        "standards_F4_what_survives[violating]",
        _tier(WHO | EXPIRY),
        Status.WARN,
        "temp-unstated-survives-claim",
    ),
    (
        "standards_F4_who_may_claim[violating]",
        _tier(SURVIVES | EXPIRY),
        Status.WARN,
        "temp-unstated-who-claims",
    ),
    ("standards_F4_at_expiry[violating]", _tier(SURVIVES | WHO), Status.WARN, "temp-unstated-at-expiry"),
    ("standards_F4_none_stated[violating]", _tier({}), Status.FAIL, "temp-unstated-at-expiry"),
    ("standards_F4_no_tier[violating]", _tier({}, signals=False), Status.FAIL, "temp-no-semantics"),
]


@pytest.mark.parametrize(("clause", "found", "status", "code"), CLAIM_ROWS, ids=[r[0] for r in CLAIM_ROWS])
def test_temporary_claim_conformance(
    clause: str, found: TemporaryDiscovery, status: Status, code: str | None
) -> None:
    _expect(judge(claim, temporary_discovery=found, temporary_lifecycle=None), status, code)
