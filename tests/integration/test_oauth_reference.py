"""signup.* and tokens.* against the reference service: the full journey with --active, passive runs that
never
fail an ACTIVE part, the bare variant stuck at the first step, and one flaw at a time."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agent_ready.engine import ScanReport
from agent_ready.models import Status
from agent_ready.reference import ReferenceServer
from agent_ready.reports.json_report import to_dict

FAMILIES = ("signup", "tokens")
JOURNEY = [
    "Call a protected endpoint without credentials",
    "Read the WWW-Authenticate challenge",
    "Fetch the protected-resource metadata (RFC 9728)",
    "Fetch the authorization-server metadata (RFC 8414 / OIDC)",
    "Register a client (RFC 7591)",
    "Obtain a token without a browser",
    "Call the protected endpoint with the token",
]


def family(report: ScanReport) -> dict[str, Status]:
    return {r.id: r.status for r in report.results if r.category in FAMILIES}


def oauth_steps(report: ScanReport) -> list[tuple[str, str]]:
    ours = set(JOURNEY) | {"Register a client (RFC 7591) or create an account"}
    return [(s.title, s.status) for s in report.journey if s.title in ours]


def test_active_scan_passes_every_check_and_completes_the_journey(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    server = reference_factory()
    report = run_scan(server.url + "/", active=True)
    statuses = family(report)
    assert len(statuses) == 9
    assert all(s == Status.PASS for s in statuses.values()), {
        k: (v, report.result(k).summary) for k, v in statuses.items() if v != Status.PASS
    }
    assert oauth_steps(report) == [(t, "ok") for t in JOURNEY]
    last = next(s for s in report.journey if s.title == JOURNEY[-1])
    assert "answered 200" in last.learned and last.exchanges and last.check == "tokens.issue"
    # The JSON report carries the journey with exchange ids that exist in the log.
    doc = to_dict(report)
    ids = {e["id"] for e in doc["exchanges"]}
    steps = [s for s in doc["journey"] if s["title"] in JOURNEY]
    assert all(set(s["exchanges"]) <= ids and s["elapsed_ms"] >= 0 for s in steps)
    # Everything the scan created was cleaned up: clients deleted (RFC 7592), the token revoked, the key
    # deleted.
    assert server.app.state.get("oauth_clients") == {}
    assert server.app.state.get("api_keys") == {}
    deletes = [p for m, p, _ in server.log if m == "DELETE"]
    assert any(p.startswith("/oauth/register/") for p in deletes) and any(
        p.startswith("/api/v1/keys/") for p in deletes
    )


def test_passive_scan_skips_active_parts_and_never_fails(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    reference = reference_factory()  # a fresh service, so its request log holds only this scan
    report = run_scan(reference.url + "/")
    statuses = family(report)
    assert statuses.pop("tokens.issue") == Status.SKIPPED
    assert all(s == Status.PASS for s in statuses.values()), statuses
    assert "active-skipped" in {f.code for f in report.result("signup.client-registration").findings}
    steps = oauth_steps(report)
    assert [s for _, s in steps] == ["ok"] * 4 + ["skipped"] * 3
    assert all("--active" in (s.reason or "") for s in report.journey if s.status == "skipped")
    # No state was created on the target.
    assert not any(
        m in ("POST", "DELETE") and p.startswith(("/oauth/register", "/api/v1/keys"))
        for m, p, _ in reference.log
    )


def test_bare_variant_fails_at_the_first_step(
    bare: ReferenceServer, run_scan: Callable[..., ScanReport]
) -> None:
    report = run_scan(bare.url + "/", active=True)
    statuses = family(report)
    for check_id in (
        "tokens.challenge",
        "tokens.resource-metadata",
        "tokens.server-metadata",
        "tokens.headless-grant",
        "tokens.issue",
        "signup.client-registration",
        "signup.account-api",
    ):
        assert statuses[check_id] == Status.FAIL, check_id
    assert statuses["signup.gate"] == Status.NOT_APPLICABLE
    assert statuses["tokens.endpoint-errors"] == Status.NOT_APPLICABLE
    steps = oauth_steps(report)
    assert steps == [("Call a protected endpoint without credentials", "stuck")]
    first = report.journey[0]
    assert first.reason and first.fix and first.check == "tokens.challenge"
    # The calls that were made (POST /mcp answers 500 there) are the step's evidence.
    called = {e.id: e for e in report.exchanges}
    assert first.exchanges and all(called[i].probe == "oauth_discovery" for i in first.exchanges)
    assert ("POST", bare.url + "/mcp") in {(called[i].method, called[i].url) for i in first.exchanges}
    assert report.result("tokens.server-metadata").summary == "no authorization-server metadata found"
    no_endpoint = report.result("tokens.challenge").findings[0]
    assert no_endpoint.code == "no-protected-endpoint" and set(first.exchanges) <= set(no_endpoint.evidence)


# flaw -> (active?, the one check that fails, the finding code naming the cause, journey step status)
FLAWS = {
    "wrong-resource": (True, "tokens.resource-metadata", "wrong-resource"),
    "issuer-mismatch": (True, "tokens.server-metadata", "issuer-mismatch"),
    "no-s256": (True, "tokens.server-metadata", "no-s256"),
    "registration-500": (True, "signup.client-registration", "dcr-failed"),
    "token-html": (True, "tokens.endpoint-errors", "token-error-html"),
    "metadata-imds": (True, "tokens.server-metadata", "metadata-address-blocked"),
    "stub-metadata": (False, "tokens.endpoint-errors", "token-endpoint-absent"),
    "401-as-200": (False, "tokens.challenge", "error-as-200"),
}

# A flaw that breaks a second clause: an http:// issuer violates RFC 8414 §2 in the PRM that lists it.
ALSO_FAILS = {"metadata-imds": {"tokens.resource-metadata"}}


def test_no_resource_metadata_warns_when_the_well_known_uri_serves_it(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    # MCP authorization: the challenge parameter OR the well-known URI; the reference still serves the
    # latter, a permitted alternative, so tokens.challenge warns and nothing fails (issue 9).
    server = reference_factory(flaws={"no-resource-metadata"})
    report = run_scan(server.url + "/", active=True)
    failing = {k for k, v in family(report).items() if v in (Status.FAIL, Status.ERROR)}
    assert not failing, failing
    result = report.result("tokens.challenge")
    assert result.status == Status.WARN
    assert "resource-metadata-well-known-only" in {f.code for f in result.findings}


@pytest.mark.parametrize("flaw", sorted(FLAWS))
def test_each_flaw_fails_exactly_the_right_check(
    flaw: str, reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    active, check_id, code = FLAWS[flaw]
    server = reference_factory(flaws={flaw})
    report = run_scan(server.url + "/", active=active)
    failing = {k for k, v in family(report).items() if v in (Status.FAIL, Status.ERROR)}
    assert failing == {check_id} | ALSO_FAILS.get(flaw, set()), {k: report.result(k).summary for k in failing}
    findings = [f for f in report.result(check_id).findings if f.code == code]
    assert findings and findings[0].level == "fail" and findings[0].fix


def test_journey_names_the_dead_end(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    report = run_scan(reference_factory(flaws={"wrong-resource"}).url + "/", active=True)
    steps = oauth_steps(report)
    assert steps[-1] == ("Fetch the protected-resource metadata (RFC 9728)", "stuck")
    stuck = next(s for s in report.journey if s.status == "stuck" and s.check == "tokens.resource-metadata")
    assert "api.example.com" in (stuck.reason or "") and "RFC 9728" in (stuck.reason or "") and stuck.fix


def test_metadata_address_is_blocked_never_connected(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    report = run_scan(reference_factory(flaws={"metadata-imds"}).url + "/", active=True)
    imds = [e for e in report.exchanges if "169.254.169.254" in e.url]
    assert imds and all(e.error_kind == "blocked-address" and e.status is None for e in imds)
    # The rest of the chain still works through the reference's own issuer.
    assert report.result("tokens.issue").status == Status.PASS
    step = next(s for s in report.journey if s.check == "tokens.server-metadata")
    assert step.status == "warn" and "169.254.169.254" in (step.reason or "")


def test_registration_failure_falls_back_and_says_so(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    report = run_scan(reference_factory(flaws={"registration-500"}).url + "/", active=True)
    issue = report.result("tokens.issue")
    assert issue.status == Status.PASS and issue.details["route"] in ("auth.md", "api-key")
    steps = dict(oauth_steps(report))
    assert (
        steps["Register a client (RFC 7591)"] == "warn"
        and steps["Call the protected endpoint with the token"] == "ok"
    )
