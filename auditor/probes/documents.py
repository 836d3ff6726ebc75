"""Fetching well-known documents and telling found / absent / unreachable / soft-404 / invalid apart."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from agent_ready.artifacts.documents import (
    Doc,
    DocState,
    body_is_html,
)
from agent_ready.artifacts.http import Response
from agent_ready.probing import ProbeContext


def same_as_miss(resp: Response, miss: Response | None) -> bool:
    """True when ``resp`` is the page the target serves for any unknown path."""
    if miss is None or miss.status is None or not miss.ok or not resp.body:
        return False
    return resp.body.strip() == miss.body.strip()


_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_CONTROL = frozenset(range(0, 9)) | frozenset(range(14, 32)) | {127}


def binary_reason(body: bytes) -> str | None:
    """Why a body is not text (so not a document of any text kind), or None when it reads as text.

    Text is valid UTF-8 (or a BOM-marked UTF-16), or a legacy 8-bit encoding with next to no control
    bytes; random or compressed bytes have NULs and about one control byte in nine.
    """
    sample = body[:8192]
    if not sample or sample.startswith(_TEXT_BOMS):
        return None
    try:
        sample.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError as exc:
        utf8 = exc.start >= len(sample) - 3 and len(body) > len(sample)  # cut inside a character
    if b"\x00" in sample:
        return "binary content (NUL bytes), not text"
    if utf8:
        return None
    controls = sum(1 for b in sample if b in _CONTROL)
    if controls > len(sample) // 50:
        return f"binary content ({controls} control bytes in the first {len(sample)}), not text"
    return None


def classify_response(
    resp: Response, miss: Response | None, *, html_ok: bool = False, text: bool = False
) -> tuple[DocState, str | None]:
    """Found / absent / unreachable / soft-404 / invalid. ``text``: only a text body can be the document."""
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
    if text and (why := binary_reason(resp.body)):
        return DocState.INVALID, why
    return DocState.FOUND, None


async def _get(
    ctx: ProbeContext, url: str, headers: dict[str, str] | None, *, html_ok: bool
) -> tuple[Response, DocState, str | None]:
    """GET ``url`` and classify the answer; the caller parses a FOUND body."""
    # The soft-404 baseline is fetched beside the document, never after it.
    resp, miss = await asyncio.gather(ctx.fetch.get(url, headers=headers or None), ctx.maybe("not_found"))
    state, problem = classify_response(resp, miss, html_ok=html_ok, text=True)
    return resp, state, problem


async def fetch_doc(
    ctx: ProbeContext, url: str, *, parse: str = "text", accept: str | None = None, html_ok: bool = False
) -> Doc:
    """GET ``url`` strictly: any HTML, declared or sniffed, is a soft-404. ``parse`` is "text" or "json"."""
    resp, state, problem = await _get(ctx, url, {"Accept": accept} if accept else None, html_ok=html_ok)
    data: Any = None
    if state == DocState.FOUND and parse == "json":
        try:
            data = json.loads(resp.text)
        except ValueError as exc:
            state, problem = DocState.INVALID, f"not JSON: {exc}"
    elif state == DocState.FOUND:
        data = resp.text
    return Doc(url=url, state=state, response=resp, data=data, problem=problem)


async def fetch_json_doc(ctx: ProbeContext, url: str, *, accept: str | None = None) -> Doc:
    """GET a JSON document. A JSON body served as text/html still counts as found (the check flags the type);
    HTML, the target's catch-all page and unparseable bodies do not."""
    resp, state, problem = await _get(ctx, url, {"Accept": accept} if accept else None, html_ok=True)
    data: Any = None
    if state == DocState.FOUND:
        try:
            data = json.loads(resp.text)
        except ValueError as exc:
            if body_is_html(resp) or resp.looks_like_html:
                state, problem = (
                    DocState.SOFT_404,
                    f"HTML ({resp.media_type or 'sniffed'}) where JSON was expected",
                )
            else:
                detail = "body truncated at the size limit" if resp.truncated else str(exc)
                state, problem = DocState.INVALID, f"not JSON: {detail}"
    return Doc(url=url, state=state, response=resp, data=data, problem=problem)


async def fetch_text_doc(
    ctx: ProbeContext, url: str, *, accept: str | None = None, range_head: bool = False
) -> Doc:
    """GET a text document (Markdown, XML, robots-like). HTML by content or the catch-all page is a soft-404;
    a text body merely labelled text/html is kept (the check flags the type)."""
    headers = {"Accept": accept} if accept else {}
    if range_head:
        headers["Range"] = "bytes=0-1023"
    resp, state, problem = await _get(ctx, url, headers, html_ok=True)
    data: Any = None
    if state == DocState.FOUND and body_is_html(resp):
        state = DocState.SOFT_404
        problem = f"HTML ({resp.media_type or 'sniffed'}) where a text document was expected"
    elif state == DocState.FOUND:
        data = resp.text
    return Doc(url=url, state=state, response=resp, data=data, problem=problem)


async def walk(
    fetches: Sequence[Callable[[], Awaitable[Doc]]],
    *,
    hit: Callable[[Doc], bool] = lambda doc: doc.found,
    stop: Callable[[Doc], bool] = lambda doc: False,
) -> list[Doc]:
    """Candidates tried in order until one is a ``hit`` (or one says ``stop``): the docs tried, in order.

    A walk costs at most two round trips, not one per candidate: the first candidate (the likeliest) goes out
    alone, and only when it misses do all the others go out at once; they are then read in order as before.
    A candidate after the one that hits may thus have been fetched for nothing; only those up to the hit are
    returned (and judged).
    """
    if not fetches:
        return []
    first = await fetches[0]()
    if hit(first) or stop(first) or len(fetches) == 1:
        return [first]
    tried = [first]
    for doc in await asyncio.gather(*(fetch() for fetch in fetches[1:])):
        tried.append(doc)
        if hit(doc) or stop(doc):
            break
    return tried
