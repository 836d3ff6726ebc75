"""Conformance tables for the errors.* checks: one row per cited clause, a conforming and a violating answer.

Each test id names the clause it pins (RFC and section, MUST/SHOULD/MAY). The verdicts are those of the check
as documented in its ``clauses`` metadata (docs/checks.md).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from agent_ready.artifacts.errors import BAD_TOKEN, NO_CREDENTIALS, UNKNOWN_PATH, ErrorProbe, ErrorSample
from agent_ready.artifacts.http import Response
from agent_ready.checks.errors.bearer_errors import bearer_errors
from agent_ready.checks.errors.honest_status import honest_status
from agent_ready.checks.errors.machine_readable import machine_readable
from agent_ready.checks.errors.rate_limit import rate_limit
from agent_ready.models import Status
from agent_ready.testing import fake_response, judge

API = "https://api.example.com/v1"
PROBLEM = "application/problem+json"
MISS_404 = fake_response(404, b"", url="https://api.example.com/.well-known/agent-ready-missing-7f3a9c")


def probe(*samples: ErrorSample) -> ErrorProbe:
    return ErrorProbe(
        api_base=API,
        api_base_source="openapi",
        protected_url=API + "/things",
        protected_source="openapi",
        samples=list(samples),
    )


def sample(kind: str, resp: Response) -> ErrorSample:
    return ErrorSample(kind, f"{kind} request", resp, sent_credentials=kind == BAD_TOKEN)


def problem_body(status: int | str, **extra: Any) -> str:
    return json.dumps(
        {
            "type": "https://api.example.com/errors/x",
            "title": "X",
            "status": status,
            "detail": "Do Y.",
            **extra,
        }
    )


def challenge(value: str, status: int = 401) -> Response:
    return fake_response(status, b"", headers={"WWW-Authenticate": value})


# --- errors.machine-readable / errors.honest-status: RFC 9457, RFC 9110 ---

MACHINE_READABLE = [
    # RFC 9457 §3: a problem details object, media type application/problem+json
    (
        "rfc9457-s3-problem-json-conforming",
        fake_response(401, problem_body(401), content_type=PROBLEM),
        "pass",
    ),
    (
        "rfc9457-s3-problem-json-violating-html",
        fake_response(401, "<html><body>401</body></html>", content_type="text/html"),
        "fail",
    ),
    # RFC 9457 §3.1.3 MUST: "generators MUST use the same status code in the actual HTTP response"
    (
        "rfc9457-s3.1.3-MUST-status-matches-conforming",
        fake_response(404, problem_body(404), content_type=PROBLEM),
        "pass",
    ),
    (
        "rfc9457-s3.1.3-MUST-status-matches-violating",
        fake_response(404, problem_body(400), content_type=PROBLEM),
        "fail",
    ),
    # RFC 9457 §3.1.3 MUST, and RFC 9110 §15.3: a problem is never a success
    (
        "rfc9457-s3.1.3-MUST-problem-in-2xx-violating",
        fake_response(200, problem_body(403), content_type=PROBLEM),
        "fail",
    ),
    (
        "rfc9457-s3.1.3-MUST-problem-in-2xx-without-status-violating",
        fake_response(200, json.dumps({"title": "Forbidden", "detail": "no"}), content_type=PROBLEM),
        "fail",
    ),
    # RFC 9457 §3.1.1: type is a URI reference (warn: consumers then treat it as about:blank)
    (
        "rfc9457-s3.1.1-type-uri-reference-violating",
        fake_response(
            400, json.dumps({"type": "not a uri", "status": 400, "detail": "x"}), content_type=PROBLEM
        ),
        "warn",
    ),
    # RFC 9110 §15.5: client errors are 4xx; a 200 carrying an error hides it
    (
        "rfc9110-s15.5-error-in-200-violating",
        fake_response(200, json={"ok": False, "error": "not_authed"}),
        "fail",
    ),
]


@pytest.mark.parametrize(
    ("clause", "resp", "expected"), MACHINE_READABLE, ids=[r[0] for r in MACHINE_READABLE]
)
def test_errors_machine_readable_conformance(clause: str, resp: Response, expected: str) -> None:
    out = judge(machine_readable, errors=probe(sample(NO_CREDENTIALS, resp)))
    assert out.status == Status(expected), (clause, out)


HONEST = [
    (
        "rfc9110-s15.5.5-404-unknown-path-conforming",
        UNKNOWN_PATH,
        fake_response(404, problem_body(404), content_type=PROBLEM),
        "pass",
    ),
    (
        "rfc9110-s15.5.5-404-unknown-path-violating-soft-404",
        UNKNOWN_PATH,
        fake_response(200, json={"items": []}),
        "fail",
    ),
    (
        "rfc9457-s3.1.3-MUST-problem-in-2xx-violating",
        NO_CREDENTIALS,
        fake_response(200, problem_body(401), content_type=PROBLEM),
        "fail",
    ),
    (
        "rfc9110-s15.6-5xx-for-client-error-violating",
        "wrong_method",
        fake_response(500, json={"message": "boom"}),
        "fail",
    ),
]


@pytest.mark.parametrize(("clause", "kind", "resp", "expected"), HONEST, ids=[r[0] for r in HONEST])
def test_errors_honest_status_conformance(clause: str, kind: str, resp: Response, expected: str) -> None:
    out = judge(honest_status, errors=probe(sample(kind, resp)), not_found=MISS_404)
    assert out.status == Status(expected), (clause, out)


def test_errors_honest_status_rfc8615_well_known_404_violating() -> None:
    spa = fake_response(200, "<!doctype html><div id=root></div>", content_type="text/html")
    out = judge(honest_status, errors=probe(sample(UNKNOWN_PATH, fake_response(404, b""))), not_found=spa)
    assert out.status == Status.FAIL


# --- errors.bearer-errors: RFC 6750 §3, §3.1; RFC 9110 §11.6.1 ---

BEARER = [
    # RFC 6750 §3.1: invalid_token -> 401
    ("rfc6750-s3.1-invalid_token-401-conforming", challenge('Bearer error="invalid_token"'), "pass"),
    (
        "rfc6750-s3.1-invalid_token-401-violating-403",
        fake_response(403, json={"message": "Forbidden"}),
        "fail",
    ),
    ("rfc6750-s3.1-invalid_token-401-violating-accepted", fake_response(200, json={"items": []}), "fail"),
    # RFC 6750 §3: the error attribute; RFC 9110 §11.6.1 quoted-string may hold commas
    (
        "rfc6750-s3-error-after-quoted-comma-conforming",
        challenge('Bearer error_description="token expired, Basic auth is off", error="invalid_token"'),
        "pass",
    ),
    # RFC 9110 §11.6.1: several challenges in one field; the Bearer one is read
    (
        "rfc9110-s11.6.1-several-challenges-conforming",
        challenge('Basic realm="x", Bearer realm="api", error="invalid_token"'),
        "pass",
    ),
    ("rfc6750-s3-error-code-violating-missing", challenge('Bearer realm="api"'), "warn"),
    ("rfc6750-s3.1-error-code-violating-wrong", challenge('Bearer error="invalid_request"'), "warn"),
]


@pytest.mark.parametrize(("clause", "resp", "expected"), BEARER, ids=[r[0] for r in BEARER])
def test_errors_bearer_errors_conformance(clause: str, resp: Response, expected: str) -> None:
    out = judge(bearer_errors, errors=probe(sample(BAD_TOKEN, resp)))
    assert out.status == Status(expected), (clause, out)


@pytest.mark.parametrize(
    ("clause", "no_creds", "expected"),
    [
        ("rfc6750-s3.1-SHOULD-NOT-error-without-credentials-conforming", 'Bearer realm="api"', "pass"),
        (
            "rfc6750-s3.1-SHOULD-NOT-error-without-credentials-violating",
            'Bearer error="invalid_token"',
            "warn",
        ),
    ],
)
def test_errors_bearer_errors_no_credentials_conformance(clause: str, no_creds: str, expected: str) -> None:
    bad = sample(BAD_TOKEN, challenge('Bearer error="invalid_token"'))
    out = judge(bearer_errors, errors=probe(sample(NO_CREDENTIALS, challenge(no_creds)), bad))
    assert out.status == Status(expected), (clause, out)


@pytest.mark.parametrize(
    ("clause", "status", "value", "expected"),
    [
        (
            "rfc6750-s3.1-insufficient_scope-403-scope-conforming",
            403,
            'Bearer error="insufficient_scope", scope="a b"',
            "pass",
        ),
        (
            "rfc6750-s3.1-insufficient_scope-403-violating-401",
            401,
            'Bearer error="insufficient_scope", scope="a"',
            "warn",
        ),
    ],
)
def test_errors_bearer_errors_insufficient_scope_conformance(
    clause: str, status: int, value: str, expected: str
) -> None:
    bad = sample(BAD_TOKEN, challenge('Bearer error="invalid_token"'))
    scoped = ErrorSample("scope", "scoped request", challenge(value, status))
    out = judge(bearer_errors, errors=probe(bad, scoped))
    assert out.status == Status(expected), (clause, out)


# --- errors.rate-limit: RFC 6585 §4, RFC 9110 §10.2.3, draft-ietf-httpapi-ratelimit-headers ---

RATE = [
    ("rfc6585-s4-MAY-retry-after-conforming", {"Retry-After": "30"}, "pass"),
    ("rfc9110-s10.2.3-retry-after-syntax-violating", {"Retry-After": "soon"}, "fail"),
    # a permitted alternative: the RateLimit field's t= says when the quota resets
    ("ratelimit-draft-t-parameter-permitted-alternative", {"RateLimit": '"default";r=0;t=30'}, "warn"),
    ("rfc6585-s4-nothing-says-when-violating", {}, "fail"),
]


@pytest.mark.parametrize(("clause", "headers", "expected"), RATE, ids=[r[0] for r in RATE])
def test_errors_rate_limit_conformance(clause: str, headers: dict[str, str], expected: str) -> None:
    hdrs = {"RateLimit-Policy": '"default";q=10;w=60', **headers}
    resp = fake_response(429, json={"message": "slow down"}, headers=hdrs)
    out = judge(rate_limit, errors=probe(sample(UNKNOWN_PATH, resp)))
    assert out.status == Status(expected), (clause, out)
