"""auth.md for the reference service: the recipe, the ``agent_auth`` block, anonymous registration, claim.

Modelled on the current (v1) dialect as WorkOS AuthKit and Neon publish it
(``tests/fixtures/realworld/authmd.py``):

- ``GET /auth.md`` (text/markdown): H1 naming auth.md; Discover, Register, Exchange, Use, Claim, Scopes,
  Errors, Revocation sections naming real endpoints.
- ``agent_auth`` in the authorization-server metadata (through ``app.as_metadata_extensions``, which the
  oauth module merges): ``skill``, ``identity_endpoint``, ``claim_endpoint``, ``events_endpoint``,
  ``identity_types_supported: ["anonymous", "service_auth"]``.
- ``POST /agent/identity`` ``{"type":"anonymous"}`` → ``identity_assertion`` (opaque, 60 minutes),
  ``claim{token, url, expires_at}``, ``scopes{pre_claim, post_claim}``. The assertion is exchanged at the
  oauth module's ``/oauth/token`` (RFC 7523 jwt-bearer) through the verifier this module appends to
  ``app.state["jwt_bearer_verifiers"]``. ``{"type":"service_auth","login_hint":...}`` returns a user code a
  human must enter (the scanner never runs it). Any other type: 400 problem+json with ``error:
  unsupported_identity_type``.
- ``POST /agent/claim`` ``{claim_token, email}`` e-mails a one-time code to a human; ``POST
  /agent/claim/complete`` ``{claim_token, otp}`` needs that code, so no scanner can complete a claim. ``GET
  /agent/claim/{token}`` is the human's page. ``POST /agent/events`` takes provider security events (RFC 8417
  SETs).

Flaws:

- ``authmd-html``: ``/auth.md`` answers the site's HTML page (a soft-404).
- ``authmd-no-h1``: the file has no H1.
- ``authmd-h1-name``: the H1 does not name auth.md.
- ``authmd-dead-endpoints``: the Use step names ``GET /api/v1/whoami`` and ``GET /api/v1/me``, which answer
  404.
- ``authmd-metadata-disagree``: agent_auth's identity_endpoint is ``/agent/identities`` (an alias that works)
  while the file registers at ``/agent/identity``.
- ``authmd-no-agent-auth``: no agent_auth block in the metadata.
- ``authmd-token-reject``: no jwt-bearer verifier is registered, so the token endpoint rejects every
  assertion.
- ``temp-no-semantics`` (shared with ``temporary``): the file says nothing about what survives a claim or
  expiry.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from agent_ready.reference.app import ReferenceApp, Reply, Request, json_reply, text

ASSERTION_TTL = 3600
CLAIM_TTL = 3600
PRE_CLAIM_SCOPES = ["projects:read"]
POST_CLAIM_SCOPES = ["projects:read", "projects:write"]
IDENTITY_TYPES = ["anonymous", "service_auth"]

SEMANTICS = """After a claim, the registration and everything it created are kept: its projects and the
temporary projects made with its token transfer to the human's account, and tokens minted from the identity
assertion keep working with the post-claim scopes. Only a human can complete a claim: anyone holding the
claim URL can start it, but finishing it needs the one-time code e-mailed to that human. Unclaimed
registrations expire after 60 minutes: the identity assertion stops working and the registration and
everything it created are deleted.
"""

AUTH_MD = """{h1}
You are an agent. Acme Cloud lets you **sign yourself up** with no account: discover → register → exchange →
use → (hand over to a human later) → handle errors and revocation.

## Step 1 — Discover

A 401 from the API carries `WWW-Authenticate: Bearer resource_metadata="…"`. Fetch it, then the authorization
server metadata; its `agent_auth` block is written for you.

```http
GET {base}/.well-known/oauth-protected-resource/api/v1
GET {base}/.well-known/oauth-authorization-server
```

