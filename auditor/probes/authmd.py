"""auth.md: the Markdown sign-up recipe at ``/auth.md``, the ``agent_auth`` block, and (ACTIVE) registration.

Three probes:

* ``authmd`` fetches ``/auth.md`` (``/AUTH.md`` as information), parses it with markdown-it-py and
  records its H1, the recipe steps its headings cover, the scopes and the endpoints it names; then
  checks that the same-origin endpoints it names exist (one GET each, at most :data:`MAX_ENDPOINT_CHECKS`).
* ``agent_auth`` reads the ``agent_auth`` block from the authorization-server metadata the
  ``oauth_discovery`` probe found (or fetches the root RFC 8414 document itself), detects its dialect,
  and GETs the ``skill`` URL and the endpoints the block names.
* ``authmd_registration`` (ACTIVE) registers anonymously as the dialect describes, exchanges an
  identity assertion at the token endpoint when the dialect needs it, makes one authenticated call on
  the issuing origin, sends one malformed registration, and revokes what it got.

Dialects (standards.md D2; real documents in ``tests/fixtures/realworld/authmd.py``):
v0 ``register_uri`` / ``claim_uri`` / ``revocation_uri`` (workos/auth.md main), the ``registration_endpoint``
branch, and v1 ``identity_endpoint`` / ``claim_endpoint`` / ``events_endpoint`` (WorkOS AuthKit, Neon).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import re
from dataclasses import replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from agent_ready.artifacts.authmd import (
    AGENT_AUTH,
    AUTHMD,
    AUTHMD_REGISTRATION,
    DIALECT_KEYS,
    STEPS,
    AgentAuth,
    AuthMdFile,
    EndpointProbe,
    EndpointRef,
    Registration,
    Section,
    parse_instant,
)
from agent_ready.artifacts.documents import Doc, DocState
from agent_ready.artifacts.http import Response, origin_of
from agent_ready.artifacts.temporary import TEMPORARY_LIFECYCLE
from agent_ready.cleanup import Created, Undo
from agent_ready.probes.documents import fetch_doc, same_as_miss
from agent_ready.probing import ProbeContext, probe

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

AUTH_MD_PATH = "/auth.md"
AS_METADATA_PATH = "/.well-known/oauth-authorization-server"
PRM_PATH = "/.well-known/oauth-protected-resource"
JSON = "application/json"
MAX_ENDPOINT_CHECKS = 6
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"

# --- reading the Markdown -------------------------------------------------------------------------------

# Heading wording varies across real files ("Step 1 — Discover", "Register anonymously", "Claim the project",
# "Step 5 — Use the credential", "Handle errors", "Delete or revoke"), so each step is a few word stems.
_STEP_PATTERNS: dict[str, re.Pattern[str]] = {
    "discover": re.compile(r"\bdiscover"),
    "register": re.compile(r"\bregist|\bsign[\s-]?up\b|\benrol|\bprovision"),
    "claim": re.compile(r"\bclaim"),
    "use": re.compile(
        r"\buse\b|\busing\b|\bcall(ing)?\b|\bmake (a )?requests?\b|\bauthenticated (call|request)"
    ),
    "errors": re.compile(r"\berror|\btroubleshoot|\bfailure"),
    "revoke": re.compile(r"\brevo(c|k)|\blog ?out\b|\bdelete\b|\bsign[\s-]?out\b"),
}
_METHOD_REF = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE)\s+(https?://[^\s`'\"<>]+|/[^\s`'\"]*)")
_URL = re.compile(r"https?://[^\s`'\"<>)\]]+")
_TEMPLATE = re.compile(r"[<>{}]|\.\.\.|…|\[\d*\]")
_SCOPE_LIKE = re.compile(r"^[A-Za-z][\w-]*(?:[.:][\w*-]+)+$")
_FILE_EXT = re.compile(r"\.(md|txt|json|html?|ts|js|py|png|svg|yaml|yml)$", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# A URL right after "issuer", "iss", "resource" or "audience" (prose, a table cell, a JSON member) names an
# identifier, not an endpoint.
_IDENTIFIER_CUE = re.compile(
    r"(?:\b(?:issuer|iss|resource|audience|aud)(?:\s+(?:identifier|id|is|url|uri))?|\"(?:issuer|iss|resource|aud)\")"
    r"[\s`'\"|:=(]*(?:is\s+)?$",
    re.IGNORECASE,
)


def _inline_text(token: Token) -> str:
    parts = []
    for c in token.children or []:
        if c.type in ("text", "code_inline"):
            parts.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _json_scopes(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if "scope" in str(key).lower():
                if isinstance(item, list):
                    out.extend(s for s in item if isinstance(s, str))
                elif isinstance(item, str):
                    out.extend(item.split())
                elif isinstance(item, dict):  # AuthKit: scopes{pre_claim, post_claim}
                    for sub in item.values():
                        if isinstance(sub, list):
                            out.extend(s for s in sub if isinstance(s, str))
            else:
                _json_scopes(item, out)
    elif isinstance(value, list):
        for item in value:
            _json_scopes(item, out)


def _clean_url(raw: str) -> str:
    return raw.rstrip(".,;:)`'\"")


class _AuthMdReader:
    """What parse_auth_md accumulates while it walks the tokens; :meth:`finish` builds the AuthMdFile once."""

    def __init__(self, text: str, base_url: str):
        self.text, self.base_url = text, base_url
        self.h1: str | None = None
        self.h1_count = 0
        self.section: Section | None = None
        self.in_scope_section = False
        self.sections: list[Section] = []
        self.steps: dict[str, str] = {}
        self.endpoints: list[EndpointRef] = []
        self.blocks: list[str] = []
        self.seen: set[tuple[str | None, str]] = set()
        self.scopes: list[str] = []
        self.fields: list[str] = []
        self.words: list[str] = []

    def add_ref(self, raw: str, method: str | None, source: str, before: str = "") -> None:
        raw = _clean_url(raw)
        if not raw or raw.startswith("//"):
            return
        url = urljoin(self.base_url, raw)
        if urlsplit(url).scheme not in ("http", "https") or (method, url) in self.seen:
            return
        self.seen.add((method, url))
        section = self.section
        self.endpoints.append(
            EndpointRef(
                raw=raw,
                url=url,
                method=method,
                source=source,
                section=section.title if section else None,
                steps=section.steps if section else (),
                templated=bool(_TEMPLATE.search(raw)),
                identifier=method is None and bool(_IDENTIFIER_CUE.search(before[-60:])),
            )
        )

    def scan_code(self, content: str, source: str, lead: str = "") -> None:
        taken: list[tuple[int, int]] = []
        for m in _METHOD_REF.finditer(content):
            self.add_ref(m.group(2), m.group(1), source)
            taken.append(m.span(2))
        for m in _URL.finditer(content):
            if not any(a <= m.start() < b for a, b in taken):
                self.add_ref(m.group(0), None, source, (lead + content[: m.start()])[-60:])

    def heading(self, tok: Token, level: int) -> None:
        title = _inline_text(tok).strip()
        self.words.append(title)
        if level == 1:
            self.h1_count += 1
            self.h1 = self.h1 if self.h1 is not None else title
            return
        low = title.lower()
        own = {s for s in STEPS if _STEP_PATTERNS[s].search(low)}
        # A sub-heading ("### anonymous" under "## Step 3 — Register") stays inside its parent's step.
        parents = [p for p in self.sections if p.level < level]
        inherited = set(parents[-1].steps) if parents else set()
        steps = tuple(s for s in STEPS if s in own or s in inherited)
        self.section = Section(title=title, level=level, steps=steps)
        self.sections.append(self.section)
        for s in sorted(own, key=STEPS.index):
            self.steps.setdefault(s, title)
        self.in_scope_section = "scope" in low

    def fence(self, tok: Token) -> None:
        self.scan_code(tok.content, "fence")
        self.words.append(tok.content)
        if "json" in (tok.info or "").lower() or tok.content.lstrip().startswith("{"):
            with contextlib.suppress(ValueError):  # "…" placeholders: not JSON, no scopes to read
                _json_scopes(json.loads(tok.content), self.scopes)

    def inline(self, tok: Token) -> None:
        plain = _inline_text(tok)
        self.words.append(plain)
        if plain.strip():
            self.blocks.append(plain.strip())
        mentions_scope = "scope" in plain.lower()
        lead = ""  # the inline text before the current child: "Issuer: " before a code span
        for child in tok.children or []:
            if child.type == "code_inline":
                self.code_span(child.content.strip(), lead, mentions_scope)
            elif child.type == "link_open":
                href = str(child.attrs.get("href") or "")
                if href.startswith(("http://", "https://", "/")):
                    self.add_ref(href, None, "link")
            elif child.type == "text":
                for m in _URL.finditer(child.content):
                    self.add_ref(m.group(0), None, "text", (lead + child.content[: m.start()])[-60:])
            lead = (lead + (child.content or ""))[-60:]

    def code_span(self, code: str, lead: str, mentions_scope: bool) -> None:
        self.scan_code(code, "code", lead)
        if code.startswith("/") and " " not in code:
            self.add_ref(code, None, "code")
        if re.fullmatch(r"[a-z]+(_[a-z]+)+", code) or code.startswith("agent_auth."):
            self.fields.append(code.removeprefix("agent_auth."))
        looks_scope = bool(_SCOPE_LIKE.match(code)) and not _FILE_EXT.search(code) and "://" not in code
        if looks_scope and (self.in_scope_section or mentions_scope) and not code.startswith("agent_auth."):
            self.scopes.append(code)

    def finish(self) -> AuthMdFile:
        return AuthMdFile(
            doc=Doc(url=self.base_url, state=DocState.FOUND, response=None, data=self.text),
            h1=self.h1,
            h1_count=self.h1_count,
            sections=self.sections,
            steps=self.steps,
            endpoints=self.endpoints,
            blocks=self.blocks,
            scopes=list(
                dict.fromkeys(
                    s for s in self.scopes if re.fullmatch(r"[\w.:/*-]+", s) and re.search(r"[a-z]", s, re.I)
                )
            ),
            field_names=list(dict.fromkeys(self.fields)),
            mentions_anonymous=bool(re.search(r"\banonymous\b", " ".join(self.words), re.I)),
        )


@functools.cache
def _markdown() -> MarkdownIt:
    """One CommonMark parser (with tables) per process: building one compiles its rules."""
    from markdown_it import MarkdownIt  # ~15 ms of start-up, paid only by a target that serves an auth.md

    return MarkdownIt("commonmark").enable("table")


def parse_auth_md(text: str, base_url: str) -> AuthMdFile:
    """Structure of an auth.md file from markdown-it tokens. ``doc`` is filled in by the caller."""
    reader = _AuthMdReader(text, base_url)
    heading_level: int | None = None
    for tok in _markdown().parse(text):
        if tok.type == "heading_open":
            heading_level = int(tok.tag[1:])
        elif tok.type == "heading_close":
            heading_level = None
        elif tok.type == "inline" and heading_level is not None:
            reader.heading(tok, heading_level)
        elif tok.type in ("fence", "code_block"):
            reader.fence(tok)
        elif tok.type == "inline":
            reader.inline(tok)
    return reader.finish()


_SURVIVES = re.compile(
    r"\b(keep|keeps|kept|survive|transfer|retain|upgraded|carr(y|ies) over|preserved|move to)"
)
_STRONG_SURVIVES = re.compile(r"\b(transfer|survive|kept|retain|preserved|keeps working)")
_WHO = re.compile(r"\b(human|user|owner|person|account holder|anyone|signed[- ]in)\b")
_STRONG_WHO = re.compile(r"\b(only|anyone|must|can claim|may claim|signed[- ]in)\b")
_CLAIM_WORD = re.compile(r"\bclaim(s|ed|ing)?\b")
_EXPIRY = re.compile(r"\b(expir(e|es|ed|y|ation)?\b(?!_)|unclaimed|deadline|lifetime)")
_AT_EXPIRY = re.compile(r"\b(delet|remov|destroy|purg|lost\b|gone\b|stop(s)? working|no longer|expire)")


def statements(blocks: list[str]) -> dict[str, list[str]]:
    """Sentences that state what survives a claim, who may claim, and what happens at expiry.

    Shared by auth.md and temporary resources (standards.md F4): plain-text heuristics over sentences the
    Markdown parser has already isolated; the clearest sentences come first.
    """
    out: dict[str, list[tuple[int, str]]] = {"survives_claim": [], "who_claims": [], "at_expiry": []}
    for block in blocks:
        for raw in _SENTENCE.split(block):
            sentence = " ".join(raw.split())
            low = sentence.lower()
            if sentence.endswith(":"):  # introduces a code block; not a statement
                continue
            claim = bool(_CLAIM_WORD.search(low))
            if claim and _SURVIVES.search(low):
                out["survives_claim"].append((0 if _STRONG_SURVIVES.search(low) else 1, sentence))
            if claim and _WHO.search(low):
                out["who_claims"].append((0 if _STRONG_WHO.search(low) else 1, sentence))
            consequence = _AT_EXPIRY.search(low)
            if (
                _EXPIRY.search(low)
                and consequence
                and ("unclaimed" in low or consequence.group(1) != "expire")
            ):
                out["at_expiry"].append((0 if "unclaimed" in low or "delet" in low else 1, sentence))
    return {k: list(dict.fromkeys(s for _, s in sorted(v, key=lambda p: p[0])))[:5] for k, v in out.items()}


def _endpoint_order(ref: EndpointRef) -> tuple[int, int]:
    # Named operations first (POST /agent/identity), then other paths, then plain links.
    return (0 if ref.method else 1, {"fence": 0, "code": 1, "text": 2, "link": 3}.get(ref.source, 4))


async def probe_endpoints(ctx: ProbeContext, urls: list[str]) -> list[EndpointProbe]:
    """GET each URL (safe, cached); the target's soft-404 page counts as a 404."""
    miss = await ctx.maybe("not_found")
    # Existence only: a metadata document another probe already read (as JSON) answers this too.
    answers = await asyncio.gather(*(ctx.fetch.get(url, any_accept=True) for url in urls))
    return [
        EndpointProbe(url=url, response=_as_404(resp) if resp.ok and same_as_miss(resp, miss) else resp)
        for url, resp in zip(urls, answers, strict=True)
    ]


