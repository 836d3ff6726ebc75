"""Discovery documents of the reference service: everything an agent reads to find the API from a URL.

Routes: ``/`` and ``/docs/`` (HTML, or Markdown on ``Accept: text/markdown``, with ``Vary: Accept``;
``/index.md`` and ``/docs/index.md`` too), ``/docs/errors`` (the problem-type catalogue), ``/robots.txt``,
``/llms.txt`` + ``/llms-full.txt``, ``/sitemap.xml``, ``/.well-known/api-catalog`` (RFC 9727),
``/openapi.json`` (merged from ``app.openapi_paths`` / ``app.openapi_components``),
``/.well-known/mcp/server-card.json`` (SEP-2127, endpoint ``{base}/mcp`` which the mcp module serves),
``/.well-known/agent-card.json`` (A2A), ``/.well-known/agent-skills/index.json`` and its skill file.

Composition: other modules add llms.txt links through ``app.llms_sections`` (H2 title -> [(name, path,
note)]), operations through ``app.openapi_paths``, and problem types to the ``/docs/errors`` page through
``app.state.setdefault("error_docs", {})[slug] = (title, description)``.

Flaws (``build_app(flaws={...})``), one broken link each:

- ``llms-dead-link``: llms.txt lists a page that answers 404.
- ``markdown-as-html``: ``Accept: text/markdown`` gets the HTML page labelled ``text/markdown``.
- ``no-markdown``: ``Accept: text/markdown`` is ignored (HTML); ``/index.md`` variants still exist.
- ``no-link-headers``: the home page sends no ``Link`` header.
- ``no-api-catalog``: no ``/.well-known/api-catalog``.
- ``openapi-as-html``: ``/openapi.json`` is served as ``text/html``.
- ``mcp-card-legacy``: no SEP-2127 card; a SEP-1649-shaped card at ``/.well-known/mcp.json`` instead.
- ``no-mcp-card``: no MCP server card anywhere (the endpoint still answers).
- ``skills-bad-digest``: the agent-skills index names a wrong sha256 digest.
- ``no-agent-card``: no A2A agent card.
"""

from __future__ import annotations

import hashlib
import html
import json
from typing import Any

from agent_ready.reference.app import ReferenceApp, Reply, Request, json_reply, text

PRODUCT = "Acme Cloud"

ROBOTS = """# Agents welcome. Training on our docs is not.
User-agent: *
Allow: /
Content-Signal: search=yes, ai-input=yes, ai-train=no

User-agent: GPTBot
Disallow: /

Sitemap: {base}/sitemap.xml
"""

HOME_MD = """# {product}

> {product} hosts projects behind a REST API and an MCP server. Agents can sign up, get a token and
> create a temporary project without a browser.

- API description: [{base}/openapi.json]({base}/openapi.json)
- API catalog: [{base}/.well-known/api-catalog]({base}/.well-known/api-catalog)
- Docs: [{base}/docs/]({base}/docs/)
- Map for agents: [{base}/llms.txt]({base}/llms.txt)
- MCP server: `{base}/mcp`
- MCP server card: [{base}/.well-known/mcp/server-card.json]({base}/.well-known/mcp/server-card.json)
"""

DOCS_MD = """# {product} documentation

## Getting started

1. Read the API description at {base}/openapi.json.
2. Get a credential: OAuth 2.0 client credentials at {base}/oauth/token (metadata at
   {base}/.well-known/oauth-authorization-server), or an API key from `POST {base}/api/v1/keys`.
3. Call the API with `Authorization: Bearer <token>`.

## Errors

Every error is `application/problem+json` (RFC 9457); the types are listed at {base}/docs/errors.
"""

