"""tokens.server-metadata: RFC 8414 authorization server metadata."""

from __future__ import annotations

from agent_ready.artifacts.documents import DocState
from agent_ready.artifacts.oauth import (
    DEVICE_CODE,
    OAUTH_DISCOVERY,
    AuthServer,
    OAuthDiscovery,
    endpoint_scheme_problems,
    grants_of,
)
from agent_ready.bounds import MAX_AUTH_SERVERS, not_followed
from agent_ready.checkapi import (
    Artifacts,
    Target,
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
from agent_ready.checks.tokens._common import (
    MCP_AUTH,
    RFC8414,
    json_media_finding,
    loopback_excused,
    url_form_problem,
)
from agent_ready.models import Finding, Level, Outcome


def _unusable_server(server: AuthServer) -> list[Finding] | None:
    """The server points at a refused address, or has no metadata (unreachable or absent)."""
    if server.blocked is not None:
        d = server.blocked
        return [
            problem(
                "metadata-address-blocked",
                f"the authorization server {server.issuer} (listed by "
                f"{', '.join(server.listed_by) or 'the target'}) points at a refused address: "
                f"{d.response.error if d.response else d.problem}; a scanner or agent must not fetch cloud "
                "metadata or private addresses named by a remote document",
                d.evidence,
                fix="List only public https issuer URLs in authorization_servers.",
            )
        ]
    if server.metadata is None:
        if server.tried and all(d.state == DocState.UNREACHABLE for d in server.tried):
            return [finding_error(server)]
        tried = "; ".join(d.describe() for d in server.tried)
        return [
            problem(
                "as-metadata-absent",
                f"no metadata for issuer {server.issuer}: {tried}",
                [d.evidence for d in server.tried],
                fix="Serve RFC 8414 metadata at /.well-known/oauth-authorization-server (path-inserted for "
                "an issuer with a path).",
            )
        ]
    return None


def _issuer_findings(server: AuthServer, issuer: object, where: str, ev: object) -> list[Finding]:
    """RFC 8414 §3.3: the metadata's issuer is exactly the one it was fetched for; §2: an https URL."""
    out: list[Finding] = []
    if issuer == server.issuer:
        out.append(good("issuer-matches", f"issuer {issuer} matches", ev))
    elif isinstance(issuer, str) and issuer.rstrip("/") == server.issuer.rstrip("/"):
        out.append(
            concern(
                "issuer-trailing-slash",
                f"{where} says issuer {issuer!r} for {server.issuer!r}: a trailing slash apart, and RFC "
                "8414 §3.3 comparison is exact",
                ev,
                fix="Use the same issuer string in authorization_servers and in the metadata.",
            )
        )
    else:
        out.append(
            problem(
                "issuer-mismatch",
                f"{where} was fetched for issuer {server.issuer} but says issuer {issuer!r}; RFC 8414 §3.3 "
                "says such metadata MUST NOT be used",
                ev,
                fix=f"Set issuer to exactly {server.issuer} (or list {issuer} in the PRM).",
            )
        )
    if isinstance(issuer, str) and (why := url_form_problem(issuer, issuer=True)):
        out.append(
            problem(
                "issuer-malformed",
                f"{where} says issuer {issuer!r}, which {why}: RFC 8414 §2 requires an https URL with no "
                "query or fragment",
                ev,
                fix="Use an https issuer URL without query or fragment.",
            )
        )
    return out


def _grant_findings(meta: dict[str, object], where: str, ev: object) -> list[Finding]:
    """RFC 8414 §2: the default grants, and the token endpoint the grants need."""
    out: list[Finding] = []
    grants, defaulted = grants_of(meta)
    if defaulted:
        out.append(
            info(
                "grant-types-default",
                "grant_types_supported is omitted, so RFC 8414 §2's default applies: authorization_code "
                "and implicit"
                + (" (and the device flow, advertised by its endpoint)" if DEVICE_CODE in grants else ""),
                ev,
            )
        )
    if not isinstance(meta.get("token_endpoint"), str) and not set(grants) <= {"implicit"}:
        out.append(
            problem(
                "no-token-endpoint",
                f"{where} has no token_endpoint (REQUIRED unless only the implicit grant is supported)",
                ev,
                fix="Add token_endpoint.",
            )
        )
    return out


def _authorization_endpoint_findings(meta: dict[str, object], where: str, ev: object) -> list[Finding]:
    """An authorization endpoint where the grants need one, and PKCE S256 where there is one."""
    grants, defaulted = grants_of(meta)
    needs_authz = bool({"authorization_code", "implicit"} & set(grants))
    if isinstance(meta.get("authorization_endpoint"), str):
        methods = meta.get("code_challenge_methods_supported")
        if not isinstance(methods, list) or "S256" not in methods:
            shown = methods if isinstance(methods, list) else "absent"
            return [
                problem(
                    "no-s256",
                    f"{where} offers an authorization endpoint but code_challenge_methods_supported is "
                    f"{shown}: MCP clients MUST refuse to proceed without S256 (PKCE, RFC 7636)",
                    ev,
                    fix='Add "code_challenge_methods_supported": ["S256"] (and support it).',
                )
            ]
        return [info("pkce-plain", "PKCE plain is offered besides S256", ev)] if "plain" in methods else []
    if needs_authz and not defaulted:
        return [
            problem(
                "no-authorization-endpoint",
                f"{where} supports "
                f"{', '.join(sorted({'authorization_code', 'implicit'} & set(grants)))} but has no "
                "authorization_endpoint",
                ev,
                fix="Add authorization_endpoint.",
            )
        ]
    if needs_authz:
        # The member was omitted, so RFC 8414 §2's default grants apply, and they use the authorization
        # endpoint; most such servers are headless and merely forgot to list their grants.
        return [
            concern(
                "no-authorization-endpoint-default-grants",
                f"{where} omits grant_types_supported, so RFC 8414 §2's default (authorization_code, "
                "implicit) applies, and those grants REQUIRE an authorization_endpoint, which is absent",
                ev,
                fix="List the grants the server supports in grant_types_supported (e.g. "
                '["client_credentials"]), or add authorization_endpoint.',
            )
        ]
    return [
        info(
            "no-authorization-endpoint-needed",
            f"no authorization_endpoint, and none of the grants ({', '.join(grants) or 'none'}) "
            "needs one: valid for a headless authorization server",
            ev,
        )
    ]


def _required_member_findings(
    server: AuthServer, meta: dict[str, object], where: str, ev: object
) -> list[Finding]:
    """response_types_supported (RFC 8414 §2), and OpenID Connect Discovery's own REQUIRED members."""
    out: list[Finding] = []
    if not isinstance(meta.get("response_types_supported"), list):
        # REQUIRED by RFC 8414 §2 whatever the grants; a headless server states the empty list.
        out.append(
            concern(
                "no-response-types",
                f"{where} lacks response_types_supported (REQUIRED, RFC 8414 §2, even for a server with no "
                "authorization endpoint)",
                ev,
                fix='Add "response_types_supported": ["code"] (or [] when there is no authorization '
                "endpoint).",
            )
        )
    if server.doc is not None and "/.well-known/openid-configuration" in server.doc.url:
        absent = [k for k in OIDC_REQUIRED if k not in meta]
        if absent:
            out.append(
                concern(
                    "oidc-required-missing",
                    f"{where} is OpenID Connect discovery metadata without {', '.join(absent)} (REQUIRED, "
                    "OpenID Connect Discovery 1.0 §3)",
                    ev,
                    fix=f"Add {', '.join(absent)}, or serve it as RFC 8414 metadata.",
                )
            )
    return out


def _scheme_findings(meta: dict[str, object], target: Target | None, ev: object) -> list[Finding]:
    """Every endpoint over https; plain http only on a loopback host of a loopback target."""
    loopback, bad = endpoint_scheme_problems(meta)
    bad += [(k, v) for k, v in loopback if not loopback_excused(target, v)]
    loopback = [(k, v) for k, v in loopback if loopback_excused(target, v)]
    out = [
        problem(
            "endpoint-not-https", f"{key} {value} is not https", ev, fix="Serve every endpoint over https."
        )
        for key, value in bad
    ]
    if loopback:
        out.append(
            info(
                "loopback-http",
                f"{len(loopback)} endpoint(s) use http on a loopback host (acceptable for local "
                "development only)",
                ev,
            )
        )
    return out


def server_findings(server: AuthServer, target: Target | None = None) -> list[Finding]:
    unusable = _unusable_server(server)
    meta = server.metadata
    if unusable is not None or meta is None:
        return unusable or []
    out: list[Finding] = []
    ev = server.doc.evidence if server.doc else ()
    where = server.doc.url if server.doc else server.issuer
    if len(server.tried) > 1:
        out.append(
            info(
                "found-after-fallback",
                f"found at {where} after {len(server.tried) - 1} other location(s)",
                ev,
            )
        )
    out.extend(_issuer_findings(server, meta.get("issuer"), where, ev))
    out.extend(_endpoint_form_findings(meta, where, ev))
    media = json_media_finding("as-metadata", server.doc) if server.doc else None
    if media is not None:
        out.append(media)
    out.extend(_grant_findings(meta, where, ev))
    out.extend(_authorization_endpoint_findings(meta, where, ev))
    out.extend(_required_member_findings(server, meta, where, ev))
    out.extend(_scheme_findings(meta, target, ev))
    return out


# OpenID Connect Discovery 1.0 §3: REQUIRED provider metadata beyond RFC 8414's.
OIDC_REQUIRED = ("jwks_uri", "subject_types_supported", "id_token_signing_alg_values_supported")
# Members that are human-facing pages, not endpoints a client calls.
DOC_MEMBERS = ("service_documentation", "op_policy_uri", "op_tos_uri")


def _endpoint_form_findings(meta: dict[str, object], where: str, ev: object) -> list[Finding]:
    """Every endpoint / URI member must be an absolute URL without a fragment (RFC 8414 §2, RFC 6749 §3)."""
    out: list[Finding] = []
    for key, value in meta.items():
        if key == "issuer" or key in DOC_MEMBERS or not key.endswith(("_endpoint", "_uri")):
            continue
        if not isinstance(value, str):
            continue
        why = url_form_problem(value)
        if why:
            out.append(
                problem(
                    "endpoint-not-url",
                    f"{where}: {key} {value!r} {why}; a client uses it as it stands (RFC 8414 §2 members "
                    "are absolute URLs; RFC 6749 §3 endpoints have no fragment)",
                    ev,
                    fix=f"Give {key} as an absolute https URL.",
                )
            )
    return out


def finding_error(server: AuthServer) -> Finding:
    return broken(
        "as-metadata-unreachable",
        f"the metadata of {server.issuer} could not be fetched: "
        + "; ".join(d.describe() for d in server.tried),
        [d.evidence for d in server.tried],
    )


@check(
    id="tokens.server-metadata",
    title="Authorization-server metadata is consistent and complete",
    failure_title="Authorization-server metadata is missing, inconsistent or unsafe",
    category="tokens",
    weight=3,
    remediation="For each issuer in `authorization_servers`, serve RFC 8414 metadata at "
    "`/.well-known/oauth-authorization-server` (inserted before the issuer's path) whose "
    "`issuer` is exactly that issuer, with `token_endpoint`, https endpoints and, when there "
    'is an authorization endpoint, `code_challenge_methods_supported: ["S256"]`. A server '
    "with no authorization_endpoint is fine when its grants need none.",
    spec_links=(
        RFC8414,
        "https://www.rfc-editor.org/rfc/rfc8414#section-3.3",
        MCP_AUTH,
        "https://openid.net/specs/openid-connect-discovery-1_0.html",
    ),
    requires=(OAUTH_DISCOVERY,),
    description="Tries, per issuer, RFC 8414 path insertion, OIDC path insertion and OIDC path appending "
    "(issuer without a path: RFC 8414 then OIDC). Discovered URLs that resolve to "
    "cloud-metadata or private addresses are refused by the address policy and reported here.",
    clauses=(
        clause(
            "RFC 8414 §3.3",
            "MUST",
            "issuer is identical to the issuer the metadata was fetched for",
            "a mismatch fails; a trailing slash apart warns",
        ),
        clause(
            "RFC 8414 §2",
            "REQUIRED",
            "issuer: an https URL without query or fragment",
            "a query or fragment fails",
        ),
        clause(
            "RFC 8414 §2",
            "REQUIRED",
            "token_endpoint (unless only the implicit grant is supported)",
            "missing fails",
        ),
        clause(
            "RFC 8414 §2",
            "REQUIRED",
            "authorization_endpoint unless no supported grant uses it",
            "missing with authorization_code or implicit fails; a headless server without it passes (a "
            "permitted alternative); with grant_types_supported omitted, the default grants need it, so "
            "it warns",
        ),
        clause(
            "RFC 8414 §2", "REQUIRED", "response_types_supported, even for a headless server", "missing warns"
        ),
        clause(
            "RFC 8414 §2, RFC 6749 §3.1-3.2",
            "MUST",
            "endpoint members are absolute URLs without a fragment",
            "a relative URL or a fragment fails",
        ),
        clause(
            "RFC 8414 §2",
            "MUST",
            "endpoints use https",
            "http fails; loopback http is excused only on a loopback target",
        ),
        clause("RFC 8414 §3.2", "MUST", "the metadata is served as application/json", "another type warns"),
        clause(
            "MCP 2025-11-25",
            "MUST",
            "code_challenge_methods_supported includes S256 when there is an authorization endpoint",
            "missing fails",
        ),
        clause(
            "OpenID Connect Discovery 1.0 §3",
            "REQUIRED",
            "jwks_uri, subject_types_supported, "
            "id_token_signing_alg_values_supported in an openid-configuration document",
            "missing warns",
        ),
        not_judged(
            "RFC 8414 §2.1",
            "MAY",
            "signed_metadata",
            "a signature cannot be verified without keys the scan has reason to trust",
        ),
    ),
)
def server_metadata(a: Artifacts) -> Outcome:
    disc: OAuthDiscovery = a[OAUTH_DISCOVERY]
    if not disc.auth_servers:
        return failed(
            "no authorization server to judge",
            problem(
                "no-issuer",
                "no protected-resource metadata lists an authorization server and the origin publishes no "
                "metadata",
                fix="Publish RFC 9728 and RFC 8414 metadata.",
            ),
        )
    findings: list[Finding] = []
    for server in disc.auth_servers:
        findings.extend(server_findings(server, a.target))
    if disc.unfollowed_servers:
        findings.append(
            concern(
                "authorization-servers-bounded",
                not_followed("authorization servers", MAX_AUTH_SERVERS, disc.unfollowed_servers)
                + "; an agent cannot try them all",
                fix="List the one or few issuers that actually issue tokens for this resource.",
            )
        )
    if all(f.level == Level.ERROR for f in findings):
        return errored("authorization-server metadata could not be fetched", *findings)
    # Nothing found at all reads differently from metadata that was found but is inconsistent or refused.
    none_found = all(s.metadata is None and s.blocked is None for s in disc.auth_servers)
    return verdict(
        findings,
        pass_summary="authorization-server metadata is consistent",
        warn_summary="authorization-server metadata found, with concerns",
        fail_summary="no authorization-server metadata found"
        if none_found
        else "authorization-server metadata cannot be trusted or used",
        details={
            "issuers": [s.issuer for s in disc.auth_servers],
            "found": [s.doc.url for s in disc.auth_servers if s.doc],
        },
    )
