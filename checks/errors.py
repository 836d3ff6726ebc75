"""errors: do failures tell an agent what to do next? (standards section E)

All five checks judge the responses the ``errors`` probe provoked (plus, with ``--active``, a malformed JSON
body and a small burst). They are pure functions of those artifacts.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from typing import Any

import http_sfv

from agent_ready import hints
from agent_ready.checkapi import (
    Artifacts,
    check,
    collect,
    concern,
    errored,
    good,
    info,
    not_applicable,
    problem,
    verdict,
)
from agent_ready.fetch import Response
from agent_ready.models import Finding, Level
from agent_ready.probes.errors import (
    ACCEPT_JSON,
    BAD_TOKEN,
    KIND_TITLES,
    NO_CREDENTIALS,
    RATE_LIMITED,
    UNKNOWN_PATH,
    BurstResult,
    ErrorProbe,
    ErrorSample,
    MalformedJsonResult,
)

RFC9457 = "https://www.rfc-editor.org/rfc/rfc9457"
RFC6750 = "https://www.rfc-editor.org/rfc/rfc6750#section-3.1"
RFC9110_RETRY = "https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3"
RATELIMIT_DRAFT = "https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/"
WRANGLER_MODEL = (
    "https://github.com/cloudflare/workers-sdk/blob/main/packages/wrangler/src/core/register-yargs-command.ts"
)

NO_API = (
    "no API found: no OpenAPI description, no protected endpoint, and the target does not answer like an API"
)


# --- shared helpers -----------------------------------------------------------------------------------------


def samples(a: Artifacts) -> list[ErrorSample]:
    """Every provoked error, passive first, deduplicated by the exchange that produced it."""
    found: ErrorProbe | None = a.get("errors")
    out: list[ErrorSample] = list(found.samples) if found is not None else []
    malformed: MalformedJsonResult | None = a.get("errors_malformed_json") if a.active else None
    if malformed is not None and malformed.sample is not None:
        out.append(malformed.sample)
    burst: BurstResult | None = a.get("errors_burst") if a.active else None
    if burst is not None and burst.first_429 is not None:
        out.append(
            ErrorSample(
                RATE_LIMITED,
                f"GET {_path(burst.url)} after {len(burst.responses)} quick requests",
                burst.first_429,
                expects_error=False,
            )
        )
    seen: set[str] = set()
    unique = []
    for s in out:
        key = s.response.exchange_id or str(id(s.response))
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


def _path(url: str) -> str:
    m = re.match(r"[a-z]+://[^/]+(/[^?#]*)?", url)
    return (m.group(1) if m else None) or "/"


def _excerpt(text: str, n: int = 240) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[: n - 1] + "…"


def error_inside(data: Any) -> str | None:
    """Why a 2xx JSON body reads as an error (Slack's ok:false, an "error" member ...), or None."""
    if not isinstance(data, dict):
        return None
    if data.get("ok") is False:
        return '"ok": false'
    if data.get("success") is False:
        return '"success": false'
    if data.get("error") not in (None, False, "", {}, []):
        return 'an "error" member'
    if isinstance(data.get("errors"), list) and data["errors"]:
        return 'a non-empty "errors" list'
    if isinstance(data.get("status"), str) and data["status"].lower() in (
        "error",
        "fail",
        "failure",
        "failed",
    ):
        return f'"status": "{data["status"]}"'
    return None


def _code_and_message(data: Any) -> tuple[str | None, str | None]:
    """A stable code and a message in a JSON error body (Stripe, GitHub, OAuth, Google, Cloudflare ...)."""
    if not isinstance(data, dict):
        return None, None
    scopes: list[dict[str, Any]] = [data]
    if isinstance(data.get("error"), dict):
        scopes.insert(0, data["error"])
    if isinstance(data.get("errors"), list) and data["errors"] and isinstance(data["errors"][0], dict):
        scopes.append(data["errors"][0])
    code = message = None
    for scope in scopes:
        for key in ("code", "error_code", "errorCode", "error", "type", "reason", "id"):
            value = scope.get(key)
            if (
                code is None
                and isinstance(value, (str, int))
                and not isinstance(value, bool)
                and (isinstance(value, int) or hints._looks_like_code(value))
            ):
                code = f"{key}={value}"
        for key in ("message", "error_description", "detail", "description", "msg", "title", "error"):
            value = scope.get(key)
            if message is None and isinstance(value, str) and " " in value.strip():
                message = value
    return code, message


def _is_login_redirect(resp: Response) -> bool:
    if not resp.redirects:
        return False
    final = resp.redirects[-1][1].lower()
    return resp.looks_like_html or bool(re.search(r"/(?:log-?in|sign-?in|auth|sso|session|account)", final))


def _status_text(resp: Response) -> str:
    return f"{resp.status} {resp.media_type or 'no content type'}"


def _json_body(resp: Response) -> Any:
    return resp.json if resp.body.strip() else None


# --- errors.machine-readable --------------------------------------------------------------------------------


def _judge_machine_readable(s: ErrorSample) -> Finding:
    r = s.response
    where = f"{s.label}: {_status_text(r)}"
    if _is_login_redirect(r):
        return problem(
            "redirect-to-login",
            f"{s.label} was redirected ({r.redirects[0][0]} to "
            f"{r.redirects[-1][1]}) instead of getting an error",
            r,
            fix="Answer API requests with a 4xx problem+json error; never redirect them to a login page.",
        )
    data = _json_body(r)
    status = r.status or 0
    if 200 <= status < 300:
        why = error_inside(data)
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
                f"{where}: a success answer (HTML: {r.looks_like_html}) to a request "
                "that cannot succeed, so there is no error to read",
                r,
                fix="Answer with the error's status and an application/problem+json body.",
            )
        return info(
            "not-an-error", f"{where}: answered with success, not an error (see errors.honest-status)", r
        )
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
    if not r.body.strip():
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
    if r.media_type == "application/problem+json" or (
        r.media_type.endswith("+json") and "problem" in r.media_type
    ):
        if not isinstance(data, dict):
            return problem(
                "problem-json-invalid",
                f"{where}: declared problem+json but the body is not a JSON object",
                r,
                fix="Send a JSON object with type, title, status and detail.",
            )
        issues = []
        if "status" in data and data["status"] != status:
            issues.append(f"its status member says {data['status']!r} but the response is {status}")
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
    if data is not None:
        code, message = _code_and_message(data)
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
    if "xml" in r.media_type or r.text.lstrip().startswith("<"):
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
        f"{where}: plain text ({_excerpt(r.text, 60)!r}), not machine-readable",
        r,
        fix="Serve API errors as application/problem+json with a stable type and a detail.",
    )


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
                f"{s.label}: HTML unless the client sends `Accept: application/json` "
                f"(then {_status_text(r)})",
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
    requires=("errors",),
    active_requires=("errors_malformed_json", "errors_burst"),
    active=True,
    passive=True,
    description="Provokes errors without side effects (no credentials, a malformed token, an unknown API "
    "path, a wrong method; with --active a malformed JSON body and a 429) and reads each "
    "error's format: problem+json with a matching status passes; other JSON with a stable code "
    "and a message warns; HTML, an empty body, plain text or a 200 carrying an error fails.",
    side_effects="With --active: one POST with a truncated JSON body to a documented POST operation, and up "
    "to 30 GETs in 5 s.",
)
def machine_readable(a: Artifacts) -> Any:
    found: ErrorProbe | None = a["errors"]
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


