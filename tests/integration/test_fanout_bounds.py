"""Every list a target controls is followed only up to a stated bound, and the report says what was left.

Protected-resource metadata naming 5,000 authorization servers drove hundreds of requests until the scan was
killed (issue 9). Limits: agent_ready.bounds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agent_ready.bounds import MAX_API_CATALOG_LINKS, MAX_AUTH_SERVERS, MAX_OPENAPI_LINKS
from agent_ready.engine import ScanReport
from agent_ready.models import Status


def test_five_thousand_authorization_servers_are_not_all_followed(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport]
) -> None:
    origin = httpserver.url_for("/").rstrip("/")

    def handle(req: Request) -> Response:
        if req.path == "/api":
            meta = f"{origin}/.well-known/oauth-protected-resource/api"
            return Response("{}", 401, headers={"WWW-Authenticate": f'Bearer resource_metadata="{meta}"'})
        if req.path == "/.well-known/oauth-protected-resource/api":
            servers = [f"{origin}/as/{i}" for i in range(5000)]
            return Response(
                json.dumps({"resource": f"{origin}/api", "authorization_servers": servers}),
                200,
                content_type="application/json",
            )
        return Response("{}", 404, content_type="application/json")

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handle)
    report = run_scan(origin + "/api", only=["tokens"], deadline=60)
    as_requests = [e for e in report.exchanges if "/as/" in e.url]
    assert len({re.search(r"/as/(\d+)", e.url).group(1) for e in as_requests}) == MAX_AUTH_SERVERS  # type: ignore[union-attr]
    result = report.result("tokens.server-metadata")
    bounded = [f for f in result.findings if f.code == "authorization-servers-bounded"]
    assert bounded and f"{5000 - MAX_AUTH_SERVERS} more authorization servers" in bounded[0].message
    assert f"limit {MAX_AUTH_SERVERS}" in bounded[0].message
    assert result.status != Status.PASS


def test_link_headers_naming_many_catalogs_and_descriptions_are_bounded(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport]
) -> None:
    links = ", ".join(
        f'</catalog/{i}>; rel="api-catalog", </desc/{i}.json>; rel="service-desc"' for i in range(50)
    )

    def handle(req: Request) -> Response:
        if req.path == "/":
            return Response(
                "<html><body>hi</body></html>", 200, content_type="text/html", headers={"Link": links}
            )
        return Response("{}", 404, content_type="application/json")

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handle)
    report = run_scan(httpserver.url_for("/"), only=["discovery.api-catalog", "discovery.openapi"])
    catalogs = {e.url for e in report.exchanges if "/catalog/" in e.url}
    descs = {e.url for e in report.exchanges if "/desc/" in e.url}
    assert len(catalogs) == MAX_API_CATALOG_LINKS and len(descs) == MAX_OPENAPI_LINKS
