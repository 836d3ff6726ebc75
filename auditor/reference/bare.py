"""The "bare" reference variant: a single-page app that answers everything with HTML, as many real sites do.

Every GET gets the same 200 HTML shell (the soft-404 trap), API paths included; anything else gets an
HTML error page with no hint. It must fail every check that judges content, at the first step.
"""

from __future__ import annotations

from agent_ready.reference.app import ReferenceApp, Reply, Request, text

SHELL = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Cloud</title>
<script src="/static/app.js"></script></head>
<body><div id="root">Loading…</div><noscript>Please enable JavaScript.</noscript></body></html>
"""

ERROR_PAGE = """<!doctype html>
<html><head><title>Error</title></head><body><h1>Something went wrong</h1></body></html>
"""


def _fallback(app: ReferenceApp, req: Request) -> Reply:
    if req.method in ("GET", "HEAD"):
        return text(SHELL, 200, "text/html; charset=utf-8")
    return text(ERROR_PAGE, 500, "text/html; charset=utf-8")


def install(app: ReferenceApp) -> None:
    app.fallback = _fallback
