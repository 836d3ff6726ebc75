"""The reference service's authorization server and protected-resource metadata.

Everything an agent needs to go from a 401 to a token without a browser:

- RFC 9728 protected-resource metadata at ``/.well-known/oauth-protected-resource`` (resource ``{base}/``),
  ``.../api/v1`` (resource ``{base}/api/v1``) and ``.../mcp`` (resource ``{base}/mcp``);
- RFC 8414 metadata at ``/.well-known/oauth-authorization-server`` (issuer ``{base}``), merged with
  ``app.as_metadata_extensions`` (auth.md's ``agent_auth`` block lives there);
- RFC 7591 registration at ``/oauth/register`` and RFC 7592 management at ``/oauth/register/{client_id}``;
- ``/oauth/token``: client_credentials, RFC 7523 jwt-bearer (assertions are checked by the callables in
  ``app.state["jwt_bearer_verifiers"]``, ``(app, assertion) -> claims | None``, which auth.md registers),
  RFC 8628 device_code (always ``authorization_pending``: no human approves here); errors per RFC 6749 §5.2;
- ``/oauth/device`` (RFC 8628 §3.1-3.2, for a client registered for the device grant), ``/device`` (the page
  where a person would enter the user code), ``/oauth/revoke`` (RFC 7009), ``/oauth/jwks``,
  ``/oauth/authorize`` (the human consent page an authorization-code client would open).

Flaws (``build_app(flaws={...})``), each breaking one link of the chain:

- ``wrong-resource``: every protected-resource document names ``https://api.example.com/...`` as its resource.
- ``issuer-mismatch``: the AS metadata says ``issuer: https://auth.example.com``.
- ``no-s256``: ``code_challenge_methods_supported`` is ``["plain"]`` although there is an authorization
  endpoint.
- ``registration-500``: ``POST /oauth/register`` answers 500.
- ``token-html``: token-endpoint errors come back as an HTML page instead of RFC 6749 §5.2 JSON.
- ``metadata-imds``: the protected-resource documents list ``http://169.254.169.254/...`` as their first
  authorization server (the scanner must refuse to fetch it).
- ``stub-metadata``: the AS metadata advertises a token endpoint that does not exist (404).
- ``device-missing-user-code``: the device authorization response lacks ``user_code`` (REQUIRED, RFC 8628
  §3.2), so a person has nothing to enter.
- ``device-approves-instantly``: the token endpoint issues a token for a device code nobody approved.
- ``no-resource-metadata`` and ``401-as-200`` live in ``api.py`` / ``mcp.py`` (the 401s).
"""

from __future__ import annotations

import base64
import secrets
from typing import Any
from urllib.parse import unquote

from agent_ready.reference.app import (
    ReferenceApp,
    Reply,
    Request,
    issue_token,
    json_reply,
    revoke_token,
    text,
)

IMDS_ISSUER = "http://169.254.169.254/latest/meta-data/iam/security-credentials"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
SCOPES = ["projects:read", "projects:write", "mcp"]

# path suffix of the protected-resource document -> path of the resource identifier
RESOURCES = {"": "/", "/api/v1": "/api/v1", "/mcp": "/mcp"}


def resource_metadata_url(app: ReferenceApp, resource_path: str) -> str:
    suffix = "" if resource_path == "/" else resource_path
    return f"{app.base_url}/.well-known/oauth-protected-resource{suffix}"


def challenge(app: ReferenceApp, resource_path: str, scope: str, **params: str) -> str:
    """The WWW-Authenticate value of a 401 from one of the protected resources."""
    parts = (
        []
        if app.has("no-resource-metadata")
        else [f'resource_metadata="{resource_metadata_url(app, resource_path)}"']
    )
    parts.append(f'scope="{scope}"')
    parts.extend(f'{k}="{v}"' for k, v in params.items())
    return "Bearer " + ", ".join(parts)


def resource_id(app: ReferenceApp, path: str) -> str:
    """The resource identifier the service believes it has (the flaw misconfigures PRM and AS alike)."""
    origin = "https://api.example.com" if app.has("wrong-resource") else app.base_url
    return origin + path


# --- metadata ----------------------------------------------------------------------------------------


