"""errors.bearer-errors: 401/403 of a Bearer API carry RFC 6750 error codes."""

from __future__ import annotations

from typing import Any

from agent_ready.artifacts.errors import BAD_TOKEN, ERRORS, NO_CREDENTIALS, ErrorProbe
from agent_ready.artifacts.http import Response
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    errored,
    good,
    info,
    not_applicable,
    not_judged,
    problem,
    verdict,
)
from agent_ready.checks.errors._common import (
    RFC6750,
    samples,
    status_text,
)
from agent_ready.models import Finding
from agent_ready.parsers import wwwauth


def _bearer_params(resp: Response) -> dict[str, str] | None:
    """Parameters of the Bearer challenge (lower-cased names), or None when there is no Bearer challenge.

    The one WWW-Authenticate parser (RFC 9110 §11.6.1) reads the header: tokens.challenge uses it too.
    """
    challenge = wwwauth.bearer(wwwauth.parse_headers(resp.header_values("www-authenticate")))
    return None if challenge is None else dict(challenge.params)


def _bad_token_finding(r: Response, params: dict[str, str] | None) -> Finding:
    """RFC 6750 §3.1: a malformed token gets 401 with a Bearer challenge saying error="invalid_token"."""
    if r.status == 401:
        if params is None:
            return concern(
                "no-bearer-challenge",
                "401 for a malformed token, but no `WWW-Authenticate: Bearer` challenge",
                r,
                fix='Send `WWW-Authenticate: Bearer error="invalid_token"` with the 401.',
            )
        if params.get("error") == "invalid_token":
            desc = params.get("error_description")
            return good(
                "invalid-token",
                '401 with error="invalid_token"' + (f' and error_description "{desc}"' if desc else ""),
                r,
            )
        if params.get("error"):
            return concern(
                "wrong-error-code",
                f'401 with error="{params["error"]}"; a malformed token is "invalid_token" (RFC 6750 §3.1)',
                r,
                fix='Use error="invalid_token" for a token that is malformed, expired or revoked.',
            )
        return concern(
            "no-error-code",
            "401 with a Bearer challenge but no error= code for a bad token",
            r,
            fix='Add error="invalid_token" (and an error_description) to the challenge.',
        )
    if r.status == 403:
        return problem(
            "bad-token-403",
            "a malformed token got 403 instead of 401",
            r,
            fix='Answer an invalid token with 401 and error="invalid_token"; 403 means the '
            "token is valid but lacks permission.",
        )
    if r.status == 400 and params is not None and params.get("error") == "invalid_request":
        return concern(
            "invalid-request",
            '400 error="invalid_request" for a malformed token',
            r,
            fix='A well-formed but unknown token is error="invalid_token" with 401.',
        )
    if r.ok:
        return problem(
            "bad-token-accepted",
            f"a malformed token was answered {r.status} (success)",
            r,
            fix="Reject unknown tokens with 401.",
        )
    return problem(
        "bad-token-status",
        f"a malformed token got {status_text(r)}, not 401",
        r,
        fix='Answer an invalid token with 401 and `WWW-Authenticate: Bearer error="invalid_token"`.',
    )


def _no_credentials_finding(found: ErrorProbe) -> Finding | None:
    """RFC 6750 §3.1: no error code in the challenge when the request carried no credentials."""
    no_creds = found.first(NO_CREDENTIALS)
    if no_creds is None or no_creds.response.failed:
        return None
    p = _bearer_params(no_creds.response)
    if p is None or not p.get("error"):
        return None
    return concern(
        "error-without-credentials",
        f'the unauthenticated request got error="{p["error"]}"; '
        "RFC 6750 §3.1: no error code when no credentials were sent",
        no_creds.response,
        fix="Omit error= from the challenge when the request had no Authorization header.",
    )


