"""Temporary projects on the reference service: the full life under an injected clock; scans with flaws."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from agent_ready.models import Status
from agent_ready.reports.json_report import to_dict

START = 1_800_000_000.0  # 2027-01-15T08:00:00Z
ONLY = ["temporary", "auth-md"]


class Clock:
    def __init__(self, now: float = START):
        self.now = now

    def __call__(self) -> float:
        return self.now


def codes(result) -> set[str]:
    return {f.code for f in result.findings}


def test_full_life_created_usable_expires_and_is_gone(reference_factory):
    clock = Clock()
    srv = reference_factory(clock=clock)
    base = srv.url
    with httpx.Client(base_url=base, timeout=5) as http:
        refused = http.post("/api/v1/temporary/projects", json={})
        assert refused.status_code == 400 and refused.headers["content-type"].startswith(
            "application/problem+json"
        )

        made = http.post("/api/v1/temporary/projects", json={"terms_of_service": "accepted"})
        assert made.status_code == 201
        first = made.json()
        assert first["project"]["expires_at"] == datetime.fromtimestamp(START + 3600, UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        assert (
            first["credential"]["expires_at"]
            == first["claim"]["expires_at"]
            == first["project"]["expires_at"]
        )
        token, pid = first["credential"]["token"], first["project"]["id"]
        auth = {"Authorization": f"Bearer {token}"}
        claim_path = first["claim"]["url"].removeprefix(base)

        # usable at once, claimable before expiry
        assert http.get(f"/api/v1/temporary/projects/{pid}", headers=auth).status_code == 200
        page = http.get(claim_path)
        assert page.status_code == 200 and "Claim" in page.text and "already" not in page.text

        # a second one is isolated from the first (both ways)
        second = http.post("/api/v1/temporary/projects", json={"terms_of_service": "accepted"}).json()
        auth2 = {"Authorization": f"Bearer {second['credential']['token']}"}
        assert http.get(f"/api/v1/temporary/projects/{pid}", headers=auth2).status_code == 404
        assert (
            http.get(f"/api/v1/temporary/projects/{second['project']['id']}", headers=auth).status_code == 404
        )

        # still there one second before expiry
        clock.now = START + 3599
        assert http.get(f"/api/v1/temporary/projects/{pid}", headers=auth).status_code == 200
        assert http.get(claim_path).status_code == 200

        # gone after: the project, its credential and its claim link
        clock.now = START + 3601
        gone = http.get(f"/api/v1/temporary/projects/{pid}", headers=auth)
        assert gone.status_code == 401 and "expired" in gone.json()["detail"]
        assert http.get(claim_path).status_code == 410
        assert pid not in srv.app.state["temporary_projects"]


def test_delete_before_expiry(reference_factory):
    srv = reference_factory(clock=Clock())
    with httpx.Client(base_url=srv.url, timeout=5) as http:
        made = http.post("/api/v1/temporary/projects", json={"terms_of_service": "accepted"}).json()
        auth = {"Authorization": f"Bearer {made['credential']['token']}"}
        assert (
            http.delete(f"/api/v1/temporary/projects/{made['project']['id']}", headers=auth).status_code
            == 204
        )
        assert (
            http.get(f"/api/v1/temporary/projects/{made['project']['id']}", headers=auth).status_code == 401
        )


def test_passive_scan_good(reference, run_scan):
    report = run_scan(reference.url, only=ONLY)
    disc, claim, life = (
        report.result(i) for i in ("temporary.discoverable", "temporary.claim", "temporary.lifecycle")
    )
    assert disc.status == Status.PASS and disc.details["create_route"] == "POST /api/v1/temporary/projects"
    assert {"temp-signal-openapi", "temp-signal-agent-auth"} <= codes(disc)
    assert claim.status == Status.PASS, [(f.code, f.message) for f in claim.findings]
    assert claim.details["survives_claim_stated"] and claim.details["at_expiry_stated"]
    assert life.status == Status.SKIPPED


def test_active_scan_good_with_injected_clock(reference_factory, run_scan):
    clock = Clock()
    srv = reference_factory(clock=clock)
    report = run_scan(srv.url, only=ONLY, active=True)
    life = report.result("temporary.lifecycle")
    assert life.status == Status.PASS, [(f.code, f.message) for f in life.findings]
    assert life.details["lifetime_s"] == 3600 and life.details["isolated"] is True
    assert {
        "temp-usable",
        "temp-absolute-expiry",
        "temp-claim-answers",
        "temp-isolated",
        "temp-cleanup",
    } <= codes(life)
    assert "60 minutes" in life.summary
    # the scan cleaned up what it created
    assert srv.app.state["temporary_projects"] == {}
    # no secret the service issued appears in the report
    dump = json.dumps(to_dict(report))
    created = [t for t in report.secrets if t.startswith(("tt_", "ct_"))]
    assert created and not any(secret in dump for secret in created)


@pytest.mark.parametrize(
    "flaw,status,code",
    [
        ("temp-relative-expiry", Status.WARN, "temp-relative-expiry"),
        ("temp-no-claim", Status.FAIL, "temp-no-claim"),
        ("temp-leaky", Status.FAIL, "temp-leaky"),
    ],
)
def test_active_flaws(reference_factory, run_scan, flaw, status, code):
    srv = reference_factory(flaws={flaw}, clock=Clock())
    life = run_scan(srv.url, only=["temporary"], active=True).result("temporary.lifecycle")
    assert life.status == status, [(f.code, f.message) for f in life.findings]
    assert code in codes(life)


def test_no_semantics_flaw(reference_factory, run_scan):
    srv = reference_factory(flaws={"temp-no-semantics"})
    claim = run_scan(srv.url, only=ONLY).result("temporary.claim")
    assert claim.status in (Status.WARN, Status.FAIL)
    assert {"temp-unstated-survives-claim", "temp-unstated-at-expiry"} <= codes(claim)


def test_hidden_route_falls_back_to_auth_md(reference_factory, run_scan):
    srv = reference_factory(flaws={"temp-hidden"})
    report = run_scan(srv.url, only=ONLY, active=True)
    assert report.result("temporary.discoverable").details["create_route"] is None
    life = report.result("temporary.lifecycle")
    assert life.status == Status.WARN and "temp-via-auth-md" in codes(life)


def test_bare_fails(bare, run_scan):
    report = run_scan(bare.url, only=["temporary"], active=True)
    assert report.result("temporary.discoverable").status == Status.FAIL
    assert report.result("temporary.claim").status == Status.FAIL
    life = report.result("temporary.lifecycle")
    assert life.status == Status.FAIL and "temp-no-route" in codes(life)