def _prm(app: ReferenceApp, req: Request) -> Reply:
    suffix = req.path[len("/.well-known/oauth-protected-resource") :].rstrip("/")
    if suffix not in RESOURCES:
        return app.problem(
            404,
            "Not Found",
            f"No protected resource is described at {req.path}. Known: "
            + ", ".join(resource_metadata_url(app, p) for p in RESOURCES.values()),
            type_="not-found",
        )
    path = RESOURCES[suffix]
    resource = resource_id(app, path)
    servers = [app.base_url]
    if app.has("metadata-imds"):
        servers = [IMDS_ISSUER, app.base_url]
    return json_reply(
        {
            "resource": resource,
            "authorization_servers": servers,
            "scopes_supported": SCOPES,
            "bearer_methods_supported": ["header"],
            "resource_name": "Acme Cloud API" if path != "/mcp" else "Acme Cloud MCP server",
            "resource_documentation": f"{app.base_url}/docs/",
        }
    )


def as_metadata(app: ReferenceApp) -> dict[str, Any]:
    base = app.base_url
    token_endpoint = f"{base}/oauth/token-stub" if app.has("stub-metadata") else f"{base}/oauth/token"
    registration = f"{base}/oauth/register"
    doc: dict[str, Any] = {
        "issuer": "https://auth.example.com" if app.has("issuer-mismatch") else base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": token_endpoint,
        "registration_endpoint": registration,
        "device_authorization_endpoint": f"{base}/oauth/device",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "jwks_uri": f"{base}/oauth/jwks",
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "client_credentials",
            JWT_BEARER,
            DEVICE_CODE,
        ],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["plain"] if app.has("no-s256") else ["S256"],
        "client_id_metadata_document_supported": True,
        "authorization_response_iss_parameter_supported": True,
        "service_documentation": f"{base}/docs/",
    }
    # An extension may be a callable: its value depends on base_url, known only once the server is bound.
    doc.update({k: v(app) if callable(v) else v for k, v in app.as_metadata_extensions.items()})
    return doc


def _as_metadata(app: ReferenceApp, req: Request) -> Reply:
    return json_reply(as_metadata(app))


def _jwks(app: ReferenceApp, req: Request) -> Reply:
    # Tokens are opaque; the key set is published (empty) so the metadata's jwks_uri dereferences.
    return json_reply({"keys": []})


def _authorize(app: ReferenceApp, req: Request) -> Reply:
    return text(
        "<!doctype html><html><head><title>Sign in to Acme Cloud</title></head><body><h1>Sign "
        "in</h1><p>This page is for people. Agents: use the client_credentials, jwt-bearer or device "
        f"grant at {app.base_url}/oauth/token (see {app.base_url}/auth.md).</p></body></html>",
        200,
        "text/html; charset=utf-8",
    )


# --- RFC 6749 §5.2 errors ------------------------------------------------------------------------------


def oauth_error(
    app: ReferenceApp,
    error: str,
    description: str,
    status: int = 400,
    headers: list[tuple[str, str]] | None = None,
) -> Reply:
    hdrs = [("Cache-Control", "no-store"), *(headers or [])]
    if app.has("token-html"):
        return text(
            "<!doctype html><html><head><title>Error</title></head><body><h1>Bad Request</h1><p>Something "
            "went wrong.</p></body></html>",
            status,
            "text/html; charset=utf-8",
            hdrs,
        )
    return json_reply(
        {
            "error": error,
            "error_description": description,
            "error_uri": f"{app.base_url}/docs/errors#oauth-{error.replace('_', '-')}",
        },
        status,
        headers=hdrs,
    )


# --- RFC 7591 / 7592 registration ----------------------------------------------------------------------


def _clients(app: ReferenceApp) -> dict[str, dict[str, Any]]:
    return app.state.setdefault("oauth_clients", {})


