"""Spec links and the OAuth error codes the tokens checks share."""

from __future__ import annotations

from urllib.parse import urlsplit

from agent_ready.artifacts.documents import Doc
from agent_ready.artifacts.oauth import is_loopback_url
from agent_ready.checkapi import Target, concern
from agent_ready.models import Finding

RFC6750 = "https://www.rfc-editor.org/rfc/rfc6750#section-3"
RFC9728 = "https://www.rfc-editor.org/rfc/rfc9728"
RFC8414 = "https://www.rfc-editor.org/rfc/rfc8414"
RFC6749_52 = "https://www.rfc-editor.org/rfc/rfc6749#section-5.2"
RFC8628 = "https://www.rfc-editor.org/rfc/rfc8628"
MCP_AUTH = "https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization"


def loopback_excused(target: Target | None, url: str) -> bool:
    """Plain http on a loopback host is excused only when the target itself is on loopback (local
    development). A public https API whose metadata names ``http://127.0.0.1:9000`` points every agent at
    its own machine, over an unprotected channel."""
    return is_loopback_url(url) and target is not None and target.is_loopback


OAUTH_ERRORS = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "invalid_target",
}


def url_form_problem(value: object, *, issuer: bool = False) -> str | None:
    """Why a metadata URL member is not the absolute URL its spec requires, or None when it is.

    RFC 8414 §2 and RFC 9728 §2 members are URLs (absolute: a client dereferences them as they are, with no
    base to resolve a relative reference against). RFC 6749 §3.1/§3.2: an endpoint URI MUST NOT include a
    fragment. An issuer identifier (RFC 8414 §2) and a resource identifier (RFC 9728 §2, RFC 8707 §2) have no
    fragment either, and an issuer no query. The scheme (https, loopback http) is judged separately.
    """
    if not isinstance(value, str) or not value.strip():
        return "is not a URL string"
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "is not an absolute http(s) URL"
    if parts.fragment or value.endswith("#"):
        return "has a fragment component"
    if issuer and (parts.query or "?" in value):
        return "has a query component"
    return None


def json_media_finding(code: str, doc: Doc) -> Finding | None:
    """RFC 8414 §3.2 / RFC 9728 §3.2: metadata is served with the application/json media type."""
    resp = doc.response
    if resp is None or resp.media_type == "application/json":
        return None
    return concern(
        f"{code}-content-type",
        f"{doc.url} is JSON served as {resp.media_type or 'no content type'}, not application/json",
        doc.evidence,
        fix="Serve the metadata with Content-Type: application/json.",
    )