def _as_404(resp: Response) -> Response:
    """A copy of a soft-404 answer marked as the miss it is, so `exists` reads False."""
    return replace(resp, status=404)


@probe(AUTHMD, description="GET /auth.md, parse it as Markdown and check the endpoints it names exist")
async def authmd(ctx: ProbeContext) -> AuthMdFile:
    url = urljoin(ctx.target.origin, AUTH_MD_PATH)
    # Independent: the upper-case spelling is asked for whatever the lower-case one answers.
    doc, upper = await asyncio.gather(
        fetch_doc(ctx, url), ctx.fetch.get(urljoin(ctx.target.origin, "/AUTH.md"))
    )
    if not doc.found:
        return AuthMdFile(doc=doc, upper=upper)
    parsed = replace(parse_auth_md(doc.data, url), doc=doc, upper=upper)
    # The named operations (POST /agent/identity) are endpoints whatever the OAuth walk finds, so they go
    # out beside the walk; the choice below then shares them (a method-less link may still turn out an
    # identifier the walk names, so it waits). Named operations sort first: this is a prefix of that choice.
    prediction = await ctx.predicted("oauth_discovery")
    if prediction is not None:
        for ref_url in _wanted(parsed, url, known_ids=None):
            if not prediction.walk_may_read(ref_url):
                ctx.fetch.prefetch(ref_url)
    disc = await ctx.maybe("oauth_discovery")
    known_ids = {s.issuer.rstrip("/") for s in getattr(disc, "auth_servers", [])}
    known_ids |= {
        str(r.data["resource"]).rstrip("/")
        for r in getattr(disc, "resource_metadata", [])
        if isinstance(r.data, dict) and isinstance(r.data.get("resource"), str)
    }
    wanted = _wanted(parsed, url, known_ids)
    return replace(parsed, endpoint_probes=await probe_endpoints(ctx, wanted))


