"""The scan's only way onto the network: one httpx client, a per-scan exchange cache, limits, a log.

Every request goes through :class:`Fetcher`. Safe requests (GET/HEAD) are memoised per scan on
``(method, url, headers)``; concurrent callers for the same key await the same in-flight task, so a
resource several probes need is fetched exactly once. Redirects are followed here, hop by hop, so that
each hop passes the address policy and loops are caught. Failures never raise: they come back as a
:class:`Response` whose ``error_kind`` says what went wrong, so "unreachable" stays distinct from "absent".
"""

from __future__ import annotations

import asyncio
import hashlib
import json as jsonlib
import ssl
import time
import weakref
import zlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

try:  # httpx's `brotli` extra; without it the scanner simply does not offer br
    import brotli
except ImportError:  # pragma: no cover - the extra is a declared dependency
    brotli = None

from agent_ready import __version__
from agent_ready.artifacts.http import ErrorKind, Response, normalize_url, origin_of
from agent_ready.models import Exchange
from agent_ready.netpolicy import AddressPolicy, BlockedAddress, PolicyBackend
from agent_ready.redact import Redactor

USER_AGENT = f"agent-ready/{__version__} (+https://pypi.org/project/agent-ready/; agent-readiness auditor)"
EXCERPT_CHARS = 2048


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    request_timeout: float = 20.0  # whole request, so a server dripping one byte per read cannot stall us
    max_body_bytes: int = 2 * 1024 * 1024  # after decompression
    max_redirects: int = 5
    # A politeness bound, not pacing: what browsers open per origin over HTTP/1.1 (6), so a scan asks no
    # more of a server than one page load does. Configurable (--concurrency). Over HTTP/1.1 a request in
    # flight is a connection, so this bounds connections too.
    per_origin_concurrency: int = 6
    # Over HTTP/2 one connection carries every request as a stream, and browsers send as many at once as
    # the server allows (its SETTINGS_MAX_CONCURRENT_STREAMS, 100 on most servers; RFC 9113 §6.5.2 asks
    # servers for at least 100). A scan sends ~35 requests passive and ~80 active, at most 16 of them in
    # flight at once over HTTP/2 (bench/scan_reference.py --proto h2): 32 never paces a scan, yet stays a
    # third of what a browser would open, and the server's own setting still caps it (httpcore honours
    # it). Configurable (--h2-streams); it applies to an origin once its connection has negotiated h2.
    per_origin_streams: int = 32


