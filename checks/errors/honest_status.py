"""errors.honest-status: status codes say what happened."""

from __future__ import annotations

from typing import Any

from agent_ready.artifacts.errors import (
    ERRORS,
    ERRORS_MALFORMED_JSON,
    KIND_TITLES,
    RATE_LIMITED,
    UNKNOWN_PATH,
    ErrorProbe,
    ErrorSample,
)
from agent_ready.artifacts.http import NOT_FOUND, Response
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    errored,
    good,
    info,
    not_applicable,
    problem,
    verdict,
)
from agent_ready.checks.errors._common import (
    RFC9457,
    error_in_success,
    is_login_redirect,
    samples,
    status_text,
    url_path,
)
from agent_ready.models import Finding


def _well_known_finding(miss: Response | None) -> Finding | None:
    """A /.well-known/ path that cannot exist gets 404, or every well-known document looks present."""
    if miss is None or miss.failed:
        return None
    if miss.ok:
        return problem(
            "well-known-soft-404",
            f"GET {url_path(miss.url)} (cannot exist) answered "
            f"{status_text(miss)}: every well-known document looks present",
            miss,
            fix="Answer unknown paths, above all under /.well-known/, with 404.",
        )
    if miss.status in (404, 410):
        return good("well-known-404", f"a /.well-known/ path that cannot exist gets {miss.status}", miss)
    return info("well-known-miss", f"a /.well-known/ path that cannot exist gets {miss.status}", miss)


def _sample_finding(s: ErrorSample) -> Finding | None:
    """One provoked error: its status says what happened (no login redirect, no error in a 2xx, no 5xx for
    a client's mistake)."""
    r = s.response
    if r.failed:
        return None
    status = r.status or 0
    where = f"{s.label}: {status_text(r)}"
    if is_login_redirect(r):
        return problem(
            "login-redirect",
            f"{s.label} was redirected to {r.redirects[-1][1]}",
            r,
            fix="Answer API requests without credentials with 401, not a login redirect.",
        )
    if 200 <= status < 300 and error_in_success(r):
        return problem(
            "error-in-200",
            f"{where} with {error_in_success(r)}",
            r,
            fix="Send the error's real status (4xx/5xx).",
        )
    if s.api_path and r.looks_like_html and s.expects_error:
        code = "soft-404" if s.kind == UNKNOWN_PATH and r.ok else "html-on-api-path"
        return problem(
            code,
            f"{where}: HTML on an API path",
            r,
            fix="Serve JSON (problem+json) on API paths, with the error's real status.",
        )
    if 200 <= status < 300 and s.expects_error and s.kind == UNKNOWN_PATH:
        return problem(
            "soft-404", f"{where} for a path that cannot exist", r, fix="Answer unknown API paths with 404."
        )
    if status >= 500 and s.expects_error and s.kind != RATE_LIMITED:
        return problem(
            "server-error-for-client-error",
            f"{where}: a server error for {KIND_TITLES.get(s.kind, s.kind)}",
            r,
            fix="Answer client mistakes with 4xx; 5xx tells an agent to retry the same request.",
        )
    if status >= 400:
        return good("honest-status", f"{where}", r)
    return None


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
    requires=(ERRORS, NOT_FOUND),
    active_requires=(ERRORS_MALFORMED_JSON,),
    active=True,
    passive=True,
    description="Reads the status of every provoked error and of a /.well-known/ path that cannot exist: a "
    "2xx with an error inside, HTML on an API path, a redirect to a login page, a soft-404 (2xx "
    "for a path that does not exist) or a 5xx for a client mistake fail.",
    side_effects="With --active: as errors.machine-readable (one malformed POST).",
    clauses=(
        clause(
            "RFC 9110 §15.5.5",
            "MUST",
            "a resource that does not exist answers 404",
            "a 2xx for an unknown API path (soft-404) fails",
        ),
        clause(
            "RFC 8615 §3",
            "MUST",
            "an unknown well-known URI answers 404",
            "a 2xx for /.well-known/<nonsense> fails",
        ),
        clause(
            "RFC 9457 §3.1.3",
            "MUST",
            "a problem carries its real status",
            "problem+json or an error body in a 2xx fails",
        ),
        clause("RFC 9110 §15.6", "SHOULD", "5xx is for server errors", "a 5xx for a client mistake fails"),
    ),
)
def honest_status(a: Artifacts) -> Any:
    found: ErrorProbe | None = a[ERRORS]
    miss: Response | None = a[NOT_FOUND]
    judged = [
        _well_known_finding(miss),
        *(_sample_finding(s) for s in (samples(a) if found is not None else [])),
    ]
    findings = [f for f in judged if f is not None]
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
