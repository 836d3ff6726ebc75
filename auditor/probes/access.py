"""Probes of the access family: which paths matter to an agent, the Web Bot Auth key directory, and the
responses a non-browser client got on docs, descriptions and API paths (for bot-challenge detection).

Only two new requests at most: the key directory, a docs page and an API path; everything else is a
response another probe already fetched (home, target, robots.txt, llms.txt, OpenAPI, the soft-404 probe).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from agent_ready.artifacts.access import (
    AGENT_PATHS,
    BOT_AUTH_DIRECTORY,
    BOT_AUTH_MEDIA_TYPE,
    CHALLENGE_SAMPLES,
    AgentPath,
    AgentPaths,
    BotAuthDirectory,
    ChallengeSamples,
    Sample,
)
from agent_ready.artifacts.http import Response
from agent_ready.artifacts.openapi import OpenAPIDescription, openapi_description
from agent_ready.probes.documents import fetch_doc
from agent_ready.probing import ProbeContext, probe

BOT_AUTH_PATH = "/.well-known/http-message-signatures-directory"

# Paths an agent needs when discovery found nothing more specific: (path, role).
DEFAULT_AGENT_PATHS: tuple[tuple[str, str], ...] = (
    ("/", "home"),
    ("/docs/", "docs"),
    ("/llms.txt", "description"),
    ("/openapi.json", "description"),
    ("/api/", "api"),
    ("/.well-known/", "auth"),
    ("/auth.md", "auth"),
    ("/oauth/", "auth"),
)
MAX_OPENAPI_PATHS = 25


def _docs_from_markdown_probe(artifact: Any) -> Response | None:
    """The plain (default Accept) docs response the discovery family's ``markdown`` probe fetched."""
    for page in getattr(artifact, "pages", None) or []:
        plain = getattr(page, "plain", None)
        if getattr(page, "role", None) == "docs" and isinstance(plain, Response):
            return plain
    return None


def openapi_paths(spec: dict[str, Any], spec_url: str, origin: str) -> list[AgentPath]:
    """Operation paths of an OpenAPI 3.x / Swagger 2.0 document as absolute paths on ``origin``."""
    bases: list[str] = []
    servers = spec.get("servers")
    for server in servers if isinstance(servers, list) else []:
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            try:
                parts = urlsplit(urljoin(spec_url, re.sub(r"\{[^}]*\}", "x", server["url"])))
            except ValueError:  # e.g. "http://[" (an unclosed IPv6 literal)
                continue
            if f"{parts.scheme}://{parts.netloc}".lower() == origin:
                bases.append(parts.path.rstrip("/"))
    if isinstance(spec.get("basePath"), str):
        bases.append(spec["basePath"].rstrip("/"))
    if not bases:
        bases = [""]
    out: list[AgentPath] = []
    paths = spec.get("paths")
    for template in list(paths if isinstance(paths, dict) else {})[:MAX_OPENAPI_PATHS]:
        if not isinstance(template, str) or not template.startswith("/"):
            continue
        concrete = re.sub(r"\{[^}]*\}", "x", template)
        for base in bases:
            out.append(
                AgentPath(
                    base + concrete,
                    "auth" if "oauth" in concrete or "token" in concrete else "api",
                    "openapi",
                )
            )
    return out


@probe(
    AGENT_PATHS, description="Paths an agent needs (docs, descriptions, API, auth), from OpenAPI when found"
)
async def agent_paths(ctx: ProbeContext) -> AgentPaths:
    paths: list[AgentPath] = []
    seen: set[str] = set()

    def add(p: AgentPath) -> None:
        if p.path not in seen:
            seen.add(p.path)
            paths.append(p)

    target_path = urlsplit(ctx.target.url).path or "/"
    add(AgentPath(target_path, "target", "target"))
    description = openapi_description(await ctx.maybe("openapi"))
    if description is not None:
        add(AgentPath(urlsplit(description.url).path or "/", "description", "openapi"))
        for p in openapi_paths(description.data, description.url, ctx.target.origin):
            add(p)
    for path, role in DEFAULT_AGENT_PATHS:
        add(AgentPath(path, role, "default"))
    return AgentPaths(paths=paths, openapi_used=description is not None)


@probe(
    BOT_AUTH_DIRECTORY,
    description="GET the Web Bot Auth key directory (draft-meunier-http-message-signatures-directory)",
)
async def bot_auth_directory(ctx: ProbeContext) -> BotAuthDirectory:
    doc = await fetch_doc(
        ctx, urljoin(ctx.target.origin, BOT_AUTH_PATH), parse="json", accept=BOT_AUTH_MEDIA_TYPE
    )
    return BotAuthDirectory(doc=doc)


def _docs_url(home: Response | None, origin: str) -> str:
    """The docs page: the home page's `Link: rel=service-doc` when it names one, else /docs/."""
    if home is not None and not home.failed and home.headers.get("link"):
        links = httpx.Response(200, headers={"link": home.headers["link"]}).links
        doc = links.get("service-doc", {}).get("url")
        if doc:
            return urljoin(home.final_url, doc)
    return urljoin(origin, "/docs/")


def _api_url(description: OpenAPIDescription | None, origin: str) -> str:
    """A parameter-free GET operation of the OpenAPI description, else /api/."""
    if description is not None:
        for op in description.operations(methods=("get",)):
            if "{" not in op.path:
                one_path = {**description.data, "paths": {op.path: {}}}
                resolved = openapi_paths(one_path, description.url, origin)
                if resolved:
                    return urljoin(origin, resolved[0].path)
    return urljoin(origin, "/api/")


@probe(
    CHALLENGE_SAMPLES,
    description="Responses a non-browser client got on home, docs, descriptions and an "
    "API path (reused from other probes where possible)",
)
async def challenge_samples(ctx: ProbeContext) -> ChallengeSamples:
    origin = ctx.target.origin

    async def api_path() -> tuple[OpenAPIDescription | None, Response]:
        description = openapi_description(await ctx.maybe("openapi"))
        return description, await ctx.fetch.get(_api_url(description, origin))

    async def docs_page() -> Response:
        return _docs_from_markdown_probe(await ctx.maybe("markdown")) or await ctx.fetch.get(
            _docs_url(await ctx.maybe("home"), origin)
        )

    # Each sample waits only for the probe that names its URL. The llms.txt fetch has the same URL and
    # headers as the discovery family's, so it is a cache hit, not a request.
    (description, api), docs, home, robots, llms = await asyncio.gather(
        api_path(),
        docs_page(),
        ctx.maybe("home"),
        ctx.maybe("robots"),
        fetch_doc(ctx, urljoin(origin, "/llms.txt")),
    )
    found = [
        ("target", await ctx.maybe("target")),
        ("home", home),
        ("docs", docs),
        ("robots.txt", robots.doc.response if robots is not None else None),
        ("llms.txt", llms.response),
        ("openapi", description.doc.response if description is not None else None),
        ("api", api),
        ("unknown path", await ctx.maybe("not_found")),
    ]
    result = ChallengeSamples()
    seen: set[str] = set()
    for role, resp in found:
        if isinstance(resp, Response) and resp.exchange_id not in seen:
            seen.add(resp.exchange_id)
            result.samples.append(Sample(role, resp))
    return result
