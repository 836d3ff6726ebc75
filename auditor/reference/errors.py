"""Errors of the reference service: API errors are problem+json with a next step; rate limits are announced.

Installed as middleware (``app.middleware``) so it covers routes of every feature module:

* API paths (``/api/``, ``/mcp``) carry ``RateLimit-Policy`` / ``RateLimit``
  (draft-ietf-httpapi-ratelimit-headers) from a token bucket of :data:`BUCKET_SIZE` requests refilled at
  :data:`REFILL_PER_S` per second. The bucket is
  keyed by (credential, method, path): an API key's budget per route, anonymous callers sharing one. A scan
  sends each distinct request about once, so only a burst of identical requests (``--active``) meets the
  429, which carries ``Retry-After``.
* A problem+json 401 whose detail names no way to get credentials gets one appended (send
  ``Authorization: Bearer``; no token yet: ``/auth.md`` or ``POST /oauth/register``), so every module's 401
  gives an agent a route without a browser.
* A JSON body that does not parse, sent to an API route, gets a 400 problem naming the parser's complaint.
* ``app.state["error_docs"]`` lists the problem types this module uses (rendered at ``/docs/errors``).

Flaws (one broken link each, for tests):

``hintless-errors``   problem bodies keep only their title: no detail, no type URI, no request id
``json-errors``       errors are ``application/json`` ``{"error": {"code", "message"}}``, not problem+json
``errors-as-200``     a miss under ``/api/`` answers 200 ``{"ok": false, "error": "not_found"}``
``no-rate-limit-headers``  no RateLimit / RateLimit-Policy headers
``no-retry-after``    the 429 has no Retry-After
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable

from agent_ready.reference.app import ReferenceApp, Reply, Request, json_reply

BUCKET_SIZE = 10
REFILL_PER_S = 5.0
POLICY_NAME = "per-route"
API_PREFIXES = ("/api/", "/mcp")

ERROR_DOCS: dict[str, dict[str, object]] = {
    "not-found": {
        "title": "Not Found",
        "status": 404,
        "description": "No resource or route at this path.",
        "fix": "Check the path against /openapi.json or the API map in /llms.txt.",
    },
    "method-not-allowed": {
        "title": "Method Not Allowed",
        "status": 405,
        "description": "The route exists but not for this HTTP method.",
        "fix": "Use one of the methods listed in the `Allow` response header.",
    },
    "unauthorized": {
        "title": "Unauthorized",
        "status": 401,
        "description": "The request carried no usable credentials.",
        "fix": "Send `Authorization: Bearer <token>`. To get a token without a browser, follow "
        "/auth.md or register a client at POST /oauth/register and use the client_credentials "
        "grant at /oauth/token.",
    },
    "malformed-json": {
        "title": "Malformed JSON",
        "status": 400,
        "description": "The request body is not valid JSON.",
        "fix": "Send a valid JSON document with `Content-Type: application/json`.",
    },
    "rate-limited": {
        "title": "Too Many Requests",
        "status": 429,
        "description": f"More than {BUCKET_SIZE} identical requests in a short time.",
        "fix": "Wait for the number of seconds in `Retry-After`, then retry; pace requests using the "
        "`RateLimit` header.",
    },
}


def _is_api(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path == "/mcp"


class TokenBucket:
    """Per-key token buckets on a monotonic clock (rate windows are real time, unlike ``app.clock``)."""

    def __init__(
        self, size: int = BUCKET_SIZE, refill: float = REFILL_PER_S, now: Callable[[], float] = time.monotonic
    ):
        self.size, self.refill, self.now = size, refill, now
        self.buckets: dict[tuple[str, ...], tuple[float, float]] = {}

    def take(self, key: tuple[str, ...]) -> tuple[bool, int, int]:
        """(allowed, remaining, seconds until the bucket is full again)."""
        t = self.now()
        tokens, last = self.buckets.get(key, (float(self.size), t))
        tokens = min(float(self.size), tokens + (t - last) * self.refill)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self.buckets[key] = (tokens, t)
        reset = math.ceil((self.size - tokens) / self.refill) if tokens < self.size else 0
        return allowed, int(tokens), reset

    def wait(self, key: tuple[str, ...]) -> int:
        tokens, _ = self.buckets.get(key, (float(self.size), 0.0))
        return max(1, math.ceil((1.0 - tokens) / self.refill))


def _rate_headers(remaining: int, reset: int) -> list[tuple[str, str]]:
    window = math.ceil(BUCKET_SIZE / REFILL_PER_S)
    return [
        ("RateLimit-Policy", f'"{POLICY_NAME}";q={BUCKET_SIZE};w={window}'),
        ("RateLimit", f'"{POLICY_NAME}";r={remaining};t={reset}'),
    ]


def _route_exists(app: ReferenceApp, req: Request) -> bool:
    return any(r.method == req.method and r.pattern.match(req.path) for r in app.routes)


def _credential_route(app: ReferenceApp) -> str:
    base = app.base_url
    return (
        "Send `Authorization: Bearer <token>`. No token yet? Get one without a browser: follow "
        f"{base}/auth.md, or register a client with POST {base}/oauth/register and use the "
        f"client_credentials grant at {base}/oauth/token."
    )


def _enrich(app: ReferenceApp, reply: Reply) -> Reply:
    """Give 401 problems a credential route; apply the error flaws."""
    ctype = next((v for n, v in reply.headers if n.lower() == "content-type"), "")
    if not ctype.startswith("application/problem+json"):
        return reply
    try:
        doc = json.loads(reply.body)
    except ValueError:
        return reply
    if not isinstance(doc, dict):
        return reply
    detail = str(doc.get("detail") or "")
    if reply.status == 401 and "auth.md" not in detail and "/oauth/register" not in detail:
        doc["detail"] = (detail.rstrip() + " " if detail else "") + _credential_route(app)
    if app.has("hintless-errors"):
        doc = {"type": "about:blank", "title": doc.get("title", ""), "status": reply.status}
    if app.has("json-errors"):
        slug = str(doc.get("type", "about:blank")).rsplit("#", 1)[-1]
        doc = {"error": {"code": slug.replace("-", "_"), "message": doc.get("detail") or doc.get("title")}}
        ctype = "application/json"
    headers = [(n, v) for n, v in reply.headers if n.lower() not in ("content-type", "content-length")]
    return Reply(reply.status, json.dumps(doc, indent=2).encode("utf-8"), [("Content-Type", ctype), *headers])


def _middleware(app: ReferenceApp, req: Request, call_next: Callable[[Request], Reply]) -> Reply:
    if not _is_api(req.path):
        return call_next(req)
    bucket: TokenBucket = app.state.setdefault("rate_limiter", TokenBucket())
    key = (req.header("authorization") or "anonymous", req.method, req.path)
    with app.lock:
        allowed, remaining, reset = bucket.take(key)
        wait = 0 if allowed else bucket.wait(key)
    if not allowed:
        headers = [] if app.has("no-retry-after") else [("Retry-After", str(wait))]
        reply = app.problem(
            429,
            "Too Many Requests",
            f"More than {BUCKET_SIZE} identical requests to {req.path} in a short time. Wait "
            f"{wait} s (the `Retry-After` header) and retry; pace requests with the `RateLimit` "
            "header.",
            type_="rate-limited",
            headers=headers,
        )
    elif (
        req.method in ("POST", "PUT", "PATCH")
        and "json" in req.header("content-type")
        and req.body
        and _route_exists(app, req)
        and req.json() is None
    ):
        reply = _malformed(app, req)
    else:
        reply = call_next(req)
    if app.has("errors-as-200") and reply.status == 404:
        reply = json_reply({"ok": False, "error": "not_found"}, 200)
    reply = _enrich(app, reply)
    if not app.has("no-rate-limit-headers"):
        reply.headers.extend(_rate_headers(remaining, reset))
    return reply


def _malformed(app: ReferenceApp, req: Request) -> Reply:
    try:
        json.loads(req.body.decode("utf-8"))
        complaint = "not UTF-8 JSON"
    except UnicodeDecodeError:
        complaint = "the body is not UTF-8"
    except ValueError as exc:
        complaint = str(exc)
    return app.problem(
        400,
        "Malformed JSON",
        f"The request body is not valid JSON ({complaint}). Send a valid JSON document with "
        f"`Content-Type: application/json`; the schema of {req.method} {req.path} is in "
        f"{app.base_url}/openapi.json.",
        type_="malformed-json",
    )


def install(app: ReferenceApp) -> None:
    app.middleware.append(_middleware)
    docs = app.state.setdefault("error_docs", {})
    for slug, entry in ERROR_DOCS.items():
        # DISCOVERY renders title + description at /docs/errors#<slug>; the fix belongs on that page too.
        docs.setdefault(slug, {**entry, "description": f"{entry['description']} {entry['fix']}"})
