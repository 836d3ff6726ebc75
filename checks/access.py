"""access.*: is an agent let in? [B]

robots.txt rules for agent user agents, Content Signals, the Web Bot Auth key directory, and whether docs,
descriptions and API paths answer a non-browser client without a CAPTCHA or JavaScript challenge.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import http_sfv
from bs4 import BeautifulSoup

from agent_ready.checkapi import (
    Artifacts,
    check,
    collect,
    concern,
    errored,
    failed,
    good,
    info,
    not_applicable,
    passed,
    problem,
    verdict,
    warned,
)
from agent_ready.fetch import Response
from agent_ready.models import Finding, Level, Outcome
from agent_ready.probes.access import (
    BOT_AUTH_MEDIA_TYPE,
    AgentPath,
    AgentPaths,
    BotAuthDirectory,
    ChallengeSamples,
)
from agent_ready.probes.documents import DocState
from agent_ready.probes.robots import RobotsTxt

# --- access.ai-rules --------------------------------------------------------------------------------------

# User agents that fetch on behalf of a person asking an assistant right now (each vendor documents them
# as user-triggered): blocking these blocks agents. "*" stands for every other agent, which an honest
# agent framework reaches with its own product token.
# Sources: platform.openai.com/docs/bots, support.claude.com (Claude-User), docs.perplexity.ai/guides/bots,
# docs.mistral.ai/robots.
USER_AGENTS: tuple[str, ...] = ("ChatGPT-User", "Claude-User", "Perplexity-User", "MistralAI-User")
# Search/retrieval indexers of assistants: a block hides the service from agent search results.
SEARCH_AGENTS: tuple[str, ...] = ("OAI-SearchBot", "Claude-SearchBot", "PerplexityBot")
# Training crawlers: blocking these alone is a content-licensing choice, not a barrier for agents.
TRAINING_CRAWLERS: tuple[str, ...] = (
    "GPTBot",
    "ClaudeBot",
    "anthropic-ai",
    "CCBot",
    "Google-Extended",
    "Applebot-Extended",
    "Bytespider",
    "meta-externalagent",
)
ROBOTS_PROBE_HOST = "https://robots.invalid"  # protego needs absolute URLs; only the path matters


def _blocked(robots: RobotsTxt, agent: str, paths: Iterable[AgentPath]) -> list[AgentPath]:
    assert robots.parser is not None
    return [p for p in paths if not robots.parser.can_fetch(ROBOTS_PROBE_HOST + p.path, agent)]


def _names_group(robots: RobotsTxt, agent: str) -> bool:
    """True when robots.txt has a group naming this agent (protego matches product tokens by prefix)."""
    token = agent.lower()
    return any(ua != "*" and token.startswith(ua) for ua in robots.user_agents)


def _path_list(paths: list[AgentPath], limit: int = 6) -> str:
    shown = ", ".join(f"{p.path} ({p.role})" for p in paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


@check(
    id="access.ai-rules",
    title="robots.txt lets agent user agents reach docs, API and auth paths",
    failure_title="robots.txt blocks agents from docs, API or auth paths",
    category="access",
    weight=2,
    remediation="Do not disallow user-triggered agents (ChatGPT-User, Claude-User, Perplexity-User, "
    "and `*` for every other agent) from your docs, API descriptions, API and OAuth/auth paths. "
    "Blocking training crawlers (GPTBot, CCBot, ClaudeBot, Google-Extended) is a separate choice "
    "and does not affect agents; say it with their own groups or a Content-Signal `ai-train=no`.",
    spec_links=(
        "https://www.rfc-editor.org/rfc/rfc9309",
        "https://platform.openai.com/docs/bots",
        "https://contentsignals.org/",
    ),
    requires=("robots", "agent_paths"),
    description="Evaluates robots.txt (protego) for each user-triggered agent user agent and `*` against the "
    "paths an agent needs: the target, OpenAPI servers and paths when discovered, and /docs/, /api/, "
    "/.well-known/, /auth.md, /llms.txt, /oauth/. A missing robots.txt blocks nothing (RFC 9309 §2.3.1.3); a "
    "5xx robots.txt means complete disallow to a compliant crawler.",
)
def ai_rules(a: Artifacts) -> Outcome:
    robots: RobotsTxt = a["robots"]
    wanted: AgentPaths = a["agent_paths"]
    doc = robots.doc
    if doc.state == DocState.UNREACHABLE:
        return errored(f"robots.txt could not be fetched, so its rules are unknown: {doc.problem}")
    status = doc.response.status if doc.response is not None else None
    if doc.state == DocState.ERROR_STATUS and status is not None and status >= 500:
        # RFC 9309 §2.3.1.4: a 5xx robots.txt means a compliant crawler assumes complete disallow.
        return failed(
            "robots.txt answers a server error, which compliant agents read as 'disallow everything'",
            problem(
                "robots-server-error",
                f"/robots.txt answered HTTP {status}; RFC 9309 tells crawlers to assume complete disallow",
                doc.evidence,
                fix="Serve /robots.txt with 200 (or 404 if you have no rules).",
            ),
        )
    if robots.parser is None and doc.state in (DocState.ABSENT, DocState.ERROR_STATUS):
        # RFC 9309 §2.3.1.3: an unavailable robots.txt (4xx) is the defined "no rules" answer: crawlers may
        # access any resource.
        return passed(
            "no robots.txt, so nothing blocks agents",
            info(
                "robots-none",
                f"no robots.txt ({doc.describe()}); an absent robots.txt blocks no agent",
                doc.evidence,
            ),
        )
    if robots.parser is None:
        # An HTML page (or an unparseable body) at /robots.txt is ambiguous: lenient parsers read no rules,
        # but the operator's rules, if any, are lost. Nothing to credit here; discovery.robots-txt fails it.
        return not_applicable(
            "robots.txt is not a robots file, so there are no rules to judge (see discovery.robots-txt)",
            info(
                "robots-not-a-file",
                f"/robots.txt is {doc.describe()}; no agent is blocked by rules, and none are stated",
                doc.evidence,
            ),
        )
    paths = wanted.paths
    source = "OpenAPI paths and defaults" if wanted.openapi_used else "default agent paths"
    findings: list[Finding] = []
    allowed_named = [ua for ua in USER_AGENTS if _names_group(robots, ua) and not _blocked(robots, ua, paths)]
    # Agents blocked by a group naming them; those without a group of their own fall under `*`, judged below.
    blocked_users = {
        ua: b for ua in USER_AGENTS if _names_group(robots, ua) and (b := _blocked(robots, ua, paths))
    }
    wildcard_blocked = _blocked(robots, "*", paths)
    for ua, blocked in blocked_users.items():
        findings.append(
            problem(
                "agent-blocked",
                f"{ua} is disallowed from {_path_list(blocked)}",
                doc.evidence,
                fix=f"Remove the Disallow rules that match {ua} (a user-triggered agent) on these paths.",
            )
        )
    if wildcard_blocked:
        unnamed = [ua for ua in USER_AGENTS if not _names_group(robots, ua)]
        message = (
            f"`*` (every agent without its own group{', e.g. ' + unnamed[0] if unnamed else ''}) is "
            f"disallowed from {_path_list(wildcard_blocked)}"
        )
        if allowed_named and not blocked_users:
            # An allow-list of big assistants: those get in, any other agent is turned away.
            findings.append(
                concern(
                    "wildcard-blocked-allowlist",
                    message + f"; only {', '.join(allowed_named)} are let in by name",
                    doc.evidence,
                    fix="Allow `*` on docs, API and auth paths, or at least on the API and its "
                    "descriptions; block training crawlers by name instead.",
                )
            )
        else:
            findings.append(
                problem(
                    "wildcard-blocked",
                    message,
                    doc.evidence,
                    fix="Allow `*` on docs, API and auth paths; block training crawlers by name.",
                )
            )
    for ua in SEARCH_AGENTS:
        blocked = _blocked(robots, ua, paths)
        if blocked and not wildcard_blocked:
            findings.append(
                concern(
                    "search-agent-blocked",
                    f"{ua} (an assistant's search indexer) is disallowed from {_path_list(blocked)}",
                    doc.evidence,
                    fix=f"Allow {ua} on docs so assistants can find the service.",
                )
            )
    training = [
        ua
        for ua in TRAINING_CRAWLERS
        if _names_group(robots, ua) and not robots.parser.can_fetch(ROBOTS_PROBE_HOST + "/", ua)
    ]
    if training:
        findings.append(
            info(
                "training-crawlers-blocked",
                f"training crawlers blocked: {', '.join(training)} "
                "(a content choice; does not affect agents)",
                doc.evidence,
            )
        )
    if not blocked_users and not wildcard_blocked:
        findings.insert(
            0,
            good(
                "agents-allowed",
                f"{', '.join(USER_AGENTS)} and `*` may fetch all {len(paths)} agent paths checked ({source})",
                doc.evidence,
            ),
        )
    return verdict(
        findings,
        pass_summary="robots.txt lets agents reach docs, API and auth paths",
        warn_summary="robots.txt lets named assistants in but blocks other agents",
        fail_summary="robots.txt blocks agents from paths they need",
        details={"paths": [p.path for p in paths], "paths_from": source, "agents": [*USER_AGENTS, "*"]},
    )


# --- access.content-signals -------------------------------------------------------------------------------

SIGNAL_KEYS = ("search", "ai-input", "ai-train")
SIGNAL_VALUES = ("yes", "no")


@dataclass
class ParsedSignal:
    where: str  # "robots.txt (User-agent: *)" or "Content-Signal header"
    raw: str
    values: dict[str, str]
    unknown_keys: list[str]
    bad_values: list[str]
    error: str | None = None

    @property
    def valid(self) -> bool:
        return self.error is None and bool(self.values)


def parse_signal(raw: str, where: str) -> ParsedSignal:
    """Parse `search=yes, ai-input=yes, ai-train=no`, an RFC 9651 dictionary of tokens."""
    parsed = ParsedSignal(where=where, raw=raw, values={}, unknown_keys=[], bad_values=[])
    try:
        dictionary = http_sfv.Dictionary()
        dictionary.parse(raw.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        parsed.error = f"not a structured-field dictionary ({exc or 'syntax error'})"
        return parsed
    for key, member in dictionary.items():
        value = getattr(member, "value", None)
        if key not in SIGNAL_KEYS:
            parsed.unknown_keys.append(key)
        elif not isinstance(value, str) or str(value) not in SIGNAL_VALUES:
            parsed.bad_values.append(f"{key}={value!r}" if not isinstance(value, bool) else key)
        else:
            parsed.values[key] = str(value)
    if not parsed.values and not parsed.error:
        parsed.error = "no known key with a yes/no value"
    return parsed


@check(
    id="access.content-signals",
    title="Content Signals say how content may be used by AI",
    failure_title="no Content-Signal directive",
    category="access",
    weight=1,
    remediation="Add a Content-Signal line to the `User-agent: *` group of robots.txt, e.g. "
    "`Content-Signal: search=yes, ai-input=yes, ai-train=no` (keys search, ai-input, ai-train; values "
    "yes/no). Keep ai-input=yes on docs and API descriptions so agents may use them to act for their users.",
    spec_links=(
        "https://contentsignals.org/",
        "https://datatracker.ietf.org/doc/draft-romm-aipref-contentsignals/",
        "https://www.rfc-editor.org/rfc/rfc9651",
    ),
    requires=("robots", "home"),
    description="Reads Content-Signal directives from robots.txt (with the group they sit in) and a "
    "Content-Signal response header on the home page; values are parsed as RFC 9651 dictionaries.",
)
def content_signals(a: Artifacts) -> Outcome:
    robots: RobotsTxt = a["robots"]
    home: Response | None = a["home"]
    parsed: list[tuple[ParsedSignal, Any]] = []
    for group, raw in robots.content_signals:
        parsed.append((parse_signal(raw, f"robots.txt (User-agent: {group})"), robots.doc.evidence))
    if isinstance(home, Response) and not home.failed:
        for raw in home.header_values("content-signal"):
            parsed.append((parse_signal(raw, "Content-Signal header on /"), home))
    if not parsed:
        if robots.doc.state == DocState.UNREACHABLE and (home is None or home.failed):
            return errored("neither robots.txt nor the home page could be fetched")
        return failed(
            "no Content-Signal directive in robots.txt or on the home page",
            problem(
                "no-content-signal",
                "no `Content-Signal:` line in robots.txt "
                f"({robots.doc.state.value}) and no Content-Signal header on /",
                robots.doc.evidence,
                home,
                fix="Add `Content-Signal: search=yes, ai-input=yes, ai-train=no` under "
                "`User-agent: *` in robots.txt.",
            ),
        )
    findings: list[Finding] = []
    for sig, evidence in parsed:
        if sig.valid:
            stated = ", ".join(f"{k}={v}" for k, v in sig.values.items())
            findings.append(good("content-signal", f"{sig.where}: {stated}", evidence))
            if sig.values.get("ai-input") == "no" and "*" in sig.where:
                findings.append(
                    concern(
                        "ai-input-denied",
                        f"{sig.where} says ai-input=no: agents are asked not "
                        "to use this content to answer or act for their users",
                        evidence,
                        fix="Allow ai-input on docs and API descriptions if agents should use the service.",
                    )
                )
        else:
            findings.append(
                concern(
                    "content-signal-malformed",
                    f"{sig.where}: {sig.raw!r} is malformed: {sig.error}",
                    evidence,
                    fix="Write it as `search=yes, ai-input=yes, ai-train=no`.",
                )
            )
        if sig.unknown_keys:
            findings.append(
                info(
                    "content-signal-unknown-key",
                    f"{sig.where}: unknown key(s) "
                    f"{', '.join(sig.unknown_keys)} (defined: {', '.join(SIGNAL_KEYS)})",
                    evidence,
                )
            )
        if sig.bad_values:
            findings.append(
                concern(
                    "content-signal-bad-value",
                    f"{sig.where}: value(s) other than yes/no: {', '.join(sig.bad_values)}",
                    evidence,
                    fix="Use yes or no.",
                )
            )
    if not any(sig.valid for sig, _ in parsed):
        return warned("Content-Signal is present but none parses", *findings)
    return verdict(
        findings,
        pass_summary="Content Signals state search / AI-input / AI-training preferences",
        warn_summary="Content Signals are stated, with problems",
        fail_summary="Content Signals are stated, with problems",
        details={"signals": [{"where": s.where, "values": s.values} for s, _ in parsed if s.valid]},
    )


# --- access.web-bot-auth ----------------------------------------------------------------------------------

OKP_KEY_BYTES = {"Ed25519": 32, "Ed448": 57}
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")
DIRECTORY_TAG = "http-message-signatures-directory"


def _b64url_len(value: Any) -> int | None:
    if not isinstance(value, str) or not value or "=" in value:
        return None
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        return None


def jwk_problems(key: Any) -> list[str]:
    """What makes this JWK unusable as a Web Bot Auth verification key (empty when it is fine)."""
    if not isinstance(key, dict):
        return ["not a JSON object"]
    kty = key.get("kty")
    if not isinstance(kty, str):
        return ["no `kty`"]
    if kty == "OKP":
        crv = key.get("crv")
        if crv not in OKP_KEY_BYTES:
            return [f"`crv` {crv!r} is not Ed25519"]
        size = _b64url_len(key.get("x"))
        if size != OKP_KEY_BYTES[crv]:
            return [
                f"`x` is not base64url of {OKP_KEY_BYTES[crv]} bytes" + (f" ({size} bytes)" if size else "")
            ]
        return []
    if kty == "EC":
        return [f"no `{m}`" for m in ("crv", "x", "y") if not key.get(m)]
    if kty == "RSA":
        return [f"no `{m}`" for m in ("n", "e") if not key.get(m)]
    return [f"unsupported `kty` {kty!r}"]


def jwk_thumbprint(key: dict[str, Any]) -> str | None:
    """RFC 7638 SHA-256 thumbprint (base64url), which Web Bot Auth uses as `keyid`."""
    required = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n")}.get(
        key.get("kty", "")
    )
    if required is None or any(not isinstance(key.get(m), str) for m in required):
        return None
    canonical = json.dumps({m: key[m] for m in required}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def signature_tags(resp: Response) -> list[tuple[str, dict[str, Any]]]:
    """(label, parameters) of each signature declared in `Signature-Input` (RFC 9421)."""
    out: list[tuple[str, dict[str, Any]]] = []
    for raw in resp.header_values("signature-input"):
        try:
            dictionary = http_sfv.Dictionary()
            dictionary.parse(raw.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            continue
        out.extend((label, dict(member.params)) for label, member in dictionary.items())
    return out


@check(
    id="access.web-bot-auth",
    title="Web Bot Auth key directory publishes valid keys",
    failure_title="Web Bot Auth key directory is invalid",
    category="access",
    weight=1,
    remediation="If your service sends signed requests (Web Bot Auth), publish your Ed25519 public "
    "keys as a JWKS at /.well-known/http-message-signatures-directory with Content-Type "
    "application/http-message-signatures-directory+json, public members only, and sign the response "
    '(`Signature-Input` with tag="http-message-signatures-directory").',
    spec_links=(
        "https://datatracker.ietf.org/doc/draft-meunier-http-message-signatures-directory/",
        "https://datatracker.ietf.org/doc/draft-meunier-web-bot-auth-architecture/",
        "https://www.rfc-editor.org/rfc/rfc8037",
        "https://www.rfc-editor.org/rfc/rfc9421",
    ),
    requires=("bot_auth_directory",),
    description="Fetches the key directory with its media type in Accept; validates each JWK "
    "(Ed25519 `x` is 32 bytes of base64url, no private members) and reports whether the response "
    "is signed. Absent means not applicable: the directory matters only for services that send bot traffic.",
)
def web_bot_auth(a: Artifacts) -> Outcome:
    directory: BotAuthDirectory = a["bot_auth_directory"]
    doc = directory.doc
    resp = doc.response
    if doc.state == DocState.UNREACHABLE:
        return errored(f"the key directory could not be fetched: {doc.problem}")
    status = resp.status if resp is not None else None
    if doc.state == DocState.ERROR_STATUS and status is not None and status >= 500:
        return errored(
            f"the key directory answered HTTP {status}, so whether it exists is unknown",
            info("directory-server-error", f"HTTP {status}", doc.evidence),
        )
    if doc.state in (DocState.ABSENT, DocState.SOFT_404, DocState.ERROR_STATUS):
        return not_applicable(
            "no Web Bot Auth key directory: it matters only when the service itself sends signed bot traffic",
            info("directory-absent", doc.describe(), doc.evidence),
        )
    if doc.state == DocState.INVALID or not isinstance(doc.data, dict):
        return failed(
            "the key directory is not a JSON key set",
            problem(
                "directory-invalid",
                doc.problem or "not a JSON object",
                doc.evidence,
                fix='Serve a JWKS: {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "..."}]}.',
            ),
        )
    keys = doc.data.get("keys")
    if not isinstance(keys, list) or not keys:
        return failed(
            "the key directory lists no keys",
            problem(
                "directory-no-keys",
                "`keys` is missing or empty",
                doc.evidence,
                fix="List at least one public key under `keys`.",
            ),
        )
    findings: list[Finding] = []
    valid: list[dict[str, Any]] = []
    for i, key in enumerate(keys):
        label = f"key {i + 1}" + (f" ({key.get('kid')})" if isinstance(key, dict) and key.get("kid") else "")
        if isinstance(key, dict) and any(m in key for m in PRIVATE_MEMBERS):
            findings.append(
                problem(
                    "private-key-published",
                    f"{label} includes private key material "
                    f"({', '.join(m for m in PRIVATE_MEMBERS if m in key)})",
                    doc.evidence,
                    fix="Remove private members and rotate the key now: it is compromised.",
                )
            )
            continue
        issues = jwk_problems(key)
        if issues:
            findings.append(
                concern(
                    "key-invalid",
                    f"{label}: {'; '.join(issues)}",
                    doc.evidence,
                    fix="Publish Ed25519 keys as OKP JWKs (RFC 8037).",
                )
            )
        else:
            valid.append(key)
            kind = f"{key['kty']}/{key.get('crv', '')}".rstrip("/")
            findings.append(good("key-valid", f"{label}: {kind} public key", doc.evidence))
    if not valid and not any(f.level == Level.FAIL for f in findings):
        findings.append(
            problem(
                "directory-no-valid-key",
                "no key in the directory is usable",
                doc.evidence,
                fix="Publish at least one valid Ed25519 public key.",
            )
        )
    if resp is not None and resp.media_type != BOT_AUTH_MEDIA_TYPE:
        findings.append(
            concern(
                "directory-content-type",
                f"served as {resp.media_type or 'no content type'}, not {BOT_AUTH_MEDIA_TYPE}",
                doc.evidence,
                fix=f"Serve it as {BOT_AUTH_MEDIA_TYPE}.",
            )
        )
    tags = signature_tags(resp) if resp is not None else []
    directory_sigs = [params for _, params in tags if params.get("tag") == DIRECTORY_TAG]
    if directory_sigs:
        thumbprints = {jwk_thumbprint(k) for k in valid}
        keyid = directory_sigs[0].get("keyid")
        known = " by a key it lists" if keyid in thumbprints else ""
        findings.append(
            info(
                "directory-signed",
                f"the response is signed{known} (tag={DIRECTORY_TAG}); the "
                "signature itself is not verified by this tool",
                doc.evidence,
            )
        )
    else:
        findings.append(
            info(
                "directory-unsigned",
                "the response carries no Signature-Input with "
                f"tag={DIRECTORY_TAG} (the draft says it SHOULD be signed)",
                doc.evidence,
            )
        )
    return verdict(
        findings,
        pass_summary=f"the key directory lists {len(valid)} valid public key(s)",
        warn_summary="the key directory has usable keys, with problems",
        fail_summary="the key directory is unusable or unsafe",
        details={"valid_keys": len(valid), "keys": len(keys), "signed": bool(directory_sigs)},
    )


# --- access.no-challenge ----------------------------------------------------------------------------------

# (vendor, marker, kind) matched against script/iframe/form URLs, element ids/classes/data attributes,
# inline scripts and the page title. "challenge" markers belong to interstitial pages of bot managers;
# "widget" markers are CAPTCHA widgets that also sit on ordinary forms. Sources: each vendor's integration
# docs (Cloudflare challenge pages and Turnstile, hCaptcha, reCAPTCHA, DataDome, HUMAN/PerimeterX, Akamai,
# AWS WAF, Imperva, Sucuri, Vercel).
CHALLENGE_MARKERS: tuple[tuple[str, str, str], ...] = (
    ("Cloudflare", "/cdn-cgi/challenge-platform/", "challenge"),
    ("Cloudflare", "cf-chl", "challenge"),
    ("Cloudflare", "cf_chl", "challenge"),
    ("Cloudflare Turnstile", "challenges.cloudflare.com", "widget"),
    ("Cloudflare Turnstile", "cf-turnstile", "widget"),
    ("hCaptcha", "hcaptcha.com", "widget"),
    ("hCaptcha", "h-captcha", "widget"),
    ("reCAPTCHA", "google.com/recaptcha", "widget"),
    ("reCAPTCHA", "recaptcha.net", "widget"),
    ("reCAPTCHA", "g-recaptcha", "widget"),
    ("DataDome", "captcha-delivery.com", "challenge"),
    ("DataDome", "datadome", "challenge"),
    ("HUMAN (PerimeterX)", "px-captcha", "challenge"),
    ("HUMAN (PerimeterX)", "perimeterx", "challenge"),
    ("HUMAN (PerimeterX)", "px-cloud.net", "challenge"),
    ("Akamai", "errors.edgesuite.net", "challenge"),
    ("Akamai", "_sec/cp_challenge", "challenge"),
    ("AWS WAF", "awswaf", "challenge"),
    ("Imperva", "_incapsula_resource", "challenge"),
    ("Sucuri", "sucuri_cloudproxy", "challenge"),
    ("Vercel", "vercel security checkpoint", "challenge"),
)
# Titles of interstitial pages (lower-case prefixes).
CHALLENGE_TITLES: tuple[str, ...] = (
    "just a moment",
    "attention required",
    "access denied",
    "are you a robot",
    "verify you are human",
    "security check",
    "checking your browser",
    "ddos protection",
    "pardon our interruption",
    "human verification",
    "vercel security checkpoint",
    "one more step",
)
VENDOR_HEADERS: tuple[tuple[str, str], ...] = (
    ("x-datadome", "DataDome"),
    ("x-amzn-waf-action", "AWS WAF"),
    ("x-sucuri-block", "Sucuri"),
)
BLOCKING_STATUSES = (403, 429, 503)
# Visible characters: a challenge page says little, a docs page says a lot. Cloudflare injects its
# challenge-platform script into ordinary pages too, so a marker alone on a long page is not a challenge.
INTERSTITIAL_MAX_TEXT = 1500
CONTENT_ROLES = ("docs", "robots.txt", "llms.txt", "openapi", "api")


@dataclass(frozen=True)
class PageReading:
    challenge_vendors: tuple[str, ...]
    widget_vendors: tuple[str, ...]
    title: str
    visible_text: int
    js_shell: bool  # scripts and a loading placeholder, no readable text


def read_page(resp: Response) -> PageReading:
    soup = BeautifulSoup(resp.text[:300_000], "html.parser")
    title = (soup.title.get_text(" ", strip=True) if soup.title else "")[:120]
    haystack: list[str] = [title.lower()]
    for tag in soup.find_all(["script", "iframe", "form", "div", "input", "meta", "link", "noscript", "a"]):
        for attr in ("src", "action", "id", "class", "data-sitekey", "href", "name", "content"):
            value = tag.get(attr)
            if value:
                haystack.append((" ".join(value) if isinstance(value, list) else str(value)).lower())
    for script in soup.find_all("script"):
        if script.string:
            haystack.append(script.string[:4000].lower())
    joined = "\n".join(haystack)

    def vendors(kind: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for v, m, k in CHALLENGE_MARKERS if k == kind and m in joined))

    has_script = soup.find("script") is not None
    noscript = " ".join(n.get_text(" ", strip=True) for n in soup.find_all("noscript")).lower()
    for dead in soup(["script", "style", "noscript", "template"]):
        dead.decompose()
    text = soup.get_text(" ", strip=True)
    shell = (
        has_script and len(text) < 80 and ("javascript" in noscript or not text or "loading" in text.lower())
    )
    return PageReading(vendors("challenge"), vendors("widget"), title, len(text), shell)


def classify_sample(role: str, resp: Response) -> Finding | None:
    """A finding when this response is a challenge, a block or a JS-only wall; None when it is fine."""
    where = f"{role} ({resp.method} {resp.url})"
    status = resp.status or 0
    challenge_fix = (
        "Let non-browser clients read docs, descriptions and API paths without a CAPTCHA or JavaScript "
        "challenge; rate-limit with 429 + Retry-After instead."
    )
    if resp.headers.get("cf-mitigated", "").lower() == "challenge":
        return problem(
            "cf-challenge",
            f"{where}: Cloudflare challenge (cf-mitigated: challenge, HTTP {status})",
            resp,
            fix="Exempt docs, descriptions and API paths from the managed challenge / Bot Fight "
            "Mode, or verify agents with Web Bot Auth instead.",
        )
    header_vendor = next((v for h, v in VENDOR_HEADERS if h in resp.headers and status >= 400), None)
    if not resp.looks_like_html:
        if header_vendor:
            return problem(
                "bot-block",
                f"{where}: blocked by {header_vendor} (HTTP {status})",
                resp,
                fix=f"Let non-browser clients through {header_vendor} on these paths.",
            )
        return None
    page = read_page(resp)
    title_hit = any(page.title.lower().startswith(t) for t in CHALLENGE_TITLES)
    interstitial = page.visible_text < INTERSTITIAL_MAX_TEXT
    named = ", ".join(
        dict.fromkeys(
            [*page.challenge_vendors, *page.widget_vendors, *([header_vendor] if header_vendor else [])]
        )
    )
    what = f"{named} challenge" if named else f"challenge page ({page.title!r})"
    if status in BLOCKING_STATUSES and (named or title_hit):
        return problem(
            "bot-challenge", f"{where}: {what} instead of content (HTTP {status})", resp, fix=challenge_fix
        )
    if interstitial and (page.challenge_vendors or title_hit):
        return problem(
            "bot-challenge", f"{where}: {what} instead of content (HTTP {status})", resp, fix=challenge_fix
        )
    if interstitial and page.widget_vendors and role in CONTENT_ROLES:
        return problem(
            "bot-challenge",
            f"{where}: a {named} CAPTCHA page with almost no content (HTTP {status})",
            resp,
            fix=challenge_fix,
        )
    if status == 403:
        return problem(
            "html-403",
            f"{where}: HTTP 403 with an HTML page (a WAF or bot block, not an API error)",
            resp,
            fix="Do not block non-browser clients; if access is refused, answer with a "
            "machine-readable error (application/problem+json) saying why.",
        )
    if named:
        return info(
            "captcha-widget",
            f"{where}: the page embeds {named} (e.g. on a form) but serves its content",
            resp,
        )
    if status == 200 and role in ("home", "docs", "target") and page.js_shell:
        return concern(
            "js-required",
            f"{where}: an empty client-rendered shell; a non-browser client sees no "
            "content without running JavaScript",
            resp,
            fix="Render docs on the server (or serve Markdown for `Accept: text/markdown`).",
        )
    return None


@check(
    id="access.no-challenge",
    title="docs, descriptions and API answer a non-browser client without a challenge",
    failure_title="a bot challenge or block stops non-browser clients",
    category="access",
    weight=3,
    remediation="Exempt docs, llms.txt, the OpenAPI description and API paths from CAPTCHA, JavaScript "
    "challenges and HTML 403 blocks (Cloudflare Bot Fight Mode, managed challenges, DataDome, ...). Agents "
    "cannot solve them. Throttle with 429 + Retry-After, and identify good bots with Web Bot Auth.",
    spec_links=(
        "https://developers.cloudflare.com/cloudflare-challenges/challenge-types/challenge-pages/detect-response/",
        "https://www.rfc-editor.org/rfc/rfc9457",
        "https://www.rfc-editor.org/rfc/rfc6585#section-4",
    ),
    requires=("challenge_samples",),
    description="Looks at the responses already fetched for the target, home, docs, robots.txt, "
    "llms.txt, the OpenAPI description, one API path and a missing path: `cf-mitigated: challenge`, "
    "CAPTCHA and bot-manager markers in HTML (Cloudflare, Turnstile, hCaptcha, reCAPTCHA, DataDome, "
    "HUMAN, Akamai, AWS WAF, ...), HTML 403s, and client-rendered shells with no content.",
)
def no_challenge(a: Artifacts) -> Outcome:
    found: ChallengeSamples = a["challenge_samples"]
    answered = [s for s in found.samples if not s.response.failed]
    if not answered:
        return errored(
            "no request got an HTTP answer, so challenges cannot be judged",
            *(info("unreachable", f"{s.role}: {s.response.describe()}", s.response) for s in found.samples),
        )
    findings: list[Finding] = []
    for s in answered:
        f = classify_sample(s.role, s.response)
        if f is not None and s.role == "unknown path" and f.level == Level.FAIL:
            # A challenge on a path that does not exist is a WAF rule worth knowing about, not a blocked doc.
            f = concern(f.code, f.message, *f.evidence, fix=f.fix)
        if f is not None:
            findings.append(f)
    roles = ", ".join(s.role for s in answered)
    if not any(f.level in (Level.FAIL, Level.WARN) for f in findings):
        findings.insert(
            0,
            good(
                "no-challenge",
                f"{len(answered)} responses without a challenge: {roles}",
                *(s.response for s in answered),
            ),
        )
    return verdict(
        findings,
        pass_summary="no CAPTCHA, JavaScript challenge or HTML 403 for a non-browser client",
        warn_summary="no challenge, but some pages need a browser to show content",
        fail_summary="a bot challenge or block stands between an agent and the service",
        details={"roles": [s.role for s in answered]},
    )


CHECKS = collect(__name__)
