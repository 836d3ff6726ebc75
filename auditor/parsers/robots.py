"""robots.txt facts protego does not expose: user-agent groups, Content-Signal directives, unknown lines."""

from __future__ import annotations


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