def _wanted(parsed: AuthMdFile, url: str, known_ids: set[str] | None) -> list[str]:
    """The endpoints of ``parsed`` to check (same origin, bounded); identifiers and skipped URLs are noted in
    ``parsed``. ``known_ids`` None: only what is an endpoint whatever the walk finds, noting nothing."""
    origin = origin_of(url)
    wanted: list[str] = []
    for ref in sorted(parsed.endpoints, key=_endpoint_order):
        if ref.templated or ref.url.rstrip("/") == url.rstrip("/") or ref.url in wanted:
            continue
        if known_ids is None:
            if ref.method is not None and origin_of(ref.url) == origin and len(wanted) < MAX_ENDPOINT_CHECKS:
                wanted.append(ref.url)
            continue
        if ref.method is None and (ref.identifier or ref.url.rstrip("/") in known_ids):
            # RFC 8414 §2: an issuer is an identifier; only its metadata must resolve.
            parsed.identifiers.append(ref.url)
            continue
        if origin_of(ref.url) != origin:
            parsed.skipped_endpoints.append(ref.url)
        elif len(wanted) < MAX_ENDPOINT_CHECKS:
            wanted.append(ref.url)
        else:
            parsed.skipped_endpoints.append(ref.url)
    return wanted


# --- the agent_auth block ------------------------------------------------------------------------------


