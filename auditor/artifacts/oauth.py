"""The OAuth discovery artifact: the contract between the tokens/signup probes and every other family.

The ``oauth_discovery`` probe (``auditor/probes/oauth.py``) walks the chain an agent walks from the URL:
a protected endpoint, its 401 challenge, RFC 9728 protected-resource metadata, then RFC 8414 / OIDC
metadata of each authorization server, in the MCP authorization spec's order. Other families (auth.md,
temporary resources, errors) read this artifact instead of fetching the same documents again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from agent_ready.artifacts.documents import Doc
from agent_ready.artifacts.http import Response, is_loopback_host
from agent_ready.artifacts.key import Key


@dataclass(frozen=True)
class Challenge:
    """One parsed WWW-Authenticate challenge (RFC 9110 §11.6.1, RFC 6750 §3)."""

    scheme: str
    params: dict[str, str] = field(default_factory=dict)
    token68: str | None = None


@dataclass(frozen=True)
class ProtectedCall:
    """An unauthenticated call to an endpoint believed to be protected, and what came back."""

    url: str
    source: str  # "target" | "openapi" | "mcp-card" | "mcp-default" | ...
    response: Response
    challenges: list[Challenge] = field(default_factory=list)
    method: str = "GET"  # MCP endpoints are called with POST initialize, as an MCP client would

    @property
    def bearer(self) -> Challenge | None:
        return next((c for c in self.challenges if c.scheme == "bearer"), None)

    @property
    def resource_metadata_url(self) -> str | None:
        """The ``resource_metadata`` auth-param of any challenge (RFC 9728 §5.1)."""
        for c in self.challenges:
            if c.params.get("resource_metadata"):
                return c.params["resource_metadata"]
        return None

    @property
    def unauthorized(self) -> bool:
        return self.response.status == 401


@dataclass(frozen=True)
class ResourceMetadata:
    """RFC 9728 protected-resource metadata as fetched for ``resource`` (the identifier it was built from)."""

    resource: str  # the resource identifier the URL was built from
    doc: Doc  # the fetch; doc.data is the parsed JSON when doc.found
    via: str  # "resource_metadata" (from the 401) | "path-inserted" | "root"
    requested_url: str | None = None  # the protected URL whose call led here (None: fetched for the origin)

    @property
    def data(self) -> dict[str, Any] | None:
        return self.doc.data if self.doc.found and isinstance(self.doc.data, dict) else None


@dataclass(frozen=True)
class AuthServer:
    """RFC 8414 / OIDC metadata for one issuer, with every URL tried in order."""

    issuer: str  # the issuer identifier the metadata was fetched for
    doc: Doc | None  # the first document found (None when none was)
    tried: list[Doc] = field(default_factory=list)
    via: str = (
        "prm"  # "prm" (listed in authorization_servers) | "origin" (no PRM named one: the target's origin)
    )
    listed_by: list[str] = field(default_factory=list)  # URLs of the PRMs that list this issuer

    @property
    def blocked(self) -> Doc | None:
        """The first URL the address policy refused (a metadata or private address), if any."""
        return next(
            (d for d in self.tried if d.response is not None and d.response.error_kind == "blocked-address"),
            None,
        )

    @property
    def metadata(self) -> dict[str, Any] | None:
        doc = self.doc
        return doc.data if doc is not None and doc.found and isinstance(doc.data, dict) else None


@dataclass(frozen=True)
class OAuthDiscovery:
    protected: list[ProtectedCall] = field(default_factory=list)
    # Calls that were made but showed no protected endpoint (404, HTML, 500): evidence for a dead end.
    rejected: list[ProtectedCall] = field(default_factory=list)
    resource_metadata: list[ResourceMetadata] = field(default_factory=list)
    auth_servers: list[AuthServer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    openapi_url: str | None = None  # the OpenAPI description consulted for secured operations
    secured_operations: int = 0  # operations in it with a security requirement
    public_operations: int = 0  # operations in it with none
    mcp_endpoint: str | None = None
    stuck: str | None = None  # where an agent following the specs stops ("discovery"), if it does
    unfollowed_servers: list[str] = field(default_factory=list)  # issuers over bounds.MAX_AUTH_SERVERS


JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"


TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"


def resource_match(resource: Any, expected: str, requested_url: str | None) -> str:
    """How the PRM's ``resource`` relates to what it was fetched for.

    "equal" (RFC 9728 §3.3), "slash" (differs only by a trailing slash), "prefix" (same origin and a path
    prefix of the URL called: what MCP SDKs and draft-mcguinness-oauth-rfc9728bis accept when the metadata
    came from a ``resource_metadata`` link, although RFC 9728 §3.3 asks for identity), "missing", "mismatch".
    """
    if not isinstance(resource, str) or not resource:
        return "missing"
    if _norm(resource) == _norm(expected):
        return "equal"
    if _norm(resource).rstrip("/") == _norm(expected).rstrip("/"):
        return "slash"
    for candidate in (expected, requested_url):
        if not candidate:
            continue
        r, c = urlsplit(_norm(resource)), urlsplit(_norm(candidate))
        if (r.scheme, r.netloc) == (c.scheme, c.netloc) and (
            c.path.startswith(r.path.rstrip("/") + "/") or r.path.rstrip("/") == c.path.rstrip("/")
        ):
            return "prefix"
    return "mismatch"


def grants_of(meta: dict[str, Any]) -> tuple[list[str], bool]:
    """The grant types an AS supports and whether that list is RFC 8414's default (the member was omitted)."""
    value = meta.get("grant_types_supported")
    if isinstance(value, list):
        grants = [g for g in value if isinstance(g, str)]
        explicit = True
    else:
        grants, explicit = list(DEFAULT_GRANTS), False
    # Real servers (Microsoft, Vercel) advertise the device flow only by its endpoint.
    if meta.get("device_authorization_endpoint") and DEVICE_CODE not in grants:
        grants.append(DEVICE_CODE)
    return grants, not explicit


