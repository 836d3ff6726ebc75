"""An MCP endpoint whose GET answers neither 404 nor as MCP gets one initialize POST, not one per probe.

``mcp_card`` POSTs an initialize when the endpoint's GET does not answer as one, and ``oauth_discovery``
POSTs the same initialize for its challenge: the request changes nothing and is the same byte for byte, so
the scan sends it once and both read the answer (issue 12: no resource fetched twice)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_httpserver import HTTPServer

from agent_ready.engine import ScanReport


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [(200, "<html><body>hello</body></html>", "text/html"), (500, "upstream down", "text/plain")],
)
def test_the_mcp_initialize_is_sent_once_and_read_by_both_probes(
    httpserver: HTTPServer,
    run_scan: Callable[..., ScanReport],
    status: int,
    body: str,
    content_type: str,
) -> None:
    httpserver.no_handler_status_code = 404
    challenge = (
        f'Bearer resource_metadata="{httpserver.url_for("/.well-known/oauth-protected-resource/mcp")}"'
    )
    httpserver.expect_request("/mcp", method="GET").respond_with_data(
        body, status=status, content_type=content_type
    )
    httpserver.expect_request("/mcp", method="POST").respond_with_data(
        '{"error": "unauthorized"}',
        status=401,
        content_type="application/json",
        headers={"WWW-Authenticate": challenge},
    )
    httpserver.expect_request("/").respond_with_data(
        "<html><body>home</body></html>", content_type="text/html"
    )
    report = run_scan(httpserver.url_for("/"), deadline=30)

    # A request with a deliberately invalid token (oauth_token_errors) is another request; the anonymous
    # initialize is the one both probes send.
    posts = [
        req
        for req, _ in httpserver.log
        if req.method == "POST" and req.path == "/mcp" and "Authorization" not in req.headers
    ]
    assert len(posts) == 1, len(posts)
    sent = [
        e
        for e in report.exchanges
        if e.method == "POST" and e.url.endswith("/mcp") and "authorization" not in e.request_headers
    ]
    assert len(sent) == 1 and sent[0].status == 401