@dataclass
class ExchangeLog:
    """The ordered request log of a scan, in the order requests were sent."""

    exchanges: list[Exchange] = field(default_factory=list)

    def new_id(self) -> str:
        return f"e{len(self.exchanges) + 1}"

    def add(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    def by_id(self, exchange_id: str) -> Exchange | None:
        for exchange in self.exchanges:
            if exchange.id == exchange_id:
                return exchange
        return None


def _is_tls_failure(exc: BaseException) -> bool:
    """Whether a connect error was the TLS handshake (bad certificate, wrong host, expired), not TCP."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc) or "SSL" in str(exc)


class Fetcher:
    """Shared by every probe of one scan. Use :meth:`for_probe` to get a view that labels exchanges."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        policy: AddressPolicy,
        redactor: Redactor,
        limits: FetchLimits | None = None,
        log: ExchangeLog | None = None,
        clock_start: float | None = None,
        origin_headers: Mapping[str, str] | None = None,
        origin: str | None = None,
    ) -> None:
        self.client = client
        # The user's own headers (--header): sent to the target's origin only, never to a third party a
        # document or a redirect points to, and the probe's own header of the same name wins (a probe that
        # sends a deliberately bad token must send that one).
        self.origin_headers = {k.lower(): v for k, v in (origin_headers or {}).items()}
        self.origin = origin.lower() if origin else None
        self.policy = policy
        self.redactor = redactor
        self.limits = limits or FetchLimits()
        self.log = log or ExchangeLog()
        self._start = clock_start if clock_start is not None else time.monotonic()
        self._cache: dict[tuple[str, str, tuple[tuple[str, str], ...]], asyncio.Task[Response]] = {}
        self._origin_slots: dict[str, _OriginBound] = {}
        self._narrowing: set[asyncio.Future[None]] = set()
        self._unreachable: dict[str, Exchange] = {}  # origin -> the exchange whose connection it refused

    def for_probe(self, probe: str) -> ProbeFetcher:
        return ProbeFetcher(self, probe)

    async def request(
        self,
        method: str,
        url: str,
        *,
        probe: str,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
        cache: bool | None = None,
        any_accept: bool = False,
    ) -> Response:
        """One request; a safe one is shared through the scan's cache. ``any_accept``: the caller only asks
        whether the resource answers, so a cached request for the same URL with any ``Accept`` will do.
        ``cache=True`` with a body shares a request that changes nothing (an MCP initialize without
        credentials) between the probes that send exactly the same one."""
        method = method.upper()
        url = normalize_url(url)
        hdrs = {k.lower(): v for k, v in (headers or {}).items()}
        if cache is None:
            cache = method in ("GET", "HEAD") and content is None and json is None and data is None
        if not cache:
            return await self._fetch(method, url, probe, hdrs, content, json, data, follow_redirects)
        where = url + ("" if follow_redirects else "#no-follow") + _body_key(content, json, data)
        key = (method, where, tuple(sorted(hdrs.items())))
        task = self._cache.get(key)
        if task is None and any_accept:
            rest = tuple(kv for kv in key[2] if kv[0] != "accept")
            task = next(
                (
                    t
                    for (m, u, h), t in self._cache.items()
                    if (m, u) == key[:2] and tuple(kv for kv in h if kv[0] != "accept") == rest
                ),
                None,
            )
        if task is None:
            task = asyncio.ensure_future(
                self._fetch(method, url, probe, hdrs, content, json, data, follow_redirects)
            )
            self._cache[key] = task
        else:
            self._count_hit(task)
        return await asyncio.shield(task)

    def prefetch(self, url: str, *, probe: str, headers: Mapping[str, str] | None = None) -> None:
        """Send now a GET that a probe will ask for later, without waiting for it.

        Speculation where the protocol makes the next URL predictable (the origin's well-known metadata
        beside the call whose challenge would name it): the later request with the same URL and headers
        shares this one through the cache, so it costs no round trip of its own and is never sent twice.
        """
        url = normalize_url(url)
        hdrs = {k.lower(): v for k, v in (headers or {}).items()}
        key = ("GET", url, tuple(sorted(hdrs.items())))
        if key not in self._cache:
            self._cache[key] = asyncio.ensure_future(
                self._fetch("GET", url, probe, hdrs, None, None, None, True)
            )

    def cancel_pending(self) -> None:
        """Cancel fetches still in flight (their probes were cancelled at the scan deadline)."""
        pending: list[asyncio.Future[Any]] = [*self._cache.values(), *self._narrowing]
        for task in pending:
            if not task.done():
                task.cancel()

    def _count_hit(self, task: asyncio.Task[Response]) -> None:
        if task.done() and not task.cancelled() and task.exception() is None:
            exchange = self.log.by_id(task.result().exchange_id)
            if exchange is not None:
                exchange.from_cache_hits += 1

    async def _fetch(
        self,
        method: str,
        url: str,
        probe: str,
        headers: dict[str, str],
        content: bytes | str | None,
        json: Any,
        data: Mapping[str, str] | None,
        follow_redirects: bool,
    ) -> Response:
        started = time.monotonic()
        seen: set[str] = {url}
        hops: list[tuple[int, str]] = []
        ids: list[str] = []
        current = url
        while True:
            resp = await self._one(method, current, probe, headers, content, json, data)
            ids.append(resp.exchange_id)
            location = resp.headers.get("location") if resp.status else None
            if not (follow_redirects and resp.status in (301, 302, 303, 307, 308) and location):
                break
            nxt = normalize_url(urljoin(current, location))
            hops.append((resp.status or 0, nxt))
            if nxt in seen:
                return self._failure(
                    method,
                    url,
                    nxt,
                    probe,
                    ErrorKind.REDIRECT_LOOP,
                    f"redirect loop back to {self.redactor.url(nxt)}",
                    started,
                    ids,
                    hops,
                )
            if len(hops) > self.limits.max_redirects:
                return self._failure(
                    method,
                    url,
                    nxt,
                    probe,
                    ErrorKind.TOO_MANY_REDIRECTS,
                    f"more than {self.limits.max_redirects} redirects",
                    started,
                    ids,
                    hops,
                )
            seen.add(nxt)
            if resp.status == 303 or (resp.status in (301, 302) and method == "POST"):
                method, content, json, data = "GET", None, None, None
            current = nxt
        return replace(
            resp,
            url=url,
            exchange_ids=tuple(ids),
            redirects=tuple(hops),
            elapsed_ms=(time.monotonic() - started) * 1000,
        )

    def _failure(
        self,
        method: str,
        url: str,
        final: str,
        probe: str,
        kind: ErrorKind,
        message: str,
        started: float,
        ids: list[str],
        hops: list[tuple[int, str]],
    ) -> Response:
        return Response(
            method=method,
            url=url,
            final_url=final,
            status=None,
            headers=httpx.Headers(),
            body=b"",
            exchange_id=ids[-1] if ids else "",
            exchange_ids=tuple(ids),
            elapsed_ms=(time.monotonic() - started) * 1000,
            error=message,
            error_kind=kind,
            redirects=tuple(hops),
        )

    def _body_excerpt(
        self, content: bytes | str | None, json: Any, data: Mapping[str, str] | None
    ) -> str | None:
        if json is not None:
            raw = jsonlib.dumps(json)
        elif data is not None:
            raw = "&".join(f"{k}={v}" for k, v in data.items())
        elif content is not None:
            raw = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        else:
            return None
        return self.redactor.text(raw[:EXCERPT_CHARS])

    def _slot(self, url: str) -> _OriginBound:
        origin = origin_of(url)
        if origin not in self._origin_slots:
            self._origin_slots[origin] = _OriginBound(asyncio.Semaphore(self.limits.per_origin_concurrency))
        return self._origin_slots[origin]

    def in_flight_bound(self, url: str) -> int:
        """How many requests to ``url``'s origin go on the wire together now (the errors probe's 429 burst
        sends its waves this size, so that a wave costs one round trip)."""
        bound = self._origin_slots.get(origin_of(url))
        if bound is not None and bound.multiplexed:
            return self.limits.per_origin_streams
        return self.limits.per_origin_concurrency

    def _negotiated(self, bound: _OriginBound, http2: bool) -> None:
        """Fit an origin's bound to the protocol its connection speaks: over HTTP/2 the stream limit, over
        HTTP/1.1 (again: servers behind one name may differ) the connection limit."""
        extra = self.limits.per_origin_streams - self.limits.per_origin_concurrency
        if extra <= 0 or http2 == bound.multiplexed:
            return
        bound.multiplexed = http2
        if http2:
            for _ in range(extra):
                bound.slots.release()
            return
        # Taken back as requests in flight end; asyncio.Semaphore has no way to shrink at once.
        narrowing = asyncio.ensure_future(_acquire_times(bound.slots, extra))
        self._narrowing.add(narrowing)
        narrowing.add_done_callback(self._narrowing.discard)

    async def _one(
        self,
        method: str,
        url: str,
        probe: str,
        headers: dict[str, str],
        content: bytes | str | None,
        json: Any,
        data: Mapping[str, str] | None,
    ) -> Response:
        if self.origin_headers and origin_of(url) == self.origin:
            headers = {**self.origin_headers, **headers}
        exchange = self._new_exchange(method, url, probe, headers, content, json, data)
        t0 = time.monotonic()
        down: Exchange | None = None
        kind: ErrorKind | None = None
        message = ""
        answer: tuple[int, httpx.Headers, bytes, bool] | None = None
        try:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                raise ValueError(f"not an http(s) URL: {url}")
            await self.policy.check(url)
            bound = self._slot(url)
            async with bound.slots:
                down = self._unreachable.get(origin_of(url))
                if down is None:
                    self._log(exchange)
                    exchange.started_ms = round((time.monotonic() - self._start) * 1000, 1)
                    t0 = time.monotonic()

                    async def on_wire(event: str, info: Any) -> None:
                        nonlocal t0
                        t0 = self._on_wire(event, exchange, bound) or t0

                    answer = await asyncio.wait_for(
                        self._send(method, url, headers, content, json, data, on_wire),
                        self.limits.request_timeout,
                    )
        except (BlockedAddress, ValueError, OSError, httpx.HTTPError, BodyDecodingError) as exc:
            kind, message = _failure(exc, method, url)
        if down is not None:
            return self._known_down(method, url, down)
        if not exchange.id:  # refused before it could be sent (invalid URL, blocked address, no such host)
            self._log(exchange)
        exchange.elapsed_ms = round((time.monotonic() - t0) * 1000, 1)
        if kind is not None:
            exchange.error = self.redactor.text(message)
            exchange.error_kind = kind.value
            if kind in (ErrorKind.CONNECT, ErrorKind.TLS):
                # Requests started beside this one (every probe starts at t0) learn it from here rather
                # than each opening a connection the origin already refused.
                self._unreachable.setdefault(origin_of(url), exchange)
        status, resp_headers, body, truncated = answer or (None, httpx.Headers(), b"", False)
        if answer is not None:
            self._record_answer(exchange, *answer)
        return Response(
            method=method,
            url=url,
            final_url=url,
            status=status,
            headers=resp_headers,
            body=body,
            exchange_id=exchange.id,
            exchange_ids=(exchange.id,),
            elapsed_ms=exchange.elapsed_ms,
            truncated=truncated,
            error=exchange.error,
            error_kind=kind,
        )

    def _new_exchange(
        self,
        method: str,
        url: str,
        probe: str,
        headers: dict[str, str],
        content: bytes | str | None,
        json: Any,
        data: Mapping[str, str] | None,
    ) -> Exchange:
        return Exchange(
            id="",  # numbered when sent (or refused), so the log is in the order requests went out
            probe=probe,
            method=method,
            url=self.redactor.url(url),
            request_headers=self.redactor.headers({**dict(self.client.headers), **headers}),
            started_ms=round((time.monotonic() - self._start) * 1000, 1),
            request_body_excerpt=self._body_excerpt(content, json, data),
        )

    def _on_wire(self, event: str, exchange: Exchange, bound: _OriginBound) -> float | None:
        """httpcore's trace: the request goes on the wire now, after any connect, TLS handshake or wait for a
        stream (time queued is not the server's). Returns that instant, for the exchange's elapsed time."""
        if not event.endswith(".send_request_headers.started"):
            return None
        sent = time.monotonic()
        exchange.started_ms = round((sent - self._start) * 1000, 1)
        http2 = event.startswith("http2.")
        exchange.http_version = "HTTP/2" if http2 else "HTTP/1.1"
        if http2:  # h2 drops them from what it sends (RFC 9113 §8.2.2); so does the log
            exchange.request_headers = {
                k: v for k, v in exchange.request_headers.items() if k.lower() not in _CONNECTION_SPECIFIC
            }
        self._negotiated(bound, http2)
        return sent

    def _record_answer(
        self, exchange: Exchange, status: int, headers: httpx.Headers, body: bytes, truncated: bool
    ) -> None:
        exchange.status = status
        exchange.response_headers = self.redactor.headers(headers.multi_items())
        exchange.content_type = headers.get("content-type")
        exchange.size = len(body)
        exchange.truncated = truncated
        exchange.body_excerpt = (
            self.redactor.text(body[: EXCERPT_CHARS * 2].decode("utf-8", "replace")[:EXCERPT_CHARS])
            if body
            else None
        )
        if status in (301, 302, 303, 307, 308):
            exchange.redirected_to = self.redactor.url(headers.get("location", ""))

    def _log(self, exchange: Exchange) -> None:
        exchange.id = self.log.new_id()
        self.log.add(exchange)

    def _known_down(self, method: str, url: str, down: Exchange) -> Response:
        """The answer for an origin that already refused a connection: that failure, shared, not resent."""
        down.from_cache_hits += 1
        return Response(
            method=method,
            url=url,
            final_url=url,
            status=None,
            headers=httpx.Headers(),
            body=b"",
            exchange_id=down.id,
            exchange_ids=(down.id,),
            elapsed_ms=0.0,
            error=down.error,
            error_kind=ErrorKind(down.error_kind) if down.error_kind else ErrorKind.CONNECT,
        )

    async def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        content: bytes | str | None,
        json: Any,
        data: Mapping[str, str] | None,
        trace: Callable[[str, Any], Awaitable[None]] | None = None,
    ) -> tuple[int, httpx.Headers, bytes, bool]:
        request = self.client.build_request(
            method,
            url,
            headers=headers,
            content=content,
            json=json,
            data=data,
            extensions={"trace": trace} if trace is not None else None,
        )
        response = await self.client.send(request, stream=True, follow_redirects=False)
        try:
            if method == "HEAD":
                return response.status_code, response.headers, b"", False
            body, truncated = await read_bounded(
                response.aiter_raw(), response.headers.get("content-encoding", ""), self.limits.max_body_bytes
            )
        finally:
            await response.aclose()
        return response.status_code, response.headers, body, truncated


