"""The error responses the errors probes provoked, by kind (no credentials, bad token, unknown path...)."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent_ready.artifacts.http import Response
from agent_ready.artifacts.key import Key

# Sample kinds, in the order a report lists them.
NO_CREDENTIALS = "no-credentials"


BAD_TOKEN = "bad-token"


UNKNOWN_PATH = "unknown-path"


WRONG_METHOD = "wrong-method"


ACCEPT_JSON = "accept-json"


MALFORMED_BODY = "malformed-json"


RATE_LIMITED = "burst-429"


KIND_TITLES = {
    NO_CREDENTIALS: "no credentials on a protected endpoint",
    BAD_TOKEN: "a malformed bearer token",
    UNKNOWN_PATH: "an unknown path under the API base",
    WRONG_METHOD: "a method the endpoint does not support",
    ACCEPT_JSON: "Accept: application/json on a protected API path",
    MALFORMED_BODY: "a malformed JSON body",
    RATE_LIMITED: "a burst of requests (429)",
}


@dataclass(frozen=True)
class ErrorSample:
    """One provoked error: what was sent and what came back."""

    kind: str
    label: str  # "GET /api/v1/projects without credentials"
    response: Response
    sent_credentials: bool = False
    api_path: bool = True  # under the API base: HTML here is never right
    expects_error: bool = True  # a 2xx here is a soft error (the request was wrong by construction)


@dataclass(frozen=True)
class ErrorProbe:
    api_base: str | None
    api_base_source: str | None  # "openapi" | "resource-metadata" | "protected-endpoint" | "target"
    protected_url: str | None
    protected_source: str | None
    samples: list[ErrorSample] = field(default_factory=list)
    others: list[Response] = field(default_factory=list)  # other API responses (rate-limit headers)
    notes: list[str] = field(default_factory=list)

    def by_kind(self, kind: str) -> list[ErrorSample]:
        return [s for s in self.samples if s.kind == kind]

    def first(self, kind: str) -> ErrorSample | None:
        return next(iter(self.by_kind(kind)), None)


@dataclass(frozen=True)
class BurstResult:
    url: str
    responses: list[Response]
    first_429: Response | None
    elapsed_s: float
    stopped: str  # "429" | "max-requests" | "time-limit" | "network"


@dataclass(frozen=True)
class MalformedJsonResult:
    url: str | None
    operation: str | None
    sample: ErrorSample | None
    note: str | None = None


# The keys the probes register these artifacts under (ACTIVE ones read as None without --active).
ERRORS: Key[ErrorProbe] = Key("errors")
ERRORS_MALFORMED_JSON: Key[MalformedJsonResult] = Key("errors_malformed_json")
ERRORS_BURST: Key[BurstResult] = Key("errors_burst")
