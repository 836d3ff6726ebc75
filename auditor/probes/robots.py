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
    result = RobotsTxt(doc=doc)
    if doc.found:
        text = doc.data
        result.parser = Protego.parse(text)
        result.sitemaps = [urljoin(doc.url, s) for s in result.parser.sitemaps]
        result.user_agents, result.content_signals, result.unknown_lines = parse_robots(text)
    return result
