"""discovery.markdown-negotiation: pages answer Accept: text/markdown."""

from __future__ import annotations

from agent_ready.artifacts.discovery import MARKDOWN, MarkdownNegotiation, Negotiation
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    errored,
    failed,
    good,
    info,
    not_judged,
    passed,
    problem,
    warned,
)
from agent_ready.models import Finding, Level, Outcome


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
    requires=(MARKDOWN,),
    description="GETs / and one docs URL (from llms.txt, a Link rel=service-doc, else /docs/) with "
    "`Accept: text/markdown`, and the same URLs without it. HTML labelled text/markdown fails; only an "
    "/index.md or <page>.md variant warns. Vary: Accept and x-markdown-tokens are reported.",
    clauses=(
        clause(
            "RFC 9110 §12.5.1",
            "SHOULD",
            "Accept: text/markdown gets text/markdown",
            "HTML fails; only .md variants or only some pages warn",
        ),
        clause("RFC 7763", "MUST", "text/markdown content is Markdown", "HTML labelled text/markdown fails"),
        clause(
            "standards A4",
            "catalogue",
            "without Accept: text/markdown the page stays HTML",
            "Markdown by default warns",
        ),
        not_judged(
            "RFC 9110 §12.5.5",
            "SHOULD",
            "Vary: Accept on a negotiated response",
            "noted: a bonus in the standards notes, not a barrier for an agent",
        ),
    ),
)
def markdown_negotiation(a: Artifacts) -> Outcome:
    result: MarkdownNegotiation = a[MARKDOWN]
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
