"""Temporary, claimable projects for the reference service, modelled on Cloudflare's temporary accounts.

Cloudflare (``wrangler deploy --temporary``; ``tests/fixtures/realworld/temporary.py``) returns
``result.account{apiToken, expiresAt}`` and ``result.claim{url, expiresAt}``; unclaimed accounts are deleted
after 60 minutes. Here:

- ``POST /api/v1/temporary/projects`` (no account; ``{"terms_of_service": "accepted"}``, optional ``name``;
  stated rate limit: RateLimit headers and ``limits`` in the answer) → 201 ``{project{id, name, created_at,
  expires_at, url}, credential{token, type, expires_at}, claim{url, expires_at}, limits{...}, on_claim,
  on_expiry}`` with absolute ISO 8601 expiry 60 minutes after ``app.clock()``.
- ``GET`` / ``DELETE /api/v1/temporary/projects/{id}``: bearer = that project's credential only (another
  temporary credential gets 404).
- ``GET /claim/{claim_token}``: the HTML page a human opens to keep the project (signing in happens there; no
  scanner can complete it).
- Expiry is lazy, by ``app.clock``: once past ``expires_at`` the project, its credential and its claim link
  are deleted on the next request (the project reads 404, its credential 401, its claim page 410).
- ``GET /docs/temporary``: what survives a claim, who may claim, what happens at expiry (also in llms.txt).

Flaws:

- ``temp-relative-expiry``: the answer states ``expires_in: 3600`` instead of absolute instants.
- ``temp-no-claim``: the answer has no claim link.
- ``temp-leaky``: any temporary credential reads any temporary project.
- ``temp-no-semantics``: no statement of claim or expiry semantics (docs page, llms.txt, answer; auth.md
  too).
- ``temp-hidden``: the route is served but documented nowhere (no OpenAPI operation, no llms.txt link).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from agent_ready.reference.app import ReferenceApp, Reply, Request, json_reply, text

LIFETIME = 3600
PER_HOUR = 20
BASE = "/api/v1/temporary/projects"

ON_CLAIM = (
    "When a human claims the project, the project, its data and its settings are kept and transferred to "
    "their account; the temporary credential stops working and the human issues new keys."
)
WHO = "Anyone holding the claim URL can open it, but only a signed-in human can claim the project."
ON_EXPIRY = (
    "Unclaimed projects are deleted 60 minutes after creation: the project, its data, its credential and "
    "its claim link are removed for good."
)

DOCS = f"""# Temporary projects

Agents without an account can create a temporary project: `POST {BASE}` with `{{"terms_of_service":
"accepted"}}`. The answer holds a bearer credential for that project only, an absolute `expires_at`, and a
`claim.url` to hand to a human. At most {PER_HOUR} projects per hour per client.

