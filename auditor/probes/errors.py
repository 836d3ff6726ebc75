"""Error probes: provoke the errors an agent meets and keep the responses for the errors.* checks.

Passive (no side effects) — the ``errors`` probe:

* **no credentials** on a protected endpoint: reused from the ``oauth_discovery`` artifact (its
  unauthenticated calls) when that probe ran, else a secured GET operation of the OpenAPI description, else
  the target URL when it answered 401/403;
* **a malformed bearer token** (``Authorization: Bearer <not-a-token>``) on the same endpoint;
* **an unknown path** under the API base, with ``Accept: application/json`` as an agent would send;
* **a wrong method**: ``PUT`` with an empty body and no credentials, on the protected endpoint when it
  answered 401/403 without credentials (so authentication is enforced and nothing can change), else on the
  API base root. ``DELETE`` is never sent (a misconfigured service could honour it); ``PUT`` with no body
  and no credentials is refused by any service that enforces authentication or does not route the method,
  which is exactly what this probe observes;
* **``Accept: application/json``** on the protected endpoint, to see whether an API path still answers HTML.

ACTIVE (``--active`` only):

* ``errors_malformed_json``: a truncated JSON body to a documented POST operation (preferring one that needs
  no credentials, so the parser — not the authentication layer — answers);
* ``errors_burst``: at most :data:`BURST_MAX_REQUESTS` uncached GETs within :data:`BURST_MAX_SECONDS`, sent
  in concurrent waves of up to :data:`BURST_WAVE` (a rate limiter counts concurrent requests as well as
  sequential ones, and a wave costs one round trip where a sequence costs one each); no wave starts after
  one met a 429, to see the 429 and its ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from agent_ready.artifacts.errors import (
    ACCEPT_JSON,
    BAD_TOKEN,
    ERRORS,
    ERRORS_BURST,
    ERRORS_MALFORMED_JSON,
    MALFORMED_BODY,
    NO_CREDENTIALS,
    UNKNOWN_PATH,
    WRONG_METHOD,
    BurstResult,
    ErrorProbe,
    ErrorSample,
    MalformedJsonResult,
)
from agent_ready.artifacts.http import Response
from agent_ready.artifacts.openapi import openapi_description
from agent_ready.probing import ProbeContext, probe

if TYPE_CHECKING:  # only named in annotations: the errors probe reads the OAuth walk, never imports it
    from agent_ready.probes.oauth import OAuthPrediction

MISSING_API_SEGMENT = "agent-ready-missing-7f3a9c"
MALFORMED_TOKEN = "agent-ready.invalid-token"  # not a real credential of anyone; safe to show
MALFORMED_JSON = b'{"agent-ready": "malformed json'  # truncated on purpose
BURST_MAX_REQUESTS = 30
BURST_WAVE = 10  # the most requests sent together; the next wave waits for every answer of this one
BURST_MAX_SECONDS = 5.0


# --- reading other probes' artifacts defensively (their shapes are owned by other modules) ------------------


def _protected_calls(oauth: Any) -> list[Any]:
    calls = getattr(oauth, "protected", None) if oauth is not None else None
    return [c for c in calls or [] if getattr(c, "response", None) is not None and getattr(c, "url", None)]


def _resource_identifiers(oauth: Any) -> list[str]:
    out = []
    for rm in getattr(oauth, "resource_metadata", None) or []:
        data = getattr(rm, "data", None)
        if isinstance(data, dict) and isinstance(data.get("resource"), str):
            out.append(data["resource"])
    return out


def _parent(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    parent = path.rsplit("/", 1)[0] if "/" in path else ""
    return f"{parts.scheme}://{parts.netloc}{parent}"


def _same_origin(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() == origin


def _looks_like_api_target(resp: Response | None, url: str) -> bool:
    if resp is None or resp.failed:
        return False
    parts = urlsplit(url)
    return (
        resp.status in (401, 403)
        or "json" in resp.media_type
        or (parts.hostname or "").startswith("api.")
        or "/api" in parts.path
    )


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path or "/"


@dataclass(frozen=True)
class _Where:
    """Where the probe provokes errors: the API base and a protected endpoint with its answer without
    credentials (settled before any error is provoked, since every sample is sent relative to them)."""

    api_base: str | None = None
    api_base_source: str | None = None
    protected_url: str | None = None
    protected_source: str | None = None
    no_creds: Response | None = None
    method: str = "GET"


def _api_base_from_metadata(oauth: Any, origin: str, spec_base: str | None) -> tuple[str | None, str | None]:
    """The protected resource's identifier (RFC 9728) is the most specific API base; the OpenAPI servers URL
    often is just the origin, so it counts here only with a path."""
    for resource in _resource_identifiers(oauth):
        if _same_origin(resource, origin) and urlsplit(resource).path.strip("/"):
            return resource.rstrip("/"), "resource-metadata"
    if spec_base and _same_origin(spec_base, origin) and urlsplit(spec_base).path.strip("/"):
        return spec_base, "openapi"
    return None, None


def _reused_protected_call(oauth: Any, origin: str) -> tuple[str, str, Response] | None:
    """(url, source, answer) of a call the OAuth discovery already made that answered 401/403 on the
    target's origin, a GET preferred (reused: no request of its own)."""
    found: tuple[str, str, Response] | None = None
    for call in _protected_calls(oauth):
        resp: Response = call.response
        if _same_origin(call.url, origin) and not resp.failed and resp.status in (401, 403):
            found = (call.url, f"oauth_discovery:{getattr(call, 'source', '?')}", resp)
            if (resp.method or "GET") == "GET":
                break
    return found


