"""A tiny routing layer over the standard library's HTTP server, for the bundled reference service.

The reference service is an API that does everything an agent needs right (and, as the "bare"
variant, everything wrong). It ships inside the package so ``agent-ready demo`` works from a wheel, and
the tests use it as their main fixture. Feature modules (``discovery``, ``oauth``, ...) add routes with
``install(app)``; ``flaws`` switch one link of a chain off at a time for tests.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from agent_ready.reference.tls import TlsServer


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    base_url: str
    params: dict[str, str] = field(default_factory=dict)  # from {name} placeholders in the route

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    def form(self) -> dict[str, str]:
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def bearer(self) -> str | None:
        auth = self.header("authorization")
        if auth[:7].lower() == "bearer ":
            return auth[7:].strip()
        return None

    def accepts(self, media_type: str) -> bool:
        return media_type in self.header("accept")


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def with_header(self, name: str, value: str) -> Reply:
        self.headers.append((name, value))
        return self


def text(
    body: str,
    status: int = 200,
    content_type: str = "text/plain; charset=utf-8",
    headers: Iterable[tuple[str, str]] = (),
) -> Reply:
    return Reply(status, body.encode("utf-8"), [("Content-Type", content_type), *headers])


def json_reply(
    data: Any,
    status: int = 200,
    content_type: str = "application/json",
    headers: Iterable[tuple[str, str]] = (),
) -> Reply:
    return Reply(
        status, json.dumps(data, indent=2).encode("utf-8"), [("Content-Type", content_type), *headers]
    )


Handler = Callable[["ReferenceApp", Request], Reply]
# Wraps request handling: middleware(app, req, call_next) -> Reply. Used for cross-cutting behaviour such as
# rate-limit headers and hint-bearing problem details (auditor/reference/errors.py).
Middleware = Callable[["ReferenceApp", Request, Callable[[Request], Reply]], Reply]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class ReferenceApp:
    """Routes, state and switches of one reference service instance."""

    def __init__(
        self, variant: str = "good", flaws: Iterable[str] = (), clock: Callable[[], float] = time.time
    ):
        self.variant = variant
        self.flaws = frozenset(flaws)
        self.clock = clock  # injectable so tests can watch a temporary resource expire
        self.routes: list[Route] = []
        self.state: dict[str, Any] = {}
        self.lock = threading.Lock()
        self.base_url = "http://127.0.0.1"
        self.fallback: Handler | None = None
        self.middleware: list[Middleware] = []  # outermost first
        # Feature modules contribute to documents other modules serve, so each module owns its own part:
        # OpenAPI paths/components (served by discovery), and extra members of the authorization-server
        # metadata (e.g. auth.md's agent_auth block, served by oauth).
        self.openapi_paths: dict[str, Any] = {}
        self.openapi_components: dict[str, Any] = {"securitySchemes": {}, "schemas": {}}
        self.as_metadata_extensions: dict[str, Any] = {}  # values, or callables of the app
        self.llms_sections: dict[str, list[tuple[str, str, str]]] = {}  # H2 title -> [(name, path, note)]

    def has(self, flaw: str) -> bool:
        return flaw in self.flaws

    def route(self, method: str, path: str) -> Callable[[Handler], Handler]:
        regex = (
            "^"
            + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", re.escape(path).replace(r"\{", "{").replace(r"\}", "}"))
            + "$"
        )

        def wrap(fn: Handler) -> Handler:
            self.routes.append(Route(method.upper(), re.compile(regex), fn))
            return fn

        return wrap

    def live_resources(self) -> dict[str, list[str]]:
        """What agents created and have not removed: OAuth clients, API keys, temporary resources and access
        tokens (tests check that an --active scan leaves none behind, whatever interrupted it)."""
        return {
            name: sorted(self.state.get(key, {}))
            for name, key in (
                ("oauth-client", "oauth_clients"),
                ("api-key", "api_keys"),
                ("temporary-resource", "temporary_projects"),
                ("token", "tokens"),
            )
        }

    def add(self, method: str, path: str, fn: Handler) -> None:
        self.route(method, path)(fn)

    def handle(self, req: Request) -> Reply:
        call: Callable[[Request], Reply] = self._dispatch
        for mw in reversed(self.middleware):
            call = (lambda m, nxt: lambda r: m(self, r, nxt))(mw, call)
        return call(req)

    def _dispatch(self, req: Request) -> Reply:
        allowed: list[str] = []
        for r in self.routes:
            m = r.pattern.match(req.path)
            if not m:
                continue
            if r.method == req.method or (req.method == "HEAD" and r.method == "GET"):
                req.params = m.groupdict()
                return r.handler(self, req)
            allowed.append(r.method)
        if self.fallback is not None:
            return self.fallback(self, req)
        if allowed:
            return self.problem(
                405,
                "Method Not Allowed",
                f"{req.method} is not supported on {req.path}. Use {', '.join(sorted(set(allowed)))}.",
                type_="method-not-allowed",
                headers=[("Allow", ", ".join(sorted(set(allowed))))],
            )
        return self.problem(
            404,
            "Not Found",
            f"No resource at {req.path}. See {self.base_url}/llms.txt for the "
            f"API map and {self.base_url}/openapi.json for every route.",
            type_="not-found",
        )

    def problem(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        type_: str = "about:blank",
        headers: Iterable[tuple[str, str]] = (),
        **extra: Any,
    ) -> Reply:
        """An RFC 9457 problem document with a dereferenceable type and a request id."""
        type_uri = (
            type_ if type_ == "about:blank" or "://" in type_ else f"{self.base_url}/docs/errors#{type_}"
        )
        body = {
            "type": type_uri,
            "title": title,
            "status": status,
            "detail": detail,
            "request_id": self.next_id("req"),
            **extra,
        }
        return json_reply(body, status, "application/problem+json", headers)

    def next_id(self, prefix: str) -> str:
        with self.lock:
            n = self.state.get(f"_counter_{prefix}", 0) + 1
            self.state[f"_counter_{prefix}"] = n
        return f"{prefix}_{n:06d}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; with Nagle on, delayed ACKs add ~40 ms to every request.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet; the server keeps its own log
        pass

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request(
            method=self.command,
            path=parts.path or "/",
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            base_url=self.server.app.base_url,
        )
        self.server.log.append((req.method, self.path, dict(req.headers)))
        try:
            reply = self.server.app.handle(req)
        except Exception as exc:  # keep the reference service up whatever a test sends it
            reply = self.server.app.problem(500, "Internal Server Error", f"{type(exc).__name__}: {exc}")
        self.send_response(reply.status)
        names = {n.lower() for n, _ in reply.headers}
        for name, value in reply.headers:
            self.send_header(name, value)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog is 5: a scan opening more connections at once than that has the
    # surplus SYNs dropped and retried a second later, which a benchmark would count as the scan's time.
    request_queue_size = 128

    def __init__(self, addr: tuple[str, int], app: ReferenceApp):
        super().__init__(addr, _Handler)
        self.app = app
        self.log: list[tuple[str, str, dict[str, str]]] = []


class ReferenceServer:
    """Run an app on 127.0.0.1 in a background thread: ``with ReferenceServer(app) as srv: srv.url``.

    ``tls=True`` serves it over HTTPS instead, offering HTTP/2 and HTTP/1.1 by ALPN (``alpn`` narrows
    what the server accepts), with a certificate from a throw-away CA whose PEM file is ``ca_bundle``
    (``agent_ready.reference.tls``; needs the ``test`` extra).
    """

    def __init__(
        self,
        app: ReferenceApp,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        tls: bool = False,
        alpn: Iterable[str] = ("h2", "http/1.1"),
    ):
        self.app = app
        self.ca_bundle: str | None = None
        if tls:
            from agent_ready.reference.tls import TlsServer

            self._tls: TlsServer | None = TlsServer(app, host, port, alpn)
            self.port, self.url, self.ca_bundle = self._tls.port, self._tls.url, self._tls.ca_bundle
            return
        self._tls = None
        self._server = _Server((host, port), app)
        self.port = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        app.base_url = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="reference-service", daemon=True
        )

    @property
    def log(self) -> list[tuple[str, str, dict[str, str]]]:
        return self._tls.log if self._tls is not None else self._server.log

    def start(self) -> ReferenceServer:
        if self._tls is not None:
            self._tls.start()
        else:
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._tls is not None:
            self._tls.stop()
            return
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- credentials shared by the reference service's feature modules ---------------------------------------


def issue_token(app: ReferenceApp, subject: str, scopes: Iterable[str], ttl: int = 3600, **info: Any) -> str:
    """Mint an opaque bearer token the protected API accepts until it expires."""
    import secrets

    token = "rt_" + secrets.token_urlsafe(24)
    with app.lock:
        app.state.setdefault("tokens", {})[token] = {
            "sub": subject,
            "scopes": list(scopes),
            "exp": app.clock() + ttl,
            **info,
        }
    return token


def token_info(app: ReferenceApp, token: str | None) -> dict[str, Any] | None:
    if not token:
        return None
    with app.lock:
        info = app.state.get("tokens", {}).get(token)
    if info is None or info["exp"] <= app.clock():
        return None
    return dict(info)


def revoke_token(app: ReferenceApp, token: str) -> bool:
    with app.lock:
        return app.state.get("tokens", {}).pop(token, None) is not None
