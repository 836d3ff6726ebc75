"""errors.machine-readable: errors come as a machine-readable body (RFC 9457 or a JSON error)."""

from __future__ import annotations

import re
from typing import Any

from agent_ready.artifacts.errors import (
    ACCEPT_JSON,
    ERRORS,
    ERRORS_BURST,
    ERRORS_MALFORMED_JSON,
    NO_CREDENTIALS,
    UNKNOWN_PATH,
    ErrorProbe,
    ErrorSample,
)
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
    RFC9457,
    code_and_message,
    error_in_success,
    excerpt,
    is_login_redirect,
    is_problem_media,
    json_body,
    samples,
    status_text,
)
from agent_ready.models import Finding, Level


def _success_answer(s: ErrorSample, where: str) -> Finding:
    """RFC 9110 §15.5: a 2xx that carries an error, or answers a request that cannot succeed."""
    r = s.response
    why = error_in_success(r)
    if why:
        return problem(
            "error-in-200",
            f"{where} carries an error ({why}) under a success status",
            r,
            fix="Use a 4xx/5xx status for errors; clients and agents branch on the status first.",
        )
    if s.expects_error and (r.looks_like_html or s.kind == UNKNOWN_PATH):
        return problem(
            "success-for-error",
            f"{where}: a success answer{' (an HTML page)' if r.looks_like_html else ''} to a request "
            "that cannot succeed, so there is no error to read",
            r,
            fix="Answer with the error's status and an application/problem+json body.",
        )
    return info("not-an-error", f"{where}: answered with success, not an error (see errors.honest-status)", r)


def _html_or_empty_answer(s: ErrorSample, where: str) -> Finding | None:
    """An HTML error page or an empty body; None when the error has a body that is not HTML."""
    r = s.response
    if r.looks_like_html:
        fix = (
            "Serve API errors as application/problem+json (RFC 9457) with a detail that says what to do next."
        )
        if s.api_path:
            return problem("html-error", f"{where}: an HTML error page on an API path", r, fix=fix)
        return concern(
            "html-error-outside-api",
            f"{where}: an HTML error page although JSON was asked for",
            r,
            fix="Honour `Accept: application/json` on errors too: " + fix,
        )
    if r.body.strip():
        return None
    if r.headers.get("www-authenticate"):
        return concern(
            "empty-body-challenge-only",
            f"{where}: empty body; only the WWW-Authenticate challenge is machine-readable",
            r,
            fix="Add an application/problem+json body with a detail naming the next step.",
        )
    return problem(
        "empty-error",
        f"{where}: empty body",
        r,
        fix="Return an application/problem+json body (type, title, status, detail).",
    )


