"""The device authorization grant (RFC 8628) as tokens.headless-grant judges it: request, answer, polling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent_ready.artifacts.http import Response, origin_of
from agent_ready.artifacts.oauth import DeviceFlow, json_error
from agent_ready.checkapi import (
    Target,
    broken,
    concern,
    good,
    info,
    problem,
)
from agent_ready.checks.tokens._common import loopback_excused
from agent_ready.models import Finding

DEVICE_REQUIRED = ("device_code", "user_code", "verification_uri", "expires_in")
DEVICE_PENDING = ("authorization_pending", "slow_down")
# How a defect of the device flow reads: problem when it is the only headless route, concern otherwise.
Flag = Callable[..., Finding]


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _device_uri_findings(
    dev: DeviceFlow, data: dict[str, object], flag: Flag, target: Target | None
) -> list[Finding]:
    """verification_uri (REQUIRED) and verification_uri_complete (OPTIONAL): https URLs a person opens."""
    out: list[Finding] = []
    resp = dev.response
    for key, required in (("verification_uri", True), ("verification_uri_complete", False)):
        value = data.get(key)
        if value is None and not required:
            continue
        if not isinstance(value, str) or not value.startswith(("http://", "https://")):
            if value not in (None, ""):
                shown = repr(value) if key == "verification_uri" else "(its value carries the user code)"
                out.append(
                    flag(
                        f"device-bad-{key.replace('_', '-')}",
                        f"{key} {shown} is not an absolute URL a person can open (RFC 8628 §3.2)",
                        resp,
                        fix=f"Return {key} as an absolute https URL.",
                    )
                )
            continue
        # verification_uri_complete embeds the user code: name only its origin.
        shown = value if key == "verification_uri" else f"on {origin_of(value)}"
        if value.startswith("https://"):
            continue
        if loopback_excused(target, value):
            if key == "verification_uri":  # acceptable for local development; noted once
                note = f"verification_uri {value} is http on a loopback host"
                out.append(info("device-uri-loopback-http", note, resp))
        else:
            out.append(
                flag(
                    "device-uri-not-https",
                    f"{key} {shown} is plain http: a person would type the user code into an unprotected "
                    "page",
                    resp,
                    fix=f"Serve {key} over https.",
                )
            )
    if isinstance(data.get("verification_uri_complete"), str):
        out.append(
            info(
                "device-uri-complete",
                "verification_uri_complete lets a person approve without typing the code (e.g. from a QR "
                "code)",
                resp,
            )
        )
    return out


def _device_refused(resp: Response, flag: Flag, where: str) -> list[Finding]:
    """The device authorization request was refused with an OAuth error, or failed otherwise."""
    error = (json_error(resp) or {}).get("error")
    if isinstance(error, str):
        desc = (json_error(resp) or {}).get("error_description")
        return [
            flag(
                "device-authorization-refused",
                f"{where} with a client registered for the device grant answered {resp.status} "
                f"error={error}" + (f" ({desc})" if isinstance(desc, str) else ""),
                resp,
                fix="Accept device authorization requests from dynamically registered public clients.",
            )
        ]
    return [
        flag(
            "device-authorization-failed",
            f"{where} answered {resp.describe()}"
            + (" (an HTML page)" if resp.looks_like_html else "")
            + " instead of the RFC 8628 §3.2 JSON response",
            resp,
            fix="Answer 200 with device_code, user_code, verification_uri, expires_in and interval.",
        )
    ]


def _device_member_findings(data: dict[str, Any], flag: Flag, where: str, resp: Response) -> list[Finding]:
    """RFC 8628 §3.2: the REQUIRED members, expires_in and interval as positive numbers of seconds."""
    out: list[Finding] = []
    for key in DEVICE_REQUIRED:
        value = data.get(key)
        if value is None or value == "":
            hint = (
                " (it sends verification_url, a pre-RFC name some clients do not read)"
                if key == "verification_uri" and "verification_url" in data
                else ""
            )
            out.append(
                flag(
                    f"device-missing-{key.replace('_', '-')}",
                    f"the device authorization response from {where} has no {key} (REQUIRED, RFC 8628 §3.2)"
                    + hint,
                    resp,
                    fix=f"Include {key} in the device authorization response.",
                )
            )
    if "expires_in" in data and not _positive_int(data["expires_in"]):
        out.append(
            flag(
                "device-bad-expires-in",
                f"expires_in {data['expires_in']!r} is not a positive number of seconds",
                resp,
                fix="Return expires_in as a JSON integer of seconds.",
            )
        )
    return out


def _device_response_findings(dev: DeviceFlow, flag: Flag, target: Target | None) -> list[Finding]:
    """RFC 8628 §3.2: the device authorization response an agent shows a person."""
    resp = dev.response
    assert resp is not None
    where = f"POST {dev.endpoint}"
    if not resp.ok:
        return _device_refused(resp, flag, where)
    data = dev.data
    if data is None:
        return [
            flag(
                "device-response-not-json",
                f"{where} answered {resp.describe()}, not a JSON object (RFC 8628 §3.2)",
                resp,
                fix="Answer with an application/json object.",
            )
        ]
    out = _device_member_findings(data, flag, where, resp)
    out.extend(_device_uri_findings(dev, data, flag, target))
    interval = data.get("interval")
    if interval is None:
        out.append(
            info("device-interval-default", "no interval: clients poll every 5 seconds (RFC 8628 §3.2)", resp)
        )
    elif not _positive_int(interval):
        out.append(
            concern(
                "device-bad-interval",
                f"interval {interval!r} is not a positive number of seconds; clients fall back to 5",
                resp,
                fix="Return interval as a JSON integer of seconds, or omit it.",
            )
        )
    return out


def _device_poll_findings(dev: DeviceFlow, flag: Flag) -> list[Finding]:
    """RFC 8628 §3.5: polling an unapproved code must answer authorization_pending (or slow_down)."""
    resp = dev.poll_response
    if resp is None:
        return [info("device-poll-skipped", f"the token endpoint was not polled: {dev.poll_skipped}")]
    where = f"POST {dev.token_endpoint} with the device code"
    if resp.failed:
        return [broken("device-poll-unreachable", f"{where} got no answer: {resp.describe()}", resp)]
    data = json_error(resp)
    if resp.ok and isinstance((data or {}).get("access_token"), str):
        return [
            concern(
                "device-approved-without-human",
                f"{where} answered {resp.status} with an access token although nobody approved the user "
                "code: the device grant stands in for a person's consent, and here anyone who starts it gets "
                "a token",
                resp,
                fix="Answer authorization_pending until a person approves the user code (RFC 8628 §3.5).",
            )
        ]
    if resp.looks_like_html:
        return [
            flag(
                "device-poll-html",
                f"{where} answered {resp.describe()}, an HTML page instead of the RFC 6749 §5.2 JSON error",
                resp,
                fix='Answer 400 {"error": "authorization_pending"} until the user approves.',
            )
        ]
    error = (data or {}).get("error")
    if not isinstance(error, str):
        return [
            flag(
                "device-poll-not-json",
                f"{where} answered {resp.describe()} without a JSON error member; an agent cannot tell "
                "whether to keep polling",
                resp,
                fix='Answer 400 {"error": "authorization_pending"} until the user approves.',
            )
        ]
    if error not in DEVICE_PENDING:
        return [
            flag(
                "device-poll-wrong-error",
                f"{where} answered {resp.status} error={error} for a fresh, unapproved code; RFC 8628 §3.5 "
                "says authorization_pending (or slow_down), so an agent gives up instead of waiting",
                resp,
                fix="Answer authorization_pending while the user code awaits approval.",
            )
        ]
    out = [good("device-pending", f"{where} answered {resp.status} error={error}", resp)]
    if resp.status != 400:
        out.append(
            concern(
                "device-pending-status",
                f"the {error} error came with status {resp.status}; RFC 6749 §5.2 errors use 400",
                resp,
                fix="Answer the pending error with 400.",
            )
        )
    return out


def device_flow_findings(
    dev: DeviceFlow, alone: bool, target: Target | None = None
) -> tuple[list[Finding], str]:
    """Findings on the ACTIVE device flow and its state: "not-tried", "works", "approved" (a token without
    a person), "broken" or "unreachable". A defect is a problem when the device flow is the only headless
    route (``alone``), a concern otherwise."""
    defects: list[Finding] = []

    def flag(*args: Any, **kwargs: Any) -> Finding:
        defects.append((problem if alone else concern)(*args, **kwargs))
        return defects[-1]

    if dev.response is None:
        if dev.endpoint is None:
            return [], "not-tried"
        evidence = dev.client.response if dev.client else None
        note = info("device-flow-not-tried", f"the device flow was not tried: {dev.skipped}", evidence)
        return [note], "not-tried"
    if dev.response.failed:
        return [
            broken(
                "device-endpoint-unreachable",
                f"POST {dev.endpoint} got no answer: {dev.response.describe()}",
                dev.response,
            )
        ], "unreachable"
    findings = _device_response_findings(dev, flag, target)
    if dev.response.ok:
        findings += _device_poll_findings(dev, flag)
    codes = {f.code for f in findings}
    if "device-approved-without-human" in codes:
        state = "approved"
    elif defects:
        state = "broken"
    elif "device-poll-unreachable" in codes:
        state = "unreachable"
    else:
        state = "works"
    if state == "works" and "device-pending" in codes:
        findings.insert(
            0,
            good(
                "device-flow-works",
                f"POST {dev.endpoint} started a device authorization (user_code, verification_uri) and the "
                "token endpoint answered that a person has not approved it yet: an agent can show the code "
                "to a person and poll",
                dev.response,
                dev.poll_response,
            ),
        )
    return findings, state
