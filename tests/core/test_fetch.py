"""The fetcher: one request per resource, limits that hold, failures as data, redaction."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpcore
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from agent_ready.artifacts.http import ErrorKind
from agent_ready.fetch import Fetcher, FetchLimits, new_client
from agent_ready.netpolicy import AddressClass, AddressPolicy, IPAddress, Resolver
from agent_ready.redact import Redactor


def run_with_fetcher(
    fn: Callable[[Fetcher], Awaitable[Any]],
    *,
    limits: FetchLimits | None = None,
    target_host: str = "127.0.0.1",
    target_class: AddressClass | None = AddressClass.LOOPBACK,
    allow_private: bool = False,
    resolver: Resolver | None = None,
) -> Any:
    async def main() -> Any:
        lim = limits or FetchLimits()
        policy = AddressPolicy(target_host, allow_private, target_class)
        if resolver is not None:
            policy.resolver = resolver
        async with new_client(lim, policy) as client:
            fetcher = Fetcher(client, policy, Redactor(), lim)
            return await fn(fetcher)

    return asyncio.run(main())


@pytest.fixture
def server(httpserver: HTTPServer) -> HTTPServer:
    httpserver.no_handler_status_code = 404
    return httpserver


def test_concurrent_requests_for_one_resource_share_one_fetch(server: HTTPServer) -> None:
    def slow(_: Request) -> Response:
        time.sleep(0.1)
        return Response("hello", content_type="text/plain")

    server.expect_request("/doc").respond_with_handler(slow)

    async def go(f: Fetcher) -> tuple[list[Any], Fetcher]:
        results = await asyncio.gather(
            *(f.request("GET", server.url_for("/doc"), probe=f"p{i}") for i in range(5))
        )
        return list(results), f

    results, fetcher = run_with_fetcher(go)
    assert [r.text for r in results] == ["hello"] * 5
    assert len(server.log) == 1
    assert len(fetcher.log.exchanges) == 1
    assert fetcher.log.exchanges[0].probe == "p0"


def test_different_accept_headers_are_different_representations(server: HTTPServer) -> None:
    server.expect_request("/").respond_with_data("x", content_type="text/html")

    async def go(f: Fetcher) -> None:
        await f.request("GET", server.url_for("/"), probe="a")
        await f.request("GET", server.url_for("/"), probe="b", headers={"Accept": "text/markdown"})
        await f.request("GET", server.url_for("/"), probe="c")

    run_with_fetcher(go)
    assert len(server.log) == 2


def test_posts_are_never_cached(server: HTTPServer) -> None:
    server.expect_request("/token", method="POST").respond_with_json({"error": "invalid_client"}, status=401)

    async def go(f: Fetcher) -> None:
        for _ in range(2):
            await f.request(
                "POST", server.url_for("/token"), probe="t", data={"grant_type": "client_credentials"}
            )

    run_with_fetcher(go)
    assert len(server.log) == 2


def test_a_post_the_caller_marks_cacheable_is_shared_only_with_the_same_body(server: HTTPServer) -> None:
    server.expect_request("/mcp", method="POST").respond_with_json({"error": "unauthorized"}, status=401)
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize"}

    async def go(f: Fetcher) -> list[bytes]:
        url = server.url_for("/mcp")
        await asyncio.gather(
            f.request("POST", url, probe="a", json=init, cache=True),
            f.request("POST", url, probe="b", json=dict(reversed(init.items())), cache=True),  # same JSON
        )
        await f.request("POST", url, probe="c", json=init | {"id": 2}, cache=True)
        await f.request("POST", url, probe="d", content=b"raw", cache=True)
        return [req.get_data() for req, _ in server.log]

    bodies = run_with_fetcher(go)
    assert len(bodies) == 3  # a and b shared one; c and d differ by their bodies
    assert all(bodies), bodies  # the body is sent, not dropped by the cache


def test_redirect_loop_is_detected(server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    server.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    resp = run_with_fetcher(lambda f: f.request("GET", server.url_for("/a"), probe="x"))
    assert resp.failed and resp.error_kind == ErrorKind.REDIRECT_LOOP
    assert len(resp.exchange_ids) == 2


def test_redirect_limit(server: HTTPServer) -> None:
    for i in range(10):
        server.expect_request(f"/r{i}").respond_with_data("", status=301, headers={"Location": f"/r{i + 1}"})
    resp = run_with_fetcher(
        lambda f: f.request("GET", server.url_for("/r0"), probe="x"), limits=FetchLimits(max_redirects=3)
    )
    assert resp.error_kind == ErrorKind.TOO_MANY_REDIRECTS


def test_redirects_are_followed_and_recorded(server: HTTPServer) -> None:
    server.expect_request("/old").respond_with_data("", status=308, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data("ok", content_type="text/plain")
    resp = run_with_fetcher(lambda f: f.request("GET", server.url_for("/old"), probe="x"))
    assert resp.ok and resp.text == "ok"
    assert resp.final_url.endswith("/new") and resp.redirects == ((308, server.url_for("/new")),)


def test_body_limit_truncates(server: HTTPServer) -> None:
    server.expect_request("/big").respond_with_data("x" * 50_000, content_type="text/plain")
    resp = run_with_fetcher(
        lambda f: f.request("GET", server.url_for("/big"), probe="x"), limits=FetchLimits(max_body_bytes=4096)
    )
    assert resp.truncated and len(resp.body) == 4096


def test_decompressed_size_is_bounded(server: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)  # 20 MB of zeros in ~20 kB
    server.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="text/plain"
    )
    resp = run_with_fetcher(
        lambda f: f.request("GET", server.url_for("/bomb"), probe="x"),
        limits=FetchLimits(max_body_bytes=65536),
    )
    assert resp.truncated and len(resp.body) == 65536


def test_slow_server_times_out_as_data(server: HTTPServer) -> None:
    def slow(_: Request) -> Response:
        time.sleep(0.8)
        return Response("late")

    server.expect_request("/slow").respond_with_handler(slow)
    resp = run_with_fetcher(
        lambda f: f.request("GET", server.url_for("/slow"), probe="x"),
        limits=FetchLimits(read_timeout=0.3, request_timeout=0.5),
    )
    assert resp.failed and resp.error_kind == ErrorKind.TIMEOUT


def test_connection_refused_is_data() -> None:
    resp = run_with_fetcher(lambda f: f.request("GET", "http://127.0.0.1:9/", probe="x"))
    assert resp.failed and resp.error_kind == ErrorKind.CONNECT


def test_discovered_metadata_address_is_blocked_before_connecting() -> None:
    resp = run_with_fetcher(lambda f: f.request("GET", "http://169.254.169.254/latest/meta-data/", probe="x"))
    assert resp.error_kind == ErrorKind.BLOCKED and "metadata" in (resp.error or "")


def test_private_address_blocked_only_when_target_is_public() -> None:
    async def go(f: Fetcher) -> Any:
        return await f.request("GET", "http://10.1.2.3/x", probe="x")

    resp = run_with_fetcher(go, target_host="api.example.com", target_class=AddressClass.PUBLIC)
    assert resp.error_kind == ErrorKind.BLOCKED and "private" in (resp.error or "")


def test_loopback_discovered_url_blocked_for_public_target(server: HTTPServer) -> None:
    server.expect_request("/x").respond_with_data("secret internal")
    resp = run_with_fetcher(
        lambda f: f.request("GET", server.url_for("/x"), probe="x"),
        target_host="api.example.com",
        target_class=AddressClass.PUBLIC,
    )
    assert resp.error_kind == ErrorKind.BLOCKED
    assert not [r for r, _ in server.log if r.path == "/x"]  # refused before connecting
    resp = run_with_fetcher(
        lambda f: f.request("GET", server.url_for("/x"), probe="x"),
        target_host="api.example.com",
        target_class=AddressClass.PUBLIC,
        allow_private=True,
    )
    assert resp.ok


def test_redirect_to_metadata_address_is_blocked(server: HTTPServer) -> None:
    server.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/"}
    )
    resp = run_with_fetcher(lambda f: f.request("GET", server.url_for("/go"), probe="x"))
    assert resp.error_kind == ErrorKind.BLOCKED


def test_non_http_url_is_invalid() -> None:
    resp = run_with_fetcher(lambda f: f.request("GET", "file:///etc/passwd", probe="x"))
    assert resp.error_kind == ErrorKind.INVALID_URL


def test_credentials_are_redacted_in_the_log(server: HTTPServer) -> None:
    server.expect_request("/t", method="POST").respond_with_json(
        {"access_token": "tok-abcdef-123456", "token_type": "Bearer"}
    )

    async def go(f: Fetcher) -> Fetcher:
        await f.request(
            "POST",
            server.url_for("/t"),
            probe="x",
            headers={"Authorization": "Basic Zm9vOmJhcg=="},
            data={"grant_type": "client_credentials", "client_secret": "s3cr3t-value"},
        )
        return f

    fetcher = run_with_fetcher(go)
    ex = fetcher.log.exchanges[0]
    dumped = repr(ex)
    assert "tok-abcdef-123456" not in dumped and "s3cr3t-value" not in dumped and "Zm9vOmJhcg" not in dumped
    assert ex.request_headers["authorization"] == "[redacted]"


def test_user_agent_names_the_tool(server: HTTPServer) -> None:
    server.expect_request("/").respond_with_data("ok")
    run_with_fetcher(lambda f: f.request("GET", server.url_for("/"), probe="x"))
    request, _ = server.log[0]
    assert request.headers["User-Agent"].startswith("agent-ready/")


@pytest.fixture
def loopback_only_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Safety net: if the code under test regressed, no socket may leave this machine."""
    from httpcore._backends.auto import AutoBackend

    real = AutoBackend.connect_tcp

    async def guarded(self: Any, host: str, port: int, **kwargs: Any) -> Any:
        assert ipaddress.ip_address(host).is_loopback, f"test tried to connect to {host}"
        return await real(self, host, port, **kwargs)

    monkeypatch.setattr(AutoBackend, "connect_tcp", guarded)