def _register(app: ReferenceApp, req: Request) -> Reply:
    if app.has("registration-500"):
        return app.problem(500, "Internal Server Error", "The registration backend is unavailable.")
    meta = req.json()
    if not isinstance(meta, dict):
        return json_reply(
            {
                "error": "invalid_client_metadata",
                "error_description": "The body must be a JSON object of client metadata (RFC 7591 §2).",
            },
            400,
        )
    grants = meta.get("grant_types") or ["authorization_code"]
    if not isinstance(grants, list) or not all(isinstance(g, str) for g in grants):
        return json_reply(
            {"error": "invalid_client_metadata", "error_description": "grant_types must be a list"}, 400
        )
    supported = {"authorization_code", "refresh_token", "client_credentials", JWT_BEARER, DEVICE_CODE}
    unknown = [g for g in grants if g not in supported]
    if unknown:
        return json_reply(
            {
                "error": "invalid_client_metadata",
                "error_description": f"unsupported grant_types: {', '.join(unknown)}",
            },
            400,
        )
    redirect_uris = meta.get("redirect_uris") or []
    if "authorization_code" in grants and not redirect_uris:
        return json_reply(
            {
                "error": "invalid_redirect_uri",
                "error_description": "authorization_code clients need redirect_uris",
            },
            400,
        )
    method = meta.get("token_endpoint_auth_method") or "client_secret_basic"
    if method not in ("client_secret_basic", "client_secret_post", "none"):
        return json_reply(
            {
                "error": "invalid_client_metadata",
                "error_description": f"token_endpoint_auth_method {method!r} is not supported",
            },
            400,
        )
    if method == "none" and "client_credentials" in grants:
        return json_reply(
            {
                "error": "invalid_client_metadata",
                "error_description": "client_credentials needs a confidential client",
            },
            400,
        )
    client_id = "cl_" + secrets.token_hex(8)
    record: dict[str, Any] = {
        "client_id": client_id,
        "client_id_issued_at": int(app.clock()),
        "client_name": str(meta.get("client_name") or client_id),
        "redirect_uris": redirect_uris,
        "grant_types": grants,
        "token_endpoint_auth_method": method,
        "application_type": meta.get("application_type", "web"),
        "scope": meta.get("scope") or " ".join(SCOPES[:1] + SCOPES[2:]),
    }
    if method != "none":
        record["client_secret"] = "cs_" + secrets.token_urlsafe(24)
        record["client_secret_expires_at"] = int(app.clock()) + 86400
    record["registration_access_token"] = "rat_" + secrets.token_urlsafe(24)
    record["registration_client_uri"] = f"{app.base_url}/oauth/register/{client_id}"
    with app.lock:
        _clients(app)[client_id] = record
    return json_reply(record, 201, headers=[("Cache-Control", "no-store")])


def _registered(app: ReferenceApp, req: Request) -> dict[str, Any] | Reply:
    """The client record the request may manage, or the 401 to answer instead."""
    client_id = unquote(req.params["client_id"])
    record = _clients(app).get(client_id)
    if record is None or req.bearer() != record["registration_access_token"]:
        # RFC 7592 §2: unknown client or wrong token both read as 401, so client ids cannot be probed.
        return Reply(401, b"", [("WWW-Authenticate", 'Bearer error="invalid_token"')])
    return record


def _read_client(app: ReferenceApp, req: Request) -> Reply:
    record = _registered(app, req)
    if isinstance(record, Reply):
        return record
    return json_reply(record, headers=[("Cache-Control", "no-store")])


def _delete_client(app: ReferenceApp, req: Request) -> Reply:
    record = _registered(app, req)
    if isinstance(record, Reply):
        return record
    with app.lock:
        _clients(app).pop(record["client_id"], None)
        # RFC 7592 §2.3: tokens issued to a deleted client are invalidated too.
        tokens = app.state.get("tokens", {})
        for tok in [t for t, info in tokens.items() if info.get("client_id") == record["client_id"]]:
            tokens.pop(tok, None)
    return Reply(204)


# --- token endpoint ------------------------------------------------------------------------------------


