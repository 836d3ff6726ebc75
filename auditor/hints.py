"""Hint quality of an error text: does it tell an agent what to do next? (standards E4)

A deterministic, explainable scorer; no language model. Five elements, one point each:

``doc_link``
    an http(s) URL that helps resolve the error: a URL introduced by a cue ("see", "visit", "go to",
    "read the docs:", "more info", "at", "from" ...) or whose host/path names documentation (``docs``,
    ``help``, ``support``, ``errors`` ...); structured fields ``doc_url``, ``documentation_url``,
    ``error_uri``, ``more_info``, ``infoUrl`` ...; a problem+json ``type`` that is an http(s) URI (RFC 9457
    says it should be dereferenceable); a ``Link: <...>; rel="help"`` header. Not counted: bug-tracker
    links (``/issues``), echoes of the request URL, XML namespaces.
``imperative``
    an explicit next step: a verb from :data:`ACTION_VERBS` at the start of a clause ("Set ...",
    "Try authenticating with ...", "rerun this command with ..."), ``please <verb>``, or
    ``you can/need to/should/must <action verb>``. A requirement without an action ("You must be logged
    in") and a prohibition ("You cannot ...") are not steps. A clause-initial verb needs an object (a
    one-word message such as "Authenticate" is a status word), and an HTTP method followed by a URL
    ("Get http://...") is a request echo, not an instruction.
``named_token``
    something the reader can type or set: a backticked identifier; a quoted command of two or more words
    ('flyctl auth login'); a ``--flag``; a header (``Name-Name:`` form, ``X-...`` names, a word followed
    by "header", well-known auth headers); an ``UPPER_SNAKE`` environment variable in an env-var context
    or with a configuration suffix (``_TOKEN``, ``_KEY`` ...); a parameter named next to "parameter" /
    "field" when it looks like an identifier; a command after "run:"/"running"/``$``; structured
    ``param``, ``errors[].location``, ``invalid_params[].name``.
``credential_route``
    an *agent* route: a way for a caller with no credentials and no human at hand to get (or do without)
    them: a no-account flag (``--temporary``, ``--anonymous``); a temporary or anonymous mode; ``auth.md``;
    an API sign-up or token endpoint (an API URL such as ``/oauth/register``, ``/agent/identity``,
    ``POST /v1/tokens``); a device-code flow; client credentials; a CI-provided secret
    (``${{ github.token }}``); an RFC 9728 ``resource_metadata`` in ``WWW-Authenticate`` (machine-followable
    discovery of how to get a token).

    A *human* route is recorded as ``human_route`` and never scores: a login command (``X login``,
    ``X auth login``, ``npm adduser``, ``/login``), "log in" / "sign in", a dashboard, console or account page
    where keys are created, "contact sales/support/your administrator", a web sign-up page. A browser login
    to an account the agent does not have is exactly what stops an agent, so an error whose only route is
    a human one cannot pass (:func:`grade`).

Tool chatter is not the error: update notices ("A new release of pip is available", "To update, run:"),
``[notice]`` / ``npm notice`` lines and "A complete log of this run can be found in:" lines are dropped
before scoring (:func:`strip_chatter`). A command stops at the first word that cannot belong to it ("or",
"to", "and" ...), so "run supabase login or setting X" names the command ``supabase login``.
``request_id``
    a request/trace/correlation id: ``request id: ...`` labels, ``req_...`` ids, ``request_id`` /
    ``RequestId`` / ``trace_id`` fields (JSON or XML), and request-id response headers when given.
    (The corpus in ``tests/data/error_texts.json`` labels bodies only; headers count here because an
    agent can quote them to support just as well.)

Every match records the quoted span and the rule that found it, so a report can show *why*. The
agreement with the labelled corpus is measured by ``bench/hints_agreement.py`` and stated in
``docs/hints.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agent_ready.parsers import wwwauth

ELEMENTS: tuple[str, ...] = ("doc_link", "imperative", "named_token", "credential_route", "request_id")
HUMAN_ROUTE = "human_route"  # recorded and reported, never scored: it is not a route for an agent

ELEMENT_TITLES: dict[str, str] = {
    "doc_link": "a documentation link",
    "imperative": "an imperative next step",
    "named_token": "a named flag, header, variable or parameter",
    "credential_route": "a route for an agent without credentials",
    "request_id": "a request id",
}

FIXES: dict[str, str] = {
    "doc_link": "Link the documentation for this error: a problem `type` URL that resolves to a page about "
    "it, or a `doc_url` / `error_uri` member.",
    "imperative": 'Say what to do next, in the imperative: "Send `Authorization: Bearer <token>`", '
    '"rerun this command with `--temporary`".',
    "named_token": "Name the exact flag, header, environment variable or parameter to set, in backticks "
    "(`--token`, `Authorization`, `EXAMPLE_API_TOKEN`, `name`).",
    "credential_route": "Tell a caller without credentials how to get some without a browser or a human: a "
    "registration or token endpoint, /auth.md, a `--temporary` / anonymous mode, or a device-code flow. A "
    "login command or a dashboard page is a human route and does not count.",
    "request_id": "Include a request id (a `request_id` member or an `X-Request-Id` header) so the failure "
    "can be reported and traced.",
}

PASS_AT = 3  # standards E4: pass at 3 or more, warn at 1-2, fail at 0

# Base forms of verbs that start an instruction in error messages. Nouns that double as verbs and often
# open descriptive sentences ("Request is missing ...", "Access token not provided", "Login required",
# "Authenticate" as a status word) are deliberately left out.
ACTION_VERBS = frozenset(
    [
        "add",
        "allow",
        "append",
        "ask",
        "assign",
        "authorize",
        "call",
        "change",
        "check",
        "choose",
        "click",
        "configure",
        "confirm",
        "connect",
        "consult",
        "contact",
        "copy",
        "create",
        "define",
        "delete",
        "double-check",
        "email",
        "enable",
        "enter",
        "ensure",
        "export",
        "find",
        "fix",
        "follow",
        "generate",
        "get",
        "go",
        "grant",
        "include",
        "install",
        "learn",
        "log",
        "make",
        "navigate",
        "obtain",
        "open",
        "pass",
        "populate",
        "provide",
        "put",
        "read",
        "reauthenticate",
        "reconnect",
        "reduce",
        "refer",
        "refresh",
        "regenerate",
        "register",
        "reinstall",
        "remove",
        "renew",
        "replace",
        "rerun",
        "re-run",
        "restart",
        "retry",
        "revoke",
        "rotate",
        "run",
        "see",
        "select",
        "send",
        "set",
        "sign",
        "slow",
        "specify",
        "start",
        "submit",
        "supply",
        "switch",
        "try",
        "type",
        "update",
        "upgrade",
        "use",
        "verify",
        "visit",
        "wait",
    ]
)
_TWO_WORD = {"log": ("in", "out"), "sign": ("in", "up", "out"), "make": ("sure",), "slow": ("down",)}
_PLEASE_SKIP = frozenset({"note", "be"})  # "please note that ..." informs, it asks nothing
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_DETERMINERS = frozenset(
    {
        "this",
        "the",
        "a",
        "an",
        "it",
        "your",
        "our",
        "that",
        "these",
        "those",
        "again",
        "following",
        "command",
        "with",
        "to",
        "in",
        "on",
        "and",
        "or",
        "for",
    }
)

URL_RE = re.compile(r"https?://[^\s'\"<>`)\]}]+[^\s'\"<>`)\]}.,;:!?]")
_DOC_CUES = re.compile(
    r"(?:\bsee|\bvisit|\bgo to|\bread|\bdocs?:?|\bdocumentation|\binfo(?:rmation)?|\blearn more|\bat|\bfrom|"
    r"\bsupport|\bhelp|\binstructions|\bguide|\bcheck out|\bmore:)\W{0,4}$",
    re.IGNORECASE,
)
_DOCISH_URL = re.compile(
    r"(?://(?:docs?|help|support|developers?|learn|kb|err)\.|/(?:docs?|documentation|help|"
    r"support|errors?|error-codes|guides?|learn|kb|faq|reference|manual|auth\.md|llms\.txt)"
    r"(?:[/#?.]|$)|//err\.sh/)",
    re.IGNORECASE,
)
_TRACKER_URL = re.compile(r"/issues(?:/|$)|/pulls?(?:/|$)|/discussions(?:/|$)", re.IGNORECASE)
_KEY_URL = re.compile(
    r"(?:api[-_]?keys?|/tokens?(?:[/#?]|$)|create[-_]token|/register|/signup|/sign-up|"
    r"/oauth/register|/credentials|/keys(?:[/#?]|$)|/account/)",
    re.IGNORECASE,
)

_BACKTICK = re.compile(r"`([^`\n]{1,80})`")
_QUOTED = re.compile(r"(?<![\w])(['\"])([^'\"\n]{2,60})\1")
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+", re.IGNORECASE)
_HEADER_COLON = re.compile(r"\b([A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+):\s")
_X_HEADER = re.compile(r"(?<![\w-])([Xx]-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)")
_WORD_HEADER = re.compile(r"\b([A-Za-z][\w-]*)\s+(?:request\s+)?headers?\b")
# A bare word that is also a header name is ambiguous ("401 Authorization Required" is a reason phrase), so
# well-known headers count in the "Name:" form; "<name> header" is matched separately.
_KNOWN_HEADERS = re.compile(
    r"\b(Authorization|WWW-Authenticate|Proxy-Authorization|Idempotency-Key|"
    r"Retry-After|Content-Type|Accept):"
)
_ENV = re.compile(r"(?<![\w$])\$?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b")
_ENV_SUFFIX = re.compile(
    r"_(?:TOKEN|KEY|API_KEY|SECRET|PASSWORD|URL|URI|HOST|ID|PATH|HOME|CONFIG|PROFILE|"
    r"REGION|ENDPOINT|ACCOUNT|DIR)$"
)
_ENV_CONTEXT = re.compile(r"environment variable|env(?:ironment)? var|\bvariable\b|\benv\b", re.IGNORECASE)
_PARAM_AFTER = re.compile(
    r"\b(?:parameter|param|field|argument|property|option)\s+[`'\"]?([A-Za-z_][\w.\[\]-]*)"
)
_PARAM_BEFORE = re.compile(
    r"[`'\"]?([A-Za-z_][\w.\[\]-]*)[`'\"]?\s+(?:parameter|param|field|argument|property)\b"
)
_COMMAND_AFTER = re.compile(
    r"(?:\brun|\brunning|\brerun|\bexecute|\bwith|\busing)\s*:\s*\$?\s*([a-z][\w.-]*"
    r"(?:[ \t]+[a-z][\w.:/=-]*){1,4})|(?:\brunning|\brun)\s+([a-z][\w.-]*(?:[ \t]+"
    r"[a-z][\w.:/=-]*){1,3})"
)
_PROMPT_LINE = re.compile(r"^\s*\$\s+([a-z][\w.-]*(?:[ \t]+[\w.:/=-]+){0,5})", re.MULTILINE)
_LOGIN_WORDS = re.compile(
    r"(?:^|[\s/:])(?:login|log-in|logon|signin|sign-in|signup|sign-up|register|adduser|auth)\b", re.IGNORECASE
)
# Agent routes: a caller with no credentials and no human at hand can follow these.
_AGENT_FLAGS = re.compile(
    r"(?<![\w-])--(?:temporary|temp|anonymous|anon|guest|trial|device|device-code|use-device-code|"
    r"client-credentials)\b",
    re.IGNORECASE,
)
_AGENT_PHRASES = re.compile(
    r"\btemporary (?:account|mode|project|database|deployment|resource|workspace|credentials?|token|key|"
    r"session|sandbox)s?\b|"
    r"\banonymous(?:ly)?\s+(?:access|account|tier|identity|mode|registration|sign-?up|token|credentials?|"
    r"key|user|session|sandbox|project)s?\b|\bregister anonymously\b|\bauth\.md\b|"
    r"\bdevice[- ](?:code|flow|authori[sz]ation|grant|login)\b|\bclient[_ ]credentials\b|"
    r"\$\{\{\s*(?:github|secrets)\.[\w.]+\s*\}\}",
    re.IGNORECASE,
)
_API_CALL = re.compile(r"\b(?:POST|PUT)\s+`?((?:https?://|/)[^\s`'\"]+)")
# Human routes: each needs a person (a browser login to an existing account, a dashboard, a sales call).
_HUMAN_PHRASES = re.compile(
    r"\b(?:please\s+)?(?:log|sign)\s?-?in\s+(?:again|first|with|to|using|via|at|on)\b|"
    r"\b(?:please|you (?:need|have|must) to|must|then)\s+(?:log|sign)\s?-?in\b|"
    r"^\s*(?:log|sign)\s?-?in\b|"
    r"\b(?:visit|go to|open|use|from|in|via|on|at)\s+(?:the\s+|your\s+)?(?:\w+\s+)?"
    r"(?:dashboard|console|portal|web ?ui|account (?:settings|page)|settings page|control panel|browser)\b|"
    r"\bcontact\s+(?:our\s+|the\s+|your\s+)?(?:sales|support|us|administrator|admin|account manager|"
    r"owner|team)\b|\bask\s+(?:your|an?)\s+(?:administrator|admin|owner)\b|\brequest access\b|"
    r"(?<![\w/])/login\b",
    re.IGNORECASE | re.MULTILINE,
)
_KEY_PHRASES = re.compile(
    r"\b(?:get|obtain|create|generate|request|find)\s+(?:a\s+|an\s+|your\s+|new\s+|one\s+)?(?:new\s+)?"
    r"(?:api\s+|access\s+|personal\s+access\s+|bearer\s+)?(?:key|token|credentials?)s?\b|"
    r"\b(?:sign up|register|create an account)\s+(?:at|on|with|via)\b",
    re.IGNORECASE,
)
# What makes a key phrase an agent route: the sentence names an API way to do it.
_AGENT_CUE = re.compile(
    r"\bAPI\b(?!\s+(?:key|token))|\bendpoint\b|\bPOST\b|\bprogrammatically\b|\bcurl\b|\bheadless(?:ly)?\b|"
    r"/oauth2?/|/agent/|\.well-known/",
)
_AGENT_URL = re.compile(
    r"(?://api\.|/api/v?\d|/v\d+/|/oauth2?/|/agent/|/\.well-known/|auth\.md(?:[?#]|$)|/connect/register)",
    re.IGNORECASE,
)
_ROUTE_URL_CUE = re.compile(
    r"(?:\b(?:POST|PUT|call|at|via|to|see|use|from|register|sign up|endpoint|send)|[`:])\W{0,4}$",
    re.IGNORECASE,
)
_COMMAND_STOP = frozenset(
    {
        "or",
        "and",
        "to",
        "then",
        "if",
        "can",
        "could",
        "be",
        "is",
        "are",
        "was",
        "were",
        "in",
        "for",
        "the",
        "a",
    }
    | {"an", "with", "from", "setting", "instead", "again", "first", "now", "before", "after", "when", "this"}
    | {"that", "your", "it", "command", "which", "so", "but", "by"}
)
# Output that is not the error: update notices, log-file pointers.
_CHATTER_LINE = re.compile(
    r"^[^\n]*(?:\[notice\]|\bnpm notice\b|\bA new (?:release|version) of [\w.@/-]+ is available|"
    r"\bTo update,? run:|\bUpdate available\b|\bcan be found in:|\bnew version (?:is )?available\b)[^\n]*$",
    re.IGNORECASE | re.MULTILINE,
)
_REQUEST_ID_LABEL = re.compile(
    r"\b(?:x-)?(?:request|trace|correlation)[ _-]?id\b\W{0,3}\s*[:=]?\s*[\"']?([A-Za-z0-9][\w.:-]{5,})",
    re.IGNORECASE,
)
_REQ_PREFIX = re.compile(r"\breq_[A-Za-z0-9]{6,}\b")
_REQUEST_ID_KEYS = re.compile(r"^(?:x[-_])?(?:request|trace|correlation)[-_]?id$", re.IGNORECASE)
_DOC_KEYS = frozenset(
    k.lower()
    for k in (
        "doc_url",
        "docs_url",
        "documentation_url",
        "documentationUrl",
        "error_uri",
        "more_info",
        "moreInfo",
        "infoUrl",
        "info_url",
        "help_url",
        "helpUrl",
        "docUrl",
        "documentation",
        "help",
        "see",
    )
)
_PARAM_KEYS = frozenset({"param", "parameter", "field", "pointer"})
REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-trace-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-github-request-id",
    "cf-ray",
    "traceparent",
)
_TEXT_KEYS = (
    "title",
    "detail",
    "message",
    "error_description",
    "description",
    "hint",
    "msg",
    "reason_phrase",
)
_CLAUSE_SPLIT = re.compile(r"(?<=[.!?;:])\s+|\n(?=\s*(?:[A-Z$>•*-]|\d+\.))|,\s+|\(|\)|\n\s*\n")


@dataclass(frozen=True)
class Match:
    element: str
    span: str  # the text that matched, quoted as found
    rule: str  # which rule found it
    where: str = "text"  # "text", "field:<name>" or "header:<name>"

    def describe(self) -> str:
        place = "" if self.where == "text" else f" ({self.where})"
        return f"{self.span!r} [{self.rule}]{place}"


@dataclass(frozen=True)
class HintScore:
    text: str
    matches: tuple[Match, ...] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)

    def found(self, element: str) -> list[Match]:
        return [m for m in self.matches if m.element == element]

    def has(self, element: str) -> bool:
        return any(m.element == element for m in self.matches)

    @property
    def present(self) -> list[str]:
        return [e for e in ELEMENTS if self.has(e)]

    @property
    def missing(self) -> list[str]:
        return [e for e in ELEMENTS if not self.has(e)]

    @property
    def score(self) -> int:
        return len(self.present)

    @property
    def human_routes(self) -> list[Match]:
        return self.found(HUMAN_ROUTE)

    @property
    def route(self) -> str:
        """Which route to credentials the text names: "agent", "human" (and no agent one) or "none"."""
        if self.has("credential_route"):
            return "agent"
        return "human" if self.human_routes else "none"

    def fixes(self) -> dict[str, str]:
        return {e: FIXES[e] for e in self.missing}

    def labels(self) -> dict[str, bool]:
        return {e: self.has(e) for e in ELEMENTS}

    def explain(self) -> str:
        """One line per element: found with the quoted spans, or missing with the fix."""
        lines = []
        for e in ELEMENTS:
            found = self.found(e)
            if found:
                lines.append(f"+ {ELEMENT_TITLES[e]}: " + "; ".join(m.describe() for m in found[:3]))
            else:
                lines.append(f"- {ELEMENT_TITLES[e]}: missing. {FIXES[e]}")
        if self.human_routes:
            lines.append(
                "  a human route (does not count): " + "; ".join(m.describe() for m in self.human_routes[:3])
            )
        return "\n".join(lines)

    def summary(self) -> str:
        """'found 3/5: a documentation link ('https://...'); ...; missing: a request id'."""
        found = [
            f"{ELEMENT_TITLES[e]} ({', '.join(repr(m.span) for m in self.found(e)[:2])})"
            for e in self.present
        ]
        missing = ", ".join(ELEMENT_TITLES[e] for e in self.missing)
        human = ""
        if self.route == "human":
            spans = ", ".join(repr(m.span) for m in self.human_routes[:2])
            human = f"; only a human route to credentials ({spans})"
        return (
            f"found {self.score}/5: "
            + ("; ".join(found) or "nothing")
            + (f"; missing: {missing}" if missing else "")
            + human
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "score": self.score,
            "found": {
                e: [{"span": m.span, "rule": m.rule, "where": m.where} for m in self.found(e)]
                for e in self.present
            },
            "missing": self.missing,
            "fixes": self.fixes(),
            "route": self.route,
            "routes": {
                "agent": [m.span for m in self.found("credential_route")],
                "human": [m.span for m in self.human_routes],
            },
        }