def _problem_json_answer(r: Response, where: str, data: Any) -> Finding:
    """RFC 9457 §3.1: a JSON object whose status is the response's and whose type is a URI reference."""
    status = r.status or 0
    if not isinstance(data, dict):
        return problem(
            "problem-json-invalid",
            f"{where}: declared problem+json but the body is not a JSON object",
            r,
            fix="Send a JSON object with type, title, status and detail.",
        )
    if "status" in data and data["status"] != status:
        return problem(
            "problem-status-mismatch",
            f"{where}: problem+json whose status member says {data['status']!r} but the response is "
            f"{status} (RFC 9457 §3.1.3: the same status code MUST be used in the response)",
            r,
            fix="Send the problem with the HTTP status its status member names.",
        )
    issues = []
    type_ = data.get("type", "about:blank")
    if not isinstance(type_, str) or not re.match(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#|\.)", type_ or "x:"):
        issues.append(f"type {type_!r} is not a URI reference")
    if issues:
        return concern(
            "problem-json-inconsistent",
            f"{where}: problem+json, but " + "; ".join(issues),
            r,
            fix="Keep the problem's status equal to the HTTP status and its type a URI (RFC 9457 §3.1).",
        )
    return good("problem-json", f"{where}: RFC 9457 problem+json (type {type_})", r)


def _other_json_answer(r: Response, where: str, data: Any) -> Finding:
    """JSON that is not problem+json: a stable code and a message warn, less fails."""
    code, message = code_and_message(data)
    if code and message:
        return concern(
            "json-code-and-message",
            f"{where}: JSON with a stable code ({code}) and a message, not problem+json",
            r,
            fix="Serve application/problem+json (RFC 9457); keep your code as an extension member.",
        )
    if message:
        return concern(
            "json-message-only",
            f"{where}: JSON with a message but no stable error code",
            r,
            fix="Add a stable machine code (problem+json type URI, or a code member) beside the message.",
        )
    return problem(
        "json-without-error",
        f"{where}: JSON without an error code or message",
        r,
        fix="Return application/problem+json with type, title, status and detail.",
    )


def _text_answer(r: Response, where: str) -> Finding:
    """Neither HTML nor JSON: XML with a code and a message warns, anything else is plain text."""
    if "xml" in r.media_type or r.text.lstrip().startswith("<"):
        from agent_ready import hints  # its large patterns compile when errors are judged

        err = hints.extract(r.body, r.media_type)
        names = {k.lower() for k, _ in err.fields}
        if "code" in names and "message" in names:
            return concern(
                "xml-code-and-message",
                f"{where}: XML with a Code and a Message, not problem+json",
                r,
                fix="Serve application/problem+json (RFC 9457) for agents that ask for JSON.",
            )
    return problem(
        "text-error",
        f"{where}: plain text ({excerpt(r.text, 60)!r}), not machine-readable",
        r,
        fix="Serve API errors as application/problem+json with a stable type and a detail.",
    )


def _judge_machine_readable(s: ErrorSample) -> Finding:
    r = s.response
    where = f"{s.label}: {status_text(r)}"
    if is_login_redirect(r):
        return problem(
            "redirect-to-login",
            f"{s.label} was redirected ({r.redirects[0][0]} to "
            f"{r.redirects[-1][1]}) instead of getting an error",
            r,
            fix="Answer API requests with a 4xx problem+json error; never redirect them to a login page.",
        )
    data = json_body(r)
    if 200 <= (r.status or 0) < 300:
        return _success_answer(s, where)
    html_or_empty = _html_or_empty_answer(s, where)
    if html_or_empty is not None:
        return html_or_empty
    if is_problem_media(r.media_type):
        return _problem_json_answer(r, where, data)
    if data is not None:
        return _other_json_answer(r, where, data)
    return _text_answer(r, where)


def _negotiated(s: ErrorSample, f: Finding, answered: list[ErrorSample]) -> Finding:
    """An HTML error for `Accept: */*` is only a concern when `Accept: application/json` gets JSON."""
    if f.code != "html-error" or s.kind != NO_CREDENTIALS:
        return f
    for other in answered:
        r = other.response
        same_url = r.url == s.response.url
        if other.kind == ACCEPT_JSON and same_url and not r.looks_like_html and r.json is not None:
            return concern(
                "html-unless-json-asked",
                f"{s.label}: HTML unless the client sends `Accept: application/json` (then {status_text(r)})",
                s.response,
                r,
                fix="Answer API paths with JSON errors whatever the Accept header says; many agents send "
                "`Accept: */*`.",
            )
    return f


@check(
    id="errors.machine-readable",
    title="Errors are machine-readable (problem+json or a JSON code and message)",
    failure_title="Errors are HTML, empty or hidden in a 200",
    category="errors",
    weight=3,
    remediation="Answer every API error with application/problem+json (RFC 9457): type (a URI documenting "
    "the error), title, status (equal to the HTTP status), detail (what to do next), instance; "
    "keep vendor codes as extension members.",
    spec_links=(RFC9457, "https://www.rfc-editor.org/rfc/rfc9110#section-15.5"),
    requires=(ERRORS,),
    active_requires=(ERRORS_MALFORMED_JSON, ERRORS_BURST),
    active=True,
    passive=True,
    description="Provokes errors without side effects (no credentials, a malformed token, an unknown API "
    "path, a wrong method; with --active a malformed JSON body and a 429) and reads each "
    "error's format: problem+json with a matching status passes; other JSON with a stable code "
    "and a message warns; HTML, an empty body, plain text or a 200 carrying an error fails.",
    side_effects="With --active: one POST with a truncated JSON body to a documented POST operation, and up "
    "to 30 GETs in 5 s.",
    clauses=(
        clause(
            "RFC 9457 §3",
            "SHOULD",
            "HTTP APIs report errors as problem details (application/problem+json)",
            "problem+json passes; other JSON with a stable code and a message warns; HTML, plain "
            "text or an empty body fails",
        ),
        clause(
            "RFC 9457 §3.1.3",
            "MUST",
            "generators use the same status code in the response as in `status`",
            "a mismatch fails; problem+json in a 2xx fails",
        ),
        clause(
            "RFC 9457 §3.1.1",
            "MUST",
            "`type` is a URI reference",
            "a non-URI type warns (consumers then read it as about:blank)",
        ),
        clause(
            "RFC 9110 §15.5", "MUST", "client errors use a 4xx status", "an error inside a 2xx body fails"
        ),
        not_judged("RFC 9457 §3.1.5", "MAY", "`instance` identifies the occurrence", "optional; not scored"),
    ),
)
def machine_readable(a: Artifacts) -> Any:
    found: ErrorProbe | None = a[ERRORS]
    items = samples(a)
    if found is None or not items:
        return not_applicable("no error could be provoked")
    answered = [s for s in items if not s.response.failed]
    if not answered:
        return errored(
            "no provoked error got an HTTP answer",
            *(info("no-answer", f"{s.label}: {s.response.describe()}", s.response) for s in items),
        )
    findings = [_judge_machine_readable(s) for s in answered]
    findings = [_negotiated(s, f, answered) for s, f in zip(answered, findings, strict=True)]
    judged = [f for f in findings if f.level != Level.INFO]
    if not judged:
        return not_applicable("no provoked request got an error response", *findings)
    details = {
        "samples": [
            {
                "kind": s.kind,
                "request": s.label,
                "status": s.response.status,
                "content_type": s.response.media_type,
                "verdict": f.code,
            }
            for s, f in zip(answered, findings, strict=True)
        ]
    }
    return verdict(
        findings,
        pass_summary=f"{len(judged)} error responses are RFC 9457 problem+json",
        warn_summary="errors are JSON but not (consistent) problem+json",
        fail_summary="some errors are not machine-readable (HTML, empty, text or a 200)",
        details=details,
    )