def is_loopback_url(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname or "")


def endpoint_scheme_problems(meta: dict[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(loopback http endpoints, other non-https endpoints) among the URL members of AS metadata."""
    loopback: list[tuple[str, str]] = []
    bad: list[tuple[str, str]] = []
    for key, value in meta.items():
        if not (key.endswith(("_endpoint", "_uri")) or key == "issuer") or not isinstance(value, str):
            continue
        if key in ("service_documentation", "op_policy_uri", "op_tos_uri"):
            continue
        if value.startswith("http://"):
            (loopback if is_loopback_url(value) else bad).append((key, value))
    return loopback, bad


def json_error(resp: Response | None) -> dict[str, Any] | None:
    data = resp.json if resp is not None and not resp.failed else None
    return data if isinstance(data, dict) else None


def looks_like_auth_error(resp: Response) -> bool:
    """A 200 whose JSON body is really an authentication error (the "401 that is a 200")."""
    data = json_error(resp)
    if not resp.ok or data is None:
        return False
    # Only a body that says it is an error: a welcome document that mentions tokens is not one.
    says_error = (
        "error" in data
        or "errors" in data
        or str(data.get("status")) in ("401", "403")
        or str(data.get("code", "")).lower() in ("401", "403", "unauthorized", "unauthenticated", "forbidden")
    )
    if not says_error:
        return False
    text = " ".join(
        str(data.get(k, "")) for k in ("error", "message", "detail", "title", "code", "status")
    ).lower()
    return bool(
        re.search(
            r"unauthori[sz]ed|unauthenticated|authenticat|login required|token|credential|forbidden", text
        )
    )


@dataclass(frozen=True)
class TokenErrorProbe:
    token_endpoint: str | None
    issuer: str | None = None
    response: Response | None = None
    auth_method: str | None = None  # "client_secret_basic" | "client_secret_post"
    skipped: str | None = None  # why no request was sent


@dataclass(frozen=True)
class OAuthFlow:
    issuer: str | None = None
    registration_endpoint: str | None = None
    dcr: Registration | None = None  # the MCP-style public client of standards C5
    dcr_skipped: str | None = None
    route: str | None = None  # the headless route that produced the token
    routes_tried: list[tuple[str, str]] = field(default_factory=list)  # (route, outcome)
    cc_client: Registration | None = None
    token_response: Response | None = None
    token_obtained: bool = False
    token_origin: str | None = None
    call: ProtectedCall | None = None
    call_response: Response | None = None
    call_skipped: str | None = None
    revoke_response: Response | None = None
    stuck: str | None = None
    discovery_stuck: str | None = None

    @property
    def call_succeeded(self) -> bool:
        return self.call_response is not None and self.call_response.ok


@dataclass(frozen=True)
class DeviceFlow:
    """One device authorization and one poll as an agent starts them; tokens.headless-grant judges them."""

    issuer: str | None = None
    endpoint: str | None = None  # device_authorization_endpoint, when advertised
    token_endpoint: str | None = None
    skipped: str | None = None  # why no device authorization was started
    client: Registration | None = None  # the public client registered for the device grant
    response: Response | None = None  # the device authorization response (RFC 8628 §3.2)
    poll_response: Response | None = None  # the one token request with the device code (§3.4)
    poll_skipped: str | None = None
    revoke_response: Response | None = None  # only when the poll wrongly issued a token

    @property
    def data(self) -> dict[str, Any] | None:
        """The device authorization response's JSON object, if it was a success."""
        return json_error(self.response) if self.response is not None and self.response.ok else None


# RFC 8414 §2: "If omitted, the default value is ["authorization_code", "implicit"]".
DEFAULT_GRANTS = ("authorization_code", "implicit")


def _norm(url: str) -> str:
    """Compare URLs the way RFC 3986 §6.2.3 allows: scheme/host case-insensitive, empty path == "/"."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


@dataclass(frozen=True)
class Registration:
    response: Response
    client_id: str | None = None
    confidential: bool = False
    delete_response: Response | None = None
    delete_skipped: str | None = None


# The keys the probes register these artifacts under (ACTIVE ones read as None without --active).
OAUTH_DISCOVERY: Key[OAuthDiscovery] = Key("oauth_discovery")
OAUTH_TOKEN_ERRORS: Key[TokenErrorProbe] = Key("oauth_token_errors")
OAUTH_FLOW: Key[OAuthFlow] = Key("oauth_flow")
OAUTH_DEVICE: Key[DeviceFlow] = Key("oauth_device")
