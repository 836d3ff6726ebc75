"""discovery.sitemap: a sitemap that parses."""

from __future__ import annotations

from agent_ready.artifacts.discovery import SITEMAP, Sitemap
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    good,
    info,
    verdict,
)
from agent_ready.checks.discovery._common import missing_outcome
from agent_ready.models import Finding, Outcome


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
    requires=(SITEMAP,),
    description="Follows robots.txt `Sitemap:` lines, then /sitemap.xml, /sitemap_index.xml, "
    "/sitemap-index.xml and /sitemap.xml.gz; parses the XML safely (defusedxml). Low weight: API "
    "products need it least.",
    clauses=(
        clause(
            "sitemaps.org",
            "MUST",
            "a <urlset> or <sitemapindex> of well-formed XML",
            "not well-formed or another root fails",
        ),
        clause(
            "sitemaps.org",
            "MUST",
            "the 0.9 namespace, absolute <loc> URLs, at most 50,000 per file",
            "violations warn",
        ),
        clause("RFC 9309 §2.2.4", "MAY", "robots.txt names the sitemap", "noted"),
    ),
)
def sitemap(a: Artifacts) -> Outcome:
    result: Sitemap = a[SITEMAP]
    doc = result.doc
    if doc is None or not doc.found:
        return missing_outcome(
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
    for why in result.problems:
        findings.append(
            concern(
                "sitemap-protocol",
                f"{doc.url}: {why}",
                doc.evidence,
                fix="Follow sitemaps.org: the 0.9 namespace, absolute <loc> URLs, at most 50,000 per file.",
            )
        )
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
