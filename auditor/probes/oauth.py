"""OAuth discovery as an agent walks it, and the token-endpoint error probe (both passive).

- ``oauth_discovery``: find protected endpoints (the URL itself, secured OpenAPI operations, the MCP endpoint
  of the server card, ``/mcp``), call them without credentials, parse ``WWW-Authenticate``, follow
  ``resource_metadata`` (RFC 9728 §5.1) or, without it, the path-inserted then root well-known locations
  (MCP authorization spec order), then fetch each authorization server's metadata in MCP order (RFC 8414
  path insertion, OIDC path insertion, OIDC path appending; for an issuer without a path, RFC 8414 then OIDC).
- ``oauth_token_errors``: one token request with made-up client credentials (creates nothing).

Also the URL and metadata helpers the tokens/signup checks and the other OAuth probes share. The ACTIVE
registration/token/call probe is in :mod:`agent_ready.probes.oauth_flow`; sign-up routes and the API-key probe
are in :mod:`agent_ready.probes.signup`. The artifact contract is :mod:`agent_ready.artifacts.oauth`.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from functools import partial
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from agent_ready.artifacts.documents import Doc
from agent_ready.artifacts.http import Response, normalize_url, origin_of
from agent_ready.artifacts.oauth import (
    OAUTH_DISCOVERY,
    OAUTH_TOKEN_ERRORS,
    AuthServer,
    OAuthDiscovery,
    ProtectedCall,
    ResourceMetadata,
    TokenErrorProbe,
    endpoint_scheme_problems,
    grants_of,
    looks_like_auth_error,
    resource_match,
)
from agent_ready.artifacts.openapi import RESOURCE_METHODS, openapi_description
from agent_ready.bounds import MAX_AUTH_SERVERS, bounded
from agent_ready.parsers.wwwauth import parse_headers
from agent_ready.probes.discovery import post_initialize
from agent_ready.probes.documents import fetch_doc, walk
from agent_ready.probing import ProbeContext, probe

PRM_WELL_KNOWN = "/.well-known/oauth-protected-resource"
AS_WELL_KNOWN = "/.well-known/oauth-authorization-server"
OIDC_WELL_KNOWN = "/.well-known/openid-configuration"
MAX_OPENAPI_CALLS = 2
MAX_SPECULATED_PRMS = 3  # protected-resource metadata an api-catalog names, fetched before a 401 does
JSON_ACCEPT = {"Accept": "application/json"}


# --- pure helpers (the checks use them too) -----------------------------------------------------------


def well_known_prm_urls(resource_url: str) -> list[tuple[str, str, str]]:
    """(metadata URL, resource identifier it describes, via) in MCP order: path-inserted, then root."""
    parts = urlsplit(resource_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    path = parts.path.rstrip("/")
    out = []
    if path:
        out.append((origin + PRM_WELL_KNOWN + path, origin + path, "path-inserted"))
    out.append((origin + PRM_WELL_KNOWN, origin + "/", "root"))
    return out


def resource_for_metadata_url(url: str) -> str | None:
    """The resource identifier a well-known PRM URL was built from (RFC 9728 §3.1), or None for other URLs."""
    parts = urlsplit(url)
    if not parts.path.startswith(PRM_WELL_KNOWN):
        return None
    rest = parts.path[len(PRM_WELL_KNOWN) :]
    if rest and not rest.startswith("/"):
        return None
    return urlunsplit((parts.scheme, parts.netloc, rest or "/", "", ""))


def as_metadata_urls(issuer: str) -> list[tuple[str, str]]:
    """(URL, kind) in the MCP authorization spec's order for this issuer."""
    parts = urlsplit(issuer)
    origin = f"{parts.scheme}://{parts.netloc}"
    # RFC 8414 §3.1: a terminating "/" of the issuer's path is removed before inserting.
    path = parts.path.rstrip("/")
    if path:
        return [
            (origin + AS_WELL_KNOWN + path, "rfc8414"),
            (origin + OIDC_WELL_KNOWN + path, "oidc-inserted"),
            (origin + path + OIDC_WELL_KNOWN, "oidc-appended"),
        ]
    return [(origin + AS_WELL_KNOWN, "rfc8414"), (origin + OIDC_WELL_KNOWN, "oidc")]


# --- shared by the OAuth probes (oauth_flow, signup) ------------------------------------------------------