```json
{{
  "issuer": "{base}",
  "token_endpoint": "{base}/oauth/token",
  "grant_types_supported": ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
  "agent_auth": {{
    "skill": "{base}/auth.md",
    "identity_endpoint": "{base}/agent/identity",
    "claim_endpoint": "{base}/agent/claim",
    "events_endpoint": "{base}/agent/events",
    "identity_types_supported": ["anonymous", "service_auth"]
  }}
}}
```

## Step 2 — Register anonymously

```http
POST /agent/identity
Content-Type: application/json

{{"type": "anonymous"}}
```

Response (201):

```json
{{
  "registration_id": "reg_…",
  "identity_assertion": "<opaque, 60 minutes>",
  "assertion_expires": "2026-11-26T23:00:00Z",
  "claim": {{"token": "clm_…", "url": "{base}/agent/claim/clm_…", "expires_at": "2026-11-26T23:00:00Z"}},
  "scopes": {{"pre_claim": ["projects:read"], "post_claim": ["projects:read", "projects:write"]}}
}}
```

`service_auth` (with `login_hint`) returns a `user_code` a human must enter; use it only when a human is
present.

## Step 3 — Exchange the assertion

```http
POST /oauth/token
Content-Type: application/x-www-form-urlencoded

grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<identity_assertion>
```

The answer is an `access_token` (`expires_in` seconds). Re-exchange the assertion when it expires.

## Step 4 — Use the credential

```http
{use_line}
Authorization: Bearer <access_token>
```

No account at all and you need something to deploy into? `POST /api/v1/temporary/projects` creates a
temporary project with its own credential and claim URL (see [temporary projects]({base}/docs/temporary)).

## Step 5 — Claim

When the human wants to keep what you built, start the claim with the `claim_token`:

```http
POST /agent/claim
Content-Type: application/json

{{"claim_token": "clm_…", "email": "human@example.com"}}
```

The human receives a one-time code by e-mail and reads it back to you; send it to `POST
/agent/claim/complete` with `{{"claim_token": "clm_…", "otp": "123456"}}`. You cannot complete a claim
without the human.

{semantics}
## Scopes

- `projects:read`: before and after a claim.
- `projects:write`: after a claim only.

## Errors

Errors are `application/problem+json` with a stable `error` code:

| Code | Where | What to do |
| --- | --- | --- |
| `unsupported_identity_type` | `/agent/identity` | Send `"type": "anonymous"`. |
| `rate_limited` (429) | any | Wait for `Retry-After` seconds. |
| `invalid_grant` | `/oauth/token` | The assertion expired; register again. |
| `invalid_claim_token` | `/agent/claim` | The claim token is wrong or expired; register again. |
| `otp_invalid` | `/agent/claim/complete` | Ask the human to re-read the code. |

## Revocation

