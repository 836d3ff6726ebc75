"""The OAuth discovery artifact: the contract between the tokens/signup probes and every other family.

The ``oauth_discovery`` probe (``auditor/probes/oauth.py``) walks the chain an agent walks from the URL:
a protected endpoint, its 401 challenge, RFC 9728 protected-resource metadata, then RFC 8414 / OIDC
metadata of each authorization server, in the MCP authorization spec's order. Other families (auth.md,
temporary resources, errors) read this artifact instead of fetching the same documents again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditor.fetch import Response
from auditor.probes.documents import Doc


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


@dataclass
class ResourceMetadata:
    """RFC 9728 protected-resource metadata as fetched for ``resource`` (the identifier it was built from)."""

    resource: str  # the resource identifier the URL was built from
    doc: Doc  # the fetch; doc.data is the parsed JSON when doc.found
    via: str  # "resource_metadata" (from the 401) | "path-inserted" | "root"

    @property
    def data(self) -> dict[str, Any] | None:
        return self.doc.data if self.doc.found and isinstance(self.doc.data, dict) else None


@dataclass
class AuthServer:
    """RFC 8414 / OIDC metadata for one issuer, with every URL tried in order."""

    issuer: str  # the issuer identifier the metadata was fetched for
    doc: Doc | None  # the first document found (None when none was)
    tried: list[Doc] = field(default_factory=list)

    @property
    def metadata(self) -> dict[str, Any] | None:
        return self.doc.data if self.doc is not None and self.doc.found and isinstance(self.doc.data, dict) else None


@dataclass
class OAuthDiscovery:
    protected: list[ProtectedCall] = field(default_factory=list)
    resource_metadata: list[ResourceMetadata] = field(default_factory=list)
    auth_servers: list[AuthServer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def first_metadata(self) -> dict[str, Any] | None:
        return next((a.metadata for a in self.auth_servers if a.metadata is not None), None)

    def first_resource_metadata(self) -> dict[str, Any] | None:
        return next((r.data for r in self.resource_metadata if r.data is not None), None)