def detect_dialects(block: dict[str, Any]) -> list[str]:
    return [name for name, keys in DIALECT_KEYS.items() if any(k in block for k in keys)]


def _metadata_candidates(disc: Any) -> list[tuple[str, Doc, dict[str, Any]]]:
    out = []
    for server in getattr(disc, "auth_servers", None) or []:
        meta = getattr(server, "metadata", None)
        doc = getattr(server, "doc", None)
        if isinstance(meta, dict) and doc is not None:
            out.append((getattr(server, "issuer", "") or "", doc, meta))
    return out


def _choose_metadata(disc: Any, draft: dict[str, Any]) -> None:
    """The first server metadata found, or the first with an agent_auth block, as oauth_discovery read it."""
    for issuer, doc, meta in _metadata_candidates(disc):
        draft["tried"].append(doc)
        if draft.get("metadata") is None or ("agent_auth" in meta and draft.get("block") is None):
            draft |= {"as_doc": doc, "issuer": issuer, "metadata": meta, "source": "oauth_discovery"}
            if isinstance(meta.get("agent_auth"), dict):
                draft["block"] = meta["agent_auth"]


def _take_fallback(ctx: ProbeContext, doc: Doc, draft: dict[str, Any]) -> None:
    """The root RFC 8414 document read because oauth_discovery found no agent_auth block."""
    draft["tried"].append(doc)
    found = doc.data if doc.found and isinstance(doc.data, dict) else None
    if found is not None and (draft.get("metadata") is None or isinstance(found.get("agent_auth"), dict)):
        draft |= {"as_doc": doc, "metadata": found, "source": "fallback"}
        draft["issuer"] = found.get("issuer") if isinstance(found.get("issuer"), str) else ctx.target.origin
        if isinstance(found.get("agent_auth"), dict):
            draft["block"] = found["agent_auth"]
    elif draft.get("as_doc") is None:
        draft["as_doc"] = doc


