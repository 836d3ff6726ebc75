"""Fetching well-known documents and telling found / absent / unreachable / soft-404 / invalid apart."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import yaml

from auditor.fetch import Response
from auditor.probing import ProbeContext


class DocState(StrEnum):
    FOUND = "found"  # answered 2xx with a body of the expected kind (parsed when a parser applies)
    ABSENT = "absent"  # 404/410 or another clean "not here"
    UNREACHABLE = "unreachable"  # no HTTP answer: network, timeout, blocked address, redirect loop
    SOFT_404 = "soft-404"  # 2xx, but HTML or the same body the target serves for a path that cannot exist
    INVALID = "invalid"  # 2xx of the right kind, but it does not parse
    ERROR_STATUS = "error-status"  # 401/403/5xx and other non-success answers


@dataclass
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


def same_as_miss(resp: Response, miss: Response | None) -> bool:
    """True when ``resp`` is the page the target serves for any unknown path."""
    if miss is None or miss.status is None or not miss.ok or not resp.body:
        return False
    return resp.body.strip() == miss.body.strip()


def classify_response(
    resp: Response, miss: Response | None, *, html_ok: bool = False
) -> tuple[DocState, str | None]:
    if resp.failed:
        return DocState.UNREACHABLE, resp.error
    status = resp.status or 0
    if status in (404, 410):
        return DocState.ABSENT, f"HTTP {status}"
    if not 200 <= status < 300:
        return DocState.ERROR_STATUS, f"HTTP {status}"
    if same_as_miss(resp, miss):
        return DocState.SOFT_404, "the body is the page served for any unknown path (soft-404)"
    if not html_ok and resp.looks_like_html:
        return DocState.SOFT_404, f"HTML ({resp.media_type or 'sniffed'}) where a document was expected"
    if not resp.body.strip():
        return DocState.INVALID, "empty body"
    return DocState.FOUND, None


async def fetch_doc(
    ctx: ProbeContext, url: str, *, parse: str = "text", accept: str | None = None, html_ok: bool = False
) -> Doc:
    """GET ``url`` and classify it. ``parse`` is "text", "json" or "openapi" (JSON or YAML)."""
    headers = {"Accept": accept} if accept else None
    resp = await ctx.fetch.get(url, headers=headers)
    miss = await ctx.maybe("not_found")
    state, problem = classify_response(resp, miss, html_ok=html_ok)
    doc = Doc(url=url, state=state, response=resp, problem=problem)
    if state != DocState.FOUND:
        return doc
    if parse == "json":
        try:
            doc.data = json.loads(resp.text)
        except ValueError as exc:
            doc.state, doc.problem = DocState.INVALID, f"not JSON: {exc}"
    elif parse == "yaml-or-json":
        try:
            doc.data = json.loads(resp.text)
        except ValueError:
            try:
                doc.data = yaml.safe_load(resp.text)
            except yaml.YAMLError as exc:
                doc.state, doc.problem = (
                    DocState.INVALID,
                    f"neither JSON nor YAML: {str(exc).splitlines()[0]}",
                )
    else:
        doc.data = resp.text
    return doc


def first_found(docs: list[Doc]) -> Doc | None:
    return next((d for d in docs if d.found), None)


def summarize_misses(docs: list[Doc]) -> str:
    return "; ".join(d.describe() for d in docs)
