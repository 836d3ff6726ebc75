"""auth-md.metadata: the agent-auth metadata block and what it points at."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from agent_ready.artifacts.authmd import AGENT_AUTH, AUTHMD, DIALECT_KEYS, AgentAuth, AuthMdFile
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
    problem,
    verdict,
)
from agent_ready.models import Finding, Outcome

if TYPE_CHECKING:
    pass
from agent_ready.checks.auth_md._common import RFC8414, RFC9728, SPEC_AUTH_MD, SPEC_AUTHKIT, gaps, url_path


def _issuer_listed(issuer: str, servers: list[str]) -> str:
    """ "exact", "slash" (differs only by a trailing slash) or "no"."""
    if issuer in servers:
        return "exact"
    if issuer.rstrip("/") in {s.rstrip("/") for s in servers}:
        return "slash"
    return "no"


def _not_absolute(block: dict[str, object]) -> dict[str, str]:
    """The block's URL members (skill, *_endpoint, *_uri) that are not absolute http(s) URLs.

    Metadata is not a hypertext document: RFC 8414 §2 gives its endpoints as URLs and defines no base to
    resolve a relative reference against, so an agent cannot call "/agent/identity" as it stands.
    """
    return {
        k: v
        for k, v in block.items()
        if (k == "skill" or k.endswith(("_endpoint", "_uri")))
        and isinstance(v, str)
        and not (urlsplit(v).scheme in ("http", "https") and urlsplit(v).netloc)
    }


def file_vs_block(f: AuthMdFile | None, meta: AgentAuth) -> list[Finding]:
    """Where the recipe and the metadata disagree: registration endpoint, dialect member names, skill URL."""
    out: list[Finding] = []
    if f is None or not f.found:
        return out
    ev = (f.doc.evidence, meta.as_doc.evidence if meta.as_doc else ())
    named_paths = {url_path(e.url) for e in f.endpoints if not e.templated}
    register_paths = {
        url_path(e.url) for e in f.endpoints_in_step("register") if e.method == "POST" and not e.templated
    }
    reg = meta.registration_endpoint
    if reg is not None:
        if register_paths and url_path(reg) not in register_paths:
            out.append(
                concern(
                    "metadata-file-disagree",
                    f"the metadata's registration endpoint is {url_path(reg)} but auth.md registers at "
                    f"{', '.join(sorted(register_paths))}",
                    *ev,
                    fix="Make auth.md and agent_auth name the same registration endpoint.",
                )
            )
        elif url_path(reg) not in named_paths:
            out.append(
                concern(
                    "metadata-file-disagree",
                    f"auth.md never names the metadata's registration endpoint {url_path(reg)}",
                    *ev,
                    fix="Name the registration endpoint in auth.md.",
                )
            )
        else:
            out.append(
                good("metadata-file-agree", f"auth.md and agent_auth both register at {url_path(reg)}", *ev)
            )
    other = [
        d for d, keys in DIALECT_KEYS.items() if d != meta.dialect and any(k in f.field_names for k in keys)
    ]
    if other and meta.dialect and not any(k in f.field_names for k in DIALECT_KEYS.get(meta.dialect, ())):
        out.append(
            concern(
                "metadata-file-dialect",
                f"auth.md documents {other[0]} member names but the metadata uses the {meta.dialect} dialect",
                *ev,
                fix="Describe the agent_auth members the metadata actually publishes.",
            )
        )
    skill = (meta.block or {}).get("skill")
    if isinstance(skill, str) and url_path(skill) != url_path(f.doc.url):
        out.append(info("metadata-skill-elsewhere", f"agent_auth.skill points at {skill}, not /auth.md", *ev))
    return out


def _without_block(meta: AgentAuth, f: AuthMdFile | None) -> Outcome:
    """No agent_auth block: the metadata was unreachable, absent (with or without auth.md), or lacks one."""
    tried = list(meta.tried)
    if tried and all(d.state == DocState.UNREACHABLE for d in tried):
        return errored(
            "The authorization-server metadata could not be fetched.",
            broken(
                "agent-auth-unreachable",
                "; ".join(d.describe() for d in tried),
                [d.evidence for d in tried],
            ),
        )
    tried_ev = [d.evidence for d in tried]
    if meta.metadata is None:
        msg = (
            "no authorization-server metadata was found ("
            + ("; ".join(d.describe() for d in tried) or "none tried")
            + ")"
        )
        if f is not None and f.found:
            return verdict(
                [
                    concern(
                        "agent-auth-no-metadata",
                        msg,
                        tried_ev,
                        fix="Publish RFC 8414 metadata with an agent_auth block so agents find the "
                        "recipe from a 401.",
                    )
                ],
                pass_summary="",
                warn_summary="auth.md exists but no machine-readable agent_auth "
                "block points to it; an agent must find the file by name.",
                fail_summary="",
                details={"dialect": None},
            )
        return failed(
            "No agent_auth block: an agent cannot discover a sign-up route from the OAuth metadata.",
            problem(
                "agent-auth-absent",
                msg,
                tried_ev,
                fix="Add an agent_auth block to the authorization-server metadata.",
            ),
            details={"dialect": None},
        )
    return failed(
        "The authorization-server metadata has no agent_auth block, so an agent finds no sign-up route "
        "there.",
        problem(
            "agent-auth-absent",
            f"{meta.as_doc.url if meta.as_doc else 'metadata'} has no `agent_auth` member",
            tried_ev,
            fix="Add an agent_auth block (skill, identity_endpoint, claim_endpoint, "
            "identity_types_supported).",
        ),
        details={"dialect": None},
    )


def _dialect_findings(meta: AgentAuth, ev: tuple[str, ...]) -> list[Finding | None]:
    """Clause "auth.md v0 / v1": which dialect names the registration endpoint, and its identity types."""
    findings: list[Finding | None] = []
    dialect = meta.dialect or "unknown"
    if dialect == "unknown":
        findings.append(
            problem(
                "agent-auth-no-endpoint",
                "agent_auth names no registration endpoint "
                "(register_uri, registration_endpoint or identity_endpoint)",
                ev,
                fix="Add `identity_endpoint` (v1) to agent_auth.",
            )
        )
    else:
        label = {
            "v1": "v1 (identity_endpoint)",
            "branch": "registration_endpoint",
            "v0": "v0 (register_uri)",
        }[dialect]
        findings.append(
            good(
                "agent-auth-dialect",
                f"agent_auth in the {label} dialect; registration at {meta.registration_endpoint}",
                ev,
            )
        )
        if len(meta.dialects) > 1:
            findings.append(
                info(
                    "agent-auth-mixed-dialects",
                    f"members of several dialects: {', '.join(meta.dialects)}",
                    ev,
                )
            )
        if dialect == "v0":
            findings.append(
                info(
                    "agent-auth-old-dialect",
                    "the v0 dialect (register_uri) predates identity_endpoint; "
                    "newer clients look for identity_endpoint",
                    ev,
                )
            )
    types = meta.identity_types
    if types:
        findings.append(good("agent-auth-identity-types", f"identity types: {', '.join(types)}", ev))
    else:
        findings.append(
            concern(
                "agent-auth-no-identity-types",
                "identity_types_supported is missing or empty",
                ev,
                fix='List the identity types (e.g. ["anonymous"]) in identity_types_supported.',
            )
        )
    return findings


def _url_findings(meta: AgentAuth, ev: tuple[str, ...]) -> list[Finding | None]:
    """Clause: skill and the block's endpoints are absolute URLs, the skill answers, no endpoint is a 404."""
    findings: list[Finding | None] = []
    relative = _not_absolute(meta.block or {})
    if relative:
        findings.append(
            concern(
                "agent-auth-relative-url",
                "agent_auth names URLs an agent cannot call as they stand: "
                + ", ".join(f"{k} = {v!r}" for k, v in relative.items()),
                ev,
                fix="Give skill and every endpoint in agent_auth as an absolute https URL.",
            )
        )
    skill = (meta.block or {}).get("skill")
    if not isinstance(skill, str):
        findings.append(
            concern(
                "agent-auth-no-skill",
                "agent_auth has no `skill` URL pointing at auth.md",
                ev,
                fix="Add `skill`: the absolute URL of /auth.md.",
            )
        )
    elif meta.skill_response is not None and meta.skill_response.status != 200:
        findings.append(
            concern(
                "agent-auth-skill-dead",
                f"the skill URL {skill} answered {meta.skill_response.describe()}",
                meta.skill_response,
                fix="Serve auth.md at the skill URL.",
            )
        )
    elif meta.skill_response is not None:
        findings.append(good("agent-auth-skill", f"the skill URL {skill} answers 200", meta.skill_response))
    dead = [p for p in meta.endpoint_probes if p.exists is False]
    if dead:
        findings.append(
            concern(
                "agent-auth-dead-endpoints",
                f"agent_auth endpoint(s) answer 404: {', '.join(p.url for p in dead)}",
                [p.response for p in dead],
                fix="Serve the endpoints agent_auth names.",
            )
        )
    return findings


