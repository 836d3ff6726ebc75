"""errors.rate-limit: rate limits announced in headers; 429/503 carry Retry-After."""

from __future__ import annotations

from typing import Any

from agent_ready.artifacts.errors import ERRORS, ERRORS_BURST, BurstResult, ErrorProbe
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
    problem,
    verdict,
)
from agent_ready.checks.errors._common import (
    NO_API,
    RATELIMIT_DRAFT,
    RFC9110_RETRY,
    samples,
    url_path,
)
from agent_ready.models import Finding
from agent_ready.parsers.ratelimit import parse_retry_after, parse_sf_list


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
            lst = parse_sf_list(value)
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


def _reset_from_ratelimit(r: Response) -> str | None:
    """A rate-limit header that says when the limit resets (draft RateLimit t=, RateLimit-Reset ...)."""
    current = r.headers.get("ratelimit")
    if current is not None and (lst := parse_sf_list(current)) is not None:
        for item in lst:
            if isinstance(item.params.get("t"), int):
                return f"RateLimit: {current}"
    for name in ("ratelimit-reset", "x-ratelimit-reset"):
        if (value := r.headers.get(name)) is not None and value.strip().isdigit():
            return f"{name}: {value}"
    return None


def _responses(a: Artifacts, found: ErrorProbe, burst: BurstResult | None) -> list[Response]:
    """Every answered API response the errors probes saw, each exchange once."""
    responses = [s.response for s in samples(a)] + list(found.others)
    if burst is not None:
        responses += burst.responses
    unique: dict[str, Response] = {}
    for r in responses:
        if not r.failed:
            unique.setdefault(r.exchange_id or str(id(r)), r)
    return list(unique.values())


def _retry_finding(r: Response) -> Finding:
    """RFC 6585 §4 / RFC 9110 §10.2.3: a 429 or 503 says when to retry, in a valid Retry-After."""
    value = r.headers.get("retry-after")
    reset = _reset_from_ratelimit(r)
    if value is None and reset:
        # RFC 6585 §4 and RFC 9110 §10.2.3 make Retry-After a MAY; a RateLimit reset says when to
        # retry too, so it is a permitted alternative, short of the catalogue's Retry-After.
        return concern(
            "retry-via-ratelimit-reset",
            f"{r.status} on {url_path(r.url)} without Retry-After; {reset} says when to retry",
            r,
            fix="Send Retry-After (seconds) too: every HTTP client understands it.",
        )
    if value is None:
        return problem(
            "no-retry-after",
            f"{r.status} on {url_path(r.url)} without Retry-After",
            r,
            fix="Send Retry-After (seconds) with every 429 and 503.",
        )
    if parse_retry_after(value) is None:
        return problem(
            "bad-retry-after",
            f"Retry-After: {value!r} is neither seconds nor an HTTP-date",
            r,
            fix="Send Retry-After as an integer number of seconds.",
        )
    return good("retry-after", f"{r.status} with Retry-After: {value}", r)


def _burst_finding(burst: BurstResult | None) -> Finding | None:
    if burst is None:
        return info(
            "burst-not-run",
            "no burst was sent; rerun with --active to provoke a 429 and read its Retry-After",
        )
    if burst.first_429 is None:
        return info(
            "no-429",
            f"{len(burst.responses)} requests in {burst.elapsed_s:g}s got no 429 (stopped: {burst.stopped})",
            *burst.responses[-1:],
        )
    return None


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
    requires=(ERRORS,),
    active_requires=(ERRORS_BURST,),
    active=True,
    passive=True,
    description="Passively reads rate-limit headers on the API responses the errors probe saw (IETF "
    "RateLimit/RateLimit-Policy Structured Fields, older RateLimit-Limit/-Remaining/-Reset, de-facto "
    "X-RateLimit-*) and Retry-After on any 429/503. With --active, sends at most 30 GETs in 5 s, "
    "in concurrent waves of up to 10 with none after the first 429, and requires Retry-After on it.",
    side_effects="With --active: up to 30 GETs in 5 s to one API URL, in waves of up to 10 (none after the "
    "first 429).",
    clauses=(
        clause(
            "RFC 6585 §4",
            "MAY",
            "a 429 may include Retry-After",
            "the catalogue asks for it: a 429/503 that says nothing about when fails; one whose "
            "RateLimit reset says when warns (the spec permits the alternative)",
        ),
        clause(
            "RFC 9110 §10.2.3",
            "MUST",
            "Retry-After is an HTTP-date or delay-seconds",
            "any other value fails",
        ),
        clause(
            "draft-ietf-httpapi-ratelimit-headers",
            "MUST",
            "RateLimit and RateLimit-Policy are Structured Field lists with q / r parameters",
            "unparseable fields or missing parameters warn; no rate-limit headers warns",
        ),
    ),
)
def rate_limit(a: Artifacts) -> Any:
    found: ErrorProbe | None = a[ERRORS]
    burst: BurstResult | None = a.get(ERRORS_BURST) if a.active else None
    if found is None or (found.api_base is None and found.protected_url is None):
        return not_applicable(NO_API)
    responses = _responses(a, found, burst)
    if not responses:
        return errored("no API response to read rate-limit headers from")
    findings: list[Finding | None] = []
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
    limited = [r for r in responses if r.status in (429, 503)]
    findings += [_retry_finding(r) for r in limited]
    findings.append(_burst_finding(burst))
    details = {
        "families": sorted(families),
        "responses_read": len(responses),
        "retry_after_checked": len(limited),
    }
    return verdict(
        findings,
        pass_summary="rate limits are announced" + (" and 429 says when to retry" if limited else ""),
        warn_summary="no rate-limit headers: an agent cannot pace itself",
        fail_summary="a 429/503 does not say when to retry",
        details=details,
    )
