"""discovery.mcp-server-card: the MCP server card and its endpoint."""

from __future__ import annotations

from typing import Any

from agent_ready.artifacts.discovery import MCP_CARD, McpDiscovery, card_endpoints
from agent_ready.artifacts.documents import DocState
from agent_ready.artifacts.http import ErrorKind
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    errored,
    failed,
    good,
    info,
    not_applicable,
    not_judged,
    problem,
    verdict,
)
from agent_ready.checks.discovery._common import challenge_findings, json_type_finding, relative_urls
from agent_ready.models import Finding, Outcome


def _validate_card(card: dict[str, Any], shape: str) -> list[tuple[str, str]]:
    """(level, message) pairs about the card's fields; level is "fail" or "warn"."""
    issues: list[tuple[str, str]] = []
    info_obj: dict[str, Any] = card["serverInfo"] if isinstance(card.get("serverInfo"), dict) else {}
    if shape == "sep-2127":
        missing = [
            k for k in ("$schema", "name", "version", "description") if not isinstance(card.get(k), str)
        ]
        if missing:
            issues.append(("fail", f"SEP-2127 card lacks required {', '.join(missing)}"))
        name = card.get("name")
        if isinstance(name, str) and name.count("/") != 1:
            issues.append(("warn", f"name {name!r} is not reverse-DNS `namespace/name`"))
        if "packages" in card:
            issues.append(("warn", "carries registry `packages`, which belong in server.json, not a card"))
        remotes = card.get("remotes")
        if remotes is not None and not (
            isinstance(remotes, list)
            and all(isinstance(r, dict) and isinstance(r.get("url"), str) and r.get("type") for r in remotes)
        ):
            issues.append(("fail", "remotes[] entries need `type` and `url`"))
        elif isinstance(remotes, list):
            relative = relative_urls([r.get("url") for r in remotes if isinstance(r, dict)])
            if relative:
                issues.append(
                    (
                        "warn",
                        f"remotes[].url {relative[0]!r} is not an absolute URL (SEP-2127, as server.json: "
                        "format uri); clients connect to it as it stands",
                    )
                )
    elif shape == "sep-1649":
        missing = [k for k in ("name", "version") if not isinstance(info_obj.get(k), str)]
        if missing:
            issues.append(("fail", f"SEP-1649 card lacks serverInfo.{', serverInfo.'.join(missing)}"))
        if not isinstance(card.get("capabilities"), dict):
            issues.append(("warn", "no `capabilities` object"))
    elif shape == "hybrid":
        if not (isinstance(card.get("name"), str) or isinstance(info_obj.get("name"), str)):
            issues.append(("fail", "no name (neither `name` nor serverInfo.name)"))
        if not (isinstance(card.get("version"), str) or isinstance(info_obj.get("version"), str)):
            issues.append(("fail", "no version"))
        issues.append(("warn", "mixes the SEP-2127 and SEP-1649 shapes; publish the SEP-2127 shape"))
    else:
        issues.append(
            (
                "fail",
                "neither the SEP-2127 shape ($schema, name, version, description, remotes) nor "
                "the SEP-1649 shape (serverInfo, endpoint, capabilities)",
            )
        )
    return issues


def _endpoint_findings(mcp: McpDiscovery) -> list[Finding]:
    resp = mcp.endpoint_response
    url = mcp.endpoint_url
    if resp is None:
        return []
    if mcp.endpoint_answers:
        if resp.status == 401:
            challenge = ",".join(resp.header_values("www-authenticate"))
            if "resource_metadata" in challenge:
                return [
                    good(
                        "mcp-endpoint-challenge",
                        f"{url} answers 401 with a resource_metadata challenge",
                        resp,
                    )
                ]
            return [
                concern(
                    "mcp-endpoint-no-resource-metadata",
                    f"{url} answers 401 without resource_metadata in WWW-Authenticate",
                    resp,
                    fix='Send `WWW-Authenticate: Bearer resource_metadata="..."` (RFC 9728 §5.1).',
                )
            ]
        return [good("mcp-endpoint-answers", f"{url} answers as an MCP endpoint ({resp.describe()})", resp)]
    if resp.error_kind == ErrorKind.BLOCKED:
        return [
            concern(
                "mcp-endpoint-blocked",
                f"{url} not fetched: {resp.error}",
                resp,
                fix="Host the MCP endpoint on a public address.",
            )
        ]
    return [
        problem(
            "mcp-endpoint-no-answer",
            f"{url} does not answer as an MCP endpoint ({resp.describe()})",
            mcp.endpoint_get,
            mcp.endpoint_post,
            fix="Serve the Streamable HTTP endpoint the card names (401 challenge, 405 on GET, or JSON-RPC).",
        )
    ]


def _no_card(mcp: McpDiscovery, details: dict[str, Any]) -> Outcome:
    """No card: an endpoint without one or an invalid card fails, unknown is an error, none is n/a."""
    if mcp.endpoint_answers:
        return failed(
            "an MCP endpoint answers but publishes no server card",
            problem(
                "mcp-card-absent",
                f"{mcp.endpoint_url} answers, but no card at {', '.join(d.url for d in mcp.tried)}",
                *(d.evidence for d in mcp.tried),
                fix="Serve /.well-known/mcp/server-card.json.",
            ),
            details=details,
        )
    invalid = [d for d in mcp.tried if d.state == DocState.INVALID]
    if invalid:
        return failed(
            "an MCP server card path serves something that is not a card",
            *(
                problem("mcp-card-invalid", f"{d.url}: {d.problem}", d.evidence, fix="Serve valid JSON.")
                for d in invalid
            ),
            details=details,
        )
    if all(d.state == DocState.UNREACHABLE for d in mcp.tried):
        return errored(f"no MCP card path could be fetched: {mcp.tried[0].problem}", details=details)
    challenged = challenge_findings(mcp.tried, "mcp-card")
    if challenged:
        return errored(
            "a bot challenge hides whether there is an MCP server card", *challenged, details=details
        )
    return not_applicable(
        "no MCP server card at the known paths and no MCP endpoint at /mcp",
        info("mcp-none", "; ".join(d.describe() for d in mcp.tried)),
        details=details,
    )


