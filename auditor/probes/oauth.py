"""OAuth discovery as an agent walks it, the token-endpoint error probe, sign-up routes, and the ACTIVE flow.

Passive probes:

- ``oauth_discovery``: find protected endpoints (the URL itself, secured OpenAPI operations, the MCP endpoint
  of the server card, ``/mcp``), call them without credentials, parse ``WWW-Authenticate``, follow
  ``resource_metadata`` (RFC 9728 §5.1) or, without it, the path-inserted then root well-known locations
  (MCP authorization spec order), then fetch each authorization server's metadata in MCP order (RFC 8414
  path insertion, OIDC path insertion, OIDC path appending; for an issuer without a path, RFC 8414 then OIDC).
- ``oauth_token_errors``: one token request with made-up client credentials (creates nothing).
- ``signup_routes``: documented routes that create an account or an API key, and the gates they state.

ACTIVE probes (``--active`` only):

- ``oauth_flow``: RFC 7591 registration with the MCP payload then RFC 7592 delete; a headless token
  (client_credentials with a freshly registered client, else the auth.md credential, else an API key);
  one authenticated call to the protected resource; revocation and deletion of what was created.
- ``signup_account``: call the documented API-key route, use the key once on its own origin, delete it.

Every secret obtained is registered with the redactor the moment it arrives. Credentials are sent only to
the origin that issued them (a token also to the resource whose metadata names its issuer).
"""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from auditor.checkapi import evidence_ids
from auditor.fetch import Response, origin_of
from auditor.models import JourneyStep
from auditor.netpolicy import is_loopback_host
from auditor.probes.discovery import post_initialize
from auditor.probes.documents import Doc, DocState, fetch_doc
from auditor.probes.oauth_model import AuthServer, OAuthDiscovery, ProtectedCall, ResourceMetadata
from auditor.probing import ProbeContext, probe
from auditor.wwwauth import parse_headers

PRM_WELL_KNOWN = "/.well-known/oauth-protected-resource"
AS_WELL_KNOWN = "/.well-known/oauth-authorization-server"
OIDC_WELL_KNOWN = "/.well-known/openid-configuration"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
# RFC 8414 §2: "If omitted, the default value is ["authorization_code", "implicit"]".
DEFAULT_GRANTS = ("authorization_code", "implicit")
MAX_OPENAPI_CALLS = 2
JSON_ACCEPT = {"Accept": "application/json"}
# The registration payload of standards C5 (MCP-style public client); application_type is a MUST in MCP
# 2026-07-28 for dynamic registration.
DCR_PAYLOAD = {
    "client_name": "agent-readiness-audit",
    "redirect_uris": ["http://127.0.0.1:8976/cb"],
    "grant_types": ["authorization_code"],
    "token_endpoint_auth_method": "none",
    "application_type": "native",
}


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


def _norm(url: str) -> str:
    """Compare URLs the way RFC 3986 §6.2.3 allows: scheme/host case-insensitive, empty path == "/"."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


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


def json_error(resp: Response | None) -> dict[str, Any] | None:
    data = resp.json if resp is not None and not resp.failed else None
    return data if isinstance(data, dict) else None


def _step(
    ctx: ProbeContext,
    title: str,
    status: str,
    learned: str,
    *evidence: Response | Doc | None,
    reason: str | None = None,
    fix: str | None = None,
    check: str | None = None,
    started: float,
) -> None:
    ids = evidence_ids(item.evidence if isinstance(item, Doc) else item for item in evidence)
    ctx.step(
        JourneyStep(
            title=title,
            status=status,
            learned=ctx.redactor.text(learned),
            exchanges=ids,
            elapsed_ms=round((time.monotonic() - started) * 1000, 1),
            reason=ctx.redactor.text(reason) if reason else None,
            fix=fix,
            check=check,
        )
    )


# --- finding protected endpoints -----------------------------------------------------------------------


def _openapi_description(art: Any) -> tuple[dict[str, Any] | None, str | None]:
    """The OpenAPI dict and its URL from the discovery probe's artifact, whatever its exact shape."""
    for candidate in (getattr(art, "description", None), art):
        data = getattr(candidate, "data", None)
        if isinstance(data, dict) and ("openapi" in data or "swagger" in data):
            url = getattr(candidate, "url", None)
            if not isinstance(url, str):
                doc = getattr(candidate, "doc", None)
                url = getattr(doc, "url", None)
            return data, url if isinstance(url, str) else None
    return None, None


def _server_base(spec: dict[str, Any], doc_url: str) -> str:
    if "swagger" in spec and isinstance(spec.get("host"), str):
        scheme = (spec.get("schemes") or [urlsplit(doc_url).scheme])[0]
        return f"{scheme}://{spec['host']}{spec.get('basePath') or ''}"
    for server in spec.get("servers") or []:
        if isinstance(server, dict) and isinstance(server.get("url"), str) and "{" not in server["url"]:
            return urljoin(doc_url, server["url"])
    return origin_of(doc_url)


def openapi_operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    """(METHOD, path, operation, effective security requirements) for every operation."""
    declared = spec.get("security")
    top: list[Any] = declared if isinstance(declared, list) else []
    out = []
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            op = item.get(method)
            if isinstance(op, dict):
                own = op.get("security")
                sec: list[Any] = own if isinstance(own, list) else top
                out.append((method.upper(), str(path), op, [r for r in sec if isinstance(r, dict)]))
    return out


