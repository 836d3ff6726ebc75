"""What the temporary-resource probes saw: the operations and statements found, the ACTIVE lifecycle."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent_ready.artifacts.http import Response
from agent_ready.artifacts.key import Key


@dataclass(frozen=True)
class Signal:
    """One place where a no-account / temporary tier is announced."""

    source: str  # "agent_auth" | "auth.md" | "openapi" | "llms.txt" | "api-catalog" | "401-body"
    machine_readable: bool  # a structured member or a documented route, not prose
    text: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class TempOperation:
    method: str
    path: str
    summary: str
    no_auth: bool  # the operation declares no security requirement
    operation: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class TemporaryDiscovery:
    signals: list[Signal] = field(default_factory=list)
    operations: list[TempOperation] = field(default_factory=list)
    create: TempOperation | None = None  # the route an agent would create one with
    spec: dict[str, Any] | None = field(default=None, repr=False)  # the OpenAPI document, when found
    statements: dict[str, list[str]] = field(default_factory=dict)  # survives_claim / who_claims / at_expiry
    statement_sources: dict[str, list[str]] = field(default_factory=dict)
    unreachable: list[str] = field(default_factory=list)  # inputs that could not be fetched

    @property
    def machine_readable(self) -> bool:
        return any(s.machine_readable for s in self.signals)


@dataclass(frozen=True)
class Created:
    """One temporary resource as created and read back. Secrets are redacted and never serialised."""

    response: Response
    body: Any = None
    credential: str | None = field(default=None, repr=False)
    credential_field: str | None = None
    resource_id: str | None = None
    resource_url: str | None = None
    expires_at: str | None = None  # absolute, as stated
    expires_field: str | None = None
    relative_ttl_s: float | None = None  # relative, converted to seconds
    relative_field: str | None = None
    lifetime_s: float | None = None
    claim_url: str | None = field(default=None, repr=False)
    claim_field: str | None = None
    claim_expires_at: str | None = None
    limits: Any = None

    @property
    def ok(self) -> bool:
        return self.response.ok and isinstance(self.body, dict)


@dataclass(frozen=True)
class TemporaryLifecycle:
    route: str | None = None  # "POST /api/v1/temporary/projects"
    create_url: str | None = None
    stuck_at: str | None = None
    stuck_reason: str | None = None
    first: Created | None = None
    use_response: Response | None = None  # the first credential on the first resource, at once
    claim_response: Response | None = None  # GET of the claim URL, no credential
    claim_same_origin: bool | None = None
    claim_https: bool | None = None
    claim_already_claimed: bool | None = None
    second: Created | None = None
    cross_response: Response | None = None  # the second credential on the first resource
    cleanup: list[Response] = field(default_factory=list)
    terms_field: str | None = None  # a terms-of-service field the scanner filled to create one
    # Which credential created it: None (no credential, the route is anonymous) or the journey step that
    # obtained the one used ("auth.md anonymous registration", "the documented API-key route").
    credential_source: str | None = None
    statements: dict[str, list[str]] = field(default_factory=dict)  # from the creation answer
    notes: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool | None:
        if self.use_response is None or self.use_response.failed:
            return None
        return self.use_response.ok

    @property
    def isolated(self) -> bool | None:
        if self.cross_response is None or self.cross_response.failed:
            return None
        return self.cross_response.status in (401, 403, 404, 410)


# The keys the probes register these artifacts under (ACTIVE ones read as None without --active).
TEMPORARY_DISCOVERY: Key[TemporaryDiscovery] = Key("temporary_discovery")
TEMPORARY_LIFECYCLE: Key[TemporaryLifecycle] = Key("temporary_lifecycle")
