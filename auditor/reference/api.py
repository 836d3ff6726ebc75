"""The reference service's protected REST API and its documented API-key route.

- ``GET/POST /api/v1/projects``: bearer required. Without a token: 401 with
  ``WWW-Authenticate: Bearer resource_metadata="{base}/.well-known/oauth-protected-resource/api/v1"``
  (RFC 9728 §5.1); a bad token: 401 ``error="invalid_token"``; a token without the scope: 403
  ``insufficient_scope`` (RFC 6750 §3.1).
- ``POST /api/v1/keys``: programmatic sign-up, no browser: ``{"name": ..., "accept_terms": true}`` returns an
  API key (a bearer the API accepts) with an absolute expiry. Its gates are ones an agent can pass: terms are
  accepted by a field, and the rate limit is stated (in the description and in RateLimit headers).
  ``DELETE /api/v1/keys/{key_id}`` (with that key) removes it.

Flaws:

- ``no-resource-metadata``: the 401s carry ``WWW-Authenticate: Bearer scope="..."`` without
  ``resource_metadata``.
- ``401-as-200``: an unauthenticated call gets ``200`` with a JSON error body instead of a 401.
"""

from __future__ import annotations

from typing import Any

from agent_ready.reference.app import (
    ReferenceApp,
    Reply,
    Request,
    issue_token,
    json_reply,
    revoke_token,
    token_info,
)
from agent_ready.reference.oauth import challenge

KEYS_PER_HOUR = 10
KEY_TTL = 86400


def _unauthorized(app: ReferenceApp, resource_path: str, scope: str, req: Request) -> Reply:
    if app.has("401-as-200"):
        return json_reply({"error": "unauthorized", "message": "Authentication required."}, 200)
    presented = req.bearer()
    params = (
        {"error": "invalid_token", "error_description": "The token is unknown or expired"}
        if presented
        else {}
    )
    # RFC 6750 §3.1: no error code when the request carried no credentials at all.
    return app.problem(
        401,
        "Unauthorized",
        "This endpoint needs a bearer token. Agents: follow resource_metadata in the WWW-Authenticate "
        f"header, or read {app.base_url}/auth.md; no account yet? POST {app.base_url}/api/v1/keys.",
        type_="unauthorized",
        headers=[("WWW-Authenticate", challenge(app, resource_path, scope, **params))],
    )


def _authorized(app: ReferenceApp, req: Request, scope: str) -> dict[str, Any] | Reply:
    """The token's info when it carries ``scope``, else the 401/403 to answer instead."""
    info = token_info(app, req.bearer())
    if info is None:
        return _unauthorized(app, "/api/v1", scope, req)
    if scope not in info["scopes"]:
        return app.problem(
            403,
            "Forbidden",
            f"The token lacks the {scope} scope.",
            type_="insufficient-scope",
            headers=[("WWW-Authenticate", challenge(app, "/api/v1", scope, error="insufficient_scope"))],
        )
    return info


def _list_projects(app: ReferenceApp, req: Request) -> Reply:
    info = _authorized(app, req, "projects:read")
    if isinstance(info, Reply):
        return info
    projects = [p for p in app.state.get("projects", []) if p["owner"] == info["sub"]]
    return json_reply({"projects": projects, "owner": info["sub"]})


def _create_project(app: ReferenceApp, req: Request) -> Reply:
    info = _authorized(app, req, "projects:write")
    if isinstance(info, Reply):
        return info
    body = req.json() if req.body else {}
    if not isinstance(body, dict) or not isinstance(body.get("name", ""), str):
        return app.problem(400, "Bad Request", 'Send {"name": "<project name>"}.', type_="invalid-body")
    project = {"id": app.next_id("prj"), "name": body.get("name") or "untitled", "owner": info["sub"]}
    with app.lock:
        app.state.setdefault("projects", []).append(project)
    return json_reply(project, 201)


def _rate_headers(remaining: int) -> list[tuple[str, str]]:
    return [
        ("RateLimit-Policy", f'"signup";q={KEYS_PER_HOUR};w=3600'),
        ("RateLimit", f'"signup";r={max(remaining, 0)};t=3600'),
    ]


