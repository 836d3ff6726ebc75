"""Temporary, claimable resources: is a no-account tier discoverable; (ACTIVE) does one live as stated?

No standard exists for "temporary" or "claim" (standards.md F): every vendor uses JSON body fields
(Cloudflare ``result.account{apiToken,expiresAt}`` / ``result.claim{url,expiresAt}``, Neon ``claim_url`` /
``expires_at``, auth.md v0 ``credential_expires`` / ``claim_url``). So discovery reads what other probes
found (auth.md, the ``agent_auth`` block, OpenAPI, llms.txt, the API catalogue, 401 bodies) and the active
probe accepts every published response shape.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Set as AbstractSet
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from agent_ready.artifacts.authmd import AgentAuth, AuthMdFile, parse_instant
from agent_ready.artifacts.documents import Doc
from agent_ready.artifacts.http import Response, origin_of
from agent_ready.artifacts.openapi import RESOURCE_METHODS, OpenAPIDescription, openapi_description
from agent_ready.artifacts.temporary import (
    TEMPORARY_DISCOVERY,
    TEMPORARY_LIFECYCLE,
    Created,
    Signal,
    TempOperation,
    TemporaryDiscovery,
    TemporaryLifecycle,
)
from agent_ready.cleanup import Undo
from agent_ready.probes.authmd import answer_instant, json_path, statements
from agent_ready.probes.documents import fetch_doc
from agent_ready.probes.signup import placeholder_value
from agent_ready.probing import ProbeContext, probe

KEYWORDS = re.compile(
    r"temporar|claimab|\bclaim|preview|sandbox|ephemeral|anonymous|no[- ]account|"
    r"without (an )?account|throwaway|trial",
    re.I,
)
HINT_WORDS = re.compile(
    r"temporar|anonymous|auth\.md|\bclaim|without (an )?account|no[- ]account|--temporary", re.I
)


def temporary_operations(description: OpenAPIDescription) -> list[TempOperation]:
    out = []
    for op in description.operations(methods=RESOURCE_METHODS):
        # Names only (path, summary, id, tags): descriptions mention claims and expiry in passing.
        fields = op.operation
        words = " ".join(str(fields.get(k, "")) for k in ("summary", "operationId"))
        words += " " + " ".join(str(t) for t in fields.get("tags", []) if isinstance(t, str)) + " " + op.path
        if KEYWORDS.search(words):
            out.append(
                TempOperation(
                    method=op.method,
                    path=op.path,
                    summary=str(fields.get("summary", "")),
                    # `security: []` or a `{}` alternative means no credential is needed (OpenAPI 3 §4.8.30).
                    no_auth=not op.requires_auth,
                    operation=fields,
                )
            )
    return out


def pick_create(ops: list[TempOperation], exclude: AbstractSet[str] = frozenset()) -> TempOperation | None:
    """The POST that creates a temporary resource: no auth required, temporary words in the path, no {param}.

    ``exclude`` holds paths of auth.md registration endpoints (auth-md.registration judges those).
    """
    posts = [o for o in ops if o.method == "POST" and "{" not in o.path and o.path.rstrip("/") not in exclude]
    posts.sort(
        key=lambda o: (
            not o.no_auth,
            not re.search(r"temporar|claimab|preview|sandbox|ephemeral", o.path, re.I),
        )
    )
    return posts[0] if posts else None


def _text_of(obj: Any) -> str | None:
    doc = getattr(obj, "doc", obj)
    if isinstance(doc, Doc) and doc.found and isinstance(doc.data, str):
        return doc.data
    return None


def _string_values(data: Any, out: list[str]) -> list[str]:
    if isinstance(data, str):
        out.append(data)
    elif isinstance(data, dict):
        for v in data.values():
            _string_values(v, out)
    elif isinstance(data, list):
        for v in data:
            _string_values(v, out)
    return out


def _merge_statements(result: TemporaryDiscovery, found: dict[str, list[str]], source: str) -> None:
    for kind, sentences in found.items():
        if sentences:
            result.statements.setdefault(kind, []).extend(
                s for s in sentences if s not in result.statements[kind]
            )
            result.statement_sources.setdefault(kind, []).append(source)


@probe(
    TEMPORARY_DISCOVERY,
    description="Look for a no-account / temporary tier in auth.md, agent_auth, OpenAPI, "
    "llms.txt, the API catalogue and 401 bodies",
)
async def temporary_discovery(ctx: ProbeContext) -> TemporaryDiscovery:
    result = TemporaryDiscovery()  # its lists and dicts fill below; spec, operations and create are set once
    spec: dict[str, Any] | None = None
    operations: list[TempOperation] = []
    create: TempOperation | None = None
    # Start every source at once; each is read defensively (another family's artifact may change shape).
    names = ("agent_auth", "authmd", "openapi", "llms_txt", "api_catalog", "oauth_discovery")
    sources = dict(zip(names, await asyncio.gather(*(ctx.maybe(n) for n in names)), strict=True))
    meta: AgentAuth | None = sources["agent_auth"]
    file: AuthMdFile | None = sources["authmd"]
    if meta is not None and "anonymous" in meta.identity_types:
        result.signals.append(
            Signal(
                "agent_auth",
                True,
                "agent_auth.identity_types_supported lists `anonymous`",
                meta.as_doc.evidence if meta.as_doc else (),
            )
        )
    if file is not None and file.found:
        if file.mentions_anonymous:
            named = bool(file.endpoints_in_step("register"))
            result.signals.append(
                Signal(
                    "auth.md",
                    named,
                    "auth.md describes anonymous registration"
                    + (" and names its endpoint" if named else " in prose"),
                    file.doc.evidence,
                )
            )
        _merge_statements(result, statements(file.blocks), "auth.md")
    elif file is not None and file.doc.state.value == "unreachable":
        result.unreachable.append(file.doc.url)

    description = openapi_description(sources["openapi"])
    if description is not None:
        spec = description.data
        operations = temporary_operations(description)
        registration = meta.registration_endpoint if meta is not None else None
        exclude = {urlsplit(registration).path.rstrip("/")} if registration else set()
        create = pick_create(operations, exclude)
        for op in [o for o in operations if o.method == "POST"]:
            result.signals.append(
                Signal(
                    "openapi",
                    True,
                    f"{op.method} {op.path}"
                    + (f" ({op.summary})" if op.summary else "")
                    + (", no credential required" if op.no_auth else ""),
                )
            )
        texts = (
            [str(spec.get("info", {}).get("description", ""))] if isinstance(spec.get("info"), dict) else []
        )
        texts += [str(o.operation.get("description", "")) for o in operations]
        _merge_statements(result, statements([t for t in texts if t]), "openapi")

    llms = sources["llms_txt"]
    text = _text_of(llms)
    if llms is None:
        doc = await fetch_doc(ctx, urljoin(ctx.target.origin, "/llms.txt"))
        text = doc.data if doc.found and isinstance(doc.data, str) else None
    if text:
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        linked = [ln for ln in lines if ln.startswith(("-", "*")) and "](" in ln and KEYWORDS.search(ln)]
        prose = [ln for ln in lines if KEYWORDS.search(ln) and ln not in linked]
        evidence = getattr(getattr(llms, "doc", None), "evidence", ())
        if linked:
            result.signals.append(
                Signal("llms.txt", True, f"llms.txt links a temporary route: {linked[0][:120]}", evidence)
            )
        elif prose:
            result.signals.append(
                Signal("llms.txt", False, f"llms.txt mentions it: {prose[0][:120]}", evidence)
            )
        _merge_statements(result, statements([ln.lstrip("-*> ") for ln in lines]), "llms.txt")

    catalog = sources["api_catalog"]
    for entry in getattr(catalog, "entries", None) or []:
        for rel, targets in (getattr(entry, "relations", None) or {}).items():
            for t in targets:
                words = f"{getattr(t, 'href', '')} {getattr(t, 'title', '') or ''}"
                if KEYWORDS.search(words):
                    result.signals.append(
                        Signal(
                            "api-catalog",
                            True,
                            f"api-catalog {rel}: {words.strip()[:120]}",
                            getattr(getattr(catalog, "doc", None), "evidence", ()),
                        )
                    )

    disc = sources["oauth_discovery"]
    for call in getattr(disc, "protected", None) or []:
        resp: Response | None = getattr(call, "response", None)
        if resp is None or resp.status != 401:
            continue
        body = resp.text[:4000]
        hint = HINT_WORDS.search(body)
        if hint:
            start = max(0, hint.start() - 60)
            result.signals.append(
                Signal(
                    "401-body",
                    False,
                    f"the 401 from {call.url} says: …{body[start : hint.end() + 80]}…",
                    resp.exchange_ids,
                )
            )
    return replace(result, spec=spec, operations=operations, create=create)


# --- ACTIVE: create, use, expire, claim, isolate ----------------------------------------------------------

CREDENTIAL_PATHS = (
    "credential.token",
    "credential.access_token",
    "credential.apiToken",
    "account.apiToken",
    "credential",
    "apiToken",
    "api_key",
    "access_token",
    "token",
)
EXPIRY_PATHS = (
    "expires_at",
    "expiresAt",
    "credential.expires_at",
    "credential.expiresAt",
    "credential_expires",
    "account.expiresAt",
    "account.expires_at",
    "project.expires_at",
    "project.expiresAt",
    "resource.expires_at",
    "resource.expiresAt",
)
RELATIVE_PATHS = (
    "expires_in",
    "expiresIn",
    "ttl",
    "ttl_seconds",
    "credential.expires_in",
    "credential.ttl",
    "project.ttl",
    "project.expires_in",
)
CLAIM_URL_PATHS = ("claim.url", "claim_url", "claimUrl", "claim.start_url", "claim.href")
CLAIM_EXPIRY_PATHS = ("claim.expires_at", "claim.expiresAt", "claim_expires_at", "claim_token_expires")
CLAIM_TOKEN_PATHS = ("claim.token", "claim_token", "claimToken")
ID_PATHS = ("project.id", "account.id", "resource.id", "database.id", "id")
RESOURCE_URL_PATHS = ("project.url", "project.href", "resource.url", "links.self", "url", "href", "self")


def dig(data: Any, paths: tuple[str, ...]) -> tuple[str | None, Any]:
    """(the path that matched, its value) for the first dotted path present."""
    for path in paths:
        cur = json_path(data, path)
        if cur is not None and not isinstance(cur, dict | list):
            return path, cur
    return None, None


def unwrap(body: Any) -> Any:
    """Cloudflare's v4 envelope keeps the answer under ``result``; some APIs use ``data``."""
    if isinstance(body, dict):
        for key in ("result", "data"):
            if isinstance(body.get(key), dict) and not any(
                k in body for k in ("claim", "credential", "expires_at")
            ):
                return body[key]
    return body