def grade(scored: HintScore, *, needs_route: bool = False) -> tuple[str, str | None]:
    """The status of one error text ("pass" | "warn" | "fail") and why it was capped, if it was.

    Pass at :data:`PASS_AT` elements, warn at 1-2, fail at 0. A text that would pass is capped at warn when
    its only route to credentials is a human one (log in, a dashboard: an agent has no account to log in
    to), or when it must name a route (an authentication failure) and names none.
    """
    status = "pass" if scored.score >= PASS_AT else ("warn" if scored.score else "fail")
    cap = None
    if status == "pass" and scored.route == "human":
        spans = ", ".join(repr(m.span) for m in scored.human_routes[:2])
        cap = f"its only route to credentials is a human one ({spans}); an agent has no account to log in to"
    elif status == "pass" and needs_route and scored.route == "none":
        cap = "an authentication error must name a route to credentials"
    return ("warn" if cap else status), cap


# --- extracting the text and the structured members of an error ---------------------------------------------


@dataclass
class ErrorText:
    """The human-readable text of an error and the structured members that can carry hints."""

    text: str
    fields: list[tuple[str, Any]] = field(default_factory=list)  # (key path, value) of every scalar member
    structured: str = "text"  # "json" | "problem+json" | "xml" | "html" | "text" | "empty"


