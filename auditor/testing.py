"""Helpers for testing checks on literal data (used by this project's tests and by plugin authors)."""

from __future__ import annotations

import itertools
import json as jsonlib
from collections.abc import Mapping
from typing import Any

import httpx

from agent_ready.artifacts.http import ErrorKind, Response
from agent_ready.checkapi import Artifacts, Check, Target
from agent_ready.models import Outcome

_ids = itertools.count(1)


def fake_response(
    status: int | None = 200,
    body: str | bytes = b"",
    *,
    headers: Mapping[str, str] | list[tuple[str, str]] | None = None,
    content_type: str | None = None,
    json: Any = None,
    url: str = "https://api.example.com/",
    method: str = "GET",
    error_kind: str | None = None,
    error: str | None = None,
) -> Response:
    """A Response as the fetcher would return it, without a network. ``status=None`` models a failure."""
    if json is not None:
        body = jsonlib.dumps(json)
        content_type = content_type or "application/json"
    raw = body.encode("utf-8") if isinstance(body, str) else body
    hdrs = httpx.Headers(headers or {})
    if content_type is not None:
        hdrs["content-type"] = content_type
    eid = f"e{next(_ids)}"
    return Response(
        method=method,
        url=url,
        final_url=url,
        status=status,
        headers=hdrs,
        body=raw,
        exchange_id=eid,
        exchange_ids=(eid,),
        elapsed_ms=1.0,
        error=error or (None if status is not None else "connection refused"),
        error_kind=ErrorKind(error_kind)
        if error_kind
        else (None if status is not None else ErrorKind.CONNECT),
    )


def target(url: str = "https://api.example.com/") -> Target:
    from agent_ready.engine import parse_target

    return parse_target(url)


def judge(
    chk: Check, *, active: bool = False, url: str = "https://api.example.com/", **artifacts: Any
) -> Outcome:
    """Run one check on literal artifacts, as the engine would hand them over."""
    declared = chk.meta.requires + chk.meta.active_requires
    return chk(Artifacts(artifacts, active=active, target=target(url), declared=declared))
