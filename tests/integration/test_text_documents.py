"""Text documents are decoded as their specs and real parsers do, and bytes that are not text are no document.

A UTF-8 byte-order mark does not change a robots.txt, llms.txt or auth.md verdict (RFC 9309 parsers and
the WHATWG decode skip it); a server answering random bytes on every path has no auth.md, robots.txt or
llms.txt, and scores no better than a bare single-page app (issue 9).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agent_ready.artifacts.documents import DocState
from agent_ready.engine import ScanReport
from agent_ready.models import Status
from agent_ready.probes.documents import binary_reason, classify_response
from agent_ready.testing import fake_response

BOM = b"\xef\xbb\xbf"
# The first group is the one a BOM would swallow: agents are shut out of everything.
ROBOTS = b"User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nAllow: /\n"
LLMS = b"# Example API\n\n> What it does.\n\n## Docs\n\n- [API](/docs): the reference\n"
AUTH_MD = (
    b"# auth.md for Example\n\n## Discover\n\nGET /.well-known/oauth-protected-resource\n\n"
    b"## Register\n\nPOST /agent/identity\n\n## Claim\n\nA human claims at /claim.\n\n## Use\n\n"
    b"Send `Authorization: Bearer <token>`.\n\n## Errors\n\nproblem+json.\n\n## Revocation\n\nPOST /revoke\n"
)
SPA = "<!doctype html><html><head><title>App</title></head><body><div id=root></div></body></html>"


def _serve(
    server: HTTPServer, files: dict[str, tuple[bytes, str]], fallback: Callable[[Request], Response]
) -> None:
    def handler(req: Request) -> Response:
        if req.path in files:
            body, ctype = files[req.path]
            return Response(body, 200, content_type=ctype)
        return fallback(req)

    server.expect_request(re.compile(".*")).respond_with_handler(handler)


def _not_found(req: Request) -> Response:
    return Response("not found", 404, content_type="text/plain")


def _verdicts(report: ScanReport, ids: tuple[str, ...]) -> dict[str, tuple[Status, str]]:
    return {i: (report.result(i).status, report.result(i).summary) for i in ids}


DOC_CHECKS = ("discovery.robots-txt", "access.ai-rules", "discovery.llms-txt", "auth-md.file")


@pytest.mark.parametrize("path", ["/robots.txt", "/llms.txt", "/auth.md"])
def test_a_utf8_bom_does_not_change_the_verdict(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport], path: str
) -> None:
    files = {
        "/robots.txt": (ROBOTS, "text/plain"),
        "/llms.txt": (LLMS, "text/plain"),
        "/auth.md": (AUTH_MD, "text/markdown"),
        "/docs": (b"<html><body>docs</body></html>", "text/html"),
    }
    _serve(httpserver, files, _not_found)
    plain = _verdicts(run_scan(httpserver.url_for("/"), only=["discovery", "access", "auth-md"]), DOC_CHECKS)
    httpserver.clear()
    body, ctype = files[path]
    _serve(httpserver, files | {path: (BOM + body, ctype)}, _not_found)
    with_bom = _verdicts(
        run_scan(httpserver.url_for("/"), only=["discovery", "access", "auth-md"]), DOC_CHECKS
    )
    assert {k: v[0] for k, v in with_bom.items()} == {k: v[0] for k, v in plain.items()}, (plain, with_bom)


def test_bom_is_not_part_of_the_text() -> None:
    resp = fake_response(200, BOM + b"# Title\n", content_type="text/plain; charset=iso-8859-1")
    assert resp.text == "# Title\n"
    assert fake_response(200, BOM + b'{"a": 1}', content_type="application/json").json == {"a": 1}


@pytest.mark.parametrize(
    ("body", "binary"),
    [
        (os.urandom(4096), True),
        (bytes(range(256)) * 8, True),
        (b"\x1f\x8b\x08\x00" + bytes(200), True),  # gzip
        ("héllo wörld, ça va?\n".encode("latin-1"), False),
        ("# auth.md — ünïcode\n".encode(), False),
        (BOM + b"# auth.md\n", False),
    ],
)
def test_binary_reason(body: bytes, binary: bool) -> None:
    assert (binary_reason(body) is not None) is binary
    state, _ = classify_response(fake_response(200, body, content_type="text/markdown"), None, text=True)
    assert (state == DocState.INVALID) is binary


def test_random_bytes_everywhere_is_no_document_and_scores_no_better_than_a_spa(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport]
) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_handler(
        lambda r: Response(os.urandom(2048), 200, content_type="application/octet-stream")
    )
    noise = run_scan(httpserver.url_for("/"))
    for cid in ("auth-md.file", "discovery.robots-txt", "discovery.llms-txt"):
        assert noise.result(cid).status not in (Status.PASS, Status.WARN), (cid, noise.result(cid).summary)
    httpserver.clear()
    httpserver.expect_request(re.compile(".*")).respond_with_data(SPA, content_type="text/html")
    spa = run_scan(httpserver.url_for("/"))
    assert (noise.score.overall or 0) <= (spa.score.overall or 0), (noise.score.overall, spa.score.overall)
