"""Discovery documents of the reference service (robots.txt, llms.txt, ...)."""

from __future__ import annotations

from auditor.reference.app import ReferenceApp, Reply, Request, text

ROBOTS = """# Agents welcome. Training on our docs is not.
User-agent: *
Allow: /
Content-Signal: search=yes, ai-input=yes, ai-train=no

User-agent: GPTBot
Disallow: /

Sitemap: {base}/sitemap.xml
"""


def robots(app: ReferenceApp, req: Request) -> Reply:
    return text(ROBOTS.format(base=app.base_url))


def install(app: ReferenceApp) -> None:
    app.add("GET", "/robots.txt", robots)
