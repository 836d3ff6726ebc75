"""tokens.resource-metadata: RFC 9728 protected resource metadata."""

from __future__ import annotations

from agent_ready.artifacts.documents import DocState
from agent_ready.artifacts.oauth import OAUTH_DISCOVERY, OAuthDiscovery, ResourceMetadata, resource_match
from agent_ready.checkapi import (
    Artifacts,
    Target,
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
from agent_ready.checks.tokens._common import (
    MCP_AUTH,
    json_media_finding,
    loopback_excused,
    url_form_problem,
)
from agent_ready.models import Finding, Outcome


def _resource_form_findings(res: object, where: str, ev: object, target: Target | None) -> list[Finding]:
    """RFC 9728 §2: the resource identifier is an https URL with no fragment (RFC 8707 §2)."""
    if not isinstance(res, str) or not res:
        return []
    why = url_form_problem(res)
    if why is None and res.startswith("http://") and not loopback_excused(target, res):
        why = "uses http"
    if why is None:
        return []
    return [
        problem(
            "resource-malformed",
            f"{where} says resource {res!r}, which {why}: RFC 9728 §2 requires an https URL with no fragment",
            ev,
            fix="Use the https URL of the resource, without a fragment.",
        )
    ]


def _none_usable(prms: list[ResourceMetadata]) -> Outcome:
    """No protected-resource metadata parsed: unreachable is an error, absent or broken fails."""
    if prms and all(p.doc.state == DocState.UNREACHABLE for p in prms):
        return errored("the protected-resource metadata could not be fetched: " + prms[0].doc.describe())
    findings: list[Finding] = []
    for p in prms:
        code = {"soft-404": "prm-soft-404", "invalid": "prm-invalid"}.get(p.doc.state.value, "prm-absent")
        findings.append(
            problem(
                code,
                f"{p.doc.describe()} (for {p.resource}, via {p.via})",
                p.doc.evidence,
                fix="Serve the RFC 9728 document as application/json at this URL.",
            )
        )
    return failed("no protected-resource metadata", *findings)


def _resource_finding(p: ResourceMetadata, where: str) -> Finding:
    """RFC 9728 §3.3: the resource member is the URL the metadata was fetched for."""
    data = p.data or {}
    res = data.get("resource")
    match = resource_match(res, p.resource, p.requested_url)
    if match == "missing":
        return problem(
            "resource-missing",
            f"{where} has no resource member (REQUIRED, RFC 9728 §2)",
            p.doc.evidence,
            fix=f'Add "resource": "{p.resource}".',
        )
    if match == "mismatch":
        return problem(
            "wrong-resource",
            f"{where} says resource {res!r}, but it was fetched for {p.resource}; RFC 9728 §3.3 "
            "says a client MUST NOT use such metadata",
            p.doc.evidence,
            fix=f"Set resource to {p.resource}.",
        )
    if match == "slash":
        return concern(
            "resource-trailing-slash",
            f"{where} says resource {res!r} for {p.resource}: they differ by a trailing slash, and "
            "clients comparing strictly reject it",
            p.doc.evidence,
            fix=f"Use exactly {p.resource}.",
        )
    if match == "prefix":
        return info(
            "resource-prefix",
            f"{where} says resource {res!r} for the call to {p.requested_url}: same origin and a "
            "path prefix, which MCP SDKs and draft-mcguinness-oauth-rfc9728bis accept (RFC 9728 "
            "§3.3 itself asks for the exact URL)",
            p.doc.evidence,
        )
    return good("resource-matches", f"{where}: resource {res} as expected", p.doc.evidence)


def _server_findings(p: ResourceMetadata, where: str, target: Target | None) -> list[Finding]:
    """RFC 9728 §2: authorization_servers lists https issuer identifiers."""
    servers = (p.data or {}).get("authorization_servers")
    if not isinstance(servers, list) or not servers:
        return [
            problem(
                "no-authorization-servers",
                f"{where} lists no authorization_servers; an agent has no issuer to ask for a token",
                p.doc.evidence,
                fix="List the issuer URL(s) in authorization_servers.",
            )
        ]
    findings: list[Finding] = []
    for s in servers:
        why = url_form_problem(s, issuer=True)
        if why:
            findings.append(
                problem(
                    "bad-authorization-server",
                    f"{where} lists {s!r}, which {why}: authorization_servers holds issuer "
                    "identifiers, https URLs with no query or fragment (RFC 9728 §2, RFC 8414 §2)",
                    p.doc.evidence,
                    fix="List absolute issuer URLs.",
                )
            )
        elif s.startswith("http://") and loopback_excused(target, s):
            findings.append(
                info(
                    "loopback-http",
                    f"{where} lists {s} over http (acceptable on loopback only)",
                    p.doc.evidence,
                )
            )
        elif s.startswith("http://"):
            findings.append(
                problem(
                    "issuer-not-https",
                    f"{where} lists {s}: an issuer identifier MUST use https (RFC 8414 §2), and a "
                    "client sends its credentials there",
                    p.doc.evidence,
                    fix="Use https issuer URLs.",
                )
            )
    return findings


def _document_findings(p: ResourceMetadata, target: Target | None) -> list[Finding]:
    """One parsed document: its resource, media type, authorization servers and bearer methods."""
    data = p.data or {}
    where = f"{p.doc.url} ({p.via})"
    findings = [_resource_finding(p, where)]
    findings.extend(_resource_form_findings(data.get("resource"), where, p.doc.evidence, target))
    media = json_media_finding("prm", p.doc)
    if media is not None:
        findings.append(media)
    findings.extend(_server_findings(p, where, target))
    bearer = data.get("bearer_methods_supported")
    if isinstance(bearer, list) and bearer and "header" not in bearer:
        findings.append(
            concern(
                "no-header-bearer",
                f"{where}: bearer_methods_supported {bearer} lacks header",
                p.doc.evidence,
                fix="Accept tokens in the Authorization header.",
            )
        )
    return findings


@check(
    id="tokens.resource-metadata",
    title="Protected-resource metadata names the resource and its authorization servers",
    failure_title="Protected-resource metadata is missing or wrong",
    category="tokens",
    weight=3,
    remediation="Serve RFC 9728 metadata at `/.well-known/oauth-protected-resource<resource path>` whose "
    "`resource` is exactly the resource identifier that URL was built from, with a non-empty "
    "`authorization_servers` list of https issuer URLs, `scopes_supported` and "
    '`bearer_methods_supported: ["header"]`.',
    spec_links=("https://www.rfc-editor.org/rfc/rfc9728#section-3", MCP_AUTH),
    requires=(OAUTH_DISCOVERY,),
    description="Follows resource_metadata from the 401, else the path-inserted then root well-known URLs "
    "(MCP order), and always the origin's root document.",
    clauses=(
        clause(
            "RFC 9728 §3.3",
            "MUST",
            "resource equals the identifier the well-known URL was built from; "
            "metadata reached from resource_metadata names the URL the client requested",
            "a mismatch fails (a same-origin path prefix is noted, as MCP SDKs accept it; a trailing "
            "slash apart warns)",
        ),
        clause(
            "RFC 9728 §2",
            "REQUIRED",
            "resource, an https URL with no fragment",
            "missing, http or with a fragment fails",
        ),
        clause(
            "MCP 2025-11-25",
            "MUST",
            "authorization_servers lists at least one issuer (OPTIONAL in RFC 9728 §2)",
            "missing or empty fails",
        ),
        clause(
            "RFC 8414 §2",
            "MUST",
            "each authorization server is an issuer identifier: an absolute https "
            "URL without query or fragment",
            "relative, http, query or fragment fails; loopback http is excused only on a loopback target",
        ),
        clause("RFC 9728 §3.2", "MUST", "the metadata is served as application/json", "another type warns"),
        clause(
            "MCP 2025-11-25",
            "MUST",
            "tokens go in the Authorization header",
            "bearer_methods_supported without header warns",
        ),
        not_judged("RFC 9728 §2", "RECOMMENDED", "scopes_supported", "optional; auth-md.metadata reads it"),
        not_judged(
            "RFC 9728 §2.2",
            "MAY",
            "signed_metadata",
            "a signature cannot be verified without the issuer's keys the scan does not trust",
        ),
        clause(
            "bounds",
            "catalogue",
            "authorization servers followed",
            "at most 5; the rest are named as not followed",
        ),
    ),
)
def resource_metadata(a: Artifacts) -> Outcome:
    disc: OAuthDiscovery = a[OAUTH_DISCOVERY]
    prms = disc.resource_metadata
    found = [p for p in prms if p.data is not None]
    if not found:
        return _none_usable(prms)
    linked = [p for p in prms if p.via == "resource_metadata"]
    findings = [
        problem(
            "linked-prm-broken",
            f"the challenge points at {p.doc.describe()}",
            p.doc.evidence,
            fix="Serve the document the 401 links to.",
        )
        for p in linked
        if p.data is None
    ]
    for p in found:
        findings.extend(_document_findings(p, a.target))
    if linked and all(p.data is None for p in linked) and found:
        findings.append(
            info(
                "fallback-found",
                f"found at {found[0].doc.url} via {found[0].via} instead",
                found[0].doc.evidence,
            )
        )
    return verdict(
        findings,
        pass_summary="protected-resource metadata is valid and names its authorization servers",
        warn_summary="protected-resource metadata found, with concerns",
        fail_summary="the protected-resource metadata cannot be used",
        details={"documents": [p.doc.url for p in found]},
    )