_CONNECTION_SPECIFIC = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}
)


@dataclass
class _OriginBound:
    """Requests in flight to one origin: ``per_origin_concurrency`` until its connection speaks HTTP/2,
    then ``per_origin_streams``."""

    slots: asyncio.Semaphore
    multiplexed: bool = False


async def _acquire_times(slots: asyncio.Semaphore, n: int) -> None:
    for _ in range(n):
        await slots.acquire()


# Decompressed output is produced in pieces of at most this size, so that one 64 KiB chunk of a
# compression bomb (deflate expands up to ~1000x, brotli further) never becomes one huge allocation.
_PIECE = 64 * 1024


_DECODE_ERRORS: tuple[type[Exception], ...] = (zlib.error,) + ((brotli.error,) if brotli is not None else ())


def _failure(exc: BaseException, method: str, url: str) -> tuple[ErrorKind, str]:
    """What a failed request is, in the report's terms ("unreachable", "blocked" and "invalid" differ)."""
    if isinstance(exc, BlockedAddress):
        return ErrorKind.BLOCKED, str(exc)
    if isinstance(exc, ValueError):
        return ErrorKind.INVALID_URL, str(exc)
    if isinstance(exc, (TimeoutError, httpx.TimeoutException)):
        return ErrorKind.TIMEOUT, f"no complete answer within the time limit ({method} {url})"
    if isinstance(exc, OSError):  # getaddrinfo failures
        return ErrorKind.DNS, f"cannot resolve host: {exc}"
    if isinstance(exc, httpx.ConnectError):
        if _is_tls_failure(exc):
            return ErrorKind.TLS, f"TLS handshake refused: {exc}"
        return ErrorKind.CONNECT, f"cannot connect: {exc or type(exc).__name__}"
    return ErrorKind.PROTOCOL, (
        str(exc) if isinstance(exc, BodyDecodingError) else f"{type(exc).__name__}: {exc}"
    )


