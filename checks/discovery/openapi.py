"""discovery.openapi: an OpenAPI description an agent can find and use."""

from __future__ import annotations

from typing import Any

from agent_ready.artifacts.documents import body_is_html
from agent_ready.artifacts.openapi import OPENAPI, OpenAPIDescription, OpenAPIResult, Operation
from agent_ready.bounds import MAX_OPENAPI_LINKS, not_followed
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    failed,
    good,
    info,
    not_judged,
    problem,
    verdict,
)
from agent_ready.checks.discovery._common import missing_outcome
from agent_ready.models import Finding, Outcome


def _scheme_explains_credential(scheme: dict[str, Any]) -> bool:
    kind = str(scheme.get("type", "")).lower()
    if kind == "oauth2":
        flows = scheme.get("flows")
        if isinstance(flows, dict):
            return any(
                isinstance(f, dict) and (f.get("tokenUrl") or f.get("authorizationUrl"))
                for f in flows.values()
            )
        return bool(scheme.get("tokenUrl") or scheme.get("authorizationUrl"))  # Swagger 2.0
    if kind == "openidconnect":
        return bool(scheme.get("openIdConnectUrl"))
    return len(str(scheme.get("description", "")).strip()) >= 20  # http/apiKey: only prose can say how


def _declares_problem_json(op_responses: dict[str, Any]) -> bool:
    for code, response in op_responses.items():
        if not isinstance(response, dict) or not (str(code).startswith(("4", "5")) or code == "default"):
            continue
        content = response.get("content")
        if isinstance(content, dict) and any("problem+json" in k for k in content):
            return True
        if "$ref" in response and "problem" in str(response["$ref"]).lower():
            return True
    return False


def _not_found(result: OpenAPIResult) -> Outcome:
    """No description parsed: an invalid one fails, none at all is the family's "missing" outcome."""
    invalid = result.invalid()
    if invalid:
        return failed(
            "a description was found but does not parse as OpenAPI",
            *(
                problem(
                    "openapi-invalid",
                    f"{d.url}: {d.problem}",
                    d.evidence,
                    fix="Serve a valid OpenAPI 3.x document.",
                )
                for d in invalid
            ),
        )
    return missing_outcome(
        "OpenAPI description",
        "openapi",
        result.tried,
        "Publish an OpenAPI 3.x description and link it with rel=service-desc.",
    )


def _document_findings(result: OpenAPIResult, desc: OpenAPIDescription) -> list[Finding | None]:
    """How it was found and served, and the REQUIRED info members."""
    doc = desc.doc
    findings: list[Finding | None] = [
        good("openapi-found", f"OpenAPI {desc.version} at {doc.url} (via {desc.source})", doc.evidence)
    ]
    if result.unfollowed:
        findings.append(
            info(
                "openapi-links-bounded",
                not_followed("linked descriptions", MAX_OPENAPI_LINKS, result.unfollowed),
            )
        )
    if desc.source == "common-path":
        findings.append(
            info(
                "openapi-not-linked",
                "found only by guessing a common path; no Link header, api-catalog or llms.txt points at it",
            )
        )
    if desc.is_swagger2:
        findings.append(
            info("openapi-swagger2", "Swagger 2.0; OpenAPI 3.x describes auth flows and content types better")
        )
    if (
        doc.response is not None
        and body_is_html(doc.response) is False
        and doc.response.media_type == "text/html"
    ):
        findings.append(
            concern(
                "openapi-content-type",
                "served as text/html",
                doc.evidence,
                fix="Serve it as application/json (or application/yaml).",
            )
        )
    info_obj = desc.data.get("info")
    lacking = [k for k in ("title", "version") if not isinstance(info_obj, dict) or not info_obj.get(k)]
    if lacking:
        # OAS 3.x §4.8.1 / §4.8.2 (and Swagger 2.0): info, info.title and info.version are REQUIRED.
        findings.append(
            concern(
                "openapi-info-missing",
                f"the description has no info.{' and no info.'.join(lacking)} (REQUIRED by the OpenAPI "
                "Specification); validators and generators reject it",
                doc.evidence,
                fix='Add "info": {"title": "<API name>", "version": "<version>"}.',
            )
        )
    return findings


def _server_finding(desc: OpenAPIDescription, server: str | None) -> Finding:
    if server:
        return good("openapi-servers", f"server {server}")
    return concern(
        "openapi-no-servers",
        "no usable `servers` entry: an agent must guess the base URL",
        desc.doc.evidence,
        fix='Add "servers": [{"url": "https://api.example.com/v1"}].',
    )


def _security_finding(desc: OpenAPIDescription, ops: list[Operation]) -> Finding:
    """The security schemes say how an agent obtains a credential."""
    schemes = desc.security_schemes()
    explained = [
        name for name, s in schemes.items() if isinstance(s, dict) and _scheme_explains_credential(s)
    ]
    if explained:
        return good(
            "openapi-security-explained",
            f"security scheme(s) saying how to get a credential: {', '.join(explained)}",
        )
    if schemes or any(o.requires_auth for o in ops):
        return concern(
            "openapi-security-unexplained",
            "securitySchemes do not say how to obtain a "
            "credential (no oauth2 tokenUrl, no openIdConnectUrl, no description)",
            desc.doc.evidence,
            fix="Describe the oauth2 flows with tokenUrl, or explain in the "
            "scheme's description how an agent gets a key.",
        )
    return info("openapi-no-security", "no securitySchemes and no secured operation")


