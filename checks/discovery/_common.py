"""Helpers several discovery checks share: how a missing document and a bot challenge read."""

from __future__ import annotations

from urllib.parse import urlsplit

from agent_ready.artifacts.discovery import is_bot_challenge
from agent_ready.artifacts.documents import Doc, DocState
from agent_ready.checkapi import (
    broken,
    concern,
    errored,
    failed,
    info,
    problem,
)
from agent_ready.models import Finding, Outcome


def missing_outcome(name: str, code: str, docs: list[Doc], fix: str) -> Outcome:
    """The verdict for a document found nowhere: error when nothing answered, else fail naming each miss."""
    if docs and all(d.state == DocState.UNREACHABLE for d in docs):
        return errored(
            f"{name} could not be fetched: {docs[0].problem}",
            *(info(f"{code}-unreachable", d.describe(), d.evidence) for d in docs),
        )
    findings: list[Finding] = []
    for d in docs:
        if is_bot_challenge(d.response):
            findings.append(
                problem(
                    f"{code}-bot-challenge",
                    f"{d.url} answered a bot-challenge page ({d.response.describe() if d.response else ''})",
                    d.evidence,
                    fix="Exempt well-known documents from bot challenges; agents cannot solve them.",
                )
            )
        elif d.state == DocState.UNREACHABLE:
            findings.append(info(f"{code}-unreachable", d.describe(), d.evidence))
        elif d.state == DocState.SOFT_404:
            findings.append(problem(f"{code}-soft-404", f"{d.url}: {d.problem}", d.evidence, fix=fix))
        elif d.state == DocState.INVALID:
            findings.append(problem(f"{code}-invalid", f"{d.url}: {d.problem}", d.evidence, fix=fix))
        else:
            findings.append(problem(f"{code}-absent", d.describe(), d.evidence, fix=fix))
    return failed(f"no {name}", *findings)


def challenge_findings(docs: list[Doc], code: str) -> list[Finding]:
    """Findings for documents hidden behind a bot challenge (inconclusive for checks that may not apply)."""
    return [
        broken(f"{code}-bot-challenge", f"{d.url} answered a bot-challenge page instead", d.evidence)
        for d in docs
        if is_bot_challenge(d.response)
    ]


def json_type_finding(
    code: str, doc: Doc, expected: tuple[str, ...] = ("application/json",)
) -> Finding | None:
    resp = doc.response
    if resp is None:
        return None
    media = resp.media_type
    if media in expected or media.endswith("+json"):
        return None
    return concern(
        f"{code}-content-type",
        f"{doc.url} is JSON served as {media or 'no content type'}",
        doc.evidence,
        fix=f"Serve it as {expected[0]}.",
    )


def relative_urls(values: list[object]) -> list[str]:
    """The strings among ``values`` that are not absolute http(s) URLs: card endpoints are used as they
    stand by clients (an MCP client, an A2A client) and have no base to resolve a relative reference."""
    out = []
    for value in values:
        if isinstance(value, str) and "{" not in value:
            parts = urlsplit(value)
            if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
                out.append(value)
    return out