def _client_auth(
    app: ReferenceApp, req: Request, form: dict[str, str]
) -> tuple[dict[str, Any] | None, bool, Reply | None]:
    """(client, used_basic, error). A request with no client credentials at all gives (None, False, None)."""
    auth = req.header("authorization")
    client_id = secret = None
    used_basic = auth[:6].lower() == "basic "
    if used_basic:
        try:
            raw = base64.b64decode(auth[6:].strip()).decode("utf-8")
            client_id, _, secret = raw.partition(":")
            client_id, secret = unquote(client_id), unquote(secret)
        except (ValueError, UnicodeDecodeError):
            return (
                None,
                True,
                oauth_error(
                    app,
                    "invalid_client",
                    "malformed Basic credentials",
                    401,
                    [("WWW-Authenticate", 'Basic realm="oauth"')],
                ),
            )
    elif form.get("client_id"):
        client_id, secret = form.get("client_id"), form.get("client_secret")
    if client_id is None:
        return None, False, None
    client = _clients(app).get(client_id)
    if client is None or (client.get("client_secret") and client["client_secret"] != secret):
        hdrs = [("WWW-Authenticate", 'Basic realm="oauth"')] if used_basic else []
        return (
            None,
            used_basic,
            oauth_error(
                app,
                "invalid_client",
                f"Unknown client or wrong secret. Register one with POST {app.base_url}/oauth/register "
                "(RFC 7591).",
                401,
                hdrs,
            ),
        )
    return client, used_basic, None


def _scopes(
    app: ReferenceApp, form: dict[str, str], allowed: list[str]
) -> tuple[list[str] | None, Reply | None]:
    asked = form.get("scope", "").split()
    if not asked:
        return allowed, None
    bad = [s for s in asked if s not in allowed]
    if bad:
        return None, oauth_error(
            app, "invalid_scope", f"not allowed: {' '.join(bad)}; allowed: {' '.join(allowed)}"
        )
    return asked, None


def _token_reply(token: str, scopes: list[str], ttl: int) -> Reply:
    return json_reply(
        {"access_token": token, "token_type": "Bearer", "expires_in": ttl, "scope": " ".join(scopes)},
        headers=[("Cache-Control", "no-store"), ("Pragma", "no-cache")],
    )


def _token(app: ReferenceApp, req: Request) -> Reply:
    if "application/x-www-form-urlencoded" not in req.header("content-type"):
        return oauth_error(app, "invalid_request", "send application/x-www-form-urlencoded (RFC 6749 §3.2)")
    form = req.form()
    grant = form.get("grant_type", "")
    resource = form.get("resource")
    known = {resource_id(app, p) for p in RESOURCES.values()}
    if resource and resource.rstrip("/") not in {k.rstrip("/") for k in known}:
        return oauth_error(
            app, "invalid_target", f"unknown resource {resource}; known: {', '.join(sorted(known))}"
        )
    client, _, error = _client_auth(app, req, form)
    if error is not None:
        return error
    if grant == "client_credentials":
        if client is None:
            return oauth_error(app, "invalid_client", "client_credentials needs client authentication", 401)
        if "client_credentials" not in client["grant_types"]:
            return oauth_error(
                app, "unauthorized_client", "this client was not registered for client_credentials"
            )
        scopes, error = _scopes(app, form, SCOPES)
        if error is not None:
            return error
        token = issue_token(
            app,
            f"client:{client['client_id']}",
            scopes or [],
            3600,
            client_id=client["client_id"],
            resource=resource,
        )
        return _token_reply(token, scopes or [], 3600)
    if grant == JWT_BEARER:
        assertion = form.get("assertion", "")
        if not assertion:
            return oauth_error(app, "invalid_request", "jwt-bearer needs an assertion (RFC 7523 §2.1)")
        claims = None
        for verify in app.state.get("jwt_bearer_verifiers", []):
            claims = verify(app, assertion)
            if claims:
                break
        if not claims:
            return oauth_error(
                app, "invalid_grant", "the assertion is not valid here (expired, unknown or forged)"
            )
        scopes = list(claims.get("scopes") or claims.get("scope", "projects:read").split())
        ttl = int(claims.get("ttl", 3600))
        token = issue_token(
            app,
            str(claims.get("sub", "anonymous")),
            scopes,
            ttl,
            client_id=client["client_id"] if client else None,
            resource=resource,
        )
        return _token_reply(token, scopes, ttl)
    if grant == DEVICE_CODE:
        return _device_token(app, form, client, resource)
    if grant in ("authorization_code", "refresh_token"):
        return oauth_error(app, "invalid_grant", f"the {grant.replace('_', ' ')} is invalid or expired")
    return oauth_error(
        app,
        "unsupported_grant_type",
        f"grant_type {grant or '(missing)'} is not supported; use client_credentials, {JWT_BEARER} or "
        f"{DEVICE_CODE}",
    )


