"""discovery.* on literal artifacts: the parsers, then each check's pass/warn/fail/n/a/error cases."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

import pytest

from agent_ready.artifacts.discovery import (
    A2ACard,
    AgentSkills,
    ApiCatalog,
    DigestCheck,
    LinkCheck,
    LinkHeaders,
    LlmsTxt,
    MarkdownNegotiation,
    McpDiscovery,
    Negotiation,
    Sitemap,
    card_endpoints,
    card_shape,
    endpoint_answers,
    is_bot_challenge,
)
from agent_ready.artifacts.documents import Doc, DocState, body_is_html
from agent_ready.artifacts.http import Response
from agent_ready.artifacts.openapi import (
    RESOURCE_METHODS,
    OpenAPIDescription,
    OpenAPIResult,
    openapi_description,
)
from agent_ready.checks.discovery import CHECKS
from agent_ready.checks.discovery.a2a import a2a_agent_card
from agent_ready.checks.discovery.api_catalog import api_catalog
from agent_ready.checks.discovery.link_headers import link_headers
from agent_ready.checks.discovery.llms_txt import llms_txt
from agent_ready.checks.discovery.markdown import markdown_negotiation
from agent_ready.checks.discovery.mcp import mcp_server_card
from agent_ready.checks.discovery.openapi import openapi
from agent_ready.checks.discovery.sitemap import sitemap
from agent_ready.checks.discovery.skills import agent_skills
from agent_ready.models import Status
from agent_ready.parsers.linkset import parse_linkset
from agent_ready.parsers.llms_txt import LlmsLink, parse_llms_txt
from agent_ready.probes.discovery import (
    link_source,
    md_variant_url,
    openapi_candidates,
    pick_card,
    pick_docs_url,
    sample_links,
    skill_digest,
)
from agent_ready.testing import fake_response, judge
from tests.fixtures.realworld import cards
from tests.parsers.test_llms_txt import LLMS

BASE = "https://api.example.com"
SPA = "<!doctype html><html><body><div id=root></div></body></html>"


def doc(
    path: str,
    state: DocState = DocState.FOUND,
    data: Any = None,
    *,
    resp: Response | None = None,
    problem: str | None = None,
    **resp_kwargs: Any,
) -> Doc:
    url = BASE + path
    if resp is None:
        status = {DocState.ABSENT: 404, DocState.ERROR_STATUS: 500, DocState.UNREACHABLE: None}.get(
            state, 200
        )
        resp = fake_response(status, url=url, **resp_kwargs)
    return Doc(
        url=url,
        state=state,
        response=resp,
        data=data,
        problem=problem or (None if state == DocState.FOUND else state.value),
    )


def json_doc(path: str, data: Any, content_type: str = "application/json") -> Doc:
    return doc(
        path, data=data, resp=fake_response(200, json.dumps(data), content_type=content_type, url=BASE + path)
    )


def codes(outcome: Any) -> set[str]:
    return {f.code for f in outcome.findings}


# --- parsers ------------------------------------------------------------------------------------------


def test_link_headers_find() -> None:
    home = fake_response(
        200,
        "<html>",
        content_type="text/html",
        url=BASE + "/",
        headers=[
            ("link", '</openapi.json>; rel="service-desc"'),
            ("link", '</index.md>; rel="alternate"; type="text/markdown"'),
        ],
    )
    found = LinkHeaders([link_source(home)])
    assert [lk.href for lk in found.find("service-desc")] == [BASE + "/openapi.json"]
    assert found.find("alternate", "text/markdown")[0].href == BASE + "/index.md"


def test_llms_txt_link_sample() -> None:
    parsed = parse_llms_txt(LLMS, BASE + "/llms.txt")
    sample = sample_links(parsed.links(), BASE, limit=3)
    assert [lk.url for lk in sample] == [BASE + "/docs/", BASE + "/openapi.json", BASE + "/blog"]


def test_docs_url_choice() -> None:
    parsed = parse_llms_txt(LLMS, BASE + "/llms.txt")
    assert pick_docs_url(BASE, parsed, None) == (BASE + "/docs/", "llms-txt")
    home = fake_response(200, "", url=BASE + "/", headers={"link": '</guide>; rel="service-doc"'})
    assert pick_docs_url(BASE, None, LinkHeaders([link_source(home)])) == (
        BASE + "/guide",
        "link-service-doc",
    )
    assert pick_docs_url(BASE, None, None) == (BASE + "/docs/", "default")
    assert md_variant_url(BASE + "/docs/") == BASE + "/docs/index.md"
    assert md_variant_url(BASE + "/guide") == BASE + "/guide.md"


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "servers": [{"url": "/{version}", "variables": {"version": {"default": "v2"}}}],
    "security": [{"bearer": []}],
    "paths": {
        "/projects": {
            "get": {
                "operationId": "list",
                "summary": "List",
                "responses": {"401": {"content": {"application/problem+json": {}}}},
            },
            "post": {"operationId": "create", "summary": "Create", "security": [{"bearer": []}, {}]},
            "parameters": [],
        },
        "/health": {"get": {"operationId": "health", "summary": "Health", "security": []}},
    },
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "oauth2",
                "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}},
            }
        }
    },
}


def description(
    data: dict[str, Any],
    path: str = "/openapi.json",
    source: str = "link-header",
    content_type: str = "application/json",
) -> OpenAPIDescription:
    return OpenAPIDescription(doc=json_doc(path, data, content_type), data=data, source=source)


def test_openapi_model() -> None:
    desc = description(SPEC)
    ops = {(o.method, o.path): o for o in desc.operations()}
    assert set(ops) == {("GET", "/projects"), ("POST", "/projects"), ("GET", "/health")}
    assert ops["GET", "/projects"].requires_auth  # inherits the document's security
    assert not ops["POST", "/projects"].requires_auth  # {} makes it optional
    assert not ops["GET", "/health"].requires_auth and ops["GET", "/health"].security == ()
    assert desc.server_url() == BASE + "/v2"
    assert desc.url_for("/projects") == BASE + "/v2/projects"
    assert desc.security_schemes()["bearer"]["type"] == "oauth2"
    assert desc.operation("get", "/health") is not None
    swagger = description(
        {
            "swagger": "2.0",
            "host": "x.example.com",
            "basePath": "/api",
            "schemes": ["https"],
            "securityDefinitions": {"k": {"type": "apiKey"}},
            "paths": {},
        }
    )
    assert swagger.is_swagger2 and swagger.server_url() == "https://x.example.com/api"
    assert swagger.security_schemes() == {"k": {"type": "apiKey"}}
    assert description({"openapi": "3.0.3", "paths": {}}).server_url() is None


def test_openapi_api_base_and_resource_methods() -> None:
    desc = description(SPEC)
    assert desc.api_base() == BASE + "/v2"
    with_head = {**SPEC, "paths": {"/p": {"head": {}, "post": {}, "get": {}}}}
    assert [o.method for o in description(with_head).operations()] == ["GET", "POST", "HEAD"]
    assert [o.method for o in description(with_head).operations(RESOURCE_METHODS)] == ["GET", "POST"]
    # Swagger 2.0 without host: basePath on the host serving the document.
    assert description({"swagger": "2.0", "basePath": "/api/", "paths": {}}).api_base() == BASE + "/api"
    assert description({"swagger": "2.0", "paths": {}}).api_base() is None
    assert openapi_description(OpenAPIResult(desc)) is desc
    assert openapi_description(OpenAPIResult(None)) is None and openapi_description(None) is None


def test_openapi_candidates_links_first_then_common_paths() -> None:
    home = fake_response(200, "", url=BASE + "/", headers={"link": '</spec.yaml>; rel="service-desc"'})
    catalog = ApiCatalog(
        doc=doc("/.well-known/api-catalog"),
        entries=parse_linkset(
            {
                "linkset": [
                    {
                        "anchor": BASE + "/",
                        "service-desc": [
                            {"href": "/card.json", "type": "application/mcp-server-card+json"},
                            {"href": "/catalog-spec.json"},
                            {"href": "/spec.yaml"},
                        ],
                    }
                ]
            },
            BASE + "/",
        )[0],
    )
    llms = parse_llms_txt(
        "# A\n\n## API\n\n- [spec](/api/swagger.json)\n- [docs](/docs/)\n", BASE + "/llms.txt"
    )
    urls = openapi_candidates(BASE, LinkHeaders([link_source(home)]), catalog, llms)
    assert urls[:3] == [
        (BASE + "/spec.yaml", "link-header"),
        (BASE + "/catalog-spec.json", "api-catalog"),
        (BASE + "/api/swagger.json", "llms-txt"),
    ]
    assert next(u for u, s in urls if s == "common-path") == BASE + "/openapi.json"


def test_card_shapes_and_endpoints_on_real_cards() -> None:
    # Shapes from tests/fixtures/realworld/cards.py (provenance comments there).
    assert card_shape(cards.MCP_SERVER_CARD_SEP2127_MINIMAL) == "sep-2127"
    assert card_endpoints(cards.MCP_SERVER_CARD_SEP2127_MINIMAL, BASE) == []
    assert card_endpoints(cards.MCP_SERVER_CARD_SEP2127_TEMPLATED_REMOTE, BASE) == []  # {tenant} template
    assert card_shape(cards.MCP_SERVER_CARD_WORLDMONITOR_HYBRID) == "hybrid"
    assert card_endpoints(cards.MCP_SERVER_CARD_WORLDMONITOR_HYBRID, BASE) == ["https://worldmonitor.app/mcp"]
    assert card_shape(cards.MCP_SERVER_CARD_ZOWE_SERVERINFO) == "sep-1649"
    assert card_shape({"endpoint": "/mcp", "capabilities": {}}) == "sep-1649"
    assert card_endpoints({"endpoint": "/mcp"}, BASE + "/.well-known/mcp.json") == [BASE + "/mcp"]
    assert card_shape({"hello": 1}) == "unknown"


def test_pick_card_from_card_lists() -> None:
    assert pick_card(SEP1649_CARD_LITERAL) == (SEP1649_CARD_LITERAL, 1)
    assert pick_card([SEP1649_CARD_LITERAL, {"name": "b/c"}]) == (SEP1649_CARD_LITERAL, 2)
    assert pick_card({"cards": [{"name": "b/c"}]}) == ({"name": "b/c"}, 1)
    assert pick_card(["x"]) == (None, 0)
    assert pick_card("x") == (None, 0)


SEP1649_CARD_LITERAL = {"serverInfo": {"name": "x", "version": "1"}, "endpoint": "/mcp"}


@pytest.mark.parametrize(
    ("resp", "answers"),
    [
        (
            fake_response(
                401, json={"title": "x"}, headers={"www-authenticate": 'Bearer resource_metadata="x"'}
            ),
            True,
        ),
        (fake_response(405, ""), True),
        (fake_response(200, json={"jsonrpc": "2.0", "id": 1, "result": {}}), True),
        (fake_response(200, "data: {}\n\n", content_type="text/event-stream"), True),
        (fake_response(404, json={"title": "nope"}), False),
        (fake_response(200, SPA, content_type="text/html"), False),
        (fake_response(401, SPA, content_type="text/html"), False),
        (fake_response(None), False),
    ],
)
def test_endpoint_answers(resp: Response, answers: bool) -> None:
    assert endpoint_answers(resp) is answers


def test_skill_digest_forms() -> None:
    hexd = "a" * 64
    assert skill_digest({"digest": f"sha256:{hexd}"}) == hexd
    assert skill_digest({"digest": f"SHA256:{hexd.upper()}"}) == hexd
    # worldmonitor publishes a bare `sha256` member (cards.AGENT_SKILLS_INDEX_WORLDMONITOR)
    assert (
        skill_digest(cards.AGENT_SKILLS_INDEX_WORLDMONITOR["skills"][0])
        == "ae21c510c0d64d8e018ba8a371f36be5b991d920e02cead89ea8af99841ea879"
    )
    assert skill_digest({"digest": "md5:abc"}) is None
    assert skill_digest({"digest": "sha256:nothex"}) is None


@pytest.mark.parametrize(
    ("resp", "expected"),
    [
        (
            fake_response(
                403,
                "<html><title>Just a moment...</title><script src=/cdn-cgi/challenge-platform/x>",
                content_type="text/html",
            ),
            True,
        ),
        (fake_response(403, "{}", headers={"cf-mitigated": "challenge"}), True),
        (fake_response(200, "<!doctype html><div class=g-recaptcha></div>", content_type="text/html"), True),
        (fake_response(200, '{"description": "No CAPTCHA needed"}', content_type="text/html"), False),
        (
            fake_response(200, "<!doctype html><p>We never show a CAPTCHA.</p>", content_type="text/html"),
            False,
        ),
        (fake_response(404, SPA, content_type="text/html"), False),
    ],
)
def test_bot_challenge_detection(resp: Response, expected: bool) -> None:
    assert is_bot_challenge(resp) is expected


def test_body_is_html_sniffs_content_not_type() -> None:
    assert body_is_html(fake_response(200, "  <!DOCTYPE html><html>", content_type="text/markdown"))
    assert not body_is_html(fake_response(200, "# Title", content_type="text/html"))


# --- discovery.llms-txt --------------------------------------------------------------------------------


def llms_artifact(
    text: str = LLMS,
    *,
    dead: int = 0,
    content_type: str = "text/plain",
    truncated: bool = False,
    full: bool = False,
) -> LlmsTxt:
    resp = dataclasses.replace(
        fake_response(200, text, content_type=content_type, url=BASE + "/llms.txt"), truncated=truncated
    )
    found = Doc(url=BASE + "/llms.txt", state=DocState.FOUND, response=resp, data=text)
    parsed = LlmsTxt.from_parsed(found, parse_llms_txt(text, BASE + "/llms.txt"))
    for n, link in enumerate(sample_links(parsed.links(), BASE)):
        state = DocState.ABSENT if n < dead else DocState.FOUND
        parsed.checked.append(LinkCheck(link, doc(link.url.replace(BASE, ""), state)))
    return dataclasses.replace(parsed, full=doc("/llms-full.txt", data="x")) if full else parsed


def llms_missing(state: DocState, resp: Response | None = None) -> LlmsTxt:
    return LlmsTxt(doc=doc("/llms.txt", state, resp=resp, problem="why"))


@pytest.mark.parametrize(
    ("artifact", "status", "code"),
    [
        (llms_artifact(full=True), Status.PASS, "llms-links-resolve"),
        (llms_artifact(dead=2), Status.WARN, "llms-dead-link"),
        (llms_artifact("# Just a title\n"), Status.WARN, "llms-h1-only"),
        (llms_artifact("Intro\n\n# Title\n\n## A\n\n- [a](/a)\n"), Status.WARN, "llms-h1-not-first"),
        (llms_artifact("## A\n\n- [a](/a)\n"), Status.WARN, "llms-no-h1"),
        (llms_artifact("just some words\n"), Status.FAIL, "llms-not-llmstxt"),
        (llms_artifact(content_type="text/html"), Status.WARN, "llms-content-type"),
        (llms_artifact(truncated=True), Status.WARN, "llms-truncated"),
        (
            llms_missing(DocState.SOFT_404, fake_response(200, SPA, content_type="text/html")),
            Status.FAIL,
            "llms-soft-404",
        ),
        (llms_missing(DocState.ABSENT), Status.FAIL, "llms-absent"),
        (
            llms_missing(
                DocState.ERROR_STATUS,
                fake_response(
                    403, "<!doctype html><title>Just a moment...</title>", content_type="text/html"
                ),
            ),
            Status.FAIL,
            "llms-bot-challenge",
        ),
        (llms_missing(DocState.UNREACHABLE), Status.ERROR, "llms-unreachable"),
    ],
)
def test_llms_txt_check(artifact: LlmsTxt, status: Status, code: str) -> None:
    outcome = judge(llms_txt, llms_txt=artifact)
    assert outcome.status == status, outcome
    assert code in codes(outcome)


def test_llms_txt_blocked_link_is_information() -> None:
    artifact = llms_artifact()
    link = LlmsLink("meta", "http://169.254.169.254/latest", "Docs")
    artifact.checked.append(
        LinkCheck(
            link,
            Doc(
                url=link.url,
                state=DocState.UNREACHABLE,
                problem="blocked",
                response=fake_response(None, error_kind="blocked-address"),
            ),
        )
    )
    outcome = judge(llms_txt, llms_txt=artifact)
    assert outcome.status == Status.PASS and "llms-link-blocked" in codes(outcome)


# --- discovery.markdown-negotiation -----------------------------------------------------------------------

HTML_PAGE = "<!doctype html><html><body><h1>Hi</h1></body></html>"


def md_resp(
    body: str = "# Hi\n",
    ctype: str = "text/markdown; charset=utf-8",
    vary: bool = True,
    status: int | None = 200,
) -> Response:
    headers = [("vary", "Accept")] if vary else []
    if status is None:
        return fake_response(None)
    return fake_response(status, body, content_type=ctype, headers=headers)


def page(
    role: str, markdown: Response, plain: Response | None = None, variant: Doc | None = None
) -> Negotiation:
    url = BASE + ("/" if role == "home" else "/docs/")
    return Negotiation(
        url=url,
        role=role,
        markdown=markdown,
        plain=plain or fake_response(200, HTML_PAGE, content_type="text/html"),
        md_variant=variant,
    )


def negotiation(*pages: Negotiation) -> MarkdownNegotiation:
    return MarkdownNegotiation(pages=list(pages), docs_source="default")


HTML_AS_HTML = fake_response(200, HTML_PAGE, content_type="text/html")


@pytest.mark.parametrize(
    ("artifact", "status", "code"),
    [
        (negotiation(page("home", md_resp()), page("docs", md_resp())), Status.PASS, "markdown-negotiated"),
        (
            negotiation(page("home", md_resp(vary=False)), page("docs", md_resp())),
            Status.PASS,
            "markdown-no-vary",
        ),
        (
            negotiation(page("home", md_resp(HTML_PAGE)), page("docs", md_resp())),
            Status.FAIL,
            "markdown-is-html",
        ),
        (
            negotiation(page("home", HTML_AS_HTML), page("docs", HTML_AS_HTML)),
            Status.FAIL,
            "markdown-not-negotiated",
        ),
        (
            negotiation(
                page("home", HTML_AS_HTML, variant=doc("/index.md", data="# Hi")), page("docs", HTML_AS_HTML)
            ),
            Status.WARN,
            "markdown-variant-only",
        ),
        (
            negotiation(page("home", md_resp()), page("docs", HTML_AS_HTML)),
            Status.WARN,
            "markdown-not-negotiated",
        ),
        (
            negotiation(
                page("home", md_resp()), page("docs", md_resp(status=404), plain=fake_response(404, "{}"))
            ),
            Status.PASS,
            "markdown-no-docs-page",
        ),
        (negotiation(page("home", md_resp(), plain=md_resp())), Status.WARN, "markdown-without-accept"),
        (negotiation(page("home", md_resp(status=None))), Status.ERROR, "markdown-unreachable"),
    ],
)
def test_markdown_negotiation_check(artifact: MarkdownNegotiation, status: Status, code: str) -> None:
    outcome = judge(markdown_negotiation, markdown=artifact)
    assert outcome.status == status, outcome
    assert code in codes(outcome)


def test_markdown_tokens_bonus() -> None:
    resp = fake_response(
        200, "# Hi", content_type="text/markdown", headers={"vary": "Accept", "x-markdown-tokens": "12"}
    )
    outcome = judge(markdown_negotiation, markdown=negotiation(page("home", resp)))
    assert outcome.status == Status.PASS and {"markdown-tokens", "markdown-vary-accept"} <= codes(outcome)


# --- discovery.api-catalog -----------------------------------------------------------------------------

CATALOG_DATA = {
    "linkset": [
        {
            "anchor": BASE + "/v1",
            "service-desc": [{"href": "/openapi.json"}],
            "service-doc": [{"href": "/docs/"}],
        }
    ]
}
PROFILED = 'application/linkset+json; profile="https://www.rfc-editor.org/info/rfc9727"'


def catalog(data: Any = CATALOG_DATA, content_type: str = PROFILED) -> ApiCatalog:
    found = json_doc("/.well-known/api-catalog", data, content_type)
    entries, problems = parse_linkset(data, found.url)
    return ApiCatalog(doc=found, tried=[found], entries=entries, shape_problems=problems)


def catalog_missing(state: DocState) -> ApiCatalog:
    missing = doc("/.well-known/api-catalog", state)
    return ApiCatalog(doc=missing, tried=[missing])


SPEC_FOUND = OpenAPIResult(description=description(SPEC))
SPEC_BROKEN = OpenAPIResult(description=None, tried=[doc("/openapi.json", DocState.ABSENT)])


@pytest.mark.parametrize(
    ("artifact", "spec", "status", "code"),
    [
        (catalog(), SPEC_FOUND, Status.PASS, "api-catalog-service-desc-parses"),
        (catalog(content_type=PROFILED.split(";")[0]), SPEC_FOUND, Status.PASS, "api-catalog-no-profile"),
        (catalog(content_type="application/json"), SPEC_FOUND, Status.WARN, "api-catalog-content-type"),
        (catalog(), SPEC_BROKEN, Status.WARN, "api-catalog-service-desc-broken"),
        (
            catalog({"linkset": [{"anchor": BASE + "/", "item": [{"href": "/v1"}]}]}),
            None,
            Status.WARN,
            "api-catalog-items-only",
        ),
        (
            catalog({"linkset": [{"anchor": BASE + "/", "author": [{"href": "/me"}]}]}),
            None,
            Status.FAIL,
            "api-catalog-no-service-links",
        ),
        (catalog({"links": []}), None, Status.FAIL, "api-catalog-not-linkset"),
        (catalog({"linkset": []}), None, Status.FAIL, "api-catalog-not-linkset"),
        (
            catalog(cards.API_CATALOG_WORLDMONITOR, "application/json"),
            None,
            Status.WARN,
            "api-catalog-entries",
        ),
        (catalog_missing(DocState.ABSENT), None, Status.FAIL, "api-catalog-absent"),
        (catalog_missing(DocState.SOFT_404), None, Status.FAIL, "api-catalog-soft-404"),
        (catalog_missing(DocState.INVALID), None, Status.FAIL, "api-catalog-invalid"),
        (catalog_missing(DocState.UNREACHABLE), None, Status.ERROR, "api-catalog-unreachable"),
    ],
)
def test_api_catalog_check(
    artifact: ApiCatalog, spec: OpenAPIResult | None, status: Status, code: str
) -> None:
    outcome = judge(api_catalog, api_catalog=artifact, openapi=spec)
    assert outcome.status == status, outcome
    assert code in codes(outcome)


# --- discovery.openapi ---------------------------------------------------------------------------------


def spec_with(**changes: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(SPEC))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


BARE_SCHEMES = {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}


@pytest.mark.parametrize(
    ("result", "status", "code"),
    [
        (OpenAPIResult(description(SPEC)), Status.PASS, "openapi-problem-json"),
        (OpenAPIResult(description(SPEC, source="common-path")), Status.PASS, "openapi-not-linked"),
        (OpenAPIResult(description(spec_with(servers=None))), Status.WARN, "openapi-no-servers"),
        (
            OpenAPIResult(description(spec_with(components=BARE_SCHEMES))),
            Status.WARN,
            "openapi-security-unexplained",
        ),
        (
            OpenAPIResult(description(spec_with(paths={"/x": {"get": {"responses": {}}}}))),
            Status.WARN,
            "openapi-operations-undocumented",
        ),
        (
            OpenAPIResult(
                description(spec_with(paths={"/x": {"get": {"operationId": "x", "summary": "x"}}}))
            ),
            Status.WARN,
            "openapi-no-problem-json",
        ),
        (OpenAPIResult(description(spec_with(paths={}))), Status.WARN, "openapi-no-operations"),
        (OpenAPIResult(description(SPEC, content_type="text/html")), Status.WARN, "openapi-content-type"),
        (
            OpenAPIResult(
                description(
                    {
                        "swagger": "2.0",
                        "info": {"title": "A", "version": "1"},
                        "host": "api.example.com",
                        "paths": {
                            "/a": {
                                "get": {
                                    "operationId": "a",
                                    "summary": "A",
                                    "responses": {"default": {"$ref": "#/responses/Problem"}},
                                }
                            }
                        },
                    }
                )
            ),
            Status.PASS,
            "openapi-swagger2",
        ),
        (
            OpenAPIResult(None, tried=[doc("/openapi.json", DocState.INVALID, problem="not OpenAPI")]),
            Status.FAIL,
            "openapi-invalid",
        ),
        (
            OpenAPIResult(
                None, tried=[doc("/openapi.json", DocState.SOFT_404), doc("/swagger.json", DocState.ABSENT)]
            ),
            Status.FAIL,
            "openapi-soft-404",
        ),
        (
            OpenAPIResult(None, tried=[doc("/openapi.json", DocState.UNREACHABLE)]),
            Status.ERROR,
            "openapi-unreachable",
        ),
    ],
)
def test_openapi_check(result: OpenAPIResult, status: Status, code: str) -> None:
    outcome = judge(openapi, openapi=result)
    assert outcome.status == status, outcome
    assert code in codes(outcome)


# --- discovery.link-headers -----------------------------------------------------------------------------


def headers_artifact(*values: str, status: int | None = 200) -> LinkHeaders:
    resp = fake_response(
        status, HTML_PAGE, content_type="text/html", url=BASE + "/", headers=[("link", v) for v in values]
    )
    return LinkHeaders([link_source(resp)])


@pytest.mark.parametrize(
    ("artifact", "api", "status", "code"),
    [
        (
            headers_artifact(
                '</.well-known/api-catalog>; rel="api-catalog"', "</openapi.json>; rel=service-desc"
            ),
            None,
            Status.PASS,
            "link-agent-rels",
        ),
        (
            headers_artifact('</index.md>; rel="alternate"; type="text/markdown"'),
            None,
            Status.PASS,
            "link-agent-rels",
        ),
        (headers_artifact('</style.css>; rel="preload"'), None, Status.WARN, "link-no-agent-rels"),
        (
            headers_artifact('</x>; rel="alternate"; type="application/rss+xml"'),
            None,
            Status.WARN,
            "link-no-agent-rels",
        ),
        (headers_artifact(), None, Status.FAIL, "link-headers-absent"),
        (
            headers_artifact(),
            link_source(
                fake_response(
                    200, "{}", url=BASE + "/v1", headers={"link": '</openapi.json>; rel="service-desc"'}
                )
            ),
            Status.PASS,
            "link-agent-rels",
        ),
        (
            headers_artifact('</openapi.json>; rel="service-desc"', "nonsense"),
            None,
            Status.WARN,
            "link-header-unparsed",
        ),
        (headers_artifact(status=None), None, Status.ERROR, "link-unreachable"),
    ],
)
def test_link_headers_check(artifact: LinkHeaders, api: Any, status: Status, code: str) -> None:
    outcome = judge(link_headers, links=artifact, api_links=api)
    assert outcome.status == status, outcome
    assert code in codes(outcome)


def test_link_headers_details_list_links() -> None:
    outcome = judge(
        link_headers, links=headers_artifact('</openapi.json>; rel="service-desc"'), api_links=None
    )
    assert outcome.details["links"][0]["href"] == BASE + "/openapi.json"


# --- discovery.mcp-server-card -----------------------------------------------------------------------------

CARD_2127 = {
    "$schema": "https://static.modelcontextprotocol.io/schemas/v2/server-card.schema.json",
    "name": "com.example/api",
    "version": "1.0.0",
    "description": "d",
    "remotes": [{"type": "streamable-http", "url": BASE + "/mcp"}],
}
CHALLENGE = fake_response(
    401,
    json={"title": "Unauthorized"},
    headers={"www-authenticate": f'Bearer resource_metadata="{BASE}/.well-known/x"'},
)
MISSING_CARDS = [
    doc(p, DocState.ABSENT)
    for p in (
        "/.well-known/mcp/server-card.json",
        "/.well-known/mcp/server-cards.json",
        "/.well-known/mcp.json",
        "/.well-known/mcp",
        "/mcp/server-card",
    )
]


def mcp(
    card: Any = None,
    *,
    path: str = "/.well-known/mcp/server-card.json",
    get: Response | None = CHALLENGE,
    post: Response | None = None,
    content_type: str = "application/json",
    tried: list[Doc] | None = None,
    endpoint: str | None = "card",
) -> McpDiscovery:
    if card is None:
        return McpDiscovery(
            card=None,
            tried=tried if tried is not None else MISSING_CARDS,
            endpoint_get=get,
            endpoint_post=post,
            endpoint_url=BASE + "/mcp" if endpoint else None,
            endpoint_source="default-path" if endpoint else None,
        )
    found = json_doc(path, card, content_type)
    return McpDiscovery(
        card=found,
        card_data=card if isinstance(card, dict) else {},
        cards_listed=1,
        tried=[found],
        shape=card_shape(card),
        endpoint_url=BASE + "/mcp",
        endpoint_source=endpoint,
        endpoint_get=get,
        endpoint_post=post,
    )


SEP1649 = {"serverInfo": {"name": "x", "version": "1"}, "endpoint": "/mcp", "capabilities": {"tools": {}}}


@pytest.mark.parametrize(
    ("artifact", "status", "code"),
    [
        (mcp(CARD_2127), Status.PASS, "mcp-endpoint-challenge"),
        (mcp(CARD_2127, get=fake_response(405, "")), Status.PASS, "mcp-endpoint-answers"),
        (
            mcp(
                CARD_2127,
                get=fake_response(404, "{}"),
                post=fake_response(200, json={"jsonrpc": "2.0", "id": 1, "result": {}}),
            ),
            Status.PASS,
            "mcp-endpoint-answers",
        ),
        (
            mcp(SEP1649, path="/.well-known/mcp.json", get=fake_response(405, "")),
            Status.PASS,
            "mcp-card-older-shape",
        ),
        (mcp(CARD_2127, content_type="text/html"), Status.WARN, "mcp-card-content-type"),
        (mcp(CARD_2127, get=fake_response(401, "{}")), Status.WARN, "mcp-endpoint-no-resource-metadata"),
        (mcp(cards.MCP_SERVER_CARD_WORLDMONITOR_HYBRID), Status.WARN, "mcp-card-shape"),
        (mcp(cards.MCP_SERVER_CARD_SEP2127_INVALID_WITH_PACKAGES), Status.WARN, "mcp-card-shape"),
        (mcp({**CARD_2127, "name": "not-reverse-dns"}), Status.WARN, "mcp-card-shape"),
        (mcp({k: v for k, v in CARD_2127.items() if k != "version"}), Status.FAIL, "mcp-card-fields"),
        (mcp({"serverInfo": {"name": "x"}, "endpoint": "/mcp"}), Status.FAIL, "mcp-card-fields"),
        (mcp({"hello": "world"}), Status.FAIL, "mcp-card-fields"),
        (
            mcp(CARD_2127, get=fake_response(404, json={"title": "nope"}), post=fake_response(404, "{}")),
            Status.FAIL,
            "mcp-endpoint-no-answer",
        ),
        (
            mcp(CARD_2127, get=fake_response(200, SPA, content_type="text/html")),
            Status.FAIL,
            "mcp-endpoint-no-answer",
        ),
        (mcp(CARD_2127, get=fake_response(None)), Status.FAIL, "mcp-endpoint-no-answer"),
        (
            mcp(CARD_2127, get=fake_response(None, error_kind="blocked-address")),
            Status.WARN,
            "mcp-endpoint-blocked",
        ),
        (
            mcp(cards.MCP_SERVER_CARD_SEP2127_MINIMAL, get=fake_response(404, "{}"), endpoint=None),
            Status.FAIL,
            "mcp-card-no-endpoint",
        ),
        (
            mcp(cards.MCP_SERVER_CARD_SEP2127_MINIMAL, get=fake_response(405, ""), endpoint="default-path"),
            Status.WARN,
            "mcp-card-no-endpoint",
        ),
        (mcp(None, get=fake_response(405, "")), Status.FAIL, "mcp-card-absent"),
        (mcp(None, get=fake_response(404, "{}"), endpoint=None), Status.NOT_APPLICABLE, "mcp-none"),
        (
            mcp(
                None,
                get=fake_response(404, "{}"),
                endpoint=None,
                tried=[
                    json_doc("/.well-known/mcp.json", None),
                    doc("/.well-known/mcp", DocState.INVALID, problem="not JSON"),
                ],
            ),
            Status.FAIL,
            "mcp-card-invalid",
        ),
    ],
)
def test_mcp_server_card_check(artifact: McpDiscovery, status: Status, code: str) -> None:
    outcome = judge(mcp_server_card, mcp_card=artifact)
    assert outcome.status == status, outcome
    assert code in codes(outcome)


def test_mcp_server_card_error_when_nothing_answers() -> None:
    artifact = mcp(
        None,
        get=fake_response(None),
        endpoint=None,
        tried=[doc(p.url.replace(BASE, ""), DocState.UNREACHABLE) for p in MISSING_CARDS],
    )
    assert judge(mcp_server_card, mcp_card=artifact).status == Status.ERROR


# --- discovery.a2a-agent-card ----------------------------------------------------------------------------


def a2a(
    card: Any = None, path: str = "/.well-known/agent-card.json", tried: list[Doc] | None = None
) -> A2ACard:
    if card is None:
        return A2ACard(
            doc=None,
            tried=tried
            or [
                doc("/.well-known/agent-card.json", DocState.ABSENT),
                doc("/.well-known/agent.json", DocState.ABSENT),
            ],
        )
    found = json_doc(path, card)
    return A2ACard(doc=found, tried=[found])


V1_CARD = {
    **cards.A2A_AGENT_CARD_V1_SUPPORTED_INTERFACES,
    "skills": [{"id": "forecast", "name": "Forecast", "description": "Weather forecasts"}],
}


@pytest.mark.parametrize(
    ("artifact", "status", "code"),
    [
        (a2a(V1_CARD), Status.PASS, "a2a-interfaces"),
        (a2a(cards.A2A_AGENT_CARD_WORLDMONITOR_V03), Status.PASS, "a2a-legacy-url"),
        (a2a(cards.A2A_AGENT_CARD_V1_SUPPORTED_INTERFACES), Status.WARN, "a2a-no-skills"),
        (a2a(V1_CARD, path="/.well-known/agent.json"), Status.WARN, "a2a-legacy-path"),
        (
            a2a(cards.A2A_AGENT_CARD_SPEC_V03_HEAD),
            Status.FAIL,
            "a2a-card-fields",
        ),  # cut before capabilities/skills
        (a2a({**V1_CARD, "skills": [{"name": "no id"}]}), Status.FAIL, "a2a-skill-fields"),
        (
            a2a({k: v for k, v in V1_CARD.items() if k != "supportedInterfaces"}),
            Status.FAIL,
            "a2a-no-endpoint",
        ),
        (a2a(["not", "an", "object"]), Status.FAIL, "a2a-card-invalid"),
        (a2a(), Status.NOT_APPLICABLE, "a2a-none"),
        (
            a2a(tried=[doc("/.well-known/agent-card.json", DocState.INVALID, problem="not JSON")]),
            Status.FAIL,
            "a2a-card-invalid",
        ),
    ],
)
def test_a2a_agent_card_check(artifact: A2ACard, status: Status, code: str) -> None:
    outcome = judge(a2a_agent_card, a2a_card=artifact)
    assert outcome.status == status, outcome
    assert code in codes(outcome)


def test_a2a_unreachable_is_error() -> None:
    artifact = a2a(
        tried=[
            doc("/.well-known/agent-card.json", DocState.UNREACHABLE),
            doc("/.well-known/agent.json", DocState.UNREACHABLE),
        ]
    )
    assert judge(a2a_agent_card, a2a_card=artifact).status == Status.ERROR


# --- discovery.agent-skills -----------------------------------------------------------------------------

SKILL_BODY = b"# Skill\n"
SKILL_HEX = hashlib.sha256(SKILL_BODY).hexdigest()
INDEX = {
    "$schema": "https://schemas.agentskills.io/discovery/0.2.0/schema.json",
    "skills": [
        {
            "name": "s",
            "type": "skill-md",
            "description": "does s",
            "url": "/skills/s/SKILL.md",
            "digest": f"sha256:{SKILL_HEX}",
        }
    ],
}


def skills(
    index: Any = INDEX,
    *,
    body: bytes = SKILL_BODY,
    status: int | None = 200,
    path: str = "/.well-known/agent-skills/index.json",
    verify: bool = True,
) -> AgentSkills:
    found = json_doc(path, index)
    if not verify:
        return AgentSkills(doc=found, tried=[found])
    resp = fake_response(status, body)
    actual = hashlib.sha256(body).hexdigest() if status == 200 else None
    check = DigestCheck("s", BASE + "/skills/s/SKILL.md", SKILL_HEX, resp, actual)
    return AgentSkills(doc=found, tried=[found], digest_check=check)


def skills_missing(state: DocState) -> AgentSkills:
    return AgentSkills(
        doc=None,
        tried=[
            doc("/.well-known/agent-skills/index.json", state),
            doc("/.well-known/skills/index.json", state),
        ],
    )


@pytest.mark.parametrize(
    ("artifact", "status", "code"),
    [
        (skills(), Status.PASS, "skills-digest-verified"),
        (skills(path="/.well-known/skills/index.json"), Status.PASS, "skills-legacy-path"),
        (skills(body=b"tampered"), Status.FAIL, "skills-digest-mismatch"),
        (skills(status=404), Status.FAIL, "skills-url-dead"),
        (skills(status=None), Status.PASS, "skills-digest-unchecked"),
        (
            skills({**INDEX, "$schema": "https://agentskills.io/schemas/v0.2.0/index.json"}),
            Status.WARN,
            "skills-schema",
        ),
        (
            skills(cards.AGENT_SKILLS_INDEX_WORLDMONITOR),
            Status.WARN,
            "skills-digest",
        ),  # bare sha256, type "task"
        (skills({**INDEX, "skills": [{"name": "s"}]}, verify=False), Status.FAIL, "skills-entry"),
        (skills({**INDEX, "skills": []}, verify=False), Status.FAIL, "skills-empty"),
        (skills({"skills": "nope"}, verify=False), Status.FAIL, "skills-no-array"),
        (
            skills({**INDEX, "skills": [{**INDEX["skills"][0], "digest": None}]}, verify=False),
            Status.WARN,
            "skills-digest-unverified",
        ),
        (skills_missing(DocState.ABSENT), Status.FAIL, "skills-absent"),
        (skills_missing(DocState.SOFT_404), Status.FAIL, "skills-soft-404"),
        (skills_missing(DocState.UNREACHABLE), Status.ERROR, "skills-unreachable"),
    ],
)
def test_agent_skills_check(artifact: AgentSkills, status: Status, code: str) -> None:
    outcome = judge(agent_skills, agent_skills=artifact)
    assert outcome.status == status, outcome
    assert code in codes(outcome)


# --- discovery.sitemap --------------------------------------------------------------------------------


def sitemap_found(kind: str = "urlset", locations: int = 3, source: str = "robots") -> Sitemap:
    found = doc("/sitemap.xml", data=kind)
    return Sitemap(doc=found, tried=[found], source=source, kind=kind, locations=locations)


@pytest.mark.parametrize(
    ("artifact", "status", "code"),
    [
        (sitemap_found(), Status.PASS, "sitemap-found"),
        (sitemap_found("sitemapindex", 2, "common-path"), Status.PASS, "sitemap-not-in-robots"),
        (sitemap_found(locations=0), Status.WARN, "sitemap-empty"),
        (
            Sitemap(doc=doc("/sitemap.xml", DocState.INVALID, problem="not well-formed XML")),
            Status.FAIL,
            "sitemap-invalid",
        ),
        (
            Sitemap(
                doc=None,
                tried=[doc("/sitemap.xml", DocState.ABSENT), doc("/sitemap.xml.gz", DocState.SOFT_404)],
            ),
            Status.FAIL,
            "sitemap-soft-404",
        ),
        (
            Sitemap(doc=None, tried=[doc("/sitemap.xml", DocState.UNREACHABLE)]),
            Status.ERROR,
            "sitemap-unreachable",
        ),
    ],
)
def test_sitemap_check(artifact: Sitemap, status: Status, code: str) -> None:
    outcome = judge(sitemap, sitemap=artifact)
    assert outcome.status == status, outcome
    assert code in codes(outcome)


def test_check_metadata_weights() -> None:
    weights = {c.id: c.meta.weight for c in CHECKS}
    assert weights["discovery.openapi"] > weights["discovery.llms-txt"] > weights["discovery.sitemap"]
    assert weights["discovery.mcp-server-card"] >= 2
    assert all(c.meta.category == "discovery" for c in CHECKS)  # no count: CHECKS is collected


CHALLENGE_PAGE = fake_response(
    403,
    "<!doctype html><title>Just a moment...</title>",
    content_type="text/html",
    headers={"cf-mitigated": "challenge"},
)


def test_bot_challenge_makes_optional_cards_inconclusive() -> None:
    hidden = [doc(p.url.replace(BASE, ""), DocState.ERROR_STATUS, resp=CHALLENGE_PAGE) for p in MISSING_CARDS]
    outcome = judge(mcp_server_card, mcp_card=mcp(None, get=CHALLENGE_PAGE, endpoint=None, tried=hidden))
    assert outcome.status == Status.ERROR and "mcp-card-bot-challenge" in codes(outcome)
    outcome = judge(a2a_agent_card, a2a_card=a2a(tried=hidden[:2]))
    assert outcome.status == Status.ERROR and "a2a-card-bot-challenge" in codes(outcome)