def _resolve(spec: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    if isinstance(schema, dict) and "$ref" in schema and depth < 8:
        ref = str(schema["$ref"])
        if ref.startswith("#/"):
            cur: Any = spec
            for part in ref[2:].split("/"):
                cur = cur.get(part) if isinstance(cur, dict) else None
            return _resolve(spec, cur, depth + 1)
    return schema


def request_body(spec: dict[str, Any] | None, op: TempOperation) -> tuple[dict[str, Any], str | None]:
    """A minimal JSON body from the operation's schema (required members, examples, enums), and the
    name of a terms-of-service field when the service takes acceptance by a field."""
    body: dict[str, Any] = {}
    terms = None
    content = (op.operation.get("requestBody") or {}).get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None) if content else None
    schema = _resolve(spec or {}, (media or {}).get("schema")) if media else None
    if not isinstance(schema, dict):
        return body, terms
    example = (media or {}).get("example")
    if isinstance(example, dict):
        return dict(example), terms
    props = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    for name, prop in props.items():
        prop = _resolve(spec or {}, prop) or {}
        is_terms = bool(re.search(r"terms|tos\b", name, re.I))
        if name not in required and not is_terms:
            continue
        if is_terms:
            terms = name
        body[name] = placeholder_value(prop)
    return body, terms