Revoke an access token with `POST /oauth/revoke` (`token=<access_token>`, RFC 7009). Identity providers send
security events to `POST /agent/events`; a revoked registration makes `/oauth/token` answer `invalid_grant`.
"""


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def auth_md_text(app: ReferenceApp) -> str:
    h1 = "# auth.md — Acme Cloud\n"
    if app.has("authmd-no-h1"):
        h1 = ""
    elif app.has("authmd-h1-name"):
        h1 = "# Acme Cloud for agents\n"
    use = "GET /api/v1/whoami\nGET /api/v1/me" if app.has("authmd-dead-endpoints") else "GET /api/v1/projects"
    semantics = "" if app.has("temp-no-semantics") else SEMANTICS
    return AUTH_MD.format(h1=h1, base=app.base_url, use_line=use, semantics=semantics)


def _auth_md(app: ReferenceApp, req: Request) -> Reply:
    if app.has("authmd-html"):
        return text(
            '<!doctype html><html><head><title>Acme Cloud</title></head><body><div id="root"></div>'
            "</body></html>",
            200,
            "text/html; charset=utf-8",
        )
    return text(auth_md_text(app), content_type="text/markdown; charset=utf-8")


def agent_auth_block(app: ReferenceApp) -> dict[str, Any]:
    base = app.base_url
    identity = f"{base}/agent/identities" if app.has("authmd-metadata-disagree") else f"{base}/agent/identity"
    return {
        "skill": f"{base}/auth.md",
        "identity_endpoint": identity,
        "claim_endpoint": f"{base}/agent/claim",
        "events_endpoint": f"{base}/agent/events",
        "identity_types_supported": IDENTITY_TYPES,
        "identity_assertion": {"assertion_types_supported": ["urn:ietf:params:oauth:token-type:id-jag"]},
    }


def _registrations(app: ReferenceApp) -> dict[str, dict[str, Any]]:
    return app.state.setdefault("agent_registrations", {})


def _identity(app: ReferenceApp, req: Request) -> Reply:
    body = req.json()
    kind = body.get("type") if isinstance(body, dict) else None
    if kind == "service_auth":
        return json_reply(
            {
                "user_code": secrets.token_hex(3).upper(),
                "verification_uri": f"{app.base_url}/device",
                "expires_in": 600,
                "interval": 5,
                "message": "A human must enter this code at verification_uri.",
            }
        )
    if kind != "anonymous":
        return app.problem(
            400,
            "Unsupported identity type",
            f"`type` must be one of {', '.join(IDENTITY_TYPES)}; got {kind!r}. See "
            f"{app.base_url}/auth.md#step-2--register-anonymously.",
            type_="unsupported-identity-type",
            error="unsupported_identity_type",
        )
    now = app.clock()
    reg_id = app.next_id("reg")
    assertion = "ia_" + secrets.token_urlsafe(24)
    claim_token = "clm_" + secrets.token_urlsafe(18)
    record: dict[str, Any] = {
        "id": reg_id,
        "assertion": assertion,
        "assertion_exp": now + ASSERTION_TTL,
        "claim_token": claim_token,
        "claim_exp": now + CLAIM_TTL,
        "claimed": False,
        "created": now,
    }
    with app.lock:
        _registrations(app)[reg_id] = record
    return json_reply(
        {
            "registration_id": reg_id,
            "registration_type": "anonymous",
            "created_at": _iso(now),
            "identity_assertion": assertion,
            "assertion_expires": _iso(record["assertion_exp"]),
            "claim": {
                "token": claim_token,
                "url": f"{app.base_url}/agent/claim/{claim_token}",
                "expires_at": _iso(record["claim_exp"]),
            },
            "scopes": {"pre_claim": PRE_CLAIM_SCOPES, "post_claim": POST_CLAIM_SCOPES},
        },
        201,
        headers=[("Cache-Control", "no-store")],
    )


def verify_assertion(app: ReferenceApp, assertion: str) -> dict[str, Any] | None:
    """The jwt-bearer verifier the oauth module's token endpoint consults."""
    now = app.clock()
    with app.lock:
        record = next((r for r in _registrations(app).values() if r["assertion"] == assertion), None)
    if record is None or record["assertion_exp"] <= now:
        return None
    scopes = POST_CLAIM_SCOPES if record["claimed"] else PRE_CLAIM_SCOPES
    return {
        "sub": f"agent:{record['id']}",
        "scopes": list(scopes),
        "ttl": int(min(3600, record["assertion_exp"] - now)),
    }


def _by_claim_token(app: ReferenceApp, token: str) -> dict[str, Any] | None:
    with app.lock:
        record = next((r for r in _registrations(app).values() if r["claim_token"] == token), None)
    if record is None or record["claim_exp"] <= app.clock():
        return None
    return record


def _invalid_claim_token(app: ReferenceApp) -> Reply:
    return app.problem(
        400,
        "Invalid claim token",
        "The claim token is wrong or expired; register again.",
        type_="invalid-claim-token",
        error="invalid_claim_token",
    )