async def _no_fetch() -> None:
    return None


@probe(
    AGENT_AUTH,
    description="read the agent_auth block of the authorization-server metadata and GET its skill",
)
async def agent_auth(ctx: ProbeContext) -> AgentAuth:
    # Speculation: the walk most often ends at the origin's own server metadata (read at t0), so what its
    # block names goes out beside the walk's calls; the block chosen below then shares those answers, or
    # where the walk chose another server, sends for its own.
    prediction = await ctx.predicted("oauth_discovery")
    if prediction is not None:
        guess = await prediction.server()
        block = (guess.metadata or {}).get("agent_auth")
        if isinstance(block, dict):
            for url in filter(None, _block_requests(block)):
                if not prediction.walk_may_read(url):
                    ctx.fetch.prefetch(url)
    disc = await ctx.maybe("oauth_discovery")
    draft: dict[str, Any] = {"tried": []}  # the accumulator; the frozen AgentAuth is made from it once
    _choose_metadata(disc, draft)
    # The protected-resource metadata to cross-check: one that names the chosen issuer, else the first found.
    found_prms = [
        (rm.data, rm.doc)
        for rm in getattr(disc, "resource_metadata", None) or []
        if isinstance(getattr(rm, "data", None), dict)
    ]
    # What oauth_discovery did not give is read from the origin: the root RFC 8414 and RFC 9728 documents,
    # with that probe's Accept so that the fetch cache answers where it read them already. Both at once:
    # neither depends on the other.
    as_url = urljoin(ctx.target.origin, AS_METADATA_PATH)
    want_as = draft.get("block") is None and not any(d.url == as_url for d in draft["tried"])
    prm_url = urljoin(ctx.target.origin, PRM_PATH)
    as_doc, prm_doc = await asyncio.gather(
        fetch_doc(ctx, as_url, parse="json", accept=JSON) if want_as else _no_fetch(),
        fetch_doc(ctx, prm_url, parse="json", accept=JSON) if not found_prms else _no_fetch(),
    )
    if as_doc is not None:
        _take_fallback(ctx, as_doc, draft)
    chosen_issuer = (draft.get("metadata") or {}).get("issuer") or draft.get("issuer")
    naming = [p for p in found_prms if chosen_issuer in (p[0].get("authorization_servers") or [])]
    if naming or found_prms:
        draft["prm"], draft["prm_doc"] = (naming or found_prms)[0]
    elif prm_doc is not None:
        draft["prm_doc"] = prm_doc
        if prm_doc.found and isinstance(prm_doc.data, dict):
            draft["prm"] = prm_doc.data
    block = draft.get("block")
    if block is None:
        return AgentAuth(**draft)
    draft["dialects"] = detect_dialects(block)
    skill, *urls = _block_requests(block)
    # The skill and the endpoints the block names: independent GETs, sent together.
    draft["skill_response"], draft["endpoint_probes"] = await asyncio.gather(
        ctx.fetch.get(skill) if skill else _no_fetch(), probe_endpoints(ctx, urls)
    )
    return AgentAuth(**draft)