def _exchange_findings(meta: AgentAuth, ev: tuple[str, ...]) -> list[Finding | None]:
    """Clause "auth.md v1": the jwt-bearer grant and a token_endpoint to exchange the assertion at."""
    findings: list[Finding | None] = []
    if meta.dialect not in ("v1", "branch"):
        return findings
    grants = (meta.metadata or {}).get("grant_types_supported") or []
    if "urn:ietf:params:oauth:grant-type:jwt-bearer" not in grants:
        findings.append(
            concern(
                "agent-auth-no-jwt-bearer",
                "the identity assertion is exchanged with the RFC 7523 "
                "jwt-bearer grant, but grant_types_supported does not list it",
                ev,
                fix="Add urn:ietf:params:oauth:grant-type:jwt-bearer to grant_types_supported.",
            )
        )
    if not meta.token_endpoint:
        findings.append(
            concern(
                "agent-auth-no-token-endpoint",
                "no token_endpoint to exchange the identity assertion at",
                ev,
                fix="Publish token_endpoint in the metadata.",
            )
        )
    return findings


def _prm_findings(meta: AgentAuth, issuer: object) -> list[Finding | None]:
    """Clauses "RFC 9728 §2": the protected-resource metadata lists the issuer, scopes and header bearer."""
    prm = meta.prm
    prm_ev = meta.prm_doc.evidence if meta.prm_doc else ()
    if prm is None:
        return [
            concern(
                "agent-auth-no-prm",
                "no protected-resource metadata was found to cross-check",
                prm_ev,
                fix="Publish /.well-known/oauth-protected-resource naming this issuer.",
            )
        ]
    findings: list[Finding | None] = []
    servers = [s for s in prm.get("authorization_servers") or [] if isinstance(s, str)]
    listed = _issuer_listed(issuer, servers) if isinstance(issuer, str) else "no"
    if listed == "exact":
        findings.append(
            good("prm-lists-issuer", f"the protected-resource metadata lists the issuer {issuer}", prm_ev)
        )
    elif listed == "slash":
        findings.append(
            concern(
                "prm-issuer-slash",
                f"the issuer {issuer} differs from authorization_servers "
                f"{servers} only by a trailing slash; strict clients compare exactly",
                prm_ev,
                fix="Use the exact issuer string in authorization_servers.",
            )
        )
    else:
        findings.append(
            concern(
                "prm-issuer-missing",
                f"the issuer {issuer!r} is not among the protected-resource "
                f"metadata's authorization_servers {servers}",
                prm_ev,
                fix="List the authorization server carrying agent_auth in authorization_servers.",
            )
        )
    if not prm.get("scopes_supported"):
        findings.append(
            concern(
                "prm-no-scopes",
                "the protected-resource metadata has no scopes_supported",
                prm_ev,
                fix="Publish scopes_supported.",
            )
        )
    methods = prm.get("bearer_methods_supported")
    if methods is not None and "header" not in methods:
        findings.append(
            concern(
                "prm-no-header-bearer",
                f'bearer_methods_supported is {methods}, without "header"',
                prm_ev,
                fix="Accept the credential in the Authorization header.",
            )
        )
    elif methods is None:
        findings.append(
            info(
                "prm-bearer-default",
                'bearer_methods_supported absent (RFC 9728 has no default; auth.md expects ["header"])',
                prm_ev,
            )
        )
    return findings