def requires_auth(security: list[dict[str, Any]]) -> bool:
    # An empty requirement object ({}) among the alternatives makes authentication optional.
    return bool(security) and all(bool(r) for r in security)


async def _candidates(ctx: ProbeContext, result: OAuthDiscovery) -> list[tuple[str, str, str]]:
    """(url, source, method) of endpoints to call without credentials, most specific first."""
    out: list[tuple[str, str, str]] = []
    openapi = await ctx.maybe("openapi")
    spec, doc_url = _openapi_description(openapi)
    if spec is not None and doc_url:
        result.openapi_url = doc_url
        base = _server_base(spec, doc_url)
        gets = []
        for method, path, _op, security in openapi_operations(spec):
            if requires_auth(security):
                result.secured_operations += 1
                # Only GETs without path parameters: a call that might succeed must not change anything.
                if method == "GET" and "{" not in path:
                    gets.append(base.rstrip("/") + "/" + path.lstrip("/"))
            else:
                result.public_operations += 1
        out.extend((u, "openapi", "GET") for u in gets[:MAX_OPENAPI_CALLS])
    card = await ctx.maybe("mcp_card")
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
    return ProtectedCall(
        url=url,
        source=source,
        response=resp,
        method=method,
        challenges=parse_headers(resp.header_values("www-authenticate")),
    )


def looks_like_auth_error(resp: Response) -> bool:
    """A 200 whose JSON body is really an authentication error (the "401 that is a 200")."""
    data = json_error(resp)
    if not resp.ok or data is None:
        return False
    # Only a body that says it is an error: a welcome document that mentions tokens is not one.
    says_error = "error" in data or "errors" in data or str(data.get("status")) in ("401", "403") or \
        str(data.get("code", "")).lower() in ("401", "403", "unauthorized", "unauthenticated", "forbidden")
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


# --- the probe ------------------------------------------------------------------------------------------


async def _fetch_prm(
    ctx: ProbeContext, url: str, resource: str, via: str, requested: str | None
) -> ResourceMetadata:
    doc = await fetch_doc(ctx, url, parse="json", accept="application/json")
    return ResourceMetadata(resource=resource, doc=doc, via=via, requested_url=requested)


async def _fetch_as(ctx: ProbeContext, issuer: str, via: str) -> AuthServer:
    server = AuthServer(issuer=issuer, doc=None, via=via)
    for url, _kind in as_metadata_urls(issuer):
        doc = await fetch_doc(ctx, url, parse="json", accept="application/json")
        server.tried.append(doc)
        if doc.found and isinstance(doc.data, dict):
            server.doc = doc
            break
        if doc.response is not None and doc.response.error_kind == "blocked-address":
            break  # the host is refused; its other well-known paths would be refused too
    return server