def basic_auth(client_id: str, secret: str) -> str:
    """An HTTP Basic ``Authorization`` value for client credentials."""
    # RFC 6749 §2.3.1: form-urlencode both parts before Base64.
    raw = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def call_target(disc: OAuthDiscovery, issuer: str | None, origin: str) -> ProtectedCall | None:
    """The protected call a token from ``issuer`` may be sent to: one whose PRM lists that issuer (or, for
    an API key, one on the origin that issued it). REST before MCP."""
    calls = sorted(disc.protected, key=lambda p: (not p.unauthorized, p.method != "GET"))
    for call in calls:
        if issuer is not None:
            for prm in disc.resource_metadata:
                servers = (prm.data or {}).get("authorization_servers") or []
                if (
                    prm.requested_url == call.url
                    and issuer in servers
                    and origin_of(prm.doc.url) == origin_of(call.url)
                ):
                    return call
        if origin_of(call.url) == origin:
            return call
    return None


# --- the prediction consumers may act on before the walk ends --------------------------------------------


@dataclass(frozen=True)
class OAuthPrediction:
    """What ``oauth_discovery`` expects before any of its calls has answered (published with
    :meth:`~agent_ready.probing.ProbeContext.predict`): the endpoints it calls without credentials, in the
    walk's order (the target first when it answered like a protected endpoint), and the target origin's own
    authorization-server metadata, read at t0 (where most services publish it, and where the walk reads it
    when no protected-resource metadata names a server). A consumer sends on it at once, then compares with
    the final :class:`OAuthDiscovery` and sends again only where the prediction missed."""

    calls: tuple[tuple[str, str, str], ...]  # (url, source, method)
    answers: dict[tuple[str, str], asyncio.Future[ProtectedCall]]
    origin_server: asyncio.Future[AuthServer]

    async def answer(self, url: str, method: str) -> ProtectedCall:
        """The walk's own call (shared, never sent again); shielded: a consumer cancelled here leaves it."""
        return await asyncio.shield(self.answers[(url, method)])

    async def server(self) -> AuthServer:
        return await asyncio.shield(self.origin_server)

    def walk_may_read(self, url: str) -> bool:
        """Whether the walk itself may GET ``url`` (a call it makes, or well-known metadata), with its own
        Accept: a consumer that only asks whether it answers leaves it to a later any-Accept lookup rather
        than send it on the prediction, which would send the resource twice."""
        path = urlsplit(url).path
        metadata = (PRM_WELL_KNOWN, AS_WELL_KNOWN, OIDC_WELL_KNOWN)
        called = {normalize_url(u) for u, _, _ in self.calls}
        return normalize_url(url) in called or any(p in path for p in metadata)


def _done(call: ProtectedCall) -> asyncio.Future[ProtectedCall]:
    future: asyncio.Future[ProtectedCall] = asyncio.get_running_loop().create_future()
    future.set_result(call)
    return future


# --- the probe's accumulator ------------------------------------------------------------------------------


