"""HTTP/2 where the target offers it: one multiplexed connection, a stream bound, HTTP/1.1 fallback that keeps
the connection bound, and the same verdicts either way (issue 12)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_ready.artifacts.http import ErrorKind
from agent_ready.engine import ScanReport
from agent_ready.fetch import Fetcher, FetchLimits, SharedTransport, new_client, tls_verify
from agent_ready.models import Exchange
from agent_ready.netpolicy import CURRENT_POLICY, AddressClass, AddressPolicy
from agent_ready.redact import Redactor
from agent_ready.reference import ReferenceApp, ReferenceServer, build_app
from agent_ready.reference.app import Reply, Request, text


class Gate:
    """Holds every request until ``want`` are inside at once, then lets all through; if that never happens
    within ``patience`` seconds it stops holding. ``peak`` is then the most the client had in flight: a
    client bounded below ``want`` never gets there, one that is not bounded always does."""

    def __init__(self, want: int, patience: float) -> None:
        self.want = want
        self.patience = patience
        self.inside = 0
        self.peak = 0
        self.open = False
        self._cond = threading.Condition()

    def __call__(self, app: ReferenceApp, req: Request, call_next: Callable[[Request], Reply]) -> Reply:
        with self._cond:
            self.inside += 1
            self.peak = max(self.peak, self.inside)
            if self.inside >= self.want:
                self.open = True
                self._cond.notify_all()
            self._cond.wait_for(lambda: self.open, timeout=self.patience)
            self.open = True
        try:
            return call_next(req)
        finally:
            with self._cond:
                self.inside -= 1


def _app(gate: Gate | None = None) -> ReferenceApp:
    app = ReferenceApp()
    app.add("GET", "/r/{n}", lambda app, req: text(f"resource {req.params['n']}"))
    if gate is not None:
        app.middleware.insert(0, gate)
    return app


def _fetch_all(
    url: str, n: int, limits: FetchLimits, ca_bundle: str | None = None, shared: bool = False
) -> list[Exchange]:
    """``n`` different resources asked for at once, as the probes of a scan do at t0; ``shared``: through
    a batch's pool."""

    async def main() -> list[Exchange]:
        policy = AddressPolicy("127.0.0.1", False, AddressClass.LOOPBACK)
        verify = tls_verify(ca_bundle, False)
        CURRENT_POLICY.set(policy)  # what a batch's shared pool connects under (this task only)
        transport = (
            SharedTransport(
                limits.per_origin_concurrency, verify=verify, per_origin_streams=limits.per_origin_streams
            )
            if shared
            else None
        )
        async with new_client(limits, policy, transport, verify) as client:
            fetcher = Fetcher(client, policy, Redactor(), limits)
            answers = await asyncio.gather(
                *(fetcher.request("GET", f"{url}/r/{i}", probe="p") for i in range(n))
            )
            assert [a.status for a in answers] == [200] * n, [a.error for a in answers]
        if transport is not None:
            await transport.close()
        return fetcher.log.exchanges

    return asyncio.run(main())


def most_in_flight(exchanges: list[Exchange]) -> int:
    events = sorted(
        [(e.started_ms, 1) for e in exchanges] + [(e.started_ms + e.elapsed_ms, -1) for e in exchanges]
    )
    peak = current = 0
    for _, delta in events:
        current += delta
        peak = max(peak, current)
    return peak


class _CountingServer(ThreadingHTTPServer):
    """A plain HTTP/1.1 keep-alive server that counts the connections open at once."""

    daemon_threads = True

    def __init__(self, gate: Gate) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.gate = gate
        self.open = 0
        self.peak = 0
        self._lock = threading.Lock()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self.open += 1
            self.peak = max(self.peak, self.open)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self.open -= 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _CountingServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.gate(ReferenceApp(), Request("GET", self.path, {}, {}, b"", ""), lambda _: Reply())
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


@pytest.fixture
def counting_server() -> Iterator[Callable[[Gate], _CountingServer]]:
    started: list[_CountingServer] = []

    def make(gate: Gate) -> _CountingServer:
        server = _CountingServer(gate)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("bound", [3, 6])
