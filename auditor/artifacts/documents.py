"""A document the probes looked for, and what became of it: found, absent, soft-404, invalid, unreachable."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from agent_ready.artifacts.http import Response


class DocState(StrEnum):
    FOUND = "found"  # answered 2xx with a body of the expected kind (parsed when a parser applies)
    ABSENT = "absent"  # 404/410 or another clean "not here"
    UNREACHABLE = "unreachable"  # no HTTP answer: network, timeout, blocked address, redirect loop
    SOFT_404 = "soft-404"  # 2xx, but HTML or the same body the target serves for a path that cannot exist
    INVALID = "invalid"  # 2xx of the right kind, but it does not parse
    ERROR_STATUS = "error-status"  # 401/403/5xx and other non-success answers


@dataclass(frozen=True)
class Doc:
    url: str
    state: DocState
    response: Response | None
    data: Any = None
    problem: str | None = None

    @property
    def found(self) -> bool:
        return self.state == DocState.FOUND

    @property
    def evidence(self) -> tuple[str, ...]:
        return self.response.exchange_ids if self.response is not None else ()

    def describe(self) -> str:
        if self.state == DocState.FOUND:
            return f"{self.url} found"
        status = self.response.describe() if self.response is not None else "not fetched"
        return f"{self.url}: {self.state.value} ({self.problem or status})"


# Markup at the start of a body: HTML by content, whatever the Content-Type says.
_HTML_HEAD = re.compile(r"^\s*(<!doctype\s+html|<html|<head|<body|<meta|<title|<div|<script)", re.I)


def body_is_html(resp: Response) -> bool:
    """HTML by content, whatever the declared type (a Markdown or JSON body mislabelled text/html is not)."""
    return bool(_HTML_HEAD.match(resp.text[:1024]))
