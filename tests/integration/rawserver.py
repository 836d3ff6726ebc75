"""A raw HTTP/1.1 server on 127.0.0.1 for targets no well-behaved framework would produce: responses dripped a
byte a second, bodies that never end, connections closed mid-body, 10 MB header lines, broken TLS.

A behaviour is a function of the request path returning the bytes to send, as one ``bytes`` or as an
iterator of ``(bytes, pause_seconds)`` pieces; the connection is closed after it. Every accepted request is
counted, so a test can bound how many requests the scanner made.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

Piece = tuple[bytes, float]
Behaviour = Callable[[str], bytes | Iterable[Piece]]


def http_response(
    status: int = 200,
    body: bytes = b"",
    *,
    content_type: str = "text/html",
    headers: Iterable[tuple[str, str]] = (),
    length: int | None = None,
) -> bytes:
    """One complete response (``length`` overrides Content-Length, e.g. to promise more than is sent)."""
    lines = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers]
    lines.append(f"Content-Length: {len(body) if length is None else length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


HOME = http_response(200, b"<!doctype html><html><head><title>t</title></head><body>home</body></html>")
NOT_FOUND = http_response(404, b"not found", content_type="text/plain")


@dataclass
class RawServer:
    behaviour: Behaviour
    tls: ssl.SSLContext | None = None
    requests: int = 0
    paths: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer._serve(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url_for(self, path: str) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(30)
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
            path = self._read_request(sock)
            if path is None:
                return
            with self._lock:
                self.requests += 1
                self.paths.append(path)
            answer = self.behaviour(path)
            pieces: Iterable[Piece] = [(answer, 0.0)] if isinstance(answer, bytes) else answer
            for data, pause in pieces:
                if self._stop.is_set():
                    return
                if data:
                    sock.sendall(data)
                if pause and self._stop.wait(pause):
                    return
        except (OSError, ssl.SSLError):
            return  # the scanner hung up, which is what these targets are for
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    @staticmethod
    def _read_request(sock: socket.socket) -> str | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk or len(data) > 1 << 20:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length" and value.strip().isdigit():
                length = int(value.strip())
        while len(rest) < min(length, 1 << 20):
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        parts = lines[0].split(" ")
        return parts[1] if len(parts) > 1 else "/"


def drip(data: bytes, every: float = 1.0) -> Iterator[Piece]:
    """``data`` one byte at a time, a pause after each (slowloris served to the client)."""
    for i in range(len(data)):
        yield data[i : i + 1], every


def endless_chunks(head: bytes, chunk: bytes) -> Iterator[Piece]:
    yield head, 0.0
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while True:
        yield frame, 0.0


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
