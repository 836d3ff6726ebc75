"""The reference service over HTTPS, offering HTTP/2 and HTTP/1.1 by ALPN (tests and the bench).

The standard library's server speaks HTTP/1.1 only, so a scan's use of HTTP/2 could not be measured
against it. Here the same :class:`ReferenceApp` runs behind hypercorn (a well-kept ASGI server that
speaks h2), with a certificate for 127.0.0.1 issued at start by a throw-away CA (trustme) whose PEM file
the scan takes as ``--ca-bundle``; no private key is ever written to the repository. Both libraries come
with the ``test`` extra, not with the scanner.

The app is synchronous and its middleware may sleep (the bench injects latency with ``time.sleep``), so
every request runs in its own thread of a pool sized far above any stream bound: answers to the streams
of one connection are delayed side by side, as a real server's would be, not one after another.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import tempfile
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

from agent_ready.reference.app import ReferenceApp, Reply, Request

# Far above the scanner's stream bound (and a server's usual SETTINGS_MAX_CONCURRENT_STREAMS of 100):
# threads start on demand, so the size costs nothing until streams arrive.
HANDLER_THREADS = 256
# Connection-specific fields have no place in HTTP/2 (RFC 9113 §8.2.2); the app never sets them, but a
# flaw or a test middleware might.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"})


class TlsServer:
    """Serve ``app`` on 127.0.0.1 over TLS in a background thread; ``alpn`` is what the server accepts
    (``("http/1.1",)`` makes a server that answers an h2 offer with HTTP/1.1)."""

    def __init__(
        self,
        app: ReferenceApp,
        host: str = "127.0.0.1",
        port: int = 0,
        alpn: Iterable[str] = ("h2", "http/1.1"),
    ) -> None:
        try:
            import hypercorn  # noqa: F401
            import trustme
        except ImportError as exc:  # pragma: no cover - both come with the test extra
            raise RuntimeError(
                f"the TLS reference service needs {exc.name} (pip install 'agent-ready[test]')"
            ) from None
        self.app = app
        self.alpn = list(alpn)
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.clients: list[tuple[str, int]] = []  # the peer address of every request: one per connection
        self._ca = trustme.CA()
        self._cert = self._ca.issue_cert(host, "localhost")
        fd, self.ca_bundle = tempfile.mkstemp(prefix="agent-ready-reference-ca-", suffix=".pem")
        os.close(fd)
        self._ca.cert_pem.write_to_path(self.ca_bundle)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self._sock.listen(128)  # connections queue from here on, before the server thread runs
        self.port = self._sock.getsockname()[1]
        self.url = f"https://{host}:{self.port}"
        app.base_url = self.url
        self._pool = ThreadPoolExecutor(HANDLER_THREADS, thread_name_prefix="reference-tls-handler")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reference-service-tls", daemon=True)
        self._error: BaseException | None = None

    def trust(self, context: ssl.SSLContext) -> None:
        """Make ``context`` trust this server's certificate (for in-process clients)."""
        self._ca.configure_trust(context)

    def start(self) -> TlsServer:
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise RuntimeError(f"TLS reference service did not start: {self._error}")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(10)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._sock.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.ca_bundle)

    def _config(self) -> Any:
        from hypercorn.config import Config

        cert = self._cert
        alpn = self.alpn

        class _Config(Config):
            # The certificate stays in memory (trustme), never in a file hypercorn would read.
            @property
            def ssl_enabled(self) -> bool:
                return True

            def create_ssl_context(self) -> ssl.SSLContext:
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                context.minimum_version = ssl.TLSVersion.TLSv1_2  # RFC 9113 §9.2
                context.set_alpn_protocols(alpn)
                cert.configure_cert(context)
                return context

        config = _Config()
        # hypercorn takes a socket by descriptor; it gets its own duplicate, ours stays for stop().
        config.bind = [f"fd://{os.dup(self._sock.fileno())}"]
        config.errorlog = None
        config.accesslog = None
        config.include_server_header = False
        config.graceful_timeout = 1.0
        return config

    def _run(self) -> None:
        from hypercorn.asyncio import serve

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.set_exception_handler(_quiet_cancellation)
        self._loop = loop
        try:
            self._stopping = asyncio.Event()
            config = self._config()
            self._ready.set()
            app: Any = self._asgi  # a plain ASGI callable; hypercorn's own types are stricter
            loop.run_until_complete(serve(app, config, shutdown_trigger=self._stopping.wait))
        except BaseException as exc:  # reported by start() when it happens before the server is up
            self._error = exc
            self._ready.set()
        finally:
            loop.close()

    async def _asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1") or "/"
        query = scope.get("query_string", b"").decode("latin-1")
        req = Request(
            method=scope["method"],
            path=raw_path,
            query=parse_qs(query, keep_blank_values=True),
            headers=headers,
            body=b"".join(chunks),
            base_url=self.app.base_url,
        )
        self.log.append((req.method, raw_path + (f"?{query}" if query else ""), dict(headers)))
        if scope.get("client"):
            host, port = scope["client"]
            self.clients.append((host, port))
        reply = await asyncio.get_running_loop().run_in_executor(self._pool, self._handle, req)
        names = {n.lower() for n, _ in reply.headers}
        out = [
            (n.lower().encode("latin-1"), v.encode("latin-1"))
            for n, v in reply.headers
            if n.lower() not in _HOP_BY_HOP
        ]
        if "content-length" not in names:
            out.append((b"content-length", str(len(reply.body)).encode()))
        await send({"type": "http.response.start", "status": reply.status, "headers": out})
        await send({"type": "http.response.body", "body": b"" if req.method == "HEAD" else reply.body})

    def _handle(self, req: Request) -> Reply:
        try:
            return self.app.handle(req)
        except Exception as exc:  # keep the reference service up whatever a test sends it
            return self.app.problem(500, "Internal Server Error", f"{type(exc).__name__}: {exc}")


def _quiet_cancellation(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Stopping cancels the connections still open (a request still being answered, a client that kept
    its connection); asyncio's stream callback then reports each cancelled task as an error. Not one."""
    if isinstance(context.get("exception"), asyncio.CancelledError):
        return
    loop.default_exception_handler(context)