def _claim(app: ReferenceApp, req: Request) -> Reply:
    body = req.json() if isinstance(req.json(), dict) else {}
    record = _by_claim_token(app, str(body.get("claim_token", "")))
    if record is None:
        return _invalid_claim_token(app)
    if not isinstance(body.get("email"), str) or "@" not in body["email"]:
        return app.problem(
            400,
            "E-mail needed",
            "Send the human's `email`; they receive a one-time code.",
            type_="invalid-request",
            error="invalid_request",
        )
    with app.lock:
        record["otp"] = f"{secrets.randbelow(10**6):06d}"  # "e-mailed" to the human; never returned
    return json_reply(
        {
            "registration_id": record["id"],
            "status": "code_sent",
            "message": "A one-time code was e-mailed to the human. Ask them to read it back, then POST it "
            "to /agent/claim/complete.",
        },
        202,
    )


def _claim_complete(app: ReferenceApp, req: Request) -> Reply:
    body = req.json() if isinstance(req.json(), dict) else {}
    record = _by_claim_token(app, str(body.get("claim_token", "")))
    if record is None:
        return _invalid_claim_token(app)
    if not record.get("otp") or body.get("otp") != record["otp"]:
        return app.problem(
            400,
            "Wrong code",
            "The one-time code does not match; ask the human to re-read it.",
            type_="otp-invalid",
            error="otp_invalid",
        )
    with app.lock:
        record["claimed"] = True
    return json_reply({"registration_id": record["id"], "status": "claimed"})


def _claim_page(app: ReferenceApp, req: Request) -> Reply:
    record = _by_claim_token(app, req.params["token"])
    if record is None:
        return text(
            "<!doctype html><html><body><h1>This claim link has expired</h1></body></html>",
            410,
            "text/html; charset=utf-8",
        )
    state = "already claimed" if record["claimed"] else "waiting for you"
    return text(
        f"<!doctype html><html><head><title>Claim an agent registration</title></head><body>"
        f"<h1>An agent registered on Acme Cloud for you</h1><p>Status: {state}. Sign in and enter the code "
        f"we e-mail you to keep what it built (until {_iso(record['claim_exp'])}).</p></body></html>",
        200,
        "text/html; charset=utf-8",
    )


def _events(app: ReferenceApp, req: Request) -> Reply:
    if "application/secevent+jwt" not in req.header("content-type"):
        return app.problem(
            400,
            "Security event expected",
            "POST an RFC 8417 SET as application/secevent+jwt.",
            type_="invalid-request",
            error="invalid_request",
        )
    return Reply(202)


def install(app: ReferenceApp) -> None:
    app.add("GET", "/auth.md", _auth_md)
    app.add("POST", "/agent/identity", _identity)
    if app.has("authmd-metadata-disagree"):
        app.add("POST", "/agent/identities", _identity)
    app.add("POST", "/agent/claim", _claim)
    app.add("POST", "/agent/claim/complete", _claim_complete)
    app.add("GET", "/agent/claim/{token}", _claim_page)
    app.add("POST", "/agent/events", _events)
    if not app.has("authmd-no-agent-auth"):
        # Built at request time (a callable): base_url is only known once the server is bound.
        app.as_metadata_extensions["agent_auth"] = agent_auth_block
    if not app.has("authmd-token-reject"):
        app.state.setdefault("jwt_bearer_verifiers", []).append(verify_assertion)
    app.llms_sections.setdefault("Agents without an account", []).append(
        ("auth.md: agent sign-up recipe", "/auth.md", "register anonymously, a human claims later")
    )
    app.openapi_paths["/agent/identity"] = {
        "post": {
            "operationId": "registerAgentIdentity",
            "summary": "auth.md: register an agent identity (anonymous)",
            "description": "Anonymous registration returns an identity assertion to exchange at "
            "/oauth/token with the jwt-bearer grant, and a claim link for a human. See /auth.md.",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["type"],
                            "properties": {
                                "type": {"type": "string", "enum": IDENTITY_TYPES},
                                "login_hint": {"type": "string"},
                            },
                        }
                    }
                },
            },
            "responses": {"201": {"description": "Registered"}, "400": {"description": "Problem details"}},
        }
    }
