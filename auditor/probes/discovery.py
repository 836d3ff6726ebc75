"""Discovery probes: the documents an agent reads to find an API from a URL alone. [A]

Every probe here returns a dataclass artifact; the ``discovery.*`` checks judge them, and other families
read several of them. The artifacts other families rely on (keep these fields stable):

``links`` -> :class:`LinkHeaders`
    RFC 8288 ``Link`` headers of ``GET /`` and of the target URL. ``links.all()`` yields every parsed
    :class:`Link` (``href`` resolved to an absolute URL, ``rels`` lower-cased, ``params``);
    ``links.find("service-desc")`` filters by relation.

``openapi`` -> :class:`OpenAPIResult` (the model lives in :mod:`agent_ready.artifacts.openapi`)
    ``result.description`` is an :class:`OpenAPIDescription` or None; ``result.tried`` lists every
    :class:`~agent_ready.probes.documents.Doc` fetched, in order. Other families' probes read it with
    :func:`openapi_description` (``openapi_description(await ctx.maybe("openapi"))``) rather than walking
    the document themselves. An :class:`OpenAPIDescription` holds the parsed ``data``, the ``doc`` it came
    from, ``source`` ("link-header", "api-catalog", "llms-txt", "common-path") and offers:

    - ``operations(methods=HTTP_METHODS)`` -> iterator of :class:`Operation` (``method`` upper-case,
      ``path``, ``operation`` dict, ``security`` = the *effective* requirement list: the operation's own
      ``security`` when present, else the document's; ``requires_auth`` is True when no requirement is the
      empty object ``{}``); pass :data:`RESOURCE_METHODS` for get/post/put/patch/delete only;
    - ``server_url()`` -> the first server as an absolute URL (OpenAPI 3 ``servers`` with variables
      substituted by their defaults, Swagger 2 ``schemes``/``host``/``basePath``), resolved against the
      document URL; None when the document names none;
    - ``api_base()`` -> ``server_url()`` without a trailing slash, also for a Swagger 2 ``basePath``
      without ``host`` (on the document's origin);
    - ``security_schemes()``, ``url_for(path)``, ``operation(method, path)``.

``api_catalog`` -> :class:`ApiCatalog` (the RFC 9727 linkset; ``entries`` of :class:`LinksetEntry`).

``llms_txt`` -> :class:`LlmsTxt` (parsed llms.txt: ``title``, ``summary``, ``sections`` of
:class:`LlmsLink`, the sampled link checks, and ``/llms-full.txt`` as information). Probes that only read
the links it names depend on ``llms_txt_document`` (the same file without the link checks) instead.

``mcp_card`` -> :class:`McpDiscovery` (the server card found, its ``shape``, ``endpoint_url`` — the MCP
endpoint the card names, or ``{origin}/mcp`` when it answers without a card — and the anonymous answers
of that endpoint).

``markdown``, ``a2a_card``, ``agent_skills``, ``sitemap``, ``api_links`` are read by their checks only.

The pure parsers (Link header, llms.txt, linkset, sitemap) live in :mod:`agent_ready.parsers`.

Soft-404s: every document fetch is compared with the ``not_found`` probe (what the target serves for a
path that cannot exist), so a single-page app that answers 200 HTML everywhere never passes for a
document.

Candidate locations (card paths, OpenAPI paths, sitemaps) are tried in order with
:func:`~agent_ready.probes.documents.walk`: two round trips at most, whatever the number of misses.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Awaitable, Iterable
from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import urljoin, urlsplit

from agent_ready.artifacts.discovery import (
    A2A_CARD,
    AGENT_SKILLS,
    API_CATALOG,
    API_LINKS,
    LINKS,
    LINKSET_TYPE,
    LLMS_TXT,
    LLMS_TXT_DOCUMENT,
    MARKDOWN,
    MCP_CARD,
    MCP_CARD_TYPE,
    MCP_DEFAULT_ENDPOINT,
    SITEMAP,
    A2ACard,
    AgentSkills,
    ApiCatalog,
    DigestCheck,
    LinkCheck,
    LinkHeaders,
    LinkSource,
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
from agent_ready.artifacts.http import Response, origin_of
from agent_ready.artifacts.openapi import OPENAPI, OpenAPIDescription, OpenAPIResult, is_openapi
from agent_ready.bounds import MAX_API_CATALOG_LINKS, MAX_OPENAPI_LINKS, bounded
from agent_ready.parsers.link_header import parse_link_header
from agent_ready.parsers.linkset import parse_linkset
from agent_ready.parsers.llms_txt import LlmsLink, parse_llms_txt
from agent_ready.parsers.sitemap import inspect_sitemap
from agent_ready.probes.documents import classify_response, fetch_json_doc, fetch_text_doc, same_as_miss, walk
from agent_ready.probing import ProbeContext, probe

# --- content sniffing ---------------------------------------------------------------------------------


def same_origin(url: str, other: str) -> bool:
    return origin_of(url) == origin_of(other)


# --- documents ------------------------------------------------------------------------------------------


async def first_json_doc(ctx: ProbeContext, paths: Iterable[str]) -> tuple[Doc | None, list[Doc]]:
    """GET well-known JSON paths of the origin in order until one is found: (that doc or None, all tried)."""
    tried = await walk([partial(fetch_json_doc, ctx, urljoin(ctx.target.origin, path)) for path in paths])
    return (tried[-1] if tried and tried[-1].found else None), tried


# --- RFC 8288 Link headers ------------------------------------------------------------------------------


def link_source(resp: Response) -> LinkSource:
    base = resp.final_url if resp.redirects else resp.url
    links, junk = parse_link_header(resp.header_values("link"), base)
    return LinkSource(url=resp.url, response=resp, links=links, unparsed=junk)


@probe(LINKS, description="Parse RFC 8288 Link headers of GET / and of the target URL")
async def links(ctx: ProbeContext) -> LinkHeaders:
    home: Response = await ctx.need("home")
    sources = [link_source(home)]
    if ctx.target.url.rstrip("/") != ctx.target.origin.rstrip("/"):
        target: Response = await ctx.need("target")
        if not target.failed:
            sources.append(link_source(target))
    return LinkHeaders(sources)


@probe(API_LINKS, description="Parse Link headers of the API base named by the OpenAPI servers")
async def api_links(ctx: ProbeContext) -> LinkSource | None:
    """The API base from the OpenAPI description; None when unknown or already covered by ``links``."""
    found: LinkHeaders = await ctx.need("links")
    spec: OpenAPIResult | None = await ctx.maybe("openapi")
    base = spec.description.server_url() if spec and spec.description else None
    if not base or any(s.url.rstrip("/") == base.rstrip("/") for s in found.sources):
        return None
    resp = await ctx.fetch.get(base)
    return None if resp.failed else link_source(resp)


# --- llms.txt ---------------------------------------------------------------------------------------------


def sample_links(candidates: list[LlmsLink], base_url: str, limit: int = 5) -> list[LlmsLink]:
    """Up to ``limit`` distinct links, same-origin ones first, the ``Optional`` section last."""
    seen: set[str] = set()
    unique = []
    for lk in candidates:
        key = lk.url.split("#")[0]
        if key not in seen and urlsplit(key).scheme in ("http", "https"):
            seen.add(key)
            unique.append(lk)
    unique.sort(key=lambda lk: (not same_origin(lk.url, base_url), lk.section.strip().lower() == "optional"))
    return unique[:limit]


async def check_link(ctx: ProbeContext, link: LlmsLink) -> LinkCheck:
    # Any page is fine here (docs are often HTML); only the catch-all page or an error is a dead link. So an
    # answer another probe already has for the URL (the api-catalog as linkset+json) is reused whatever its
    # Accept instead of fetching the resource again.
    resp = await ctx.fetch.get(link.url.split("#")[0], any_accept=True)
    miss = await ctx.maybe("not_found")
    state, problem = classify_response(resp, miss, html_ok=True)
    if state == DocState.FOUND and is_bot_challenge(resp):
        state, problem = DocState.ERROR_STATUS, "a bot-challenge page"
    return LinkCheck(link=link, doc=Doc(url=link.url, state=state, response=resp, problem=problem))


@probe(LLMS_TXT_DOCUMENT, description="GET /llms.txt and parse it (llmstxt.org), without checking its links")
async def llms_txt_document(ctx: ProbeContext) -> LlmsTxt:
    """What other probes read in llms.txt (the links it names): they need not wait for the link checks."""
    url = urljoin(ctx.target.origin, "/llms.txt")
    doc = await fetch_text_doc(ctx, url)
    if not doc.found:
        return LlmsTxt(doc=doc)
    return LlmsTxt.from_parsed(doc, parse_llms_txt(doc.data, doc.response.final_url if doc.response else url))


@probe(LLMS_TXT, description="GET /llms.txt, parse it (llmstxt.org) and check a sample of its links resolve")
async def llms_txt(ctx: ProbeContext) -> LlmsTxt:
    result = await ctx.need(LLMS_TXT_DOCUMENT)
    if not result.doc.found:
        return result
    sample = sample_links(result.links(), ctx.target.origin)
    # Information only, and often megabytes: the first kilobyte says whether it exists. Independent of
    # the link checks, so it goes out with them.
    full, checked = await asyncio.gather(
        fetch_text_doc(ctx, urljoin(ctx.target.origin, "/llms-full.txt"), range_head=True),
        asyncio.gather(*(check_link(ctx, link) for link in sample)),
    )
    return replace(result, checked=list(checked), full=full)


# --- Markdown content negotiation -----------------------------------------------------------------------

MARKDOWN_ACCEPT = "text/markdown"
_DOC_EXTENSIONS = (".md", ".txt", ".json", ".yaml", ".yml", ".xml", ".gz", ".zip", ".pdf", ".png", ".svg")


def md_variant_url(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    variant = path + "index.md" if path.endswith("/") else path + ".md"
    return f"{parts.scheme}://{parts.netloc}{variant}"


def pick_docs_url(origin: str, llms: LlmsTxt | None, found_links: LinkHeaders | None) -> tuple[str, str]:
    if llms is not None:
        for lk in llms.links(include_optional=False):
            path = urlsplit(lk.url).path
            if (
                same_origin(lk.url, origin)
                and path not in ("", "/")
                and not path.lower().endswith(_DOC_EXTENSIONS)
            ):
                return lk.url.split("#")[0], "llms-txt"
    if found_links is not None:
        for doc_link in found_links.find("service-doc"):
            if same_origin(doc_link.href, origin):
                return doc_link.href, "link-service-doc"
    return urljoin(origin, "/docs/"), "default"


async def negotiate(ctx: ProbeContext, url: str, role: str, plain: Awaitable[Response]) -> Negotiation:
    """The page with ``Accept: text/markdown`` beside its ``plain`` answer (both at once), then the ``.md``
    variant only when the negotiation failed on a page that exists."""
    md, page = await asyncio.gather(ctx.fetch.get(url, headers={"Accept": MARKDOWN_ACCEPT}), plain)
    result = Negotiation(url=url, role=role, markdown=md, plain=page)
    if not result.negotiated and not (page.failed or (page.status or 0) >= 400):
        return replace(result, md_variant=await fetch_text_doc(ctx, md_variant_url(url)))
    return result


@probe(MARKDOWN, description="GET / and a docs page with Accept: text/markdown (Markdown for agents)")
async def markdown(ctx: ProbeContext) -> MarkdownNegotiation:
    async def docs_page() -> tuple[Negotiation | None, str]:
        llms, found_links = await asyncio.gather(ctx.maybe(LLMS_TXT_DOCUMENT), ctx.maybe("links"))
        docs_url, source = pick_docs_url(ctx.target.origin, llms, found_links)
        if docs_url.rstrip("/") == ctx.target.origin.rstrip("/"):
            return None, source
        return await negotiate(ctx, docs_url, "docs", ctx.fetch.get(docs_url)), source

    # The home page needs nothing found elsewhere: it is negotiated at once, while the docs page waits for
    # the documents that may name it.
    home, (docs, source) = await asyncio.gather(
        negotiate(ctx, urljoin(ctx.target.origin, "/"), "home", ctx.need("home")), docs_page()
    )
    return MarkdownNegotiation(pages=[home] if docs is None else [home, docs], docs_source=source)


# --- RFC 9727 api-catalog ------------------------------------------------------------------------------


@probe(API_CATALOG, description="GET /.well-known/api-catalog (RFC 9727) as application/linkset+json")
async def api_catalog(ctx: ProbeContext) -> ApiCatalog:
    urls = [urljoin(ctx.target.origin, "/.well-known/api-catalog")]
    # The well-known location is read first whatever the Link headers name: it needs not wait for them.
    ctx.fetch.prefetch(urls[0], headers={"Accept": LINKSET_TYPE})
    found_links: LinkHeaders | None = await ctx.maybe("links")
    for lk in found_links.find("api-catalog") if found_links else []:
        if lk.href not in urls:
            urls.append(lk.href)
    linked, unfollowed = bounded(urls[1:], MAX_API_CATALOG_LINKS)
    urls = urls[:1] + linked
    tried = await walk([partial(fetch_json_doc, ctx, url, accept=LINKSET_TYPE) for url in urls])
    doc = tried[-1]
    if doc.found:
        entries, problems = parse_linkset(doc.data, doc.response.final_url if doc.response else doc.url)
        return ApiCatalog(
            doc=doc, tried=tried, entries=entries, shape_problems=problems, unfollowed=unfollowed
        )
    return ApiCatalog(doc=tried[0], tried=tried, unfollowed=unfollowed)


# --- OpenAPI ---------------------------------------------------------------------------------------------

OPENAPI_PATHS = ("/openapi.json", "/openapi.yaml", "/swagger.json", "/v3/api-docs", "/api/openapi.json")
_OPENAPI_HINT = re.compile(r"(openapi|swagger|api-docs)", re.I)


def openapi_candidates(
    origin: str, found_links: LinkHeaders | None, catalog: ApiCatalog | None, llms: LlmsTxt | None
) -> list[tuple[str, str]]:
    """Where to look for the OpenAPI description, links first, then the common paths."""
    out: list[tuple[str, str]] = []

    def add(url: str, source: str) -> None:
        url = url.split("#")[0]
        if url and all(u != url for u, _ in out):
            out.append((url, source))

    for lk in found_links.find("service-desc") if found_links else []:
        add(lk.href, "link-header")
    for t in catalog.targets("service-desc") if catalog else []:
        if "mcp" not in (t.type or "").lower():  # some catalogs describe their MCP server with its card
            add(t.href, "api-catalog")
    for listed in llms.links() if llms else []:
        if _OPENAPI_HINT.search(listed.url):
            add(listed.url, "llms-txt")
    for path in OPENAPI_PATHS:
        add(urljoin(origin, path), "common-path")
    return out


async def fetch_openapi(ctx: ProbeContext, url: str) -> Doc:
    """GET a candidate description; found only when it parses (JSON, else YAML) as OpenAPI or Swagger."""
    doc = await fetch_text_doc(ctx, url)
    if not doc.found:
        return doc
    text = doc.data
    try:
        data = json.loads(text)
    except ValueError:
        import yaml  # ~10 ms of start-up, paid only when a description is not JSON

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            problem = "neither JSON nor YAML" + (
                " (body truncated at the size limit)"
                if doc.response and doc.response.truncated
                else f": {str(exc).splitlines()[0]}"
            )
            return replace(doc, state=DocState.INVALID, data=None, problem=problem)
    if not is_openapi(data):
        problem = 'parses, but has no `openapi: 3.x` or `swagger: "2.0"` member'
        return replace(doc, state=DocState.INVALID, data=data, problem=problem)
    return replace(doc, data=data)


@probe(
    OPENAPI,
    description="Find the OpenAPI description: Link headers, api-catalog, llms.txt, then common paths",
)
async def openapi(ctx: ProbeContext) -> OpenAPIResult:
    # Speculation: the most common location goes out at t0, while the documents that may name another one
    # (Link headers, the api-catalog, llms.txt) are read; they only add candidates ahead of it.
    ctx.fetch.prefetch(urljoin(ctx.target.origin, OPENAPI_PATHS[0]))
    found_links, catalog, llms = await asyncio.gather(
        ctx.maybe("links"), ctx.maybe("api_catalog"), ctx.maybe(LLMS_TXT_DOCUMENT)
    )
    candidates = openapi_candidates(ctx.target.origin, found_links, catalog, llms)
    linked, dropped = bounded([c for c in candidates if c[1] != "common-path"], MAX_OPENAPI_LINKS)
    ordered = linked + [c for c in candidates if c[1] == "common-path"]
    tried = await walk([partial(fetch_openapi, ctx, url) for url, _ in ordered])
    sources = dict(ordered[: len(tried)])
    found = tried[-1] if tried and tried[-1].found else None
    return OpenAPIResult(
        description=None
        if found is None
        else OpenAPIDescription(doc=found, data=found.data, source=sources[found.url]),
        tried=tried,
        sources=sources,
        unfollowed=[url for url, _ in dropped],
    )


# --- MCP server card ------------------------------------------------------------------------------------

MCP_CARD_PATHS = (
    "/.well-known/mcp/server-card.json",
    "/.well-known/mcp/server-cards.json",
    "/.well-known/mcp.json",
    "/.well-known/mcp",
)


MCP_INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "agent-ready", "version": "0"},
    },
}


async def post_initialize(ctx: ProbeContext, url: str, headers: dict[str, str] | None = None) -> Response:
    """POST an MCP initialize request to ``url`` as a Streamable HTTP client would (it changes nothing).

    Without credentials the request is the same whichever probe sends it (``mcp_card`` when the endpoint's
    GET does not answer as MCP, ``oauth_discovery`` for its challenge), so it is sent once and shared through
    the scan's cache; one sent with a credential is the caller's own."""
    accept = {"Accept": "application/json, text/event-stream"}
    return await ctx.fetch.request(
        "POST", url, json=MCP_INITIALIZE, headers=(headers or {}) | accept, cache=not headers
    )


def pick_card(data: Any) -> tuple[dict[str, Any] | None, int]:
    """The card in a card document, and how many it lists: one object, or a list of them (server-cards.json
    as an array, or under "cards"/"servers")."""
    if isinstance(data, dict):
        for key in ("cards", "servers", "serverCards"):
            if isinstance(data.get(key), list) and not any(k in data for k in ("name", "serverInfo")):
                return pick_card(data[key])
        return data, 1
    if isinstance(data, list):
        cards = [c for c in data if isinstance(c, dict)]
        return (cards[0], len(cards)) if cards else (None, 0)
    return None, 0


async def probe_endpoint(ctx: ProbeContext, url: str) -> tuple[Response, Response | None]:
    """GET the MCP endpoint, then POST an initialize when the GET did not answer as one."""
    get = await ctx.fetch.get(url)
    if (
        not endpoint_answers(get)
        and not get.failed
        and get.status not in (404, 410)
        and not same_as_miss(get, await ctx.maybe("not_found"))
    ):
        # Streamable HTTP servers may answer only POST; an initialize without credentials changes nothing.
        return get, await post_initialize(ctx, url)
    return get, None


@probe(
    MCP_CARD, description="Find the MCP server card at the known paths and see whether its endpoint answers"
)
async def mcp_card(ctx: ProbeContext) -> McpDiscovery:
    default_endpoint = urljoin(ctx.target.origin, MCP_DEFAULT_ENDPOINT)
    # SEP-2127 reserves <endpoint>/server-card; the only endpoint known without a card is the default.
    paths: list[tuple[str, str | None]] = [(urljoin(ctx.target.origin, p), None) for p in MCP_CARD_PATHS]
    paths.append((default_endpoint + "/server-card", MCP_CARD_TYPE))
    # Speculation: the default endpoint is probed unless a card names another one, so its GET goes out now.
    ctx.fetch.prefetch(default_endpoint)
    tried = await walk(
        [partial(fetch_json_doc, ctx, url, accept=accept) for url, accept in paths],
        hit=lambda doc: doc.found and pick_card(doc.data)[0] is not None,
    )
    doc = tried[-1]
    card, count = pick_card(doc.data) if doc.found else (None, 0)
    if card is not None:
        found = McpDiscovery(
            card=doc, card_data=card, cards_listed=count, tried=tried, shape=card_shape(card)
        )
        endpoints = card_endpoints(card, doc.response.final_url if doc.response else doc.url)
        if endpoints:
            get, post = await probe_endpoint(ctx, endpoints[0])
            return replace(
                found, endpoint_url=endpoints[0], endpoint_source="card", endpoint_get=get, endpoint_post=post
            )
    else:
        found = McpDiscovery(card=None, tried=tried)
    get, post = await probe_endpoint(ctx, default_endpoint)
    result = replace(found, endpoint_get=get, endpoint_post=post)
    if result.endpoint_answers:
        return replace(result, endpoint_url=default_endpoint, endpoint_source="default-path")
    return result


# --- A2A agent card -----------------------------------------------------------------------------------

A2A_PATHS = ("/.well-known/agent-card.json", "/.well-known/agent.json")


@probe(A2A_CARD, description="GET the A2A agent card (/.well-known/agent-card.json, legacy agent.json)")
async def a2a_card(ctx: ProbeContext) -> A2ACard:
    doc, tried = await first_json_doc(ctx, A2A_PATHS)
    return A2ACard(doc=doc, tried=tried)


# --- agent skills -------------------------------------------------------------------------------------

SKILLS_PATHS = ("/.well-known/agent-skills/index.json", "/.well-known/skills/index.json")


def skill_digest(entry: dict[str, Any]) -> str | None:
    """The hex sha256 of a skill entry: ``digest: "sha256:<hex>"`` (0.2.0), or a bare ``sha256`` member."""
    digest = entry.get("digest")
    if isinstance(digest, str) and digest.lower().startswith("sha256:"):
        value = digest[7:].strip().lower()
    elif isinstance(entry.get("sha256"), str):
        value = entry["sha256"].strip().lower()
    else:
        return None
    return value if re.fullmatch(r"[0-9a-f]{64}", value) else None


@probe(AGENT_SKILLS, description="GET the agent-skills index and verify one skill's sha256 digest")
async def agent_skills(ctx: ProbeContext) -> AgentSkills:
    doc, tried = await first_json_doc(ctx, SKILLS_PATHS)
    result = AgentSkills(doc=doc, tried=tried)
    if result.doc is None or not isinstance(result.doc.data, dict):
        return result
    skills = result.doc.data.get("skills")
    base = result.doc.response.final_url if result.doc.response else result.doc.url
    entries = [s for s in skills if isinstance(s, dict)] if isinstance(skills, list) else []
    entries.sort(key=lambda s: not same_origin(urljoin(base, str(s.get("url", ""))), base))
    for entry in entries:
        expected = skill_digest(entry)
        if expected is None or not isinstance(entry.get("url"), str):
            continue
        url = urljoin(base, entry["url"])
        resp = await ctx.fetch.get(url)
        actual = hashlib.sha256(resp.body).hexdigest() if resp.ok and not resp.truncated else None
        return replace(
            result,
            digest_check=DigestCheck(
                skill=str(entry.get("name", "")), url=url, expected=expected, response=resp, actual=actual
            ),
        )
    return result


# --- sitemap ------------------------------------------------------------------------------------------

SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/sitemap-index.xml", "/sitemap.xml.gz")


@probe(SITEMAP, description="Find the sitemap (robots.txt Sitemap:, then common paths) and parse it")
async def sitemap(ctx: ProbeContext) -> Sitemap:
    # Speculation: /sitemap.xml is where robots.txt most often points, and the first common path otherwise.
    ctx.fetch.prefetch(urljoin(ctx.target.origin, SITEMAP_PATHS[0]))
    robots = await ctx.maybe("robots")
    candidates = [(u, "robots") for u in (robots.sitemaps if robots is not None else [])]
    candidates += [
        (urljoin(ctx.target.origin, p), "common-path")
        for p in SITEMAP_PATHS
        if all(u != urljoin(ctx.target.origin, p) for u, _ in candidates)
    ]
    inspected: dict[str, tuple[str, int, list[str]]] = {}  # url -> what inspect_sitemap found there

    async def fetch(url: str) -> Doc:
        resp, miss = await asyncio.gather(ctx.fetch.get(url), ctx.maybe("not_found"))
        state, problem = classify_response(resp, miss, html_ok=True)
        if state == DocState.FOUND and body_is_html(resp):
            state, problem = DocState.SOFT_404, "HTML where a sitemap was expected"
        elif state == DocState.FOUND:
            try:
                inspected[url] = inspect_sitemap(resp.body)
            except (ValueError, OSError, EOFError) as exc:
                state, problem = DocState.INVALID, str(exc)
        data = inspected[url][0] if url in inspected else None
        return Doc(url=url, state=state, response=resp, data=data, problem=problem)

    shown = candidates[:6]
    tried = await walk(
        [partial(fetch, url) for url, _ in shown], hit=lambda d: d.state in (DocState.FOUND, DocState.INVALID)
    )
    doc = tried[-1]
    if doc.state not in (DocState.FOUND, DocState.INVALID):
        return Sitemap(doc=None, tried=tried)
    kind, locations, problems = inspected.get(doc.url, (None, 0, []))
    return Sitemap(
        doc=doc,
        tried=tried,
        source=shown[len(tried) - 1][1],
        kind=kind,
        locations=locations,
        problems=problems,
    )