def _create_key(app: ReferenceApp, req: Request) -> Reply:
    body = req.json()
    with app.lock:
        used = app.state.get("keys_created", 0)
    if used >= KEYS_PER_HOUR:
        return app.problem(
            429,
            "Too Many Requests",
            f"At most {KEYS_PER_HOUR} keys per hour; retry later.",
            type_="rate-limited",
            headers=[("Retry-After", "3600"), *_rate_headers(0)],
        )
    if not isinstance(body, dict) or body.get("accept_terms") is not True:
        return app.problem(
            400,
            "Bad Request",
            f'Send {{"name": "<label>", "accept_terms": true}} after reading {app.base_url}/docs/terms.',
            type_="terms-not-accepted",
            headers=_rate_headers(KEYS_PER_HOUR - used),
        )
    key_id = app.next_id("key")
    api_key = issue_token(app, f"key:{key_id}", ["projects:read", "projects:write"], KEY_TTL, key_id=key_id)
    expires = app.clock() + KEY_TTL
    with app.lock:
        app.state["keys_created"] = used + 1
        app.state.setdefault("api_keys", {})[key_id] = api_key
    from datetime import UTC, datetime

    return json_reply(
        {
            "key_id": key_id,
            "api_key": api_key,
            "name": str(body.get("name") or key_id),
            "scopes": ["projects:read", "projects:write"],
            "expires_at": datetime.fromtimestamp(expires, UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "delete_url": f"{app.base_url}/api/v1/keys/{key_id}",
        },
        201,
        headers=_rate_headers(KEYS_PER_HOUR - used - 1),
    )


def _delete_key(app: ReferenceApp, req: Request) -> Reply:
    key_id = req.params["key_id"]
    with app.lock:
        api_key = app.state.get("api_keys", {}).get(key_id)
    if api_key is None or req.bearer() != api_key:
        return app.problem(
            404, "Not Found", f"No key {key_id} is visible to this credential.", type_="not-found"
        )
    revoke_token(app, api_key)
    with app.lock:
        app.state["api_keys"].pop(key_id, None)
    return Reply(204)


def _keys_path(problem: dict[str, Any]) -> dict[str, Any]:
    """POST /api/v1/keys: the sign-up route an agent takes without a browser."""
    return {
        "post": {
            "operationId": "createApiKey",
            "summary": "Sign up: create an API key without a browser",
            "description": "Creates an API key for a new principal. No account, e-mail or CAPTCHA needed: "
            f"accept the terms with `accept_terms: true`. Rate limit: {KEYS_PER_HOUR} keys "
            "per hour per client (RateLimit headers on every answer, 429 with Retry-After "
            "beyond). Keys expire after 24 hours unless claimed.",
            "security": [],
            "x-rate-limit": {"limit": KEYS_PER_HOUR, "window": "1h"},
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["name", "accept_terms"],
                            "properties": {
                                "name": {"type": "string", "example": "my-agent"},
                                "accept_terms": {
                                    "type": "boolean",
                                    "const": True,
                                    "description": "You accept the terms at /docs/terms",
                                },
                            },
                        }
                    }
                },
            },
            "responses": {
                "201": {
                    "description": "The key (shown once)",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "key_id": {"type": "string"},
                                    "api_key": {"type": "string"},
                                    "expires_at": {"type": "string", "format": "date-time"},
                                },
                            }
                        }
                    },
                },
                "400": problem,
                "429": problem,
            },
        },
    }


def _security_schemes(app: ReferenceApp) -> None:
    """The oauth2 client-credentials flow and the API key, both sent as bearer tokens."""
    schemes = app.openapi_components.setdefault("securitySchemes", {})
    schemes["oauth2"] = {
        "type": "oauth2",
        "flows": {
            "clientCredentials": {
                "tokenUrl": "/oauth/token",
                "scopes": {
                    "projects:read": "Read projects",
                    "projects:write": "Create projects",
                    "mcp": "Use the MCP server",
                },
            }
        },
    }
    schemes["apiKey"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key from POST /api/v1/keys, sent as a bearer token.",
    }


def _openapi(app: ReferenceApp) -> None:
    problem = {
        "description": "Problem details (RFC 9457)",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    secured = [{"oauth2": ["projects:read"]}, {"apiKey": []}]
    app.openapi_paths["/api/v1/projects"] = {
        "get": {
            "operationId": "listProjects",
            "summary": "List your projects",
            "security": secured,
            "responses": {"200": {"description": "The projects"}, "401": problem, "403": problem},
        },
        "post": {
            "operationId": "createProject",
            "summary": "Create a project",
            "security": [{"oauth2": ["projects:write"]}, {"apiKey": []}],
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {"type": "object", "properties": {"name": {"type": "string"}}}
                    }
                }
            },
            "responses": {"201": {"description": "Created"}, "401": problem, "403": problem},
        },
    }
    app.openapi_paths["/api/v1/keys"] = _keys_path(problem)
    app.openapi_paths["/api/v1/keys/{key_id}"] = {
        "delete": {
            "operationId": "deleteApiKey",
            "summary": "Delete an API key (authenticate with that key)",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "key_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "Deleted"}, "404": problem},
        },
    }
    _security_schemes(app)
    # The Problem schema the responses refer to is added by discovery.openapi_document for every module.
    # The Problem schema the responses refer to is added by discovery.openapi_document for every module.


def install(app: ReferenceApp) -> None:
    app.add("GET", "/api/v1/projects", _list_projects)
    app.add("POST", "/api/v1/projects", _create_project)
    app.add("POST", "/api/v1/keys", _create_key)
    app.add("DELETE", "/api/v1/keys/{key_id}", _delete_key)
    _openapi(app)
