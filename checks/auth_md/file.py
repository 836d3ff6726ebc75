"""auth-md.file: /auth.md is served and says how an agent gets a credential."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent_ready.artifacts.authmd import AUTHMD, STEPS, AuthMdFile
from agent_ready.artifacts.documents import DocState
from agent_ready.checkapi import (
    Artifacts,
    broken,
    check,
    clause,
    concern,
    errored,
    failed,
    good,
    info,
    not_judged,
    problem,
    verdict,
)
from agent_ready.models import Finding, Outcome

if TYPE_CHECKING:
    pass
from agent_ready.checks.auth_md._common import SPEC_AUTH_MD, SPEC_AUTHKIT, STEP_WORDS, gaps, url_path


def _unreadable(f: AuthMdFile, upper: Finding | None) -> Outcome | None:
    """/auth.md did not answer, is absent, is the site's HTML fallback or is empty; None when readable."""
    doc = f.doc
    if doc.state == DocState.UNREACHABLE:
        return errored(
            f"/auth.md could not be fetched: {doc.problem}",
            broken("authmd-unreachable", f"GET /auth.md got no answer: {doc.problem}", doc.evidence),
        )
    if doc.state in (DocState.ABSENT, DocState.ERROR_STATUS):
        return failed(
            "The service publishes no auth.md, so an agent has no sign-up recipe to follow.",
            problem(
                "authmd-absent",
                f"/auth.md answered {doc.problem}",
                doc.evidence,
                fix="Publish the agent sign-up recipe at /auth.md.",
            ),
            upper,
            details={"found": False},
        )
    if doc.state == DocState.SOFT_404:
        return failed(
            "/auth.md is an HTML page, not a Markdown recipe an agent can read.",
            problem(
                "authmd-html",
                f"/auth.md is {doc.problem}",
                doc.evidence,
                fix="Serve the Markdown file itself at /auth.md (text/markdown), not the site's "
                "HTML fallback.",
            ),
            upper,
            details={"found": False, "soft_404": True},
        )
    if doc.state == DocState.INVALID:
        return failed(
            "/auth.md is empty.",
            problem(
                "authmd-empty", doc.problem or "empty", doc.evidence, fix="Write the recipe into /auth.md."
            ),
            details={"found": False},
        )
    return None


def _heading_findings(f: AuthMdFile) -> list[Finding | None]:
    """The media type, an H1 naming auth.md, and a section per step of the recipe."""
    doc = f.doc
    findings: list[Finding | None] = []
    media = doc.response.media_type if doc.response else ""
    if media not in ("text/markdown", "text/x-markdown", "text/plain"):
        findings.append(
            info(
                "authmd-media-type",
                f"served as {media or 'no content type'}; text/markdown is usual",
                doc.evidence,
            )
        )
    if f.h1 is None:
        findings.append(
            concern(
                "authmd-no-h1",
                "the file has no H1 heading; auth.md readers expect `# auth.md`",
                doc.evidence,
                fix="Start the file with `# auth.md` (or a title containing it).",
            )
        )
    elif "auth.md" not in f.h1.lower():
        findings.append(
            concern(
                "authmd-h1-name",
                f"the H1 {f.h1!r} does not name auth.md",
                doc.evidence,
                fix="Put `auth.md` in the H1 so scanners and agents recognise the file.",
            )
        )
    else:
        findings.append(good("authmd-h1", f"H1 {f.h1!r}", doc.evidence))
    if f.missing_steps:
        findings.append(
            concern(
                "authmd-missing-steps",
                f"no section for: {', '.join(STEP_WORDS[s] for s in f.missing_steps)} "
                f"(sections: {', '.join(s.title for s in f.sections[:12]) or 'none'})",
                doc.evidence,
                fix="Add a heading per step: Discover, Register, Claim, Use the "
                "credential, Errors, Revocation.",
            )
        )
    else:
        findings.append(
            good("authmd-steps", "covers discover, register, claim, use, errors and revocation", doc.evidence)
        )
    return findings


def _scope_finding(f: AuthMdFile) -> Finding:
    if f.scopes:
        return good("authmd-scopes", f"lists scopes: {', '.join(f.scopes[:8])}", f.doc.evidence)
    return concern(
        "authmd-no-scopes",
        "the file lists no scopes",
        f.doc.evidence,
        fix="List the scopes a registration gets before and after a claim.",
    )


