"""discovery.agent-skills: the agent-skills index and its digests."""

from __future__ import annotations

from agent_ready.artifacts.discovery import AGENT_SKILLS, SKILLS_SCHEMA, AgentSkills, DigestCheck
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
from agent_ready.checks.discovery._common import json_type_finding, missing_outcome
from agent_ready.models import Finding, Outcome

SKILL_TYPES = ("skill-md", "archive")


def _entry_findings(n: int, s: object, ev: object) -> list[Finding]:
    """Agent Skills discovery: each entry has name, type (skill-md or archive), description, url, digest."""
    if not isinstance(s, dict):
        return [problem("skills-entry", f"skills[{n}] is not an object", ev, fix="Fix it.")]
    findings: list[Finding] = []
    label = s.get("name", f"skills[{n}]")
    missing = [k for k in ("name", "type", "description", "url") if not isinstance(s.get(k), str)]
    if missing:
        findings.append(
            problem(
                "skills-entry",
                f"{label}: missing {', '.join(missing)}",
                ev,
                fix="Give every skill name, type, description, url and digest.",
            )
        )
    if isinstance(s.get("type"), str) and s["type"] not in SKILL_TYPES:
        findings.append(
            concern(
                "skills-type",
                f"{label}: type {s['type']!r} is not skill-md or archive",
                ev,
                fix="Use type skill-md or archive.",
            )
        )
    digest = s.get("digest")
    if not (isinstance(digest, str) and digest.startswith("sha256:") and len(digest) == 71):
        findings.append(
            concern(
                "skills-digest",
                f'{label}: no `digest: "sha256:<hex>"`'
                + (" (has a bare `sha256` member)" if "sha256" in s else ""),
                ev,
                fix='Add "digest": "sha256:<64 hex>" of the skill file.',
            )
        )
    return findings


def _digest_finding(check_: DigestCheck | None, ev: object) -> Finding:
    """One skill file fetched: its sha256 matches the index's digest."""
    if check_ is None:
        return concern(
            "skills-digest-unverified", "no skill has a digest to verify", ev, fix="Add sha256 digests."
        )
    resp = check_.response
    if check_.matches:
        return good("skills-digest-verified", f"{check_.skill}: sha256 of {check_.url} matches", resp)
    if resp.failed:
        return info("skills-digest-unchecked", f"{check_.url} could not be fetched: {resp.error}", resp)
    if not resp.ok:
        return problem(
            "skills-url-dead",
            f"{check_.skill}: {check_.url} answered {resp.describe()}",
            resp,
            fix="Serve the skill file at its url.",
        )
    if resp.truncated:
        return info("skills-digest-unchecked", f"{check_.url} is larger than the body limit", resp)
    return problem(
        "skills-digest-mismatch",
        f"{check_.skill}: sha256 of {check_.url} is {check_.actual}, the index says {check_.expected}",
        resp,
        fix="Regenerate the index digests from the served files.",
    )


@check(
    id="discovery.agent-skills",
    title="An agent-skills index lists skills with verifiable digests",
    failure_title="No valid agent-skills index",
    category="discovery",
    weight=1,
    remediation=f'Serve /.well-known/agent-skills/index.json: {{"$schema": "{SKILLS_SCHEMA}", '
    '"skills": [{"name", "type": "skill-md", "description", "url", "digest": "sha256:<hex of the file>"}]}.',
    spec_links=("https://github.com/cloudflare/agent-skills-discovery-rfc",),
    requires=(AGENT_SKILLS,),
    description="Fetches /.well-known/agent-skills/index.json (the v0.1 /.well-known/skills/index.json "
    "is accepted), validates the entries, and fetches one skill to verify its sha256 digest.",
    clauses=(
        clause(
            "agent-skills discovery 0.2.0",
            "MUST",
            "skills[] entries with name, type, description, url",
            "missing members fail",
        ),
        clause(
            "agent-skills discovery 0.2.0",
            "MUST",
            "type is skill-md or archive; the 0.2.0 $schema",
            "another value warns",
        ),
        clause(
            "agent-skills discovery 0.2.0",
            "MUST",
            "digest sha256:<hex> matches the served file",
            "a wrong digest or a dead url fails; a missing digest warns",
        ),
        clause(
            "agent-skills discovery 0.1",
            "catalogue",
            "the v0.1 path /.well-known/skills/index.json",
            "accepted (a permitted alternative), noted",
        ),
    ),
)
def agent_skills(a: Artifacts) -> Outcome:
    result: AgentSkills = a[AGENT_SKILLS]
    doc = result.doc
    if doc is None:
        return missing_outcome(
            "agent-skills index", "skills", result.tried, "Serve /.well-known/agent-skills/index.json."
        )
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("skills"), list):
        return failed(
            "the agent-skills index has no skills array",
            problem("skills-no-array", 'no "skills" array', doc.evidence, fix='Add "skills": [...].'),
        )
    findings: list[Finding | None] = [json_type_finding("skills", doc)]
    if result.legacy_path:
        findings.append(info("skills-legacy-path", "served at the v0.1 path /.well-known/skills/index.json"))
    schema = data.get("$schema")
    if schema == SKILLS_SCHEMA:
        findings.append(good("skills-schema", "discovery 0.2.0 $schema"))
    else:
        findings.append(
            concern(
                "skills-schema",
                f"$schema is {schema!r}, not {SKILLS_SCHEMA}",
                doc.evidence,
                fix=f'Set "$schema": "{SKILLS_SCHEMA}".',
            )
        )
    skills = [s for s in data["skills"]]
    if not skills:
        return failed(
            "the agent-skills index is empty",
            problem("skills-empty", "skills[] is empty", doc.evidence, fix="List at least one skill."),
            *findings,
        )
    for n, s in enumerate(skills[:20]):
        findings.extend(_entry_findings(n, s, doc.evidence))
    findings.append(_digest_finding(result.digest_check, doc.evidence))
    return verdict(
        findings,
        pass_summary=f"{len(skills)} skill(s) listed; digest verified",
        warn_summary="agent-skills index found, with problems",
        fail_summary="the agent-skills index is invalid",
        details={"url": doc.url, "skills": len(skills)},
    )
