"""A robots.txt that answers a server error, end to end: the probe keeps the 5xx (not "absent"), and the
two checks that read robots.txt say what RFC 9309 §2.3.1.4 makes of it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_httpserver import HTTPServer

from agent_ready.engine import ScanReport
from agent_ready.models import Status


@pytest.mark.parametrize("code", [500, 503])
def test_robots_5xx_is_complete_disallow_not_absence(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport], code: int
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("upstream down", status=code)
    httpserver.expect_request("/").respond_with_data(
        "<html><body>home</body></html>", content_type="text/html"
    )
    report = run_scan(httpserver.url_for("/"), deadline=30)
    results = {r.id: r for r in report.results}

    ai = results["access.ai-rules"]
    assert ai.status == Status.FAIL
    assert [f.code for f in ai.findings] == ["robots-server-error"] and f"HTTP {code}" in ai.findings[
        0
    ].message

    robots = results["discovery.robots-txt"]
    assert robots.status == Status.FAIL and f"HTTP {code}" in robots.findings[0].message