@check(
    id="auth-md.metadata",
    title="The authorization-server metadata carries an agent_auth block consistent with auth.md and the PRM",
    failure_title="No usable agent_auth block in the authorization-server metadata",
    category="auth-md",
    weight=2,
    remediation="Add an `agent_auth` object to /.well-known/oauth-authorization-server with `skill` (the "
    "auth.md URL), `identity_endpoint`, `claim_endpoint` and `identity_types_supported` (v1 dialect); list "
    "the issuer in the protected-resource metadata's `authorization_servers`, with `scopes_supported` and "
    '`bearer_methods_supported: ["header"]`.',
    spec_links=(SPEC_AUTH_MD, SPEC_AUTHKIT, RFC8414, RFC9728),
    requires=(AGENT_AUTH, AUTHMD),
    description="Reads agent_auth from the metadata the OAuth discovery found (or the root RFC 8414 "
    "document), accepts the v0 (register_uri), branch (registration_endpoint) and v1 (identity_endpoint) "
    "dialects, GETs the skill and the block's endpoints, and cross-checks auth.md and the "
    "protected-resource metadata.",
    clauses=(
        clause(
            "auth.md v0 / v1",
            "catalogue",
            "agent_auth names skill, a registration endpoint and identity_types_supported",
            "any published dialect; missing members warn or fail",
        ),
        clause(
            "auth.md v0 / v1",
            "catalogue",
            "skill and the block's endpoints are absolute URLs, and the skill answers",
            "a relative URL, a skill not answering 200 or an endpoint answering 404 warns (RFC 8414 §2 "
            "defines no base to resolve a relative reference against)",
        ),
        clause(
            "auth.md v1",
            "catalogue",
            "the metadata offers the jwt-bearer grant and a token_endpoint to exchange the assertion at",
            "either missing warns",
        ),
        clause(
            "RFC 9728 §2",
            "catalogue",
            "the AS issuer appears in the protected-resource metadata",
            "inconsistent links warn; issuers are compared as exact strings",
        ),
        clause(
            "RFC 9728 §2",
            "RECOMMENDED",
            "scopes_supported in the protected-resource metadata",
            "absent warns",
        ),
        clause(
            "RFC 9728 §2",
            "MAY",
            'bearer_methods_supported (the catalogue asks for ∋ "header")',
            "present without header warns; absent is informational, since RFC 9728 lets it be omitted "
            "(the spec wins over the catalogue's D2)",
        ),
    ),
)
def auth_md_metadata(a: Artifacts) -> Outcome:
    meta: AgentAuth = a[AGENT_AUTH]
    f: AuthMdFile | None = a.get(AUTHMD)
    if meta.block is None:
        return _without_block(meta, f)
    ev: tuple[str, ...] = meta.as_doc.evidence if meta.as_doc else ()
    dialect = meta.dialect or "unknown"
    issuer = (meta.metadata or {}).get("issuer") or meta.issuer
    findings = [
        *_dialect_findings(meta, ev),
        *_url_findings(meta, ev),
        *_exchange_findings(meta, ev),
        *_prm_findings(meta, issuer),
    ]
    if f is None or not f.found:
        findings.append(
            concern(
                "agent-auth-file-missing",
                "agent_auth is published but /auth.md is not readable",
                f.doc.evidence if f else (),
                fix="Serve the recipe at /auth.md.",
            )
        )
    findings.extend(file_vs_block(f, meta))
    types = meta.identity_types
    skill = (meta.block or {}).get("skill")
    details = {
        "dialect": dialect,
        "dialects": meta.dialects,
        "registration_endpoint": meta.registration_endpoint,
        "claim_endpoint": meta.claim_endpoint,
        "identity_types": types,
        "skill": skill if isinstance(skill, str) else None,
        "issuer": issuer,
        "source": meta.source,
        "anonymous": "anonymous" in types,
        "human_flows": [t for t in types if t != "anonymous"],
    }
    kinds = " and ".join(types) or "unstated"
    return verdict(
        findings,
        pass_summary=f"An agent can find the sign-up route from the OAuth metadata: agent_auth ({dialect} "
        f"dialect) offers {kinds} registration at {meta.registration_endpoint}, consistent with auth.md "
        "and the protected-resource metadata.",
        warn_summary=f"agent_auth is published ({dialect} dialect, {kinds}), but {gaps(findings)}.",
        fail_summary="agent_auth is published but names no registration endpoint an agent can use.",
        details=details,
    )
