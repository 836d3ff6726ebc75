"""errors.* checks on literal responses (real-world shapes from tests/data/error_texts.json), reference."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from agent_ready import hints
from agent_ready.artifacts.errors import (
    ACCEPT_JSON,
    BAD_TOKEN,
    NO_CREDENTIALS,
    UNKNOWN_PATH,
    WRONG_METHOD,
    BurstResult,
    ErrorProbe,
    ErrorSample,
)
from agent_ready.artifacts.http import Response
from agent_ready.checks.errors.bearer_errors import bearer_errors
from agent_ready.checks.errors.error_hints import error_hints
from agent_ready.checks.errors.honest_status import honest_status
from agent_ready.checks.errors.machine_readable import machine_readable
from agent_ready.checks.errors.rate_limit import rate_limit
from agent_ready.models import Status
from agent_ready.reference import ReferenceServer
from agent_ready.testing import fake_response, judge

API = "https://api.example.com/v1"
PROBLEM = "application/problem+json"
CHALLENGE = 'Bearer resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/v1"'


def found(
    *samples: ErrorSample, api_base: str | None = API, protected: str | None = API + "/things"
) -> ErrorProbe:
    return ErrorProbe(
        api_base=api_base,
        api_base_source="openapi" if api_base else None,
        protected_url=protected,
        protected_source="openapi" if protected else None,
        samples=list(samples),
    )


def sample(kind: str, resp: Response, **kw: Any) -> ErrorSample:
    return ErrorSample(kind, f"{kind} request", resp, **kw)


def problem_json(status: int, detail: str, **extra: Any) -> Response:
    body = {
        "type": "https://api.example.com/docs/errors#x",
        "title": "Error",
        "status": status,
        "detail": detail,
        **extra,
    }
    return fake_response(status, json.dumps(body), content_type=PROBLEM)


GOOD_401_DETAIL = (
    "Send `Authorization: Bearer <token>`. No token yet? Register at POST "
    "https://api.example.com/oauth/register or follow https://api.example.com/auth.md."
)

# Real-world shapes, copied from tests/data/error_texts.json (provenance there).
STRIPE_INVALID_KEY = {
    "error": {
        "type": "invalid_request_error",
        "message": "Invalid API Key provided: sk_test_********************1234",
    }
}  # stripe-invalid-api-key
GITHUB_BAD_CREDENTIALS = {
    "message": "Bad credentials",
    "documentation_url": "https://docs.github.com/rest",
    "status": "401",
}  # github-rest-bad-credentials
SLACK_NOT_AUTHED = {"ok": False, "error": "not_authed"}  # slack-not-authed (HTTP 200)
NGINX_401 = (
    "<html>\n<head><title>401 Authorization Required</title></head>\n<body>\n<center><h1>401 "
    "Authorization Required</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>"
)  # nginx-401-html
STRIPE_NO_KEY = {
    "error": {
        "message": "You did not provide an API key. You need to provide your API key in the "
        "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
        "https://stripe.com/docs/api#authentication for details, or we can help at "
        "https://support.stripe.com/.",
        "type": "invalid_request_error",
    }
}  # stripe-no-api-key


# --- errors.machine-readable --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resp", "status", "code"),
    [
        (problem_json(401, "Send a token."), Status.PASS, "problem-json"),
        (fake_response(401, json=STRIPE_INVALID_KEY), Status.WARN, "json-code-and-message"),
        (fake_response(401, json=GITHUB_BAD_CREDENTIALS), Status.WARN, "json-message-only"),
        (
            fake_response(
                404,
                json={"type": "https://x/errors#nf", "title": "Not Found", "status": 400},
                content_type=PROBLEM,
            ),
            Status.FAIL,
            "problem-status-mismatch",  # RFC 9457 §3.1.3: MUST use the same status (issue 9)
        ),
        (fake_response(401, NGINX_401, content_type="text/html"), Status.FAIL, "html-error"),
        (fake_response(200, json=SLACK_NOT_AUTHED), Status.FAIL, "error-in-200"),
        (fake_response(404, b""), Status.FAIL, "empty-error"),
        (
            fake_response(401, "Unauthorized", content_type="text/plain; charset=utf-8"),
            Status.FAIL,
            "text-error",
        ),
        (
            fake_response(401, b"", headers={"WWW-Authenticate": CHALLENGE}),
            Status.WARN,
            "empty-body-challenge-only",
        ),
        (
            fake_response(
                403,
                "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
                "<RequestId>7BMJM8PWV1J1FNEH</RequestId></Error>",
                content_type="application/xml",
            ),
            Status.WARN,
            "xml-code-and-message",
        ),
    ],
)
def test_machine_readable(resp: Response, status: Status, code: str) -> None:
    out = judge(machine_readable, errors=found(sample(NO_CREDENTIALS, resp)))
    assert out.status == status, out
    assert code in [f.code for f in out.findings]


def test_machine_readable_worst_sample_decides() -> None:
    out = judge(
        machine_readable,
        errors=found(
            sample(NO_CREDENTIALS, problem_json(401, "x")),
            sample(UNKNOWN_PATH, fake_response(404, NGINX_401, content_type="text/html")),
        ),
    )
    assert out.status == Status.FAIL
    assert [s["verdict"] for s in out.details["samples"]] == ["problem-json", "html-error"]


def test_machine_readable_html_unless_json_is_asked_warns() -> None:
    url = API + "/things"
    html = fake_response(401, NGINX_401, content_type="text/html", url=url)
    negotiated = fake_response(401, json={"error": "unauthorized", "message": "Send a token."}, url=url)
    out = judge(machine_readable, errors=found(sample(NO_CREDENTIALS, html), sample(ACCEPT_JSON, negotiated)))
    assert out.status == Status.WARN
    assert [f.code for f in out.findings] == ["html-unless-json-asked", "json-code-and-message"]


def test_machine_readable_login_redirect_fails() -> None:
    resp = dataclasses.replace(
        fake_response(200, "<html><form>login</form></html>", content_type="text/html"),
        redirects=((302, "https://api.example.com/login?next=/v1/things"),),
    )
    out = judge(machine_readable, errors=found(sample(NO_CREDENTIALS, resp)))
    assert out.status == Status.FAIL and out.findings[0].code == "redirect-to-login"


def test_machine_readable_html_outside_an_api_only_warns() -> None:
    resp = fake_response(404, "<html><body>Page not found</body></html>", content_type="text/html")
    out = judge(
        machine_readable,
        errors=found(sample(UNKNOWN_PATH, resp, api_path=False), api_base=None, protected=None),
    )
    assert out.status == Status.WARN and out.findings[0].code == "html-error-outside-api"


def test_machine_readable_error_and_not_applicable() -> None:
    assert judge(machine_readable, errors=found()).status == Status.NOT_APPLICABLE
    out = judge(machine_readable, errors=found(sample(UNKNOWN_PATH, fake_response(None))))
    assert out.status == Status.ERROR


# --- errors.bearer-errors -----------------------------------------------------------------------------------


def bad_token(resp: Response, no_creds: Response | None = None) -> ErrorProbe:
    items = [sample(BAD_TOKEN, resp, sent_credentials=True)]
    if no_creds is not None:
        items.insert(0, sample(NO_CREDENTIALS, no_creds))
    return found(*items)


@pytest.mark.parametrize(
    ("resp", "status", "code"),
    [
        (
            fake_response(
                401,
                b"",
                headers={
                    "WWW-Authenticate": 'Bearer realm="example", error="invalid_token", '
                    'error_description="The access token expired"'
                },
            ),
            Status.PASS,
            "invalid-token",
        ),  # RFC 6750 §3 example (corpus: rfc6750-invalid-token-expired)
        (
            fake_response(401, b"", headers={"WWW-Authenticate": 'Bearer realm="example"'}),
            Status.WARN,
            "no-error-code",
        ),
        (fake_response(401, json=GITHUB_BAD_CREDENTIALS), Status.WARN, "no-bearer-challenge"),
        (
            fake_response(401, b"", headers={"WWW-Authenticate": 'Bearer error="invalid_request"'}),
            Status.WARN,
            "wrong-error-code",
        ),
        (fake_response(403, json={"message": "Forbidden resource"}), Status.FAIL, "bad-token-403"),
        (fake_response(200, json={"items": []}), Status.FAIL, "bad-token-accepted"),
        (fake_response(500, "<html>oops</html>", content_type="text/html"), Status.FAIL, "bad-token-status"),
    ],
)
def test_bearer_errors(resp: Response, status: Status, code: str) -> None:
    out = judge(bearer_errors, errors=bad_token(resp))
    assert out.status == status, out
    assert code in [f.code for f in out.findings]


def test_bearer_error_code_without_credentials_is_a_concern() -> None:
    good = fake_response(401, b"", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    chatty = fake_response(401, b"", headers={"WWW-Authenticate": 'Bearer error="invalid_token", realm="x"'})
    out = judge(bearer_errors, errors=bad_token(good, no_creds=chatty))
    assert out.status == Status.WARN
    assert "error-without-credentials" in [f.code for f in out.findings]


def test_bearer_not_applicable_and_error() -> None:
    assert judge(bearer_errors, errors=found()).status == Status.NOT_APPLICABLE
    assert judge(bearer_errors, errors=bad_token(fake_response(None))).status == Status.ERROR


# --- errors.hints -------------------------------------------------------------------------------------------


def test_hints_pass_quotes_text_and_marks_elements() -> None:
    resp = problem_json(401, GOOD_401_DETAIL, request_id="req_0123456789")
    out = judge(error_hints, errors=found(sample(NO_CREDENTIALS, resp)))
    assert out.status == Status.PASS
    msg = out.findings[0].message
    assert "Send `Authorization: Bearer <token>`" in msg and "found 5/5" in msg
    row = out.details["samples"][0]
    assert row["score"] == 5 and row["missing"] == []


def test_hints_warn_github_bad_credentials() -> None:
    out = judge(
        error_hints, errors=found(sample(NO_CREDENTIALS, fake_response(401, json=GITHUB_BAD_CREDENTIALS)))
    )
    assert out.status == Status.WARN
    finding = out.findings[0]
    assert finding.code == "hints-warn" and "'https://docs.github.com/rest'" in finding.message
    assert "route for an agent without credentials" in finding.message and finding.fix


def test_hints_401_without_route_is_capped() -> None:
    out = judge(error_hints, errors=found(sample(NO_CREDENTIALS, fake_response(401, json=STRIPE_NO_KEY))))
    assert out.details["samples"][0]["score"] == 3
    assert out.status == Status.WARN and "capped" in out.findings[0].message


def test_hints_fail_bare_unauthorized() -> None:
    resp = fake_response(401, "Unauthorized", content_type="text/plain; charset=utf-8")  # express-sendstatus
    out = judge(
        error_hints,
        errors=found(
            sample(NO_CREDENTIALS, resp),
            sample(UNKNOWN_PATH, problem_json(404, "See https://x.dev/docs/api.")),
        ),
    )
    assert out.status == Status.FAIL
    assert [f.code for f in out.findings] == ["hints-fail", "hints-warn"]


# The pass/warn boundary of standards E4, on a sample that needs no route (a 400 on a resource): three
# elements pass, two warn, one warns, none fails. The texts are chosen so each adds one element.
MISSING_FIELD = 'Missing field "name".'  # a named token
ADD_IT = MISSING_FIELD + ' Add "name" to the JSON body and retry.'  # + an imperative
SEE_DOCS = ADD_IT + " See https://docs.example.com/errors/missing-field"  # + a documentation link


@pytest.mark.parametrize(
    ("text", "score", "status"),
    [
        (SEE_DOCS, hints.PASS_AT, Status.PASS),
        (ADD_IT, hints.PASS_AT - 1, Status.WARN),
        (MISSING_FIELD, 1, Status.WARN),
        ("Bad request", 0, Status.FAIL),
    ],
)
def test_hints_pass_warn_boundary(text: str, score: int, status: Status) -> None:
    resp = fake_response(400, json.dumps({"error": text}), content_type="application/json")
    out = judge(error_hints, errors=found(sample(UNKNOWN_PATH, resp)))
    row = out.details["samples"][0]
    assert row["score"] == score and not row["capped"]
    assert out.status == status and out.details["pass_at"] == 3
    assert row["sample_status"] == status.value


def test_hints_error_in_200_is_scored_and_not_applicable_without_errors() -> None:
    out = judge(error_hints, errors=found(sample(NO_CREDENTIALS, fake_response(200, json=SLACK_NOT_AUTHED))))
    assert out.status == Status.FAIL
    ok = judge(error_hints, errors=found(sample(ACCEPT_JSON, fake_response(200, json={"items": []}))))
    assert ok.status == Status.NOT_APPLICABLE


# --- errors.rate-limit --------------------------------------------------------------------------------------


def api(resp: Response, kind: str = UNKNOWN_PATH) -> ErrorProbe:
    return found(sample(kind, resp))


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        (
            {"RateLimit-Policy": '"default";q=100;w=60', "RateLimit": '"default";r=99;t=30'},
            Status.PASS,
            "ratelimit-ietf",
        ),
        (
            {"RateLimit-Limit": "100", "RateLimit-Remaining": "99", "RateLimit-Reset": "30"},
            Status.PASS,
            "ratelimit-older-draft",
        ),
        (
            {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "59"},
            Status.PASS,
            "ratelimit-x",
        ),  # GitHub style
        ({"RateLimit": "limit=100, remaining=99"}, Status.WARN, "ratelimit-unparseable"),
        ({"RateLimit-Policy": '"default";w=60'}, Status.WARN, "ratelimit-missing-param"),
        ({}, Status.WARN, "no-ratelimit-headers"),
    ],
)
def test_rate_limit_headers(headers: dict[str, str], status: Status, code: str) -> None:
    out = judge(
        rate_limit,
        errors=api(
            problem_json(404, "x")
            if not headers
            else fake_response(404, json={"message": "Not Found"}, headers=headers)
        ),
    )
    assert out.status == status, out
    assert code in [f.code for f in out.findings]


@pytest.mark.parametrize(
    ("retry_after", "status", "code"),
    [
        # RFC 6585 §4: Retry-After is a MAY; RateLimit t= says when to retry (a permitted alternative)
        (None, Status.WARN, "retry-via-ratelimit-reset"),
        ("soon", Status.FAIL, "bad-retry-after"),
        ("Wed, 21 Oct 2026 07:28:00 GMT", Status.PASS, "retry-after"),
        ("120", Status.PASS, "retry-after"),
    ],
)
def test_rate_limit_retry_after_on_429(retry_after: str | None, status: Status, code: str) -> None:
    headers = {"RateLimit-Policy": '"default";q=10;w=1', "RateLimit": '"default";r=0;t=1'}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    resp = fake_response(429, json={"message": "API rate limit exceeded"}, headers=headers)
    out = judge(rate_limit, errors=api(resp))
    assert out.status == status, out
    assert code in [f.code for f in out.findings]


def test_rate_limit_429_saying_nothing_about_when_fails() -> None:
    resp = fake_response(429, json={"message": "API rate limit exceeded"})
    out = judge(rate_limit, errors=api(resp))
    assert out.status == Status.FAIL and "no-retry-after" in [f.code for f in out.findings]


def test_rate_limit_active_burst() -> None:
    ok = fake_response(200, json={"items": []}, headers={"RateLimit": '"d";r=1;t=1'})
    limited = fake_response(429, json={"title": "slow down"}, headers={"Retry-After": "2"})
    burst = BurstResult(API + "/things", [ok, limited], limited, 0.1, "429")
    out = judge(rate_limit, active=True, errors=api(problem_json(404, "x")), errors_burst=burst)
    assert out.status == Status.PASS and "retry-after" in [f.code for f in out.findings]
    quiet = BurstResult(API + "/things", [ok] * 3, None, 0.1, "max-requests")
    out = judge(rate_limit, active=True, errors=api(ok), errors_burst=quiet)
    assert out.status == Status.PASS and "no-429" in [f.code for f in out.findings]


def test_rate_limit_not_applicable_without_api() -> None:
    out = judge(
        rate_limit,
        errors=found(
            sample(UNKNOWN_PATH, problem_json(404, "x"), api_path=False), api_base=None, protected=None
        ),
    )
    assert out.status == Status.NOT_APPLICABLE


# --- errors.honest-status -----------------------------------------------------------------------------------

MISS_404 = fake_response(404, b"", url="https://api.example.com/.well-known/agent-ready-missing-7f3a9c")


@pytest.mark.parametrize(
    ("resp", "kind", "status", "code"),
    [
        (problem_json(404, "x"), UNKNOWN_PATH, Status.PASS, "honest-status"),
        (fake_response(200, json=SLACK_NOT_AUTHED), NO_CREDENTIALS, Status.FAIL, "error-in-200"),
        (
            fake_response(401, NGINX_401, content_type="text/html"),
            NO_CREDENTIALS,
            Status.FAIL,
            "html-on-api-path",
        ),
        (
            fake_response(200, "<!doctype html><div id=root></div>", content_type="text/html"),
            UNKNOWN_PATH,
            Status.FAIL,
            "soft-404",
        ),
        (fake_response(200, json={"items": []}), UNKNOWN_PATH, Status.FAIL, "soft-404"),
        (
            fake_response(500, json={"message": "Internal Server Error"}),
            WRONG_METHOD,
            Status.FAIL,
            "server-error-for-client-error",
        ),
    ],
)
def test_honest_status(resp: Response, kind: str, status: Status, code: str) -> None:
    out = judge(honest_status, errors=found(sample(kind, resp)), not_found=MISS_404)
    assert out.status == status, out
    assert code in [f.code for f in out.findings]


def test_honest_status_well_known_soft_404() -> None:
    spa = fake_response(200, "<!doctype html><div id=root></div>", content_type="text/html")
    out = judge(honest_status, errors=found(sample(UNKNOWN_PATH, problem_json(404, "x"))), not_found=spa)
    assert out.status == Status.FAIL and out.findings[0].code == "well-known-soft-404"


def test_honest_status_login_redirect() -> None:
    resp = dataclasses.replace(
        fake_response(200, "<html>Sign in</html>", content_type="text/html"),
        redirects=((302, "https://id.example.com/signin"),),
    )
    out = judge(honest_status, errors=found(sample(NO_CREDENTIALS, resp)), not_found=MISS_404)
    assert out.status == Status.FAIL and "login-redirect" in [f.code for f in out.findings]


# --- integration with the reference service -----------------------------------------------------------------

ERROR_CHECKS = (
    "errors.machine-readable",
    "errors.bearer-errors",
    "errors.hints",
    "errors.rate-limit",
    "errors.honest-status",
)


def statuses(report: Any) -> dict[str, Status]:
    return {r.id: r.status for r in report.results if r.id in ERROR_CHECKS}


def test_good_reference_passes_every_error_check(
    reference: ReferenceServer, run_scan: Callable[..., Any]
) -> None:
    report = run_scan(reference.url + "/", only=["errors"])
    assert statuses(report) == dict.fromkeys(ERROR_CHECKS, Status.PASS), [
        (r.id, r.summary) for r in report.results if r.status != Status.PASS and r.id in ERROR_CHECKS
    ]
    assert not any(e.status == 429 for e in report.exchanges), "a passive scan must not meet the rate limit"


def test_good_reference_active(
    reference_factory: Callable[..., ReferenceServer], run_scan: Callable[..., Any]
) -> None:
    server = reference_factory()
    report = run_scan(server.url + "/", only=["errors"], active=True)
    assert statuses(report) == dict.fromkeys(ERROR_CHECKS, Status.PASS)
    limit = report.result("errors.rate-limit")
    assert "retry-after" in [f.code for f in limit.findings]
    assert sum(1 for e in report.exchanges if e.probe == "errors_burst") <= 30
    assert any(
        s["request"].endswith("truncated JSON body") and s["status"] == 400
        for s in report.result("errors.machine-readable").details["samples"]
    )


def test_bare_reference_fails(bare: ReferenceServer, run_scan: Callable[..., Any]) -> None:
    got = statuses(run_scan(bare.url + "/", only=["errors"]))
    assert got["errors.machine-readable"] == Status.FAIL
    assert got["errors.hints"] == Status.FAIL
    assert got["errors.honest-status"] == Status.FAIL
    assert got["errors.bearer-errors"] == Status.NOT_APPLICABLE  # no protected endpoint to send a token to
    assert got["errors.rate-limit"] == Status.NOT_APPLICABLE  # no API to read headers from


@pytest.mark.parametrize(
    ("flaw", "check_id", "status", "active"),
    [
        ("hintless-errors", "errors.hints", Status.FAIL, False),
        ("json-errors", "errors.machine-readable", Status.WARN, False),
        ("errors-as-200", "errors.honest-status", Status.FAIL, False),
        ("errors-as-200", "errors.machine-readable", Status.FAIL, False),
        ("no-rate-limit-headers", "errors.rate-limit", Status.WARN, False),
        # its RateLimit header still says when to retry: a permitted alternative (RFC 6585 §4), so warn
        ("no-retry-after", "errors.rate-limit", Status.WARN, True),
    ],
)
def test_reference_flaws(
    flaw: str,
    check_id: str,
    status: Status,
    active: bool,
    reference_factory: Callable[..., ReferenceServer],
    run_scan: Callable[..., Any],
) -> None:
    server = reference_factory(flaws={flaw})
    report = run_scan(server.url + "/", only=["errors"], active=active)
    assert report.result(check_id).status == status, report.result(check_id).summary
