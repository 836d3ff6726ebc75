"""discovery.robots-txt: robots.txt is served and parses (RFC 9309)."""

from __future__ import annotations

from agent_ready.artifacts.documents import DocState
from agent_ready.artifacts.robots import ROBOTS, RobotsTxt
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    errored,
    failed,
    good,
    info,
    passed,
    problem,
    warned,
)
from agent_ready.models import Outcome


def _unreadable(robots: RobotsTxt) -> Outcome | None:
    """Unreachable, absent, an HTML page or not text: None when it parsed."""
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
    if doc.state != DocState.FOUND or robots.parser is None:
        return failed(
            "robots.txt is not a text file",
            problem(
                "robots-invalid",
                f"/robots.txt: {doc.problem or doc.state.value}",
                doc.evidence,
                fix="Serve /robots.txt as UTF-8 text/plain (RFC 9309 §2.3).",
            ),
        )
    return None


def _without_groups(robots: RobotsTxt) -> Outcome:
    """RFC 9309 §2.2: no User-agent group; with lines it does not define, not a robots.txt at all."""
    doc = robots.doc
    if robots.unknown_lines:
        return failed(
            "robots.txt has no User-agent group and lines that are not robots.txt",
            problem(
                "robots-no-groups",
                f"no `User-agent:` line, and {len(robots.unknown_lines)} line(s) RFC 9309 does not define, "
                f"e.g. {robots.unknown_lines[0][:80]!r}: not a robots.txt file",
                doc.evidence,
                fix="Start a group with `User-agent: *` followed by Allow/Disallow rules.",
            ),
        )
    # RFC 9309 §2.2: rules live in groups; a file without one (only comments, Sitemap lines or nothing)
    # is valid and disallows nothing: a permitted answer (a warning: agents are not told so), not broken.
    return warned(
        "robots.txt has no User-agent group (valid: nothing is disallowed)",
        concern(
            "robots-no-groups",
            "no `User-agent:` line found; RFC 9309 reads this as no rules, so every agent may fetch "
            "everything",
            doc.evidence,
            fix="State it: `User-agent: *` followed by `Allow: /` (or your Disallow rules).",
        ),
    )


@check(
    id="discovery.robots-txt",
    title="robots.txt is served as text and parses",
    failure_title="robots.txt is missing, HTML or does not parse",
    category="discovery",
    weight=1,
    remediation="Serve /robots.txt as text/plain with at least one `User-agent:` group (RFC 9309). "
    "An HTML page at that path (a single-page app's fallback) reads as no robots.txt at all.",
    spec_links=("https://www.rfc-editor.org/rfc/rfc9309",),
    requires=(ROBOTS,),
    description="Fetches /robots.txt and parses it with protego; the same parse feeds access.ai-rules "
    "and access.content-signals.",
    clauses=(
        clause(
            "RFC 9309 §2.3",
            "MUST",
            "robots.txt is UTF-8 text/plain",
            "HTML or bytes that are not text fail; another media type warns",
        ),
        clause(
            "RFC 9309 §2.2",
            "MUST",
            "rules sit in groups that start with user-agent lines",
            "no group warns when the file is otherwise robots.txt (valid: nothing is disallowed, a "
            "permitted answer the catalogue's 'User-agent' rule does not mention); no group and foreign "
            "lines fail",
        ),
        clause(
            "RFC 9309 §2.3.1.3-4",
            "MUST",
            "4xx means no rules; 5xx means complete disallow",
            "either fails here (the catalogue asks for the file); access.ai-rules judges what they allow",
        ),
    ),
)
def robots_txt(a: Artifacts) -> Outcome:
    robots: RobotsTxt = a[ROBOTS]
    doc = robots.doc
    unreadable = _unreadable(robots)
    if unreadable is not None:
        return unreadable
    if not robots.user_agents:
        return _without_groups(robots)
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