async def _where(ctx: ProbeContext) -> _Where:
    origin = ctx.target.origin
    target_resp, oauth, described = await asyncio.gather(
        ctx.maybe("target"), ctx.maybe("oauth_discovery"), ctx.maybe("openapi")
    )
    description = openapi_description(described)
    spec_base = description.api_base() if description is not None else None
    api_base, api_base_source = _api_base_from_metadata(oauth, origin, spec_base)
    where = _Where(api_base=api_base, api_base_source=api_base_source)
    reused = _reused_protected_call(oauth, origin)
    if reused is not None:
        url, source, resp = reused
        where = replace(
            where, protected_url=url, protected_source=source, no_creds=resp, method=resp.method or "GET"
        )
    elif description is not None and api_base:
        op = next(
            (o for o in description.operations(methods=("get",)) if "{" not in o.path and o.requires_auth),
            None,
        )
        if op is not None:
            url = api_base + op.path
            where = replace(
                where, protected_url=url, protected_source="openapi", no_creds=await ctx.fetch.get(url)
            )
    if (
        where.no_creds is None
        and target_resp is not None
        and not target_resp.failed
        and target_resp.status in (401, 403)
    ):
        where = replace(where, protected_url=ctx.target.url, protected_source="target", no_creds=target_resp)
    api_base, api_base_source = _fallback_api_base(ctx, where, target_resp, spec_base)
    return replace(where, api_base=api_base, api_base_source=api_base_source)


async def _predicted_where(ctx: ProbeContext, prediction: OAuthPrediction) -> _Where:
    """Where :func:`_where` will settle if the walk's first GET on the origin answers 401/403, as a
    protected endpoint does: its metadata is not known yet, so the API base is the OpenAPI one."""
    origin = ctx.target.origin
    target_resp, described = await asyncio.gather(ctx.maybe("target"), ctx.maybe("openapi"))
    description = openapi_description(described)
    spec_base = description.api_base() if description is not None else None
    api_base, api_base_source = _api_base_from_metadata(None, origin, spec_base)
    where = _Where(api_base=api_base, api_base_source=api_base_source)
    # A GET is what the walk's choice prefers, and one the OpenAPI description declares secured (or the
    # target, seen protected) most likely is; a POST to the default MCP endpoint is called on every target
    # and protected on few, so it is left to the final answer.
    guess = next((c for c in prediction.calls if c[2] == "GET" and _same_origin(c[0], origin)), None)
    if guess is not None:
        url, source, method = guess
        where = replace(where, protected_url=url, protected_source=f"oauth_discovery:{source}", method=method)
    api_base, api_base_source = _fallback_api_base(ctx, where, target_resp, spec_base)
    return replace(where, api_base=api_base, api_base_source=api_base_source)


def _fallback_api_base(
    ctx: ProbeContext, where: _Where, target_resp: Response | None, spec_base: str | None
) -> tuple[str | None, str | None]:
    """The API base when the metadata named none: the protected endpoint's parent, the OpenAPI servers URL,
    or the target itself when it looks like an API."""
    if where.api_base is not None:
        return where.api_base, where.api_base_source
    if where.protected_url is not None and "mcp" not in (where.protected_source or ""):
        return _parent(where.protected_url), "protected-endpoint"
    if spec_base and _same_origin(spec_base, ctx.target.origin):
        return spec_base, "openapi"
    if _looks_like_api_target(target_resp, ctx.target.url):
        return ctx.target.url.rstrip("/"), "target"
    return None, None


@dataclass(frozen=True)
class _Sent:
    """The answers to the requests sent where :class:`_Where` says."""

    bad: Response | None  # a malformed bearer token on the protected endpoint
    accept: Response | None  # Accept: application/json there (GET only)
    miss: Response  # a path that cannot exist
    wrong: Response  # the wrong method


