"""robots.txt: fetched once, parsed with protego, shared by the discovery and access checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from protego import Protego

from agent_ready.probes.documents import Doc, fetch_doc
from agent_ready.probing import ProbeContext, probe


@dataclass
class RobotsTxt:
    doc: Doc
    parser: Protego | None = None
    user_agents: list[str] = field(default_factory=list)  # every User-agent line, lower-cased, in order
    sitemaps: list[str] = field(default_factory=list)
    content_signals: list[tuple[str, str]] = field(
        default_factory=list
    )  # (user-agent group, directive value)
    unknown_lines: list[str] = field(default_factory=list)


def parse_robots(text: str) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """User agents, Content-Signal directives (with the group they sit in) and lines RFC 9309 does not know.

    protego answers can_fetch() but does not expose groups or non-standard directives, so those few
    facts are read here.
    """
    agents: list[str] = []
    signals: list[tuple[str, str]] = []
    unknown: list[str] = []
    group: list[str] = []
    in_rules = False
    known = {
        "user-agent",
        "allow",
        "disallow",
        "sitemap",
        "crawl-delay",
        "content-signal",
        "host",
        "request-rate",
        "clean-param",
        "visit-time",
        "noindex",
    }
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not sep or name not in known:
            unknown.append(raw.strip())
            continue
        if name == "user-agent":
            if in_rules:
                group, in_rules = [], False
            group.append(value.lower())
            agents.append(value.lower())
        elif name == "content-signal":
            signals.append((",".join(group) or "*", value))
        elif name in ("allow", "disallow", "crawl-delay"):
            in_rules = True
    return agents, signals, unknown


@probe("robots", description="GET /robots.txt and parse it (RFC 9309)")
async def robots(ctx: ProbeContext) -> RobotsTxt:
    doc = await fetch_doc(ctx, urljoin(ctx.target.origin, "/robots.txt"))
    result = RobotsTxt(doc=doc)
    if doc.found:
        text = doc.data
        result.parser = Protego.parse(text)
        result.sitemaps = [urljoin(doc.url, s) for s in result.parser.sitemaps]
        result.user_agents, result.content_signals, result.unknown_lines = parse_robots(text)
    return result
