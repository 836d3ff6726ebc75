"""The ACTIVE device flow (RFC 8628) judged by tokens.headless-grant: the reference service and its two device
flaws, and a GitHub-shaped authorization server whose device flow the auditor must not start (no way to
obtain a client_id there, or an endpoint on another origin).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from agent_ready.engine import ScanReport
from agent_ready.models import Status
from agent_ready.reference import ReferenceServer
from tests.fixtures.realworld import oauth as rw

FAMILIES = ("signup", "tokens")


def codes(report: ScanReport, check_id: str) -> dict[str, str]:
    return {f.code: str(f.level) for f in report.result(check_id).findings}


def not_passing(report: ScanReport) -> dict[str, str]:
    return {
        r.id: r.status.value
        for r in report.results
        if r.category in FAMILIES and r.status not in (Status.PASS, Status.NOT_APPLICABLE)
    }


def device_requests(server: ReferenceServer) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _ in server.log if p.startswith(("/oauth/device", "/device"))]


def test_good_reference_device_flow_answers_pending(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    server = reference_factory()
    report = run_scan(server.url + "/", active=True)
    result = report.result("tokens.headless-grant")
    assert result.status == Status.PASS and result.details == {"device_flow": "works"}
    found = codes(report, "tokens.headless-grant")
    assert found["device-flow-works"] == "pass" and found["device-pending"] == "pass"
    assert "device-uri-loopback-http" in found  # http is fine on loopback, and said so
    # One device authorization, never approved, by a client registered for the device grant and deleted.
    (device,) = server.app.state["device_codes"].values()
    assert device["client_id"] not in server.app.state["oauth_clients"]
    assert device_requests(server) == [("POST", "/oauth/device")]
    assert not [t for t in server.app.state.get("tokens", {}).values() if str(t["sub"]).startswith("device:")]
    assert result.side_effects and "device authorization" in result.side_effects
    # Not a journey step: a person must approve on another device before it leads anywhere.
    assert not [s for s in report.journey if "device" in s.title.lower()]


def test_passive_scan_starts_no_device_authorization(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    server = reference_factory()
    report = run_scan(server.url + "/")
    result = report.result("tokens.headless-grant")
    assert result.status == Status.PASS and "device-grant" in codes(report, "tokens.headless-grant")
    found = codes(report, "tokens.headless-grant")
    assert not any(c.startswith("device-") and c != "device-grant" for c in found)
    assert device_requests(server) == [] and not server.app.state.get("device_codes")


@pytest.mark.parametrize(
    "flaw,code,state",
    [
        ("device-missing-user-code", "device-missing-user-code", "broken"),
        ("device-approves-instantly", "device-approved-without-human", "approved"),
    ],
)
def test_device_flaws_warn_while_other_headless_routes_work(
    flaw: str,
    code: str,
    state: str,
    reference_factory: Callable[..., ReferenceServer],
    run_scan: Callable[..., ScanReport],
) -> None:
    server = reference_factory(flaws={flaw})
    report = run_scan(server.url + "/", active=True)
    result = report.result("tokens.headless-grant")
    assert result.status == Status.WARN and result.details == {"device_flow": state}, result.summary
    found = codes(report, "tokens.headless-grant")
    assert found[code] == "warn" and "device-flow-works" not in found
    # client_credentials, jwt-bearer and the API-key route still work: nothing else in the family suffers.
    assert not_passing(report) == {"tokens.headless-grant": "warn"}
    # Everything created was taken back: the clients deleted, the unapproved device token revoked.
    assert server.app.state["oauth_clients"] == {}
    assert server.app.state.get("tokens", {}) == {}


def test_approved_device_token_is_revoked_and_redacted(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., ScanReport]
) -> None:
    server = reference_factory(flaws={"device-approves-instantly"})
    report = run_scan(server.url + "/", active=True)
    revocations = [
        e for e in report.exchanges if e.probe == "oauth_device" and e.url.endswith("/oauth/revoke")
    ]
    assert len(revocations) == 1 and revocations[0].status == 200
    (device_code,) = server.app.state["device_codes"]
    assert device_code in report.secrets


# --- a GitHub-shaped server: device flow advertised, but no client_id to be had ----------------------------


def rewrite(doc: dict[str, Any], base: str) -> dict[str, Any]:
    text = json.dumps(doc)
    for host in ("https://api.githubcopilot.com", "https://github.com"):
        text = text.replace(host, base)
    return json.loads(text)


@pytest.mark.parametrize(
    "extra,reason",
    [
        # GitHub as published: no registration_endpoint, so no client_id for the auditor to use.
        ({}, "no registration_endpoint"),
        # A device endpoint on another origin than the issuer: nothing is sent there.
        ({"device_authorization_endpoint": "{other}/login/device/code"}, "not on the issuer's origin"),
    ],
)
def test_device_flow_is_not_started_without_a_client_of_the_issuer(
    extra: dict[str, str],
    reason: str,
    httpserver: HTTPServer,
    run_scan: Callable[..., ScanReport],
) -> None:
    httpserver.no_handler_status_code = 404
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/mcp/").respond_with_data(
        "bad request: missing token",
        status=401,
        content_type="text/plain",
        headers={"WWW-Authenticate": rewrite({"v": rw.GITHUB_MCP_WWW_AUTHENTICATE}, base)["v"]},
    )
    httpserver.expect_request("/.well-known/oauth-protected-resource/mcp/").respond_with_json(
        rewrite(rw.GITHUB_MCP_PRM, base)
    )
    # The same loopback server under its other name: another origin, still never off this machine.
    names = ("localhost", "127.0.0.1") if "localhost" in base else ("127.0.0.1", "localhost")
    other = base.replace(*names)
    meta = rewrite(rw.GITHUB_AS, base) | {k: v.format(other=other) for k, v in extra.items()}
    httpserver.expect_request("/.well-known/oauth-authorization-server/login/oauth").respond_with_json(meta)

    report = run_scan(f"{base}/mcp/", active=True, only=["tokens.headless-grant"])
    result = report.result("tokens.headless-grant")
    not_tried = next(f for f in result.findings if f.code == "device-flow-not-tried")
    assert reason in not_tried.message and not_tried.level == "info"
    # The device flow is GitHub's only headless route: advertised, so the passive verdict stands.
    assert result.status == Status.PASS and result.details == {"device_flow": "not-tried"}
    assert not [r for r, _ in httpserver.log if r.method == "POST"]
