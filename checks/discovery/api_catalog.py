"""discovery.api-catalog: the RFC 9727 API catalog."""

from __future__ import annotations

from agent_ready.artifacts.discovery import API_CATALOG, LINKSET_TYPE, RFC9727_PROFILE, ApiCatalog
from agent_ready.artifacts.openapi import OPENAPI, OpenAPIResult
from agent_ready.bounds import MAX_API_CATALOG_LINKS, not_followed
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    failed,
    good,
    info,
    problem,
    verdict,
)
from agent_ready.checks.discovery._common import missing_outcome
from agent_ready.models import Finding, Outcome


def _media_finding(catalog: ApiCatalog) -> Finding:
    """RFC 9727 §4: application/linkset+json, with the RFC 9727 profile parameter."""
    doc = catalog.doc
    resp = doc.response
    media = resp.media_type if resp else ""
    if media != LINKSET_TYPE:
        return concern(
            "api-catalog-content-type",
            f"served as {media or 'no content type'}, not {LINKSET_TYPE}",
            doc.evidence,
            fix=f"Serve it as {LINKSET_TYPE}.",
        )
    ctype = resp.headers.get("content-type", "") if resp else ""
    if RFC9727_PROFILE in ctype:
        return good("api-catalog-profile", "application/linkset+json with the RFC 9727 profile", doc.evidence)
    return info("api-catalog-no-profile", f'no profile="{RFC9727_PROFILE}" parameter', doc.evidence)


def _service_link_finding(catalog: ApiCatalog) -> Finding:
    """RFC 9727 §2: service-desc and service-doc links tell an agent how to call each API."""
    doc = catalog.doc
    descs, docs_ = catalog.targets("service-desc"), catalog.targets("service-doc")
    items = catalog.targets("item")
    if descs or docs_:
        return good(
            "api-catalog-entries",
            f"{len(catalog.entries)} entr(y/ies): {len(descs)} service-desc, "
            f"{len(docs_)} service-doc link(s)",
            doc.evidence,
        )
    if items:
        return concern(
            "api-catalog-items-only",
            f"{len(items)} item link(s) but no service-desc or "
            "service-doc: an agent learns where APIs are, not how to call them",
            doc.evidence,
            fix="Add service-desc (OpenAPI) and service-doc links for each API anchor.",
        )
    return problem(
        "api-catalog-no-service-links",
        "no service-desc, service-doc or item link",
        doc.evidence,
        fix="Add service-desc and service-doc links.",
    )


def _service_desc_finding(catalog: ApiCatalog, spec: OpenAPIResult | None) -> Finding | None:
    """The service-desc leads to the OpenAPI description the openapi probe parsed."""
    descs = catalog.targets("service-desc")
    if not descs or spec is None:
        return None
    hrefs = {t.href.split("#")[0] for t in descs}
    desc = spec.description
    if desc is not None and (desc.doc.url in hrefs or desc.url in hrefs):
        return good(
            "api-catalog-service-desc-parses",
            f"service-desc {desc.doc.url} is OpenAPI {desc.version}",
            desc.doc.evidence,
        )
    tried = [d for d in spec.tried if d.url in hrefs]
    if not tried:
        return None
    return concern(
        "api-catalog-service-desc-broken",
        "service-desc does not lead to a parseable OpenAPI description: "
        f"{'; '.join(d.describe() for d in tried)}",
        *(d.evidence for d in tried),
        fix="Point service-desc at the OpenAPI file.",
    )


@check(
    id="discovery.api-catalog",
    title="An RFC 9727 API catalog links the API's description and docs",
    failure_title="No usable RFC 9727 API catalog",
    category="discovery",
    weight=1.5,
    remediation="Serve /.well-known/api-catalog as `application/linkset+json; "
    'profile="https://www.rfc-editor.org/info/rfc9727"`: {"linkset":[{"anchor":"<API base>",'
    '"service-desc":[{"href":"<openapi URL>","type":"application/vnd.oai.openapi+json"}],'
    '"service-doc":[{"href":"<docs URL>","type":"text/html"}]}]}.',
    spec_links=("https://www.rfc-editor.org/rfc/rfc9727", "https://www.rfc-editor.org/rfc/rfc9264"),
    requires=(API_CATALOG, OPENAPI),
    description="GETs /.well-known/api-catalog (and any Link rel=api-catalog target) with "
    "`Accept: application/linkset+json`, validates the RFC 9264 JSON linkset, and looks for entries with "
    "service-desc / service-doc; the service-desc is followed by the openapi probe.",
    clauses=(
        clause(
            "RFC 9727 §2", "MUST", "/.well-known/api-catalog is a linkset", "absent or not a linkset fails"
        ),
        clause(
            "RFC 9727 §2",
            "SHOULD",
            "served as application/linkset+json with the RFC 9727 profile",
            "another type warns; a missing profile is noted",
        ),
        clause(
            "RFC 9264 §4.2",
            "MUST",
            "context objects with link target objects that have href",
            "shape problems warn",
        ),
        clause(
            "RFC 9727 §2",
            "catalogue",
            "entries link service-desc / service-doc",
            "only item links warns; no service link fails",
        ),
        clause(
            "bounds",
            "catalogue",
            "api-catalog links followed from Link headers",
            "at most 3; the rest are named as not followed",
        ),
    ),
)
def api_catalog(a: Artifacts) -> Outcome:
    catalog: ApiCatalog = a[API_CATALOG]
    spec: OpenAPIResult | None = a[OPENAPI]
    doc = catalog.doc
    if not doc.found:
        return missing_outcome(
            "API catalog",
            "api-catalog",
            catalog.tried,
            "Serve /.well-known/api-catalog as an RFC 9727 linkset.",
        )
    findings: list[Finding | None] = []
    if catalog.unfollowed:
        findings.append(
            info(
                "api-catalog-links-bounded",
                not_followed("api-catalog links", MAX_API_CATALOG_LINKS, catalog.unfollowed),
            )
        )
    if not catalog.entries:
        return failed(
            "the API catalog is not a usable linkset",
            problem(
                "api-catalog-not-linkset",
                "; ".join(catalog.shape_problems) or "an empty linkset",
                doc.evidence,
                fix='Serve {"linkset":[{"anchor":...,"service-desc":[{"href":...}]}]}.',
            ),
        )
    for shape in catalog.shape_problems[:3]:
        findings.append(concern("api-catalog-shape", shape, doc.evidence, fix="Follow RFC 9264 §4.2."))
    findings += [
        _media_finding(catalog),
        _service_link_finding(catalog),
        _service_desc_finding(catalog, spec),
    ]
    return verdict(
        findings,
        pass_summary="the API catalog links the API description and docs",
        warn_summary="the API catalog is served, with problems",
        fail_summary="the API catalog does not describe any API",
        details={"anchors": [e.anchor for e in catalog.entries]},
    )