async def _send(ctx: ProbeContext, where: _Where, *, enforced: bool) -> _Sent:
    """Every sample depends only on where it is sent: all go out at once. Each is shared through the cache
    (none changes anything), so sending again for the same place costs no request."""
    protected, method = where.protected_url, where.method
    unknown, wrong_url = _unknown_url(ctx, where), _wrong_method_url(ctx, where, enforced=enforced)
    headers = {"Authorization": f"Bearer {MALFORMED_TOKEN}"}
    if protected is None:
        credential: Awaitable[Sequence[Response | None]] = _nothing()
    elif method == "GET":
        credential = asyncio.gather(
            ctx.fetch.get(protected, headers=headers),
            ctx.fetch.get(protected, headers={"Accept": "application/json"}),
        )
    else:  # e.g. an MCP endpoint protected on POST: an empty JSON object, rejected before it is read
        credential = asyncio.gather(
            ctx.fetch.request(
                method,
                protected,
                headers={**headers, "Content-Type": "application/json"},
                content=b"{}",
                cache=True,
            ),
            _no_answer(),
        )
    (bad, accept), miss, wrong = await asyncio.gather(
        credential,
        ctx.fetch.get(unknown, headers={"Accept": "application/json"}),
        ctx.fetch.request("PUT", wrong_url, headers={"Accept": "application/json"}, content=b"", cache=True),
    )
    return _Sent(bad=bad, accept=accept, miss=miss, wrong=wrong)


async def _nothing() -> Sequence[Response | None]:
    return (None, None)


async def _no_answer() -> None:
    return None


def _credential_samples(where: _Where, sent: _Sent) -> list[ErrorSample]:
    """No credentials (the answer already at hand), a malformed bearer token, and Accept: application/json,
    all on the protected endpoint."""
    protected, method, no_creds = where.protected_url, where.method, where.no_creds
    if no_creds is None or protected is None or sent.bad is None:
        return []
    path = _path_of(protected)
    samples = [
        ErrorSample(NO_CREDENTIALS, f"{method} {path} without credentials", no_creds),
        ErrorSample(
            BAD_TOKEN, f"{method} {path} with a malformed bearer token", sent.bad, sent_credentials=True
        ),
    ]
    if sent.accept is not None:
        samples.append(ErrorSample(ACCEPT_JSON, f"GET {path} with Accept: application/json", sent.accept))
    return samples


def _unknown_url(ctx: ProbeContext, where: _Where) -> str:
    """A path that cannot exist under the API base. Without a known API, under the origin: how the service
    answers an agent that asks for JSON is still observable, but HTML there is not judged as "HTML on an API
    path"."""
    return f"{where.api_base or ctx.target.origin}/{MISSING_API_SEGMENT}"


def _wrong_method_url(ctx: ProbeContext, where: _Where, *, enforced: bool) -> str:
    """Where PUT goes (see the module docstring for why PUT): the enforced protected endpoint (``enforced``:
    it answered 401/403 without credentials), else the API base root, else the unknown path itself (which
    nothing can serve)."""
    if enforced and where.protected_url is not None:
        return where.protected_url
    if where.api_base is not None:
        return where.api_base + "/"
    return _unknown_url(ctx, where)


@probe(
    ERRORS,
    description="Provoke errors without side effects: no credentials, a malformed token, an unknown "
    "API path, a wrong method, Accept: application/json",
)
async def errors(ctx: ProbeContext) -> ErrorProbe:
    # Speculation: the samples go out on where the OAuth walk's calls predict, beside those calls; the place
    # settled below then asks for the same requests (shared) or, where the prediction missed, for its own.
    prediction: OAuthPrediction | None = await ctx.predicted("oauth_discovery")
    guess = await _predicted_where(ctx, prediction) if prediction is not None else None
    early = asyncio.ensure_future(_send(ctx, guess, enforced=True)) if guess is not None else None
    try:
        where = await _where(ctx)
        enforced = where.no_creds is not None and where.no_creds.status in (401, 403)
        sent = await _send(ctx, where, enforced=enforced)
    except BaseException:  # cancelled at the scan deadline: the speculation ends with it
        if early is not None:
            early.cancel()
        raise
    if early is not None:  # a missed prediction's answers are not read, but they are not left running either
        await asyncio.gather(early, return_exceptions=True)
    on_api = where.api_base is not None
    unknown, wrong_url = _unknown_url(ctx, where), _wrong_method_url(ctx, where, enforced=enforced)
    samples = [
        *_credential_samples(where, sent),
        ErrorSample(
            UNKNOWN_PATH, f"GET {_path_of(unknown)} (a path that cannot exist)", sent.miss, api_path=on_api
        ),
        ErrorSample(
            WRONG_METHOD,
            f"PUT {_path_of(wrong_url)} (empty body, no credentials)",
            sent.wrong,
            api_path=on_api or wrong_url == where.protected_url,
        ),
    ]
    notes = []
    if not on_api:
        notes.append(
            "no API found (no OpenAPI description, no protected endpoint, the target is not an API); "
            "errors were provoked under the origin"
        )
    return ErrorProbe(
        api_base=where.api_base,
        api_base_source=where.api_base_source,
        protected_url=where.protected_url,
        protected_source=where.protected_source,
        samples=samples,
        notes=notes,
    )


