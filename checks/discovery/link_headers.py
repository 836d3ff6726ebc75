"""discovery.link-headers: RFC 8288 Link headers point at the API's documents."""

from __future__ import annotations

from agent_ready.artifacts.discovery import API_LINKS, LINKS, LinkHeaders, LinkSource
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    errored,
    failed,
    good,
    info,
    problem,
    verdict,
    warned,
)
from agent_ready.models import Finding, Outcome
from agent_ready.parsers.link_header import Link

AGENT_RELS = ("api-catalog", "service-desc", "service-doc", "service-meta", "describedby", "status")


def _agent_rels(links: list[Link]) -> list[str]:
    """The agent-useful relations among the links (rel=alternate counts when it is text/markdown)."""
    useful = [
        lk
        for lk in links
        if any(r in AGENT_RELS for r in lk.rels)
        or ("alternate" in lk.rels and lk.media_type == "text/markdown")
    ]
    return sorted(
        {
            ("alternate text/markdown" if r == "alternate" else r)
            for lk in useful
            for r in lk.rels
            if r in AGENT_RELS or r == "alternate"
        }
    )


def _unparsed_findings(answered: list[LinkSource]) -> list[Finding | None]:
    """RFC 8288 §3: Link header values that do not parse (two per source at most)."""
    return [
        concern(
            "link-header-unparsed",
            f"{s.url}: cannot parse {junk!r}",
            s.response,
            fix='Write each link as `<uri>; rel="..."` (RFC 8288 §3).',
        )
        for s in answered
        for junk in s.unparsed[:2]
    ]


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
    requires=(LINKS, API_LINKS),
    description="Parses every Link header (several fields, several links per field, quoted parameters, "
    "relative targets) of GET /, the target URL and the API base named by the OpenAPI servers.",
    clauses=(
        clause(
            "RFC 8288 §3",
            "MUST",
            "Link: <target>; rel=...; quoted parameters may hold commas",
            "unparseable links warn",
        ),
        clause("RFC 8288 §3.3", "MUST", "rel is a space-separated list of relation types", "each is read"),
        clause(
            "RFC 8631, RFC 9727 §3",
            "catalogue",
            "agent-useful relations (api-catalog, service-desc, "
            "service-doc, describedby, markdown alternate)",
            "present passes; other rels warn; no Link header fails",
        ),
    ),
)
def link_headers(a: Artifacts) -> Outcome:
    found: LinkHeaders = a[LINKS]
    sources: list[LinkSource] = list(found.sources)
    extra: LinkSource | None = a[API_LINKS]
    if extra is not None:
        sources.append(extra)
    answered = [s for s in sources if not s.response.failed]
    if not answered:
        return errored(
            "the home page could not be fetched",
            *(info("link-unreachable", s.response.describe(), s.response) for s in sources),
        )
    all_links = [lk for s in answered for lk in s.links]
    findings = _unparsed_findings(answered)
    details = {
        "links": [
            {"href": lk.href, "rel": " ".join(lk.rels), "type": lk.media_type or None, "on": lk.source_url}
            for lk in all_links
        ]
    }
    rels = _agent_rels(all_links)
    if rels:
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
        seen = sorted({r for lk in all_links for r in lk.rels}) or ["(none)"]
        return warned(
            "Link headers carry no agent-useful relation",
            concern(
                "link-no-agent-rels",
                f"Link relation(s) seen: {', '.join(seen)}",
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