# The core problem types app.problem() emits; feature modules may add theirs.
CORE_ERROR_DOCS: dict[str, tuple[str, str]] = {
    "not-found": ("Not Found", "No resource at that path. Check /openapi.json for the routes."),
    "method-not-allowed": (
        "Method Not Allowed",
        "The path exists but not with this method; the Allow header lists the methods it takes.",
    ),
    "unauthorized": (
        "Unauthorized",
        "A credential is needed. Follow resource_metadata in WWW-Authenticate, or read /auth.md.",
    ),
    "invalid-token": (
        "Invalid token",
        "The bearer token is unknown, expired or revoked. Get a new one at /oauth/token.",
    ),
    "insufficient-scope": ("Insufficient scope", "The token lacks a scope this call needs; request it."),
    "rate-limited": ("Rate limited", "Too many requests. Wait for the Retry-After seconds, then retry."),
    "invalid-request": ("Invalid request", "The body or parameters are wrong; the detail names the field."),
    "internal-error": ("Internal error", "Our fault. Retry later and quote the request_id."),
}

SKILL_MD = """---
name: use-acme-cloud
description: Sign up to Acme Cloud without a browser, get a token and manage projects.
---

# Use Acme Cloud

1. `POST {base}/api/v1/keys` with `{{"name": "my-agent", "accept_terms": true}}` returns an API key.
2. Send it as `Authorization: Bearer <key>` to `{base}/api/v1/projects`.
3. Errors are RFC 9457 problem documents; read `detail` and follow the `type` link.
"""

LLMS_CORE: dict[str, list[tuple[str, str, str]]] = {
    "Docs": [
        ("Getting started", "/docs/", "how to get a credential and make a first call"),
        ("Error catalogue", "/docs/errors", "every problem type the API returns"),
    ],
    "API": [
        ("OpenAPI description", "/openapi.json", "OpenAPI 3.1, every route"),
        ("API catalog", "/.well-known/api-catalog", "RFC 9727 linkset"),
        ("MCP server card", "/.well-known/mcp/server-card.json", "the MCP endpoint and how to reach it"),
    ],
    "Optional": [
        ("Agent skills", "/.well-known/agent-skills/index.json", "skills an agent can install"),
        ("Sitemap", "/sitemap.xml", ""),
    ],
}


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"</head>\n<body>\n{body}\n</body></html>\n"
    )


def _home_links(app: ReferenceApp) -> list[tuple[str, str]]:
    if app.has("no-link-headers"):
        return []
    return [
        (
            "Link",
            '</.well-known/api-catalog>; rel="api-catalog", '
            '</openapi.json>; rel="service-desc"; type="application/vnd.oai.openapi+json;version=3.1"',
        ),
        (
            "Link",
            '</docs/>; rel="service-doc"; type="text/html", '
            '</index.md>; rel="alternate"; type="text/markdown"; title="This page as Markdown"',
        ),
    ]


def _negotiated(
    app: ReferenceApp, req: Request, title: str, markdown: str, html_body: str, headers: list[tuple[str, str]]
) -> Reply:
    page = _page(title, html_body)
    vary = [("Vary", "Accept")]
    if req.accepts("text/markdown") and not app.has("no-markdown"):
        if app.has("markdown-as-html"):
            return text(page, content_type="text/markdown; charset=utf-8", headers=[*vary, *headers])
        tokens = str(len(markdown.split()))
        return text(
            markdown,
            content_type="text/markdown; charset=utf-8",
            headers=[*vary, ("x-markdown-tokens", tokens), *headers],
        )
    return text(page, content_type="text/html; charset=utf-8", headers=[*vary, *headers])


def home(app: ReferenceApp, req: Request) -> Reply:
    base = app.base_url
    body = (
        f"<h1>{PRODUCT}</h1><p>Projects behind a REST API and an MCP server, usable by agents without a "
        f'browser.</p><ul><li><a href="/openapi.json">API description</a></li><li><a href="/docs/">Docs</a>'
        f'</li><li><a href="/llms.txt">llms.txt</a></li></ul>'
    )
    return _negotiated(app, req, PRODUCT, HOME_MD.format(product=PRODUCT, base=base), body, _home_links(app))


def home_md(app: ReferenceApp, req: Request) -> Reply:
    return text(
        HOME_MD.format(product=PRODUCT, base=app.base_url), content_type="text/markdown; charset=utf-8"
    )


