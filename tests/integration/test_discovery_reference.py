"""discovery.* against real HTTP: the reference service (good, bare, one flaw at a time) and traps served by
pytest-httpserver (SPA fallbacks, bot challenges, dead links, HTML disguised as Markdown, MCP cards at every
known path in both shapes, JSON served as HTML, invalid JSON, huge bodies, redirects)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WResponse

from agent_ready.checks.discovery import CHECKS
from agent_ready.engine import ScanReport
from agent_ready.fetch import FetchLimits
from agent_ready.models import Status
from agent_ready.reference import ReferenceServer

DISCOVERY_IDS = [c.id for c in CHECKS]
SPA_SHELL = "<!doctype html><html><head><title>App</title></head><body><div id=root></div></body></html>"
Scan = Callable[..., ScanReport]


def statuses(report: ScanReport) -> dict[str, str]:
    return {r.id: r.status.value for r in report.results if r.category == "discovery"}


def codes(report: ScanReport, check_id: str) -> set[str]:
    return {f.code for f in report.result(check_id).findings}


# --- the reference service ---------------------------------------------------------------------------------


def test_good_reference_passes_every_discovery_check(reference: ReferenceServer, run_scan: Scan) -> None:
    report = run_scan(reference.url + "/", only=["discovery"])
    assert statuses(report) == {i: "pass" for i in DISCOVERY_IDS}, {
        r.id: r.summary for r in report.results if r.status != Status.PASS and r.category == "discovery"
    }
    assert "mcp-endpoint-answers" in codes(report, "discovery.mcp-server-card")  # GET /mcp: 405
    assert "skills-digest-verified" in codes(report, "discovery.agent-skills")
    assert "api-catalog-service-desc-parses" in codes(report, "discovery.api-catalog")
    assert report.result("discovery.openapi").details["source"] == "link-header"


def test_discovery_scan_fetches_each_resource_once(
    reference_factory: Callable[..., ReferenceServer], run_scan: Scan
) -> None:
    server = reference_factory()
    run_scan(server.url + "/", only=["discovery"])
    keys = [(m, p, h.get("accept", "")) for m, p, h in server.log if m in ("GET", "HEAD")]
    assert not {k: n for k, n in Counter(keys).items() if n > 1}


def test_bare_reference_fails_discovery(bare: ReferenceServer, run_scan: Scan) -> None:
    report = run_scan(bare.url + "/", only=["discovery"])
    expected = {i: "fail" for i in DISCOVERY_IDS}
    expected["discovery.mcp-server-card"] = "not_applicable"  # no card, nothing MCP at /mcp
    expected["discovery.a2a-agent-card"] = "not_applicable"  # no agent advertised
    assert statuses(report) == expected
    assert "llms-soft-404" in codes(report, "discovery.llms-txt")
    assert "openapi-soft-404" in codes(report, "discovery.openapi")
    assert "markdown-not-negotiated" in codes(report, "discovery.markdown-negotiation")


@pytest.mark.parametrize(
    ("flaw", "check_id", "status", "code"),
    [
        ("llms-dead-link", "discovery.llms-txt", "warn", "llms-dead-link"),
        ("markdown-as-html", "discovery.markdown-negotiation", "fail", "markdown-is-html"),
        ("no-markdown", "discovery.markdown-negotiation", "warn", "markdown-variant-only"),
        ("no-link-headers", "discovery.link-headers", "fail", "link-headers-absent"),
        ("no-api-catalog", "discovery.api-catalog", "fail", "api-catalog-absent"),
        ("openapi-as-html", "discovery.openapi", "warn", "openapi-content-type"),
        ("mcp-card-legacy", "discovery.mcp-server-card", "pass", "mcp-card-older-shape"),
        ("no-mcp-card", "discovery.mcp-server-card", "fail", "mcp-card-absent"),
        ("skills-bad-digest", "discovery.agent-skills", "fail", "skills-digest-mismatch"),
        ("no-agent-card", "discovery.a2a-agent-card", "not_applicable", "a2a-none"),
    ],
)
def test_reference_flaws(
    reference_factory: Callable[..., ReferenceServer],
    run_scan: Scan,
    flaw: str,
    check_id: str,
    status: str,
    code: str,
) -> None:
    server = reference_factory(flaws={flaw})
    report = run_scan(server.url + "/", only=[check_id])
    assert report.result(check_id).status.value == status, report.result(check_id).summary
    assert code in codes(report, check_id)


@pytest.mark.parametrize(
    ("flaws", "source"),
    [
        ({"no-link-headers"}, "api-catalog"),
        ({"no-link-headers", "no-api-catalog"}, "llms-txt"),
    ],
)
def test_openapi_is_found_through_the_next_link(
    reference_factory: Callable[..., ReferenceServer], run_scan: Scan, flaws: set[str], source: str
) -> None:
    server = reference_factory(flaws=flaws)
    report = run_scan(server.url + "/", only=["discovery.openapi"])
    assert report.result("discovery.openapi").details["source"] == source
    # links first: no common path was guessed once a link led to the description
    assert not any(p.endswith(("/openapi.yaml", "/swagger.json")) for _, p, _ in server.log)


def test_target_below_the_origin_contributes_its_link_headers(httpserver: HTTPServer, run_scan: Scan) -> None:
    httpserver.no_handler_status_code = 404
    httpserver.expect_request("/").respond_with_data("<!doctype html>", content_type="text/html")
    httpserver.expect_request("/v1/").respond_with_json(
        {"hello": "api"}, headers={"Link": '<../openapi.json>; rel="service-desc"'}
    )
    httpserver.expect_request("/openapi.json").respond_with_json({"openapi": "3.1.0", "paths": {}})
    report = run_scan(httpserver.url_for("/v1/"), only=["discovery.link-headers", "discovery.openapi"])
    assert report.result("discovery.link-headers").status == Status.PASS
    assert report.result("discovery.openapi").details["source"] == "link-header"


# --- traps on a hand-made server ------------------------------------------------------------------------


def spa(httpserver: HTTPServer, vary_by_path: bool = False) -> None:
    """A single-page app: every unknown GET answers 200 with the HTML shell."""

    def handler(request: Request) -> WResponse:
        body = SPA_SHELL.replace("App", f"App {request.path}") if vary_by_path else SPA_SHELL
        return WResponse(body, 200, content_type="text/html; charset=utf-8")

    httpserver.expect_request(__import__("re").compile(".*")).respond_with_handler(handler)


def test_spa_that_varies_its_shell_per_path_is_still_soft_404(httpserver: HTTPServer, run_scan: Scan) -> None:
    spa(httpserver, vary_by_path=True)
    report = run_scan(httpserver.url_for("/"), only=["discovery"])
    assert report.result("discovery.llms-txt").status == Status.FAIL
    assert "llms-soft-404" in codes(report, "discovery.llms-txt")
    assert report.result("discovery.openapi").status == Status.FAIL
    assert report.result("discovery.api-catalog").status == Status.FAIL
    assert report.result("discovery.mcp-server-card").status == Status.NOT_APPLICABLE
    assert report.result("discovery.sitemap").status == Status.FAIL


def test_bot_challenge_is_named(httpserver: HTTPServer, run_scan: Scan) -> None:
    challenge = (
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script></body></html>"
    )
    httpserver.expect_request(__import__("re").compile(".*")).respond_with_data(
        challenge, 403, content_type="text/html", headers={"cf-mitigated": "challenge"}
    )
    report = run_scan(httpserver.url_for("/"), only=["discovery.llms-txt", "discovery.openapi"])
    assert report.result("discovery.llms-txt").status == Status.FAIL
    assert "llms-bot-challenge" in codes(report, "discovery.llms-txt")
    assert "openapi-bot-challenge" in codes(report, "discovery.openapi")


def test_llms_txt_dead_links_and_a_metadata_link(httpserver: HTTPServer, run_scan: Scan) -> None:
    httpserver.expect_request("/llms.txt").respond_with_data(
        "# Shop\n\n> A shop.\n\n## Docs\n\n- [Docs](/docs/): the docs\n- [Gone](/gone): 404\n"
        "- [SPA](/spa-route): the catch-all page\n- [Metadata](http://169.254.169.254/latest/meta-data/)\n",
        content_type="text/plain",
    )
    httpserver.expect_request("/docs/").respond_with_data(
        "<!doctype html><h1>Real docs</h1>", content_type="text/html"
    )
    httpserver.expect_request("/gone").respond_with_data("nope", 404)
    spa(httpserver)
    report = run_scan(httpserver.url_for("/"), only=["discovery.llms-txt"])
    result = report.result("discovery.llms-txt")
    assert result.status == Status.WARN
    dead = [f.message for f in result.findings if f.code == "llms-dead-link"]
    assert len(dead) == 2 and any("/gone" in m for m in dead) and any("/spa-route" in m for m in dead)
    assert "llms-link-blocked" in codes(report, "discovery.llms-txt")
    blocked = [e for e in report.exchanges if "169.254.169.254" in e.url]
    assert blocked and all(e.error_kind == "blocked-address" and e.status is None for e in blocked)


def test_markdown_negotiation_returning_html(httpserver: HTTPServer, run_scan: Scan) -> None:
    page = "<!doctype html><html><body><h1>Home</h1></body></html>"

    def home(request: Request) -> WResponse:
        ctype = "text/markdown" if "text/markdown" in request.headers.get("Accept", "") else "text/html"
        return WResponse(page, 200, content_type=ctype)

    httpserver.expect_request("/").respond_with_handler(home)
    httpserver.no_handler_status_code = 404
    report = run_scan(httpserver.url_for("/"), only=["discovery.markdown-negotiation"])
    assert report.result("discovery.markdown-negotiation").status == Status.FAIL
    assert "markdown-is-html" in codes(report, "discovery.markdown-negotiation")


SEP2127_CARD: dict[str, Any] = {
    "$schema": "https://static.modelcontextprotocol.io/schemas/v2/server-card.schema.json",
    "name": "com.example/shop",
    "version": "1.0.0",
    "description": "Shop tools",
    "remotes": [],
}
SEP1649_CARD: dict[str, Any] = {
    "serverInfo": {"name": "shop", "version": "1.0.0"},
    "capabilities": {"tools": {}},
}


@pytest.mark.parametrize(
    "path",
    [
        "/.well-known/mcp/server-card.json",
        "/.well-known/mcp/server-cards.json",
        "/.well-known/mcp.json",
        "/.well-known/mcp",
        "/mcp/server-card",
    ],
)
@pytest.mark.parametrize("shape", ["sep-2127", "sep-1649"])
def test_mcp_card_at_every_known_path_in_both_shapes(
    httpserver: HTTPServer, run_scan: Scan, path: str, shape: str
) -> None:
    endpoint = httpserver.url_for("/mcp")
    card = (
        {**SEP2127_CARD, "remotes": [{"type": "streamable-http", "url": endpoint}]}
        if shape == "sep-2127"
        else {**SEP1649_CARD, "endpoint": endpoint}
    )
    httpserver.no_handler_status_code = 404
    httpserver.expect_request(path).respond_with_json(card)
    httpserver.expect_request("/mcp", method="GET").respond_with_data(
        "", 401, headers={"WWW-Authenticate": f'Bearer resource_metadata="{httpserver.url_for("/prm")}"'}
    )
    report = run_scan(httpserver.url_for("/"), only=["discovery.mcp-server-card"])
    result = report.result("discovery.mcp-server-card")
    assert result.status == Status.PASS, result.findings
    assert result.details["card"].endswith(path) and result.details["shape"] == shape
    assert "mcp-endpoint-challenge" in codes(report, "discovery.mcp-server-card")


def test_mcp_server_cards_json_as_a_list(httpserver: HTTPServer, run_scan: Scan) -> None:
    httpserver.no_handler_status_code = 404
    card = {**SEP2127_CARD, "remotes": [{"type": "streamable-http", "url": httpserver.url_for("/mcp")}]}
    httpserver.expect_request("/.well-known/mcp/server-cards.json").respond_with_json([card, card])
    httpserver.expect_request("/mcp", method="GET").respond_with_data("", 405)
    report = run_scan(httpserver.url_for("/"), only=["discovery.mcp-server-card"])
    assert report.result("discovery.mcp-server-card").status == Status.PASS
    assert "mcp-cards-listed" in codes(report, "discovery.mcp-server-card")


def test_mcp_endpoint_answering_only_post(httpserver: HTTPServer, run_scan: Scan) -> None:
    httpserver.no_handler_status_code = 404
    httpserver.expect_request("/.well-known/mcp/server-card.json").respond_with_json(
        {**SEP2127_CARD, "remotes": [{"type": "streamable-http", "url": httpserver.url_for("/rpc")}]}
    )
    httpserver.expect_request("/rpc", method="GET").respond_with_data("", 400)
    httpserver.expect_request("/rpc", method="POST").respond_with_json(
        {"jsonrpc": "2.0", "id": 1, "result": {"protocolVersion": "2025-11-25"}}
    )
    report = run_scan(httpserver.url_for("/"), only=["discovery.mcp-server-card"])
    assert report.result("discovery.mcp-server-card").status == Status.PASS
    assert report.result("discovery.mcp-server-card").details["endpoint"] == httpserver.url_for("/rpc")


def test_json_served_as_html_and_invalid_json(httpserver: HTTPServer, run_scan: Scan) -> None:
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "/"}],
        "paths": {
            "/a": {
                "get": {
                    "operationId": "a",
                    "summary": "A",
                    "responses": {"400": {"content": {"application/problem+json": {}}}},
                }
            }
        },
    }
    httpserver.no_handler_status_code = 404
    httpserver.expect_request("/openapi.json").respond_with_data(json.dumps(spec), content_type="text/html")
    httpserver.expect_request("/.well-known/mcp/server-card.json").respond_with_data(
        '{"name": "broken",', content_type="application/json"
    )
    report = run_scan(httpserver.url_for("/"), only=["discovery.openapi", "discovery.mcp-server-card"])
    assert report.result("discovery.openapi").status == Status.WARN
    assert "openapi-content-type" in codes(report, "discovery.openapi")
    assert report.result("discovery.mcp-server-card").status == Status.FAIL
    assert "mcp-card-invalid" in codes(report, "discovery.mcp-server-card")


def test_huge_bodies_are_truncated_not_trusted(httpserver: HTTPServer, run_scan: Scan) -> None:
    httpserver.no_handler_status_code = 404
    filler = "\n".join(f"- [page {n}](/p/{n}): filler" for n in range(3000))
    httpserver.expect_request("/llms.txt").respond_with_data(
        f"# Big\n\n## Pages\n\n{filler}\n", content_type="text/plain"
    )
    httpserver.expect_request("/openapi.json").respond_with_data(
        json.dumps({"openapi": "3.1.0", "paths": {f"/p{n}": {} for n in range(3000)}}),
        content_type="application/json",
    )
    report = run_scan(
        httpserver.url_for("/"),
        only=["discovery.llms-txt", "discovery.openapi"],
        limits=FetchLimits(max_body_bytes=16 * 1024),
    )
    assert "llms-truncated" in codes(report, "discovery.llms-txt")
    assert report.result("discovery.llms-txt").status == Status.WARN
    result = report.result("discovery.openapi")
    assert result.status == Status.FAIL and "openapi-invalid" in codes(report, "discovery.openapi")
    assert any("truncated" in f.message for f in result.findings)


def test_redirects_are_followed_and_links_resolve_against_the_final_url(
    httpserver: HTTPServer, run_scan: Scan
) -> None:
    httpserver.no_handler_status_code = 404
    httpserver.expect_request("/llms.txt").respond_with_data(
        "", 301, headers={"Location": "/static/llms.txt"}
    )
    httpserver.expect_request("/static/llms.txt").respond_with_data(
        "# Shop\n\n## Docs\n\n- [Guide](guide.html)\n", content_type="text/plain"
    )
    httpserver.expect_request("/static/guide.html").respond_with_data(
        "<!doctype html><h1>Guide</h1>", content_type="text/html"
    )
    httpserver.expect_request("/openapi.json").respond_with_data(
        "", 302, headers={"Location": "/openapi.json"}
    )
    report = run_scan(httpserver.url_for("/"), only=["discovery.llms-txt", "discovery.openapi"])
    assert report.result("discovery.llms-txt").status == Status.PASS
    assert report.result("discovery.llms-txt").details["sampled"][0]["url"].endswith("/static/guide.html")
    result = report.result("discovery.openapi")
    assert result.status == Status.FAIL  # a redirect loop is not a description; the other paths are 404
    assert "openapi-unreachable" in codes(report, "discovery.openapi")


def test_link_headers_on_api_base_and_service_desc(httpserver: HTTPServer, run_scan: Scan) -> None:
    httpserver.no_handler_status_code = 404
    httpserver.expect_request("/").respond_with_data(
        "<!doctype html>", content_type="text/html", headers={"Link": '</style.css>; rel="preload"'}
    )
    spec = {"openapi": "3.1.0", "servers": [{"url": "/api/v2"}], "paths": {}}
    httpserver.expect_request("/openapi.json").respond_with_json(spec)
    httpserver.expect_request("/api/v2").respond_with_json(
        {}, headers={"Link": '</openapi.json>; rel="service-desc", </docs>; rel="service-doc"'}
    )
    report = run_scan(httpserver.url_for("/"), only=["discovery.link-headers"])
    result = report.result("discovery.link-headers")
    assert result.status == Status.PASS, result.summary
    assert {lk["rel"] for lk in result.details["links"]} == {"preload", "service-desc", "service-doc"}


def test_error_catalogue_renders_every_registered_problem_type(
    reference_factory: Callable[..., ReferenceServer],
) -> None:
    import httpx

    server = reference_factory()
    server.app.state["error_docs"]["quota-exceeded"] = {"title": "Quota exceeded", "description": "Upgrade."}
    server.app.state["error_docs"]["tiny"] = "Just a string."
    page = httpx.get(server.url + "/docs/errors").text
    for slug in ("not-found", "method-not-allowed", "unauthorized", "invalid-token", "rate-limited"):
        assert f'id="{slug}"' in page
    assert "Quota exceeded" in page and "Just a string." in page
    # every problem type the service emits points at an anchor on that page
    problem = httpx.get(server.url + "/no/such/path").json()
    assert problem["type"] == server.url + "/docs/errors#not-found"


def test_llms_txt_takes_sections_from_other_modules(
    reference_factory: Callable[..., ReferenceServer],
) -> None:
    import httpx

    server = reference_factory()
    server.app.llms_sections.setdefault("Auth", []).append(("auth.md", "/auth.md", "sign up as an agent"))
    text = httpx.get(server.url + "/llms.txt").text
    assert f"- [auth.md]({server.url}/auth.md): sign up as an agent" in text
    assert text.rstrip().splitlines()[-1].startswith("- [Sitemap]")  # Optional stays last