def _block_requests(block: dict[str, Any]) -> list[str]:
    """The skill URL ("" when the block names none), then the endpoints of the block to check."""
    skill = block.get("skill")
    urls = list(dict.fromkeys(AgentAuth(block=block).block_urls().values()))[:MAX_ENDPOINT_CHECKS]
    if isinstance(skill, str) and skill.startswith(("http://", "https://")):
        return [skill, *urls]
    return ["", *urls]


# --- ACTIVE: anonymous registration ---------------------------------------------------------------------

HUMAN_FLOWS = {
    "service_auth": "service_auth returns a user_code a human enters at a verification page",
    "identity_assertion": "identity_assertion needs an ID-JAG from the agent's own identity provider, or a "
    "verified e-mail whose one-time code a human reads back",
    "email": "e-mail verification sends a one-time code to a human",
    "verified_email": "e-mail verification sends a one-time code to a human",
}


def json_path(data: Any, path: str) -> Any:
    """The value at a dotted path (``claim.url``) of parsed JSON, or None."""
    cur = data
    for part in path.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    return cur


def _dig(data: Any, *paths: str) -> Any:
    """The first present value among dotted paths (``claim.url``)."""
    return next((v for v in (json_path(data, p) for p in paths) if v is not None), None)


def answer_instant(created_at: Any, resp: Response) -> datetime | None:
    """The answer's own notion of now: its ``created_at`` value, else its Date header (or None)."""
    start = parse_instant(created_at)
    if start is None and resp.headers.get("date"):
        with contextlib.suppress(TypeError, ValueError):
            start = parsedate_to_datetime(resp.headers["date"])
    return start


def lifetime_of(expiry: str | None, body: dict[str, Any], resp: Response) -> float | None:
    """Seconds from the answer's own notion of now (``created_at``, else its Date header) to ``expiry``."""
    end = parse_instant(expiry)
    if end is None:
        return None
    start = answer_instant(_dig(body, "created_at", "createdAt", "issued_at"), resp)
    return round((end - start).total_seconds(), 1) if start is not None else None