def test_dns_rebinding_cannot_steer_a_connection(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that resolves to a public address when checked and to loopback a moment later is resolved
    once per scan: the connection goes to the address that was checked, never to a fresh answer."""
    from httpcore._backends.auto import AutoBackend

    server.expect_request("/internal").respond_with_data("internal secret")
    answers = iter([ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("127.0.0.1")])
    asked: list[str] = []
    dialled: list[str] = []

    async def rebinding(host: str, port: int) -> list[IPAddress]:
        asked.append(host)
        return [next(answers)]

    async def no_sockets(self: Any, host: str, port: int, **kwargs: Any) -> Any:
        dialled.append(host)
        raise httpcore.ConnectError("no network in tests")

    monkeypatch.setattr(AutoBackend, "connect_tcp", no_sockets)
    url = f"http://rebind.test:{server.port}/internal"
    resp = run_with_fetcher(
        lambda f: f.request("GET", url, probe="x"),
        target_host="api.example.com",
        target_class=AddressClass.PUBLIC,
        resolver=rebinding,
    )
    assert asked == ["rebind.test"]
    assert dialled == ["93.184.216.34"]
    assert resp.error_kind == ErrorKind.CONNECT
    assert not [r for r, _ in server.log if r.path == "/internal"]


def test_each_host_is_resolved_once_per_scan(server: HTTPServer) -> None:
    """Concurrent and later requests to one host share one lookup, the policy check and every connection."""
    for path in ("/a", "/b", "/c"):
        server.expect_request(path).respond_with_data("ok")
    asked: list[str] = []

    async def counting(host: str, port: int) -> list[IPAddress]:
        asked.append(host)
        await asyncio.sleep(0.01)
        return [ipaddress.ip_address("127.0.0.1")]

    async def go(f: Fetcher) -> list[Any]:
        base = f"http://counted.test:{server.port}"
        return list(
            await asyncio.gather(*(f.request("GET", base + p, probe="x") for p in ("/a", "/b", "/c")))
        )

    responses = run_with_fetcher(go, resolver=counting)
    assert all(r.ok for r in responses)
    assert asked == ["counted.test"]


@pytest.mark.usefixtures("loopback_only_sockets")
def test_connections_go_to_the_checked_address(server: HTTPServer) -> None:
    """With --allow-private off and a loopback target, a discovered name still connects through the
    resolver the policy checked (here: a name only the stub resolver knows)."""
    server.expect_request("/doc").respond_with_data("ok")

    async def stub(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address("127.0.0.1")]

    url = f"http://only-the-stub-knows.test:{server.port}/doc"
    resp = run_with_fetcher(lambda f: f.request("GET", url, probe="x"), resolver=stub)
    assert resp.ok and resp.text == "ok"
