"""auth.md as fetched and parsed, the agent-auth metadata it points at, and the ACTIVE registration."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agent_ready.artifacts.documents import Doc
from agent_ready.artifacts.http import Response
from agent_ready.artifacts.key import Key

STEPS = ("discover", "register", "claim", "use", "errors", "revoke")


# Field names that belong to one dialect of the agent_auth block.
DIALECT_KEYS: dict[str, tuple[str, ...]] = {
    "v1": ("identity_endpoint",),
    "branch": ("registration_endpoint",),
    "v0": ("register_uri", "claim_uri", "revocation_uri"),
}


@dataclass(frozen=True)
class Section:
    title: str
    level: int
    steps: tuple[str, ...]


@dataclass(frozen=True)
class EndpointRef:
    """An endpoint the file names: ``POST /agent/auth``, an absolute URL in a code span, a link."""

    raw: str
    url: str  # resolved against the file's URL
    method: str | None
    source: str  # "code" | "fence" | "link" | "text"
    section: str | None  # the heading it sits under
    steps: tuple[str, ...]  # the recipe steps of that heading
    templated: bool  # carries a placeholder (<id>, {id}, ...): not requested
    # Named as an identifier (an issuer, RFC 8414 §2; a resource, RFC 9728 §1.2), not as an endpoint: it
    # need not answer anything, only its metadata must resolve (tokens.server-metadata judges that).
    identifier: bool = False


@dataclass(frozen=True)
class EndpointProbe:
    """What a GET of a named endpoint answered.

    404/410 (or the target's soft-404 page) means it does not exist.
    """

    url: str
    response: Response

    @property
    def exists(self) -> bool | None:
        if self.response.failed:
            return None
        return self.response.status not in (404, 410)


@dataclass(frozen=True)
class AuthMdFile:
    doc: Doc
    upper: Response | None = None  # GET /AUTH.md, information only
    h1: str | None = None
    h1_count: int = 0
    sections: list[Section] = field(default_factory=list)
    steps: dict[str, str] = field(default_factory=dict)  # step -> first heading covering it
    scopes: list[str] = field(default_factory=list)
    endpoints: list[EndpointRef] = field(default_factory=list)
    endpoint_probes: list[EndpointProbe] = field(default_factory=list)
    skipped_endpoints: list[str] = field(default_factory=list)  # other origin / over the bound
    identifiers: list[str] = field(default_factory=list)  # issuer/resource identifiers: not requested
    field_names: list[str] = field(default_factory=list)  # code spans that look like metadata members
    mentions_anonymous: bool = False
    blocks: list[str] = field(default_factory=list)  # paragraphs and list items as plain text

    @property
    def found(self) -> bool:
        return self.doc.found

    @property
    def missing_steps(self) -> list[str]:
        return [s for s in STEPS if s not in self.steps]

    @property
    def dead_endpoints(self) -> list[EndpointProbe]:
        return [p for p in self.endpoint_probes if p.exists is False]

    def endpoints_in_step(self, step: str) -> list[EndpointRef]:
        return [e for e in self.endpoints if step in e.steps]


@dataclass(frozen=True)
class AgentAuth:
    """The ``agent_auth`` block and the documents around it."""

    as_doc: Doc | None = None  # the authorization-server metadata document read
    source: str | None = None  # "oauth_discovery" | "fallback"
    issuer: str | None = None  # the issuer the metadata was fetched for
    metadata: dict[str, Any] | None = None
    block: dict[str, Any] | None = None
    dialects: list[str] = field(default_factory=list)  # every dialect whose keys appear, v1 first
    prm: dict[str, Any] | None = None
    prm_doc: Doc | None = None
    skill_response: Response | None = None
    endpoint_probes: list[EndpointProbe] = field(default_factory=list)
    tried: list[Doc] = field(default_factory=list)  # metadata documents read, with or without a block

    @property
    def dialect(self) -> str | None:
        if self.block is None:
            return None
        return self.dialects[0] if self.dialects else "unknown"

    @property
    def registration_endpoint(self) -> str | None:
        b = self.block or {}
        for key in ("identity_endpoint", "registration_endpoint", "register_uri"):
            if isinstance(b.get(key), str):
                return b[key]
        return None

    @property
    def claim_endpoint(self) -> str | None:
        b = self.block or {}
        for key in ("claim_endpoint", "claim_uri"):
            if isinstance(b.get(key), str):
                return b[key]
        return None

    @property
    def identity_types(self) -> list[str]:
        value = (self.block or {}).get("identity_types_supported")
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    @property
    def token_endpoint(self) -> str | None:
        value = (self.metadata or {}).get("token_endpoint")
        return value if isinstance(value, str) else None

    def block_urls(self) -> dict[str, str]:
        """Every endpoint URL in the block, by member name."""
        return {
            k: v
            for k, v in (self.block or {}).items()
            if isinstance(v, str) and v.startswith(("http://", "https://")) and k != "skill"
        }


@dataclass(frozen=True)
class Registration:
    """What anonymous registration produced. Secrets are registered with the redactor and never serialised."""

    dialect: str | None = None
    endpoint: str | None = None
    attempted: bool = False
    stuck_at: str | None = (
        None  # the step that stopped the flow: "metadata" | "off-target" | "register" | "token" | "use" ...
    )
    stuck_reason: str | None = None
    human_flows: list[str] = field(default_factory=list)  # reported, never run
    register_response: Response | None = None
    assertion_present: bool = False
    assertion_expires: str | None = None
    token_response: Response | None = None
    credential: str | None = field(default=None, repr=False)  # the usable bearer credential (redacted)
    credential_kind: str | None = None  # "access_token" | "api_key" | ...
    credential_expires_at: str | None = None  # absolute, as stated
    credential_expires_in: int | None = None  # relative, as stated (OAuth expires_in)
    credential_origin: str | None = None  # the origin that issued it; it is used nowhere else
    lifetime_s: float | None = None  # from the answer's own clock (created_at, else its Date header)
    claim_url_present: bool = False
    claim_token_present: bool = False
    claim_expires_at: str | None = None
    claim_endpoint: str | None = None
    pre_claim_scopes: list[str] = field(default_factory=list)
    post_claim_scopes: list[str] = field(default_factory=list)
    use_url: str | None = None
    use_response: Response | None = None
    malformed_response: Response | None = None
    revoke_response: Response | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool | None:
        if self.use_response is None or self.use_response.failed:
            return None
        if self.use_response.status in (401, 403):
            return False
        return self.use_response.ok or None

    @property
    def absolute_expiry(self) -> str | None:
        return self.credential_expires_at or self.assertion_expires or self.claim_expires_at


def parse_instant(value: Any) -> datetime | None:
    """An absolute ISO 8601 / RFC 3339 instant, or None (relative values and placeholders are not)."""
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# The keys the probes register these artifacts under (ACTIVE ones read as None without --active).
AUTHMD: Key[AuthMdFile] = Key("authmd")
AGENT_AUTH: Key[AgentAuth] = Key("agent_auth")
AUTHMD_REGISTRATION: Key[Registration] = Key("authmd_registration")
