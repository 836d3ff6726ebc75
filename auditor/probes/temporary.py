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
from dataclasses import dataclass, field, replace
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


def _authmd_signals(result: TemporaryDiscovery, meta: AgentAuth | None, file: AuthMdFile | None) -> None:
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


def _openapi_signals(
    result: TemporaryDiscovery, spec: dict[str, Any], operations: list[TempOperation]
) -> None:
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
    texts = [str(spec.get("info", {}).get("description", ""))] if isinstance(spec.get("info"), dict) else []
    texts += [str(o.operation.get("description", "")) for o in operations]
    _merge_statements(result, statements([t for t in texts if t]), "openapi")


def _llms_signals(result: TemporaryDiscovery, text: str, evidence: tuple[str, ...]) -> None:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    linked = [ln for ln in lines if ln.startswith(("-", "*")) and "](" in ln and KEYWORDS.search(ln)]
    prose = [ln for ln in lines if KEYWORDS.search(ln) and ln not in linked]
    if linked:
        result.signals.append(
            Signal("llms.txt", True, f"llms.txt links a temporary route: {linked[0][:120]}", evidence)
        )
    elif prose:
        result.signals.append(Signal("llms.txt", False, f"llms.txt mentions it: {prose[0][:120]}", evidence))
    _merge_statements(result, statements([ln.lstrip("-*> ") for ln in lines]), "llms.txt")


def _catalog_signals(result: TemporaryDiscovery, catalog: Any) -> None:
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


def _challenge_signals(result: TemporaryDiscovery, disc: Any) -> None:
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


async def create_route(
    ctx: ProbeContext,
) -> tuple[dict[str, Any] | None, list[TempOperation], TempOperation | None]:
    """(the OpenAPI document, its temporary operations, the one an agent would create with): all the
    ACTIVE lifecycle needs, from the OpenAPI description and the agent_auth block alone."""
    openapi, meta = await asyncio.gather(ctx.maybe("openapi"), ctx.maybe("agent_auth"))
    description = openapi_description(openapi)
    if description is None:
        return None, [], None
    operations = temporary_operations(description)
    registration = meta.registration_endpoint if isinstance(meta, AgentAuth) else None
    exclude = {urlsplit(registration).path.rstrip("/")} if registration else set()
    return description.data, operations, pick_create(operations, exclude)


@probe(
    TEMPORARY_DISCOVERY,
    description="Look for a no-account / temporary tier in auth.md, agent_auth, OpenAPI, "
    "llms.txt, the API catalogue and 401 bodies",
)
async def temporary_discovery(ctx: ProbeContext) -> TemporaryDiscovery:
    result = TemporaryDiscovery()  # its lists and dicts fill below; spec, operations and create are set once
    # Start every source at once; each is read defensively (another family's artifact may change shape).
    names = ("agent_auth", "authmd", "llms_txt", "api_catalog", "oauth_discovery")
    route, found = await asyncio.gather(create_route(ctx), asyncio.gather(*(ctx.maybe(n) for n in names)))
    sources = dict(zip(names, found, strict=True))
    spec, operations, create = route
    _authmd_signals(result, sources["agent_auth"], sources["authmd"])
    if spec is not None:
        _openapi_signals(result, spec, operations)
    llms = sources["llms_txt"]
    text = _text_of(llms)
    if llms is None:
        doc = await fetch_doc(ctx, urljoin(ctx.target.origin, "/llms.txt"))
        text = doc.data if doc.found and isinstance(doc.data, str) else None
    if text:
        _llms_signals(result, text, getattr(getattr(llms, "doc", None), "evidence", ()))
    _catalog_signals(result, sources["api_catalog"])
    _challenge_signals(result, sources["oauth_discovery"])
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


def _reference_time(body: Any, resp: Response) -> datetime:
    body = body if isinstance(body, dict) else {}
    _, when = dig(
        body, ("created_at", "createdAt", "project.created_at", "project.createdAt", "account.createdAt")
    )
    return answer_instant(when, resp) or datetime.now(UTC)


