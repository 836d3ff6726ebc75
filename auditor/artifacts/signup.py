"""What the signup probes saw: the routes to an account or client, and the ACTIVE account creation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent_ready.artifacts.http import Response
from agent_ready.artifacts.key import Key


@dataclass(frozen=True)
class SignupRoute:
    kind: str  # "openapi" | "auth.md"
    method: str
    url: str
    label: str  # operationId / member name
    requires_auth: bool = False
    gates: list[str] = field(default_factory=list)
    evidence: tuple[str, ...] = ()
    schema: dict[str, Any] | None = None  # the JSON request schema, for the ACTIVE call


@dataclass(frozen=True)
class SignupRoutes:
    routes: list[SignupRoute] = field(default_factory=list)
    text_gates: list[str] = field(default_factory=list)  # gates stated in auth.md prose
    openapi_url: str | None = None
    authmd_found: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def open_routes(self) -> list[SignupRoute]:
        return [r for r in self.routes if not r.requires_auth]


@dataclass(frozen=True)
class AccountCreation:
    route: SignupRoute | None = None
    response: Response | None = None
    credential: str | None = field(default=None, repr=False)
    origin: str | None = None
    expires: str | None = None
    use_response: Response | None = None
    delete_response: Response | None = None
    failure: str | None = None
    via_authmd: bool = False


# The keys the probes register these artifacts under (ACTIVE ones read as None without --active).
SIGNUP_ROUTES: Key[SignupRoutes] = Key("signup_routes")
SIGNUP_ACCOUNT: Key[AccountCreation] = Key("signup_account")
