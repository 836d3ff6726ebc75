"""discovery.a2a-agent-card: the A2A agent card."""

from __future__ import annotations

from typing import Any

from agent_ready.artifacts.discovery import A2A_CARD, A2ACard
from agent_ready.artifacts.documents import DocState
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
    problem,
    verdict,
)
from agent_ready.checks.discovery._common import challenge_findings, json_type_finding, relative_urls
from agent_ready.models import Finding, Outcome

A2A_REQUIRED = (
    "name",
    "description",
    "version",
    "capabilities",
    "skills",
    "defaultInputModes",
    "defaultOutputModes",
)


def _no_card(result: A2ACard) -> Outcome:
    """No card: an invalid one fails, unreachable or challenged paths are errors, none is not applicable."""
    invalid = [d for d in result.tried if d.state == DocState.INVALID]
    if invalid:
        return failed(
            "an agent-card path serves something that is not a card",
            *(
                problem("a2a-card-invalid", f"{d.url}: {d.problem}", d.evidence, fix="Serve valid JSON.")
                for d in invalid
            ),
        )
    if all(d.state == DocState.UNREACHABLE for d in result.tried):
        return errored(f"the agent card could not be fetched: {result.tried[0].problem}")
    challenged = challenge_findings(result.tried, "a2a-card")
    if challenged:
        return errored("a bot challenge hides whether there is an agent card", *challenged)
    return not_applicable(
        "no A2A agent card (the service does not advertise an A2A agent)",
        info("a2a-none", "; ".join(d.describe() for d in result.tried)),
    )


def _endpoint_findings(card: dict[str, Any], ev: object) -> list[Finding | None]:
    """A2A: the agent's endpoint, in supportedInterfaces[].url (or the pre-1.0 url), as an absolute URL."""
    findings: list[Finding | None] = []
    interfaces = card.get("supportedInterfaces")
    if isinstance(interfaces, list) and any(isinstance(i, dict) and i.get("url") for i in interfaces):
        findings.append(good("a2a-interfaces", f"{len(interfaces)} supported interface(s)"))
    elif isinstance(card.get("url"), str):
        findings.append(info("a2a-legacy-url", f"endpoint given as the pre-1.0 `url` ({card['url']})"))
    else:
        findings.append(
            problem(
                "a2a-no-endpoint",
                "neither supportedInterfaces[].url nor url",
                ev,
                fix="Add supportedInterfaces with the agent's URL.",
            )
        )
    endpoints: list[object] = [card.get("url")]
    if isinstance(interfaces, list):
        endpoints += [i.get("url") for i in interfaces if isinstance(i, dict)]
    relative = relative_urls(endpoints)
    if relative:
        findings.append(
            concern(
                "a2a-endpoint-not-absolute",
                f"the agent endpoint {relative[0]!r} is not an absolute URL; A2A clients call the card's "
                "url / supportedInterfaces[].url as it stands",
                ev,
                fix="Give the agent's endpoint as an absolute https URL.",
            )
        )
    return findings


def _skill_findings(card: dict[str, Any], ev: object) -> list[Finding | None]:
    """A2A: skills[] lists what the agent does, each with an id, a name and a description."""
    skills = card.get("skills")
    if not isinstance(skills, list):
        if "skills" in card:
            return [problem("a2a-skill-fields", "skills is not an array", ev, fix="Make it an array.")]
        return []
    bad = [
        n
        for n, s in enumerate(skills)
        if not (isinstance(s, dict) and all(isinstance(s.get(k), str) for k in ("id", "name", "description")))
    ]
    if bad:
        return [
            problem(
                "a2a-skill-fields",
                f"skills{bad[:5]} lack id, name or description",
                ev,
                fix="Give every skill an id, a name and a description.",
            )
        ]
    if not skills:
        return [
            concern("a2a-no-skills", "skills[] is empty", ev, fix="List what the agent can do in skills[].")
        ]
    return []


@check(
    id="discovery.a2a-agent-card",
    title="An A2A agent card describes the service's agent",
    failure_title="The A2A agent card is invalid",
    category="discovery",
    weight=1,
    remediation="Serve /.well-known/agent-card.json with name, description, version, capabilities, skills "
    "[{id, name, description}], defaultInputModes, defaultOutputModes and supportedInterfaces (or url).",
    spec_links=("https://a2a-protocol.org/latest/specification/#5-agent-discovery-the-agent-card",),
    requires=(A2A_CARD,),
    description="Fetches /.well-known/agent-card.json, then the legacy /.well-known/agent.json; validates "
    "the card's fields. Not applicable when there is no card.",
    clauses=(
        clause(
            "A2A §5 AgentCard",
            "REQUIRED",
            "name, description, version, capabilities, skills, defaultInputModes, defaultOutputModes",
            "missing fails; not applicable without a card",
        ),
        clause("A2A §5 AgentSkill", "REQUIRED", "each skill has id, name, description", "missing fails"),
        clause(
            "A2A §5 AgentCard",
            "REQUIRED",
            "an endpoint: supportedInterfaces[].url (or the pre-1.0 url), an absolute URL",
            "none fails; a relative one warns",
        ),
        clause(
            "A2A §5", "SHOULD", "served at /.well-known/agent-card.json", "only the legacy agent.json warns"
        ),
    ),
)
def a2a_agent_card(a: Artifacts) -> Outcome:
    result: A2ACard = a[A2A_CARD]
    doc = result.doc
    if doc is None:
        return _no_card(result)
    card = doc.data
    if not isinstance(card, dict):
        return failed(
            "the agent card is not a JSON object",
            problem("a2a-card-invalid", "not an object", doc.evidence, fix="Serve a JSON object."),
        )
    findings: list[Finding | None] = [
        good("a2a-card-found", f"agent card {card.get('name')!r} at {doc.url}", doc.evidence),
        json_type_finding("a2a-card", doc),
    ]
    if result.legacy_path:
        findings.append(
            concern(
                "a2a-legacy-path",
                "served only at the legacy /.well-known/agent.json",
                doc.evidence,
                fix="Serve it at /.well-known/agent-card.json.",
            )
        )
    missing = [k for k in A2A_REQUIRED if k not in card]
    if missing:
        findings.append(
            problem(
                "a2a-card-fields",
                f"missing {', '.join(missing)}",
                doc.evidence,
                fix="Add the required AgentCard fields.",
            )
        )
    findings += [*_endpoint_findings(card, doc.evidence), *_skill_findings(card, doc.evidence)]
    if "capabilities" in card and not isinstance(card["capabilities"], dict):
        findings.append(
            problem(
                "a2a-capabilities",
                "capabilities is not an object",
                doc.evidence,
                fix="Make capabilities an object.",
            )
        )
    return verdict(
        findings,
        pass_summary="the A2A agent card is valid",
        warn_summary="agent card found, with problems",
        fail_summary="the A2A agent card is incomplete",
        details={"url": doc.url},
    )
