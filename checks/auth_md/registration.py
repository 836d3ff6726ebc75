"""auth-md.registration (ACTIVE): the registration the auth.md describes works."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_ready.artifacts.authmd import (
    AGENT_AUTH,
    AUTHMD_REGISTRATION,
    AgentAuth,
    Registration,
    parse_instant,
)
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
    not_applicable,
    problem,
    skipped,
    verdict,
)
from agent_ready.models import Finding, Outcome

if TYPE_CHECKING:
    from agent_ready.artifacts.http import Response
from agent_ready.checks.auth_md._common import RFC7523, SPEC_AUTH_MD, SPEC_AUTHKIT, url_path


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


def _registration_details(reg: Registration) -> dict[str, Any]:
    return {
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


def _stuck_before_registering(
    reg: Registration, meta: AgentAuth | None, human: list[Finding], details: dict[str, Any]
) -> Outcome | None:
    """The registration was not exercised, has no anonymous flow, or its endpoint failed or refused."""
    if reg.stuck_at == "off-target":
        # The scanner sends nothing off the target and its authorization server; a grade must not assert
        # what was not exercised.
        return skipped(
            f"Not exercised: {reg.stuck_reason}. Rerun against that origin to judge the registration.",
            *human,
            details=details,
        )
    if reg.stuck_at == "metadata":
        # Judged from the block, not from the wording of the probe's reason: a service listing identity
        # types without "anonymous" offers no flow this check can run.
        types = meta.identity_types if meta is not None else []
        if reg.endpoint is not None and types and "anonymous" not in types:
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
    return None


def _token_exchange_failed(
    reg: Registration, registered: Finding, human: list[Finding], details: dict[str, Any]
) -> Outcome:
    tok = reg.token_response
    if tok is not None and tok.failed:
        return errored(f"The token endpoint did not answer: {tok.error}", registered, details=details)
    return failed(
        f"An agent registers but gets stuck exchanging the identity assertion: {reg.stuck_reason}.",
        registered,
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


def _credential_use_finding(reg: Registration) -> Finding:
    """Clause: the credential the registration issued works on the API."""
    if reg.usable is True:
        return good(
            "authmd-credential-works",
            f"GET {url_path(reg.use_url or '')} with it answered "
            f"{reg.use_response.status if reg.use_response else '?'}",
            reg.use_response,
        )
    if reg.usable is False:
        return problem(
            "authmd-credential-rejected",
            f"GET {url_path(reg.use_url or '')} with the new credential "
            f"answered {reg.use_response.describe() if reg.use_response else '?'}",
            reg.use_response,
            fix="Accept the credential the registration issued on the API.",
        )
    why = (
        reg.use_response.describe()
        if reg.use_response is not None
        else "no same-origin protected endpoint was known to try it on"
    )
    return concern(
        "authmd-credential-untested",
        f"could not confirm the credential works ({why})",
        reg.use_response,
        fix="Name a protected GET endpoint in auth.md's Use step.",
    )


def _expiry_finding(reg: Registration) -> Finding:
    """Clause: the registration states an absolute expiry."""
    absolute = reg.absolute_expiry
    if absolute and parse_instant(absolute):
        return good(
            "authmd-absolute-expiry", f"states an absolute expiry ({absolute})", reg.register_response
        )
    if reg.credential_expires_in is not None:
        return concern(
            "authmd-relative-expiry",
            f"only a relative lifetime (expires_in {reg.credential_expires_in} s)",
            reg.token_response,
            fix="Return an absolute ISO 8601 expires_at for the registration.",
        )
    return concern(
        "authmd-no-expiry",
        "the registration states no expiry",
        reg.register_response,
        fix="Return an absolute ISO 8601 expiry for the credential or assertion.",
    )


def _claim_finding(reg: Registration) -> Finding:
    """Clause: a claim URL or token lets a human take ownership later."""
    if reg.claim_url_present or reg.claim_token_present:
        return good(
            "authmd-claim-path",
            "a claim "
            + ("URL" if reg.claim_url_present else "token")
            + " lets a human take ownership later"
            + (f" (until {reg.claim_expires_at})" if reg.claim_expires_at else ""),
            reg.register_response,
        )
    return concern(
        "authmd-no-claim",
        "the registration gives no claim URL or token",
        reg.register_response,
        fix="Return claim{url, token, expires_at} so a human can take ownership.",
    )


def _malformed_finding(reg: Registration) -> Finding | None:
    """Clause: a malformed registration gets a JSON error naming what is wrong."""
    bad = reg.malformed_response
    if bad is None:
        return None
    ok, why = _error_shape(bad)
    if ok:
        return good("authmd-malformed-error", f"a malformed registration got {why}", bad)
    return concern(
        "authmd-malformed-error",
        f'a malformed registration ({{"type":"bogus"}}) got {why}',
        bad,
        fix='Answer 400 with JSON {"error": code, "message": ...}.',
    )


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
    requires=(AGENT_AUTH,),
    active_requires=(AUTHMD_REGISTRATION,),
    active=True,
    passive=False,
    description="ACTIVE: registers anonymously in the service's dialect, exchanges an identity assertion "
    "with the jwt-bearer grant, makes one authenticated call on the issuing origin, sends one malformed "
    "registration and revokes the token. Flows that need a human (one-time codes, e-mail, service_auth) are "
    "reported, never run.",
    side_effects="Creates one anonymous registration (and its access token, revoked afterwards where the "
    "service has a revocation endpoint); sends one malformed registration request.",
    clauses=(
        clause(
            "auth.md v1",
            "catalogue",
            "an anonymous identity yields an assertion exchanged by jwt-bearer for a token",
            "ACTIVE: a usable credential with an expiry and a claim path passes",
        ),
        clause(
            "auth.md v0 / v1",
            "catalogue",
            'a malformed registration ({"type":"bogus"}) gets a 4xx JSON error with a stable code and a '
            "message",
            "anything else (HTML, 5xx, 2xx, JSON without code or message) warns",
        ),
        clause(
            "RFC 7523 §2.1",
            "MUST",
            "the jwt-bearer grant sends grant_type and assertion",
            "sent as specified; an error answer fails the step",
        ),
        clause(
            "RFC 7009 §2",
            "MAY",
            "revoke what was obtained",
            "revoked at the end of the scan, after later steps used the credential",
        ),
    ),
)
def auth_md_registration(a: Artifacts) -> Outcome:
    reg: Registration | None = a.get(AUTHMD_REGISTRATION)
    if reg is None or not a.active:
        return skipped("ACTIVE check; rerun with --active to register anonymously.")
    human = [info("authmd-human-flow", f"not run (needs a human): {h}") for h in reg.human_flows]
    details = _registration_details(reg)
    stuck = _stuck_before_registering(reg, a.get(AGENT_AUTH), human, details)
    if stuck is not None:
        return stuck
    registered = good(
        "authmd-registered",
        f'POST {url_path(reg.endpoint or "")} {{"type":"anonymous"}} '
        f"answered {reg.register_response.status if reg.register_response else '?'}",
        reg.register_response,
    )
    if reg.stuck_at == "token":
        return _token_exchange_failed(reg, registered, human, details)
    findings: list[Finding | None] = [registered]
    if reg.token_response is not None:
        findings.append(
            good(
                "authmd-token-exchanged",
                "the identity assertion was exchanged for an access token (jwt-bearer)",
                reg.token_response,
            )
        )
    findings += [
        _credential_use_finding(reg),
        _expiry_finding(reg),
        _claim_finding(reg),
        _malformed_finding(reg),
        *human,
    ]
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