{ON_CLAIM}
{WHO}
{ON_EXPIRY}
"""


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _store(app: ReferenceApp) -> dict[str, dict[str, Any]]:
    return app.state.setdefault("temporary_projects", {})


def _purge(app: ReferenceApp) -> None:
    """Lazy deletion: whatever has expired by ``app.clock`` is gone."""
    now = app.clock()
    with app.lock:
        store = _store(app)
        for pid in [p for p, rec in store.items() if rec["expires"] <= now]:
            store.pop(pid)


def _recent(app: ReferenceApp) -> list[float]:
    now = app.clock()
    return [t for t in app.state.get("_temporary_created", []) if t > now - 3600]


def _rate_headers(app: ReferenceApp) -> list[tuple[str, str]]:
    used = len(_recent(app))
    return [
        ("RateLimit-Policy", f'"temporary";q={PER_HOUR};w=3600'),
        ("RateLimit", f'"temporary";r={max(PER_HOUR - used, 0)};t=3600'),
    ]


def _create(app: ReferenceApp, req: Request) -> Reply:
    _purge(app)
    body = req.json() if req.body else None
    if not isinstance(body, dict) or body.get("terms_of_service") != "accepted":
        return app.problem(
            400,
            "Terms not accepted",
            f'Send {{"terms_of_service": "accepted"}} to accept the terms at {app.base_url}/docs/temporary.',
            type_="terms-not-accepted",
            error="terms_not_accepted",
            headers=_rate_headers(app),
        )
    with app.lock:
        recent = _recent(app)
        app.state["_temporary_created"] = [*recent, app.clock()]
    if len(recent) >= PER_HOUR:
        return app.problem(
            429,
            "Too many temporary projects",
            f"At most {PER_HOUR} per hour; retry later.",
            type_="rate-limited",
            error="rate_limited",
            headers=[("Retry-After", "600"), *_rate_headers(app)],
        )
    now = app.clock()
    pid = app.next_id("tmp")
    record: dict[str, Any] = {
        "id": pid,
        "name": str(body.get("name") or pid),
        "created": now,
        "expires": now + LIFETIME,
        "token": "tt_" + secrets.token_urlsafe(24),
        "claim_token": "ct_" + secrets.token_urlsafe(18),
        "claimed": False,
    }
    with app.lock:
        _store(app)[pid] = record
    url = f"{app.base_url}{BASE}/{pid}"
    answer: dict[str, Any] = {
        "project": {
            "id": pid,
            "name": record["name"],
            "created_at": _iso(now),
            "expires_at": _iso(record["expires"]),
            "url": url,
        },
        "credential": {"token": record["token"], "type": "bearer", "expires_at": _iso(record["expires"])},
        "claim": {
            "url": f"{app.base_url}/claim/{record['claim_token']}",
            "expires_at": _iso(record["expires"]),
        },
        "limits": {"projects_per_hour": PER_HOUR, "lifetime_seconds": LIFETIME, "storage_mb": 100},
        "on_claim": ON_CLAIM + " " + WHO,
        "on_expiry": ON_EXPIRY,
    }
    if app.has("temp-relative-expiry"):
        answer["project"].pop("expires_at")
        answer["credential"].pop("expires_at")
        answer["claim"].pop("expires_at")
        answer["expires_in"] = LIFETIME
    if app.has("temp-no-claim"):
        answer.pop("claim")
    if app.has("temp-no-semantics"):
        answer.pop("on_claim")
        answer.pop("on_expiry")
    return json_reply(
        answer, 201, headers=[("Location", url), ("Cache-Control", "no-store"), *_rate_headers(app)]
    )


def _authorized(app: ReferenceApp, req: Request) -> dict[str, Any] | Reply:
    """The project record the bearer credential may read, else the 401/404 to answer instead."""
    _purge(app)
    token = req.bearer()
    with app.lock:
        owner = next((r for r in _store(app).values() if r["token"] == token), None) if token else None
    if owner is None:
        return app.problem(
            401,
            "Unauthorized",
            "Send the temporary project's credential as a bearer token. "
            f"It expired, or create a project first: POST {app.base_url}{BASE}.",
            type_="unauthorized",
            headers=[("WWW-Authenticate", 'Bearer error="invalid_token"' if token else "Bearer")],
        )
    with app.lock:
        target = _store(app).get(req.params["id"])
    if target is None or (target is not owner and not app.has("temp-leaky")):
        # Another project's id reads as absent, so temporary users cannot probe each other's ids.
        return app.problem(
            404,
            "Not Found",
            f"No temporary project {req.params['id']} for this credential.",
            type_="not-found",
        )
    return target


def _view(record: dict[str, Any], app: ReferenceApp) -> dict[str, Any]:
    return {
        "id": record["id"],
        "name": record["name"],
        "created_at": _iso(record["created"]),
        "expires_at": _iso(record["expires"]),
        "claimed": record["claimed"],
    }


def _read(app: ReferenceApp, req: Request) -> Reply:
    record = _authorized(app, req)
    return record if isinstance(record, Reply) else json_reply(_view(record, app))


def _delete(app: ReferenceApp, req: Request) -> Reply:
    record = _authorized(app, req)
    if isinstance(record, Reply):
        return record
    with app.lock:
        _store(app).pop(record["id"], None)
    return Reply(204)


def _claim_page(app: ReferenceApp, req: Request) -> Reply:
    _purge(app)
    with app.lock:
        record = next((r for r in _store(app).values() if r["claim_token"] == req.params["token"]), None)
    if record is None:
        return text(
            "<!doctype html><html><head><title>Claim link expired</title></head><body><h1>This claim link "
            "has expired</h1><p>Unclaimed temporary projects are deleted after 60 minutes.</p></body></html>",
            410,
            "text/html; charset=utf-8",
        )
    state = "This project has already been claimed." if record["claimed"] else "Sign in to keep it."
    return text(
        f"<!doctype html><html><head><title>Claim {record['name']}</title></head><body><h1>Claim the "
        f"temporary project {record['name']}</h1><p>An agent created it for you. {state} It is deleted at "
        f"{_iso(record['expires'])} unless claimed.</p></body></html>",
        200,
        "text/html; charset=utf-8",
    )


def _docs(app: ReferenceApp, req: Request) -> Reply:
    body = DOCS if not app.has("temp-no-semantics") else DOCS.split(f"{ON_CLAIM}")[0]
    return text(body, content_type="text/markdown; charset=utf-8")


def install(app: ReferenceApp) -> None:
    app.add("POST", BASE, _create)
    app.add("GET", BASE + "/{id}", _read)
    app.add("DELETE", BASE + "/{id}", _delete)
    app.add("GET", "/claim/{token}", _claim_page)
    app.add("GET", "/docs/temporary", _docs)
    if app.has("temp-hidden"):
        return
    note = "no account; a credential and a claim URL for a human"
    if not app.has("temp-no-semantics"):
        note += "; unclaimed projects are deleted after 60 minutes"
    app.llms_sections.setdefault("Agents without an account", []).append(
        ("Temporary projects", "/docs/temporary", note)
    )
    problem = {
        "description": "Problem details (RFC 9457)",
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    description = (
        "Creates a temporary project with no account, modelled on Cloudflare's temporary accounts. "
        f"Rate limit: {PER_HOUR} per hour (RateLimit headers)."
    )
    if not app.has("temp-no-semantics"):
        description += f" {ON_CLAIM} {WHO} {ON_EXPIRY}"
    app.openapi_paths[BASE] = {
        "post": {
            "operationId": "createTemporaryProject",
            "summary": "Create a temporary, claimable project (no account)",
            "description": description,
            "security": [],
            "tags": ["temporary"],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["terms_of_service"],
                            "properties": {
                                "terms_of_service": {
                                    "type": "string",
                                    "enum": ["accepted"],
                                    "description": "Accept the terms at /docs/temporary",
                                },
                                "name": {"type": "string"},
                            },
                        }
                    }
                },
            },
            "responses": {
                "201": {"description": "The project, its credential (shown once), expiry and claim URL"},
                "400": problem,
                "429": problem,
            },
        }
    }
    bearer: list[dict[str, list[str]]] = [{"temporaryToken": []}]
    params = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    app.openapi_paths[BASE + "/{id}"] = {
        "get": {
            "operationId": "getTemporaryProject",
            "summary": "Read a temporary project (its own credential)",
            "security": bearer,
            "parameters": params,
            "responses": {"200": {"description": "The project"}, "401": problem, "404": problem},
        },
        "delete": {
            "operationId": "deleteTemporaryProject",
            "summary": "Delete a temporary project before it expires",
            "security": bearer,
            "parameters": params,
            "responses": {"204": {"description": "Deleted"}, "401": problem, "404": problem},
        },
    }
    app.openapi_components.setdefault("securitySchemes", {})["temporaryToken"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "The credential.token of a temporary project.",
    }
