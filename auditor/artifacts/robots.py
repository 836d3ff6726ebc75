"""robots.txt as fetched and parsed (RFC 9309), shared by the discovery and access checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agent_ready.artifacts.documents import Doc
from agent_ready.artifacts.key import Key

if TYPE_CHECKING:  # the probe builds the parser; list-checks loads this module without protego
    from protego import Protego


@dataclass(frozen=True)
class RobotsTxt:
    doc: Doc
    parser: Protego | None = None
    user_agents: list[str] = field(default_factory=list)  # every User-agent line, lower-cased, in order
    sitemaps: list[str] = field(default_factory=list)
    content_signals: list[tuple[str, str]] = field(
        default_factory=list
    )  # (user-agent group, directive value)
    unknown_lines: list[str] = field(default_factory=list)


# The keys the probes register these artifacts under (ACTIVE ones read as None without --active).
ROBOTS: Key[RobotsTxt] = Key("robots")
