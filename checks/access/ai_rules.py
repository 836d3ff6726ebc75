"""access.ai-rules: robots.txt lets agent user agents reach what they need."""

from __future__ import annotations

from collections.abc import Iterable

from agent_ready.artifacts.access import AGENT_PATHS, AgentPath, AgentPaths
from agent_ready.artifacts.documents import DocState
from agent_ready.artifacts.robots import ROBOTS, RobotsTxt
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
    passed,
    problem,
    verdict,
)
from agent_ready.models import Finding, Outcome

# --- access.ai-rules --------------------------------------------------------------------------------------

# User agents that fetch on behalf of a person asking an assistant right now (each vendor documents them
# as user-triggered): blocking these blocks agents. "*" stands for every other agent, which an honest
# agent framework reaches with its own product token.
# Sources: platform.openai.com/docs/bots, support.claude.com (Claude-User), docs.perplexity.ai/guides/bots,
# docs.mistral.ai/robots.
USER_AGENTS: tuple[str, ...] = ("ChatGPT-User", "Claude-User", "Perplexity-User", "MistralAI-User")
# Search/retrieval indexers of assistants: a block hides the service from agent search results.
SEARCH_AGENTS: tuple[str, ...] = ("OAI-SearchBot", "Claude-SearchBot", "PerplexityBot")
# Training crawlers: blocking these alone is a content-licensing choice, not a barrier for agents.
TRAINING_CRAWLERS: tuple[str, ...] = (
    "GPTBot",
    "ClaudeBot",
    "anthropic-ai",
    "CCBot",
    "Google-Extended",
    "Applebot-Extended",
    "Bytespider",
    "meta-externalagent",
)
ROBOTS_PROBE_HOST = "https://robots.invalid"  # protego needs absolute URLs; only the path matters


def _blocked(robots: RobotsTxt, agent: str, paths: Iterable[AgentPath]) -> list[AgentPath]:
    assert robots.parser is not None
    return [p for p in paths if not robots.parser.can_fetch(ROBOTS_PROBE_HOST + p.path, agent)]


def _names_group(robots: RobotsTxt, agent: str) -> bool:
    """True when robots.txt has a group naming this agent (protego matches product tokens by prefix)."""
    token = agent.lower()
    return any(ua != "*" and token.startswith(ua) for ua in robots.user_agents)


