"""tokens.endpoint-errors: the token endpoint's errors follow RFC 6749 §5.2."""

from __future__ import annotations

from agent_ready.artifacts.http import Response
from agent_ready.artifacts.oauth import OAUTH_TOKEN_ERRORS, TokenErrorProbe, json_error
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    errored,
    failed,
    good,
    not_applicable,
    not_judged,
    problem,
    verdict,
)
from agent_ready.checks.tokens._common import (
    OAUTH_ERRORS,
    RFC6749_52,
)
from agent_ready.models import Finding, Outcome
from agent_ready.parsers.wwwauth import parse_headers


def _unusable_answer(resp: Response, where: str) -> Outcome | None:
    """The endpoint is missing, answers HTML, a 5xx, or accepts made-up credentials; None otherwise."""
    if resp.status in (404, 410):
        return failed(
            "the advertised token endpoint does not exist",
            problem(
                "token-endpoint-absent",
                f"{where} answered {resp.status}: the metadata advertises a token endpoint that is not "
                "there (stub metadata)",
                resp,
                fix="Serve the token endpoint the metadata advertises, or remove it.",
            ),
        )
    if resp.looks_like_html:
        return failed(
            "the token endpoint answers errors with HTML",
            problem(
                "token-error-html",
                f"{where} with fake credentials answered {resp.describe()}, an HTML page an agent cannot "
                "parse",
                resp,
                fix='Answer with JSON {"error": "invalid_client", ...} (RFC 6749 §5.2).',
            ),
        )
    if resp.status is not None and resp.status >= 500:
        return failed(
            "the token endpoint fails with a server error",
            problem(
                "token-error-5xx",
                f"{where} with fake credentials answered {resp.describe()}",
                resp,
                fix="Treat unknown clients as invalid_client (401), not a server error.",
            ),
        )
    if resp.ok:
        return failed(
            "the token endpoint accepted made-up credentials",
            problem(
                "token-fake-accepted",
                f"{where} answered {resp.status} to made-up client credentials",
                resp,
                fix="Reject unknown clients with invalid_client.",
            ),
        )
    return None


def _basic_challenge_finding(probe: TokenErrorProbe, resp: Response, code: str, where: str) -> Finding | None:
    """RFC 6749 §5.2: a client that authenticated with the Authorization header MUST get 401 and a
    WWW-Authenticate challenge of the scheme it used."""
    if code != "invalid_client" or probe.auth_method != "client_secret_basic":
        return None
    schemes = {c.scheme for c in parse_headers(resp.header_values("www-authenticate"))}
    if resp.status == 401 and "basic" in schemes:
        return None
    challenge = f"WWW-Authenticate {', '.join(sorted(schemes))}" if schemes else "no WWW-Authenticate"
    return concern(
        "no-basic-challenge",
        f"{where} with HTTP Basic client credentials answered invalid_client as {resp.status} with "
        f"{challenge}; "
        "RFC 6749 §5.2 says it MUST be 401 with a WWW-Authenticate: Basic challenge",
        resp,
        fix='Answer 401 with WWW-Authenticate: Basic realm="…" when HTTP Basic client authentication fails.',
    )


def _error_json_findings(
    probe: TokenErrorProbe, resp: Response, code: str, where: str
) -> list[Finding | None]:
    """RFC 6749 §5.2: a registered error code, status 400 (or 401), application/json."""
    findings: list[Finding | None] = []
    if code in OAUTH_ERRORS:
        findings.append(good("token-error-json", f"{where} answered {resp.status} error={code}", resp))
    else:
        findings.append(
            concern(
                "token-error-nonstandard",
                f"{where} answered error={code!r}, not an RFC 6749 §5.2 code",
                resp,
                fix="Use invalid_client for unknown client credentials.",
            )
        )
    if resp.status not in (400, 401):
        findings.append(
            concern(
                "token-error-status",
                f"{where} answered {resp.status}; RFC 6749 §5.2 uses 400, or 401 for invalid_client",
                resp,
                fix="Use 400 or 401.",
            )
        )
    findings.append(_basic_challenge_finding(probe, resp, code, where))
    if resp.media_type != "application/json":
        findings.append(
            concern(
                "token-error-media-type",
                f"{where} served its error as {resp.media_type or 'no content type'}; RFC 6749 §5.2 "
                "errors use application/json",
                resp,
                fix="Serve token errors with Content-Type: application/json.",
            )
        )
    return findings


@check(
    id="tokens.endpoint-errors",
    title="The token endpoint answers bad credentials with an RFC 6749 §5.2 JSON error",
    failure_title="The token endpoint's errors are not machine-readable",
    category="tokens",
    weight=2,
    remediation="Answer a token request with unknown client credentials with 401 (or 400) and a JSON body "
    '`{"error": "invalid_client", "error_description": "…"}` (RFC 6749 §5.2), '
    "`Cache-Control: no-store`, and `WWW-Authenticate` when the client authenticated with HTTP "
    "Basic. Never an HTML page or a 500.",
    spec_links=(RFC6749_52,),
    requires=(OAUTH_TOKEN_ERRORS,),
    description="Sends grant_type=client_credentials with a made-up client id and secret (creates nothing).",
    clauses=(
        clause(
            "RFC 6749 §5.2",
            "REQUIRED",
            "a token error is a JSON object with error",
            "HTML, a 5xx, a body without error, or a 200 to made-up credentials fails",
        ),
        clause("RFC 6749 §5.2", "MUST", "error is one of the registered codes", "another code warns"),
        clause(
            "RFC 6749 §5.2",
            "MUST",
            "invalid_client after Authorization-header authentication answers "
            "401 with a WWW-Authenticate challenge of the scheme used",
            "400, or 401 without a Basic challenge, warns (the JSON error still serves an agent)",
        ),
        clause("RFC 6749 §5.2", "MUST", "the error is served as application/json", "another type warns"),
        not_judged("RFC 6749 §5.2", "MAY", "error_description and error_uri", "optional members"),
    ),
)
def endpoint_errors(a: Artifacts) -> Outcome:
    probe: TokenErrorProbe = a[OAUTH_TOKEN_ERRORS]
    if probe.response is None:
        return not_applicable(f"no token request was sent: {probe.skipped}")
    resp = probe.response
    where = f"POST {probe.token_endpoint}"
    if resp.failed:
        return errored(f"the token endpoint did not answer: {resp.error}")
    unusable = _unusable_answer(resp, where)
    if unusable is not None:
        return unusable
    data = json_error(resp)
    if data is None or not isinstance(data.get("error"), str):
        return failed(
            "the token endpoint's error is not RFC 6749 §5.2 JSON",
            problem(
                "token-error-not-json",
                f"{where} answered {resp.describe()} without a JSON error member",
                resp,
                fix='Answer with JSON {"error": "invalid_client", ...}.',
            ),
        )
    code = data["error"]
    return verdict(
        _error_json_findings(probe, resp, code, where),
        pass_summary="the token endpoint answers with RFC 6749 §5.2 JSON errors",
        warn_summary="JSON errors, with concerns",
        fail_summary="token endpoint errors are unusable",
        details={"status": resp.status, "error": code},
    )