def _device_token(
    app: ReferenceApp, form: dict[str, str], client: dict[str, Any] | None, resource: str | None
) -> Reply:
    """RFC 8628 §3.4-3.5: the poll of a device code; nobody approves here, so it stays pending."""
    if client is None:
        # §3.4: a public client identifies itself with client_id.
        return oauth_error(app, "invalid_request", "the device_code grant needs client_id (RFC 8628 §3.4)")
    device = app.state.get("device_codes", {}).get(form.get("device_code", ""))
    if device is None or device["client_id"] != client["client_id"]:
        return oauth_error(app, "invalid_grant", "unknown device_code for this client")
    if device["exp"] <= app.clock():
        return oauth_error(app, "expired_token", "the device code expired; start again at /oauth/device")
    if app.has("device-approves-instantly"):
        token = issue_token(
            app,
            f"device:{client['client_id']}",
            SCOPES[:1],
            3600,
            client_id=client["client_id"],
            resource=resource,
        )
        return _token_reply(token, SCOPES[:1], 3600)
    return oauth_error(app, "authorization_pending", "the user has not approved this device yet")


def _device(app: ReferenceApp, req: Request) -> Reply:
    form = req.form()
    client = _clients(app).get(form.get("client_id", ""))
    if client is None:
        return oauth_error(app, "invalid_client", "register a client first (POST /oauth/register)", 401)
    if DEVICE_CODE not in client["grant_types"]:
        return oauth_error(
            app, "unauthorized_client", f"this client was not registered for the {DEVICE_CODE} grant"
        )
    device_code = "dc_" + secrets.token_urlsafe(24)
    user_code = secrets.token_hex(2).upper() + "-" + secrets.token_hex(2).upper()
    with app.lock:
        app.state.setdefault("device_codes", {})[device_code] = {
            "client_id": client["client_id"],
            "user_code": user_code,
            "exp": app.clock() + 600,
        }
    body: dict[str, Any] = {
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": f"{app.base_url}/device",
        "verification_uri_complete": f"{app.base_url}/device?user_code={user_code}",
        "expires_in": 600,
        "interval": 5,
    }
    if app.has("device-missing-user-code"):
        del body["user_code"], body["verification_uri_complete"]
    return json_reply(body, headers=[("Cache-Control", "no-store")])


def _device_page(app: ReferenceApp, req: Request) -> Reply:
    return text(
        "<!doctype html><html><head><title>Connect a device to Acme Cloud</title></head><body><h1>Enter "
        'the code shown on your device</h1><form method="post"><input name="user_code"></form>'
        "</body></html>",
        200,
        "text/html; charset=utf-8",
    )


def _revoke(app: ReferenceApp, req: Request) -> Reply:
    # RFC 7009 §2.2: 200 whether or not the token was known.
    revoke_token(app, req.form().get("token", ""))
    return Reply(200, b"", [("Cache-Control", "no-store")])


def install(app: ReferenceApp) -> None:
    app.add("GET", "/.well-known/oauth-protected-resource", _prm)
    app.add("GET", "/.well-known/oauth-protected-resource/api/v1", _prm)
    app.add("GET", "/.well-known/oauth-protected-resource/mcp", _prm)
    app.add("GET", "/.well-known/oauth-authorization-server", _as_metadata)
    app.add("GET", "/oauth/jwks", _jwks)
    app.add("GET", "/oauth/authorize", _authorize)
    app.add("POST", "/oauth/register", _register)
    app.add("GET", "/oauth/register/{client_id}", _read_client)
    app.add("DELETE", "/oauth/register/{client_id}", _delete_client)
    app.add("POST", "/oauth/token", _token)
    app.add("POST", "/oauth/device", _device)
    app.add("GET", "/device", _device_page)
    app.add("POST", "/oauth/revoke", _revoke)
    app.state.setdefault("jwt_bearer_verifiers", [])