def _reference_time(created: Created) -> datetime:
    body = created.body if isinstance(created.body, dict) else {}
    _, when = dig(
        body, ("created_at", "createdAt", "project.created_at", "project.createdAt", "account.createdAt")
    )
    return answer_instant(when, created.response) or datetime.now(UTC)


def read_created(resp: Response, create_url: str) -> Created:
    created = Created(response=resp, body=unwrap(resp.json))
    body = created.body
    if not isinstance(body, dict):
        return created
    created.credential_field, cred = dig(body, CREDENTIAL_PATHS)
    created.credential = cred if isinstance(cred, str) else None
    _, rid = dig(body, ID_PATHS)
    created.resource_id = str(rid) if rid is not None else None
    _, url = dig(body, RESOURCE_URL_PATHS)
    location = resp.headers.get("location")
    if isinstance(url, str) and url.startswith(("http", "/")):
        created.resource_url = urljoin(create_url, url)
    elif location:
        created.resource_url = urljoin(create_url, location)
    created.expires_field, expires = dig(body, EXPIRY_PATHS)
    if parse_instant(expires) is not None:
        created.expires_at = expires
    elif isinstance(expires, int | float):  # epoch seconds: absolute, but not ISO 8601
        created.expires_at = datetime.fromtimestamp(expires, UTC).isoformat()
        created.expires_field = f"{created.expires_field} (epoch seconds)"
    created.relative_field, ttl = dig(body, RELATIVE_PATHS)
    if isinstance(ttl, int | float):
        created.relative_ttl_s = float(ttl)
    created.claim_field, claim = dig(body, CLAIM_URL_PATHS)
    created.claim_url = claim if isinstance(claim, str) else None
    _, claim_exp = dig(body, CLAIM_EXPIRY_PATHS)
    created.claim_expires_at = claim_exp if isinstance(claim_exp, str) else None
    created.limits = body.get("limits")
    instant = parse_instant(created.expires_at)
    if instant is not None:
        created.lifetime_s = round((instant - _reference_time(created)).total_seconds(), 1)
    elif created.relative_ttl_s is not None:
        created.lifetime_s = created.relative_ttl_s
    return created