def _operation_findings(desc: OpenAPIDescription, ops: list[Operation]) -> list[Finding | None]:
    """Operations exist, each has an operationId and a summary, and errors are declared as problem+json."""
    ev = desc.doc.evidence
    if not ops:
        return [
            concern(
                "openapi-no-operations",
                "the description lists no operations",
                ev,
                fix="Describe the API's operations under `paths`.",
            )
        ]
    findings: list[Finding | None] = []
    unnamed = [f"{o.method} {o.path}" for o in ops if not o.operation_id]
    undescribed = [f"{o.method} {o.path}" for o in ops if not o.summary]
    if unnamed or undescribed:
        findings.append(
            concern(
                "openapi-operations-undocumented",
                f"{len(unnamed)} of {len(ops)} operation(s) lack an operationId, "
                f"{len(undescribed)} a summary (e.g. {(unnamed or undescribed)[0]})",
                ev,
                fix="Give every operation an operationId and a summary.",
            )
        )
    else:
        findings.append(
            good(
                "openapi-operations-documented",
                f"all {len(ops)} operation(s) have an operationId and a summary",
            )
        )
    with_errors = [o for o in ops if _declares_problem_json(o.responses())]
    if with_errors:
        findings.append(
            good(
                "openapi-problem-json",
                f"{len(with_errors)} of {len(ops)} operation(s) declare "
                "application/problem+json error responses",
            )
        )
    else:
        findings.append(
            concern(
                "openapi-no-problem-json",
                "no operation declares application/problem+json error responses",
                ev,
                fix="Declare 4xx responses with application/problem+json (RFC 9457) content.",
            )
        )
    return findings


@check(
    id="discovery.openapi",
    title="A parseable OpenAPI description is discoverable",
    failure_title="No parseable OpenAPI description found",
    category="discovery",
    weight=3,
    remediation="Publish an OpenAPI 3.x description (JSON or YAML) and link it: `Link: </openapi.json>; "
    'rel="service-desc"` on the home page and a service-desc in /.well-known/api-catalog. Give it servers, '
    "securitySchemes that say how to obtain a credential (oauth2 flows with tokenUrl), an operationId and "
    "summary per operation, and application/problem+json error responses.",
    spec_links=("https://spec.openapis.org/oas/v3.1.0", "https://www.rfc-editor.org/rfc/rfc8631"),
    requires=(OPENAPI,),
    description="Looks for the description via Link rel=service-desc, the api-catalog, llms.txt, then the "
    "common paths (/openapi.json, /openapi.yaml, /swagger.json, /v3/api-docs, /api/openapi.json), "
    "stopping at the first that parses as OpenAPI 3.x or Swagger 2.0, then judges servers, securitySchemes, "
    "operationId/summary coverage and problem+json error responses.",
    clauses=(
        clause(
            "OpenAPI 3.x / Swagger 2.0",
            "REQUIRED",
            "the openapi (or swagger) version member",
            "unparseable or without it fails",
        ),
        clause("OpenAPI 3.x §4.8.1-2", "REQUIRED", "info with title and version", "missing warns"),
        clause(
            "OpenAPI 3.x §4.8.5",
            "MAY",
            "servers, relative to the description's URL",
            "a relative server URL is resolved (a permitted alternative); no usable server warns",
        ),
        clause(
            "standards A8",
            "catalogue",
            "securitySchemes say how to get a credential; operationId and summary; problem+json errors",
            "gaps warn",
        ),
        not_judged(
            "RFC 8631 §4",
            "catalogue",
            "the description is linked by service-desc",
            "noted when found only by guessing a path",
        ),
        clause(
            "bounds",
            "catalogue",
            "linked descriptions tried",
            "at most 5 besides the common paths; the rest are named as not followed",
        ),
    ),
)
def openapi(a: Artifacts) -> Outcome:
    result: OpenAPIResult = a[OPENAPI]
    desc = result.description
    if desc is None:
        return _not_found(result)
    ops = list(desc.operations())
    server = desc.server_url()
    findings = [
        *_document_findings(result, desc),
        _server_finding(desc, server),
        _security_finding(desc, ops),
        *_operation_findings(desc, ops),
    ]
    return verdict(
        findings,
        pass_summary=f"OpenAPI {desc.version} with {len(ops)} operation(s)",
        warn_summary=f"OpenAPI {desc.version} found, with gaps",
        fail_summary="the OpenAPI description is not usable",
        details={
            "url": desc.doc.url,
            "source": desc.source,
            "version": desc.version,
            "operations": len(ops),
            "server": server,
        },
    )