def docs(app: ReferenceApp, req: Request) -> Reply:
    base = app.base_url
    body = (
        f"<h1>{PRODUCT} documentation</h1><h2>Getting started</h2><ol><li>Read the "
        f'<a href="/openapi.json">API description</a>.</li><li>Get a credential at /oauth/token or '
        f"POST /api/v1/keys.</li><li>Call the API with a bearer token.</li></ol>"
        f'<h2>Errors</h2><p>See <a href="/docs/errors">the error catalogue</a>.</p>'
    )
    return _negotiated(
        app,
        req,
        f"{PRODUCT} docs",
        DOCS_MD.format(product=PRODUCT, base=base),
        body,
        [("Link", '</openapi.json>; rel="service-desc"')],
    )


def docs_md(app: ReferenceApp, req: Request) -> Reply:
    return text(
        DOCS_MD.format(product=PRODUCT, base=app.base_url), content_type="text/markdown; charset=utf-8"
    )


def error_docs(app: ReferenceApp) -> dict[str, Any]:
    with app.lock:
        return dict(app.state.setdefault("error_docs", {}))


def errors_page(app: ReferenceApp, req: Request) -> Reply:
    items = []
    for slug, entry in sorted(error_docs(app).items()):
        if isinstance(entry, dict):
            title, description = entry.get("title", slug), entry.get("description", entry.get("detail", ""))
        elif isinstance(entry, tuple | list) and len(entry) >= 2:
            title, description = entry[0], entry[1]
        else:
            title, description = slug, str(entry)
        items.append(
            f'<section id="{html.escape(slug)}"><h2>{html.escape(str(title))}</h2>'
            f"<p><code>{html.escape(app.base_url)}/docs/errors#{html.escape(slug)}</code></p>"
            f"<p>{html.escape(str(description))}</p></section>"
        )
    body = (
        "<h1>Error catalogue</h1><p>Every error is an RFC 9457 problem document "
        "(<code>application/problem+json</code>) whose <code>type</code> links here.</p>" + "".join(items)
    )
    return text(_page("Error catalogue", body), content_type="text/html; charset=utf-8")


def robots(app: ReferenceApp, req: Request) -> Reply:
    return text(ROBOTS.format(base=app.base_url))


def llms_text(app: ReferenceApp) -> str:
    sections: dict[str, list[tuple[str, str, str]]] = {
        k: list(v) for k, v in LLMS_CORE.items() if k != "Optional"
    }
    for title, links in app.llms_sections.items():
        sections.setdefault(title, []).extend(links)
    if app.has("llms-dead-link"):
        sections["Docs"].append(("Quotas", "/docs/quotas", "plan limits"))
    sections["Optional"] = list(LLMS_CORE["Optional"])  # the skippable section stays last
    lines = [
        f"# {PRODUCT}",
        "",
        f"> {PRODUCT} hosts projects behind a REST API and an MCP server; agents can sign "
        "up, get a token and create temporary projects without a browser.",
        "",
    ]
    for title, links in sections.items():
        lines += [f"## {title}", ""]
        for name, path, note in links:
            url = path if "://" in path else app.base_url + path
            lines.append(f"- [{name}]({url})" + (f": {note}" if note else ""))
        lines.append("")
    return "\n".join(lines)


def llms_txt(app: ReferenceApp, req: Request) -> Reply:
    return text(llms_text(app))


def llms_full(app: ReferenceApp, req: Request) -> Reply:
    base = app.base_url
    return text(llms_text(app) + "\n" + DOCS_MD.format(product=PRODUCT, base=base))


def sitemap(app: ReferenceApp, req: Request) -> Reply:
    urls = "".join(f"<url><loc>{app.base_url}{p}</loc></url>" for p in ("/", "/docs/", "/docs/errors"))
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>\n"
    )
    return text(body, content_type="application/xml")


