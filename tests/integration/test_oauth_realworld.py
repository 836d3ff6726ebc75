"""Whole discovery chains served from documents modelled on real published ones (pytest-httpserver,
loopback only).

Provenance of each document is in tests/fixtures/realworld/oauth.py; hosts are rewritten to the test server.
- Zapier MCP (clout2buy/Ares fixture, probed 2026-10-01): a 401 whose challenge has no resource_metadata, so
  the client must construct the path-inserted well-known URL.
- GitHub (same source): an issuer with a path (https://github.com/login/oauth) whose RFC 8414 document is
absent
  here, and whose OIDC document lacks code_challenge_methods_supported.
- Cerner SMART docs example: a stub OIDC configuration whose token_endpoint is the issuer URL and answers
nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from agent_ready.engine import ScanReport
from agent_ready.models import Status
from tests.fixtures.realworld import oauth as rw


def rewrite(doc: dict[str, Any], base: str, *hosts: str) -> dict[str, Any]:
    text = json.dumps(doc)
    for host in hosts:
        text = text.replace(host, base)
    return json.loads(text)


@pytest.fixture
def server(httpserver: HTTPServer) -> HTTPServer:
    httpserver.no_handler_status_code = 404
    return httpserver


def tried_paths(report: ScanReport, probe: str = "oauth_discovery") -> list[str]:
    return [e.url.split("/", 3)[-1] for e in report.exchanges if e.probe == probe]


def test_zapier_challenge_without_resource_metadata_and_github_path_issuer(
    server: HTTPServer, run_scan: Callable[..., ScanReport]
) -> None:
    base = server.url_for("").rstrip("/")
    server.expect_request("/api/mcp/mcp").respond_with_data(
        json.dumps({"error": "unauthorized"}),
        status=401,
        content_type="application/json",
        headers={"WWW-Authenticate": rw.ZAPIER_WWW_AUTHENTICATE},
    )
    prm = rewrite(rw.ZAPIER_PRM, base, "https://mcp.zapier.com") | {
        "authorization_servers": [f"{base}/login/oauth"]
    }
    server.expect_request("/.well-known/oauth-protected-resource/api/mcp/mcp").respond_with_json(prm)
    server.expect_request("/login/oauth/.well-known/openid-configuration").respond_with_json(
        rewrite(rw.GITHUB_OIDC, base, "https://github.com")
    )

    report = run_scan(f"{base}/api/mcp/mcp", only=["tokens", "signup"])
    challenge = report.result("tokens.challenge")
    # The metadata is at the well-known URI: MCP permits that instead of the header parameter, so it warns.
    assert challenge.status == Status.WARN
    assert "resource-metadata-well-known-only" in {f.code for f in challenge.findings}
    prm_result = report.result("tokens.resource-metadata")
    assert prm_result.status == Status.PASS, prm_result.findings
    server_meta = report.result("tokens.server-metadata")
    codes = {f.code for f in server_meta.findings}
    # Found third, in MCP order; GitHub's OIDC document has no S256 although it has an authorization endpoint.
    assert {"found-after-fallback", "issuer-matches", "no-s256"} <= codes
    paths = tried_paths(report)
    order = [
        ".well-known/oauth-protected-resource/api/mcp/mcp",
        ".well-known/oauth-authorization-server/login/oauth",
        ".well-known/openid-configuration/login/oauth",
        "login/oauth/.well-known/openid-configuration",
    ]
    assert [p for p in paths if p in order] == order
    assert report.result("tokens.headless-grant").status == Status.PASS  # GitHub's device grant
    steps = {s.title: s.status for s in report.journey}
    assert steps["Read the WWW-Authenticate challenge"] == "warn"
    assert steps["Fetch the protected-resource metadata (RFC 9728)"] == "ok"


def test_cerner_stub_configuration_whose_token_endpoint_does_not_answer(
    server: HTTPServer, run_scan: Callable[..., ScanReport]
) -> None:
    base = server.url_for("").rstrip("/")
    issuer_host = "https://authorization.sandboxcerner.com"
    oidc = rewrite(rw.CERNER_SMART_OIDC_EXAMPLE, base, issuer_host)
    issuer = oidc["issuer"]  # has a path and a trailing slash
    path = issuer[len(base) :].rstrip("/")
    server.expect_request("/fhir/r4").respond_with_data(
        "",
        status=401,
        headers={
            "WWW-Authenticate": "Bearer "
            f'resource_metadata="{base}/.well-known/oauth-protected-resource/fhir/r4"'
        },
    )
    server.expect_request("/.well-known/oauth-protected-resource/fhir/r4").respond_with_json(
        {"resource": f"{base}/fhir/r4", "authorization_servers": [issuer]}
    )
    server.expect_request(f"{path}/.well-known/openid-configuration").respond_with_json(oidc)

    report = run_scan(f"{base}/fhir/r4", only=["tokens", "signup"])
    assert report.result("tokens.challenge").status == Status.PASS
    errors = report.result("tokens.endpoint-errors")
    assert errors.status == Status.FAIL and "token-endpoint-absent" in {f.code for f in errors.findings}
    meta = report.result("tokens.server-metadata")
    codes = {f.code for f in meta.findings}
    # No grant_types_supported: RFC 8414's default (authorization_code, implicit) applies, so PKCE S256 is
    # missing.
    assert {"grant-types-default", "no-s256", "issuer-matches"} <= codes
    assert report.result("tokens.headless-grant").status == Status.WARN
    # Issuer with a trailing slash: the slash is removed before inserting (RFC 8414 §3.1).
    assert f".well-known/oauth-authorization-server{path}" in tried_paths(report)
