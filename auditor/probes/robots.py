"""robots.txt: fetched once, parsed with protego, shared by the discovery and access checks."""

from __future__ import annotations

from urllib.parse import urljoin

from protego import Protego

from agent_ready.artifacts.robots import ROBOTS, RobotsTxt
from agent_ready.parsers.robots import parse_robots
from agent_ready.probes.documents import fetch_doc
from agent_ready.probing import ProbeContext, probe


@probe(ROBOTS, description="GET /robots.txt and parse it (RFC 9309)")
async def robots(ctx: ProbeContext) -> RobotsTxt:
    doc = await fetch_doc(ctx, urljoin(ctx.target.origin, "/robots.txt"))
    if not doc.found:
        return RobotsTxt(doc=doc)
    text = doc.data
    parser = Protego.parse(text)
    user_agents, content_signals, unknown_lines = parse_robots(text)
    return RobotsTxt(
        doc=doc,
        parser=parser,
        user_agents=user_agents,
        sitemaps=[urljoin(doc.url, s) for s in parser.sitemaps],
        content_signals=content_signals,
        unknown_lines=unknown_lines,
    )
