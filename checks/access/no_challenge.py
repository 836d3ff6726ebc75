"""access.no-challenge: docs and API answer a non-browser client without a CAPTCHA or JS challenge."""

from __future__ import annotations

from dataclasses import dataclass

from agent_ready.artifacts.access import CHALLENGE_SAMPLES, ChallengeSamples
from agent_ready.artifacts.http import Response
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    errored,
    good,
    info,
    problem,
    verdict,
)
from agent_ready.models import Finding, Level, Outcome

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
    from agent_ready.parsers.html import parse_html  # bs4 loads when a page is read, not with the check

    soup = parse_html(resp.text[:300_000])
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
    requires=(CHALLENGE_SAMPLES,),
    description="Looks at the responses already fetched for the target, home, docs, robots.txt, "
    "llms.txt, the OpenAPI description, one API path and a missing path: `cf-mitigated: challenge`, "
    "CAPTCHA and bot-manager markers in HTML (Cloudflare, Turnstile, hCaptcha, reCAPTCHA, DataDome, "
    "HUMAN, Akamai, AWS WAF, ...), HTML 403s, and client-rendered shells with no content.",
    clauses=(
        clause(
            "standards B4",
            "catalogue",
            "docs, descriptions and API paths answer a non-browser client without CAPTCHA or JS challenge",
            "a challenge page or cf-mitigated: challenge fails",
        ),
    ),
)
def no_challenge(a: Artifacts) -> Outcome:
    found: ChallengeSamples = a[CHALLENGE_SAMPLES]
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
