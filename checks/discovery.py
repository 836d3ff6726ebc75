"""discovery.*: can an agent find the API, its docs and its agent endpoints from a URL alone? [A]"""

from __future__ import annotations

from typing import Any

from agent_ready.checkapi import (
    Artifacts,
    broken,
    check,
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
from agent_ready.fetch import ErrorKind
from agent_ready.models import Finding, Level, Outcome
from agent_ready.probes.discovery import (
    LINKSET_TYPE,
    RFC9727_PROFILE,
    SKILLS_SCHEMA,
    A2ACard,
    AgentSkills,
    ApiCatalog,
    LinkHeaders,
    LinkSource,
    LlmsTxt,
    MarkdownNegotiation,
    McpDiscovery,
    Negotiation,
    OpenAPIResult,
    Sitemap,
    card_endpoints,
    is_bot_challenge,
)
from agent_ready.probes.documents import Doc, DocState, body_is_html
from agent_ready.probes.robots import RobotsTxt


@check(
    id="discovery.robots-txt",
    title="robots.txt is served as text and parses",
    failure_title="robots.txt is missing, HTML or does not parse",
    category="discovery",
    weight=1,
    remediation="Serve /robots.txt as text/plain with at least one `User-agent:` group (RFC 9309). "
    "An HTML page at that path (a single-page app's fallback) reads as no robots.txt at all.",
    spec_links=("https://www.rfc-editor.org/rfc/rfc9309",),
    requires=("robots",),
    description="Fetches /robots.txt and parses it with protego; the same parse feeds access.ai-rules "
    "and access.content-signals.",
)
def robots_txt(a: Artifacts) -> Outcome:
    robots: RobotsTxt = a["robots"]
    doc = robots.doc
    if doc.state == DocState.UNREACHABLE:
        return errored(f"robots.txt could not be fetched: {doc.problem}")
    if doc.state in (DocState.ABSENT, DocState.ERROR_STATUS):
        return failed(
            "no robots.txt",
            problem(
                "robots-absent",
                f"/robots.txt answered {doc.problem}",
                doc.evidence,
                fix="Serve /robots.txt as text/plain.",
            ),
        )
    if doc.state == DocState.SOFT_404:
        return failed(
            "robots.txt is an HTML page",
            problem(
                "robots-soft-404",
                doc.problem or "HTML",
                doc.evidence,
                fix="Serve a real /robots.txt (text/plain) before the single-page app's catch-all route.",
            ),
        )
    if not robots.user_agents:
        return failed(
            "robots.txt has no User-agent group",
            problem(
                "robots-no-groups",
                "no `User-agent:` line found",
                doc.evidence,
                fix="Start a group with `User-agent: *` followed by Allow/Disallow rules.",
            ),
        )
    findings = [good("robots-parses", f"{len(robots.user_agents)} user-agent line(s)", doc.evidence)]
    media = doc.response.media_type if doc.response else ""
    if media != "text/plain":
        findings.append(
            concern(
                "robots-content-type",
                f"served as {media or 'no content type'}, not text/plain",
                doc.evidence,
                fix="Serve robots.txt with Content-Type: text/plain.",
            )
        )
    if robots.unknown_lines:
        findings.append(
            info(
                "robots-unknown-lines",
                f"{len(robots.unknown_lines)} line(s) RFC 9309 does not "
                f"define, e.g. {robots.unknown_lines[0][:80]!r}",
                doc.evidence,
            )
        )
    if any(f.level == "warn" for f in findings):
        return warned("robots.txt parses, with problems", *findings)
    return passed("robots.txt is served and parses", *findings)


# --- shared helpers ---------------------------------------------------------------------------------------


def _missing_outcome(name: str, code: str, docs: list[Doc], fix: str) -> Outcome:
    """The verdict for a document found nowhere: error when nothing answered, else fail naming each miss."""
    if docs and all(d.state == DocState.UNREACHABLE for d in docs):
        return errored(
            f"{name} could not be fetched: {docs[0].problem}",
            *(info(f"{code}-unreachable", d.describe(), d.evidence) for d in docs),
        )
    findings: list[Finding] = []
    for d in docs:
        if is_bot_challenge(d.response):
            findings.append(
                problem(
                    f"{code}-bot-challenge",
                    f"{d.url} answered a bot-challenge page ({d.response.describe() if d.response else ''})",
                    d.evidence,
                    fix="Exempt well-known documents from bot challenges; agents cannot solve them.",
                )
            )
        elif d.state == DocState.UNREACHABLE:
            findings.append(info(f"{code}-unreachable", d.describe(), d.evidence))
        elif d.state == DocState.SOFT_404:
            findings.append(problem(f"{code}-soft-404", f"{d.url}: {d.problem}", d.evidence, fix=fix))
        elif d.state == DocState.INVALID:
            findings.append(problem(f"{code}-invalid", f"{d.url}: {d.problem}", d.evidence, fix=fix))
        else:
            findings.append(problem(f"{code}-absent", d.describe(), d.evidence, fix=fix))
    return failed(f"no {name}", *findings)


def _challenged(docs: list[Doc], code: str) -> list[Finding]:
    """Findings for documents hidden behind a bot challenge (inconclusive for checks that may not apply)."""
    return [
        broken(f"{code}-bot-challenge", f"{d.url} answered a bot-challenge page instead", d.evidence)
        for d in docs
        if is_bot_challenge(d.response)
    ]


def _json_type_finding(
    code: str, doc: Doc, expected: tuple[str, ...] = ("application/json",)
) -> Finding | None:
    resp = doc.response
    if resp is None:
        return None
    media = resp.media_type
    if media in expected or media.endswith("+json"):
        return None
    return concern(
        f"{code}-content-type",
        f"{doc.url} is JSON served as {media or 'no content type'}",
        doc.evidence,
        fix=f"Serve it as {expected[0]}.",
    )


# --- discovery.llms-txt -----------------------------------------------------------------------------------


@check(
    id="discovery.llms-txt",
    title="llms.txt follows llmstxt.org and its links resolve",
    failure_title="llms.txt is missing, HTML or not in llms.txt form",
    category="discovery",
    weight=2,
    remediation="Serve /llms.txt as text/plain or text/markdown: an H1 with the product name first, a `>` "
    "one-line summary, then H2 sections of `- [name](url): notes` links to your docs, OpenAPI and auth pages "
    "(an `## Optional` section for skippable ones). Every link must resolve.",
    spec_links=("https://llmstxt.org/",),
    requires=("llms_txt",),
    description="Fetches /llms.txt, parses it as CommonMark (markdown-it-py) against the llmstxt.org layout, "
    "and fetches up to five of its links (same-origin first) to check they resolve. A page identical to the "
    "target's catch-all page (single-page-app fallback) counts as a dead link. /llms-full.txt is reported as "
    "information only.",
)
def llms_txt(a: Artifacts) -> Outcome:
    llms: LlmsTxt = a["llms_txt"]
    doc = llms.doc
    if not doc.found:
        return _missing_outcome(
            "llms.txt", "llms", [doc], "Serve /llms.txt as text/plain (llmstxt.org format)."
        )
    resp = doc.response
    findings: list[Finding | None] = []
    media = resp.media_type if resp else ""
    if media not in ("text/plain", "text/markdown", "text/x-markdown"):
        findings.append(
            concern(
                "llms-content-type",
                f"served as {media or 'no content type'}",
                doc.evidence,
                fix="Serve llms.txt as text/plain or text/markdown.",
            )
        )
    if resp is not None and resp.truncated:
        findings.append(
            concern(
                "llms-truncated",
                "llms.txt is larger than the body-size limit; agents read a truncated map",
                doc.evidence,
                fix="Keep llms.txt short; move detail to llms-full.txt or linked pages.",
            )
        )
    links = llms.links()
    if llms.title is None:
        if not links:
            return failed(
                "llms.txt is not in llms.txt form",
                problem(
                    "llms-not-llmstxt",
                    "no H1 and no Markdown link list: not an llms.txt file",
                    doc.evidence,
                    fix="Start with `# <product name>` and list links under H2 sections.",
                ),
                *findings,
            )
        findings.append(
            concern(
                "llms-no-h1",
                "no H1 title (the one required part of llms.txt)",
                doc.evidence,
                fix="Start the file with `# <product name>`.",
            )
        )
    elif not llms.h1_first:
        findings.append(
            concern(
                "llms-h1-not-first",
                f"the H1 {llms.title!r} is not the first block",
                doc.evidence,
                fix="Put the `# <name>` line first.",
            )
        )
    else:
        findings.append(good("llms-h1", f"H1 {llms.title!r}", doc.evidence))
    if llms.summary:
        findings.append(good("llms-summary", f"summary: {llms.summary[:100]!r}"))
    else:
        findings.append(info("llms-no-summary", "no `>` summary after the H1"))
    if not links:
        findings.append(
            concern(
                "llms-h1-only",
                "no H2 section lists any `- [name](url)` link",
                doc.evidence,
                fix="Add H2 sections listing links to your docs, OpenAPI and auth pages.",
            )
        )
    else:
        findings.append(
            good(
                "llms-sections",
                f"{len(links)} link(s) in {len(llms.sections)} section(s): "
                f"{', '.join(name or '(before any H2)' for name in llms.sections)}",
            )
        )
    if llms.headings_without_links:
        findings.append(
            info(
                "llms-empty-sections",
                f"H2 section(s) without a link list: {', '.join(llms.headings_without_links)}",
            )
        )
    dead = [
        c
        for c in llms.checked
        if c.doc.state in (DocState.ABSENT, DocState.ERROR_STATUS, DocState.SOFT_404, DocState.INVALID)
    ]
    blocked = [
        c
        for c in llms.checked
        if c.doc.response is not None and c.doc.response.error_kind == ErrorKind.BLOCKED
    ]
    unknown = [c for c in llms.checked if c.doc.state == DocState.UNREACHABLE and c not in blocked]
    alive = [c for c in llms.checked if c.alive]
    if alive:
        findings.append(
            good(
                "llms-links-resolve",
                f"{len(alive)} of {len(llms.checked)} sampled link(s) resolve",
                *(c.doc.evidence for c in alive),
            )
        )
    for c in dead:
        findings.append(
            concern(
                "llms-dead-link",
                f"[{c.link.title}]({c.link.url}): {c.doc.problem}",
                c.doc.evidence,
                fix="Fix or remove links that do not resolve.",
            )
        )
    for c in blocked:
        findings.append(
            info("llms-link-blocked", f"{c.link.url} not fetched: {c.doc.problem}", c.doc.evidence)
        )
    for c in unknown:
        findings.append(
            info(
                "llms-link-unreachable", f"{c.link.url} could not be checked: {c.doc.problem}", c.doc.evidence
            )
        )
    if llms.full is not None and llms.full.found:
        findings.append(info("llms-full-present", "/llms-full.txt is also served", llms.full.evidence))
    return verdict(
        findings,
        pass_summary=f"llms.txt lists {len(links)} link(s); sampled links resolve",
        warn_summary="llms.txt is served, with problems",
        fail_summary="llms.txt is not usable",
        details={
            "title": llms.title,
            "sections": {k: len(v) for k, v in llms.sections.items()},
            "sampled": [{"url": c.link.url, "state": c.doc.state.value} for c in llms.checked],
        },
    )


# --- discovery.markdown-negotiation ----------------------------------------------------------------------


def _judge_page(page: Negotiation) -> tuple[str, list[Finding]]:
    """One page's result and findings.

    Results: "negotiated", "disguised-html", "variant", "none", "missing", "error".
    """
    md, label = page.markdown, f"{page.role} page {page.url}"
    if md.failed:
        return "error", [info("markdown-unreachable", f"{label}: {md.describe()}", md)]
    if page.negotiated:
        found = [good("markdown-negotiated", f"{label} answers Accept: text/markdown with text/markdown", md)]
        vary = ",".join(md.header_values("vary")).lower()
        if "accept" in vary or "*" in vary:
            found.append(info("markdown-vary-accept", f"{label} sends Vary: Accept", md))
        else:
            # A bonus in the standards notes, so information rather than a concern.
            found.append(
                info(
                    "markdown-no-vary",
                    f"{label} negotiates without Vary: Accept; shared caches may "
                    "serve Markdown to browsers or HTML to agents",
                    md,
                )
            )
        if md.headers.get("x-markdown-tokens"):
            found.append(info("markdown-tokens", f"x-markdown-tokens: {md.headers['x-markdown-tokens']}", md))
        plain = page.plain
        if plain is not None and plain.ok and not plain.looks_like_html:
            found.append(
                concern(
                    "markdown-without-accept",
                    f"{label} without Accept: text/markdown answers {plain.describe()}, not HTML",
                    plain,
                    fix="Serve HTML by default and Markdown only when asked for.",
                )
            )
        return "negotiated", found
    if md.ok and md.media_type == "text/markdown":
        return "disguised-html", [
            problem(
                "markdown-is-html",
                f"{label} is labelled text/markdown but the body is HTML",
                md,
                fix="Convert the page to Markdown before serving it as text/markdown.",
            )
        ]
    plain = page.plain
    if page.role == "docs" and plain is not None and (plain.status in (404, 410) or plain.failed):
        return "missing", [
            info("markdown-no-docs-page", f"no docs page at {page.url} ({plain.describe()})", plain)
        ]
    variant = page.md_variant
    if variant is not None and variant.found:
        return "variant", [
            concern(
                "markdown-variant-only",
                f"{label} ignores Accept: text/markdown ({md.describe()}) but {variant.url} serves Markdown",
                md,
                variant.evidence,
                fix="Also negotiate: answer `Accept: text/markdown` on the page URL itself.",
            )
        ]
    return "none", [
        problem(
            "markdown-not-negotiated",
            f"{label} answers Accept: text/markdown with {md.describe()}",
            md,
            fix="Answer `Accept: text/markdown` with a Markdown rendering "
            "(Content-Type: text/markdown) of the same page.",
        )
    ]


@check(
    id="discovery.markdown-negotiation",
    title="Pages answer Accept: text/markdown with Markdown",
    failure_title="Pages do not negotiate Markdown for agents",
    category="discovery",
    weight=1.5,
    remediation="When a request sends `Accept: text/markdown`, answer the home page and docs pages with a "
    "Markdown rendering (`Content-Type: text/markdown`, `Vary: Accept`), and keep HTML the default.",
    spec_links=("https://blog.cloudflare.com/markdown-for-agents/", "https://www.rfc-editor.org/rfc/rfc7763"),
    requires=("markdown",),
    description="GETs / and one docs URL (from llms.txt, a Link rel=service-doc, else /docs/) with "
    "`Accept: text/markdown`, and the same URLs without it. HTML labelled text/markdown fails; only an "
    "/index.md or <page>.md variant warns. Vary: Accept and x-markdown-tokens are reported.",
)
def markdown_negotiation(a: Artifacts) -> Outcome:
    result: MarkdownNegotiation = a["markdown"]
    kinds: list[str] = []
    findings: list[Finding] = []
    for page in result.pages:
        kind, found = _judge_page(page)
        kinds.append(kind)
        findings.extend(found)
    judged = [k for k in kinds if k not in ("missing", "error")]
    details = {
        "pages": {p.url: k for p, k in zip(result.pages, kinds, strict=True)},
        "docs_url_from": result.docs_source,
    }
    if not judged:
        return errored("no page could be fetched with Accept: text/markdown", *findings, details=details)
    if "disguised-html" in judged:
        return failed("a page claims to be Markdown but is HTML", *findings, details=details)
    if all(k == "negotiated" for k in judged):
        if any(f.level == Level.WARN for f in findings):
            return warned("Markdown is negotiated, with problems", *findings, details=details)
        return passed(f"{len(judged)} page(s) negotiate Markdown", *findings, details=details)
    if any(k in ("negotiated", "variant") for k in judged):
        # Partial support is worth something: demote the pages that miss to concerns.
        demoted = [
            concern(f.code, f.message, *f.evidence, fix=f.fix) if f.level == Level.FAIL else f
            for f in findings
        ]
        return warned("Markdown is only partly available", *demoted, details=details)
    return failed("no page negotiates Markdown", *findings, details=details)


# --- discovery.api-catalog ---------------------------------------------------------------------------------


@check(
    id="discovery.api-catalog",
    title="An RFC 9727 API catalog links the API's description and docs",
    failure_title="No usable RFC 9727 API catalog",
    category="discovery",
    weight=1.5,
    remediation="Serve /.well-known/api-catalog as `application/linkset+json; "
    'profile="https://www.rfc-editor.org/info/rfc9727"`: {"linkset":[{"anchor":"<API base>",'
    '"service-desc":[{"href":"<openapi URL>","type":"application/vnd.oai.openapi+json"}],'
    '"service-doc":[{"href":"<docs URL>","type":"text/html"}]}]}.',
    spec_links=("https://www.rfc-editor.org/rfc/rfc9727", "https://www.rfc-editor.org/rfc/rfc9264"),
    requires=("api_catalog", "openapi"),
    description="GETs /.well-known/api-catalog (and any Link rel=api-catalog target) with "
    "`Accept: application/linkset+json`, validates the RFC 9264 JSON linkset, and looks for entries with "
    "service-desc / service-doc; the service-desc is followed by the openapi probe.",
)
def api_catalog(a: Artifacts) -> Outcome:
    catalog: ApiCatalog = a["api_catalog"]
    spec: OpenAPIResult | None = a["openapi"]
    doc = catalog.doc
    if not doc.found:
        return _missing_outcome(
            "API catalog",
            "api-catalog",
            catalog.tried,
            "Serve /.well-known/api-catalog as an RFC 9727 linkset.",
        )
    findings: list[Finding | None] = []
    if not catalog.entries:
        return failed(
            "the API catalog is not a usable linkset",
            problem(
                "api-catalog-not-linkset",
                "; ".join(catalog.shape_problems) or "an empty linkset",
                doc.evidence,
                fix='Serve {"linkset":[{"anchor":...,"service-desc":[{"href":...}]}]}.',
            ),
        )
    for shape in catalog.shape_problems[:3]:
        findings.append(concern("api-catalog-shape", shape, doc.evidence, fix="Follow RFC 9264 §4.2."))
    resp = doc.response
    media = resp.media_type if resp else ""
    if media == LINKSET_TYPE:
        ctype = resp.headers.get("content-type", "") if resp else ""
        if RFC9727_PROFILE in ctype:
            findings.append(
                good(
                    "api-catalog-profile", "application/linkset+json with the RFC 9727 profile", doc.evidence
                )
            )
        else:
            findings.append(
                info("api-catalog-no-profile", f'no profile="{RFC9727_PROFILE}" parameter', doc.evidence)
            )
    else:
        findings.append(
            concern(
                "api-catalog-content-type",
                f"served as {media or 'no content type'}, not {LINKSET_TYPE}",
                doc.evidence,
                fix=f"Serve it as {LINKSET_TYPE}.",
            )
        )
    descs, docs_, items = (
        catalog.targets("service-desc"),
        catalog.targets("service-doc"),
        catalog.targets("item"),
    )
    if descs or docs_:
        findings.append(
            good(
                "api-catalog-entries",
                f"{len(catalog.entries)} entr(y/ies): {len(descs)} service-desc, "
                f"{len(docs_)} service-doc link(s)",
                doc.evidence,
            )
        )
    elif items:
        findings.append(
            concern(
                "api-catalog-items-only",
                f"{len(items)} item link(s) but no service-desc or "
                "service-doc: an agent learns where APIs are, not how to call them",
                doc.evidence,
                fix="Add service-desc (OpenAPI) and service-doc links for each API anchor.",
            )
        )
    else:
        findings.append(
            problem(
                "api-catalog-no-service-links",
                "no service-desc, service-doc or item link",
                doc.evidence,
                fix="Add service-desc and service-doc links.",
            )
        )
    if descs and spec is not None:
        hrefs = {t.href.split("#")[0] for t in descs}
        desc = spec.description
        if desc is not None and (desc.doc.url in hrefs or desc.url in hrefs):
            findings.append(
                good(
                    "api-catalog-service-desc-parses",
                    f"service-desc {desc.doc.url} is OpenAPI {desc.version}",
                    desc.doc.evidence,
                )
            )
        else:
            tried = [d for d in spec.tried if d.url in hrefs]
            if tried:
                findings.append(
                    concern(
                        "api-catalog-service-desc-broken",
                        "service-desc does not lead to a parseable OpenAPI description: "
                        f"{'; '.join(d.describe() for d in tried)}",
                        *(d.evidence for d in tried),
                        fix="Point service-desc at the OpenAPI file.",
                    )
                )
    return verdict(
        findings,
        pass_summary="the API catalog links the API description and docs",
        warn_summary="the API catalog is served, with problems",
        fail_summary="the API catalog does not describe any API",
        details={"anchors": [e.anchor for e in catalog.entries]},
    )


# --- discovery.openapi ------------------------------------------------------------------------------------


def _scheme_explains_credential(scheme: dict[str, Any]) -> bool:
    kind = str(scheme.get("type", "")).lower()
    if kind == "oauth2":
        flows = scheme.get("flows")
        if isinstance(flows, dict):
            return any(
                isinstance(f, dict) and (f.get("tokenUrl") or f.get("authorizationUrl"))
                for f in flows.values()
            )
        return bool(scheme.get("tokenUrl") or scheme.get("authorizationUrl"))  # Swagger 2.0
    if kind == "openidconnect":
        return bool(scheme.get("openIdConnectUrl"))
    return len(str(scheme.get("description", "")).strip()) >= 20  # http/apiKey: only prose can say how


def _declares_problem_json(op_responses: dict[str, Any]) -> bool:
    for code, response in op_responses.items():
        if not isinstance(response, dict) or not (str(code).startswith(("4", "5")) or code == "default"):
            continue
        content = response.get("content")
        if isinstance(content, dict) and any("problem+json" in k for k in content):
            return True
        if "$ref" in response and "problem" in str(response["$ref"]).lower():
            return True
    return False


@check(
    id="discovery.openapi",
    title="A parseable OpenAPI description is discoverable",
    failure_title="No parseable OpenAPI description found",
    category="discovery",
    weight=3,
    remediation="Publish an OpenAPI 3.x description (JSON or YAML) and link it: `Link: </openapi.json>; "
    'rel="service-desc"` on the home page and a service-desc in /.well-known/api-catalog. Give it servers, '
    "securitySchemes that say how to obtain a credential (oauth2 flows with tokenUrl), an operationId and "
    "summary per operation, and application/problem+json error responses.",
    spec_links=("https://spec.openapis.org/oas/v3.1.0", "https://www.rfc-editor.org/rfc/rfc8631"),
    requires=("openapi",),
    description="Looks for the description via Link rel=service-desc, the api-catalog, llms.txt, then the "
    "common paths (/openapi.json, /openapi.yaml, /swagger.json, /v3/api-docs, /api/openapi.json), "
    "stopping at the first that parses as OpenAPI 3.x or Swagger 2.0, then judges servers, securitySchemes, "
    "operationId/summary coverage and problem+json error responses.",
)
def openapi(a: Artifacts) -> Outcome:
    result: OpenAPIResult = a["openapi"]
    desc = result.description
    if desc is None:
        invalid = result.invalid()
        if invalid:
            return failed(
                "a description was found but does not parse as OpenAPI",
                *(
                    problem(
                        "openapi-invalid",
                        f"{d.url}: {d.problem}",
                        d.evidence,
                        fix="Serve a valid OpenAPI 3.x document.",
                    )
                    for d in invalid
                ),
            )
        return _missing_outcome(
            "OpenAPI description",
            "openapi",
            result.tried,
            "Publish an OpenAPI 3.x description and link it with rel=service-desc.",
        )
    doc = desc.doc
    findings: list[Finding | None] = [
        good("openapi-found", f"OpenAPI {desc.version} at {doc.url} (via {desc.source})", doc.evidence)
    ]
    if desc.source == "common-path":
        findings.append(
            info(
                "openapi-not-linked",
                "found only by guessing a common path; no Link header, api-catalog or llms.txt points at it",
            )
        )
    if desc.is_swagger2:
        findings.append(
            info("openapi-swagger2", "Swagger 2.0; OpenAPI 3.x describes auth flows and content types better")
        )
    if (
        doc.response is not None
        and body_is_html(doc.response) is False
        and doc.response.media_type == "text/html"
    ):
        findings.append(
            concern(
                "openapi-content-type",
                "served as text/html",
                doc.evidence,
                fix="Serve it as application/json (or application/yaml).",
            )
        )
    server = desc.server_url()
    if server:
        findings.append(good("openapi-servers", f"server {server}"))
    else:
        findings.append(
            concern(
                "openapi-no-servers",
                "no usable `servers` entry: an agent must guess the base URL",
                doc.evidence,
                fix='Add "servers": [{"url": "https://api.example.com/v1"}].',
            )
        )
    ops = list(desc.operations())
    schemes = desc.security_schemes()
    secured = [o for o in ops if o.requires_auth]
    explained = [
        name for name, s in schemes.items() if isinstance(s, dict) and _scheme_explains_credential(s)
    ]
    if explained:
        findings.append(
            good(
                "openapi-security-explained",
                f"security scheme(s) saying how to get a credential: {', '.join(explained)}",
            )
        )
    elif schemes or secured:
        findings.append(
            concern(
                "openapi-security-unexplained",
                "securitySchemes do not say how to obtain a "
                "credential (no oauth2 tokenUrl, no openIdConnectUrl, no description)",
                doc.evidence,
                fix="Describe the oauth2 flows with tokenUrl, or explain in the "
                "scheme's description how an agent gets a key.",
            )
        )
    else:
        findings.append(info("openapi-no-security", "no securitySchemes and no secured operation"))
    if not ops:
        findings.append(
            concern(
                "openapi-no-operations",
                "the description lists no operations",
                doc.evidence,
                fix="Describe the API's operations under `paths`.",
            )
        )
    else:
        unnamed = [f"{o.method} {o.path}" for o in ops if not o.operation_id]
        undescribed = [f"{o.method} {o.path}" for o in ops if not o.summary]
        if unnamed or undescribed:
            findings.append(
                concern(
                    "openapi-operations-undocumented",
                    f"{len(unnamed)} of {len(ops)} operation(s) lack an operationId, "
                    f"{len(undescribed)} a summary (e.g. {(unnamed or undescribed)[0]})",
                    doc.evidence,
                    fix="Give every operation an operationId and a summary.",
                )
            )
        else:
            findings.append(
                good(
                    "openapi-operations-documented",
                    f"all {len(ops)} operation(s) have an operationId and a summary",
                )
            )
        with_errors = [o for o in ops if _declares_problem_json(o.responses())]
        if with_errors:
            findings.append(
                good(
                    "openapi-problem-json",
                    f"{len(with_errors)} of {len(ops)} operation(s) declare "
                    "application/problem+json error responses",
                )
            )
        else:
            findings.append(
                concern(
                    "openapi-no-problem-json",
                    "no operation declares application/problem+json error responses",
                    doc.evidence,
                    fix="Declare 4xx responses with application/problem+json (RFC 9457) content.",
                )
            )
    return verdict(
        findings,
        pass_summary=f"OpenAPI {desc.version} with {len(ops)} operation(s)",
        warn_summary=f"OpenAPI {desc.version} found, with gaps",
        fail_summary="the OpenAPI description is not usable",
        details={
            "url": doc.url,
            "source": desc.source,
            "version": desc.version,
            "operations": len(ops),
            "server": server,
        },
    )


# --- discovery.link-headers -------------------------------------------------------------------------------

AGENT_RELS = ("api-catalog", "service-desc", "service-doc", "service-meta", "describedby", "status")


@check(
    id="discovery.link-headers",
    title="Link headers point agents at the API catalog, description and docs",
    failure_title="No Link headers for agents to follow",
    category="discovery",
    weight=1.5,
    remediation="Send RFC 8288 Link headers on the home page and the API base, e.g. `Link: "
    '</.well-known/api-catalog>; rel="api-catalog", </openapi.json>; rel="service-desc", </docs/>; '
    'rel="service-doc", </index.md>; rel="alternate"; type="text/markdown"`.',
    spec_links=(
        "https://www.rfc-editor.org/rfc/rfc8288",
        "https://www.rfc-editor.org/rfc/rfc8631",
        "https://www.rfc-editor.org/rfc/rfc9727#section-3",
    ),
    requires=("links", "api_links"),
    description="Parses every Link header (several fields, several links per field, quoted parameters, "
    "relative targets) of GET /, the target URL and the API base named by the OpenAPI servers.",
)
def link_headers(a: Artifacts) -> Outcome:
    found: LinkHeaders = a["links"]
    sources: list[LinkSource] = list(found.sources)
    extra: LinkSource | None = a["api_links"]
    if extra is not None:
        sources.append(extra)
    answered = [s for s in sources if not s.response.failed]
    if not answered:
        return errored(
            "the home page could not be fetched",
            *(info("link-unreachable", s.response.describe(), s.response) for s in sources),
        )
    all_links = [lk for s in answered for lk in s.links]
    useful = [
        lk
        for lk in all_links
        if any(r in AGENT_RELS for r in lk.rels)
        or ("alternate" in lk.rels and lk.media_type == "text/markdown")
    ]
    findings: list[Finding | None] = []
    for s in answered:
        for junk in s.unparsed[:2]:
            findings.append(
                concern(
                    "link-header-unparsed",
                    f"{s.url}: cannot parse {junk!r}",
                    s.response,
                    fix='Write each link as `<uri>; rel="..."` (RFC 8288 §3).',
                )
            )
    details = {
        "links": [
            {"href": lk.href, "rel": " ".join(lk.rels), "type": lk.media_type or None, "on": lk.source_url}
            for lk in all_links
        ]
    }
    if useful:
        rels = sorted(
            {
                ("alternate text/markdown" if r == "alternate" else r)
                for lk in useful
                for r in lk.rels
                if r in AGENT_RELS or r == "alternate"
            }
        )
        findings.insert(
            0,
            good(
                "link-agent-rels",
                f"agent-useful rel(s): {', '.join(rels)}",
                *(s.response for s in answered if s.has_header),
            ),
        )
        return verdict(
            findings,
            pass_summary=f"Link headers carry {', '.join(rels)}",
            warn_summary="Link headers are useful, with problems",
            fail_summary="",
            details=details,
        )
    if all_links or any(s.has_header for s in answered):
        rels = sorted({r for lk in all_links for r in lk.rels}) or ["(none)"]
        return warned(
            "Link headers carry no agent-useful relation",
            concern(
                "link-no-agent-rels",
                f"Link relation(s) seen: {', '.join(rels)}",
                *(s.response for s in answered),
                fix="Add rel=api-catalog, service-desc and service-doc links.",
            ),
            *findings,
            details=details,
        )
    return failed(
        "no Link header",
        problem(
            "link-headers-absent",
            f"no Link header on {', '.join(s.url for s in answered)}",
            *(s.response for s in answered),
            fix="Send Link headers with rel=api-catalog, service-desc and service-doc on the home page.",
        ),
        details=details,
    )


# --- discovery.mcp-server-card ----------------------------------------------------------------------------


def _validate_card(card: dict[str, Any], shape: str) -> list[tuple[str, str]]:
    """(level, message) pairs about the card's fields; level is "fail" or "warn"."""
    issues: list[tuple[str, str]] = []
    info_obj: dict[str, Any] = card["serverInfo"] if isinstance(card.get("serverInfo"), dict) else {}
    if shape == "sep-2127":
        missing = [
            k for k in ("$schema", "name", "version", "description") if not isinstance(card.get(k), str)
        ]
        if missing:
            issues.append(("fail", f"SEP-2127 card lacks required {', '.join(missing)}"))
        name = card.get("name")
        if isinstance(name, str) and name.count("/") != 1:
            issues.append(("warn", f"name {name!r} is not reverse-DNS `namespace/name`"))
        if "packages" in card:
            issues.append(("warn", "carries registry `packages`, which belong in server.json, not a card"))
        remotes = card.get("remotes")
        if remotes is not None and not (
            isinstance(remotes, list)
            and all(isinstance(r, dict) and isinstance(r.get("url"), str) and r.get("type") for r in remotes)
        ):
            issues.append(("fail", "remotes[] entries need `type` and `url`"))
    elif shape == "sep-1649":
        missing = [k for k in ("name", "version") if not isinstance(info_obj.get(k), str)]
        if missing:
            issues.append(("fail", f"SEP-1649 card lacks serverInfo.{', serverInfo.'.join(missing)}"))
        if not isinstance(card.get("capabilities"), dict):
            issues.append(("warn", "no `capabilities` object"))
    elif shape == "hybrid":
        if not (isinstance(card.get("name"), str) or isinstance(info_obj.get("name"), str)):
            issues.append(("fail", "no name (neither `name` nor serverInfo.name)"))
        if not (isinstance(card.get("version"), str) or isinstance(info_obj.get("version"), str)):
            issues.append(("fail", "no version"))
        issues.append(("warn", "mixes the SEP-2127 and SEP-1649 shapes; publish the SEP-2127 shape"))
    else:
        issues.append(
            (
                "fail",
                "neither the SEP-2127 shape ($schema, name, version, description, remotes) nor "
                "the SEP-1649 shape (serverInfo, endpoint, capabilities)",
            )
        )
    return issues


def _endpoint_findings(mcp: McpDiscovery) -> list[Finding]:
    resp = mcp.endpoint_response
    url = mcp.endpoint_url
    if resp is None:
        return []
    if mcp.endpoint_answers:
        if resp.status == 401:
            challenge = ",".join(resp.header_values("www-authenticate"))
            if "resource_metadata" in challenge:
                return [
                    good(
                        "mcp-endpoint-challenge",
                        f"{url} answers 401 with a resource_metadata challenge",
                        resp,
                    )
                ]
            return [
                concern(
                    "mcp-endpoint-no-resource-metadata",
                    f"{url} answers 401 without resource_metadata in WWW-Authenticate",
                    resp,
                    fix='Send `WWW-Authenticate: Bearer resource_metadata="..."` (RFC 9728 §5.1).',
                )
            ]
        return [good("mcp-endpoint-answers", f"{url} answers as an MCP endpoint ({resp.describe()})", resp)]
    if resp.error_kind == ErrorKind.BLOCKED:
        return [
            concern(
                "mcp-endpoint-blocked",
                f"{url} not fetched: {resp.error}",
                resp,
                fix="Host the MCP endpoint on a public address.",
            )
        ]
    return [
        problem(
            "mcp-endpoint-no-answer",
            f"{url} does not answer as an MCP endpoint ({resp.describe()})",
            mcp.endpoint_get,
            mcp.endpoint_post,
            fix="Serve the Streamable HTTP endpoint the card names (401 challenge, 405 on GET, or JSON-RPC).",
        )
    ]


@check(
    id="discovery.mcp-server-card",
    title="An MCP server card is published and its endpoint answers",
    failure_title="MCP server card missing, invalid, or its endpoint does not answer",
    category="discovery",
    weight=2,
    remediation="Serve /.well-known/mcp/server-card.json (SEP-2127): $schema, name (`namespace/name`), "
    'version, description and remotes: [{"type": "streamable-http", "url": "https://.../mcp"}]; '
    "the endpoint must answer an anonymous request with 401 + WWW-Authenticate resource_metadata "
    "(or 405 on GET).",
    spec_links=(
        "https://github.com/modelcontextprotocol/modelcontextprotocol/pull/2127",
        "https://github.com/modelcontextprotocol/modelcontextprotocol/issues/1649",
        "https://modelcontextprotocol.io/specification/2025-11-25/basic/transports",
    ),
    requires=("mcp_card",),
    description="Tries /.well-known/mcp/server-card.json, /.well-known/mcp/server-cards.json, "
    "/.well-known/mcp.json, /.well-known/mcp and <endpoint>/server-card; accepts the SEP-2127 and the older "
    "SEP-1649 shapes; then makes an anonymous GET (and a POST initialize if GET does not answer) to the "
    "endpoint. Not applicable when there is no card and nothing MCP answers at /mcp.",
)
def mcp_server_card(a: Artifacts) -> Outcome:
    mcp: McpDiscovery = a["mcp_card"]
    details = {"card": mcp.card.url if mcp.card else None, "shape": mcp.shape, "endpoint": mcp.endpoint_url}
    if mcp.card is None:
        if mcp.endpoint_answers:
            return failed(
                "an MCP endpoint answers but publishes no server card",
                problem(
                    "mcp-card-absent",
                    f"{mcp.endpoint_url} answers, but no card at {', '.join(d.url for d in mcp.tried)}",
                    *(d.evidence for d in mcp.tried),
                    fix="Serve /.well-known/mcp/server-card.json.",
                ),
                details=details,
            )
        invalid = [d for d in mcp.tried if d.state == DocState.INVALID]
        if invalid:
            return failed(
                "an MCP server card path serves something that is not a card",
                *(
                    problem("mcp-card-invalid", f"{d.url}: {d.problem}", d.evidence, fix="Serve valid JSON.")
                    for d in invalid
                ),
                details=details,
            )
        if all(d.state == DocState.UNREACHABLE for d in mcp.tried):
            return errored(f"no MCP card path could be fetched: {mcp.tried[0].problem}", details=details)
        challenged = _challenged(mcp.tried, "mcp-card")
        if challenged:
            return errored(
                "a bot challenge hides whether there is an MCP server card", *challenged, details=details
            )
        return not_applicable(
            "no MCP server card at the known paths and no MCP endpoint at /mcp",
            info("mcp-none", "; ".join(d.describe() for d in mcp.tried)),
            details=details,
        )
    card, doc = mcp.card_data, mcp.card
    shape = mcp.shape or "unknown"
    findings: list[Finding | None] = [
        good("mcp-card-found", f"{shape} card at {doc.url}", doc.evidence),
        _json_type_finding("mcp-card", doc, ("application/mcp-server-card+json", "application/json")),
    ]
    if mcp.cards_listed > 1:
        findings.append(info("mcp-cards-listed", f"{mcp.cards_listed} cards listed; the first was judged"))
    for level, message in _validate_card(card, shape):
        if level == "fail":
            findings.append(
                problem("mcp-card-fields", message, doc.evidence, fix="Follow the SEP-2127 card schema.")
            )
        else:
            findings.append(
                concern("mcp-card-shape", message, doc.evidence, fix="Follow the SEP-2127 card schema.")
            )
    if shape == "sep-1649":
        findings.append(
            info(
                "mcp-card-older-shape",
                "the older SEP-1649 shape (serverInfo/endpoint); SEP-2127 "
                "(remotes[]) is the current proposal",
            )
        )
    named = card_endpoints(card, doc.url)
    if not named:
        templated = (
            any("{" in str(r.get("url", "")) for r in card.get("remotes", []) if isinstance(r, dict))
            if isinstance(card.get("remotes"), list)
            else False
        )
        if templated:
            findings.append(
                info(
                    "mcp-card-templated-endpoint",
                    "the card's endpoint is a URL template; it cannot be checked without its variables",
                )
            )
        elif mcp.endpoint_source == "default-path":
            findings.append(
                concern(
                    "mcp-card-no-endpoint",
                    f"the card names no endpoint (no remotes[].url); {mcp.endpoint_url} answers anyway",
                    doc.evidence,
                    fix='Add "remotes": [{"type": "streamable-http", "url": "<endpoint>"}].',
                )
            )
        else:
            findings.append(
                problem(
                    "mcp-card-no-endpoint",
                    "the card names no remote endpoint and nothing answers at /mcp",
                    doc.evidence,
                    fix='Add "remotes": [{"type": "streamable-http", "url": "<endpoint>"}].',
                )
            )
    findings.extend(_endpoint_findings(mcp) if (named or mcp.endpoint_source) else [])
    return verdict(
        findings,
        pass_summary=f"MCP server card ({shape}) valid; {mcp.endpoint_url} answers",
        warn_summary="MCP server card found, with problems",
        fail_summary="the MCP server card is invalid or its endpoint does not answer",
        details=details,
    )


# --- discovery.a2a-agent-card ----------------------------------------------------------------------------

A2A_REQUIRED = (
    "name",
    "description",
    "version",
    "capabilities",
    "skills",
    "defaultInputModes",
    "defaultOutputModes",
)


@check(
    id="discovery.a2a-agent-card",
    title="An A2A agent card describes the service's agent",
    failure_title="The A2A agent card is invalid",
    category="discovery",
    weight=1,
    remediation="Serve /.well-known/agent-card.json with name, description, version, capabilities, skills "
    "[{id, name, description}], defaultInputModes, defaultOutputModes and supportedInterfaces (or url).",
    spec_links=("https://a2a-protocol.org/latest/specification/#5-agent-discovery-the-agent-card",),
    requires=("a2a_card",),
    description="Fetches /.well-known/agent-card.json, then the legacy /.well-known/agent.json; validates "
    "the card's fields. Not applicable when there is no card.",
)
def a2a_agent_card(a: Artifacts) -> Outcome:
    result: A2ACard = a["a2a_card"]
    doc = result.doc
    if doc is None:
        invalid = [d for d in result.tried if d.state == DocState.INVALID]
        if invalid:
            return failed(
                "an agent-card path serves something that is not a card",
                *(
                    problem("a2a-card-invalid", f"{d.url}: {d.problem}", d.evidence, fix="Serve valid JSON.")
                    for d in invalid
                ),
            )
        if all(d.state == DocState.UNREACHABLE for d in result.tried):
            return errored(f"the agent card could not be fetched: {result.tried[0].problem}")
        challenged = _challenged(result.tried, "a2a-card")
        if challenged:
            return errored("a bot challenge hides whether there is an agent card", *challenged)
        return not_applicable(
            "no A2A agent card (the service does not advertise an A2A agent)",
            info("a2a-none", "; ".join(d.describe() for d in result.tried)),
        )
    card = doc.data
    if not isinstance(card, dict):
        return failed(
            "the agent card is not a JSON object",
            problem("a2a-card-invalid", "not an object", doc.evidence, fix="Serve a JSON object."),
        )
    findings: list[Finding | None] = [
        good("a2a-card-found", f"agent card {card.get('name')!r} at {doc.url}", doc.evidence),
        _json_type_finding("a2a-card", doc),
    ]
    if result.legacy_path:
        findings.append(
            concern(
                "a2a-legacy-path",
                "served only at the legacy /.well-known/agent.json",
                doc.evidence,
                fix="Serve it at /.well-known/agent-card.json.",
            )
        )
    missing = [k for k in A2A_REQUIRED if k not in card]
    if missing:
        findings.append(
            problem(
                "a2a-card-fields",
                f"missing {', '.join(missing)}",
                doc.evidence,
                fix="Add the required AgentCard fields.",
            )
        )
    interfaces = card.get("supportedInterfaces")
    if isinstance(interfaces, list) and any(isinstance(i, dict) and i.get("url") for i in interfaces):
        findings.append(good("a2a-interfaces", f"{len(interfaces)} supported interface(s)"))
    elif isinstance(card.get("url"), str):
        findings.append(info("a2a-legacy-url", f"endpoint given as the pre-1.0 `url` ({card['url']})"))
    else:
        findings.append(
            problem(
                "a2a-no-endpoint",
                "neither supportedInterfaces[].url nor url",
                doc.evidence,
                fix="Add supportedInterfaces with the agent's URL.",
            )
        )
    skills = card.get("skills")
    if isinstance(skills, list):
        bad = [
            n
            for n, s in enumerate(skills)
            if not (
                isinstance(s, dict) and all(isinstance(s.get(k), str) for k in ("id", "name", "description"))
            )
        ]
        if bad:
            findings.append(
                problem(
                    "a2a-skill-fields",
                    f"skills{bad[:5]} lack id, name or description",
                    doc.evidence,
                    fix="Give every skill an id, a name and a description.",
                )
            )
        elif not skills:
            findings.append(
                concern(
                    "a2a-no-skills",
                    "skills[] is empty",
                    doc.evidence,
                    fix="List what the agent can do in skills[].",
                )
            )
    elif "skills" in card:
        findings.append(
            problem("a2a-skill-fields", "skills is not an array", doc.evidence, fix="Make it an array.")
        )
    if "capabilities" in card and not isinstance(card["capabilities"], dict):
        findings.append(
            problem(
                "a2a-capabilities",
                "capabilities is not an object",
                doc.evidence,
                fix="Make capabilities an object.",
            )
        )
    return verdict(
        findings,
        pass_summary="the A2A agent card is valid",
        warn_summary="agent card found, with problems",
        fail_summary="the A2A agent card is incomplete",
        details={"url": doc.url},
    )


# --- discovery.agent-skills ------------------------------------------------------------------------------

SKILL_TYPES = ("skill-md", "archive")


@check(
    id="discovery.agent-skills",
    title="An agent-skills index lists skills with verifiable digests",
    failure_title="No valid agent-skills index",
    category="discovery",
    weight=1,
    remediation=f'Serve /.well-known/agent-skills/index.json: {{"$schema": "{SKILLS_SCHEMA}", '
    '"skills": [{"name", "type": "skill-md", "description", "url", "digest": "sha256:<hex of the file>"}]}.',
    spec_links=("https://github.com/cloudflare/agent-skills-discovery-rfc",),
    requires=("agent_skills",),
    description="Fetches /.well-known/agent-skills/index.json (the v0.1 /.well-known/skills/index.json "
    "is accepted), validates the entries, and fetches one skill to verify its sha256 digest.",
)
def agent_skills(a: Artifacts) -> Outcome:
    result: AgentSkills = a["agent_skills"]
    doc = result.doc
    if doc is None:
        return _missing_outcome(
            "agent-skills index", "skills", result.tried, "Serve /.well-known/agent-skills/index.json."
        )
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("skills"), list):
        return failed(
            "the agent-skills index has no skills array",
            problem("skills-no-array", 'no "skills" array', doc.evidence, fix='Add "skills": [...].'),
        )
    findings: list[Finding | None] = [_json_type_finding("skills", doc)]
    if result.legacy_path:
        findings.append(info("skills-legacy-path", "served at the v0.1 path /.well-known/skills/index.json"))
    schema = data.get("$schema")
    if schema == SKILLS_SCHEMA:
        findings.append(good("skills-schema", "discovery 0.2.0 $schema"))
    else:
        findings.append(
            concern(
                "skills-schema",
                f"$schema is {schema!r}, not {SKILLS_SCHEMA}",
                doc.evidence,
                fix=f'Set "$schema": "{SKILLS_SCHEMA}".',
            )
        )
    skills = [s for s in data["skills"]]
    if not skills:
        return failed(
            "the agent-skills index is empty",
            problem("skills-empty", "skills[] is empty", doc.evidence, fix="List at least one skill."),
            *findings,
        )
    for n, s in enumerate(skills[:20]):
        if not isinstance(s, dict):
            findings.append(
                problem("skills-entry", f"skills[{n}] is not an object", doc.evidence, fix="Fix it.")
            )
            continue
        label = s.get("name", f"skills[{n}]")
        missing = [k for k in ("name", "type", "description", "url") if not isinstance(s.get(k), str)]
        if missing:
            findings.append(
                problem(
                    "skills-entry",
                    f"{label}: missing {', '.join(missing)}",
                    doc.evidence,
                    fix="Give every skill name, type, description, url and digest.",
                )
            )
        if isinstance(s.get("type"), str) and s["type"] not in SKILL_TYPES:
            findings.append(
                concern(
                    "skills-type",
                    f"{label}: type {s['type']!r} is not skill-md or archive",
                    doc.evidence,
                    fix="Use type skill-md or archive.",
                )
            )
        digest = s.get("digest")
        if not (isinstance(digest, str) and digest.startswith("sha256:") and len(digest) == 71):
            findings.append(
                concern(
                    "skills-digest",
                    f'{label}: no `digest: "sha256:<hex>"`'
                    + (" (has a bare `sha256` member)" if "sha256" in s else ""),
                    doc.evidence,
                    fix='Add "digest": "sha256:<64 hex>" of the skill file.',
                )
            )
    check_ = result.digest_check
    if check_ is None:
        findings.append(
            concern(
                "skills-digest-unverified",
                "no skill has a digest to verify",
                doc.evidence,
                fix="Add sha256 digests.",
            )
        )
    elif check_.matches:
        findings.append(
            good("skills-digest-verified", f"{check_.skill}: sha256 of {check_.url} matches", check_.response)
        )
    elif check_.response.failed:
        findings.append(
            info(
                "skills-digest-unchecked",
                f"{check_.url} could not be fetched: {check_.response.error}",
                check_.response,
            )
        )
    elif not check_.response.ok:
        findings.append(
            problem(
                "skills-url-dead",
                f"{check_.skill}: {check_.url} answered {check_.response.describe()}",
                check_.response,
                fix="Serve the skill file at its url.",
            )
        )
    elif check_.response.truncated:
        findings.append(
            info("skills-digest-unchecked", f"{check_.url} is larger than the body limit", check_.response)
        )
    else:
        findings.append(
            problem(
                "skills-digest-mismatch",
                f"{check_.skill}: sha256 of {check_.url} is "
                f"{check_.actual}, the index says {check_.expected}",
                check_.response,
                fix="Regenerate the index digests from the served files.",
            )
        )
    return verdict(
        findings,
        pass_summary=f"{len(skills)} skill(s) listed; digest verified",
        warn_summary="agent-skills index found, with problems",
        fail_summary="the agent-skills index is invalid",
        details={"url": doc.url, "skills": len(skills)},
    )