def _endpoint_findings(f: AuthMdFile) -> list[Finding | None]:
    """The file names endpoints, one in its register step, and the ones it names answer."""
    doc = f.doc
    findings: list[Finding | None] = []
    if not [e for e in f.endpoints if not e.templated]:
        findings.append(
            concern(
                "authmd-no-endpoints",
                "the file names no endpoint an agent could call",
                doc.evidence,
                fix="Name the registration, token and protected-resource metadata "
                "endpoints (`POST /agent/identity`, ...).",
            )
        )
    elif not f.endpoints_in_step("register"):
        findings.append(
            concern(
                "authmd-no-register-endpoint",
                "the register step names no endpoint",
                doc.evidence,
                fix="Show the registration request (`POST /agent/identity`) in the Register step.",
            )
        )
    dead = f.dead_endpoints
    live = [p for p in f.endpoint_probes if p.exists]
    if dead:
        findings.append(
            concern(
                "authmd-dead-endpoints",
                f"{len(dead)} endpoint(s) the file names answer 404: "
                + ", ".join(url_path(p.url) for p in dead),
                [p.response for p in dead],
                fix="Fix the paths in auth.md or serve them; an agent following the recipe hits 404.",
            )
        )
    if live:
        findings.append(
            good(
                "authmd-endpoints-exist",
                f"{len(live)} endpoint(s) it names answer: {', '.join(url_path(p.url) for p in live)}",
                [p.response for p in live],
            )
        )
    if any(p.exists is None for p in f.endpoint_probes):
        findings.append(
            info(
                "authmd-endpoints-unknown",
                "some named endpoints did not answer at all",
                [p.response for p in f.endpoint_probes if p.exists is None],
            )
        )
    return findings


@check(
    id="auth-md.file",
    title="/auth.md is a Markdown sign-up recipe that names real endpoints",
    failure_title="/auth.md is missing, HTML or incomplete",
    category="auth-md",
    weight=2,
    remediation="Serve /auth.md as Markdown (text/markdown) with an H1 containing `auth.md` and one section "
    "per step: Discover, Register, Claim, Use the credential, Errors, Revocation. Name the real endpoints "
    "(`POST /agent/identity`, the token endpoint, the protected-resource metadata) and list the scopes.",
    spec_links=(SPEC_AUTH_MD, SPEC_AUTHKIT),
    requires=(AUTHMD,),
    description="GETs /auth.md, tells Markdown from an HTML soft-404, parses it with markdown-it-py (H1, "
    "step headings, scopes, named endpoints) and GETs up to six same-origin endpoints it names "
    "(404 = not there).",
    clauses=(
        clause(
            "auth.md (workos/auth.md)",
            "catalogue",
            "/auth.md is Markdown whose H1 names auth.md",
            "HTML, a soft-404 or bytes that are not text fail; an H1 without auth.md warns",
        ),
        clause(
            "auth.md (workos/auth.md)",
            "catalogue",
            "covers discover, register, claim, use, errors, revoke",
            "missing steps warn",
        ),
        clause(
            "auth.md (workos/auth.md)",
            "catalogue",
            "the endpoints it names exist",
            "a named endpoint answering 404 warns (at most 6 checked, same origin only)",
        ),
        not_judged(
            "RFC 8414 §2",
            "MUST",
            "an issuer is an identifier",
            "issuer and resource identifiers named in the file are not requested: only their "
            "metadata must resolve (tokens.server-metadata)",
        ),
    ),
)
def auth_md_file(a: Artifacts) -> Outcome:
    f: AuthMdFile = a[AUTHMD]
    upper = None
    if f.upper is not None and f.upper.ok and not f.upper.looks_like_html:
        upper = info(
            "authmd-upper-case", "/AUTH.md is also served (the file is looked up as /auth.md)", f.upper
        )
    unreadable = _unreadable(f, upper)
    if unreadable is not None:
        return unreadable
    findings = [upper, *_heading_findings(f), _scope_finding(f), *_endpoint_findings(f)]
    missing = f.missing_steps
    live = [p for p in f.endpoint_probes if p.exists]
    details = {
        "found": True,
        "h1": f.h1,
        "steps_covered": [s for s in STEPS if s in f.steps],
        "steps_missing": missing,
        "scopes": f.scopes,
        "endpoints_named": len([e for e in f.endpoints if not e.templated]),
        "endpoints_checked": [
            {"url": p.url, "exists": p.exists, "status": p.response.status} for p in f.endpoint_probes
        ],
        "endpoints_not_checked": f.skipped_endpoints[:10],
        "mentions_anonymous": f.mentions_anonymous,
    }
    steps_text = "all six steps" if not missing else f"{6 - len(missing)} of the six steps"
    return verdict(
        findings,
        pass_summary=f"An agent can read the sign-up recipe at /auth.md: it covers {steps_text}, lists "
        f"scopes and its {len(live)} checked endpoint(s) exist.",
        warn_summary=f"/auth.md exists and covers {steps_text}, but {gaps(findings)}.",
        fail_summary="/auth.md cannot be followed.",
        details=details,
    )