def _expiry(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(the absolute expiry as ISO 8601, the field that stated it)."""
    field, expires = dig(body, EXPIRY_PATHS)
    if parse_instant(expires) is not None:
        return expires, field
    if isinstance(expires, int | float):  # epoch seconds: absolute, but not ISO 8601
        return datetime.fromtimestamp(expires, UTC).isoformat(), f"{field} (epoch seconds)"
    return None, field


def read_created(resp: Response, create_url: str) -> Created:
    body = unwrap(resp.json)
    if not isinstance(body, dict):
        return Created(response=resp, body=body)
    credential_field, cred = dig(body, CREDENTIAL_PATHS)
    _, rid = dig(body, ID_PATHS)
    _, url = dig(body, RESOURCE_URL_PATHS)
    location = resp.headers.get("location")
    resource_url = None
    if isinstance(url, str) and url.startswith(("http", "/")):
        resource_url = urljoin(create_url, url)
    elif location:
        resource_url = urljoin(create_url, location)
    expires_at, expires_field = _expiry(body)
    relative_field, ttl = dig(body, RELATIVE_PATHS)
    relative_ttl_s = float(ttl) if isinstance(ttl, int | float) else None
    claim_field, claim = dig(body, CLAIM_URL_PATHS)
    _, claim_exp = dig(body, CLAIM_EXPIRY_PATHS)
    instant = parse_instant(expires_at)
    lifetime_s = relative_ttl_s
    if instant is not None:
        lifetime_s = round((instant - _reference_time(body, resp)).total_seconds(), 1)
    return Created(
        response=resp,
        body=body,
        credential=cred if isinstance(cred, str) else None,
        credential_field=credential_field,
        resource_id=str(rid) if rid is not None else None,
        resource_url=resource_url,
        expires_at=expires_at,
        expires_field=expires_field,
        relative_ttl_s=relative_ttl_s,
        relative_field=relative_field,
        lifetime_s=lifetime_s,
        claim_url=claim if isinstance(claim, str) else None,
        claim_field=claim_field,
        claim_expires_at=claim_exp if isinstance(claim_exp, str) else None,
        limits=body.get("limits"),
    )


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


@dataclass
class _Life:
    """What ``temporary_lifecycle``'s steps fill in; frozen once into a :class:`TemporaryLifecycle`."""

    route: str | None = None
    create_url: str | None = None
    stuck_at: str | None = None
    stuck_reason: str | None = None
    first: Created | None = None
    use_response: Response | None = None
    claim_response: Response | None = None
    claim_same_origin: bool | None = None
    claim_https: bool | None = None
    claim_already_claimed: bool | None = None
    second: Created | None = None
    cross_response: Response | None = None
    cleanup: list[Response] = field(default_factory=list)
    terms_field: str | None = None
    credential_source: str | None = None
    statements: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def freeze(self) -> TemporaryLifecycle:
        return TemporaryLifecycle(**vars(self))

    def stuck(self, step: str, reason: str) -> TemporaryLifecycle:
        self.stuck_at, self.stuck_reason = step, reason
        return self.freeze()


def _create_url(origin: str, op: TempOperation, spec: dict[str, Any] | None) -> str:
    """The operation's URL: under the first OpenAPI server URL when its path is not already in ``op.path``."""
    create_url = urljoin(origin, op.path)
    servers = (spec or {}).get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict) and servers[0].get("url"):
        server = urljoin(origin, str(servers[0]["url"]))
        if urlsplit(server).path.rstrip("/") and not op.path.startswith(urlsplit(server).path.rstrip("/")):
            create_url = server.rstrip("/") + op.path
    return create_url


class _Creator:
    """Creates temporary resources through one documented route and records each in the clean-up ledger."""

    def __init__(self, ctx: ProbeContext, op: TempOperation, spec: dict[str, Any] | None, create_url: str):
        self.ctx, self.op, self.spec, self.url = ctx, op, spec, create_url
        self.body, self.terms_field = request_body(spec, op)
        self.journey: dict[str, str] = {}  # the journey's credential, once it is needed
        self.entries: dict[int, Any] = {}  # id(made) -> its clean-up ledger entry
        self.deletable = _documents_delete(spec, op)

    def auth_for(self, made: Created) -> dict[str, str]:
        """The credential that owns ``made``: its own, else the journey's that created it."""
        return {"Authorization": f"Bearer {made.credential}"} if made.credential else dict(self.journey)

    async def create(self) -> Created:
        return await self.ctx.creating(self._create_and_record())

    async def _create_and_record(self) -> Created:
        ctx = self.ctx
        headers = {"Accept": "application/json"} | self.journey
        resp = await ctx.fetch.request("POST", self.url, json=self.body, headers=headers)
        made = read_created(resp, self.url)
        for secret in (made.credential, made.claim_url):
            ctx.redactor.add_secret(secret)
        if made.claim_url:
            ctx.redactor.add_secret(made.claim_url.rstrip("/").rsplit("/", 1)[-1])
        _, claim_token = dig(made.body, CLAIM_TOKEN_PATHS) if isinstance(made.body, dict) else (None, None)
        ctx.redactor.add_secret(claim_token)
        made = replace(made, resource_url=_resource_url(made, self.op, self.spec, self.url))
        if made.ok:
            self._record(made, resp)
        return made

    def _record(self, made: Created, resp: Response) -> None:
        label = made.resource_url or f"a resource created at {self.url}"
        url = made.resource_url
        if self.deletable and url and origin_of(url) == origin_of(self.url):
            undo = Undo("DELETE", url, headers=self.auth_for(made))
            self.entries[id(made)] = self.ctx.created("temporary-resource", label, resp, undo=undo)
        else:
            why = "no documented DELETE on its origin; left to expire"
            self.ctx.created("temporary-resource", label, resp, why_not=why)

    async def use_journey_credential(self, life: _Life, why: str) -> bool:
        found_cred = await journey_credential(self.ctx, origin_of(self.url))
        if found_cred is None:
            life.notes.append(
                f"{why}; the journey obtained no credential for {origin_of(self.url)}, so none was sent"
            )
            return False
        life.credential_source, token = found_cred
        self.journey["Authorization"] = f"Bearer {token}"
        life.notes.append(f"{why}; created with the credential from {life.credential_source}")
        return True

    def owns(self, made: Created | None) -> bool:
        """Created here, at a URL on the route's origin (where its credential may be sent)."""
        return bool(
            made and made.ok and made.resource_url and origin_of(made.resource_url) == origin_of(self.url)
        )

    async def delete(self, made: Created) -> Response:
        assert made.resource_url is not None
        deleted = await self.ctx.fetch.request("DELETE", made.resource_url, headers=self.auth_for(made))
        self.ctx.removed(self.entries.get(id(made)), deleted)
        return deleted


