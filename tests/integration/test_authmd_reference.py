"""auth.md against the reference service (good, bare, one flaw at a time), passive and --active."""

from __future__ import annotations

import json

import pytest

from agent_ready.models import Status
from agent_ready.reports.json_report import to_dict

ONLY = ["auth-md"]


def codes(result) -> set[str]:
    return {f.code for f in result.findings}


def test_passive_good(reference, run_scan):
    report = run_scan(reference.url, only=ONLY)
    file, meta, reg = (report.result(i) for i in ("auth-md.file", "auth-md.metadata", "auth-md.registration"))
    assert file.status == Status.PASS, [(f.code, f.message) for f in file.findings]
    assert file.details["steps_missing"] == [] and file.details["scopes"] == [
        "projects:read",
        "projects:write",
    ]
    assert (
        all(e["exists"] for e in file.details["endpoints_checked"])
        and len(file.details["endpoints_checked"]) == 6
    )
    assert meta.status == Status.PASS, [(f.code, f.message) for f in meta.findings]
    assert meta.details["dialect"] == "v1" and meta.details["anonymous"] is True
    assert meta.details["human_flows"] == ["service_auth"]
    assert reg.status == Status.SKIPPED


def test_active_good_registers_uses_and_hides_secrets(reference_factory, run_scan):
    srv = reference_factory()
    report = run_scan(srv.url, only=ONLY, active=True)
    reg = report.result("auth-md.registration")
    assert reg.status == Status.PASS, [(f.code, f.message) for f in reg.findings]
    assert {
        "authmd-token-exchanged",
        "authmd-credential-works",
        "authmd-absolute-expiry",
        "authmd-claim-path",
        "authmd-malformed-error",
        "authmd-human-flow",
    } <= codes(reg)
    assert reg.details["usable"] is True and reg.details["lifetime_s"] == 3600
    assert "register anonymously" in reg.summary and "claim link" in reg.summary
    # every secret the service issued (assertion, claim token, access token) stays out of the report
    records = list(srv.app.state["agent_registrations"].values())
    issued = [r["assertion"] for r in records] + [r["claim_token"] for r in records]
    issued += [t for t, info in srv.app.state.get("tokens", {}).items() if info["sub"].startswith("agent:")]
    dump = json.dumps(to_dict(report))
    assert issued and not any(secret in dump for secret in issued)
    # the access token was revoked afterwards
    assert not any(info["sub"].startswith("agent:") for info in srv.app.state.get("tokens", {}).values())
    assert any(step.check == "auth-md.registration" and step.status == "ok" for step in report.journey)


def test_bare_fails(bare, run_scan):
    report = run_scan(bare.url, only=ONLY, active=True)
    file = report.result("auth-md.file")
    assert file.status == Status.FAIL and "authmd-html" in codes(file)
    meta = report.result("auth-md.metadata")
    assert meta.status == Status.FAIL and "agent-auth-absent" in codes(meta)
    assert report.result("auth-md.registration").status == Status.FAIL


@pytest.mark.parametrize(
    "flaw,check_id,status,code",
    [
        ("authmd-html", "auth-md.file", Status.FAIL, "authmd-html"),
        ("authmd-no-h1", "auth-md.file", Status.WARN, "authmd-no-h1"),
        ("authmd-h1-name", "auth-md.file", Status.WARN, "authmd-h1-name"),
        ("authmd-dead-endpoints", "auth-md.file", Status.WARN, "authmd-dead-endpoints"),
        ("authmd-metadata-disagree", "auth-md.metadata", Status.WARN, "metadata-file-disagree"),
        ("authmd-no-agent-auth", "auth-md.metadata", Status.FAIL, "agent-auth-absent"),
    ],
)
def test_passive_flaws(reference_factory, run_scan, flaw, check_id, status, code):
    srv = reference_factory(flaws={flaw})
    result = run_scan(srv.url, only=ONLY).result(check_id)
    assert result.status == status, [(f.code, f.message) for f in result.findings]
    assert code in codes(result)


def test_token_exchange_rejected_reports_where_it_got_stuck(reference_factory, run_scan):
    srv = reference_factory(flaws={"authmd-token-reject"})
    reg = run_scan(srv.url, only=ONLY, active=True).result("auth-md.registration")
    assert reg.status == Status.FAIL and "authmd-token-exchange-failed" in codes(reg)
    assert reg.details["stuck_at"] == "token" and "invalid_grant" in reg.summary


def test_metadata_naming_a_metadata_address_is_blocked_never_connected(httpserver, run_scan):
    """A hostile agent_auth block names the cloud metadata address: the scanner must refuse to fetch it."""
    httpserver.no_handler_status_code = 404
    imds = "http://169.254.169.254/latest/meta-data/iam/security-credentials"
    base = httpserver.url_for("/").rstrip("/")
    httpserver.expect_request("/.well-known/oauth-authorization-server").respond_with_json(
        {
            "issuer": base,
            "token_endpoint": f"{imds}/token",
            "agent_auth": {
                "skill": f"{imds}/auth.md",
                "identity_endpoint": f"{imds}/agent/identity",
                "identity_types_supported": ["anonymous"],
            },
        }
    )
    httpserver.expect_request("/auth.md").respond_with_data(
        "# auth.md\n\n## Register\n`POST " + imds + "/x`\n", content_type="text/markdown"
    )
    report = run_scan(base + "/", only=ONLY, active=True)
    to_imds = [e for e in report.exchanges if "169.254.169.254" in e.url]
    assert to_imds and all(e.error_kind == "blocked-address" and e.status is None for e in to_imds)
    meta = report.result("auth-md.metadata")
    assert meta.details["dialect"] == "v1" and "agent-auth-skill-dead" in codes(meta)
    # registration on another origin than the target and its issuer is refused before any request, and
    # reported as not exercised: the scan's bound, not a verdict on the service
    reg = report.result("auth-md.registration")
    assert reg.status == Status.SKIPPED and reg.details["attempted"] is False
    assert "Not exercised" in reg.summary
