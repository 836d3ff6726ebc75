"""Conformance tables for the discovery.* checks: per cited clause, a conforming and a violating answer.

Each test id names the clause it pins (RFC 9309, sitemaps.org, llmstxt.org, RFC 9727 / RFC 9264, RFC 8288,
the agent-skills discovery RFC). Where a spec allows an alternative the catalogue does not mention, the row
says ``permitted_alternative``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from agent_ready.artifacts.discovery import Sitemap
from agent_ready.artifacts.documents import Doc, DocState
from agent_ready.artifacts.openapi import OpenAPIResult
from agent_ready.checks.discovery.a2a import a2a_agent_card
from agent_ready.checks.discovery.api_catalog import api_catalog
from agent_ready.checks.discovery.link_headers import link_headers
from agent_ready.checks.discovery.llms_txt import llms_txt
from agent_ready.checks.discovery.markdown import markdown_negotiation
from agent_ready.checks.discovery.mcp import mcp_server_card
from agent_ready.checks.discovery.openapi import openapi
from agent_ready.checks.discovery.robots import robots_txt
from agent_ready.checks.discovery.sitemap import sitemap
from agent_ready.checks.discovery.skills import agent_skills
from agent_ready.models import Status
from agent_ready.parsers.sitemap import inspect_sitemap
from agent_ready.testing import fake_response, judge
from tests.checks.test_access import robots_of
from tests.checks.test_discovery import (
    BASE,
    CARD_2127,
    CATALOG_DATA,
    INDEX,
    SEP1649,
    SPEC,
    V1_CARD,
    a2a,
    catalog,
    codes,
    description,
    doc,
    headers_artifact,
    llms_artifact,
    mcp,
    md_resp,
    negotiation,
    page,
    skills,
    spec_with,
)


def _expect(out: Any, expected: str, code: str | None) -> None:
    assert out.status == Status(expected), out
    if code is not None:
        assert code in codes(out), out


def _typed_robots(text: str, content_type: str) -> Any:
    robots = robots_of(text)
    typed = fake_response(200, text, content_type=content_type, url=robots.doc.url)
    return replace(robots, doc=replace(robots.doc, response=typed))


# --- discovery.robots-txt: RFC 9309 -----------------------------------------------------------------------

ROBOTS: list[tuple[str, Any, str, str | None]] = [
    ("rfc9309_s2_1_groups[conforming]", robots_of("User-agent: *\nAllow: /\n"), "pass", "robots-parses"),
    # §2.2: rules live in groups; a file without a group is valid and disallows nothing.
    (
        "rfc9309_s2_2_no_group_allows_all[permitted_alternative]",
        robots_of("Sitemap: https://api.example.com/sitemap.xml\n"),
        "warn",
        "robots-no-groups",
    ),
    (
        "rfc9309_s2_2_not_robots_lines[violating]",
        robots_of("hello world\nthis is not robots\n"),
        "fail",
        "robots-no-groups",
    ),
    # §2.3: UTF-8 text; bytes that are not text are no robots.txt.
    (
        "rfc9309_s2_3_utf8_text[violating]",
        robots_of(None, DocState.INVALID, 200),
        "fail",
        "robots-invalid",
    ),
    # §2.3: robots.txt is served as text/plain.
    (
        "rfc9309_s2_3_text_plain[violating]",
        _typed_robots("User-agent: *\nAllow: /\n", "application/octet-stream"),
        "warn",
        "robots-content-type",
    ),
    # §2.3.1.3: an unavailable (4xx) robots.txt allows everything, but the catalogue asks for the file.
    (
        "rfc9309_s2_3_1_3_unavailable[violating]",
        robots_of(None, DocState.ABSENT, 404),
        "fail",
        "robots-absent",
    ),
    # §2.3.1.4: a 5xx robots.txt means complete disallow for a compliant crawler.
    (
        "rfc9309_s2_3_1_4_unreachable_5xx[violating]",
        robots_of(None, DocState.ERROR_STATUS, 503),
        "fail",
        "robots-absent",
    ),
    (
        "rfc9309_s2_3_html_is_not_robots[violating]",
        robots_of("<html></html>", DocState.SOFT_404),
        "fail",
        "robots-soft-404",
    ),
]


@pytest.mark.parametrize(("clause", "robots", "expected", "code"), ROBOTS, ids=[r[0] for r in ROBOTS])
def test_discovery_robots_txt_conformance(clause: str, robots: Any, expected: str, code: str | None) -> None:
    _expect(judge(robots_txt, robots=robots), expected, code)


# --- discovery.sitemap: sitemaps.org protocol ------------------------------------------------------------

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _sitemap(xml: str) -> Sitemap:
    body = xml.encode()
    resp = fake_response(200, body, content_type="application/xml", url=BASE + "/sitemap.xml")
    found = Doc(url=BASE + "/sitemap.xml", state=DocState.FOUND, response=resp)
    kind, count, problems = inspect_sitemap(body)
    return Sitemap(doc=found, tried=[found], source="robots", kind=kind, locations=count, problems=problems)


SITEMAP: list[tuple[str, str, str, str | None]] = [
    (
        "sitemaps_org_urlset[conforming]",
        f'<urlset xmlns="{NS}"><url><loc>{BASE}/docs/</loc></url></urlset>',
        "pass",
        "sitemap-found",
    ),
    (
        "sitemaps_org_namespace[violating]",
        f"<urlset><url><loc>{BASE}/docs/</loc></url></urlset>",
        "warn",
        "sitemap-protocol",
    ),
    # "This URL must begin with the protocol": a relative <loc> is not a sitemap URL.
    (
        "sitemaps_org_loc_absolute_url[violating]",
        f'<urlset xmlns="{NS}"><url><loc>/docs/</loc></url></urlset>',
        "warn",
        "sitemap-protocol",
    ),
    ("sitemaps_org_loc_present[violating]", f'<urlset xmlns="{NS}"></urlset>', "warn", "sitemap-empty"),
]


@pytest.mark.parametrize(("clause", "xml", "expected", "code"), SITEMAP, ids=[r[0] for r in SITEMAP])
def test_discovery_sitemap_conformance(clause: str, xml: str, expected: str, code: str | None) -> None:
    _expect(judge(sitemap, sitemap=_sitemap(xml)), expected, code)


def test_sitemaps_org_root_element_violating() -> None:
    with pytest.raises(ValueError, match="not <urlset> or <sitemapindex>"):
        inspect_sitemap(b"<feed/>")


# --- discovery.llms-txt: llmstxt.org ---------------------------------------------------------------------

LLMS_GOOD = "# Acme\n\n> Acme's API.\n\n## Docs\n\n- [API](https://api.example.com/docs/): the reference\n"

LLMS: list[tuple[str, Any, str, str | None]] = [
    ("llmstxt_h1_first[conforming]", llms_artifact(LLMS_GOOD), "pass", "llms-h1"),
    # The H1 is "the only required section".
    (
        "llmstxt_h1_REQUIRED[violating]",
        llms_artifact("## Docs\n\n- [API](https://api.example.com/docs/): ref\n"),
        "warn",
        "llms-no-h1",
    ),
    (
        "llmstxt_h1_first[violating]",
        llms_artifact("Intro text.\n\n# Acme\n\n## Docs\n\n- [API](https://api.example.com/docs/): ref\n"),
        "warn",
        "llms-h1-not-first",
    ),
    ("llmstxt_blockquote_summary_optional[conforming]", llms_artifact(LLMS_GOOD), "pass", "llms-summary"),
    ("llmstxt_h2_link_lists[violating]", llms_artifact("# Acme\n\n> Acme.\n"), "warn", "llms-h1-only"),
    ("llmstxt_links_resolve[violating]", llms_artifact(LLMS_GOOD, dead=1), "warn", "llms-dead-link"),
    (
        "llmstxt_markdown_media_type[violating]",
        llms_artifact(LLMS_GOOD, content_type="application/octet-stream"),
        "warn",
        "llms-content-type",
    ),
    (
        "llmstxt_markdown_not_html[violating]",
        llms_artifact("just prose, no heading and no links"),
        "fail",
        "llms-not-llmstxt",
    ),
]


@pytest.mark.parametrize(("clause", "found", "expected", "code"), LLMS, ids=[r[0] for r in LLMS])
def test_discovery_llms_txt_conformance(clause: str, found: Any, expected: str, code: str | None) -> None:
    _expect(judge(llms_txt, llms_txt=found), expected, code)


# --- discovery.api-catalog: RFC 9727, RFC 9264 -----------------------------------------------------------

CATALOG: list[tuple[str, Any, str, str | None]] = [
    ("rfc9727_s2_linkset_service_desc[conforming]", catalog(), "pass", "api-catalog-entries"),
    ("rfc9727_s2_profile[conforming]", catalog(), "pass", "api-catalog-profile"),
    (
        "rfc9727_s2_linkset_media_type[violating]",
        catalog(content_type="application/json"),
        "warn",
        "api-catalog-content-type",
    ),
    # RFC 9264 §4.2: {"linkset": [context objects]}.
    (
        "rfc9264_s4_2_linkset_array[violating]",
        catalog({"links": CATALOG_DATA["linkset"]}),
        "fail",
        "api-catalog-not-linkset",
    ),
    # RFC 9264 §4.2.3: every target object has href.
    (
        "rfc9264_s4_2_3_target_href[violating]",
        catalog(
            {
                "linkset": [
                    CATALOG_DATA["linkset"][0] | {"service-doc": [{"type": "text/html"}]},
                ]
            }
        ),
        "warn",
        "api-catalog-shape",
    ),
    # RFC 9727 §2: the catalog tells where APIs are; service-desc / service-doc tell how to call them.
    (
        "rfc9727_s2_service_links[violating]",
        catalog({"linkset": [{"anchor": BASE + "/v1", "item": [{"href": "/v1"}]}]}),
        "warn",
        "api-catalog-items-only",
    ),
]


@pytest.mark.parametrize(("clause", "found", "expected", "code"), CATALOG, ids=[r[0] for r in CATALOG])
def test_discovery_api_catalog_conformance(clause: str, found: Any, expected: str, code: str | None) -> None:
    _expect(judge(api_catalog, api_catalog=found, openapi=None), expected, code)


# --- discovery.link-headers: RFC 8288, RFC 8631, RFC 9727 §3 ---------------------------------------------

LINKS: list[tuple[str, tuple[str, ...], str, str | None]] = [
    (
        "rfc9727_s3_api_catalog_rel[conforming]",
        ('</.well-known/api-catalog>; rel="api-catalog"',),
        "pass",
        "link-agent-rels",
    ),
    (
        "rfc8631_service_desc_rel[conforming]",
        ("</openapi.json>; rel=service-desc",),
        "pass",
        "link-agent-rels",
    ),
    # RFC 8288 §3.3: rel is a space-separated list of relation types.
    (
        "rfc8288_s3_3_rel_list[conforming]",
        ('</openapi.json>; rel="describedby service-desc"',),
        "pass",
        "link-agent-rels",
    ),
    # RFC 8288 §3.5: a quoted parameter may carry commas and semicolons.
    (
        "rfc8288_s3_quoted_params[conforming]",
        ('</a>; rel="next"; title="a, b; c", </openapi.json>; rel="service-desc"',),
        "pass",
        "link-agent-rels",
    ),
    ("rfc8288_agent_rels[violating]", ('</page/2>; rel="next"',), "warn", "link-no-agent-rels"),
    ("rfc8288_s3_link_header[violating]", (), "fail", "link-headers-absent"),
]


@pytest.mark.parametrize(("clause", "values", "expected", "code"), LINKS, ids=[r[0] for r in LINKS])
def test_discovery_link_headers_conformance(
    clause: str, values: tuple[str, ...], expected: str, code: str | None
) -> None:
    _expect(judge(link_headers, links=headers_artifact(*values), api_links=None), expected, code)


# --- discovery.agent-skills: cloudflare/agent-skills-discovery-rfc (0.2.0) --------------------------------

SKILLS: list[tuple[str, Any, str, str | None]] = [
    ("agent_skills_index[conforming]", skills(), "pass", "skills-digest-verified"),
    ("agent_skills_schema[violating]", skills(INDEX | {"$schema": "x"}), "warn", "skills-schema"),
    (
        "agent_skills_entry_fields_REQUIRED[violating]",
        skills(INDEX | {"skills": [{k: v for k, v in INDEX["skills"][0].items() if k != "url"}]}),
        "fail",
        "skills-entry",
    ),
    (
        "agent_skills_type_skill_md_or_archive[violating]",
        skills(INDEX | {"skills": [INDEX["skills"][0] | {"type": "zip"}]}),
        "warn",
        "skills-type",
    ),
    ("agent_skills_digest_matches[violating]", skills(body=b"tampered"), "fail", "skills-digest-mismatch"),
]


@pytest.mark.parametrize(("clause", "found", "expected", "code"), SKILLS, ids=[r[0] for r in SKILLS])
def test_discovery_agent_skills_conformance(clause: str, found: Any, expected: str, code: str | None) -> None:
    _expect(judge(agent_skills, agent_skills=found), expected, code)


# --- discovery.markdown-negotiation: RFC 9110 §12.5.1 (Accept), RFC 7763 (text/markdown) -----------------

HTML_DOC = fake_response(
    200, "<!doctype html><html><body><h1>Docs</h1></body></html>", content_type="text/html"
)

MARKDOWN: list[tuple[str, Any, str, str | None]] = [
    (
        "rfc7763_text_markdown_negotiated[conforming]",
        negotiation(page("home", md_resp()), page("docs", md_resp())),
        "pass",
        "markdown-negotiated",
    ),
    # RFC 7763: text/markdown is Markdown; HTML labelled text/markdown is not.
    (
        "rfc7763_text_markdown_is_markdown[violating]",
        negotiation(page("home", md_resp("<!doctype html><html><body>x</body></html>"))),
        "fail",
        "markdown-is-html",
    ),
    # RFC 9110 §12.5.1: the Accept header is honoured (proactive negotiation).
    (
        "rfc9110_s12_5_1_accept_honoured[violating]",
        negotiation(page("home", HTML_DOC), page("docs", HTML_DOC)),
        "fail",
        "markdown-not-negotiated",
    ),
    # RFC 9110 §12.5.5: Vary: Accept is reported, not judged (a bonus in the standards notes).
    (
        "rfc9110_s12_5_5_vary_accept[not_judged]",
        negotiation(page("home", md_resp(vary=False)), page("docs", md_resp(vary=False))),
        "pass",
        "markdown-no-vary",
    ),
    # Without Accept: text/markdown the page stays HTML (the catalogue's A4).
    (
        "catalogue_a4_html_by_default[violating]",
        negotiation(page("home", md_resp(), plain=md_resp()), page("docs", md_resp())),
        "warn",
        "markdown-without-accept",
    ),
]


@pytest.mark.parametrize(("clause", "found", "expected", "code"), MARKDOWN, ids=[r[0] for r in MARKDOWN])
def test_discovery_markdown_negotiation_conformance(
    clause: str, found: Any, expected: str, code: str | None
) -> None:
    _expect(judge(markdown_negotiation, markdown=found), expected, code)


# --- discovery.mcp-server-card: SEP-2127 (and SEP-1649), MCP transports ----------------------------------

MCP: list[tuple[str, Any, str, str | None]] = [
    ("sep2127_card[conforming]", mcp(CARD_2127), "pass", "mcp-endpoint-challenge"),
    (
        "sep2127_required_fields[violating]",
        mcp({k: v for k, v in CARD_2127.items() if k != "description"}),
        "fail",
        "mcp-card-fields",
    ),
    ("sep2127_name_reverse_dns[violating]", mcp(CARD_2127 | {"name": "api"}), "warn", "mcp-card-shape"),
    (
        "sep2127_remotes_type_and_url[violating]",
        mcp(CARD_2127 | {"remotes": [{"url": BASE + "/mcp"}]}),
        "fail",
        "mcp-card-fields",
    ),
    # remotes[].url is a uri (absolute); clients connect to it as it stands.
    (
        "sep2127_remotes_url_absolute[violating]",
        mcp(CARD_2127 | {"remotes": [{"type": "streamable-http", "url": "/mcp"}]}),
        "warn",
        "mcp-card-shape",
    ),
    # RFC 9728 §5.1 via MCP authorization: the endpoint's 401 names its resource metadata.
    (
        "rfc9728_s5_1_endpoint_challenge[violating]",
        mcp(CARD_2127, get=fake_response(401, json={}, headers={"www-authenticate": 'Bearer realm="x"'})),
        "warn",
        "mcp-endpoint-no-resource-metadata",
    ),
    # The older SEP-1649 shape is accepted: a permitted alternative the current proposal replaces.
    ("sep1649_card[permitted_alternative]", mcp(SEP1649), "pass", "mcp-card-older-shape"),
]


@pytest.mark.parametrize(("clause", "found", "expected", "code"), MCP, ids=[r[0] for r in MCP])
def test_discovery_mcp_server_card_conformance(
    clause: str, found: Any, expected: str, code: str | None
) -> None:
    _expect(judge(mcp_server_card, mcp_card=found), expected, code)


# --- discovery.a2a-agent-card: A2A specification §5 (AgentCard) -------------------------------------------

A2A: list[tuple[str, Any, str, str | None]] = [
    ("a2a_s5_agent_card[conforming]", a2a(V1_CARD), "pass", "a2a-interfaces"),
    (
        "a2a_s5_required_fields[violating]",
        a2a({k: v for k, v in V1_CARD.items() if k != "defaultInputModes"}),
        "fail",
        "a2a-card-fields",
    ),
    (
        "a2a_s5_skill_id_name_description[violating]",
        a2a(V1_CARD | {"skills": [{"name": "no id"}]}),
        "fail",
        "a2a-skill-fields",
    ),
    (
        "a2a_s5_endpoint_url[violating]",
        a2a({k: v for k, v in V1_CARD.items() if k != "supportedInterfaces"}),
        "fail",
        "a2a-no-endpoint",
    ),
    # The agent's endpoint is a URL the client calls as it stands.
    (
        "a2a_s5_endpoint_url_absolute[violating]",
        a2a({k: v for k, v in V1_CARD.items() if k != "supportedInterfaces"} | {"url": "/a2a"}),
        "warn",
        "a2a-endpoint-not-absolute",
    ),
    ("a2a_s5_well_known_path[violating_legacy]", a2a(V1_CARD, path="/.well-known/agent.json"), "warn", None),
    ("a2a_no_card[not_applicable]", a2a(None), "not_applicable", "a2a-none"),
]


@pytest.mark.parametrize(("clause", "found", "expected", "code"), A2A, ids=[r[0] for r in A2A])
def test_discovery_a2a_agent_card_conformance(
    clause: str, found: Any, expected: str, code: str | None
) -> None:
    _expect(judge(a2a_agent_card, a2a_card=found), expected, code)


# --- discovery.openapi: OpenAPI Specification 3.x (§4.8), RFC 8631 (service-desc) -------------------------

OPENAPI: list[tuple[str, Any, str, str | None]] = [
    ("oas_openapi_document[conforming]", OpenAPIResult(description(SPEC)), "pass", "openapi-found"),
    # OAS §4.8.1 / §4.8.2: info, info.title and info.version are REQUIRED.
    (
        "oas_s4_8_2_info_title_version_REQUIRED[violating]",
        OpenAPIResult(description(spec_with(info={"title": "t"}))),
        "warn",
        "openapi-info-missing",
    ),
    (
        "oas_s4_8_1_info_REQUIRED[violating]",
        OpenAPIResult(description(spec_with(info=None))),
        "warn",
        "openapi-info-missing",
    ),
    # OAS §4.8.5: a relative server URL resolves against the description's URL (a permitted alternative).
    (
        "oas_s4_8_5_relative_server_url[permitted_alternative]",
        OpenAPIResult(description(spec_with(servers=[{"url": "/v1"}]))),
        "pass",
        "openapi-servers",
    ),
    # RFC 8631 §4: found by a service-desc link, not by guessing a path (noted, not judged).
    (
        "rfc8631_s4_service_desc_link[not_judged]",
        OpenAPIResult(description(SPEC, source="common-path")),
        "pass",
        "openapi-not-linked",
    ),
    (
        "oas_openapi_field_REQUIRED[violating]",
        OpenAPIResult(None, tried=[doc("/openapi.json", DocState.INVALID, problem="no openapi member")]),
        "fail",
        "openapi-invalid",
    ),
]


@pytest.mark.parametrize(("clause", "found", "expected", "code"), OPENAPI, ids=[r[0] for r in OPENAPI])
def test_discovery_openapi_conformance(clause: str, found: Any, expected: str, code: str | None) -> None:
    _expect(judge(openapi, openapi=found), expected, code)
