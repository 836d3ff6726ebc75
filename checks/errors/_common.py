"""Spec links and helpers the errors checks share: which samples to judge, reading an error body."""

from __future__ import annotations

import re
from typing import Any

from agent_ready.artifacts.errors import (
    ERRORS,
    ERRORS_BURST,
    ERRORS_MALFORMED_JSON,
    RATE_LIMITED,
    BurstResult,
    ErrorProbe,
    ErrorSample,
    MalformedJsonResult,
)
from agent_ready.artifacts.http import Response
from agent_ready.checkapi import (
    Artifacts,
)

RFC9457 = "https://www.rfc-editor.org/rfc/rfc9457"
RFC6750 = "https://www.rfc-editor.org/rfc/rfc6750#section-3.1"
RFC9110_RETRY = "https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3"
RATELIMIT_DRAFT = "https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/"
WRANGLER_MODEL = (
    "https://github.com/cloudflare/workers-sdk/blob/main/packages/wrangler/src/core/register-yargs-command.ts"
)

NO_API = (
    "no API found: no OpenAPI description, no protected endpoint, and the target does not answer like an API"
)


# --- shared helpers -----------------------------------------------------------------------------------------


def samples(a: Artifacts) -> list[ErrorSample]:
    """Every provoked error, passive first, deduplicated by the exchange that produced it."""
    found: ErrorProbe | None = a.get(ERRORS)
    out: list[ErrorSample] = list(found.samples) if found is not None else []
    malformed: MalformedJsonResult | None = (
        a.get(ERRORS_MALFORMED_JSON) if a.active and a.declares(ERRORS_MALFORMED_JSON) else None
    )
    if malformed is not None and malformed.sample is not None:
        out.append(malformed.sample)
    burst: BurstResult | None = a.get(ERRORS_BURST) if a.active and a.declares(ERRORS_BURST) else None
    if burst is not None and burst.first_429 is not None:
        out.append(
            ErrorSample(
                RATE_LIMITED,
                f"GET {url_path(burst.url)} after {len(burst.responses)} quick requests",
                burst.first_429,
                expects_error=False,
            )
        )
    seen: set[str] = set()
    unique = []
    for s in out:
        key = s.response.exchange_id or str(id(s.response))
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique


def url_path(url: str) -> str:
    m = re.match(r"[a-z]+://[^/]+(/[^?#]*)?", url)
    return (m.group(1) if m else None) or "/"


def excerpt(text: str, n: int = 240) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[: n - 1] + "…"


def error_inside(data: Any) -> str | None:
    """Why a 2xx JSON body reads as an error (Slack's ok:false, an "error" member ...), or None."""
    if not isinstance(data, dict):
        return None
    if data.get("ok") is False:
        return '"ok": false'
    if data.get("success") is False:
        return '"success": false'
    if data.get("error") not in (None, False, "", {}, []):
        return 'an "error" member'
    if isinstance(data.get("errors"), list) and data["errors"]:
        return 'a non-empty "errors" list'
    if isinstance(data.get("status"), str) and data["status"].lower() in (
        "error",
        "fail",
        "failure",
        "failed",
    ):
        return f'"status": "{data["status"]}"'
    return None


def is_problem_media(media_type: str) -> bool:
    return media_type == "application/problem+json" or (
        media_type.endswith("+json") and "problem" in media_type
    )


def error_in_success(r: Response) -> str | None:
    """Why a 2xx answer reads as an error, or None.

    An application/problem+json body is a problem report whatever it says: RFC 9457 §3.1.3 has generators
    use the same status in the response as in ``status``, and a problem is never a success.
    """
    if is_problem_media(r.media_type):
        data = json_body(r)
        said = data.get("status") if isinstance(data, dict) else None
        return "an application/problem+json body" + (f" (its status member says {said!r})" if said else "")
    return error_inside(json_body(r))


def code_and_message(data: Any) -> tuple[str | None, str | None]:
    """A stable code and a message in a JSON error body (Stripe, GitHub, OAuth, Google, Cloudflare ...)."""
    if not isinstance(data, dict):
        return None, None
    scopes: list[dict[str, Any]] = [data]
    if isinstance(data.get("error"), dict):
        scopes.insert(0, data["error"])
    if isinstance(data.get("errors"), list) and data["errors"] and isinstance(data["errors"][0], dict):
        scopes.append(data["errors"][0])
    from agent_ready import hints  # its ~30 large patterns compile when errors are judged, not at list-checks

    code = message = None
    for scope in scopes:
        for key in ("code", "error_code", "errorCode", "error", "type", "reason", "id"):
            value = scope.get(key)
            if (
                code is None
                and isinstance(value, (str, int))
                and not isinstance(value, bool)
                and (isinstance(value, int) or hints._looks_like_code(value))
            ):
                code = f"{key}={value}"
        for key in ("message", "error_description", "detail", "description", "msg", "title", "error"):
            value = scope.get(key)
            if message is None and isinstance(value, str) and " " in value.strip():
                message = value
    return code, message


def is_login_redirect(resp: Response) -> bool:
    if not resp.redirects:
        return False
    final = resp.redirects[-1][1].lower()
    return resp.looks_like_html or bool(re.search(r"/(?:log-?in|sign-?in|auth|sso|session|account)", final))


def status_text(resp: Response) -> str:
    return f"{resp.status} {resp.media_type or 'no content type'}"


def json_body(resp: Response) -> Any:
    return resp.json if resp.body.strip() else None
