"""What the discovery probes saw: Link headers, llms.txt, Markdown negotiation, the API catalog, MCP and A2A
cards, agent skills, the sitemap."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urljoin, urlsplit

from agent_ready.artifacts.documents import Doc, body_is_html
from agent_ready.artifacts.http import Response
from agent_ready.artifacts.key import Key
from agent_ready.parsers.link_header import Link
from agent_ready.parsers.linkset import LinksetEntry, LinkTarget
from agent_ready.parsers.llms_txt import LlmsLink, ParsedLlmsTxt

# Strings that only challenge interstitials carry (a docs page that merely mentions CAPTCHAs must not match).
_CHALLENGE_MARKERS = (
    "cf-chl",
    "challenge-platform",
    "challenges.cloudflare.com",
    "just a moment...",
    "checking your browser",
    "px-captcha",
    "_incapsula_",
    "g-recaptcha",
    "hcaptcha.com",
    "cf-turnstile",
    "verify you are human",
    "attention required! | cloudflare",
    "ddos protection by",
    "enable javascript and cookies to continue",
)


def is_bot_challenge(resp: Response | None) -> bool:
    """A CAPTCHA / JavaScript challenge interstitial instead of the resource."""
    if resp is None or resp.failed:
        return False
    if resp.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if resp.status in (403, 429, 503) or resp.ok:
        head = resp.text[:8192].lower()
        return body_is_html(resp) and any(marker in head for marker in _CHALLENGE_MARKERS)
    return False


@dataclass(frozen=True)
class LinkSource:
    url: str
    response: Response
    links: list[Link]
    unparsed: list[str]

    @property
    def has_header(self) -> bool:
        return bool(self.response.header_values("link"))


@dataclass(frozen=True)
class LinkHeaders:
    sources: list[LinkSource]

    def all(self) -> Iterator[Link]:
        for src in self.sources:
            yield from src.links

    def find(self, rel: str, media_type: str | None = None) -> list[Link]:
        return [
            lk for lk in self.all() if rel in lk.rels and (media_type is None or lk.media_type == media_type)
        ]


@dataclass(frozen=True)
class LinkCheck:
    link: LlmsLink
    doc: Doc

    @property
    def alive(self) -> bool:
        return self.doc.found


@dataclass(frozen=True, kw_only=True)
class LlmsTxt(ParsedLlmsTxt):
    """The parsed file (empty when it was not found), where it came from and the sampled link checks."""

    doc: Doc
    checked: list[LinkCheck] = field(default_factory=list)
    full: Doc | None = None  # /llms-full.txt, information only

    @classmethod
    def from_parsed(cls, doc: Doc, parsed: ParsedLlmsTxt) -> LlmsTxt:
        return cls(doc=doc, **{f.name: getattr(parsed, f.name) for f in fields(ParsedLlmsTxt)})


@dataclass(frozen=True)
class Negotiation:
    url: str
    role: str  # "home" or "docs"
    markdown: Response  # with Accept: text/markdown
    plain: Response | None  # the same URL with the default Accept
    md_variant: Doc | None = None  # /index.md or <page>.md, fetched only when negotiation failed

    @property
    def negotiated(self) -> bool:
        return (
            self.markdown.ok
            and self.markdown.media_type == "text/markdown"
            and not body_is_html(self.markdown)
        )


@dataclass(frozen=True)
class MarkdownNegotiation:
    pages: list[Negotiation]
    docs_source: str  # where the docs URL came from: "llms-txt", "link-service-doc", "default"


LINKSET_TYPE = "application/linkset+json"


RFC9727_PROFILE = "https://www.rfc-editor.org/info/rfc9727"


@dataclass(frozen=True)
class ApiCatalog:
    doc: Doc
    tried: list[Doc] = field(default_factory=list)
    entries: list[LinksetEntry] = field(default_factory=list)
    shape_problems: list[str] = field(default_factory=list)  # RFC 9264 §4.2 violations
    unfollowed: list[str] = field(default_factory=list)  # api-catalog links over bounds.MAX_API_CATALOG_LINKS

    def targets(self, rel: str) -> list[LinkTarget]:
        return [t for e in self.entries for t in e.get(rel)]


MCP_CARD_TYPE = "application/mcp-server-card+json"


MCP_DEFAULT_ENDPOINT = "/mcp"


def card_shape(card: Any) -> str:
    if not isinstance(card, dict):
        return "unknown"
    sep2127 = any(k in card for k in ("$schema", "remotes")) and "name" in card
    sep1649 = "serverInfo" in card or "endpoint" in card or isinstance(card.get("transport"), dict)
    if sep2127 and sep1649:
        return "hybrid"
    if sep2127:
        return "sep-2127"
    if sep1649:
        return "sep-1649"
    return "unknown"


def card_endpoints(card: Any, base_url: str) -> list[str]:
    """The endpoint URLs a card names, either shape; templated URLs (``{tenant}``) are skipped."""
    if not isinstance(card, dict):
        return []
    found: list[str] = []
    remotes = card.get("remotes")
    for remote in remotes if isinstance(remotes, list) else []:
        if isinstance(remote, dict) and isinstance(remote.get("url"), str):
            found.append(remote["url"])
    transport = card.get("transport")
    if isinstance(transport, dict) and isinstance(transport.get("endpoint"), str):
        found.append(transport["endpoint"])
    for key in ("endpoint", "url", "serverUrl"):
        if isinstance(card.get(key), str):
            found.append(card[key])
    out = []
    for url in found:
        if "{" in url:
            continue
        absolute = urljoin(base_url, url)
        if urlsplit(absolute).scheme in ("http", "https") and absolute not in out:
            out.append(absolute)
    return out


@dataclass(frozen=True)
class McpDiscovery:
    card: Doc | None  # the document the card was found in, or None
    card_data: dict[str, Any] = field(default_factory=dict)  # the (first) card in that document
    cards_listed: int = 0  # how many cards the document lists
    tried: list[Doc] = field(default_factory=list)
    shape: str | None = None  # "sep-2127", "sep-1649", "hybrid", "unknown"
    endpoint_url: str | None = None  # from the card, or {origin}/mcp when that answers without a card
    endpoint_source: str | None = None  # "card" or "default-path"
    endpoint_get: Response | None = None
    endpoint_post: Response | None = None  # only when GET did not answer as an MCP endpoint

    @property
    def endpoint_answers(self) -> bool:
        return endpoint_answers(self.endpoint_get) or endpoint_answers(self.endpoint_post)

    @property
    def endpoint_response(self) -> Response | None:
        if endpoint_answers(self.endpoint_get) or self.endpoint_post is None:
            return self.endpoint_get
        return self.endpoint_post


@dataclass(frozen=True)
class A2ACard:
    doc: Doc | None  # the card found
    tried: list[Doc] = field(default_factory=list)

    @property
    def legacy_path(self) -> bool:
        return self.doc is not None and self.doc.url.endswith("/agent.json")


SKILLS_SCHEMA = "https://schemas.agentskills.io/discovery/0.2.0/schema.json"


@dataclass(frozen=True)
class DigestCheck:
    skill: str
    url: str
    expected: str  # lower-case hex
    response: Response
    actual: str | None  # None when the body could not be hashed (failed, truncated, error status)

    @property
    def matches(self) -> bool:
        return self.actual is not None and self.actual == self.expected


@dataclass(frozen=True)
class AgentSkills:
    doc: Doc | None
    tried: list[Doc] = field(default_factory=list)
    digest_check: DigestCheck | None = None

    @property
    def legacy_path(self) -> bool:
        return self.doc is not None and "/.well-known/skills/" in self.doc.url


@dataclass(frozen=True)
class Sitemap:
    doc: Doc | None
    tried: list[Doc] = field(default_factory=list)
    source: str | None = None  # "robots" or "common-path"
    kind: str | None = None  # "urlset" or "sitemapindex"
    locations: int = 0
    problems: list[str] = field(default_factory=list)  # sitemaps.org MUSTs it breaks (namespace, <loc> form)


def endpoint_answers(resp: Response | None) -> bool:
    """Did an MCP endpoint answer as one? 401 with a challenge, 405, or a JSON-RPC / event-stream answer."""
    if resp is None or resp.failed:
        return False
    if resp.status == 401:
        return not body_is_html(resp)
    if resp.status == 405:
        return True
    if resp.ok and resp.media_type == "text/event-stream":
        return True
    data = resp.json
    return isinstance(data, dict) and data.get("jsonrpc") == "2.0"


# The keys the probes register these artifacts under (ACTIVE ones read as None without --active).
LINKS: Key[LinkHeaders] = Key("links")
API_LINKS: Key[LinkSource | None] = Key("api_links")
LLMS_TXT: Key[LlmsTxt] = Key("llms_txt")
# The parsed llms.txt without its link checks: what other probes read in it (no check needs it by itself).
LLMS_TXT_DOCUMENT: Key[LlmsTxt] = Key("llms_txt_document")
MARKDOWN: Key[MarkdownNegotiation] = Key("markdown")
API_CATALOG: Key[ApiCatalog] = Key("api_catalog")
MCP_CARD: Key[McpDiscovery] = Key("mcp_card")
A2A_CARD: Key[A2ACard] = Key("a2a_card")
AGENT_SKILLS: Key[AgentSkills] = Key("agent_skills")
SITEMAP: Key[Sitemap] = Key("sitemap")
