"""Hostile and broken targets: whatever a target answers, the scan ends with a valid report and no check
crashes. A check that raised shows up as `error` with "the check raised", which would be a bug to fix."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agent_ready.engine import ScanReport
from agent_ready.models import Status


def _everything(server: HTTPServer, handler: Callable[[Request], Response]) -> None:
    server.expect_request(re.compile(".*")).respond_with_handler(handler)


HOSTILE: dict[str, Callable[[Request], Response]] = {
    "all-500-html": lambda r: Response("<html><body>oops</body></html>", 500, content_type="text/html"),
    "all-empty-200": lambda r: Response("", 200),
    "all-json-null": lambda r: Response("null", 200, content_type="application/json"),
    "all-json-array": lambda r: Response("[1, 2, 3]", 200, content_type="application/json"),
    "all-binary": lambda r: Response(bytes(range(256)) * 64, 200, content_type="application/octet-stream"),
    "lying-content-types": lambda r: Response("{not json", 200, content_type="application/json"),
    "markdown-everywhere": lambda r: Response(
        "# auth.md\n\n## Register\n\nPOST /nowhere\n", 200, content_type="text/markdown"
    ),
    "redirect-loop-everywhere": lambda r: Response("", 302, headers={"Location": r.path}),
    "redirect-to-metadata": lambda r: Response(
        "", 302, headers={"Location": "http://169.254.169.254/latest/"}
    ),
    "401-garbage-challenge": lambda r: Response(
        "nope", 401, headers={"WWW-Authenticate": 'Bearer ,,=="" x="'}
    ),
    "429-everywhere": lambda r: Response("slow down", 429, headers={"Retry-After": "tomorrow"}),
    "huge-json": lambda r: Response(json.dumps({"k": "v" * 3_000_000}), 200, content_type="application/json"),
    "wrong-shaped-json": lambda r: Response(
        json.dumps(
            {
                "issuer": 5,
                "authorization_servers": "x",
                "resource": [],
                "linkset": {"a": 1},
                "openapi": 3,
                "paths": [],
                "skills": "none",
                "agent_auth": [1],
            }
        ),
        200,
        content_type="application/json",
    ),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
@pytest.mark.parametrize("active", [False, True])
def test_hostile_target_yields_a_valid_report(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport], kind: str, active: bool
) -> None:
    _everything(httpserver, HOSTILE[kind])
    report = run_scan(httpserver.url_for("/"), active=active, deadline=30)
    crashed = {r.id: r.summary for r in report.results if "the check raised" in r.summary}
    assert not crashed
    probe_bugs = {
        r.id: r.summary
        for r in report.results
        if r.status == Status.ERROR
        and re.search(
            r"(TypeError|AttributeError|KeyError|ValueError|"
            r"IndexError|AssertionError)",
            r.summary,
        )
    }
    assert not probe_bugs
    assert not any(
        ex.url.startswith("http://169.254.169.254") and ex.status is not None for ex in report.exchanges
    )


def test_slow_target_is_bounded_by_the_deadline(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport]
) -> None:
    def slow(r: Request) -> Response:
        time.sleep(0.4 if r.path == "/" else 2.5)
        return Response("late", 200)

    _everything(httpserver, slow)
    t0 = time.monotonic()
    report = run_scan(httpserver.url_for("/"), deadline=2)
    assert time.monotonic() - t0 < 8
    assert any(r.status == Status.ERROR for r in report.results)
