"""auth-md.*: does the service publish auth.md, the agent sign-up recipe? [D]"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from agent_ready.checkapi import (
    Artifacts,
    broken,
    check,
    collect,
    concern,
    errored,
    failed,
    good,
    info,
    not_applicable,
    problem,
    skipped,
    verdict,
)
from agent_ready.models import Finding, Outcome
from agent_ready.probes.authmd import DIALECT_KEYS, STEPS, AgentAuth, AuthMdFile, Registration, parse_instant
from agent_ready.probes.documents import DocState

if TYPE_CHECKING:
    from agent_ready.fetch import Response

SPEC_AUTH_MD = "https://github.com/workos/auth.md"
SPEC_AUTHKIT = "https://workos.com/docs/authkit/agent-registration"
RFC8414 = "https://www.rfc-editor.org/rfc/rfc8414"
RFC9728 = "https://www.rfc-editor.org/rfc/rfc9728"
RFC7523 = "https://www.rfc-editor.org/rfc/rfc7523"

STEP_WORDS = {
    "discover": "discover",
    "register": "register",
    "claim": "claim",
    "use": "use the credential",
    "errors": "errors",
    "revoke": "revocation",
}


# What each concern means for an agent, in a phrase the summary can list.
GAP_PHRASES = {
    "authmd-no-h1": "it has no H1",
    "authmd-h1-name": "its H1 does not name auth.md",
    "authmd-missing-steps": "it skips steps of the recipe",
    "authmd-no-scopes": "it lists no scopes",
    "authmd-no-endpoints": "it names no endpoint",
    "authmd-no-register-endpoint": "its register step names no endpoint",
    "authmd-dead-endpoints": "endpoints it names answer 404",
    "agent-auth-no-metadata": "no agent_auth block points to it",
    "agent-auth-no-identity-types": "it lists no identity types",
    "agent-auth-no-skill": "it has no skill URL",
    "agent-auth-skill-dead": "its skill URL does not answer",
    "agent-auth-dead-endpoints": "endpoints it names answer 404",
    "agent-auth-no-jwt-bearer": "the jwt-bearer grant is not advertised",
    "agent-auth-no-token-endpoint": "there is no token endpoint",
    "agent-auth-file-missing": "/auth.md itself is not readable",
    "agent-auth-no-prm": "no protected-resource metadata was found",
    "prm-issuer-slash": "the protected-resource metadata names the issuer with a different trailing slash",
    "prm-issuer-missing": "the protected-resource metadata does not list its issuer",
    "prm-no-scopes": "the protected-resource metadata lists no scopes",
    "prm-no-header-bearer": "the credential cannot go in the Authorization header",
    "metadata-file-disagree": "auth.md and agent_auth name different registration endpoints",
    "metadata-file-dialect": "auth.md documents another dialect's members",
}


def gaps(findings: list[Finding | None]) -> str:
    phrases = [GAP_PHRASES.get(f.code, f.message) for f in findings if f is not None and f.level == "warn"]
    phrases = list(dict.fromkeys(phrases)) or ["parts of it fall short"]
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/") or "/"


# --- auth-md.file ---------------------------------------------------------------------------------------


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
    requires=("authmd",),
    description="GETs /auth.md, tells Markdown from an HTML soft-404, parses it with markdown-it-py (H1, "
    "step headings, scopes, named endpoints) and GETs up to six same-origin endpoints it names "
    "(404 = not there).",
)
def auth_md_file(a: Artifacts) -> Outcome:
    f: AuthMdFile = a["authmd"]
    doc = f.doc
    upper = None
    if f.upper is not None and f.upper.ok and not f.upper.looks_like_html:
        upper = info(
            "authmd-upper-case", "/AUTH.md is also served (the file is looked up as /auth.md)", f.upper
        )
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
    findings: list[Finding | None] = [upper]
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
    missing = f.missing_steps
    if missing:
        findings.append(
            concern(
                "authmd-missing-steps",
                f"no section for: {', '.join(STEP_WORDS[s] for s in missing)} "
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
    if f.scopes:
        findings.append(good("authmd-scopes", f"lists scopes: {', '.join(f.scopes[:8])}", doc.evidence))
    else:
        findings.append(
            concern(
                "authmd-no-scopes",
                "the file lists no scopes",
                doc.evidence,
                fix="List the scopes a registration gets before and after a claim.",
            )
        )
    concrete = [e for e in f.endpoints if not e.templated]
    if not concrete:
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
                f"{len(dead)} endpoint(s) the file names answer 404: {', '.join(_path(p.url) for p in dead)}",
                [p.response for p in dead],
                fix="Fix the paths in auth.md or serve them; an agent following the recipe hits 404.",
            )
        )
    if live:
        findings.append(
            good(
                "authmd-endpoints-exist",
                f"{len(live)} endpoint(s) it names answer: {', '.join(_path(p.url) for p in live)}",
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
    details = {
        "found": True,
        "h1": f.h1,
        "steps_covered": [s for s in STEPS if s in f.steps],
        "steps_missing": missing,
        "scopes": f.scopes,
        "endpoints_named": len(concrete),
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


# --- auth-md.metadata -----------------------------------------------------------------------------------


def _issuer_listed(issuer: str, servers: list[str]) -> str:
    """ "exact", "slash" (differs only by a trailing slash) or "no"."""
    if issuer in servers:
        return "exact"
    if issuer.rstrip("/") in {s.rstrip("/") for s in servers}:
        return "slash"
    return "no"


def file_vs_block(f: AuthMdFile | None, meta: AgentAuth) -> list[Finding]:
    """Where the recipe and the metadata disagree: registration endpoint, dialect member names, skill URL."""
    out: list[Finding] = []
    if f is None or not f.found:
        return out
    ev = (f.doc.evidence, meta.as_doc.evidence if meta.as_doc else ())
    named_paths = {_path(e.url) for e in f.endpoints if not e.templated}
    register_paths = {
        _path(e.url) for e in f.endpoints_in_step("register") if e.method == "POST" and not e.templated
    }
    reg = meta.registration_endpoint
    if reg is not None:
        if register_paths and _path(reg) not in register_paths:
            out.append(
                concern(
                    "metadata-file-disagree",
                    f"the metadata's registration endpoint is {_path(reg)} but auth.md registers at "
                    f"{', '.join(sorted(register_paths))}",
                    *ev,
                    fix="Make auth.md and agent_auth name the same registration endpoint.",
                )
            )
        elif _path(reg) not in named_paths:
            out.append(
                concern(
                    "metadata-file-disagree",
                    f"auth.md never names the metadata's registration endpoint {_path(reg)}",
                    *ev,
                    fix="Name the registration endpoint in auth.md.",
                )
            )
        else:
            out.append(
                good("metadata-file-agree", f"auth.md and agent_auth both register at {_path(reg)}", *ev)
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
    if isinstance(skill, str) and _path(skill) != _path(f.doc.url):
        out.append(info("metadata-skill-elsewhere", f"agent_auth.skill points at {skill}, not /auth.md", *ev))
    return out


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
    requires=("agent_auth", "authmd"),
    description="Reads agent_auth from the metadata the OAuth discovery found (or the root RFC 8414 "
    "document), accepts the v0 (register_uri), branch (registration_endpoint) and v1 (identity_endpoint) "
    "dialects, GETs the skill and the block's endpoints, and cross-checks auth.md and the "
    "protected-resource metadata.",
)
def auth_md_metadata(a: Artifacts) -> Outcome:
    meta: AgentAuth = a["agent_auth"]
    f: AuthMdFile | None = a.get("authmd")
    file_found = f is not None and f.found
    if meta.block is None:
        tried = [d for d in meta.tried]
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
            if file_found:
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
    ev: tuple[str, ...] = meta.as_doc.evidence if meta.as_doc else ()
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
    if dialect in ("v1", "branch"):
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
    # Protected-resource metadata (RFC 9728)
    prm = meta.prm
    prm_ev = meta.prm_doc.evidence if meta.prm_doc else ()
    issuer = (meta.metadata or {}).get("issuer") or meta.issuer
    if prm is None:
        findings.append(
            concern(
                "agent-auth-no-prm",
                "no protected-resource metadata was found to cross-check",
                prm_ev,
                fix="Publish /.well-known/oauth-protected-resource naming this issuer.",
            )
        )
    else:
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
    if not file_found:
        findings.append(
            concern(
                "agent-auth-file-missing",
                "agent_auth is published but /auth.md is not readable",
                f.doc.evidence if f else (),
                fix="Serve the recipe at /auth.md.",
            )
        )
    findings.extend(file_vs_block(f, meta))
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


# --- auth-md.registration (ACTIVE) ----------------------------------------------------------------------


def _error_shape(resp: Response) -> tuple[bool, str]:
    body = resp.json if isinstance(resp.json, dict) else None
    if resp.failed:
        return False, f"no answer ({resp.error})"
    if body is None:
        return False, f"{resp.describe()}, not JSON"
    code = body.get("error") or body.get("code") or body.get("type")
    if isinstance(code, dict):  # Neon's error envelope {"error": {"code", "message"}}
        body, code = code, code.get("code")
    message = body.get("message") or body.get("error_description") or body.get("detail") or body.get("title")
    if not 400 <= (resp.status or 0) < 500:
        return False, f"HTTP {resp.status} for a malformed request"
    if code and message:
        return True, f"HTTP {resp.status} with code {code!r} and a message"
    return False, f"HTTP {resp.status} JSON without a stable code and a message"


@check(
    id="auth-md.registration",
    title="An agent registers anonymously and gets a usable credential, an expiry and a claim path",
    failure_title="Anonymous registration as auth.md describes does not yield a usable credential",
    category="auth-md",
    weight=3,
    remediation='Accept `POST <identity_endpoint>` `{"type":"anonymous"}` and answer with an identity '
    "assertion (exchanged at the token endpoint with the jwt-bearer grant) or a credential, an absolute "
    "`expires_at` and a `claim` {url, token, expires_at}; reject a malformed type with JSON "
    '`{"error","message"}`.',
    spec_links=(SPEC_AUTH_MD, SPEC_AUTHKIT, RFC7523),
    requires=("agent_auth",),
    active_requires=("authmd_registration",),
    active=True,
    passive=False,
    description="ACTIVE: registers anonymously in the service's dialect, exchanges an identity assertion "
    "with the jwt-bearer grant, makes one authenticated call on the issuing origin, sends one malformed "
    "registration and revokes the token. Flows that need a human (one-time codes, e-mail, service_auth) are "
    "reported, never run.",
    side_effects="Creates one anonymous registration (and its access token, revoked afterwards where the "
    "service has a revocation endpoint); sends one malformed registration request.",
)
def auth_md_registration(a: Artifacts) -> Outcome:
    reg: Registration | None = a.get("authmd_registration")
    if reg is None or not a.active:
        return skipped("ACTIVE check; rerun with --active to register anonymously.")
    human = [info("authmd-human-flow", f"not run (needs a human): {h}") for h in reg.human_flows]
    details: dict[str, Any] = {
        "dialect": reg.dialect,
        "endpoint": reg.endpoint,
        "attempted": reg.attempted,
        "stuck_at": reg.stuck_at,
        "credential_kind": reg.credential_kind,
        "usable": reg.usable,
        "credential_expires_at": reg.credential_expires_at,
        "credential_expires_in": reg.credential_expires_in,
        "assertion_expires": reg.assertion_expires,
        "claim_url_present": reg.claim_url_present,
        "claim_token_present": reg.claim_token_present,
        "claim_expires_at": reg.claim_expires_at,
        "pre_claim_scopes": reg.pre_claim_scopes,
        "post_claim_scopes": reg.post_claim_scopes,
        "human_flows": reg.human_flows,
    }
    if reg.stuck_at == "metadata":
        if reg.endpoint is not None and "anonymous" in (reg.stuck_reason or ""):
            return not_applicable(
                f"The service offers no anonymous registration ({reg.stuck_reason}); the other "
                "flows need a human or an upstream identity provider.",
                *human,
                details=details,
            )
        return failed(
            f"An agent cannot register: {reg.stuck_reason}.",
            problem(
                "authmd-no-registration",
                reg.stuck_reason or "",
                fix="Publish agent_auth with a registration endpoint.",
            ),
            *human,
            details=details,
        )
    findings: list[Finding | None] = []
    if reg.register_response is not None and reg.register_response.failed:
        return errored(
            f"The registration endpoint did not answer: {reg.register_response.error}",
            broken("authmd-register-unreachable", reg.stuck_reason or "", reg.register_response),
            details=details,
        )
    if reg.stuck_at == "register":
        return failed(
            f"Anonymous registration failed: {reg.stuck_reason}.",
            problem(
                "authmd-register-failed",
                reg.stuck_reason or "",
                reg.register_response,
                fix='Accept {"type":"anonymous"} at the registration endpoint.',
            ),
            *human,
            details=details,
        )
    findings.append(
        good(
            "authmd-registered",
            f'POST {_path(reg.endpoint or "")} {{"type":"anonymous"}} '
            f"answered {reg.register_response.status if reg.register_response else '?'}",
            reg.register_response,
        )
    )
    if reg.stuck_at == "token":
        tok = reg.token_response
        if tok is not None and tok.failed:
            return errored(f"The token endpoint did not answer: {tok.error}", *findings, details=details)
        return failed(
            f"An agent registers but gets stuck exchanging the identity assertion: {reg.stuck_reason}.",
            *findings,
            problem(
                "authmd-token-exchange-failed",
                reg.stuck_reason or "",
                tok,
                fix="Accept grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with the "
                "assertion the identity endpoint issued.",
            ),
            *human,
            details=details,
        )
    if reg.token_response is not None:
        findings.append(
            good(
                "authmd-token-exchanged",
                "the identity assertion was exchanged for an access token (jwt-bearer)",
                reg.token_response,
            )
        )
    usable = reg.usable
    if usable is True:
        findings.append(
            good(
                "authmd-credential-works",
                f"GET {_path(reg.use_url or '')} with it answered "
                f"{reg.use_response.status if reg.use_response else '?'}",
                reg.use_response,
            )
        )
    elif usable is False:
        findings.append(
            problem(
                "authmd-credential-rejected",
                f"GET {_path(reg.use_url or '')} with the new credential "
                f"answered {reg.use_response.describe() if reg.use_response else '?'}",
                reg.use_response,
                fix="Accept the credential the registration issued on the API.",
            )
        )
    else:
        why = (
            reg.use_response.describe()
            if reg.use_response is not None
            else "no same-origin protected endpoint was known to try it on"
        )
        findings.append(
            concern(
                "authmd-credential-untested",
                f"could not confirm the credential works ({why})",
                reg.use_response,
                fix="Name a protected GET endpoint in auth.md's Use step.",
            )
        )
    absolute = reg.absolute_expiry
    if absolute and parse_instant(absolute):
        findings.append(
            good("authmd-absolute-expiry", f"states an absolute expiry ({absolute})", reg.register_response)
        )
    elif reg.credential_expires_in is not None:
        findings.append(
            concern(
                "authmd-relative-expiry",
                f"only a relative lifetime (expires_in {reg.credential_expires_in} s)",
                reg.token_response,
                fix="Return an absolute ISO 8601 expires_at for the registration.",
            )
        )
    else:
        findings.append(
            concern(
                "authmd-no-expiry",
                "the registration states no expiry",
                reg.register_response,
                fix="Return an absolute ISO 8601 expiry for the credential or assertion.",
            )
        )
    if reg.claim_url_present or reg.claim_token_present:
        findings.append(
            good(
                "authmd-claim-path",
                "a claim "
                + ("URL" if reg.claim_url_present else "token")
                + " lets a human take ownership later"
                + (f" (until {reg.claim_expires_at})" if reg.claim_expires_at else ""),
                reg.register_response,
            )
        )
    else:
        findings.append(
            concern(
                "authmd-no-claim",
                "the registration gives no claim URL or token",
                reg.register_response,
                fix="Return claim{url, token, expires_at} so a human can take ownership.",
            )
        )
    bad = reg.malformed_response
    if bad is not None:
        ok, why = _error_shape(bad)
        findings.append(
            good("authmd-malformed-error", f"a malformed registration got {why}", bad)
            if ok
            else concern(
                "authmd-malformed-error",
                f'a malformed registration ({{"type":"bogus"}}) got {why}',
                bad,
                fix='Answer 400 with JSON {"error": code, "message": ...}.',
            )
        )
    findings.extend(human)
    lifetime = ""
    if reg.lifetime_s is not None:
        details["lifetime_s"] = reg.lifetime_s
        lifetime = f" valid about {round(reg.lifetime_s / 60)} minutes"
    claim = " and a claim link for a human" if reg.claim_url_present or reg.claim_token_present else ""
    return verdict(
        findings,
        pass_summary=f"An agent can register anonymously and gets a working "
        f"{reg.credential_kind}{lifetime}{claim}.",
        warn_summary=f"An agent can register anonymously and gets a {reg.credential_kind}, with gaps (see "
        f"findings).",
        fail_summary="An agent registers anonymously but the credential it gets does not work.",
        details=details,
    )


CHECKS = collect(__name__)
