"""Fuzzed parsers: whatever bytes a hostile document holds, every parser the checks rely on returns its own
result (with its problems listed) or raises only its own documented parse error, within a time bound per
input (hypothesis' deadline).

Strategies mix free text with the grammar's own punctuation and names, so that inputs get past the first
line of each parser instead of being rejected at once.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from protego import Protego

from agent_ready.artifacts.documents import Doc, DocState
from agent_ready.artifacts.http import Response
from agent_ready.artifacts.openapi import OpenAPIDescription
from agent_ready.checks.access.content_signals import parse_signal
from agent_ready.checks.errors.rate_limit import rate_limit_headers
from agent_ready.hints import extract, score_body
from agent_ready.parsers.link_header import parse_link_header
from agent_ready.parsers.linkset import parse_linkset
from agent_ready.parsers.llms_txt import parse_llms_txt
from agent_ready.parsers.ratelimit import parse_retry_after, parse_sf_list
from agent_ready.parsers.robots import parse_robots
from agent_ready.parsers.sitemap import parse_sitemap
from agent_ready.parsers.wwwauth import parse_challenges, parse_headers
from agent_ready.probes.access import openapi_paths
from agent_ready.probes.authmd import parse_auth_md

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=timedelta(seconds=1),  # the per-input time bound
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
BASE = "https://api.example.test/dir/doc"


def _pieces(*grammar: str) -> st.SearchStrategy[str]:
    """Text assembled from the grammar's tokens and arbitrary text, so the parser's inner paths run."""
    token = st.one_of(st.sampled_from(grammar), st.text(max_size=12))
    return st.lists(token, max_size=40).map("".join)


LINK_TEXT = _pieces("<", ">", ";", ",", "=", '"', "\\", " ", "rel", "anchor", "type", "*", "https://x/", "/a")
CHALLENGE_TEXT = _pieces(
    "Bearer", "Basic", "DPoP", " ", ",", "=", '"', "\\", "realm", "error", "scope", "resource_metadata", "=="
)
MARKDOWN = _pieces(
    "# ",
    "## ",
    "\n",
    "- ",
    "> ",
    "[",
    "](",
    ")",
    "`",
    "```",
    "POST ",
    "GET ",
    "/register",
    "https://x/",
    ": ",
    "*",
)
ROBOTS = _pieces(
    "User-agent:", "Allow:", "Disallow:", "Content-Signal:", "Sitemap:", "\n", "*", "#", " ", "=", ","
)
XML = _pieces(
    "<?xml version='1.0'?>",
    "<urlset>",
    "</urlset>",
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    "<loc>",
    "</loc>",
    "<!DOCTYPE x [",
    '<!ENTITY e "ee">',
    "]>",
    "&e;",
    "<![CDATA[",
    "]]>",
)
OPENAPI_KEYS = st.sampled_from(
    [
        "openapi",
        "swagger",
        "paths",
        "servers",
        "url",
        "variables",
        "default",
        "security",
        "components",
        "securitySchemes",
        "securityDefinitions",
        "host",
        "basePath",
        "schemes",
        "get",
        "post",
        "responses",
        "operationId",
        "linkset",
        "anchor",
        "href",
        "service-desc",
        "type",
        "detail",
        "title",
        "status",
        "errors",
    ]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.one_of(OPENAPI_KEYS, st.text(max_size=8)), children, max_size=6)
    ),
    max_leaves=40,
)


@FUZZ
@given(st.lists(LINK_TEXT, max_size=3))
def test_link_header(values: list[str]) -> None:
    links, junk = parse_link_header(values, BASE)
    assert isinstance(links, list) and isinstance(junk, list)


@FUZZ
@given(JSON)
def test_linkset(data: Any) -> None:
    entries, problems = parse_linkset({"linkset": data} if isinstance(data, list) else data, BASE)
    assert isinstance(entries, list) and isinstance(problems, list)


@FUZZ
@given(MARKDOWN)
def test_llms_txt(text: str) -> None:
    parse_llms_txt(text, BASE)


@FUZZ
@given(ROBOTS, st.sampled_from(["*", "GPTBot", "ChatGPT-User", "agent-ready", ""]), st.text(max_size=20))
def test_robots(text: str, agent: str, path: str) -> None:
    """Our reader of what protego does not expose, and protego itself as the checks call it."""
    agents, signals, unknown = parse_robots(text)
    assert isinstance(agents, list) and isinstance(signals, list) and isinstance(unknown, list)
    parser = Protego.parse(text)
    parser.can_fetch("https://api.example.test/" + path, agent)
    list(parser.sitemaps)
    for _, value in signals:
        parse_signal(value, "robots.txt")


@FUZZ
@given(_pieces("search", "ai-input", "ai-train", "=", "yes", "no", ",", " ", ";", '"', "?1", "*"))
def test_content_signal(value: str) -> None:
    parsed = parse_signal(value, "header")
    assert parsed.error is None or isinstance(parsed.error, str)


@FUZZ
@given(MARKDOWN)
def test_auth_md(text: str) -> None:
    parse_auth_md(text, BASE)


@FUZZ
@given(CHALLENGE_TEXT, st.lists(CHALLENGE_TEXT, max_size=3))
def test_www_authenticate(value: str, values: list[str]) -> None:
    parse_challenges(value)
    parse_headers(values)


@FUZZ
@given(st.one_of(XML, st.binary(max_size=200), XML.map(lambda s: s.encode())))
def test_sitemap(body: str | bytes) -> None:
    raw = body.encode() if isinstance(body, str) else body
    try:
        kind, count = parse_sitemap(raw)
    except ValueError:  # parse_sitemap's documented parse error
        return
    assert kind in ("urlset", "sitemapindex") and count >= 0


def test_sitemap_refuses_entity_expansion() -> None:
    bomb = (
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b"<urlset><loc>&b;</loc></urlset>"
    )
    try:
        parse_sitemap(bomb)
    except ValueError as exc:
        assert "entit" in str(exc).lower() or "dtd" in str(exc).lower()
    else:
        raise AssertionError("entity declarations must be refused")


def _description(data: dict[str, Any]) -> OpenAPIDescription:
    return OpenAPIDescription(
        doc=Doc(url=BASE, state=DocState.FOUND, response=None), data=data, source="fuzz"
    )


@FUZZ
@given(st.dictionaries(OPENAPI_KEYS, JSON, max_size=8))
def test_openapi_model(data: dict[str, Any]) -> None:
    desc = _description(data)
    for op in desc.operations():
        _ = op.requires_auth, op.operation_id, op.summary, op.responses()
    desc.security_schemes()
    desc.server_url()
    desc.api_base()
    desc.url_for("/x")
    _ = desc.version, desc.is_swagger2
    openapi_paths(data, BASE, "https://api.example.test")


def _response(body: bytes, headers: list[tuple[str, str]]) -> Response:
    return Response(
        method="GET",
        url=BASE,
        final_url=BASE,
        status=400,
        headers=httpx.Headers([(k.encode(), v.encode()) for k, v in headers]),  # raw bytes, as from the wire
        body=body,
        exchange_id="e1",
        exchange_ids=("e1",),
        elapsed_ms=1.0,
    )


HEADER_VALUE = _pieces("limit=", "remaining=", "reset=", ";", ",", "w=", "q=", "r=", "t=", '"', "1", "-", " ")


@FUZZ
@given(
    st.one_of(JSON.map(lambda d: json.dumps(d).encode()), st.binary(max_size=200), MARKDOWN.map(str.encode)),
    st.sampled_from(["application/problem+json", "application/json", "text/html", "application/xml", ""]),
)
def test_problem_documents(body: bytes, content_type: str) -> None:
    extract(body, content_type)
    score_body(body, content_type, headers=[("content-type", content_type)], request_url=BASE)


@FUZZ
@given(HEADER_VALUE, HEADER_VALUE, HEADER_VALUE)
def test_rate_limit_headers(policy: str, current: str, retry_after: str) -> None:
    headers = [
        ("RateLimit-Policy", policy),
        ("RateLimit", current),
        ("Retry-After", retry_after),
        ("X-RateLimit-Limit", policy),
        ("X-RateLimit-Remaining", current),
        ("X-RateLimit-Reset", retry_after),
        ("RateLimit-Reset", retry_after),
    ]
    findings, _family = rate_limit_headers(_response(b"", headers))
    assert isinstance(findings, list)
    parse_retry_after(retry_after)
    parse_sf_list(policy)
