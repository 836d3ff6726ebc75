"""The reference service's MCP endpoint (Streamable HTTP, JSON responses only).

``POST /mcp`` takes JSON-RPC; without a valid bearer token it answers 401 with
``WWW-Authenticate: Bearer resource_metadata="{base}/.well-known/oauth-protected-resource/mcp"`` as the MCP
authorization spec requires. ``GET /mcp`` answers 405 (this server offers no SSE stream). The
``no-resource-metadata`` and ``401-as-200`` flaws (see ``api.py``) apply here too.
"""

from __future__ import annotations

from typing import Any

from agent_ready.reference.app import ReferenceApp, Reply, Request, json_reply, token_info
from agent_ready.reference.oauth import challenge

PROTOCOL_VERSION = "2025-11-25"


def _rpc_error(id_: Any, code: int, message: str, status: int = 200) -> Reply:
    return json_reply({"jsonrpc": "2.0", "id": id_, "error": {"code": code, "message": message}}, status)


def _post(app: ReferenceApp, req: Request) -> Reply:
    info = token_info(app, req.bearer())
    if info is None:
        if app.has("401-as-200"):
            return json_reply({"error": "unauthorized", "message": "Authentication required."}, 200)
        params = {"error": "invalid_token"} if req.bearer() else {}
        return app.problem(
            401,
            "Unauthorized",
            "The MCP server needs a bearer token; follow resource_metadata in the WWW-Authenticate header "
            f"or read {app.base_url}/auth.md.",
            type_="unauthorized",
            headers=[("WWW-Authenticate", challenge(app, "/mcp", "mcp", **params))],
        )
    msg = req.json()
    if not isinstance(msg, dict) or msg.get("jsonrpc") != "2.0" or "method" not in msg:
        return _rpc_error(None, -32600, "Invalid Request: send one JSON-RPC 2.0 request object", 400)
    method, id_ = msg["method"], msg.get("id")
    if method == "initialize":
        return json_reply(
            {
                "jsonrpc": "2.0",
                "id": id_,
                "result": {
                    "protocolVersion": PROTOCOL_VERSION,
                    "capabilities": {"tools": {}},
                    "serverInfo": {"name": "acme-cloud", "version": "1.0.0"},
                },
            }
        )
    if method == "tools/list":
        return json_reply(
            {
                "jsonrpc": "2.0",
                "id": id_,
                "result": {
                    "tools": [
                        {
                            "name": "list_projects",
                            "description": "List your projects",
                            "inputSchema": {"type": "object", "properties": {}},
                        }
                    ]
                },
            }
        )
    if method.startswith("notifications/"):
        return Reply(202)
    return _rpc_error(id_, -32601, f"Method not found: {method}")


def _get(app: ReferenceApp, req: Request) -> Reply:
    return app.problem(
        405,
        "Method Not Allowed",
        "This MCP server answers POST only (no SSE stream).",
        type_="method-not-allowed",
        headers=[("Allow", "POST")],
    )


def install(app: ReferenceApp) -> None:
    app.add("POST", "/mcp", _post)
    app.add("GET", "/mcp", _get)