def test_over_http11_connections_to_an_origin_never_exceed_the_bound(
    counting_server: Callable[[Gate], _CountingServer], bound: int
) -> None:
    server = counting_server(Gate(want=bound + 1, patience=0.5))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    exchanges = _fetch_all(url, 20, FetchLimits(per_origin_concurrency=bound))
    # An http:// origin never gets HTTP/2 (no h2c), so the bound holds connections, kept alive or not.
    assert {e.http_version for e in exchanges} == {"HTTP/1.1"}
    assert server.peak <= bound
    assert server.gate.peak == bound  # the gate held them: the bound was reached, never passed


@pytest.mark.parametrize("shared", [False, True], ids=["scan", "batch"])
def test_over_h2_one_connection_carries_up_to_the_stream_bound(shared: bool) -> None:
    gate = Gate(want=10, patience=5)
    with ReferenceServer(_app(gate), tls=True) as server:
        exchanges = _fetch_all(server.url, 30, FetchLimits(per_origin_streams=10), server.ca_bundle, shared)
        connections = set(server._tls.clients) if server._tls else set()
    assert {e.http_version for e in exchanges} == {"HTTP/2"}
    assert len(connections) == 1
    assert gate.peak == 10


def test_a_server_that_answers_the_h2_offer_with_http11_gets_at_most_the_connection_bound() -> None:
    gate = Gate(want=7, patience=0.5)
    with ReferenceServer(_app(gate), tls=True, alpn=("http/1.1",)) as server:
        exchanges = _fetch_all(server.url, 20, FetchLimits(), server.ca_bundle)
        connections = set(server._tls.clients) if server._tls else set()
    assert {e.http_version for e in exchanges} == {"HTTP/1.1"}
    assert 1 < len(connections) <= 6
    assert gate.peak <= 6


def test_an_origin_that_turns_back_to_http11_is_bounded_by_connections_again() -> None:
    # Servers behind one name may differ; the bound follows what the latest connection negotiated.
    async def available(slots: asyncio.Semaphore) -> int:
        n = 0
        while not slots.locked():
            await slots.acquire()
            n += 1
        for _ in range(n):
            slots.release()
        return n

    async def main() -> list[int]:
        limits = FetchLimits(per_origin_concurrency=6, per_origin_streams=32)
        policy = AddressPolicy("127.0.0.1", False, AddressClass.LOOPBACK)
        async with new_client(limits, policy) as client:
            fetcher = Fetcher(client, policy, Redactor(), limits)
            bound = fetcher._slot("https://127.0.0.1:1/")
            seen = [await available(bound.slots)]
            fetcher._negotiated(bound, True)
            seen.append(await available(bound.slots))
            fetcher._negotiated(bound, False)
            for _ in range(3):
                await asyncio.sleep(0)
            seen.append(await available(bound.slots))
            return seen

    assert asyncio.run(main()) == [6, 32, 6]


@pytest.mark.parametrize("active", [False, True])
def test_a_scan_over_h2_finds_what_it_finds_over_http11_on_one_connection(
    run_scan: Callable[..., ScanReport], active: bool
) -> None:
    with ReferenceServer(build_app("good")) as plain:
        over_h1 = run_scan(plain.url + "/", active=active)
    gate = Gate(want=7, patience=5)
    app = build_app("good")
    app.middleware.insert(0, gate)
    with ReferenceServer(app, tls=True) as secure:
        over_h2 = run_scan(secure.url + "/", active=active, ca_bundle=secure.ca_bundle)
        connections = set(secure._tls.clients) if secure._tls else set()
    assert {e.http_version for e in over_h1.exchanges} == {"HTTP/1.1"}
    assert {e.http_version for e in over_h2.exchanges} == {"HTTP/2"}
    # The log says what went on the wire: HTTP/2 has no Connection header.
    assert any("connection" in e.request_headers for e in over_h1.exchanges)
    assert not any("connection" in e.request_headers for e in over_h2.exchanges)
    assert {r.id: r.status for r in over_h2.results} == {r.id: r.status for r in over_h1.results}
    if not active:  # an active scan's rate-limit burst stops at the first 429, wherever it comes
        assert len(over_h2.exchanges) == len(over_h1.exchanges)
    # More than the HTTP/1.1 bound in flight at once, all on one connection, and the report's timings
    # (started when on the wire) show it too.
    assert len(connections) == 1
    assert gate.peak > 6
    assert most_in_flight(over_h2.exchanges) > 6