@dataclass
class _Draft:
    """What ``oauth_discovery`` learns step by step; the frozen OAuthDiscovery is made from it once."""

    protected: list[ProtectedCall] = field(default_factory=list)
    rejected: list[ProtectedCall] = field(default_factory=list)
    resource_metadata: list[ResourceMetadata] = field(default_factory=list)
    auth_servers: list[AuthServer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    openapi_url: str | None = None
    secured_operations: int = 0
    public_operations: int = 0
    mcp_endpoint: str | None = None
    unfollowed_servers: list[str] = field(default_factory=list)

    def build(self, *, stuck: bool) -> OAuthDiscovery:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return OAuthDiscovery(**values, stuck="discovery" if stuck else None)


# --- finding protected endpoints -----------------------------------------------------------------------


async def _speculate_catalog_metadata(ctx: ProbeContext) -> None:
    """Speculation: an RFC 9727 api-catalog names each API's metadata (``service-meta``); the protected-
    resource metadata among those is where that API's 401 will point, so it goes out beside the calls rather
    than after them. The challenge then confirms it (a shared answer) or names another."""
    catalog = await ctx.maybe("api_catalog")
    named = [t.href for t in catalog.targets("service-meta")] if catalog is not None else []
    for url in [u for u in named if resource_for_metadata_url(u) is not None][:MAX_SPECULATED_PRMS]:
        ctx.fetch.prefetch(url, headers=JSON_ACCEPT)


async def _candidates(ctx: ProbeContext, result: _Draft) -> list[tuple[str, str, str]]:
    """(url, source, method) of endpoints to call without credentials, most specific first."""
    out: list[tuple[str, str, str]] = []
    described, card = await asyncio.gather(ctx.maybe("openapi"), ctx.maybe("mcp_card"))
    description = openapi_description(described)
    if description is not None:
        result.openapi_url = description.url
        gets = []
        for op in description.operations(methods=RESOURCE_METHODS):
            if op.requires_auth:
                result.secured_operations += 1
                # Only GETs without path parameters: a call that might succeed must not change anything.
                if op.method == "GET" and "{" not in op.path:
                    gets.append(description.url_for(op.path))
            else:
                result.public_operations += 1
        out.extend((u, "openapi", "GET") for u in gets[:MAX_OPENAPI_CALLS])
    endpoint = getattr(card, "endpoint_url", None)
    if isinstance(endpoint, str) and endpoint.startswith(("http://", "https://")):
        source = "mcp-card" if getattr(card, "endpoint_source", "card") == "card" else "mcp-default"
        out.append((endpoint, source, "POST"))
        result.mcp_endpoint = endpoint
    default_mcp = urljoin(ctx.target.origin, "/mcp")
    if all(u.rstrip("/") != default_mcp for u, _, _ in out):
        out.append((default_mcp, "mcp-default", "POST"))
    return out


async def _call(ctx: ProbeContext, url: str, source: str, method: str) -> ProtectedCall:
    if method == "POST":
        resp = await post_initialize(ctx, url)
    else:
        resp = await ctx.fetch.get(url, headers=JSON_ACCEPT)
    call = ProtectedCall(
        url=url,
        source=source,
        response=resp,
        method=method,
        challenges=parse_headers(resp.header_values("www-authenticate")),
    )
    if call.unauthorized:
        # The metadata this challenge leads to goes out now, not once every other call has answered.
        for prm_url in _prm_locations(call):
            ctx.fetch.prefetch(prm_url, headers=JSON_ACCEPT)
    return call


def _prm_locations(call: ProtectedCall) -> list[str]:
    """Where the walk reads this call's protected-resource metadata: the challenge's ``resource_metadata``,
    else the well-known locations for the URL called."""
    rm = call.resource_metadata_url
    return [urljoin(call.url, rm)] if rm else [u for u, _, _ in well_known_prm_urls(call.url)]


# Calls sent before the candidates are known (url, method) -> the call, sent with the source it would have.
_Early = dict[tuple[str, str], "asyncio.Task[ProtectedCall]"]


# --- oauth_discovery: its steps, then the probe ---------------------------------------------------------


async def _fetch_prm(
    ctx: ProbeContext, url: str, resource: str, via: str, requested: str | None
) -> ResourceMetadata:
    doc = await fetch_doc(ctx, url, parse="json", accept="application/json")
    return ResourceMetadata(resource=resource, doc=doc, via=via, requested_url=requested)


async def _fetch_as(ctx: ProbeContext, issuer: str, via: str, listed_by: Sequence[str] = ()) -> AuthServer:
    tried: list[Doc] = await walk(
        [
            partial(fetch_doc, ctx, url, parse="json", accept="application/json")
            for url, _ in as_metadata_urls(issuer)
        ],
        hit=lambda doc: doc.found and isinstance(doc.data, dict),
        # The host is refused: its other well-known paths would be refused too.
        stop=lambda doc: doc.response is not None and doc.response.error_kind == "blocked-address",
    )
    found = tried[-1] if tried[-1].found and isinstance(tried[-1].data, dict) else None
    return AuthServer(issuer=issuer, doc=found, tried=tried, via=via, listed_by=list(listed_by))


async def _collect_protected(
    ctx: ProbeContext, result: _Draft, early: _Early, origin_walk: asyncio.Task[AuthServer]
) -> list[ProtectedCall]:
    """Fill ``result.protected`` with the calls that look protected: the target when it answered like one,
    then each candidate called without credentials. Returns the candidate calls that were not (their
    reasons are in ``result.notes``). Publishes the :class:`OAuthPrediction` once the calls are sent."""
    target: Response | None = await ctx.maybe("target")
    if (target is not None and not target.failed and target.status in (401, 403)) or (
        target is not None and looks_like_auth_error(target)
    ):
        result.protected.append(
            ProtectedCall(
                url=ctx.target.url,
                source="target",
                response=target,
                challenges=parse_headers(target.header_values("www-authenticate")),
            )
        )
    rejected: list[ProtectedCall] = []
    todo: list[tuple[str, str, str]] = []
    for url, source, method in await _candidates(ctx, result):
        if all(
            u.rstrip("/") != url.rstrip("/") for u in [p.url for p in result.protected] + [t[0] for t in todo]
        ):
            todo.append((url, source, method))
    # The calls are independent: all go out at once (some went out before the candidates were known), and
    # are judged in order.
    sent = [asyncio.ensure_future(_sent(ctx, early, url, source, method)) for url, source, method in todo]
    answers: dict[tuple[str, str], asyncio.Future[ProtectedCall]] = {}
    order = [(c.url, c.source, c.method) for c in result.protected] + todo
    for call in result.protected:
        answers[(call.url, call.method)] = _done(call)
    for (url, _, method), task in zip(todo, sent, strict=True):
        answers.setdefault((url, method), task)
    ctx.predict(OAuthPrediction(calls=tuple(order), answers=answers, origin_server=origin_walk))
    calls = await asyncio.gather(*sent)
    for (url, source, method), call in zip(todo, calls, strict=True):
        why_not = _not_protected(call)
        if why_not is None:
            result.protected.append(call)
        else:
            result.notes.append(f"{method} {url} ({source}){why_not}")
            rejected.append(call)
    return rejected


async def _sent(ctx: ProbeContext, early: _Early, url: str, source: str, method: str) -> ProtectedCall:
    task = early.pop((url, method), None)
    if task is None:
        return await _call(ctx, url, source, method)
    return replace(await task, source=source)


def _not_protected(call: ProtectedCall) -> str | None:
    """Why an unauthenticated call does not show a protected endpoint (the end of a note), or None when it
    may be one. A miss (404), an unanswered call or an HTML page is not; keep what could be one."""
    resp, status = call.response, call.response.status
    if resp.failed or status in (404, 405, 410) or (status and status >= 500 and not call.challenges):
        return f": {resp.describe()}; not a protected endpoint"
    if resp.ok and not looks_like_auth_error(resp):
        return f" answered {status} without credentials; not protected"
    if resp.looks_like_html and status in (200, 302, 303):
        return " answered an HTML page; not an API challenge"
    return None


def _stuck_at_challenge(first: ProtectedCall | None) -> bool:
    """An agent following the specs stops when no endpoint answered 401 (there is no challenge to follow)."""
    return first is None or not first.unauthorized


async def _follow_resource_metadata(ctx: ProbeContext, result: _Draft, calls: list[ProtectedCall]) -> None:
    """Protected-resource metadata: from each challenge, else the well-known locations for each called URL,
    and always the root document of the target's origin (some services publish one the 401 never names)."""
    # Every location this walk may read goes out now; the walk below then takes them in order (first found
    # wins), each a shared answer rather than a round trip of its own.
    for call in calls:
        for url in _prm_locations(call):
            ctx.fetch.prefetch(url, headers=JSON_ACCEPT)
    seen: set[str] = set()
    for call in calls:
        rm = call.resource_metadata_url
        if rm:
            url = urljoin(call.url, rm)
            if url not in seen:
                seen.add(url)
                # RFC 9728 §3.3: metadata reached through a resource_metadata link MUST name the URL the
                # client requested, not whatever resource its own URL was built from: the impersonation
                # guard (a 401 on one API linking to another resource's, or a foreign origin's, metadata).
                result.resource_metadata.append(
                    await _fetch_prm(ctx, url, call.url, "resource_metadata", call.url)
                )
            continue
        for url, resource, via in well_known_prm_urls(call.url):
            if url in seen:
                continue
            seen.add(url)
            prm = await _fetch_prm(ctx, url, resource, via, call.url)
            result.resource_metadata.append(prm)
            if prm.doc.found:
                break
    root_url, root_resource, _ = well_known_prm_urls(ctx.target.origin + "/")[-1]
    if root_url not in seen:
        result.resource_metadata.append(await _fetch_prm(ctx, root_url, root_resource, "root", None))


def _stuck_at_prm(chosen: ResourceMetadata | None) -> bool:
    """An agent stops at protected-resource metadata it cannot use: none, one for another resource (RFC 9728
    §3.3 says it MUST NOT be used) or one that names no authorization server."""
    if chosen is None or chosen.data is None:
        return True
    if resource_match(chosen.data.get("resource"), chosen.resource, chosen.requested_url) in (
        "missing",
        "mismatch",
    ):
        return True
    servers = chosen.data.get("authorization_servers")
    return not isinstance(servers, list) or not servers


async def _fetch_auth_servers(
    ctx: ProbeContext, result: _Draft, usable: list[ResourceMetadata], origin_walk: asyncio.Task[AuthServer]
) -> None:
    """Authorization-server metadata for every issuer any PRM lists, in listing order; without a usable
    one, the target's own origin (many services publish RFC 8414 metadata there anyway)."""
    issuers: dict[str, list[str]] = {}
    for prm in usable:
        servers = prm.data.get("authorization_servers") if prm.data else None
        for issuer in servers if isinstance(servers, list) else []:
            if isinstance(issuer, str) and issuer.startswith(("http://", "https://")):
                issuers.setdefault(issuer, []).append(prm.doc.url)
    followed, result.unfollowed_servers = bounded(list(issuers), MAX_AUTH_SERVERS)
    servers = await asyncio.gather(*(_fetch_as(ctx, issuer, "prm", issuers[issuer]) for issuer in followed))
    result.auth_servers.extend(servers)
    if not any(a.metadata is not None for a in result.auth_servers) and ctx.target.origin not in issuers:
        result.auth_servers.append(await origin_walk)


@probe(
    OAUTH_DISCOVERY,
    description="Walk the chain from the URL: a protected call, its WWW-Authenticate challenge, RFC 9728 "
    "resource metadata, RFC 8414/OIDC authorization-server metadata (MCP order)",
)
async def oauth_discovery(ctx: ProbeContext) -> OAuthDiscovery:
    # Speculation: the target origin's well-known metadata goes out at t0, beside the protected calls. The
    # root protected-resource document is always read (below), the path-inserted one for the target URL is
    # where its challenge most often points, and the origin is where most services publish their server
    # metadata (and where the walk reads it when no PRM names a server); a 401's resource_metadata then
    # confirms them or names others. The default MCP endpoint is always called (unless it is the target, or
    # a card or the OpenAPI description names it otherwise), so its call needs not wait for them either.
    for url, _, _ in well_known_prm_urls(ctx.target.url):
        ctx.fetch.prefetch(url, headers=JSON_ACCEPT)
    origin_walk = asyncio.ensure_future(_fetch_as(ctx, ctx.target.origin, "origin"))
    default_mcp = urljoin(ctx.target.origin, "/mcp")
    early: _Early = {}
    if ctx.target.url.rstrip("/") != default_mcp:
        early[(default_mcp, "POST")] = asyncio.ensure_future(_call(ctx, default_mcp, "mcp-default", "POST"))
    speculative = [*early.values(), origin_walk, asyncio.ensure_future(_speculate_catalog_metadata(ctx))]
    try:
        result = await _walk(ctx, early, origin_walk)
    except BaseException:  # cancelled at the scan deadline (or a bug): nothing of this probe goes on
        for task in speculative:
            task.cancel()
        raise
    # A speculative call no candidate used, or the origin walk no fallback needed, still ends here.
    await asyncio.gather(*speculative, return_exceptions=True)
    return result


async def _walk(ctx: ProbeContext, early: _Early, origin_walk: asyncio.Task[AuthServer]) -> OAuthDiscovery:
    result = _Draft()
    result.rejected = await _collect_protected(ctx, result, early, origin_walk)

    # An agent follows the most helpful challenge it met: one that names its metadata first.
    unauthorized = sorted(
        (p for p in result.protected if p.unauthorized), key=lambda p: not p.resource_metadata_url
    )
    first = unauthorized[0] if unauthorized else (result.protected[0] if result.protected else None)
    stuck = _stuck_at_challenge(first)

    await _follow_resource_metadata(ctx, result, unauthorized or result.protected)
    usable = [r for r in result.resource_metadata if r.data is not None]
    chosen = next((r for r in usable if r.requested_url == (first.url if first else None)), None) or (
        usable[0] if usable else None
    )
    stuck = stuck or _stuck_at_prm(chosen)

    await _fetch_auth_servers(ctx, result, usable, origin_walk)
    return result.build(stuck=stuck or _stuck_at_as(result, chosen))


def _stuck_at_as(result: _Draft, chosen: ResourceMetadata | None) -> bool:
    """An agent stops when no listed issuer has metadata whose issuer is that issuer (RFC 8414 §3.3)."""
    listed = (chosen.data or {}).get("authorization_servers") if chosen else None
    servers = [a for a in result.auth_servers if not listed or a.issuer in listed] or result.auth_servers
    return not any(a.metadata is not None and a.metadata.get("issuer") == a.issuer for a in servers)


# --- fake-credential token request ----------------------------------------------------------------------


FAKE_CLIENT = ("agent-ready-fake-client", "agent-ready-fake-secret")


def usable_server(disc: OAuthDiscovery | None) -> AuthServer | None:
    """The first authorization server whose metadata was found (issuer-consistent first)."""
    return usable_server_of(disc.auth_servers if disc else [])


def usable_server_of(auth_servers: Sequence[AuthServer]) -> AuthServer | None:
    servers = [a for a in auth_servers if a.metadata is not None]
    consistent = (a for a in servers if a.metadata is not None and a.metadata.get("issuer") == a.issuer)
    return next(consistent, servers[0] if servers else None)


@dataclass(frozen=True)
class _TokenRequest:
    """The fake-credential token request for one authorization server: what is sent, and to whom."""

    endpoint: str
    issuer: str
    form: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    auth_method: str

    async def send(self, ctx: ProbeContext) -> Response:
        # Shared through the cache (it creates nothing): the request sent on the prediction is the one the
        # final answer asks for when the prediction held, so it is never sent twice.
        return await ctx.fetch.request(
            "POST", self.endpoint, data=dict(self.form), headers=dict(self.headers), cache=True
        )


def _token_request(server: AuthServer | None) -> _TokenRequest | None:
    meta = server.metadata if server else None
    endpoint = meta.get("token_endpoint") if meta else None
    if server is None or not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
        return None
    methods = meta.get("token_endpoint_auth_methods_supported") if meta else None
    # RFC 8414 §2: the default auth method is client_secret_basic.
    use_basic = (
        not isinstance(methods, list)
        or "client_secret_basic" in methods
        or "client_secret_post" not in methods
    )
    form = {"grant_type": "client_credentials"}
    headers = dict(JSON_ACCEPT)
    if use_basic:
        headers["Authorization"] = basic_auth(*FAKE_CLIENT)
    else:
        form |= {"client_id": FAKE_CLIENT[0], "client_secret": FAKE_CLIENT[1]}
    return _TokenRequest(
        endpoint=endpoint,
        issuer=server.issuer,
        form=tuple(form.items()),
        headers=tuple(headers.items()),
        auth_method="client_secret_basic" if use_basic else "client_secret_post",
    )


@probe(
    OAUTH_TOKEN_ERRORS,
    description="POST the token endpoint with made-up client credentials (creates nothing) and keep the "
    "RFC 6749 §5.2 error",
)
async def oauth_token_errors(ctx: ProbeContext) -> TokenErrorProbe:
    # Speculation: the walk most often ends at the origin's own server metadata (read at t0), so the request
    # goes out on it beside the walk's calls; the final answer below then asks for the same request (shared)
    # or, where the walk chose another server, for its own.
    prediction: OAuthPrediction | None = await ctx.predicted("oauth_discovery")
    guess = _token_request(usable_server_of([await prediction.server()])) if prediction else None
    early = asyncio.ensure_future(guess.send(ctx)) if guess is not None else None
    try:
        disc: OAuthDiscovery | None = await ctx.maybe("oauth_discovery")
        server = usable_server(disc)
        chosen = _token_request(server)
        resp = await chosen.send(ctx) if chosen is not None else None
    except BaseException:  # cancelled at the scan deadline: the speculation ends with it
        if early is not None:
            early.cancel()
        raise
    if early is not None:  # a missed prediction's answer is not read, but it is not left running either
        await asyncio.gather(early, return_exceptions=True)
    if chosen is None:
        return TokenErrorProbe(
            token_endpoint=None,
            issuer=server.issuer if server else None,
            skipped="no token_endpoint in any authorization-server metadata",
        )
    return TokenErrorProbe(
        token_endpoint=chosen.endpoint, issuer=chosen.issuer, response=resp, auth_method=chosen.auth_method
    )


__all__ = [
    "OAuthPrediction",
    "TokenErrorProbe",
    "as_metadata_urls",
    "call_target",
    "endpoint_scheme_problems",
    "grants_of",
    "looks_like_auth_error",
    "oauth_discovery",
    "oauth_token_errors",
    "resource_for_metadata_url",
    "resource_match",
    "usable_server",
    "well_known_prm_urls",
]
