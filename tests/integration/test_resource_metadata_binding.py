"""RFC 9728 §3.3: metadata reached from a 401's resource_metadata must name the URL the client requested.

That is the impersonation guard: a 401 on one API that links to another resource's metadata, or to
self-describing metadata on a foreign origin, must not pass tokens.resource-metadata (issue 9).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agent_ready.engine import ScanReport
from agent_ready.models import Status


def _service(server: HTTPServer, link: str) -> None:
    origin = server.url_for("/").rstrip("/")
    # The same server under its other loopback name is another origin (RFC 6454).
    other = (
        origin.replace("localhost", "127.0.0.1")
        if "localhost" in origin
        else origin.replace("127.0.0.1", "localhost")
    )

    linked = link.format(origin=origin, other=other)

    def handle(req: Request) -> Response:
        if req.path == "/api/a/things":
            return Response(
                '{"error": "unauthorized"}',
                401,
                content_type="application/json",
                headers={"WWW-Authenticate": f'Bearer resource_metadata="{linked}"'},
            )
        if req.path.startswith("/.well-known/oauth-protected-resource"):
            # Self-describing: each document names the resource its own URL was built from (RFC 9728 §3.1).
            suffix = req.path[len("/.well-known/oauth-protected-resource") :]
            body = {
                "resource": req.host_url.rstrip("/") + (suffix or "/"),
                "authorization_servers": [origin],
                "bearer_methods_supported": ["header"],
            }
            return Response(json.dumps(body), 200, content_type="application/json")
        return Response('{"error": "not_found"}', 404, content_type="application/json")

    server.expect_request(re.compile(".*")).respond_with_handler(handle)


@pytest.mark.parametrize(
    ("link", "status"),
    [
        # conforming: the metadata names the API that was called
        ("{origin}/.well-known/oauth-protected-resource/api/a", Status.PASS),
        # violating: the 401 on /api/a links to another resource's metadata on the same origin
        ("{origin}/.well-known/oauth-protected-resource/api/b", Status.FAIL),
        # violating: self-describing metadata on a foreign origin
        ("{other}/.well-known/oauth-protected-resource", Status.FAIL),
    ],
    ids=[
        "rfc9728-s3.3-MUST-resource-is-requested-url-conforming",
        "rfc9728-s3.3-MUST-other-resource-violating",
        "rfc9728-s3.3-MUST-foreign-origin-violating",
    ],
)
def test_linked_metadata_must_name_the_requested_url(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport], link: str, status: Status
) -> None:
    _service(httpserver, link)
    report = run_scan(httpserver.url_for("/api/a/things"), only=["tokens.resource-metadata"])
    result = report.result("tokens.resource-metadata")
    linked_ok = status == Status.PASS
    codes = [f.code for f in result.findings]
    if linked_ok:
        assert "wrong-resource" not in codes, (result.summary, codes)
    else:
        assert result.status == Status.FAIL and "wrong-resource" in codes, (result.summary, codes)