def _resource_url(
    created: Created, op: TempOperation, spec: dict[str, Any] | None, create_url: str
) -> str | None:
    if created.resource_url:
        return created.resource_url
    if created.resource_id is None:
        return None
    base = op.path.rstrip("/")
    for path, item in ((spec or {}).get("paths") or {}).items():
        if isinstance(item, dict) and "get" in item and re.fullmatch(re.escape(base) + r"/\{[^}/]+\}", path):
            return urljoin(create_url, base + "/" + created.resource_id)
    return None


def _documents_delete(spec: dict[str, Any] | None, op: TempOperation) -> bool:
    base = op.path.rstrip("/")
    for path, item in ((spec or {}).get("paths") or {}).items():
        if (
            isinstance(item, dict)
            and "delete" in item
            and re.fullmatch(re.escape(base) + r"/\{[^}/]+\}", path)
        ):
            return True
    return False


JOURNEY_CREDENTIALS = (
    ("authmd_registration", "auth.md anonymous registration", "credential_origin"),
    ("signup_account", "the documented account/API-key route", "origin"),
)


async def journey_credential(ctx: ProbeContext, origin: str) -> tuple[str, str] | None:
    """The credential an earlier step of the journey obtained for ``origin``: (which step, the credential).

    A credential is only ever sent to the origin that issued it.
    """
    for name, source, origin_field in JOURNEY_CREDENTIALS:
        step = await ctx.maybe(name)
        credential = getattr(step, "credential", None)
        if isinstance(credential, str) and getattr(step, origin_field, None) == origin:
            ctx.redactor.add_secret(credential)
            return source, credential
    return None