def _walk(value: Any, path: str = "", depth: int = 0) -> Iterable[tuple[str, Any]]:
    if depth > 6:
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k), depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value[:20]):
            yield from _walk(v, f"{path}[{i}]", depth + 1)
    else:
        yield path, value


def _leaf(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path.rsplit(".", 1)[-1])


def _looks_like_code(value: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", value)) and " " not in value


def _json_text(data: Any) -> str:
    parts: list[str] = []
    for path, value in _walk(data):
        if not isinstance(value, str) or not value.strip():
            continue
        leaf = _leaf(path).lower()
        if leaf in _TEXT_KEYS or (leaf == "error" and not _looks_like_code(value)):
            if leaf == "title" and path.count(".") > 1:
                continue
            if value not in parts:
                parts.append(value)
    return " ".join(parts)


def _xml_fields(body: str) -> tuple[str, list[tuple[str, Any]]] | None:
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(body.strip())
    except Exception:  # ParseError, or defusedxml refusing entities/DTDs: either way not usable XML
        return None
    fields: list[tuple[str, Any]] = []
    texts: list[str] = []
    for el in root.iter():
        tag = el.tag.split("}", 1)[-1]
        value = (el.text or "").strip()
        if value:
            fields.append((tag, value))
            if tag.lower() in _TEXT_KEYS:
                texts.append(value)
    return " ".join(texts), fields


def extract(body: str | bytes | None, content_type: str | None = None) -> ErrorText:
    """The error text and structured members of a response body (JSON, problem+json, XML, HTML or text)."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    body = body or ""
    media = (content_type or "").split(";")[0].strip().lower()
    stripped = body.strip()
    if not stripped:
        return ErrorText("", [], "empty")
    if stripped[:1] in "{[":
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if data is not None:
            kind = "problem+json" if media == "application/problem+json" else "json"
            return ErrorText(_json_text(data) or "", list(_walk(data)), kind)
    if stripped.startswith("<") and (
        "xml" in media
        or stripped.startswith("<?xml")
        or not re.match(r"<(?:!doctype|html|head|body)", stripped, re.IGNORECASE)
    ):
        parsed = _xml_fields(stripped)
        if parsed is not None and "html" not in media:
            return ErrorText(parsed[0] or "", parsed[1], "xml")
    if "html" in media or re.match(r"<(?:!doctype|html|head|body)", stripped, re.IGNORECASE):
        from agent_ready.parsers.html import parse_html

        soup = parse_html(stripped)
        for tag in soup(["script", "style"]):
            tag.decompose()
        title = soup.title.get_text(" ", strip=True) if soup.title else ""
        if soup.title:
            soup.title.decompose()
        main = soup.get_text(" ", strip=True)
        text = main if title and title in main else " ".join(x for x in (title, main) if x)
        return ErrorText(text, [], "html")
    return ErrorText(body, [], "text")


# --- the rules ----------------------------------------------------------------------------------------------


def _clauses(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        out.append((pos, text[pos : m.start()]))
        pos = m.end()
    out.append((pos, text[pos:]))
    return [(p, c) for p, c in out if c.strip()]


def _words(clause: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'-]*|\S+", clause)


def _is_url_echo(url: str, request_url: str | None) -> bool:
    if not request_url:
        return False
    return url.rstrip("/").split("?")[0].startswith(request_url.rstrip("/").split("?")[0])


def _doc_links(text: str, request_url: str | None) -> list[Match]:
    found = []
    for m in URL_RE.finditer(text):
        url = m.group(0)
        before = text[max(0, m.start() - 40) : m.start()]
        if (
            _TRACKER_URL.search(url)
            or _is_url_echo(url, request_url)
            or re.search(r"xmlns(?::\w+)?=\W*$", before)
        ):
            continue
        if _DOC_CUES.search(before):
            found.append(Match("doc_link", url, "url after a cue word"))
        elif _DOCISH_URL.search(url):
            found.append(Match("doc_link", url, "documentation URL"))
    return found


def _imperatives(text: str) -> list[Match]:
    found = []
    for m in re.finditer(r"\bplease\s+([a-z][a-z-]*)", text, re.IGNORECASE):
        if m.group(1).lower() not in _PLEASE_SKIP:
            found.append(Match("imperative", m.group(0), "please <verb>"))
    for m in re.finditer(
        r"\byou\s+(?:can|could|should|must|may want to|need to|have to|might want to|will need "
        r"to)\s+(?:also\s+|now\s+|then\s+)?([a-z][a-z-]*)",
        text,
        re.IGNORECASE,
    ):
        if m.group(1).lower() in ACTION_VERBS:
            found.append(Match("imperative", m.group(0), "you can/need to <verb>"))
    for _, clause in _clauses(text):
        words = _words(clause.strip(" \t\n>•*-—–\"'"))
        if len(words) < 2:
            continue
        if (
            words[0].lower() in ("then", "or", "and", "alternatively", "also", "now", "first", "finally")
            and len(words) > 2
        ):
            words = words[1:]
        first = words[0]
        verb = first.lower()
        if verb not in ACTION_VERBS or (first.isupper() and len(first) > 1):
            continue  # ALL-CAPS words are codes or methods ("GET /x"), not sentences
        if verb in _TWO_WORD and words[1].lower() not in _TWO_WORD[verb]:
            continue
        if verb in _HTTP_METHODS and (words[1].startswith(("http", '"http', "'http", "/"))):
            continue  # "Get http://host/v2/: unauthorized" is a request echo
        if first[0].isupper() or clause.lstrip()[:1].islower():
            found.append(Match("imperative", " ".join(words[:6]), "verb at clause start"))
    return found


def _trim_command(value: str) -> str:
    """A command found in running prose ends at the first word that cannot belong to it."""
    kept: list[str] = []
    for part in value.split():
        if part.lower() in _COMMAND_STOP:
            break
        kept.append(part)
    return " ".join(kept)


def _is_commandish(value: str) -> bool:
    parts = value.split()
    return (
        2 <= len(parts) <= 6
        and re.fullmatch(r"[a-z][\w.-]*", parts[0]) is not None
        and parts[0] not in _DETERMINERS
        and parts[1] not in _DETERMINERS
        and not URL_RE.match(value)
        and all(re.fullmatch(r"[\w.:/=<>{}$-]+", p) for p in parts)
    )


def _named_tokens(text: str) -> tuple[list[Match], list[str]]:
    """Named tokens, and the commands among them (credential routes look at those)."""
    found: list[Match] = []
    commands: list[str] = []
    for m in _BACKTICK.finditer(text):
        found.append(Match("named_token", f"`{m.group(1)}`", "backticked identifier"))
        if _is_commandish(m.group(1)):
            commands.append(m.group(1))
    for m in _QUOTED.finditer(text):
        value = m.group(2).strip()
        if value.startswith("-") or _is_commandish(value):
            found.append(Match("named_token", m.group(0), "quoted command"))
            commands.append(value)
    for m in _FLAG.finditer(text):
        found.append(Match("named_token", m.group(0), "--flag"))
    for rx, rule in (
        (_HEADER_COLON, "Header-Name: form"),
        (_X_HEADER, "X- header name"),
        (_KNOWN_HEADERS, "HTTP header name"),
    ):
        for m in rx.finditer(text):
            found.append(Match("named_token", m.group(1), rule))
    for m in _WORD_HEADER.finditer(text):
        word = m.group(1)
        if word.lower() not in (
            "the",
            "a",
            "an",
            "request",
            "auth",
            "authentication",
            "required",
            "invalid",
            "your",
            "missing",
            "this",
            "that",
            "no",
            "of",
            "or",
            "and",
            "any",
            "http",
        ):
            found.append(Match("named_token", f"{word} header", "<name> header"))
    for m in _ENV.finditer(text):
        name = m.group(1)
        context = text[max(0, m.start() - 30) : m.end() + 30]
        if m.group(0).startswith("$") or _ENV_SUFFIX.search(name) or _ENV_CONTEXT.search(context):
            found.append(Match("named_token", m.group(0), "environment variable"))
    for rx in (_PARAM_AFTER, _PARAM_BEFORE):
        for m in rx.finditer(text):
            name = m.group(1)
            if (
                "_" in name
                or "." in name
                or "[" in name
                or re.search(r"[a-z][A-Z]", name)
                or m.group(0).startswith(("`", "'", '"'))
                or re.search(r"[`'\"]" + re.escape(name), m.group(0))
            ):
                found.append(Match("named_token", name, "named parameter"))
    for m in _COMMAND_AFTER.finditer(text):
        cmd = _trim_command((m.group(1) or m.group(2) or "").strip())
        if _is_commandish(cmd):
            found.append(Match("named_token", cmd, "command after run/with:"))
            commands.append(cmd)
    for m in _PROMPT_LINE.finditer(text):
        cmd = _trim_command(m.group(1).strip()) or m.group(1).strip()
        found.append(Match("named_token", cmd, "$ command line"))
        commands.append(cmd)
    return found, commands


def _sentence_at(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ".!?\n")
    rights = [i for i in (text.find(c, end) for c in ".!?\n") if i != -1]
    return text[left + 1 : min(rights) if rights else len(text)]


def _routes(text: str, commands: list[str], request_url: str | None) -> list[Match]:
    """Agent routes (``credential_route``) and human routes (``human_route``) to credentials."""
    found = []
    for m in _AGENT_FLAGS.finditer(text):
        found.append(Match("credential_route", m.group(0), "no-account flag"))
    for m in _AGENT_PHRASES.finditer(text):
        found.append(Match("credential_route", m.group(0), "agent route phrase"))
    for m in _API_CALL.finditer(text):
        if _KEY_URL.search(m.group(1)) or _AGENT_URL.search(m.group(1)):
            found.append(Match("credential_route", m.group(0), "API call that issues credentials"))
    for m in _KEY_PHRASES.finditer(text):
        sentence = _sentence_at(text, m.start(), m.end())
        if _AGENT_CUE.search(sentence) or _AGENT_URL.search(sentence):
            found.append(Match("credential_route", m.group(0), "credentials by API"))
        else:
            found.append(Match(HUMAN_ROUTE, m.group(0), "credentials from a person or a web page"))
    for cmd in dict.fromkeys(commands):
        if _AGENT_FLAGS.search(cmd):
            continue  # already credited as a no-account flag
        if _LOGIN_WORDS.search(cmd):
            found.append(Match(HUMAN_ROUTE, cmd, "login/sign-up command (a person at a browser or prompt)"))
    for m in _HUMAN_PHRASES.finditer(text):
        found.append(Match(HUMAN_ROUTE, m.group(0).strip(), "human step (log in, dashboard, contact)"))
    for m in URL_RE.finditer(text):
        url = m.group(0)
        if not _KEY_URL.search(url) or _TRACKER_URL.search(url) or _is_url_echo(url, request_url):
            continue
        if _AGENT_URL.search(url) and not _DOCISH_URL.search(url):
            # An API URL is offered as a route only when the text points at it; a bare URL in parentheses
            # is usually the failing request echoed back.
            if _ROUTE_URL_CUE.search(text[max(0, m.start() - 40) : m.start()]):
                found.append(Match("credential_route", url, "API endpoint that issues credentials"))
        else:
            found.append(Match(HUMAN_ROUTE, url, "web page where a person creates credentials"))
    return found


def _request_ids(text: str) -> list[Match]:
    found = []
    for m in _REQUEST_ID_LABEL.finditer(text):
        found.append(Match("request_id", m.group(0).strip(), "request id label"))
    for m in _REQ_PREFIX.finditer(text):
        found.append(Match("request_id", m.group(0), "req_ id"))
    return found


def _field_matches(
    fields: Iterable[tuple[str, Any]], structured: str, request_url: str | None
) -> list[Match]:
    found: list[Match] = []
    items = list(fields)
    leaves = {_leaf(p).lower(): v for p, v in items}
    for path, value in items:
        leaf = _leaf(path)
        low = leaf.lower()
        if not isinstance(value, (str, int)) or isinstance(value, bool) or value in ("", None):
            continue
        sval = str(value)
        where = f"field:{path}"
        if low in _DOC_KEYS and URL_RE.match(sval) and not _TRACKER_URL.search(sval):
            found.append(Match("doc_link", sval, "documentation member", where))
        if (
            low == "type"
            and path == "type"
            and structured in ("problem+json", "json")
            and re.match(r"https?://", sval)
            and ("title" in leaves or "status" in leaves or "detail" in leaves)
        ):
            found.append(Match("doc_link", sval, "problem type URI", where))
        if _REQUEST_ID_KEYS.match(leaf) and len(sval) >= 4:
            found.append(Match("request_id", sval, "request id member", where))
        elif isinstance(value, str) and (prefixed := _REQ_PREFIX.search(sval)):
            found.append(Match("request_id", prefixed.group(0), "req_ id", where))
        if low in _PARAM_KEYS and isinstance(value, str) and re.fullmatch(r"[\w.\[\]/#-]{1,80}", sval):
            found.append(Match("named_token", sval, "parameter member", where))
        if low == "location" and "locationtype" in leaves:
            found.append(Match("named_token", sval, "error location member", where))
        if low == "name" and re.search(r"invalid[-_]params", path, re.IGNORECASE):
            found.append(Match("named_token", sval, "invalid parameter name", where))
    return found


def _header_matches(headers: Mapping[str, str] | Iterable[tuple[str, str]] | None) -> tuple[list[Match], str]:
    """Matches from response headers, and the header text worth scoring (error_description)."""
    if headers is None:
        return [], ""
    items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    if hasattr(headers, "multi_items"):
        items = list(headers.multi_items())
    found: list[Match] = []
    extra: list[str] = []
    for name, value in items:
        low = name.lower()
        if low == "www-authenticate":
            params: dict[str, str] = {}
            for challenge in wwwauth.parse_challenges(value):
                for key, val in challenge.params.items():
                    params.setdefault(key, val)
            if params.get("error_uri"):
                found.append(Match("doc_link", params["error_uri"], "error_uri", "header:WWW-Authenticate"))
            if params.get("resource_metadata"):
                found.append(
                    Match(
                        "credential_route",
                        params["resource_metadata"],
                        "RFC 9728 resource_metadata",
                        "header:WWW-Authenticate",
                    )
                )
            if params.get("error_description"):
                extra.append(params["error_description"])
        elif low == "link":
            for target, rels in re.findall(r"<([^>]+)>\s*;[^,]*?rel=\"?([^\";,]+)", value):
                if {"help", "describedby"} & set(rels.lower().split()):
                    found.append(Match("doc_link", target, "Link rel=help", "header:Link"))
        elif low in REQUEST_ID_HEADERS and value.strip():
            found.append(Match("request_id", value.strip(), "request id header", f"header:{name}"))
    return found, " ".join(extra)


def strip_chatter(text: str) -> str:
    """The text without the tool's chatter (update notices, log-file pointers): grade the error only."""
    return _CHATTER_LINE.sub("", text).strip()


def score_text(
    text: str,
    *,
    fields: Iterable[tuple[str, Any]] = (),
    structured: str = "text",
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    request_url: str | None = None,
) -> HintScore:
    """Score an error text plus (optionally) its structured members and response headers."""
    header_found, header_text = _header_matches(headers)
    full = " ".join(t for t in (strip_chatter(text), header_text) if t).strip()
    field_list = list(fields)
    matches: list[Match] = []
    matches += _doc_links(full, request_url)
    matches += _imperatives(full)
    tokens, commands = _named_tokens(full)
    matches += tokens
    matches += _routes(full, commands, request_url)
    matches += _request_ids(full)
    matches += _field_matches(field_list, structured, request_url)
    matches += header_found
    unique = tuple(dict.fromkeys(matches))
    return HintScore(text=full, matches=unique, fields={p: v for p, v in field_list})


def score_body(
    body: str | bytes | None,
    content_type: str | None = None,
    *,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    request_url: str | None = None,
) -> HintScore:
    """Score a response body as an agent reads it: the text of the error plus its structured members."""
    err = extract(body, content_type)
    return score_text(
        err.text, fields=err.fields, structured=err.structured, headers=headers, request_url=request_url
    )


def score_response(resp: Any) -> HintScore:
    """Score an :class:`agent_ready.fetch.Response` (body, content type, headers, request URL)."""
    return score_body(resp.body, resp.headers.get("content-type"), headers=resp.headers, request_url=resp.url)


def looks_like_auth_failure(text: str) -> bool:
    """Whether an error text is about missing or bad credentials (used to cap hints without a route)."""
    return bool(
        re.search(
            r"unauthori[sz]ed|unauthenticated|not authenticated|not logged in|log ?in|credential|"
            r"api[ _-]?key|access token|\btoken\b|authenticat|\b401\b|forbidden|permission denied",
            text,
            re.IGNORECASE,
        )
    )