async def _post_operation(ctx: ProbeContext) -> tuple[str | None, str | None, str | None]:
    """(url, 'POST /path', note): a documented POST operation taking JSON, unsecured ones first."""
    description = openapi_description(await ctx.maybe("openapi"))
    if description is None:
        return None, None, "no OpenAPI description, so no documented POST operation"
    base = description.api_base() or ctx.target.origin
    candidates = []
    for op in description.operations(methods=("post",)):
        if "{" in op.path:
            continue
        declared_body = op.operation.get("requestBody")
        body: dict[str, Any] = declared_body if isinstance(declared_body, dict) else {}
        declared_content = body.get("content")
        content: dict[str, Any] = declared_content if isinstance(declared_content, dict) else {}
        takes_json = any("json" in str(k) for k in content) or not content
        if takes_json:
            candidates.append((op.requires_auth, op.path))
    if not candidates:
        return None, None, "the OpenAPI description documents no POST operation taking JSON"
    _, path = sorted(candidates)[0]
    url = base.rstrip("/") + path
    if not _same_origin(url, ctx.target.origin):
        return None, None, f"the documented POST operation is on another origin ({url})"
    return url, f"POST {path}", None


@probe(
    ERRORS_MALFORMED_JSON,
    active=True,
    description="ACTIVE: POST a truncated JSON body to a documented POST operation",
)
async def errors_malformed_json(ctx: ProbeContext) -> MalformedJsonResult:
    url, operation, note = await _post_operation(ctx)
    if url is None:
        return MalformedJsonResult(None, None, None, note)
    resp = await ctx.fetch.request(
        "POST",
        url,
        content=MALFORMED_JSON,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    sample = ErrorSample(MALFORMED_BODY, f"{operation} with a truncated JSON body", resp)
    return MalformedJsonResult(url, operation, sample)


@probe(
    ERRORS_BURST,
    active=True,
    description=f"ACTIVE: up to {BURST_MAX_REQUESTS} GETs within {BURST_MAX_SECONDS:g}s in concurrent "
    f"waves of up to {BURST_WAVE}, no wave after the first 429",
)
async def errors_burst(ctx: ProbeContext) -> BurstResult:
    found: ErrorProbe | None = await ctx.maybe("errors")
    url = ctx.target.url
    if found is not None and found.protected_url:
        url = found.protected_url
    elif found is not None and found.api_base:
        url = found.api_base + "/"
    responses: list[Response] = []
    started = time.monotonic()
    stopped = "max-requests"
    first_429: Response | None = None
    sep = "&" if "?" in url else "?"
    while len(responses) < BURST_MAX_REQUESTS:
        if time.monotonic() - started > BURST_MAX_SECONDS:
            stopped = "time-limit"
            break
        # A wave is what the origin takes at once (6 connections over HTTP/1.1, more streams over HTTP/2):
        # a bigger one would queue in the scan and cost a second round trip.
        wave_size = max(1, min(BURST_WAVE, ctx.fetch.in_flight_bound(url)))
        numbers = range(len(responses) + 1, min(len(responses) + wave_size, BURST_MAX_REQUESTS) + 1)
        # A distinct query per request: a CDN cache cannot answer for the origin (its rate limiter must see
        # every request), and the scan log shows each request of the burst as its own resource.
        wave = await asyncio.gather(
            *(ctx.fetch.request("GET", f"{url}{sep}agent-ready-burst={n}", cache=False) for n in numbers)
        )
        responses.extend(wave)
        # The first 429 in sending order; the rest of its wave was already on the wire, and is kept.
        first_429 = next((r for r in wave if r.status == 429), None)
        if first_429 is not None:
            stopped = "429"
            break
        if any(r.failed for r in wave):
            stopped = "network"
            break
    return BurstResult(url, responses, first_429, round(time.monotonic() - started, 3), stopped)