@probe(
    "oauth_discovery",
    description="Walk the chain from the URL: a protected call, its WWW-Authenticate challenge, RFC 9728 "
                "resource metadata, RFC 8414/OIDC authorization-server metadata (MCP order)",
)
async def oauth_discovery(ctx: ProbeContext) -> OAuthDiscovery:
    result = OAuthDiscovery()
    t0 = time.monotonic()
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
    for url, source, method in await _candidates(ctx, result):
        if any(p.url.rstrip("/") == url.rstrip("/") for p in result.protected):
            continue
        call = await _call(ctx, url, source, method)
        # A miss (404), an unanswered call or an HTML page is not a protected endpoint; keep what could be
        # one.
        status = call.response.status
        if (
            call.response.failed
            or status in (404, 405, 410)
            or (status and status >= 500 and not call.challenges)
        ):
            result.notes.append(
                f"{method} {url} ({source}): {call.response.describe()}; not a protected endpoint"
            )
            continue
        if call.response.ok and not looks_like_auth_error(call.response):
            result.notes.append(
                f"{method} {url} ({source}) answered {status} without credentials; not protected"
            )
            continue
        if call.response.looks_like_html and status in (200, 302, 303):
            result.notes.append(f"{method} {url} ({source}) answered an HTML page; not an API challenge")
            continue
        result.protected.append(call)

    # An agent follows the most helpful challenge it met: one that names its metadata first.
    unauthorized = sorted((p for p in result.protected if p.unauthorized),
                          key=lambda p: not p.resource_metadata_url)
    first = unauthorized[0] if unauthorized else (result.protected[0] if result.protected else None)
    stuck = False
    if first is None:
        stuck = True
        _step(
            ctx,
            "Call a protected endpoint without credentials",
            "stuck",
            "No endpoint answered with an authentication challenge. " + "; ".join(result.notes[:4]),
            reason="nothing an agent can find (the URL, OpenAPI operations with a security requirement, an "
                   "MCP server card, /mcp) answers 401 to a call without credentials",
            fix="Answer unauthenticated calls to protected endpoints with 401 and WWW-Authenticate: Bearer "
                "resource_metadata=\"…\" (RFC 9728 §5.1), and declare security requirements in the OpenAPI "
                "description.",
            check="tokens.challenge",
            started=t0,
        )
    else:
        step_status = "ok" if first.unauthorized else "stuck"
        _step(
            ctx,
            "Call a protected endpoint without credentials",
            step_status,
            f"{first.method} {first.url} (found via {first.source}) answered {first.response.describe()}",
            first.response,
            reason=None
            if first.unauthorized
            else f"the endpoint answered {first.response.status}, not 401: there is no challenge to follow",
            fix=None if first.unauthorized else "Answer 401 with a WWW-Authenticate challenge.",
            check="tokens.challenge",
            started=t0,
        )
        stuck = not first.unauthorized
        if first.unauthorized:
            rm = first.resource_metadata_url
            if rm:
                _step(
                    ctx,
                    "Read the WWW-Authenticate challenge",
                    "ok",
                    f"scheme {first.bearer.scheme if first.bearer else first.challenges[0].scheme}; "
                    f"resource_metadata={rm}",
                    first.response,
                    check="tokens.challenge",
                    started=t0,
                )
            else:
                _step(
                    ctx,
                    "Read the WWW-Authenticate challenge",
                    "warn",
                    "no resource_metadata parameter; falling back to the well-known locations (MCP order)",
                    first.response,
                    reason="the 401 does not say where the protected-resource metadata is",
                    fix='Add resource_metadata="<URL of the RFC 9728 document>" to the Bearer challenge.',
                    check="tokens.challenge",
                    started=t0,
                )

    # Protected-resource metadata: from each challenge, else the well-known locations for each called URL,
    # and always the root document of the target's origin (some services publish one the 401 never names).
    seen: set[str] = set()
    for call in unauthorized or result.protected:
        rm = call.resource_metadata_url
        if rm:
            url = urljoin(call.url, rm)
            if url not in seen:
                seen.add(url)
                # A well-known URL names the identifier it was built from (RFC 9728 §3.1); any other URL can
                # only be checked against the URL called (§3.3).
                expected = resource_for_metadata_url(url) or call.url
                result.resource_metadata.append(
                    await _fetch_prm(ctx, url, expected, "resource_metadata", call.url)
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

    usable = [r for r in result.resource_metadata if r.data is not None]
    chosen = next((r for r in usable if r.requested_url == (first.url if first else None)), None) or (
        usable[0] if usable else None
    )
    if not stuck:
        if chosen is None or chosen.data is None:  # `usable` holds only documents whose data is a dict
            stuck = True
            tried = "; ".join(r.doc.describe() for r in result.resource_metadata)
            _step(
                ctx,
                "Fetch the protected-resource metadata (RFC 9728)",
                "stuck",
                f"tried {tried}",
                *[r.doc for r in result.resource_metadata],
                reason="no protected-resource metadata document found",
                fix="Serve RFC 9728 metadata at /.well-known/oauth-protected-resource<path> and point to "
                    "it from the 401 challenge.",
                check="tokens.resource-metadata",
                started=t0,
            )
        else:
            match = resource_match(chosen.data.get("resource"), chosen.resource, chosen.requested_url)
            servers = chosen.data.get("authorization_servers")
            if match in ("missing", "mismatch"):
                stuck = True
                _step(
                    ctx,
                    "Fetch the protected-resource metadata (RFC 9728)",
                    "stuck",
                    f"{chosen.doc.url}: resource={chosen.data.get('resource')!r}",
                    chosen.doc,
                    reason=f"its resource {chosen.data.get('resource')!r} is not the resource it was "
                           f"fetched for ({chosen.resource}); RFC 9728 §3.3 says such metadata MUST NOT be "
                           "used",
                    fix=f"Set resource to {chosen.resource}.",
                    check="tokens.resource-metadata",
                    started=t0,
                )
            elif not isinstance(servers, list) or not servers:
                stuck = True
                _step(
                    ctx,
                    "Fetch the protected-resource metadata (RFC 9728)",
                    "stuck",
                    f"{chosen.doc.url}",
                    chosen.doc,
                    reason="authorization_servers is missing or empty: no issuer to ask for a token",
                    fix="List the issuer URL(s) in authorization_servers.",
                    check="tokens.resource-metadata",
                    started=t0,
                )
            else:
                _step(
                    ctx,
                    "Fetch the protected-resource metadata (RFC 9728)",
                    "ok",
                    f"{chosen.doc.url} ({chosen.via}): resource {chosen.data.get('resource')}, "
                    f"authorization servers {', '.join(str(s) for s in servers)}",
                    chosen.doc,
                    check="tokens.resource-metadata",
                    started=t0,
                )

    # Authorization-server metadata for every issuer any PRM lists, in listing order.
    issuers: dict[str, list[str]] = {}
    for prm in usable:
        servers = prm.data.get("authorization_servers") if prm.data else None
        for issuer in servers if isinstance(servers, list) else []:
            if isinstance(issuer, str) and issuer.startswith(("http://", "https://")):
                issuers.setdefault(issuer, []).append(prm.doc.url)
    for issuer, listed_by in issuers.items():
        server = await _fetch_as(ctx, issuer, "prm")
        server.listed_by = listed_by
        result.auth_servers.append(server)
    if not any(a.metadata is not None for a in result.auth_servers) and ctx.target.origin not in issuers:
        # No PRM named a usable issuer: many services publish RFC 8414 metadata for their own origin anyway.
        result.auth_servers.append(await _fetch_as(ctx, ctx.target.origin, "origin"))

    if not stuck:
        stuck = _record_as_step(ctx, result, chosen, t0)
    if not ctx.active:
        for title, check in (
            ("Register a client (RFC 7591) or create an account", "signup.client-registration"),
            ("Obtain a token without a browser", "tokens.issue"),
            ("Call the protected endpoint with the token", "tokens.issue"),
        ):
            if stuck:
                break
            _step(
                ctx,
                title,
                "skipped",
                "not attempted: this step changes state on the target",
                reason="ACTIVE step; rerun with --active to take it",
                check=check,
                started=t0,
            )
    result.stuck = "discovery" if stuck else None
    return result


def _record_as_step(
    ctx: ProbeContext, result: OAuthDiscovery, chosen: ResourceMetadata | None, t0: float
) -> bool:
    listed = (chosen.data or {}).get("authorization_servers") if chosen else None
    servers = [a for a in result.auth_servers if not listed or a.issuer in listed] or result.auth_servers
    good = [a for a in servers if a.metadata is not None and a.metadata.get("issuer") == a.issuer]
    blocked = [a for a in servers if a.blocked is not None]
    notes = [
        f"{a.issuer}: refused to fetch ({a.blocked.response.error})"
        for a in blocked
        if a.blocked and a.blocked.response
    ]
    if good:
        a = good[0]
        meta = a.metadata or {}
        grants, _ = grants_of(meta)
        _step(
            ctx,
            "Fetch the authorization-server metadata (RFC 8414 / OIDC)",
            "warn" if notes else "ok",
            f"{a.doc.url if a.doc else a.issuer}: token_endpoint {meta.get('token_endpoint')}; grants "
            f"{', '.join(grants)}"
            + (
                f"; registration_endpoint {meta['registration_endpoint']}"
                if meta.get("registration_endpoint")
                else ""
            ),
            a.doc,
            *[b.blocked for b in blocked],
            reason="; ".join(notes) or None,
            fix="List only reachable, public https issuers in authorization_servers." if notes else None,
            check="tokens.server-metadata",
            started=t0,
        )
        return False
    mismatch = next((a for a in servers if a.metadata is not None), None)
    if mismatch is not None:
        claimed = mismatch.metadata.get("issuer") if mismatch.metadata is not None else None
        reason = (
            f"the metadata fetched for issuer {mismatch.issuer} says issuer "
            f"{claimed!r}; RFC 8414 §3.3 says it MUST NOT be used"
        )
        fix = f"Set issuer to exactly {mismatch.issuer}."
        evidence: list[Doc | None] = [mismatch.doc]
    else:
        reason = (
            "no authorization-server metadata found: "
            + "; ".join(d.describe() for a in servers for d in a.tried)
            + ("; " + "; ".join(notes) if notes else "")
        )
        fix = "Serve RFC 8414 metadata at /.well-known/oauth-authorization-server for each listed issuer."
        evidence = [d for a in servers for d in a.tried]
    _step(
        ctx,
        "Fetch the authorization-server metadata (RFC 8414 / OIDC)",
        "stuck",
        ", ".join(a.issuer for a in servers) or "no issuer",
        *evidence,
        reason=reason,
        fix=fix,
        check="tokens.server-metadata",
        started=t0,
    )
    return True


# --- fake-credential token request ----------------------------------------------------------------------


@dataclass
class TokenErrorProbe:
    token_endpoint: str | None
    issuer: str | None = None
    response: Response | None = None
    auth_method: str | None = None  # "client_secret_basic" | "client_secret_post"
    skipped: str | None = None  # why no request was sent


FAKE_CLIENT = ("agent-ready-fake-client", "agent-ready-fake-secret")


def usable_server(disc: OAuthDiscovery | None) -> AuthServer | None:
    """The first authorization server whose metadata was found (issuer-consistent first)."""
    servers = [a for a in (disc.auth_servers if disc else []) if a.metadata is not None]
    consistent = (a for a in servers if a.metadata is not None and a.metadata.get("issuer") == a.issuer)
    return next(consistent, servers[0] if servers else None)


@probe(
    "oauth_token_errors",
    description="POST the token endpoint with made-up client credentials (creates nothing) and keep the "
                "RFC 6749 §5.2 error",
)
async def oauth_token_errors(ctx: ProbeContext) -> TokenErrorProbe:
    disc: OAuthDiscovery | None = await ctx.maybe("oauth_discovery")
    server = usable_server(disc)
    meta = server.metadata if server else None
    endpoint = meta.get("token_endpoint") if meta else None
    if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
        return TokenErrorProbe(
            token_endpoint=None,
            issuer=server.issuer if server else None,
            skipped="no token_endpoint in any authorization-server metadata",
        )
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
        raw = f"{quote(FAKE_CLIENT[0], safe='')}:{quote(FAKE_CLIENT[1], safe='')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
    else:
        form |= {"client_id": FAKE_CLIENT[0], "client_secret": FAKE_CLIENT[1]}
    resp = await ctx.fetch.request("POST", endpoint, data=form, headers=headers)
    return TokenErrorProbe(
        token_endpoint=endpoint,
        issuer=server.issuer if server else None,
        response=resp,
        auth_method="client_secret_basic" if use_basic else "client_secret_post",
    )


# --- sign-up routes ---------------------------------------------------------------------------------------

SIGNUP_PATH = re.compile(
    r"(sign-?up|register|registration|accounts?\b|api[-_]?keys?|/keys\b|/tokens?\b|"
    r"credentials?|identit(y|ies)|/agent/auth)",
    re.I,
)
GATE_PATTERNS: dict[str, re.Pattern[str]] = {
    "captcha": re.compile(r"captcha|g-recaptcha|h-captcha|turnstile", re.I),
    "email-verification": re.compile(
        r"verif\w*\W+(your\W+)?e-?mail|e-?mail\W+(address\W+)?verif|confirmation "
        r"(e-?mail|link)|magic[- ]link|one[- ]time (pass)?code (sent )?(by|via|to) e-?mail",
        re.I,
    ),
    "proof-of-work": re.compile(
        r"proof[- ]of[- ]work|hashcash|\bpow\b|challenge ?token|sha-?256 chain", re.I
    ),
    "rate-limit": re.compile(
        r"rate[- ]?limit|requests? per (second|minute|hour|day)|per (minute|hour|day)|"
        r"retry-after|\b429\b",
        re.I,
    ),
    "terms-field": re.compile(
        r"(accept|agree)\w*[_ -]?(the[_ -])?(terms|tos)|terms[_ -]?(of[_ -]service)?[_ -]?"
        r"(accepted|agreed)|termsofservice|accepttermsofservice",
        re.I,
    ),
}


@dataclass
class SignupRoute:
    kind: str  # "openapi" | "auth.md"
    method: str
    url: str
    label: str  # operationId / member name
    requires_auth: bool = False
    gates: list[str] = field(default_factory=list)
    evidence: tuple[str, ...] = ()
    schema: dict[str, Any] | None = None  # the JSON request schema, for the ACTIVE call


@dataclass
class SignupRoutes:
    routes: list[SignupRoute] = field(default_factory=list)
    text_gates: list[str] = field(default_factory=list)  # gates stated in auth.md prose
    openapi_url: str | None = None
    authmd_found: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def open_routes(self) -> list[SignupRoute]:
        return [r for r in self.routes if not r.requires_auth]


_NEGATION = re.compile(r"\b(no|not|without|never|nor|neither|instead of)\b[^.;:\n]{0,40}$", re.I)


def gates_in(text: str) -> list[str]:
    """The gates a text states. "No account, e-mail or CAPTCHA needed" states none: a mention after a
    negation in the same clause does not count."""
    found = []
    for name, pattern in GATE_PATTERNS.items():
        for m in pattern.finditer(text):
            if not _NEGATION.search(text[max(0, m.start() - 60) : m.start()]):
                found.append(name)
                break
    return found


def signup_prose(markdown: str) -> str:
    """auth.md without its claim sections: verifying a human's e-mail when they claim is not a sign-up
    gate."""
    keep: list[str] = []
    skipping = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("#"):
            skipping = bool(re.search(r"claim|revoc", line, re.I))
        if not skipping:
            keep.append(line)
    return "\n".join(keep)


def _schema_of(op: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any] | None:
    body = op.get("requestBody")
    if isinstance(body, dict) and "$ref" in body:
        body = _deref(spec, body["$ref"])
    content = body.get("content") if isinstance(body, dict) else None
    media = (content or {}).get("application/json") if isinstance(content, dict) else None
    schema = media.get("schema") if isinstance(media, dict) else None
    if isinstance(schema, dict) and "$ref" in schema:
        schema = _deref(spec, schema["$ref"])
    return schema if isinstance(schema, dict) else None


def _deref(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _flatten(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k} {_flatten(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(_flatten(v) for v in value)
    return str(value)


@probe(
    "signup_routes",
    description="Find documented routes that create an account or API key (OpenAPI, auth.md agent_auth) "
                "and the abuse gates they state",
)
async def signup_routes(ctx: ProbeContext) -> SignupRoutes:
    result = SignupRoutes()
    spec, doc_url = _openapi_description(await ctx.maybe("openapi"))
    if spec is not None and doc_url:
        result.openapi_url = doc_url
        base = _server_base(spec, doc_url)
        for method, path, op, security in openapi_operations(spec):
            label = str(op.get("operationId") or "")
            words = f"{path} {label} {op.get('summary', '')}"
            if method != "POST" or not SIGNUP_PATH.search(words) or re.search(r"oauth|/token$", path, re.I):
                continue
            if re.search(r"project|temporary|claim", path, re.I):
                continue  # resources, not principals (temporary resources are judged by temporary.*)
            schema = _schema_of(op, spec)
            text = (
                _flatten({k: op.get(k) for k in ("summary", "description", "requestBody", "responses")})
                + " "
                + " ".join(k for k in op if k.startswith("x-"))
            )
            result.routes.append(
                SignupRoute(
                    kind="openapi",
                    method=method,
                    url=base.rstrip("/") + "/" + path.lstrip("/"),
                    label=label or f"{method} {path}",
                    requires_auth=requires_auth(security),
                    gates=gates_in(text),
                    schema=schema,
                )
            )
    disc: OAuthDiscovery | None = await ctx.maybe("oauth_discovery")
    server = usable_server(disc)
    block = (server.metadata or {}).get("agent_auth") if server else None
    if isinstance(block, dict):
        for key in ("identity_endpoint", "registration_endpoint", "register_uri"):
            if isinstance(block.get(key), str):
                evidence = server.doc.evidence if server and server.doc else ()
                same = next((r for r in result.routes if r.url.rstrip("/") == block[key].rstrip("/")), None)
                if same is not None:
                    # The auth.md endpoint is also an OpenAPI operation: one route, documented twice.
                    same.kind, same.label, same.evidence = "auth.md", f"{key}, OpenAPI {same.label}", evidence
                else:
                    result.routes.append(
                        SignupRoute(
                            kind="auth.md", method="POST", url=block[key], label=key, evidence=evidence
                        )
                    )
                break
    authmd = await ctx.maybe("authmd")
    doc = getattr(authmd, "doc", None)
    if isinstance(doc, Doc) and doc.found and isinstance(doc.data, str):
        result.authmd_found = True
        result.text_gates = gates_in(signup_prose(doc.data))
        for route in result.routes:
            if route.kind == "auth.md":
                route.gates = sorted(set(route.gates) | set(result.text_gates))
                route.evidence = tuple(route.evidence) + doc.evidence
    return result


# --- ACTIVE: registration, token, authenticated call -----------------------------------------------------


@dataclass
class Registration:
    response: Response
    client_id: str | None = None
    confidential: bool = False
    delete_response: Response | None = None
    delete_skipped: str | None = None


@dataclass
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


async def _register(ctx: ProbeContext, endpoint: str, payload: dict[str, Any]) -> Registration:
    resp = await ctx.fetch.request("POST", endpoint, json=payload, headers=JSON_ACCEPT)
    reg = Registration(response=resp)
    data = json_error(resp)
    if data is not None:
        for key in ("client_secret", "registration_access_token"):
            ctx.redactor.add_secret(data.get(key))
        if resp.ok and isinstance(data.get("client_id"), str):
            reg.client_id = data["client_id"]
            reg.confidential = isinstance(data.get("client_secret"), str)
    return reg


async def _delete_registration(ctx: ProbeContext, endpoint: str, reg: Registration) -> None:
    data = json_error(reg.response) or {}
    uri, rat = data.get("registration_client_uri"), data.get("registration_access_token")
    if not isinstance(uri, str) or not isinstance(rat, str):
        reg.delete_skipped = "the registration response offers no RFC 7592 management URI and token"
        return
    if origin_of(uri) != origin_of(endpoint):
        reg.delete_skipped = (
            f"registration_client_uri {uri} is on another origin; the token is not sent there"
        )
        return
    reg.delete_response = await ctx.fetch.request("DELETE", uri, headers={"Authorization": f"Bearer {rat}"})


def _basic(client_id: str, secret: str) -> str:
    # RFC 6749 §2.3.1: form-urlencode both parts before Base64.
    raw = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def _call_target(disc: OAuthDiscovery, issuer: str | None, origin: str) -> ProtectedCall | None:
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


def _resource_for(disc: OAuthDiscovery, call: ProtectedCall | None) -> str | None:
    for prm in disc.resource_metadata:
        if (
            call is not None
            and prm.requested_url == call.url
            and prm.data
            and isinstance(prm.data.get("resource"), str)
        ):
            return prm.data["resource"]
    return None


@probe(
    "oauth_flow",
    active=True,
    description="ACTIVE: register a client (RFC 7591) and delete it (RFC 7592), obtain a token headlessly, "
                "make one authenticated call, revoke and delete what was created",
)
async def oauth_flow(ctx: ProbeContext) -> OAuthFlow:
    t0 = time.monotonic()
    disc: OAuthDiscovery = await ctx.need("oauth_discovery")
    flow = OAuthFlow(discovery_stuck=disc.stuck)
    record = disc.stuck is None  # the journey stops where an agent following the specs stops
    server = usable_server(disc)
    meta = server.metadata if server else {}
    meta = meta or {}
    flow.issuer = server.issuer if server else None
    reg_endpoint = meta.get("registration_endpoint")
    flow.registration_endpoint = reg_endpoint if isinstance(reg_endpoint, str) else None

    # 1. RFC 7591 with the MCP payload, then RFC 7592 delete.
    if flow.registration_endpoint:
        flow.dcr = await _register(ctx, flow.registration_endpoint, DCR_PAYLOAD)
        if flow.dcr.client_id:
            await _delete_registration(ctx, flow.registration_endpoint, flow.dcr)
    else:
        flow.dcr_skipped = "the authorization-server metadata has no registration_endpoint"

    token: str | None = None
    token_endpoint = meta.get("token_endpoint") if isinstance(meta.get("token_endpoint"), str) else None
    grants, _ = grants_of(meta) if meta else ([], True)
    call = _call_target(disc, flow.issuer, origin_of(token_endpoint) if token_endpoint else ctx.target.origin)
    resource = _resource_for(disc, call)

    # 2a. client_credentials with a client registered for it.
    if "client_credentials" in grants and flow.registration_endpoint and token_endpoint:
        methods = meta.get("token_endpoint_auth_methods_supported")
        method = (
            "client_secret_basic"
            if not isinstance(methods, list) or "client_secret_basic" in methods
            else "client_secret_post"
        )
        flow.cc_client = await _register(
            ctx,
            flow.registration_endpoint,
            {
                "client_name": "agent-readiness-audit (headless)",
                "grant_types": ["client_credentials"],
                "token_endpoint_auth_method": method,
                "application_type": "web",
            },
        )
        data = json_error(flow.cc_client.response) or {}
        secret = data.get("client_secret")
        if flow.cc_client.client_id and isinstance(secret, str):
            if origin_of(token_endpoint) != origin_of(flow.registration_endpoint):
                flow.routes_tried.append(
                    (
                        "client_credentials",
                        f"the token endpoint {token_endpoint} is on another origin than the registration "
                        "endpoint; the secret is not sent there",
                    )
                )
            else:
                form = {"grant_type": "client_credentials"}
                if resource:
                    form["resource"] = resource  # RFC 8707, as MCP clients must send it
                headers = dict(JSON_ACCEPT)
                if method == "client_secret_basic":
                    headers["Authorization"] = _basic(flow.cc_client.client_id, secret)
                else:
                    form |= {"client_id": flow.cc_client.client_id, "client_secret": secret}
                resp = await ctx.fetch.request("POST", token_endpoint, data=form, headers=headers)
                flow.token_response = resp
                answer = json_error(resp) or {}
                for key in ("access_token", "refresh_token", "id_token"):
                    ctx.redactor.add_secret(answer.get(key))
                if resp.ok and isinstance(answer.get("access_token"), str):
                    token, flow.route, flow.token_origin = (
                        answer["access_token"],
                        "client_credentials",
                        origin_of(token_endpoint),
                    )
                    flow.routes_tried.append(("client_credentials", "token issued"))
                else:
                    flow.routes_tried.append(
                        ("client_credentials", f"token endpoint answered {resp.describe()}")
                    )
        else:
            flow.routes_tried.append(
                (
                    "client_credentials",
                    f"could not register a confidential client: {flow.cc_client.response.describe()}",
                )
            )
    elif "client_credentials" in grants:
        flow.routes_tried.append(
            (
                "client_credentials",
                "advertised, but no registration_endpoint or token_endpoint gives an unknown agent client "
                "credentials",
            )
        )

    # 2b/2c. the auth.md credential and the documented API-key route. Their probes make the one authenticated
    # call themselves and then revoke what they obtained, so their call is the evidence here.
    borrowed: tuple[str, Any] | None = None
    if token is None:
        for route, name in (("auth.md", "authmd_registration"), ("api-key", "signup_account")):
            other = await ctx.maybe(name)
            credential = getattr(other, "credential", None)
            if isinstance(credential, str):
                ctx.redactor.add_secret(credential)
                flow.routes_tried.append((route, "credential issued"))
                borrowed = (route, other)
                break
            if other is not None:
                reason = (
                    getattr(other, "stuck_reason", None) or getattr(other, "failure", None) or "no credential"
                )
                flow.routes_tried.append((route, reason))
    if borrowed is not None:
        route, other = borrowed
        flow.route, flow.token_obtained = route, True
        flow.token_origin = getattr(other, "credential_origin", None) or getattr(other, "origin", None)
        flow.token_response = (
            getattr(other, "token_response", None)
            or getattr(other, "register_response", None)
            or getattr(other, "response", None)
        )
        flow.call_response = getattr(other, "use_response", None)
        use_url = getattr(other, "use_url", None) or (flow.call_response.url if flow.call_response else None)
        if flow.call_response is not None and isinstance(use_url, str):
            flow.call = ProtectedCall(
                url=use_url, source=route, response=flow.call_response, method=flow.call_response.method
            )
        else:
            flow.call_skipped = f"the {route} probe made no authenticated call"
    flow.token_obtained = flow.token_obtained or token is not None

    if record:
        _record_registration(ctx, flow, t0)
        got = flow.token_obtained
        _step(
            ctx,
            "Obtain a token without a browser",
            "ok" if got else "stuck",
            f"via {flow.route}"
            if got
            else "; ".join(f"{r}: {o}" for r, o in flow.routes_tried) or "no route",
            flow.token_response,
            reason=None
            if got
            else "no headless grant produced a credential: "
            + ("; ".join(f"{r}: {o}" for r, o in flow.routes_tried) or "none is advertised"),
            fix=None
            if got
            else "Offer client_credentials with RFC 7591 registration, jwt-bearer with auth.md, or a "
                 "documented API-key route.",
            check="tokens.issue",
            started=t0,
        )

    # 3. one authenticated call, only where the credential may go.
    if token is not None:
        origin = flow.token_origin or ctx.target.origin
        call = _call_target(disc, flow.issuer, origin)
        if call is None:
            flow.call_skipped = f"no protected endpoint found that accepts a credential from {origin}"
        else:
            flow.call = call
            headers = {"Authorization": f"Bearer {token}"}
            if call.method == "POST":
                flow.call_response = await post_initialize(ctx, call.url, headers)
            else:
                flow.call_response = await ctx.fetch.request("GET", call.url, headers=headers | JSON_ACCEPT)
    if record and flow.token_obtained:
        ok = flow.call_succeeded
        call = flow.call
        _step(
            ctx,
            "Call the protected endpoint with the token",
            "ok" if ok else "stuck",
            f"{call.method} {call.url} answered {flow.call_response.describe()}"
            if call and flow.call_response
            else (flow.call_skipped or "no call"),
            flow.call_response,
            reason=None if ok else (flow.call_skipped or "the protected endpoint rejected the credential"),
            fix=None if ok else "Accept the credentials your service issues for this resource.",
            check="tokens.issue",
            started=t0,
        )

    # 4. clean up: revoke the token (RFC 7009) and delete the headless client (RFC 7592).
    revocation = meta.get("revocation_endpoint")
    if (
        token is not None
        and flow.route == "client_credentials"
        and isinstance(revocation, str)
        and origin_of(revocation) == flow.token_origin
        and flow.cc_client
        and flow.cc_client.client_id
    ):
        data = json_error(flow.cc_client.response) or {}
        flow.revoke_response = await ctx.fetch.request(
            "POST",
            revocation,
            data={"token": token, "token_type_hint": "access_token"},
            headers={"Authorization": _basic(flow.cc_client.client_id, str(data.get("client_secret", "")))},
        )
    if flow.cc_client and flow.cc_client.client_id and flow.registration_endpoint:
        await _delete_registration(ctx, flow.registration_endpoint, flow.cc_client)
    if not flow.token_obtained:
        flow.stuck = "token"
    elif not flow.call_succeeded:
        flow.stuck = "call"
    return flow


def _record_registration(ctx: ProbeContext, flow: OAuthFlow, t0: float) -> None:
    title = "Register a client (RFC 7591)"
    if flow.dcr is None:
        _step(
            ctx,
            title,
            "skipped" if flow.token_obtained else "warn",
            flow.dcr_skipped or "no registration endpoint",
            check="signup.client-registration",
            started=t0,
        )
        return
    resp = flow.dcr.response
    if flow.dcr.client_id:
        deleted = flow.dcr.delete_response
        cleanup = (
            f"deleted again via RFC 7592 ({deleted.describe()})"
            if deleted is not None
            else f"not deleted: {flow.dcr.delete_skipped}"
        )
        _step(
            ctx,
            title,
            "ok",
            f"client_id {flow.dcr.client_id}; {cleanup}",
            resp,
            deleted,
            check="signup.client-registration",
            started=t0,
        )
        return
    # A failed registration is a dead end only when no other route produced a credential.
    _step(
        ctx,
        title,
        "warn" if flow.token_obtained else "stuck",
        f"POST {flow.registration_endpoint}",
        resp,
        reason=f"the registration endpoint answered {resp.describe()} instead of 201 with a client_id",
        fix="Return 201 with client_id for valid RFC 7591 metadata, or a 400 JSON error naming the field.",
        check="signup.client-registration",
        started=t0,
    )


# --- ACTIVE: the documented API-key / account route ---------------------------------------------------------


@dataclass
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


def placeholder_value(prop: dict[str, Any]) -> Any:
    """A value a JSON-schema property accepts: its example, default or first enum member, else one of its type
    (booleans are true: a terms field is accepted on the operator's behalf)."""
    if "example" in prop:
        return prop["example"]
    if "default" in prop:
        return prop["default"]
    if isinstance(prop.get("enum"), list) and prop["enum"]:
        return prop["enum"][0]
    if prop.get("type") == "boolean":
        return True
    if prop.get("type") in ("integer", "number"):
        return 1
    return "agent-ready-audit"


def synthesize(schema: dict[str, Any] | None) -> dict[str, Any]:
    """A minimal valid body for a sign-up schema: required fields from examples, defaults, consts; booleans
    that accept terms are true (the agent accepts them on its operator's behalf: that is what the field is
    for)."""
    body: dict[str, Any] = {}
    props = (schema or {}).get("properties") or {}
    for name in (schema or {}).get("required") or []:
        declared = props.get(name)
        spec: dict[str, Any] = declared if isinstance(declared, dict) else {}
        body[name] = spec["const"] if "const" in spec else placeholder_value(spec)
    if "name" in props and "name" not in body:
        body["name"] = "agent-ready-audit"
    return body


CREDENTIAL_KEYS = ("api_key", "apiKey", "key", "token", "access_token", "secret", "credential", "apiToken")


@probe(
    "signup_account",
    active=True,
    description="ACTIVE: call the documented API-key/account route, use the key once on its own origin, "
                "delete it",
)
async def signup_account(ctx: ProbeContext) -> AccountCreation:
    routes: SignupRoutes = await ctx.need("signup_routes")
    result = AccountCreation()
    route = next((r for r in routes.open_routes if r.kind == "openapi"), None)
    if route is None:
        reg = await ctx.maybe("authmd_registration")
        if routes.open_routes and reg is not None:
            result.via_authmd = True
            result.route = routes.open_routes[0]
            result.credential = getattr(reg, "credential", None)
            result.origin = getattr(reg, "credential_origin", None)
            result.response = getattr(reg, "register_response", None)
            result.use_response = getattr(reg, "use_response", None)
            if result.credential is None:
                result.failure = (
                    getattr(reg, "stuck_reason", None) or "auth.md registration gave no credential"
                )
            return result
        result.failure = "no documented sign-up route that works without credentials"
        return result
    result.route = route
    if origin_of(route.url) != ctx.target.origin:
        result.failure = f"the route {route.url} is on another origin than the target; not called"
        return result
    resp = await ctx.fetch.request(
        route.method, route.url, json=synthesize(route.schema), headers=JSON_ACCEPT
    )
    result.response = resp
    data = json_error(resp) or {}
    for key in CREDENTIAL_KEYS:
        ctx.redactor.add_secret(data.get(key) if isinstance(data.get(key), str) else None)
    credential = next((data[k] for k in CREDENTIAL_KEYS if isinstance(data.get(k), str)), None)
    if not resp.ok or credential is None:
        result.failure = f"{route.method} {route.url} answered {resp.describe()} without a credential"
        return result
    result.credential, result.origin = credential, origin_of(route.url)
    expires = data.get("expires_at") or data.get("expiresAt") or data.get("expires")
    result.expires = str(expires) if expires else None
    disc: OAuthDiscovery | None = await ctx.maybe("oauth_discovery")
    call = _call_target(disc, None, result.origin) if disc else None
    if call is not None and call.method == "GET":
        result.use_response = await ctx.fetch.request(
            "GET", call.url, headers={"Authorization": f"Bearer {credential}"} | JSON_ACCEPT
        )
    delete_url = data.get("delete_url")
    if isinstance(delete_url, str) and origin_of(urljoin(route.url, delete_url)) == result.origin:
        result.delete_response = await ctx.fetch.request(
            "DELETE", urljoin(route.url, delete_url), headers={"Authorization": f"Bearer {credential}"}
        )
    return result


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


__all__ = [
    "AccountCreation",
    "DocState",
    "OAuthFlow",
    "SignupRoute",
    "SignupRoutes",
    "TokenErrorProbe",
    "as_metadata_urls",
    "grants_of",
    "resource_match",
    "well_known_prm_urls",
]
