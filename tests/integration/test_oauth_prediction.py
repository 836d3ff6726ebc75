"""Consumers of the OAuth walk send on its prediction, and redo where the walk chose otherwise (issue 12).

``oauth_discovery`` publishes, once its calls are out, the endpoints it calls and the target origin's own
server metadata. The errors probe, the token-error probe and the agent_auth block's checks send on that
at once. Here the prediction misses twice: the first secured operation is not protected (the 401 comes from
the second), and the 401's protected-resource metadata names another authorization server than the one the
origin publishes. What the checks read must describe the walk's actual choice, as without speculation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from agent_ready import engine
from agent_ready.artifacts.errors import BAD_TOKEN, WRONG_METHOD
from agent_ready.engine import ScanReport


def _json(
    server: HTTPServer, path: str, body: dict[str, Any], method: str = "GET", status: int = 200
) -> None:
    server.expect_request(path, method=method).respond_with_data(
        json.dumps(body), status=status, content_type="application/json"
    )


def _serve_mispredicted_target(server: HTTPServer) -> None:
    server.no_handler_status_code = 404
    origin = server.url_for("/").rstrip("/")
    secured = {"security": [{"oauth": []}], "responses": {"200": {"description": "ok"}}}
    _json(
        server,
        "/openapi.json",
        {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": origin + "/api"}],
            "components": {"securitySchemes": {"oauth": {"type": "oauth2", "flows": {}}}},
            # The first secured GET answers without credentials; the second is the protected one.
            "paths": {"/open": {"get": secured}, "/things": {"get": secured}},
        },
    )
    _json(server, "/api/open", {"items": []})
    prm_url = origin + "/.well-known/oauth-protected-resource/api/things"
    server.expect_request("/api/things", method="GET").respond_with_data(
        '{"error": "invalid_token"}',
        status=401,
        content_type="application/json",
        headers={"WWW-Authenticate": f'Bearer resource_metadata="{prm_url}"'},
    )
    _json(
        server,
        "/.well-known/oauth-protected-resource/api/things",
        {"resource": origin + "/api/things", "authorization_servers": [origin + "/tenant"]},
    )
    # The origin's own server metadata (read at t0: the prediction) is not the server the 401 names.
    _json(
        server,
        "/.well-known/oauth-authorization-server",
        {
            "issuer": origin,
            "token_endpoint": origin + "/root/token",
            "agent_auth": {"identity_endpoint": origin + "/root/identity"},
        },
    )
    _json(
        server,
        "/.well-known/oauth-authorization-server/tenant",
        {
            "issuer": origin + "/tenant",
            "token_endpoint": origin + "/tenant/token",
            "agent_auth": {"identity_endpoint": origin + "/tenant/identity"},
        },
    )
    for path in ("/root/token", "/tenant/token"):
        _json(server, path, {"error": "invalid_client"}, method="POST", status=401)


@pytest.fixture
def artifacts(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The artifacts the checks of the next scan read."""
    seen: dict[str, Any] = {}
    collect = engine._collect

    async def spy(*args: Any, **kwargs: Any) -> Any:
        collected = await collect(*args, **kwargs)
        seen.update(collected.values)
        return collected

    monkeypatch.setattr(engine, "_collect", spy)
    return seen


def test_consumers_redo_their_requests_where_the_walk_chose_otherwise(
    httpserver: HTTPServer, run_scan: Callable[..., ScanReport], artifacts: dict[str, Any]
) -> None:
    _serve_mispredicted_target(httpserver)
    origin = httpserver.url_for("/").rstrip("/")
    report = run_scan(origin + "/", deadline=30)
    assert report.runtime_error is None
    sent = [(req.method, req.path, req.headers.get("Authorization", "")) for req, _ in httpserver.log]

    disc = artifacts["oauth_discovery"]
    assert [a.issuer for a in disc.auth_servers] == [origin + "/tenant"]

    # The speculation went out (this test exercises a miss), and was not what the checks read.
    assert ("POST", "/root/token") in [s[:2] for s in sent]
    token = artifacts["oauth_token_errors"]
    assert (token.token_endpoint, token.issuer) == (origin + "/tenant/token", origin + "/tenant")
    assert token.response.url == origin + "/tenant/token" and token.response.status == 401

    auth = artifacts["agent_auth"]
    assert auth.issuer == origin + "/tenant"
    assert [p.url for p in auth.endpoint_probes] == [origin + "/tenant/identity"]

    errors = artifacts["errors"]
    assert errors.protected_url == origin + "/api/things"
    samples = {s.kind: s for s in errors.samples}
    assert samples[BAD_TOKEN].response.url == origin + "/api/things"
    assert samples[WRONG_METHOD].response.url == origin + "/api/things"
    # The malformed token went to the first secured operation on the prediction, then to the chosen one.
    bad = [s[1] for s in sent if s[2].startswith("Bearer agent-ready")]
    assert sorted(bad) == ["/api/open", "/api/things"]


def test_a_held_prediction_sends_nothing_twice(
    reference_factory: Callable[..., Any], run_scan: Callable[..., ScanReport]
) -> None:
    # On the reference service the prediction holds: each consumer's request is the one it sent beside the
    # walk, shared through the cache, so no request (method, path, headers, body) repeats.
    server = reference_factory()
    run_scan(server.url + "/")
    keys = [(m, p, tuple(sorted(h.items()))) for m, p, h in server.log]
    assert sorted(k[:2] for k in set(keys) if keys.count(k) > 1) == []
