"""The OAuth discovery artifact: the contract between the tokens/signup probes and every other family.

The ``oauth_discovery`` probe (``auditor/probes/oauth.py``) walks the chain an agent walks from the URL:
a protected endpoint, its 401 challenge, RFC 9728 protected-resource metadata, then RFC 8414 / OIDC
metadata of each authorization server, in the MCP authorization spec's order. Other families (auth.md,
temporary resources, errors) read this artifact instead of fetching the same documents again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent_ready.fetch import Response
from agent_ready.probes.documents import Doc


@dataclass
class Challenge:
    """One parsed WWW-Authenticate challenge (RFC 9110 §11.6.1, RFC 6750 §3)."""

    scheme: str
    params: dict[str, str] = field(default_factory=dict)
    token68: str | None = None


@dataclass
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


@dataclass
class ResourceMetadata:
    """RFC 9728 protected-resource metadata as fetched for ``resource`` (the identifier it was built from)."""

    resource: str  # the resource identifier the URL was built from
    doc: Doc  # the fetch; doc.data is the parsed JSON when doc.found
    via: str  # "resource_metadata" (from the 401) | "path-inserted" | "root"
    requested_url: str | None = None  # the protected URL whose call led here (None: fetched for the origin)

    @property
    def data(self) -> dict[str, Any] | None:
        return self.doc.data if self.doc.found and isinstance(self.doc.data, dict) else None


@dataclass
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


@dataclass
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

    def first_metadata(self) -> dict[str, Any] | None:
        return next((a.metadata for a in self.auth_servers if a.metadata is not None), None)

    def first_resource_metadata(self) -> dict[str, Any] | None:
        return next((r.data for r in self.resource_metadata if r.data is not None), None)
