"""errors.hints: error messages tell an agent what to do next."""

from __future__ import annotations

from typing import Any

from agent_ready.artifacts.errors import (
    BAD_TOKEN,
    ERRORS,
    ERRORS_BURST,
    ERRORS_MALFORMED_JSON,
    NO_CREDENTIALS,
    ErrorProbe,
    ErrorSample,
)
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    not_applicable,
    verdict,
)
from agent_ready.checks.errors._common import (
    NO_API,
    RFC9457,
    WRANGLER_MODEL,
    error_in_success,
    excerpt,
    samples,
)
from agent_ready.models import Finding, Level


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
    requires=(ERRORS,),
    active_requires=(ERRORS_MALFORMED_JSON, ERRORS_BURST),
    active=True,
    passive=True,
    description="Scores the text of every provoked error (problem detail/title, message, error_description, "
    "structured members such as doc_url or request_id, WWW-Authenticate) one point for each of: a doc "
    "link, an imperative next step, a named token, a route for agents without credentials, a request "
    "id. Pass at 3+, warn at 1-2, fail at 0; a 401 without a credential route cannot pass, and neither "
    "can an error whose only route is a human one (log in, a dashboard, contact sales): the route found, "
    "agent or human, is named. The least "
    "helpful error decides: an agent stuck there is stuck. Rules: docs/hints.md.",
    side_effects="With --active: as errors.machine-readable.",
    clauses=(
        clause(
            "standards E4",
            "catalogue",
            "an error names a doc link, an imperative, a named token, a route for an agent without "
            "credentials, a request id",
            "pass at 3+, warn at 1-2, fail at 0 (docs/hints.md)",
        ),
        clause(
            "standards E4",
            "catalogue",
            "a 401 names a route to credentials",
            "an authentication error without an agent route cannot pass",
        ),
        clause(
            "issue 9",
            "catalogue",
            "a human route (log in, a dashboard, contact sales) is not a route for an agent",
            "a text whose only route is human cannot pass; the route found is named",
        ),
    ),
)
def error_hints(a: Artifacts) -> Any:
    from agent_ready import hints  # its ~30 large patterns compile when errors are judged, not at list-checks

    found: ErrorProbe | None = a[ERRORS]
    items = [
        s
        for s in samples(a)
        if not s.response.failed and ((s.response.status or 0) >= 400 or error_in_success(s.response))
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
        status, cap = hints.grade(score, needs_route=_needs_route(s))
        capped = cap is not None
        text = excerpt(score.text or "(no text)")
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
        if cap:
            message += f" (capped: {cap})"
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