def _unnamed_endpoint_finding(mcp: McpDiscovery, card: dict[str, Any], ev: object) -> Finding:
    """The card names no endpoint: a template cannot be checked, /mcp answering anyway is a concern."""
    remotes = card.get("remotes")
    templated = isinstance(remotes, list) and any(
        "{" in str(r.get("url", "")) for r in remotes if isinstance(r, dict)
    )
    if templated:
        return info(
            "mcp-card-templated-endpoint",
            "the card's endpoint is a URL template; it cannot be checked without its variables",
        )
    if mcp.endpoint_source == "default-path":
        return concern(
            "mcp-card-no-endpoint",
            f"the card names no endpoint (no remotes[].url); {mcp.endpoint_url} answers anyway",
            ev,
            fix='Add "remotes": [{"type": "streamable-http", "url": "<endpoint>"}].',
        )
    return problem(
        "mcp-card-no-endpoint",
        "the card names no remote endpoint and nothing answers at /mcp",
        ev,
        fix='Add "remotes": [{"type": "streamable-http", "url": "<endpoint>"}].',
    )


@check(
    id="discovery.mcp-server-card",
    title="An MCP server card is published and its endpoint answers",
    failure_title="MCP server card missing, invalid, or its endpoint does not answer",
    category="discovery",
    weight=2,
    remediation="Serve /.well-known/mcp/server-card.json (SEP-2127): $schema, name (`namespace/name`), "
    'version, description and remotes: [{"type": "streamable-http", "url": "https://.../mcp"}]; '
    "the endpoint must answer an anonymous request with 401 + WWW-Authenticate resource_metadata "
    "(or 405 on GET).",
    spec_links=(
        "https://github.com/modelcontextprotocol/modelcontextprotocol/pull/2127",
        "https://github.com/modelcontextprotocol/modelcontextprotocol/issues/1649",
        "https://modelcontextprotocol.io/specification/2025-11-25/basic/transports",
    ),
    requires=(MCP_CARD,),
    description="Tries /.well-known/mcp/server-card.json, /.well-known/mcp/server-cards.json, "
    "/.well-known/mcp.json, /.well-known/mcp and <endpoint>/server-card; accepts the SEP-2127 and the older "
    "SEP-1649 shapes; then makes an anonymous GET (and a POST initialize if GET does not answer) to the "
    "endpoint. Not applicable when there is no card and nothing MCP answers at /mcp.",
    clauses=(
        clause(
            "MCP SEP-2127",
            "REQUIRED",
            "$schema, name, version, description; remotes[] with type and url",
            "missing fails; a name that is not namespace/name warns",
        ),
        clause("MCP SEP-2127", "MUST", "remotes[].url is a URI (absolute)", "a relative URL warns"),
        clause(
            "RFC 9728 §5.1 (MCP authorization)",
            "MUST",
            "the endpoint's 401 names its resource metadata",
            "a 401 without resource_metadata warns; an endpoint that does not answer fails",
        ),
        not_judged(
            "MCP SEP-1649",
            "catalogue",
            "the older serverInfo shape",
            "accepted (a permitted alternative), noted, not failed",
        ),
    ),
)
def mcp_server_card(a: Artifacts) -> Outcome:
    mcp: McpDiscovery = a[MCP_CARD]
    details = {"card": mcp.card.url if mcp.card else None, "shape": mcp.shape, "endpoint": mcp.endpoint_url}
    if mcp.card is None:
        return _no_card(mcp, details)
    card, doc = mcp.card_data, mcp.card
    shape = mcp.shape or "unknown"
    findings: list[Finding | None] = [
        good("mcp-card-found", f"{shape} card at {doc.url}", doc.evidence),
        json_type_finding("mcp-card", doc, ("application/mcp-server-card+json", "application/json")),
    ]
    if mcp.cards_listed > 1:
        findings.append(info("mcp-cards-listed", f"{mcp.cards_listed} cards listed; the first was judged"))
    for level, message in _validate_card(card, shape):
        if level == "fail":
            findings.append(
                problem("mcp-card-fields", message, doc.evidence, fix="Follow the SEP-2127 card schema.")
            )
        else:
            findings.append(
                concern("mcp-card-shape", message, doc.evidence, fix="Follow the SEP-2127 card schema.")
            )
    if shape == "sep-1649":
        findings.append(
            info(
                "mcp-card-older-shape",
                "the older SEP-1649 shape (serverInfo/endpoint); SEP-2127 "
                "(remotes[]) is the current proposal",
            )
        )
    named = card_endpoints(card, doc.url)
    if not named:
        findings.append(_unnamed_endpoint_finding(mcp, card, doc.evidence))
    findings.extend(_endpoint_findings(mcp) if (named or mcp.endpoint_source) else [])
    return verdict(
        findings,
        pass_summary=f"MCP server card ({shape}) valid; {mcp.endpoint_url} answers",
        warn_summary="MCP server card found, with problems",
        fail_summary="the MCP server card is invalid or its endpoint does not answer",
        details=details,
    )
