"""discovery.llms-txt: /llms.txt follows llmstxt.org and its links resolve."""

from __future__ import annotations

from agent_ready.artifacts.discovery import LLMS_TXT, LlmsTxt
from agent_ready.artifacts.documents import DocState
from agent_ready.artifacts.http import ErrorKind
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    failed,
    good,
    info,
    problem,
    verdict,
)
from agent_ready.checks.discovery._common import missing_outcome
from agent_ready.models import Finding, Outcome
from agent_ready.parsers.llms_txt import LlmsLink


def _serving_findings(llms: LlmsTxt) -> list[Finding | None]:
    """Served as text, and whole within the body-size limit."""
    doc = llms.doc
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
    return findings


def _title_findings(llms: LlmsTxt) -> list[Finding | None]:
    """llmstxt.org: an H1 first (the one required part), then a `>` summary."""
    doc = llms.doc
    findings: list[Finding | None] = []
    if llms.title is None:
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
    return findings


def _section_findings(llms: LlmsTxt, links: list[LlmsLink]) -> list[Finding | None]:
    """llmstxt.org: H2 sections that list `- [name](url)` links."""
    findings: list[Finding | None] = []
    if not links:
        findings.append(
            concern(
                "llms-h1-only",
                "no H2 section lists any `- [name](url)` link",
                llms.doc.evidence,
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
    return findings


def _link_findings(llms: LlmsTxt) -> list[Finding | None]:
    """The sampled links resolve; refused and unanswered ones are noted, not held against the file."""
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
    findings: list[Finding | None] = []
    if alive:
        findings.append(
            good(
                "llms-links-resolve",
                f"{len(alive)} of {len(llms.checked)} sampled link(s) resolve",
                *(c.doc.evidence for c in alive),
            )
        )
    findings += [
        concern(
            "llms-dead-link",
            f"[{c.link.title}]({c.link.url}): {c.doc.problem}",
            c.doc.evidence,
            fix="Fix or remove links that do not resolve.",
        )
        for c in dead
    ]
    findings += [
        info("llms-link-blocked", f"{c.link.url} not fetched: {c.doc.problem}", c.doc.evidence)
        for c in blocked
    ]
    findings += [
        info("llms-link-unreachable", f"{c.link.url} could not be checked: {c.doc.problem}", c.doc.evidence)
        for c in unknown
    ]
    return findings


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
    requires=(LLMS_TXT,),
    description="Fetches /llms.txt, parses it as CommonMark (markdown-it-py) against the llmstxt.org layout, "
    "and fetches up to five of its links (same-origin first) to check they resolve. A page identical to the "
    "target's catch-all page (single-page-app fallback) counts as a dead link. /llms-full.txt is reported as "
    "information only.",
    clauses=(
        clause(
            "llmstxt.org",
            "REQUIRED",
            "an H1 with the project's name, first",
            "missing or not first warns; no H1 and no link list fails (not an llms.txt)",
        ),
        clause("llmstxt.org", "MAY", "a blockquote summary", "noted"),
        clause(
            "llmstxt.org",
            "catalogue",
            "H2 sections of link lists whose links resolve",
            "no link list or dead links warn; at most 5 links sampled",
        ),
        clause(
            "llmstxt.org",
            "catalogue",
            "Markdown text, not HTML",
            "HTML fails; a type other than text/plain or text/markdown warns",
        ),
    ),
)
def llms_txt(a: Artifacts) -> Outcome:
    llms: LlmsTxt = a[LLMS_TXT]
    doc = llms.doc
    if not doc.found:
        return missing_outcome(
            "llms.txt", "llms", [doc], "Serve /llms.txt as text/plain (llmstxt.org format)."
        )
    findings = _serving_findings(llms)
    links = llms.links()
    if llms.title is None and not links:
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
    findings += [*_title_findings(llms), *_section_findings(llms, links), *_link_findings(llms)]
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