def test_bodies_cut_at_the_cap_do_not_stall_the_shared_connection() -> None:
    # Over HTTP/2 every stream shares the connection's flow-control window: streams closed at the body cap
    # must give their share back, or the answers after them never arrive.
    app = _app()
    app.add(
        "GET", "/big/{n}", lambda app, req: Reply(200, b"x" * 3_000_000, [("Content-Type", "text/plain")])
    )
    limits = FetchLimits(max_body_bytes=100_000, read_timeout=5)

    async def main(server: ReferenceServer) -> tuple[list[Any], list[Any], list[Exchange]]:
        policy = AddressPolicy("127.0.0.1", False, AddressClass.LOOPBACK)
        async with new_client(limits, policy, verify=tls_verify(server.ca_bundle, False)) as client:
            fetcher = Fetcher(client, policy, Redactor(), limits)
            big = await asyncio.gather(
                *(fetcher.request("GET", f"{server.url}/big/{i}", probe="p") for i in range(5))
            )
            small = await asyncio.gather(
                *(fetcher.request("GET", f"{server.url}/r/{i}", probe="p") for i in range(20))
            )
            return list(big), list(small), fetcher.log.exchanges

    with ReferenceServer(app, tls=True) as server:
        big, small, exchanges = asyncio.run(main(server))
        connections = set(server._tls.clients) if server._tls else set()
    assert [(b.status, len(b.body), b.truncated) for b in big] == [(200, 100_000, True)] * 5
    assert [s.status for s in small] == [200] * 20
    assert {e.http_version for e in exchanges} == {"HTTP/2"}
    assert len(connections) == 1


def test_a_stream_that_times_out_leaves_its_connection_to_the_others() -> None:
    release = threading.Event()

    def stalled(app: ReferenceApp, req: Request) -> Reply:
        release.wait(10)  # answered only once the test is over
        return text("late")

    app = _app()
    app.add("GET", "/stalled/{n}", stalled)
    limits = FetchLimits(request_timeout=0.5)

    async def main(server: ReferenceServer) -> tuple[list[Any], list[Any]]:
        policy = AddressPolicy("127.0.0.1", False, AddressClass.LOOPBACK)
        async with new_client(limits, policy, verify=tls_verify(server.ca_bundle, False)) as client:
            fetcher = Fetcher(client, policy, Redactor(), limits)
            first = await asyncio.gather(
                *(fetcher.request("GET", f"{server.url}/stalled/{i}", probe="p") for i in range(3)),
                *(fetcher.request("GET", f"{server.url}/r/{i}", probe="p") for i in range(5)),
            )
            after = await asyncio.gather(
                *(fetcher.request("GET", f"{server.url}/r/after-{i}", probe="p") for i in range(10))
            )
            return list(first), list(after)

    with ReferenceServer(app, tls=True) as server:
        try:
            first, after = asyncio.run(main(server))
        finally:
            release.set()
        connections = set(server._tls.clients) if server._tls else set()
    assert [r.error_kind for r in first[:3]] == [ErrorKind.TIMEOUT] * 3
    assert [r.status for r in first[3:]] == [200] * 5
    assert [r.status for r in after] == [200] * 10
    assert len(connections) == 1


def test_serve_reference_tls_answers_over_h2_with_the_ca_it_prints() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "agent_ready", "serve-reference", "--tls", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # see test_active_cleanup
    )
    try:
        assert proc.stderr is not None
        url = proc.stderr.readline().split(" at ")[-1].strip()
        ca_bundle = proc.stderr.readline().split(": ")[-1].strip()
        assert url.startswith("https://127.0.0.1:") and Path(ca_bundle).is_file()
        with httpx.Client(http2=True, verify=tls_verify(ca_bundle, False), trust_env=False) as client:
            answer = client.get(url + "llms.txt")
        assert (answer.status_code, answer.http_version) == (200, "HTTP/2")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert not Path(ca_bundle).exists()  # the throw-away CA goes with the service