# --- discovery.sitemap ----------------------------------------------------------------------------------


@check(
    id="discovery.sitemap",
    title="A sitemap is published",
    failure_title="No sitemap",
    category="discovery",
    weight=0.5,
    remediation="Serve /sitemap.xml (urlset or sitemapindex) and name it in robots.txt with `Sitemap:`.",
    spec_links=(
        "https://www.sitemaps.org/protocol.html",
        "https://www.rfc-editor.org/rfc/rfc9309#section-2.2.4",
    ),
    requires=("sitemap",),
    description="Follows robots.txt `Sitemap:` lines, then /sitemap.xml, /sitemap_index.xml, "
    "/sitemap-index.xml and /sitemap.xml.gz; parses the XML safely (defusedxml). Low weight: API "
    "products need it least.",
)
def sitemap(a: Artifacts) -> Outcome:
    result: Sitemap = a["sitemap"]
    doc = result.doc
    if doc is None or not doc.found:
        return _missing_outcome(
            "sitemap",
            "sitemap",
            [doc] if doc is not None else result.tried,
            "Serve /sitemap.xml and list it in robots.txt.",
        )
    findings: list[Finding | None] = [
        good("sitemap-found", f"<{result.kind}> with {result.locations} <loc> at {doc.url}", doc.evidence)
    ]
    if result.source != "robots":
        findings.append(info("sitemap-not-in-robots", "robots.txt does not name it with `Sitemap:`"))
    if result.locations == 0:
        findings.append(
            concern(
                "sitemap-empty",
                f"<{result.kind}> lists no <loc>",
                doc.evidence,
                fix="List your docs pages in the sitemap.",
            )
        )
    return verdict(
        findings,
        pass_summary=f"sitemap with {result.locations} location(s)",
        warn_summary="sitemap found, with problems",
        fail_summary="sitemap unusable",
    )


CHECKS = [
    llms_txt,
    markdown_negotiation,
    api_catalog,
    openapi,
    link_headers,
    mcp_server_card,
    a2a_agent_card,
    agent_skills,
    sitemap,
    robots_txt,
]