def _path_list(paths: list[AgentPath], limit: int = 6) -> str:
    shown = ", ".join(f"{p.path} ({p.role})" for p in paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


def _without_rules(robots: RobotsTxt) -> Outcome | None:
    """RFC 9309 §2.3.1: unreachable, a 5xx, absent, or not a robots file; None when there are rules."""
    doc = robots.doc
    if doc.state == DocState.UNREACHABLE:
        return errored(f"robots.txt could not be fetched, so its rules are unknown: {doc.problem}")
    status = doc.response.status if doc.response is not None else None
    if doc.state == DocState.ERROR_STATUS and status is not None and status >= 500:
        # RFC 9309 §2.3.1.4: a 5xx robots.txt means a compliant crawler assumes complete disallow.
        return failed(
            "robots.txt answers a server error, which compliant agents read as 'disallow everything'",
            problem(
                "robots-server-error",
                f"/robots.txt answered HTTP {status}; RFC 9309 tells crawlers to assume complete disallow",
                doc.evidence,
                fix="Serve /robots.txt with 200 (or 404 if you have no rules).",
            ),
        )
    if robots.parser is None and doc.state in (DocState.ABSENT, DocState.ERROR_STATUS):
        # RFC 9309 §2.3.1.3: an unavailable robots.txt (4xx) is the defined "no rules" answer: crawlers may
        # access any resource.
        return passed(
            "no robots.txt, so nothing blocks agents",
            info(
                "robots-none",
                f"no robots.txt ({doc.describe()}); an absent robots.txt blocks no agent",
                doc.evidence,
            ),
        )
    if robots.parser is None:
        # An HTML page (or an unparseable body) at /robots.txt is ambiguous: lenient parsers read no rules,
        # but the operator's rules, if any, are lost. Nothing to credit here; discovery.robots-txt fails it.
        return not_applicable(
            "robots.txt is not a robots file, so there are no rules to judge (see discovery.robots-txt)",
            info(
                "robots-not-a-file",
                f"/robots.txt is {doc.describe()}; no agent is blocked by rules, and none are stated",
                doc.evidence,
            ),
        )
    return None


def _wildcard_finding(
    robots: RobotsTxt, wildcard_blocked: list[AgentPath], allowed_named: list[str], named_blocked: bool
) -> Finding:
    """`*` is blocked: a concern when named assistants are let in (an allow-list), else a problem."""
    unnamed = [ua for ua in USER_AGENTS if not _names_group(robots, ua)]
    message = (
        f"`*` (every agent without its own group{', e.g. ' + unnamed[0] if unnamed else ''}) is "
        f"disallowed from {_path_list(wildcard_blocked)}"
    )
    if allowed_named and not named_blocked:
        # An allow-list of big assistants: those get in, any other agent is turned away.
        return concern(
            "wildcard-blocked-allowlist",
            message + f"; only {', '.join(allowed_named)} are let in by name",
            robots.doc.evidence,
            fix="Allow `*` on docs, API and auth paths, or at least on the API and its "
            "descriptions; block training crawlers by name instead.",
        )
    return problem(
        "wildcard-blocked",
        message,
        robots.doc.evidence,
        fix="Allow `*` on docs, API and auth paths; block training crawlers by name.",
    )


def _other_crawler_findings(
    robots: RobotsTxt, paths: list[AgentPath], wildcard_blocked: bool
) -> list[Finding]:
    """Search indexers of assistants (a concern when blocked), training crawlers (noted only)."""
    findings: list[Finding] = []
    for ua in SEARCH_AGENTS:
        blocked = _blocked(robots, ua, paths)
        if blocked and not wildcard_blocked:
            findings.append(
                concern(
                    "search-agent-blocked",
                    f"{ua} (an assistant's search indexer) is disallowed from {_path_list(blocked)}",
                    robots.doc.evidence,
                    fix=f"Allow {ua} on docs so assistants can find the service.",
                )
            )
    parser = robots.parser
    training = [
        ua
        for ua in TRAINING_CRAWLERS
        if parser is not None
        and _names_group(robots, ua)
        and not parser.can_fetch(ROBOTS_PROBE_HOST + "/", ua)
    ]
    if training:
        findings.append(
            info(
                "training-crawlers-blocked",
                f"training crawlers blocked: {', '.join(training)} "
                "(a content choice; does not affect agents)",
                robots.doc.evidence,
            )
        )
    return findings


@check(
    id="access.ai-rules",
    title="robots.txt lets agent user agents reach docs, API and auth paths",
    failure_title="robots.txt blocks agents from docs, API or auth paths",
    category="access",
    weight=2,
    remediation="Do not disallow user-triggered agents (ChatGPT-User, Claude-User, Perplexity-User, "
    "and `*` for every other agent) from your docs, API descriptions, API and OAuth/auth paths. "
    "Blocking training crawlers (GPTBot, CCBot, ClaudeBot, Google-Extended) is a separate choice "
    "and does not affect agents; say it with their own groups or a Content-Signal `ai-train=no`.",
    spec_links=(
        "https://www.rfc-editor.org/rfc/rfc9309",
        "https://platform.openai.com/docs/bots",
        "https://contentsignals.org/",
    ),
    requires=(ROBOTS, AGENT_PATHS),
    description="Evaluates robots.txt (protego) for each user-triggered agent user agent and `*` against the "
    "paths an agent needs: the target, OpenAPI servers and paths when discovered, and /docs/, /api/, "
    "/.well-known/, /auth.md, /llms.txt, /oauth/. A missing robots.txt blocks nothing (RFC 9309 §2.3.1.3); a "
    "5xx robots.txt means complete disallow to a compliant crawler.",
    clauses=(
        clause(
            "RFC 9309 §2.2.1",
            "MUST",
            "user-agent matching is case-insensitive; an agent's groups are "
            "combined; a named group overrides *",
            "agent user agents disallowed from docs, API or auth "
            "paths fail; training crawlers alone are fine",
        ),
        clause(
            "RFC 9309 §2.2.2-3",
            "MUST",
            "the longest matching rule wins; * and $ in paths",
            "as protego applies them",
        ),
        clause(
            "RFC 9309 §2.3",
            "MUST",
            "robots.txt is UTF-8 text; a byte-order mark is not part of the first line",
            "decoded as parsers do",
        ),
        clause("RFC 9309 §2.3.1.3", "MAY", "an unavailable (4xx) robots.txt allows everything", "passes"),
        clause(
            "RFC 9309 §2.3.1.4",
            "MUST",
            "an unreachable (5xx) robots.txt means complete disallow",
            "fails; a network failure is error (inconclusive), not a verdict",
        ),
    ),
)
def ai_rules(a: Artifacts) -> Outcome:
    robots: RobotsTxt = a[ROBOTS]
    wanted: AgentPaths = a[AGENT_PATHS]
    doc = robots.doc
    without_rules = _without_rules(robots)
    if without_rules is not None:
        return without_rules
    paths = wanted.paths
    source = "OpenAPI paths and defaults" if wanted.openapi_used else "default agent paths"
    findings: list[Finding] = []
    allowed_named = [ua for ua in USER_AGENTS if _names_group(robots, ua) and not _blocked(robots, ua, paths)]
    # Agents blocked by a group naming them; those without a group of their own fall under `*`, judged below.
    blocked_users = {
        ua: b for ua in USER_AGENTS if _names_group(robots, ua) and (b := _blocked(robots, ua, paths))
    }
    wildcard_blocked = _blocked(robots, "*", paths)
    for ua, blocked in blocked_users.items():
        findings.append(
            problem(
                "agent-blocked",
                f"{ua} is disallowed from {_path_list(blocked)}",
                doc.evidence,
                fix=f"Remove the Disallow rules that match {ua} (a user-triggered agent) on these paths.",
            )
        )
    if wildcard_blocked:
        findings.append(_wildcard_finding(robots, wildcard_blocked, allowed_named, bool(blocked_users)))
    findings += _other_crawler_findings(robots, paths, bool(wildcard_blocked))
    if not blocked_users and not wildcard_blocked:
        findings.insert(
            0,
            good(
                "agents-allowed",
                f"{', '.join(USER_AGENTS)} and `*` may fetch all {len(paths)} agent paths checked ({source})",
                doc.evidence,
            ),
        )
    return verdict(
        findings,
        pass_summary="robots.txt lets agents reach docs, API and auth paths",
        warn_summary="robots.txt lets named assistants in but blocks other agents",
        fail_summary="robots.txt blocks agents from paths they need",
        details={"paths": [p.path for p in paths], "paths_from": source, "agents": [*USER_AGENTS, "*"]},
    )