def api_catalog(app: ReferenceApp, req: Request) -> Reply:
    base = app.base_url
    catalog = {
        "linkset": [
            {
                "anchor": f"{base}/.well-known/api-catalog",
                "item": [
                    {"href": f"{base}/api/v1", "title": f"{PRODUCT} REST API"},
                    {"href": f"{base}/mcp", "title": f"{PRODUCT} MCP server"},
                ],
            },
            {
                "anchor": f"{base}/api/v1",
                "service-desc": [
                    {"href": f"{base}/openapi.json", "type": "application/vnd.oai.openapi+json"}
                ],
                "service-doc": [{"href": f"{base}/docs/", "type": "text/html"}],
                "service-meta": [
                    {
                        "href": f"{base}/.well-known/oauth-protected-resource/api/v1",
                        "type": "application/json",
                    }
                ],
            },
            {
                "anchor": f"{base}/mcp",
                "service-desc": [
                    {
                        "href": f"{base}/.well-known/mcp/server-card.json",
                        "type": "application/mcp-server-card+json",
                    }
                ],
            },
        ]
    }
    return json_reply(
        catalog,
        content_type='application/linkset+json; profile="https://www.rfc-editor.org/info/rfc9727"',
        headers=[("Link", '</.well-known/api-catalog>; rel="api-catalog"')],
    )


PROBLEM_RESPONSE = {
    "description": "Problem details (RFC 9457)",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}

# Documentation-only operations this module serves, so the description covers the discovery routes too.
DISCOVERY_OPERATIONS: dict[str, Any] = {
    "/llms.txt": {
        "get": {
            "operationId": "getLlmsTxt",
            "summary": "The map of this service for language models",
            "security": [],
            "responses": {
                "200": {"description": "llms.txt", "content": {"text/plain": {}}},
                "default": PROBLEM_RESPONSE,
            },
        }
    },
    "/.well-known/api-catalog": {
        "get": {
            "operationId": "getApiCatalog",
            "summary": "RFC 9727 API catalog",
            "security": [],
            "responses": {
                "200": {"description": "linkset", "content": {"application/linkset+json": {}}},
                "default": PROBLEM_RESPONSE,
            },
        }
    },
    "/.well-known/mcp/server-card.json": {
        "get": {
            "operationId": "getMcpServerCard",
            "summary": "The MCP server card (SEP-2127)",
            "security": [],
            "responses": {"200": {"description": "server card"}, "default": PROBLEM_RESPONSE},
        }
    },
}


def openapi_document(app: ReferenceApp) -> dict[str, Any]:
    components = json.loads(json.dumps(app.openapi_components))  # a copy: never mutate shared state
    components.setdefault("schemas", {}).setdefault(
        "Problem",
        {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
            },
        },
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{PRODUCT} API",
            "version": "1.0.0",
            "description": f"The {PRODUCT} REST API. Errors are RFC 9457 problem documents; their types are "
            f"listed at {app.base_url}/docs/errors. Agents: start at {app.base_url}/llms.txt.",
        },
        "servers": [{"url": app.base_url}],
        "paths": {**DISCOVERY_OPERATIONS, **app.openapi_paths},
        "components": components,
    }


def openapi_json(app: ReferenceApp, req: Request) -> Reply:
    ctype = "text/html; charset=utf-8" if app.has("openapi-as-html") else "application/json"
    return json_reply(openapi_document(app), content_type=ctype)


def mcp_server_card(app: ReferenceApp, req: Request) -> Reply:
    card = {
        "$schema": "https://static.modelcontextprotocol.io/schemas/v2/server-card.schema.json",
        "name": "com.example.acme/cloud",
        "version": "1.0.0",
        "title": f"{PRODUCT} MCP server",
        "description": "Manage Acme Cloud projects. OAuth 2.0 bearer tokens; discovery via RFC 9728.",
        "websiteUrl": app.base_url,
        "remotes": [
            {
                "type": "streamable-http",
                "url": f"{app.base_url}/mcp",
                "supportedProtocolVersions": ["2025-11-25"],
            }
        ],
    }
    return json_reply(
        card, content_type="application/mcp-server-card+json", headers=[("Access-Control-Allow-Origin", "*")]
    )