def _scope_findings(a: Artifacts) -> list[Finding]:
    """RFC 6750 §3.1: insufficient_scope comes with 403 and the scope needed, where a sample shows it."""
    findings: list[Finding] = []
    for s in samples(a):
        p = _bearer_params(s.response) if not s.response.failed else None
        if p is None or p.get("error") != "insufficient_scope":
            continue
        if s.response.status == 403 and p.get("scope"):
            findings.append(
                good("insufficient-scope", f'403 insufficient_scope names scope="{p["scope"]}"', s.response)
            )
        else:
            findings.append(
                concern(
                    "insufficient-scope-incomplete",
                    "insufficient_scope without 403 or without scope=",
                    s.response,
                    fix='Send 403 with error="insufficient_scope", scope="..."',
                )
            )
    findings.append(
        info(
            "scope-not-observed",
            "insufficient_scope (403) is observable only with a token of too little scope; not tested",
        )
    )
    return findings


@check(
    id="errors.bearer-errors",
    title='A bad token gets 401 with error="invalid_token"',
    failure_title="A bad token does not get an RFC 6750 error",
    category="errors",
    weight=2,
    remediation="Reject a malformed or expired token with 401 and `WWW-Authenticate: Bearer "
    'error="invalid_token", error_description="..."`; missing scope with 403 '
    '`error="insufficient_scope", scope="..."`; send no error= when the request carried no '
    "credentials.",
    spec_links=(
        RFC6750,
        "https://www.rfc-editor.org/rfc/rfc6750#section-3",
        "https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization",
    ),
    requires=(ERRORS,),
    description="Sends `Authorization: Bearer <malformed>` to the protected endpoint found by the OAuth "
    "discovery (or a secured OpenAPI operation) and reads the WWW-Authenticate challenge (RFC "
    "6750 §3.1). Also checks that the unauthenticated call carries no error code, as RFC 6750 "
    "§3.1 asks.",
    clauses=(
        clause(
            "RFC 6750 §3.1",
            "SHOULD",
            'an invalid token gets 401 and error="invalid_token"',
            "401 with invalid_token passes; another code or none warns; 403, 2xx or another status fails",
        ),
        clause(
            "RFC 6750 §3.1",
            "SHOULD NOT",
            "no error code when the request carried no credentials",
            "an error= on the unauthenticated challenge warns",
        ),
        clause(
            "RFC 6750 §3.1",
            "SHOULD",
            "insufficient_scope gets 403 with scope=",
            "judged when a 403 insufficient_scope is seen; 401 or no scope= warns",
        ),
        clause(
            "RFC 9110 §11.6.1",
            "MUST",
            "WWW-Authenticate is a list of challenges; quoted strings may hold commas",
            "read with the one WWW-Authenticate parser (agent_ready.parsers.wwwauth)",
        ),
        not_judged(
            "RFC 6750 §3.1",
            "SHOULD",
            "insufficient_scope for a token lacking scope",
            "needs a valid token of too little scope, which a scan does not have",
        ),
    ),
)
def bearer_errors(a: Artifacts) -> Any:
    found: ErrorProbe | None = a[ERRORS]
    bad = found.first(BAD_TOKEN) if found is not None else None
    if found is None or bad is None:
        return not_applicable(
            "no protected endpoint was found (no 401/403 from the target, a secured OpenAPI "
            "operation or the OAuth discovery), so there is nothing to send a bad token to"
        )
    r = bad.response
    if r.failed:
        return errored(f"the bad-token request got no answer: {r.describe()}", broken_finding(r))
    params = _bearer_params(r)
    findings: list[Finding | None] = [
        _bad_token_finding(r, params),
        _no_credentials_finding(found),
        *_scope_findings(a),
    ]
    return verdict(
        findings,
        pass_summary='a bad token gets 401 with error="invalid_token"',
        warn_summary="bearer errors are incomplete (RFC 6750 §3.1)",
        fail_summary="a bad token is not answered with 401",
        details={"challenge": params},
    )


def broken_finding(r: Response) -> Finding:
    from agent_ready.checkapi import broken

    return broken("no-answer", r.describe(), r)
