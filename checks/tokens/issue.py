"""tokens.issue (ACTIVE): a token is actually issued."""

from __future__ import annotations

from agent_ready.artifacts.http import Response
from agent_ready.artifacts.oauth import OAUTH_DISCOVERY, OAUTH_FLOW, OAuthFlow
from agent_ready.checkapi import (
    Artifacts,
    check,
    clause,
    concern,
    failed,
    good,
    info,
    problem,
    skipped,
    verdict,
)
from agent_ready.checks.tokens._common import (
    MCP_AUTH,
)
from agent_ready.models import Finding, Outcome


def _token_response_findings(resp: Response | None) -> list[Finding]:
    """RFC 6749 §5.1 on an OAuth access-token response (not an API key handed out by another route)."""
    data = resp.json if resp is not None and not resp.failed else None
    if resp is None or not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        return []
    out: list[Finding] = []
    if not isinstance(data.get("token_type"), str):
        out.append(
            concern(
                "token-type-missing",
                f"the token response from {resp.url} has no token_type (REQUIRED, RFC 6749 §5.1): a client "
                "cannot tell how to present the token",
                resp,
                fix='Include "token_type": "Bearer".',
            )
        )
    if "no-store" not in ",".join(resp.header_values("cache-control")).lower():
        out.append(
            concern(
                "token-response-cacheable",
                f"the token response from {resp.url} lacks Cache-Control: no-store (MUST, RFC 6749 §5.1): "
                "a shared cache may keep the access token",
                resp,
                fix="Send Cache-Control: no-store with every response that carries a token.",
            )
        )
    if resp.media_type != "application/json":
        out.append(
            concern(
                "token-response-media-type",
                f"the token response from {resp.url} is served as {resp.media_type or 'no content type'}, "
                "not application/json (RFC 6749 §5.1)",
                resp,
                fix="Serve token responses as application/json.",
            )
        )
    return out


@check(
    id="tokens.issue",
    title="From the URL alone an agent obtained a token and made an authenticated call",
    failure_title="An agent could not get from the URL to an authenticated call",
    category="tokens",
    weight=4,
    remediation="Make the chain complete: 401 challenge → protected-resource metadata → "
    "authorization-server metadata → registration (RFC 7591 / CIMD) or an API-key route → a "
    "headless grant → a call that succeeds with the token. See the journey in the report for "
    "the step where an agent stopped.",
    spec_links=(
        MCP_AUTH,
        "https://www.rfc-editor.org/rfc/rfc6749#section-4.4",
        "https://www.rfc-editor.org/rfc/rfc7591",
    ),
    requires=(OAUTH_DISCOVERY,),
    active_requires=(OAUTH_FLOW,),
    active=True,
    passive=False,
    description="ACTIVE: registers a client, obtains a token by client_credentials (else the auth.md "
    "credential, else a documented API key), calls the protected endpoint once, then revokes "
    "the token and deletes the client. The token is sent only to the resource whose metadata "
    "names its issuer.",
    side_effects="registers an OAuth client (deleted again via RFC 7592 where offered) and obtains one "
    "access token (revoked via RFC 7009 where offered)",
    clauses=(
        clause(
            "standards C (journey)",
            "catalogue",
            "obtain a token headlessly and make one authenticated call",
            "ACTIVE; the credential is sent only to the origin that issued it; no token or a "
            "rejected call fails",
        ),
        clause("RFC 6749 §5.1", "REQUIRED", "an access-token response has token_type", "missing warns"),
        clause(
            "RFC 6749 §5.1",
            "MUST",
            "a response with a token carries Cache-Control: no-store",
            "missing warns",
        ),
        clause("RFC 6749 §5.1", "MUST", "the token response is application/json", "another type warns"),
    ),
)
def issue(a: Artifacts) -> Outcome:
    flow: OAuthFlow | None = a.get(OAUTH_FLOW)
    if not a.active or flow is None:
        return skipped("ACTIVE check; rerun with --active")
    tried = "; ".join(f"{r}: {o}" for r, o in flow.routes_tried)
    findings: list[Finding] = [info("route", f"{r}: {o}") for r, o in flow.routes_tried]
    if not flow.token_obtained:
        return failed(
            "no headless route produced a token",
            *findings,
            problem(
                "no-token",
                "no headless grant produced a credential" + (f" ({tried})" if tried else ""),
                flow.token_response,
                fix="Offer client_credentials with registration, jwt-bearer with auth.md, or a documented "
                "API-key route.",
            ),
        )
    if flow.call is None or flow.call_response is None:
        return failed(
            "a token was obtained but no protected endpoint could be called with it",
            *findings,
            problem(
                "no-call-target",
                flow.call_skipped or "no protected endpoint",
                flow.token_response,
                fix="Name the resource in protected-resource metadata that lists this issuer.",
            ),
        )
    resp = flow.call_response
    where = f"{flow.call.method} {flow.call.url}"
    if not resp.ok:
        return failed(
            "the protected endpoint rejected the token",
            *findings,
            problem(
                "call-rejected",
                f"{where} with the {flow.route} token answered {resp.describe()}",
                resp,
                fix="Accept the tokens your authorization server issues for this resource.",
            ),
        )
    findings.append(
        good("authenticated-call", f"{where} with a {flow.route} token answered {resp.status}", resp)
    )
    findings.extend(_token_response_findings(flow.token_response))
    if flow.route != "client_credentials":
        findings.append(info("route-fallback", f"the token came from the {flow.route} route"))
    if flow.discovery_stuck:
        findings.append(
            concern(
                "chain-broken",
                "an agent that follows the specs strictly stops earlier (see the journey); the auditor "
                "went on to judge the rest",
                fix="Fix the failing discovery check first.",
            )
        )
    if flow.revoke_response is not None:
        findings.append(
            info(
                "revoked", f"the token was revoked ({flow.revoke_response.describe()})", flow.revoke_response
            )
        )
    return verdict(
        findings,
        pass_summary=f"token by {flow.route}, authenticated call succeeded",
        warn_summary="authenticated call succeeded, with concerns",
        fail_summary="authenticated call failed",
        details={"route": flow.route, "endpoint": flow.call.url},
    )