def mcp_legacy_card(app: ReferenceApp, req: Request) -> Reply:
    return json_reply(
        {
            "serverInfo": {"name": "acme-cloud", "version": "1.0.0"},
            "endpoint": f"{app.base_url}/mcp",
            "capabilities": {"tools": {}},
        }
    )


def agent_card(app: ReferenceApp, req: Request) -> Reply:
    base = app.base_url
    return json_reply(
        {
            "name": f"{PRODUCT} assistant",
            "description": "Answers questions about your Acme Cloud projects and creates new ones.",
            "version": "1.0.0",
            "supportedInterfaces": [
                {"url": f"{base}/a2a", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}
            ],
            "provider": {"organization": "Acme", "url": base},
            "documentationUrl": f"{base}/docs/",
            "capabilities": {"streaming": False, "pushNotifications": False},
            "defaultInputModes": ["text/plain"],
            "defaultOutputModes": ["text/plain", "application/json"],
            "securitySchemes": {
                "oauth2": {
                    "oauth2SecurityScheme": {
                        "flows": {
                            "clientCredentials": {
                                "tokenUrl": f"{base}/oauth/token",
                                "scopes": {"projects:read": "Read projects"},
                            }
                        }
                    }
                }
            },
            "skills": [
                {
                    "id": "list-projects",
                    "name": "List projects",
                    "description": "Lists your projects.",
                    "tags": ["projects"],
                }
            ],
        }
    )


def skill_file(app: ReferenceApp) -> bytes:
    return SKILL_MD.format(base=app.base_url).encode("utf-8")


def skills_index(app: ReferenceApp, req: Request) -> Reply:
    digest = hashlib.sha256(skill_file(app)).hexdigest()
    if app.has("skills-bad-digest"):
        digest = hashlib.sha256(b"an older version").hexdigest()
    return json_reply(
        {
            "$schema": "https://schemas.agentskills.io/discovery/0.2.0/schema.json",
            "skills": [
                {
                    "name": "use-acme-cloud",
                    "type": "skill-md",
                    "description": "Sign up without a browser, get a token and manage projects.",
                    "url": f"{app.base_url}/.well-known/agent-skills/use-acme-cloud/SKILL.md",
                    "digest": f"sha256:{digest}",
                }
            ],
        }
    )


def skill(app: ReferenceApp, req: Request) -> Reply:
    return Reply(200, skill_file(app), [("Content-Type", "text/markdown; charset=utf-8")])


def install(app: ReferenceApp) -> None:
    docs_registry = app.state.setdefault("error_docs", {})
    for slug, entry in CORE_ERROR_DOCS.items():
        docs_registry.setdefault(slug, entry)
    app.add("GET", "/", home)
    app.add("GET", "/index.md", home_md)
    app.add("GET", "/docs/", docs)
    app.add("GET", "/docs/index.md", docs_md)
    app.add("GET", "/docs/errors", errors_page)
    app.add("GET", "/robots.txt", robots)
    app.add("GET", "/llms.txt", llms_txt)
    app.add("GET", "/llms-full.txt", llms_full)
    app.add("GET", "/sitemap.xml", sitemap)
    app.add("GET", "/openapi.json", openapi_json)
    if not app.has("no-api-catalog"):
        app.add("GET", "/.well-known/api-catalog", api_catalog)
    if app.has("mcp-card-legacy"):
        app.add("GET", "/.well-known/mcp.json", mcp_legacy_card)
    elif not app.has("no-mcp-card"):
        app.add("GET", "/.well-known/mcp/server-card.json", mcp_server_card)
    if not app.has("no-agent-card"):
        app.add("GET", "/.well-known/agent-card.json", agent_card)
    app.add("GET", "/.well-known/agent-skills/index.json", skills_index)
    app.add("GET", "/.well-known/agent-skills/use-acme-cloud/SKILL.md", skill)
