"""A service modelled on claimable databases (Neon's auth.md v1 pattern), scanned with --active (issue 9).

An agent registers anonymously as auth.md says, exchanges the identity assertion (jwt-bearer) for a token at
a token endpoint that needs no client, and creates a temporary, claimable database WITH that token. The scan
must follow that whole path: temporary.lifecycle uses the journey's credential (and says which),
signup.client-registration judges that no client_id is needed, and auth-md.file does not ask the issuer
identifier to answer.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agent_ready.engine import ScanReport
from agent_ready.models import Status

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class Claimable:
    """The service: identity -> assertion -> token -> POST /api/v1/databases (token required)."""

    def __init__(self, origin: str):
        self.origin = origin
        self.assertions: set[str] = set()
        self.tokens: set[str] = set()
        self.databases: dict[str, str] = {}  # id -> owner token
        self.created_with: list[str | None] = []

    def json(self, data: object, status: int = 200, **headers: str) -> Response:
        return Response(json.dumps(data), status, content_type="application/json", headers=headers)

    def unauthorized(self) -> Response:
        meta = f"{self.origin}/.well-known/oauth-protected-resource"
        return Response(
            json.dumps({"error": "unauthorized", "message": "Register anonymously: see /auth.md"}),
            401,
            content_type="application/json",
            headers={"WWW-Authenticate": f'Bearer resource_metadata="{meta}"'},
        )

    def bearer(self, req: Request) -> str | None:
        value = req.headers.get("Authorization", "")
        token = value.removeprefix("Bearer ").strip()
        return token if token in self.tokens else None

    def auth_md(self) -> str:
        o = self.origin
        return (
            "# auth.md for Claimable DB\n\n"
            "Create a Postgres database with no account; a human claims it later.\n\n"
            f"Issuer: `{o}/claimable`\n\n"
            "## Discover\n\n"
            f"Read `{o}/.well-known/oauth-protected-resource`, then the authorization-server metadata.\n\n"
            "## Register\n\n"
            f'`POST {o}/agent/identity` with `{{"type": "anonymous"}}` returns an `identity_assertion`. '
            f"Exchange it at `POST {o}/oauth/token` with `grant_type={JWT_BEARER}`.\n\n"
            "## Use\n\n"
            f"`POST {o}/api/v1/databases` with `Authorization: Bearer <token>` creates a temporary "
            "database.\n\n"
            "## Claim\n\nOpen the `claim_url` within 72 hours; unclaimed databases are deleted at expiry.\n\n"
            "## Errors\n\nErrors are JSON with `error` and `message`.\n\n"
            "## Revocation\n\nDatabases expire on their own.\n"
        )

    def openapi(self) -> dict[str, object]:
        return {
            "openapi": "3.1.0",
            "info": {"title": "Claimable DB", "version": "1"},
            "servers": [{"url": self.origin}],
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
            "paths": {
                "/api/v1/databases": {
                    "post": {
                        "operationId": "createClaimableDatabase",
                        "summary": "Create a temporary, claimable database",
                        "responses": {"201": {"description": "created"}},
                    }
                },
                "/api/v1/databases/{id}": {
                    "get": {"operationId": "getDatabase", "summary": "Read a database", "responses": {}},
                },
                "/api/v1/me": {"get": {"operationId": "me", "summary": "Who am I", "responses": {}}},
            },
        }

    def handle(self, req: Request) -> Response:
        o, path = self.origin, req.path
        if path == "/auth.md":
            return Response(self.auth_md(), 200, content_type="text/markdown")
        if path == "/openapi.json":
            return self.json(self.openapi())
        if path == "/.well-known/oauth-protected-resource":
            return self.json(
                {
                    "resource": o,
                    "authorization_servers": [f"{o}/claimable"],
                    "scopes_supported": ["databases"],
                    "bearer_methods_supported": ["header"],
                }
            )
        if path == "/.well-known/oauth-authorization-server/claimable":
            return self.json(
                {
                    "issuer": f"{o}/claimable",
                    "token_endpoint": f"{o}/oauth/token",
                    "grant_types_supported": [JWT_BEARER],
                    "token_endpoint_auth_methods_supported": ["none"],
                    "response_types_supported": [],
                    "agent_auth": {
                        "skill": f"{o}/auth.md",
                        "identity_endpoint": f"{o}/agent/identity",
                        "claim_endpoint": f"{o}/agent/claim",
                        "identity_types_supported": ["anonymous"],
                    },
                }
            )
        if path == "/agent/identity" and req.method == "POST":
            body = req.get_json(silent=True) or {}
            if body.get("type") != "anonymous":
                return self.json({"error": "unsupported_identity_type", "message": "use anonymous"}, 400)
            assertion = secrets.token_urlsafe(16)
            self.assertions.add(assertion)
            expires = (datetime.now(UTC) + timedelta(hours=72)).isoformat()
            return self.json(
                {
                    "identity_assertion": assertion,
                    "identity": {"expires_at": expires},
                    "claim": {
                        "token": secrets.token_urlsafe(8),
                        "expires_at": expires,
                        "url": f"{o}/claim/x",
                    },
                },
                201,
            )
        if path == "/oauth/token" and req.method == "POST":
            if req.form.get("grant_type") != JWT_BEARER or req.form.get("assertion") not in self.assertions:
                return self.json({"error": "invalid_grant", "error_description": "bad assertion"}, 400)
            token = secrets.token_urlsafe(16)
            self.tokens.add(token)
            return self.json({"access_token": token, "token_type": "Bearer", "expires_in": 3600})
        if path == "/api/v1/me":
            return self.json({"anonymous": True}) if self.bearer(req) else self.unauthorized()
        if path == "/api/v1/databases" and req.method == "POST":
            token = self.bearer(req)
            self.created_with.append(token)
            if token is None:
                return self.unauthorized()
            db = secrets.token_hex(4)
            self.databases[db] = token
            expires = (datetime.now(UTC) + timedelta(hours=72)).isoformat(timespec="seconds")
            return self.json(
                {
                    "database": {"id": db},
                    "url": f"/api/v1/databases/{db}",
                    "connection_string": f"postgres://u:p@db.example/{db}",
                    "expires_at": expires,
                    "claim_url": f"https://claim.example/{db}",
                    "claim": {"expires_at": expires},
                },
                201,
            )
        m = re.fullmatch(r"/api/v1/databases/(\w+)", path)
        if m:
            token = self.bearer(req)
            if token is None:
                return self.unauthorized()
            if self.databases.get(m.group(1)) != token:
                return self.json({"error": "not_found", "message": "no such database"}, 404)
            return self.json({"id": m.group(1), "status": "ready"})
        if path in ("/agent/identity", "/oauth/token", "/api/v1/databases"):
            return self.json({"error": "method_not_allowed", "message": "use POST"}, 405, Allow="POST")
        return self.json({"error": "not_found", "message": f"no route {path}"}, 404)


@pytest.fixture
def claimable(httpserver: HTTPServer) -> Claimable:
    service = Claimable(httpserver.url_for("/").rstrip("/"))
    httpserver.expect_request(re.compile(".*")).respond_with_handler(service.handle)
    return service


def test_lifecycle_creates_with_the_credential_the_journey_obtained(
    claimable: Claimable, run_scan: Callable[..., ScanReport]
) -> None:
    report = run_scan(claimable.origin + "/", active=True)
    reg = report.result("auth-md.registration")
    assert reg.status in (Status.PASS, Status.WARN), reg.summary
    life = report.result("temporary.lifecycle")
    assert life.status in (Status.PASS, Status.WARN), (life.summary, [f.message for f in life.findings])
    assert "answered 401" not in life.summary
    assert life.details["credential_source"] == "auth.md anonymous registration"
    assert any("auth.md anonymous registration" in f.message for f in life.findings)
    # both databases were created with the journey's token (a None is errors.machine-readable's bad POST)
    assert len([t for t in claimable.created_with if t in claimable.tokens]) == 2
    assert len(claimable.databases) == 2


def test_no_client_registration_is_needed_with_an_anonymous_identity_route(
    claimable: Claimable, run_scan: Callable[..., ScanReport]
) -> None:
    report = run_scan(claimable.origin + "/")
    result = report.result("signup.client-registration")
    assert result.status == Status.PASS, result.summary
    assert "no client_id" in result.summary
    assert "no-client-needed" in [f.code for f in result.findings]


def test_the_issuer_identifier_need_not_answer(
    claimable: Claimable, run_scan: Callable[..., ScanReport]
) -> None:
    report = run_scan(claimable.origin + "/", only=["auth-md", "tokens"])
    file = report.result("auth-md.file")
    dead = [f.message for f in file.findings if f.code == "authmd-dead-endpoints"]
    assert not dead, dead  # the issuer https://.../claimable answers 404, and need not answer at all
    assert report.result("tokens.server-metadata").status in (Status.PASS, Status.WARN)
