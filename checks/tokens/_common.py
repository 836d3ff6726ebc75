"""Spec links and the OAuth error codes the tokens checks share."""

from __future__ import annotations

RFC6750 = "https://www.rfc-editor.org/rfc/rfc6750#section-3"
RFC9728 = "https://www.rfc-editor.org/rfc/rfc9728"
RFC8414 = "https://www.rfc-editor.org/rfc/rfc8414"
RFC6749_52 = "https://www.rfc-editor.org/rfc/rfc6749#section-5.2"
RFC8628 = "https://www.rfc-editor.org/rfc/rfc8628"
MCP_AUTH = "https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization"
OAUTH_ERRORS = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "invalid_target",
}