@probe(
    TEMPORARY_LIFECYCLE,
    active=True,
    description="ACTIVE: create a temporary resource through its documented route, use it, check its expiry "
    "and claim URL, create a second one and check isolation, then delete both where allowed",
)
async def temporary_lifecycle(ctx: ProbeContext) -> TemporaryLifecycle:
    found: TemporaryDiscovery = await ctx.need("temporary_discovery")
    result = TemporaryLifecycle()
    op = found.create
    if op is None:
        result.stuck_at, result.stuck_reason = "route", "no documented route creates a temporary resource"
        return result
    result.route = f"{op.method} {op.path}"
    create_url = urljoin(ctx.target.origin, op.path)
    servers = (found.spec or {}).get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict) and servers[0].get("url"):
        server = urljoin(ctx.target.origin, str(servers[0]["url"]))
        if urlsplit(server).path.rstrip("/") and not op.path.startswith(urlsplit(server).path.rstrip("/")):
            create_url = server.rstrip("/") + op.path
    result.create_url = create_url
    if origin_of(create_url) != ctx.target.origin:
        result.stuck_at, result.stuck_reason = (
            "route",
            f"the documented route is on another origin ({create_url})",
        )
        return result
    body, result.terms_field = request_body(found.spec, op)
    if result.terms_field:
        result.notes.append(
            f"terms of service accepted through the `{result.terms_field}` field, as documented"
        )

    journey: dict[str, str] = {}  # the journey's credential, once it is needed

    async def create() -> Created:
        headers = {"Accept": "application/json"} | journey
        resp = await ctx.fetch.request("POST", create_url, json=body, headers=headers)
        made = read_created(resp, create_url)
        for secret in (made.credential, made.claim_url):
            ctx.redactor.add_secret(secret)
        if made.claim_url:
            ctx.redactor.add_secret(made.claim_url.rstrip("/").rsplit("/", 1)[-1])
        _, claim_token = dig(made.body, CLAIM_TOKEN_PATHS) if isinstance(made.body, dict) else (None, None)
        ctx.redactor.add_secret(claim_token)
        made.resource_url = _resource_url(made, op, found.spec, create_url)
        if made.ok:
            _record(made, resp, headers)
        return made

    entries: dict[int, Any] = {}  # id(made) -> its clean-up ledger entry

    def _record(made: Created, resp: Response, headers: dict[str, str]) -> None:
        label = made.resource_url or f"a resource created at {create_url}"
        url = made.resource_url
        if _documents_delete(found.spec, op) and url and origin_of(url) == origin_of(create_url):
            auth = {"Authorization": f"Bearer {made.credential}"} if made.credential else dict(journey)
            entries[id(made)] = ctx.created(
                "temporary-resource", label, resp, undo=Undo("DELETE", url, headers=auth)
            )
        else:
            ctx.created(
                "temporary-resource",
                label,
                resp,
                why_not="no documented DELETE on its origin; left to expire",
            )

    async def use_journey_credential(why: str) -> bool:
        found_cred = await journey_credential(ctx, origin_of(create_url))
        if found_cred is None:
            result.notes.append(
                f"{why}; the journey obtained no credential for {origin_of(create_url)}, so none was sent"
            )
            return False
        result.credential_source, token = found_cred
        journey["Authorization"] = f"Bearer {token}"
        result.notes.append(f"{why}; created with the credential from {result.credential_source}")
        return True

    if not op.no_auth:
        await use_journey_credential("the documented route declares a security requirement")
    first = result.first = await create()
    denied = f"{result.route} answered {first.response.status} without a credential"
    if not journey and first.response.status in (401, 403) and await use_journey_credential(denied):
        first = result.first = await create()
    if not first.ok:
        result.stuck_at = "create"
        result.stuck_reason = (
            first.response.error
            if first.response.failed
            else f"{result.route} answered {first.response.describe()}"
        )
        return result
    result.statements = statements(_string_values(first.body, []))
    auth = {"Authorization": f"Bearer {first.credential}"} if first.credential else dict(journey)
    if first.resource_url and origin_of(first.resource_url) == origin_of(create_url):
        result.use_response = await ctx.fetch.request("GET", first.resource_url, headers=auth)
    elif first.resource_url:
        result.notes.append("the resource lives on another origin; the credential is not sent there")
    if first.claim_url:
        claim_url = urljoin(create_url, first.claim_url)
        result.claim_same_origin = origin_of(claim_url) == origin_of(create_url)
        result.claim_https = urlsplit(claim_url).scheme == "https"
        if result.claim_same_origin or result.claim_https:
            result.claim_response = await ctx.fetch.request("GET", claim_url)
            text = result.claim_response.text.lower() if result.claim_response.status else ""
            result.claim_already_claimed = "already claimed" in text or "has been claimed" in text
    second = result.second = await create()
    if (
        second.ok
        and second.credential
        and first.resource_url
        and origin_of(first.resource_url) == origin_of(create_url)
    ):
        result.cross_response = await ctx.fetch.request(
            "GET", first.resource_url, headers={"Authorization": f"Bearer {second.credential}"}
        )
    elif not second.ok:
        result.notes.append(f"a second creation answered {second.response.describe()}; isolation not tested")
    if _documents_delete(found.spec, op):
        for made in (first, second):
            if made.ok and made.resource_url and origin_of(made.resource_url) == origin_of(create_url):
                headers = {"Authorization": f"Bearer {made.credential}"} if made.credential else dict(journey)
                deleted = await ctx.fetch.request("DELETE", made.resource_url, headers=headers)
                result.cleanup.append(deleted)
                ctx.removed(entries.get(id(made)), deleted)
    else:
        result.notes.append("no documented DELETE for the resource; left to expire")
    return result
