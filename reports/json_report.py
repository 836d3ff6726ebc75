"""The JSON report: a versioned contract, validated against ``schema/report.schema.json``.

``schema_version`` is MAJOR.MINOR: a minor bump only adds optional fields; a major bump may break readers.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from agent_ready.capabilities import assess
from agent_ready.models import CheckResult, Exchange, Finding, JourneyStep
from agent_ready.reports import fix_prompt
from agent_ready.scoring import CATEGORIES, GRADE_BANDS, JOURNEY_CLAIMS, grade_meaning

# Writing a report needs neither the engine nor jsonschema (a large import); validating one does.
if TYPE_CHECKING:
    import referencing

    from agent_ready.engine import ScanReport

# 1.1: journey steps cite finding codes (`findings`); 1.2: failing/warning checks carry `score_impact` and
# `fix_prompt`; score.verified, score.unverified (journey coverage); 1.4: exchanges carry `http_version`.
SCHEMA_VERSION = "1.4"
SCHEMA_ID = "https://agent-ready.dev/schema/report-1.json"
MEDIA_TYPE = "application/json"


def _finding(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": f.code,
        "level": f.level.value,
        "message": f.message,
        "evidence": list(f.evidence),
    }
    if f.fix:
        out["fix"] = f.fix
    return out


def _check(r: CheckResult, impacts: dict[str, float]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.id,
        "title": r.title,
        "category": r.category,
        "status": r.status.value,
        "score": r.score,
        "weight": r.weight,
        "active": r.active,
        "summary": r.summary,
        "reason": r.reason,
        "findings": [_finding(f) for f in r.findings],
        "remediation": r.remediation,
        "spec_links": list(r.spec_links),
        "details": r.details,
        "duration_ms": r.duration_ms,
        "plugin": r.plugin,
        "side_effects": r.side_effects,
    }
    if r.id in impacts:
        out["score_impact"] = impacts[r.id]
    return out


def _exchange(e: Exchange) -> dict[str, Any]:
    return {k: v for k, v in asdict(e).items()}


def _step(s: JourneyStep) -> dict[str, Any]:
    return asdict(s) | {"exchanges": list(s.exchanges), "findings": list(s.findings)}


def scrub(text: str, secrets: frozenset[str]) -> str:
    """Last line of defence: no secret the scan obtained survives into any rendering."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    return text


def to_dict(report: ScanReport) -> dict[str, Any]:
    score = report.score
    doc: dict[str, Any] = {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "tool": {
            "name": "agent-ready",
            "version": report.tool_version,
            "user_agent": report.user_agent,
            "plugins": [asdict(p) | {"checks": list(p.checks)} for p in report.plugins],
        },
        "target": {
            "kind": "url",
            "url": report.target.url,
            "origin": report.target.origin,
            "host": report.target.host,
            "is_loopback": report.target.is_loopback,
            "address_class": report.target.address_class,
        },
        "started_at": report.started_at,
        "finished_at": report.finished_at,
        "duration_ms": report.duration_ms,
        "settings": report.settings.as_dict(),
        "score": {
            "overall": score.overall,
            "grade": score.grade,
            "grade_meaning": grade_meaning(score.grade, score.unverified),
            "verified": score.verified,
            "unverified": [
                {"id": c.id, "title": c.title, "checks": list(c.checks)}
                for c in JOURNEY_CLAIMS
                if c.id in score.unverified
            ],
            "scoring_version": score.scoring_version,
            "coverage": score.coverage,
            "grade_bands": [{"min": floor, "grade": g, "meaning": m} for floor, g, m in GRADE_BANDS],
        },
        "categories": [
            {
                "id": c.id,
                "title": c.title,
                "question": next((k.question for k in CATEGORIES if k.id == c.id), ""),
                "weight": c.weight,
                "score": c.score,
                "counts": c.counts,
                "checks": list(c.check_ids),
            }
            for c in score.categories
        ],
        "capabilities": [asdict(v) | {"check_ids": list(v.check_ids)} for v in assess(report.results)],
        "checks": [_check(r, score.impacts) for r in report.results],
        "journey": [_step(s) for s in report.journey],
        "exchanges": [_exchange(e) for e in report.exchanges],
        "run_warnings": list(report.run_warnings),
        "runtime_error": report.runtime_error,
    }
    if report.created or getattr(report.settings, "active", False):
        doc["created"] = list(report.created)
    if report.command is not None:
        doc["target"] = {"kind": "cli", "command": list(report.command)}
    exchanges = {e["id"]: e for e in doc["exchanges"]}
    for check in doc["checks"]:
        if check["status"] in ("fail", "warn"):
            check["fix_prompt"] = fix_prompt.build(
                check, doc["target"], exchanges, bool(getattr(report.settings, "active", False))
            )
    if report.secrets:
        doc = json.loads(scrub(json.dumps(doc), report.secrets))
    return doc


def dumps(report: ScanReport) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(
        files("agent_ready.reports").joinpath("schema/report.schema.json").read_text(encoding="utf-8")
    )


def validate(doc: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError if ``doc`` breaks the contract."""
    import jsonschema

    jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker()).validate(doc)


def errors(doc: dict[str, Any]) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(doc)
    ]


def schema_registry() -> referencing.Registry[Any]:
    """The report schema under its ``$id``, for validators that follow a report's ``$schema`` field: the
    URI resolves from the installed package, never over the network (the 2020-12 meta-schema the schema
    itself names ships with jsonschema)."""
    import referencing
    import referencing.jsonschema

    resource = referencing.Resource.from_contents(
        schema(), default_specification=referencing.jsonschema.DRAFT202012
    )
    return referencing.Registry().with_resource(SCHEMA_ID, resource)


def schema_for(uri: str) -> dict[str, Any]:
    """The schema a report's ``$schema`` names; LookupError for a URI that is not ours."""
    import referencing.exceptions

    try:
        contents: dict[str, Any] = schema_registry().contents(uri)
    except referencing.exceptions.NoSuchResource:
        raise LookupError(f"not an agent-ready report schema: {uri}") from None
    return contents
