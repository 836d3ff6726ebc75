"""The one thing a batch's scans share: a connection pool with a batch-wide per-origin limit."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from agent_ready.fetch import FetchLimits, SharedTransport, new_client
from agent_ready.netpolicy import CURRENT_POLICY, AddressPolicy


class CountingServer:
    """An HTTP/1.1 server on 127.0.0.1 that answers after a delay and records peak concurrency."""

    def __init__(self, delay: float = 0.05) -> None:
        self.delay = delay
        self.in_flight = 0
        self.peak = 0
        self.server: asyncio.Server | None = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
                await asyncio.sleep(self.delay)
                self.in_flight -= 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"


async def _scan_like(transport: SharedTransport, url: str, requests: int) -> list[int]:
    """What one scan does: its own client and policy over the shared pool."""
    CURRENT_POLICY.set(AddressPolicy(target_host="127.0.0.1"))
    async with new_client(FetchLimits(), AddressPolicy(target_host="127.0.0.1"), transport) as client:
        answers = await asyncio.gather(*(client.get(f"{url}/{i}") for i in range(requests)))
    return [a.status_code for a in answers]


def test_per_origin_limit_holds_across_scans() -> None:
    async def run() -> tuple[int, list[list[int]]]:
        server = CountingServer()
        url = await server.start()
        transport = SharedTransport(per_origin=3)
        try:
            results = await asyncio.gather(
                *(asyncio.create_task(_scan_like(transport, url, 6)) for _ in range(4))
            )
        finally:
            await transport.close()
        return server.peak, results

    peak, results = asyncio.run(run())
    assert all(codes == [200] * 6 for codes in results)  # a closed client left the shared pool usable
    assert peak == 3  # 24 requests from 4 scans, never more than 3 at once to the origin


def test_idle_origin_pools_are_closed_beyond_the_cap() -> None:
    async def run() -> int:
        servers = [CountingServer(delay=0) for _ in range(5)]
        urls = [await s.start() for s in servers]
        transport = SharedTransport(per_origin=2, keep_idle=2)
        try:
            for url in urls:
                await _scan_like(transport, url, 1)
            return len(transport._pools)
        finally:
            await transport.close()

    assert asyncio.run(run()) <= 3


def test_no_connection_without_a_policy() -> None:
    async def run() -> None:
        server = CountingServer(delay=0)
        url = await server.start()
        transport = SharedTransport(per_origin=2)
        try:
            async with httpx.AsyncClient(transport=transport) as client:
                await client.get(url)
        finally:
            await transport.close()

    with pytest.raises(Exception, match="no address policy"):
        asyncio.run(run())
