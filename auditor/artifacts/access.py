"""What the access probes saw: the paths agents need, the Web Bot Auth key directory, challenge samples."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent_ready.artifacts.documents import Doc
from agent_ready.artifacts.http import Response
from agent_ready.artifacts.key import Key

BOT_AUTH_MEDIA_TYPE = "application/http-message-signatures-directory+json"


@dataclass(frozen=True)
class AgentPath:
    path: str  # absolute path on the target's origin (query-free)
    role: str  # "home" | "docs" | "description" | "api" | "auth" | "target"
    source: str  # "default" | "openapi" | "target"


@dataclass(frozen=True)
class AgentPaths:
    """Paths whose robots.txt verdict matters to an agent, derived from what discovery found."""

    paths: list[AgentPath] = field(default_factory=list)
    openapi_used: bool = False


@dataclass(frozen=True)
class BotAuthDirectory:
    doc: Doc


@dataclass(frozen=True)
class Sample:
    role: str  # what the agent was trying to read: "home", "docs", "openapi", "api", ...
    response: Response


@dataclass(frozen=True)
class ChallengeSamples:
    samples: list[Sample] = field(default_factory=list)


# The keys the probes register these artifacts under (ACTIVE ones read as None without --active).
AGENT_PATHS: Key[AgentPaths] = Key("agent_paths")
BOT_AUTH_DIRECTORY: Key[BotAuthDirectory] = Key("bot_auth_directory")
CHALLENGE_SAMPLES: Key[ChallengeSamples] = Key("challenge_samples")