# --- errors.bearer-errors -----------------------------------------------------------------------------------


def _bearer_params(resp: Response) -> dict[str, str] | None:
    """Parameters of the Bearer challenge (lower-cased names), or None when there is no Bearer challenge."""
    for value in resp.header_values("www-authenticate"):
        m = re.search(r"(?:^|,)\s*Bearer\b(.*)", value, re.IGNORECASE)
        if m:
            rest = re.split(
                r",\s*(?:Basic|Digest|DPoP|Negotiate|HOBA|Mutual|ApiKey)\b", m.group(1), flags=re.I
            )[0]
            return hints._auth_params(rest)
    return None


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
    requires=("errors",),
    description="Sends `Authorization: Bearer <malformed>` to the protected endpoint found by the OAuth "
    "discovery (or a secured OpenAPI operation) and reads the WWW-Authenticate challenge (RFC "
    "6750 §3.1). Also checks that the unauthenticated call carries no error code, as RFC 6750 "
    "§3.1 asks.",
)
def bearer_errors(a: Artifacts) -> Any:
    found: ErrorProbe | None = a["errors"]
    bad = found.first(BAD_TOKEN) if found is not None else None
    if bad is None:
        return not_applicable(
            "no protected endpoint was found (no 401/403 from the target, a secured OpenAPI "
            "operation or the OAuth discovery), so there is nothing to send a bad token to"
        )
    r = bad.response
    if r.failed:
        return errored(f"the bad-token request got no answer: {r.describe()}", broken_finding(r))
    findings: list[Finding] = []
    params = _bearer_params(r)
    if r.status == 401:
        if params is None:
            findings.append(
                concern(
                    "no-bearer-challenge",
                    "401 for a malformed token, but no `WWW-Authenticate: Bearer` challenge",
                    r,
                    fix='Send `WWW-Authenticate: Bearer error="invalid_token"` with the 401.',
                )
            )
        elif params.get("error") == "invalid_token":
            desc = params.get("error_description")
            findings.append(
                good(
                    "invalid-token",
                    '401 with error="invalid_token"' + (f' and error_description "{desc}"' if desc else ""),
                    r,
                )
            )
        elif params.get("error"):
            findings.append(
                concern(
                    "wrong-error-code",
                    f'401 with error="{params["error"]}"; a malformed token is '
                    '"invalid_token" (RFC 6750 §3.1)',
                    r,
                    fix='Use error="invalid_token" for a token that is malformed, expired or revoked.',
                )
            )
        else:
            findings.append(
                concern(
                    "no-error-code",
                    "401 with a Bearer challenge but no error= code for a bad token",
                    r,
                    fix='Add error="invalid_token" (and an error_description) to the challenge.',
                )
            )
    elif r.status == 403:
        findings.append(
            problem(
                "bad-token-403",
                "a malformed token got 403 instead of 401",
                r,
                fix='Answer an invalid token with 401 and error="invalid_token"; 403 means the '
                "token is valid but lacks permission.",
            )
        )
    elif r.status == 400 and params is not None and params.get("error") == "invalid_request":
        findings.append(
            concern(
                "invalid-request",
                '400 error="invalid_request" for a malformed token',
                r,
                fix='A well-formed but unknown token is error="invalid_token" with 401.',
            )
        )
    elif r.ok:
        findings.append(
            problem(
                "bad-token-accepted",
                f"a malformed token was answered {r.status} (success)",
                r,
                fix="Reject unknown tokens with 401.",
            )
        )
    else:
        findings.append(
            problem(
                "bad-token-status",
                f"a malformed token got {_status_text(r)}, not 401",
                r,
                fix='Answer an invalid token with 401 and `WWW-Authenticate: Bearer error="invalid_token"`.',
            )
        )
    no_creds = found.first(NO_CREDENTIALS) if found is not None else None
    if no_creds is not None and not no_creds.response.failed:
        p = _bearer_params(no_creds.response)
        if p is not None and p.get("error"):
            findings.append(
                concern(
                    "error-without-credentials",
                    f'the unauthenticated request got error="{p["error"]}"; '
                    "RFC 6750 §3.1: no error code when no credentials were sent",
                    no_creds.response,
                    fix="Omit error= from the challenge when the request had no Authorization header.",
                )
            )
    for s in samples(a):
        p = _bearer_params(s.response) if not s.response.failed else None
        if p is not None and p.get("error") == "insufficient_scope":
            if s.response.status == 403 and p.get("scope"):
                findings.append(
                    good(
                        "insufficient-scope", f'403 insufficient_scope names scope="{p["scope"]}"', s.response
                    )
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


# --- errors.hints -------------------------------------------------------------------------------------------


def sample_status(score: hints.HintScore, capped: bool) -> str:
    status = "pass" if score.score >= hints.PASS_AT else ("warn" if score.score else "fail")
    return "warn" if capped and status == "pass" else status


def _needs_route(s: ErrorSample) -> bool:
    return s.response.status == 401 or (
        s.kind in (NO_CREDENTIALS, BAD_TOKEN) and s.response.status in (401, 403)
    )


@check(
    id="errors.hints",
    title="Error texts tell an agent what to do next",
    failure_title="Error texts give an agent no next step",
    category="errors",
    weight=4,
    remediation="Write each error's detail as a next step: link its documentation (a dereferenceable "
    "problem type), say what to do in the imperative, name the exact "
    'flag/header/variable/parameter, give a caller without credentials a route ("see /auth.md", '
    '"POST /oauth/register", "rerun with `--temporary`"), and include a request id.',
    spec_links=(RFC9457, WRANGLER_MODEL),
    requires=("errors",),
    active_requires=("errors_malformed_json", "errors_burst"),
    active=True,
    passive=True,
    description="Scores the text of every provoked error (problem detail/title, message, error_description, "
    "structured members such as doc_url or request_id, WWW-Authenticate) one point for each of: a doc "
    "link, an imperative next step, a named token, a route for agents without credentials, a request "
    "id. Pass at 3+, warn at 1-2, fail at 0; a 401 without a credential route cannot pass. The least "
    "helpful error decides: an agent stuck there is stuck. Rules: docs/hints.md.",
    side_effects="With --active: as errors.machine-readable.",
)
def error_hints(a: Artifacts) -> Any:
    found: ErrorProbe | None = a["errors"]
    items = [
        s
        for s in samples(a)
        if not s.response.failed and ((s.response.status or 0) >= 400 or error_inside(_json_body(s.response)))
    ]
    if found is None or not items:
        return not_applicable(
            NO_API if found is None or not found.samples else "no provoked request got an error"
        )
    findings: list[Finding] = []
    rows = []
    seen_texts: dict[str, str] = {}
    for s in items:
        score = hints.score_response(s.response)
        capped = _needs_route(s) and not score.has("credential_route") and score.score >= hints.PASS_AT
        status = sample_status(score, capped)
        text = _excerpt(score.text or "(no text)")
        key = f"{s.response.status}|{score.text}|{sorted(score.labels().items())}"
        rows.append(
            {
                "request": s.label,
                "status": s.response.status,
                "text": text,
                "sample_status": status,
                "capped": capped,
                **score.as_dict(),
            }
        )
        if key in seen_texts:
            continue
        seen_texts[key] = s.label
        message = f'{s.label} → {s.response.status}: "{text}" — {score.summary()}'
        if capped:
            message += " (capped: a 401 must name a route to credentials)"
        fix = " ".join(score.fixes().values()) or None
        code = f"hints-{status}"
        level = {"pass": Level.PASS, "warn": Level.WARN, "fail": Level.FAIL}[status]
        findings.append(
            Finding(
                code=code,
                level=level,
                message=message,
                evidence=s.response.exchange_ids,
                fix=fix if level != Level.PASS else None,
            )
        )
    worst = min(r["score"] for r in rows)
    return verdict(
        findings,
        pass_summary=f"every error names a next step (lowest hint score {worst}/5)",
        warn_summary=f"some errors give only part of a next step (lowest hint score {worst}/5)",
        fail_summary="an error gives no next step at all (hint score 0/5)",
        details={"samples": rows, "pass_at": hints.PASS_AT},
    )


# --- errors.rate-limit --------------------------------------------------------------------------------------


def parse_retry_after(value: str) -> float | None:
    """Seconds from a Retry-After value (delay-seconds or HTTP-date, RFC 9110 §10.2.3); None when invalid."""
    value = value.strip()
    if re.fullmatch(r"\d+", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return 0.0  # a valid date; how far ahead depends on the Date header, not needed here


def _sf_list(value: str) -> http_sfv.List | None:
    lst = http_sfv.List()
    try:
        lst.parse(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None
    return lst


def rate_limit_headers(resp: Response) -> tuple[list[Finding], str | None]:
    """Findings on one response's rate-limit headers, and the family found (ietf/ratelimit/x-ratelimit)."""
    out: list[Finding] = []
    family = None
    policy = resp.headers.get("ratelimit-policy")
    current = resp.headers.get("ratelimit")
    if policy is not None or current is not None:
        family = "ietf"
        for name, value, required in (("RateLimit-Policy", policy, "q"), ("RateLimit", current, "r")):
            if value is None:
                continue
            lst = _sf_list(value)
            if lst is None or not len(lst):
                out.append(
                    concern(
                        "ratelimit-unparseable",
                        f"{name}: {value!r} is not a Structured Field list (RFC 9651)",
                        resp,
                        fix=f'Send e.g. {name}: "default";{required}=100',
                    )
                )
                continue
            bad = [str(item.value) for item in lst if not isinstance(item.params.get(required), int)]
            if bad:
                out.append(
                    concern(
                        "ratelimit-missing-param",
                        f"{name} item(s) {', '.join(bad)} lack the integer '{required}' parameter",
                        resp,
                        fix=f"Add ;{required}=<integer> to each item.",
                    )
                )
            else:
                out.append(good("ratelimit-ietf", f"{name}: {value}", resp))
    older = {n: resp.headers.get(f"ratelimit-{n}") for n in ("limit", "remaining", "reset")}
    if any(v is not None for v in older.values()):
        family = family or "ratelimit"
        out.append(
            good(
                "ratelimit-older-draft",
                "older draft headers: "
                + ", ".join(f"RateLimit-{k.title()}: {v}" for k, v in older.items() if v is not None),
                resp,
            )
        )
    x_headers = {n: v for n, v in resp.headers.items() if n.lower().startswith("x-ratelimit-")}
    if x_headers:
        family = family or "x-ratelimit"
        out.append(
            good(
                "ratelimit-x",
                "de-facto headers: " + ", ".join(f"{k}: {v}" for k, v in x_headers.items()),
                resp,
            )
        )
    return out, family


@check(
    id="errors.rate-limit",
    title="Rate limits are announced in headers; 429/503 carry Retry-After",
    failure_title="A 429/503 does not say when to retry",
    category="errors",
    weight=2,
    remediation='Send `RateLimit-Policy: "default";q=100;w=60` and `RateLimit: "default";r=99;t=30` '
    "(draft-ietf-httpapi-ratelimit-headers; older RateLimit-* or X-RateLimit-* are understood too) on "
    "API responses, and `Retry-After` (seconds or an HTTP-date) on every 429 and 503.",
    spec_links=(RATELIMIT_DRAFT, RFC9110_RETRY, "https://www.rfc-editor.org/rfc/rfc6585#section-4"),
    requires=("errors",),
    active_requires=("errors_burst",),
    active=True,
    passive=True,
    description="Passively reads rate-limit headers on the API responses the errors probe saw (IETF "
    "RateLimit/RateLimit-Policy Structured Fields, older RateLimit-Limit/-Remaining/-Reset, de-facto "
    "X-RateLimit-*) and Retry-After on any 429/503. With --active, sends at most 30 GETs in 5 s, "
    "stopping at the first 429, and requires Retry-After on it.",
    side_effects="With --active: up to 30 GETs in 5 s to one API URL (stops at the first 429).",
)
def rate_limit(a: Artifacts) -> Any:
    found: ErrorProbe | None = a["errors"]
    burst: BurstResult | None = a.get("errors_burst") if a.active else None
    if found is None or (found.api_base is None and found.protected_url is None):
        return not_applicable(NO_API)
    responses = [s.response for s in samples(a)] + list(found.others)
    if burst is not None:
        responses += burst.responses
    unique: dict[str, Response] = {}
    for r in responses:
        if not r.failed:
            unique.setdefault(r.exchange_id or str(id(r)), r)
    responses = list(unique.values())
    if not responses:
        return errored("no API response to read rate-limit headers from")
    findings: list[Finding] = []
    families: set[str] = set()
    header_findings: list[Finding] = []
    for r in responses:
        fs, fam = rate_limit_headers(r)
        if fam:
            families.add(fam)
            if not header_findings:
                header_findings = fs
    findings += header_findings
    if not families:
        findings.append(
            concern(
                "no-ratelimit-headers",
                f"none of {len(responses)} API responses announces a rate limit",
                *responses[:3],
                fix="Send RateLimit-Policy / RateLimit headers so an agent can pace itself.",
            )
        )
    checked_retry = 0
    for r in responses:
        if r.status in (429, 503):
            checked_retry += 1
            value = r.headers.get("retry-after")
            if value is None:
                findings.append(
                    problem(
                        "no-retry-after",
                        f"{r.status} on {_path(r.url)} without Retry-After",
                        r,
                        fix="Send Retry-After (seconds) with every 429 and 503.",
                    )
                )
            elif parse_retry_after(value) is None:
                findings.append(
                    problem(
                        "bad-retry-after",
                        f"Retry-After: {value!r} is neither seconds nor an HTTP-date",
                        r,
                        fix="Send Retry-After as an integer number of seconds.",
                    )
                )
            else:
                findings.append(good("retry-after", f"{r.status} with Retry-After: {value}", r))
    if burst is not None and burst.first_429 is None:
        findings.append(
            info(
                "no-429",
                f"{len(burst.responses)} requests in {burst.elapsed_s:g}s got no 429 "
                f"(stopped: {burst.stopped})",
                *burst.responses[-1:],
            )
        )
    elif burst is None:
        findings.append(
            info(
                "burst-not-run",
                "no burst was sent; rerun with --active to provoke a 429 and read its Retry-After",
            )
        )
    details = {
        "families": sorted(families),
        "responses_read": len(responses),
        "retry_after_checked": checked_retry,
    }
    return verdict(
        findings,
        pass_summary="rate limits are announced" + (" and 429 says when to retry" if checked_retry else ""),
        warn_summary="no rate-limit headers: an agent cannot pace itself",
        fail_summary="a 429/503 does not say when to retry",
        details=details,
    )


# --- errors.honest-status -----------------------------------------------------------------------------------


@check(
    id="errors.honest-status",
    title="Status codes are honest (no 200 errors, no HTML on API paths, no soft-404)",
    failure_title="Status codes hide errors (200 errors, HTML on API paths or soft-404s)",
    category="errors",
    weight=3,
    remediation="Answer a miss with 404, a missing credential with 401, a wrong method with 405, a client "
    "mistake with 4xx (not 500); never 200 with an error inside, never an HTML shell or a login "
    "redirect on API paths or /.well-known/ paths.",
    spec_links=(
        "https://www.rfc-editor.org/rfc/rfc9110#section-15",
        RFC9457,
        "https://www.rfc-editor.org/rfc/rfc8615",
    ),
    requires=("errors", "not_found"),
    active_requires=("errors_malformed_json",),
    active=True,
    passive=True,
    description="Reads the status of every provoked error and of a /.well-known/ path that cannot exist: a "
    "2xx with an error inside, HTML on an API path, a redirect to a login page, a soft-404 (2xx "
    "for a path that does not exist) or a 5xx for a client mistake fail.",
    side_effects="With --active: as errors.machine-readable (one malformed POST).",
)
def honest_status(a: Artifacts) -> Any:
    found: ErrorProbe | None = a["errors"]
    miss: Response | None = a["not_found"]
    findings: list[Finding] = []
    if miss is not None and not miss.failed:
        if miss.ok:
            findings.append(
                problem(
                    "well-known-soft-404",
                    f"GET {_path(miss.url)} (cannot exist) answered "
                    f"{_status_text(miss)}: every well-known document looks present",
                    miss,
                    fix="Answer unknown paths, above all under /.well-known/, with 404.",
                )
            )
        elif miss.status in (404, 410):
            findings.append(
                good("well-known-404", f"a /.well-known/ path that cannot exist gets {miss.status}", miss)
            )
        else:
            findings.append(
                info("well-known-miss", f"a /.well-known/ path that cannot exist gets {miss.status}", miss)
            )
    for s in samples(a) if found is not None else []:
        r = s.response
        if r.failed:
            continue
        status = r.status or 0
        where = f"{s.label}: {_status_text(r)}"
        if _is_login_redirect(r):
            findings.append(
                problem(
                    "login-redirect",
                    f"{s.label} was redirected to {r.redirects[-1][1]}",
                    r,
                    fix="Answer API requests without credentials with 401, not a login redirect.",
                )
            )
        elif 200 <= status < 300 and error_inside(_json_body(r)):
            findings.append(
                problem(
                    "error-in-200",
                    f"{where} with {error_inside(_json_body(r))}",
                    r,
                    fix="Send the error's real status (4xx/5xx).",
                )
            )
        elif s.api_path and r.looks_like_html and s.expects_error:
            code = "soft-404" if s.kind == UNKNOWN_PATH and r.ok else "html-on-api-path"
            findings.append(
                problem(
                    code,
                    f"{where}: HTML on an API path",
                    r,
                    fix="Serve JSON (problem+json) on API paths, with the error's real status.",
                )
            )
        elif 200 <= status < 300 and s.expects_error and s.kind == UNKNOWN_PATH:
            findings.append(
                problem(
                    "soft-404",
                    f"{where} for a path that cannot exist",
                    r,
                    fix="Answer unknown API paths with 404.",
                )
            )
        elif status >= 500 and s.expects_error and s.kind != RATE_LIMITED:
            findings.append(
                problem(
                    "server-error-for-client-error",
                    f"{where}: a server error for {KIND_TITLES.get(s.kind, s.kind)}",
                    r,
                    fix="Answer client mistakes with 4xx; 5xx tells an agent to retry the same request.",
                )
            )
        elif status >= 400:
            findings.append(good("honest-status", f"{where}", r))
    if not findings:
        if miss is None:
            return errored("the not_found probe did not run")
        return not_applicable("nothing to judge")
    return verdict(
        findings,
        pass_summary="errors use honest status codes",
        warn_summary="status codes are mostly honest",
        fail_summary="some answers hide an error behind their status code",
    )


CHECKS = collect(__name__)