def read_registration(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a registration answer in any dialect says: (the :class:`Registration` fields it fills, the
    secrets found, by name)."""
    got: dict[str, Any] = {"notes": []}
    secrets: dict[str, Any] = {}
    assertion = _dig(body, "identity_assertion", "identity.assertion", "assertion")
    if isinstance(assertion, str):
        got["assertion_present"] = True
        secrets["assertion"] = assertion
    got["assertion_expires"] = _dig(
        body,
        "assertion_expires",
        "identity_assertion_expires",
        "identity.expires_at",
        "identity_assertion_expires_at",
    )
    credential = _dig(body, "credential", "api_key", "access_token")
    if isinstance(credential, str):
        secrets["credential"] = credential
        got["credential"] = credential
        got["credential_kind"] = _dig(body, "credential_type") or "credential"
        expires = _dig(body, "credential_expires", "credential_expires_at", "expires_at")
        got["credential_expires_at"] = expires if isinstance(expires, str) else None
        if expires is None and "credential_expires" in body:
            got["notes"].append("credential_expires is null: the credential does not expire by itself")
    claim_url = _dig(body, "claim.url", "claim.start_url", "claim_url", "claimUrl")
    claim_token = _dig(body, "claim.token", "claim_token", "claimToken")
    got["claim_url_present"] = isinstance(claim_url, str)
    got["claim_token_present"] = isinstance(claim_token, str)
    for name, value in (("claim_url", claim_url), ("claim_token", claim_token)):
        if isinstance(value, str):
            secrets[name] = value
    expires = _dig(body, "claim.expires_at", "claim.expiresAt", "claim_token_expires", "claim_expires_at")
    got["claim_expires_at"] = expires if isinstance(expires, str) else None
    pre = _dig(body, "scopes.pre_claim", "pre_claim_scopes", "scopes")
    post = _dig(body, "scopes.post_claim", "post_claim_scopes")
    got["pre_claim_scopes"] = [s for s in pre if isinstance(s, str)] if isinstance(pre, list) else []
    got["post_claim_scopes"] = [s for s in post if isinstance(s, str)] if isinstance(post, list) else []
    return got, secrets


def use_candidates(disc: Any, file: AuthMdFile | None, origin: str) -> list[str]:
    """URLs to try one authenticated GET on, all on the credential's origin: protected GETs that answered 401
    unauthenticated, then ``GET`` operations the recipe names (its Use step first)."""
    out: list[str] = []
    for call in getattr(disc, "protected", None) or []:
        resp = getattr(call, "response", None)
        if resp is not None and resp.status == 401 and resp.method == "GET":
            out.append(call.url)
    if file is not None:
        for ref in file.endpoints_in_step("use") + file.endpoints:
            documents = "/.well-known/" in ref.url or _FILE_EXT.search(urlsplit(ref.url).path)
            if ref.method == "GET" and not ref.templated and not documents:
                out.append(ref.url)
    return [u for u in dict.fromkeys(out) if origin_of(u) == origin]


def _refusal(meta: AgentAuth, target_origin: str, endpoint: str | None) -> tuple[str, str] | None:
    """(step, reason) when the metadata gives no anonymous registration the scan may attempt."""
    if meta.block is None:
        return "metadata", "no agent_auth block in the authorization-server metadata"
    if endpoint is None:
        return "metadata", "the agent_auth block names no registration endpoint"
    if meta.identity_types and "anonymous" not in meta.identity_types:
        return (
            "metadata",
            "anonymous registration is not offered (identity_types_supported: "
            f"{', '.join(meta.identity_types)})",
        )
    if origin_of(endpoint) not in {target_origin, origin_of(meta.issuer or target_origin)}:
        # The scan's own bound, not the service's fault: auth-md.registration reports it as not exercised.
        return (
            "off-target",
            f"the registration endpoint {endpoint} is on another origin than the target and its "
            "authorization server; not registering there",
        )
    return None


def _record_registration(ctx: ProbeContext, answer: dict[str, Any], resp: Response) -> None:
    ident = _dig(answer, "registration_id", "id", "agent_id", "client_id")
    ctx.created(
        "registration",
        str(ident) if isinstance(ident, str | int) else "an auth.md registration",
        resp,
        why_not="auth.md documents no way to delete a registration; its access token is revoked",
    )
    claim_url = _dig(answer, "claim.url", "claim.start_url", "claim_url", "claimUrl")
    if isinstance(claim_url, str):
        ctx.redactor.add_secret(claim_url.rsplit("/", 1)[-1])


async def _exchange_assertion(
    ctx: ProbeContext, meta: AgentAuth, assertion: str, issuer_origin: str, draft: dict[str, Any]
) -> str | None:
    """The jwt-bearer exchange of the identity assertion (v1), into ``draft``; why it failed, or None."""
    token_endpoint = meta.token_endpoint
    if token_endpoint is None:
        return "got an identity assertion but the metadata names no token_endpoint to exchange it"
    if origin_of(token_endpoint) != issuer_origin:
        return (
            f"the token endpoint {token_endpoint} is on another origin than the identity endpoint; the "
            "assertion is not sent there"
        )
    form = {"grant_type": JWT_BEARER, "assertion": assertion}
    resource = (meta.prm or {}).get("resource")
    if isinstance(resource, str):
        form["resource"] = resource
    tok = await ctx.fetch.request("POST", token_endpoint, data=form, headers={"Accept": "application/json"})
    draft["token_response"] = tok
    data = tok.json if isinstance(tok.json, dict) else {}
    access = data.get("access_token")
    if not isinstance(access, str):
        error = f" error={data.get('error')!r}" if data.get("error") else ""
        reason = tok.error if tok.failed else f"{tok.describe()}{error}"
        return f"the jwt-bearer exchange at {token_endpoint} gave no access_token ({reason})"
    ctx.redactor.add_secret(access)
    draft["credential"], draft["credential_kind"] = access, "access_token"
    if isinstance(data.get("expires_in"), int | float):
        draft["credential_expires_in"] = int(data["expires_in"])
    return None


def _revocation(meta: AgentAuth, draft: dict[str, Any]) -> Undo | None:
    """The RFC 7009 revocation of the registration's access token, where the issuer offers one."""
    revocation = (meta.metadata or {}).get("revocation_endpoint")
    credential = draft.get("credential")
    if not (
        draft.get("credential_kind") == "access_token"
        and isinstance(credential, str)
        and isinstance(revocation, str)
        and origin_of(revocation) == draft.get("credential_origin")
    ):
        return None
    return Undo("POST", revocation, data={"token": credential, "token_type_hint": "access_token"})


def _record_token(ctx: ProbeContext, meta: AgentAuth, draft: dict[str, Any]) -> Created | None:
    """Record the access token the moment it is issued (before the probe uses it), with its revocation."""
    undo = _revocation(meta, draft)
    if undo is None:
        return None
    issued = draft.get("token_response") or draft.get("register_response")
    return ctx.created("token", "auth.md registration's access token", issued, undo=undo)


@probe(
    AUTHMD_REGISTRATION,
    active=True,
    description="ACTIVE: register anonymously as agent_auth describes, use the credential once, send one "
    "malformed registration, revoke what was obtained",
)
async def authmd_registration(ctx: ProbeContext) -> Registration:
    meta: AgentAuth = await ctx.need("agent_auth")
    endpoint = meta.registration_endpoint
    # The accumulator the steps fill; the frozen Registration is made from it once.
    draft: dict[str, Any] = {
        "dialect": meta.dialect,
        "endpoint": endpoint,
        "claim_endpoint": meta.claim_endpoint,
        "human_flows": [HUMAN_FLOWS[t] for t in meta.identity_types if t in HUMAN_FLOWS],
    }
    refusal = _refusal(meta, ctx.target.origin, endpoint)
    if refusal is not None or endpoint is None:
        step, reason = refusal or ("metadata", "no registration endpoint")
        return Registration(**draft, stuck_at=step, stuck_reason=reason)
    body: dict[str, Any] = {"type": "anonymous"}
    if meta.dialect == "v0":
        body["requested_credential_type"] = "api_key"
    accept = {"Accept": "application/json"}

    async def register() -> tuple[tuple[str, str] | None, Created | None]:
        # The registration and one malformed one (the error an agent gets when it sends the wrong type) are
        # independent: sent together.
        resp, draft["malformed_response"] = await asyncio.gather(
            ctx.fetch.request("POST", endpoint, json=body, headers=accept),
            ctx.fetch.request("POST", endpoint, json={"type": "bogus"}, headers=accept),
        )
        draft.update(attempted=True, register_response=resp)
        stuck = await _register_and_exchange(ctx, meta, resp, draft)
        if stuck is not None:
            return stuck, None
        draft["credential_origin"] = origin_of(endpoint)
        return None, _record_token(ctx, meta, draft)

    stuck, token_entry = await ctx.creating(register())
    if stuck is not None:
        return Registration(**draft, stuck_at=stuck[0], stuck_reason=stuck[1])
    issuer_origin = draft["credential_origin"]
    file, disc = await ctx.maybe("authmd"), await ctx.maybe("oauth_discovery")
    candidates = use_candidates(disc, file, issuer_origin)
    if not candidates:
        draft["notes"].append("no same-origin protected GET endpoint was known to try the credential on")
    else:
        draft["use_url"] = candidates[0]
        auth = {"Authorization": f"Bearer {draft['credential']}"}
        draft["use_response"] = await ctx.fetch.request("GET", candidates[0], headers=auth)
    reg = Registration(**draft)
    # Revoked (RFC 7009) once temporary_lifecycle, the later step that may send it, is done with it.
    ctx.defer_undo(token_entry, lambda resp: replace(reg, revoke_response=resp), after=(TEMPORARY_LIFECYCLE,))
    return reg


async def _register_and_exchange(
    ctx: ProbeContext, meta: AgentAuth, resp: Response, draft: dict[str, Any]
) -> tuple[str, str] | None:
    """Read the registration answer into ``draft`` and exchange an identity assertion for a token when the
    dialect needs it; (step, reason) when no credential came of it."""
    answer = resp.json if isinstance(resp.json, dict) else None
    draft["notes"] = []
    if answer is not None and resp.ok:
        got, secrets = read_registration(answer)
        draft |= got
        for value in secrets.values():
            ctx.redactor.add_secret(value)
        _record_registration(ctx, answer, resp)
        draft["lifetime_s"] = lifetime_of(
            draft.get("credential_expires_at")
            or draft.get("assertion_expires")
            or draft.get("claim_expires_at"),
            answer,
            resp,
        )
    if resp.failed:
        return "register", f"the registration endpoint did not answer: {resp.error}"
    if not resp.ok or answer is None:
        return "register", f"the registration endpoint answered {resp.describe()}, not a JSON registration"
    assertion = _dig(answer, "identity_assertion", "identity.assertion", "assertion")
    if draft.get("credential") is None and isinstance(assertion, str):
        failed = await _exchange_assertion(ctx, meta, assertion, origin_of(str(draft["endpoint"])), draft)
        if failed is not None:
            return "token", failed
    if draft.get("credential") is None:
        return "register", "the registration answer holds neither a credential nor an identity assertion"
    return None