async def _create_two(creator: _Creator, life: _Life) -> tuple[Created, Created]:
    """Two resources at once (the second shows whether they are isolated); again with the journey's
    credential when the route refused to create without one."""
    first, second = await asyncio.gather(creator.create(), creator.create())
    denied = f"{life.route} answered {first.response.status} without a credential"
    if (
        not creator.journey
        and first.response.status in (401, 403)
        and await creator.use_journey_credential(life, denied)
    ):
        first, second = await asyncio.gather(creator.create(), creator.create())
    return first, second


async def _claim(ctx: ProbeContext, life: _Life, create_url: str, claim: str) -> None:
    claim_url = urljoin(create_url, claim)
    life.claim_same_origin = origin_of(claim_url) == origin_of(create_url)
    life.claim_https = urlsplit(claim_url).scheme == "https"
    if life.claim_same_origin or life.claim_https:
        life.claim_response = await ctx.fetch.request("GET", claim_url)
        text = life.claim_response.text.lower() if life.claim_response.status else ""
        life.claim_already_claimed = "already claimed" in text or "has been claimed" in text


async def _observe(
    ctx: ProbeContext, creator: _Creator, life: _Life, first: Created, second: Created
) -> None:
    """Use the first resource with its credential, open its claim URL, and read it with the second one's
    credential (isolation): three independent reads, sent together."""
    reads: list[Any] = []
    if creator.owns(first):
        assert first.resource_url is not None

        async def use() -> None:
            life.use_response = await ctx.fetch.request(
                "GET", str(first.resource_url), headers=creator.auth_for(first)
            )

        reads.append(use())
    elif first.resource_url:
        life.notes.append("the resource lives on another origin; the credential is not sent there")
    if first.claim_url:
        reads.append(_claim(ctx, life, creator.url, first.claim_url))
    if second.ok and second.credential and creator.owns(first):

        async def cross() -> None:
            other = {"Authorization": f"Bearer {second.credential}"}
            life.cross_response = await ctx.fetch.request("GET", str(first.resource_url), headers=other)

        reads.append(cross())
    elif not second.ok:
        life.notes.append(f"a second creation answered {second.response.describe()}; isolation not tested")
    await asyncio.gather(*reads)


@probe(
    TEMPORARY_LIFECYCLE,
    active=True,
    description="ACTIVE: create a temporary resource through its documented route, use it, check its expiry "
    "and claim URL, create a second one and check isolation, then delete both where allowed",
)
async def temporary_lifecycle(ctx: ProbeContext) -> TemporaryLifecycle:
    spec, _, op = await create_route(ctx)
    life = _Life()
    if op is None:
        return life.stuck("route", "no documented route creates a temporary resource")
    life.route = f"{op.method} {op.path}"
    life.create_url = create_url = _create_url(ctx.target.origin, op, spec)
    if origin_of(create_url) != ctx.target.origin:
        return life.stuck("route", f"the documented route is on another origin ({create_url})")
    creator = _Creator(ctx, op, spec, create_url)
    life.terms_field = creator.terms_field
    if creator.terms_field:
        life.notes.append(
            f"terms of service accepted through the `{creator.terms_field}` field, as documented"
        )
    if not op.no_auth:
        await creator.use_journey_credential(life, "the documented route declares a security requirement")
    life.first, life.second = first, second = await _create_two(creator, life)
    if first.ok:
        life.statements = statements(_string_values(first.body, []))
        await _observe(ctx, creator, life, first, second)
    if not creator.deletable:
        if first.ok:
            life.notes.append("no documented DELETE for the resource; left to expire")
    else:
        # Only once every read is done: the isolation read needs the first resource to still exist.
        made = [m for m in (first, second) if creator.owns(m)]
        life.cleanup = list(await asyncio.gather(*(creator.delete(m) for m in made)))
    if not first.ok:
        reason = (
            first.response.error
            if first.response.failed
            else f"{life.route} answered {first.response.describe()}"
        )
        return life.stuck("create", reason or "no answer")
    return life.freeze()
