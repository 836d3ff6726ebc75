"""Probes every family uses: the target URL, the home page, and a soft-404 baseline."""

from __future__ import annotations

from urllib.parse import urljoin

from agent_ready.artifacts.http import HOME, NOT_FOUND, TARGET, Response
from agent_ready.probing import ProbeContext, probe

# A path no real service serves. What the target answers here is its "not found" behaviour: single-page
# apps answer 200 with their HTML shell, which would otherwise pass for any well-known document.
MISSING_PATH = "/.well-known/agent-ready-missing-7f3a9c"


@probe(TARGET, description="GET the URL the user named (preflight: is the target reachable?)")
async def target(ctx: ProbeContext) -> Response:
    return await ctx.fetch.get(ctx.target.url)


@probe(HOME, description="GET the origin's home page")
async def home(ctx: ProbeContext) -> Response:
    return await ctx.fetch.get(urljoin(ctx.target.origin, "/"))


@probe(NOT_FOUND, description="GET a path that cannot exist, to learn how the target answers a miss")
async def not_found(ctx: ProbeContext) -> Response:
    return await ctx.fetch.get(urljoin(ctx.target.origin, MISSING_PATH))