class BodyDecodingError(Exception):
    """The body does not decode with the Content-Encoding the server declared."""


def _zlib_pieces(decoder: Any, data: bytes) -> Iterator[bytes]:
    out = decoder.decompress(data, _PIECE)
    yield out
    while decoder.unconsumed_tail:
        yield decoder.decompress(decoder.unconsumed_tail, _PIECE)


def _brotli_pieces(decoder: Any, data: bytes) -> Iterator[bytes]:
    yield decoder.process(data, output_buffer_limit=_PIECE)
    while not decoder.can_accept_more_data():
        yield decoder.process(b"", output_buffer_limit=_PIECE)


class _Stage:
    """One Content-Encoding, decoded lazily in bounded pieces."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.raw_deflate = False
        if coding in ("gzip", "x-gzip"):
            self.decoder: Any = zlib.decompressobj(zlib.MAX_WBITS | 32)
        elif coding == "deflate":
            self.decoder = zlib.decompressobj(zlib.MAX_WBITS)
        elif coding == "br" and brotli is not None:
            self.decoder = brotli.Decompressor()
        else:
            self.decoder = None  # identity, or a coding we never offered: kept as sent

    def pieces(self, data: bytes) -> Iterator[bytes]:
        if self.decoder is None:
            yield data
            return
        try:
            if self.coding == "br":
                yield from _brotli_pieces(self.decoder, data)
            else:
                try:
                    yield from _zlib_pieces(self.decoder, data)
                except zlib.error:
                    if self.coding != "deflate" or self.raw_deflate:
                        raise
                    # "deflate" is sent both zlib-wrapped (RFC 9110) and raw (common in practice).
                    self.raw_deflate = True
                    self.decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    yield from _zlib_pieces(self.decoder, data)
        except _DECODE_ERRORS as exc:
            raise BodyDecodingError(f"body does not decode as {self.coding}: {exc}") from exc


def _decoded(stages: list[_Stage], data: bytes) -> Iterator[bytes]:
    if not stages:
        yield data
        return
    for piece in stages[0].pieces(data):
        if piece:
            yield from _decoded(stages[1:], piece)


async def read_bounded(raw: AsyncIterator[bytes], content_encoding: str, limit: int) -> tuple[bytes, bool]:
    """The body decoded from ``raw`` and whether it was cut at ``limit`` bytes.

    Both the bytes on the wire and the decoded bytes are bounded by ``limit``, and decoding never holds
    more than ``limit`` plus one piece, whatever the compression ratio.
    """
    # Content-Encoding lists codings in the order they were applied; decode in reverse.
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    stages = [_Stage(c) for c in reversed(codings) if c != "identity"]
    chunks: list[bytes] = []
    size = raw_size = 0
    async for chunk in raw:
        raw_size += len(chunk)
        for piece in _decoded(stages, chunk):
            if size + len(piece) > limit:
                chunks.append(piece[: limit - size])
                return b"".join(chunks), True
            chunks.append(piece)
            size += len(piece)
        if raw_size > limit:  # e.g. an endless stream that decodes to nothing
            return b"".join(chunks), True
    return b"".join(chunks), False


def _body_key(content: bytes | str | None, json: Any, data: Mapping[str, str] | None) -> str:
    """The part of a cache key that tells request bodies apart ("" for none)."""
    if content is None and json is None and data is None:
        return ""
    if isinstance(content, str):
        content = content.encode()
    body = content or b""
    if json is not None:
        body += jsonlib.dumps(json, sort_keys=True, separators=(",", ":")).encode()
    if data is not None:
        body += jsonlib.dumps(sorted(data.items())).encode()
    return f"#body={hashlib.sha256(body).hexdigest()}"


@dataclass
class ProbeFetcher:
    """The fetcher as one probe sees it: exchanges it starts are labelled with its name."""

    fetcher: Fetcher
    probe: str

    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
        any_accept: bool = False,
    ) -> Response:
        return await self.fetcher.request(
            "GET",
            url,
            probe=self.probe,
            headers=headers,
            follow_redirects=follow_redirects,
            any_accept=any_accept,
        )

    async def request(self, method: str, url: str, **kwargs: Any) -> Response:
        return await self.fetcher.request(method, url, probe=self.probe, **kwargs)

    def prefetch(self, url: str, *, headers: Mapping[str, str] | None = None) -> None:
        self.fetcher.prefetch(url, probe=self.probe, headers=headers)

    def in_flight_bound(self, url: str) -> int:
        return self.fetcher.in_flight_bound(url)

    @property
    def redactor(self) -> Redactor:
        return self.fetcher.redactor


ACCEPT_ENCODING = "gzip, deflate, br" if brotli is not None else "gzip, deflate"


# Verifying contexts whose usual roots are not loaded yet (see _tls_context).
_ROOTS_PENDING: weakref.WeakSet[ssl.SSLContext] = weakref.WeakSet()


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process, trusting the roots httpx trusts (certifi's), which it loads
    when its first TLS handshake starts (``load_roots``): loading them costs 15-20 ms of CPU, which a scan
    of an http:// target never needs and which would otherwise delay its first request; a batch pays it
    once."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies the certificate and the host name
    _ROOTS_PENDING.add(context)
    return context


def load_roots(context: ssl.SSLContext) -> None:
    """Before a TLS handshake: load the usual roots into ``context`` if it is one that waits for them."""
    if context in _ROOTS_PENDING:
        import certifi  # httpx's own dependency, and the bundle it verifies against

        context.load_verify_locations(cafile=certifi.where())
        _ROOTS_PENDING.discard(context)


def tls_verify(ca_bundle: str | None, insecure: bool) -> ssl.SSLContext | bool:
    """What the client verifies server certificates against: the usual roots plus a private CA
    (``--ca-bundle``), or nothing (``--insecure``). Raises ValueError with a one-line reason."""
    if insecure:
        return False
    if ca_bundle is None:
        return _tls_context()
    context = httpx.create_ssl_context(trust_env=False)
    try:
        context.load_verify_locations(cafile=ca_bundle)
    except FileNotFoundError:
        raise ValueError(f"--ca-bundle {ca_bundle}: no such file") from None
    except (ssl.SSLError, OSError) as exc:
        raise ValueError(f"--ca-bundle {ca_bundle}: not a PEM certificate bundle ({exc})") from None
    return context


def _policy_transport(
    policy: AddressPolicy | None,
    max_connections: int,
    verify: ssl.SSLContext | bool | None = None,
    keepalive: int | None = None,
) -> httpx.AsyncHTTPTransport:
    pool_limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max(1, max_connections // 2) if keepalive is None else keepalive,
    )
    # http2: offered by ALPN over TLS only (httpcore never sends h2c to an http:// origin unasked), and
    # the h2 package it needs is imported by httpcore with the transport, on the scan path only.
    transport = httpx.AsyncHTTPTransport(
        verify=_tls_context() if verify is None else verify,
        limits=pool_limits,
        trust_env=False,
        http2=True,
    )
    # httpx exposes no setting for httpcore's network backend; the pool's attribute is the one seam.
    pool = transport._pool
    pool._network_backend = PolicyBackend(policy, pool._network_backend, before_tls=load_roots)
    return transport


@dataclass
class _OriginPool:
    transport: httpx.AsyncHTTPTransport
    slot: asyncio.Semaphore
    active: int = 0
    multiplexed: bool = False


class _ReleasingStream(httpx.AsyncByteStream):
    """A response body that frees its request's place in the origin pool when closed (the body is read
    after the headers)."""

    def __init__(self, inner: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._inner = inner
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> Any:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            if self._release is not None:
                self._release()
                self._release = None


class SharedTransport(httpx.AsyncBaseTransport):
    """The connection pool of a batch, the only thing its scans share: one small pool per origin.

    Each connection is opened under the address policy of the scan that asks for it
    (:data:`~agent_ready.netpolicy.CURRENT_POLICY`), and the per-origin limit holds across the batch: at
    most ``per_origin`` requests are in flight to one origin whichever scans send them, or
    ``per_origin_streams`` once the origin's connection has negotiated HTTP/2. Pools of origins
    with nothing in flight are closed, least recently used first, beyond ``keep_idle`` (one big pool would
    make httpcore scan every idle connection of every origin on each request, and hold a socket per
    origin ever seen). A client closing does not close the pool; :meth:`close` does, after the batch.
    """

    def __init__(
        self,
        per_origin: int,
        keep_idle: int = 64,
        verify: ssl.SSLContext | bool | None = None,
        per_origin_streams: int | None = None,
    ) -> None:
        self._per_origin = per_origin
        self._streams = FetchLimits.per_origin_streams if per_origin_streams is None else per_origin_streams
        self._verify = verify
        self._keep_idle = keep_idle
        self._pools: OrderedDict[str, _OriginPool] = OrderedDict()

    def _take(self, origin: str) -> tuple[_OriginPool, list[_OriginPool]]:
        """The origin's pool, counted as in use at once, and the idle pools to close (no await in between,
        so no other request can see a half-updated table)."""
        pool = self._pools.get(origin)
        if pool is not None:
            self._pools.move_to_end(origin)
            pool.active += 1  # waiting for a slot counts: a pool someone waits on is not idle
            return pool, []
        # One origin's pool keeps all its connections open: a scan's requests come in bursts.
        pool = self._pools[origin] = _OriginPool(
            _policy_transport(None, self._per_origin, self._verify, keepalive=self._per_origin),
            asyncio.Semaphore(self._per_origin),
        )
        pool.active += 1
        # The table grows only here, so only here can it exceed the cap.
        idle = [o for o, p in self._pools.items() if p.active == 0]
        return pool, [self._pools.pop(o) for o in idle[: max(0, len(idle) - self._keep_idle)]]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = f"{request.url.scheme}://{request.url.netloc.decode('ascii', 'replace')}".lower()
        pool, evicted = self._take(origin)
        try:
            for old in evicted:
                await old.transport.aclose()
            await pool.slot.acquire()
        except BaseException:
            pool.active -= 1
            raise

        def release() -> None:
            pool.active -= 1
            pool.slot.release()

        inner = request.extensions.get("trace")

        async def trace(event: str, info: Any) -> None:
            # The origin multiplexes: its bound becomes the stream limit, as in Fetcher._negotiated
            # (kept once widened: a batch's pools are short-lived).
            if event.startswith("http2.") and not pool.multiplexed:
                pool.multiplexed = True
                for _ in range(max(0, self._streams - self._per_origin)):
                    pool.slot.release()
            if inner is not None:
                await inner(event, info)

        request.extensions = {**request.extensions, "trace": trace}
        try:
            response = await pool.transport.handle_async_request(request)
        except BaseException:
            release()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _ReleasingStream(response.stream, release)
        return response

    async def aclose(self) -> None:
        """Closing one scan's client leaves the shared pool open."""

    async def close(self) -> None:
        while self._pools:
            await self._pools.popitem()[1].transport.aclose()


def new_client(
    limits: FetchLimits,
    policy: AddressPolicy,
    transport: httpx.AsyncBaseTransport | None = None,
    verify: ssl.SSLContext | bool | None = None,
) -> httpx.AsyncClient:
    """The scan's client: its own pool (verifying TLS per ``verify``), or ``transport`` (a
    :class:`SharedTransport`) in a batch."""
    return httpx.AsyncClient(
        # Only codings read_bounded decodes in bounded pieces (httpx would also offer zstd when installed).
        headers={"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": ACCEPT_ENCODING},
        timeout=httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout),
        follow_redirects=False,
        trust_env=False,  # a scan goes where the user points it, not through ambient proxies
        transport=transport or _policy_transport(policy, 32, verify),
    )
