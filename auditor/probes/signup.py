"""Sign-up routes: where an agent with no account gets one, the gates in the way, and (ACTIVE) using one.

- ``signup_routes`` (passive): documented routes that create an account or an API key (POST operations of
  the OpenAPI description, the auth.md ``agent_auth`` endpoints of the authorization-server metadata) and
  the abuse gates they state (CAPTCHA, e-mail verification, proof of work, rate limits, a terms field).
- ``signup_account`` (ACTIVE, ``--active`` only): call the documented API-key route with a body synthesized
  from its schema, use the key once on its own origin, delete it.

Every secret obtained is registered with the redactor the moment it arrives; a key is sent only to the
origin that issued it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin

from agent_ready.artifacts.documents import Doc
from agent_ready.artifacts.http import Response, origin_of
from agent_ready.artifacts.oauth import OAUTH_DISCOVERY, OAuthDiscovery, json_error
from agent_ready.artifacts.openapi import openapi_description
from agent_ready.artifacts.signup import (
    SIGNUP_ACCOUNT,
    SIGNUP_ROUTES,
    AccountCreation,
    SignupRoute,
    SignupRoutes,
)
from agent_ready.artifacts.temporary import TEMPORARY_LIFECYCLE
from agent_ready.cleanup import Created, Undo
from agent_ready.probes.oauth import JSON_ACCEPT, call_target, usable_server
from agent_ready.probing import ProbeContext, probe

# --- sign-up routes (passive) ------------------------------------------------------------------------------

SIGNUP_PATH = re.compile(
    r"(sign-?up|register|registration|accounts?\b|api[-_]?keys?|/keys\b|/tokens?\b|"
    r"credentials?|identit(y|ies)|/agent/auth)",
    re.I,
)
GATE_PATTERNS: dict[str, re.Pattern[str]] = {
    "captcha": re.compile(r"captcha|g-recaptcha|h-captcha|turnstile", re.I),
    "email-verification": re.compile(
        r"verif\w*\W+(your\W+)?e-?mail|e-?mail\W+(address\W+)?verif|confirmation "
        r"(e-?mail|link)|magic[- ]link|one[- ]time (pass)?code (sent )?(by|via|to) e-?mail",
        re.I,
    ),
    "proof-of-work": re.compile(
        r"proof[- ]of[- ]work|hashcash|\bpow\b|challenge ?token|sha-?256 chain", re.I
    ),
    "rate-limit": re.compile(
        r"rate[- ]?limit|requests? per (second|minute|hour|day)|per (minute|hour|day)|"
        r"retry-after|\b429\b",
        re.I,
    ),
    "terms-field": re.compile(
        r"(accept|agree)\w*[_ -]?(the[_ -])?(terms|tos)|terms[_ -]?(of[_ -]service)?[_ -]?"
        r"(accepted|agreed)|termsofservice|accepttermsofservice",
        re.I,
    ),
}


_NEGATION = re.compile(r"\b(no|not|without|never|nor|neither|instead of)\b[^.;:\n]{0,40}$", re.I)


def gates_in(text: str) -> list[str]:
    """The gates a text states. "No account, e-mail or CAPTCHA needed" states none: a mention after a
    negation in the same clause does not count."""
    found = []
    for name, pattern in GATE_PATTERNS.items():
        for m in pattern.finditer(text):
            if not _NEGATION.search(text[max(0, m.start() - 60) : m.start()]):
                found.append(name)
                break
    return found


def signup_prose(markdown: str) -> str:
    """auth.md without its claim sections: verifying a human's e-mail when they claim is not a sign-up
    gate."""
    keep: list[str] = []
    skipping = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("#"):
            skipping = bool(re.search(r"claim|revoc", line, re.I))
        if not skipping:
            keep.append(line)
    return "\n".join(keep)


def _schema_of(op: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any] | None:
    body = op.get("requestBody")
    if isinstance(body, dict) and "$ref" in body:
        body = _deref(spec, body["$ref"])
    content = body.get("content") if isinstance(body, dict) else None
    media = (content or {}).get("application/json") if isinstance(content, dict) else None
    schema = media.get("schema") if isinstance(media, dict) else None
    if isinstance(schema, dict) and "$ref" in schema:
        schema = _deref(spec, schema["$ref"])
    return schema if isinstance(schema, dict) else None


def _deref(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _flatten(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k} {_flatten(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(_flatten(v) for v in value)
    return str(value)


@probe(
    SIGNUP_ROUTES,
    description="Find documented routes that create an account or API key (OpenAPI, auth.md agent_auth) "
    "and the abuse gates they state",
)
async def signup_routes(ctx: ProbeContext) -> SignupRoutes:
    routes: list[SignupRoute] = []
    description = openapi_description(await ctx.maybe("openapi"))
    if description is not None:
        spec = description.data
        for operation in description.operations(methods=("post",)):
            method, path, op = operation.method, operation.path, operation.operation
            label = str(op.get("operationId") or "")
            words = f"{path} {label} {op.get('summary', '')}"
            if not SIGNUP_PATH.search(words) or re.search(r"oauth|/token$", path, re.I):
                continue
            if re.search(r"project|temporary|claim", path, re.I):
                continue  # resources, not principals (temporary resources are judged by temporary.*)
            schema = _schema_of(op, spec)
            text = (
                _flatten({k: op.get(k) for k in ("summary", "description", "requestBody", "responses")})
                + " "
                + " ".join(k for k in op if k.startswith("x-"))
            )
            routes.append(
                SignupRoute(
                    kind="openapi",
                    method=method,
                    url=description.url_for(path),
                    label=label or f"{method} {path}",
                    requires_auth=operation.requires_auth,
                    gates=gates_in(text),
                    schema=schema,
                )
            )
    disc: OAuthDiscovery | None = await ctx.maybe("oauth_discovery")
    server = usable_server(disc)
    block = (server.metadata or {}).get("agent_auth") if server else None
    if isinstance(block, dict):
        for key in ("identity_endpoint", "registration_endpoint", "register_uri"):
            if isinstance(block.get(key), str):
                evidence = server.doc.evidence if server and server.doc else ()
                same = next(
                    (i for i, r in enumerate(routes) if r.url.rstrip("/") == block[key].rstrip("/")), None
                )
                if same is not None:
                    # The auth.md endpoint is also an OpenAPI operation: one route, documented twice.
                    route = routes[same]
                    routes[same] = replace(
                        route, kind="auth.md", label=f"{key}, OpenAPI {route.label}", evidence=evidence
                    )
                else:
                    routes.append(
                        SignupRoute(
                            kind="auth.md", method="POST", url=block[key], label=key, evidence=evidence
                        )
                    )
                break
    authmd = await ctx.maybe("authmd")
    doc = getattr(authmd, "doc", None)
    openapi_url = description.url if description is not None else None
    if not (isinstance(doc, Doc) and doc.found and isinstance(doc.data, str)):
        return SignupRoutes(routes=routes, openapi_url=openapi_url)
    text_gates = gates_in(signup_prose(doc.data))
    routes = [
        replace(r, gates=sorted(set(r.gates) | set(text_gates)), evidence=tuple(r.evidence) + doc.evidence)
        if r.kind == "auth.md"
        else r
        for r in routes
    ]
    return SignupRoutes(routes=routes, text_gates=text_gates, openapi_url=openapi_url, authmd_found=True)


# --- ACTIVE: the documented API-key / account route ---------------------------------------------------------


def placeholder_value(prop: dict[str, Any]) -> Any:
    """A value a JSON-schema property accepts: its example, default or first enum member, else one of its type
    (booleans are true: a terms field is accepted on the operator's behalf)."""
    if "example" in prop:
        return prop["example"]
    if "default" in prop:
        return prop["default"]
    if isinstance(prop.get("enum"), list) and prop["enum"]:
        return prop["enum"][0]
    if prop.get("type") == "boolean":
        return True
    if prop.get("type") in ("integer", "number"):
        return 1
    return "agent-ready-audit"


def synthesize(schema: dict[str, Any] | None) -> dict[str, Any]:
    """A minimal valid body for a sign-up schema: required fields from examples, defaults, consts; booleans
    that accept terms are true (the agent accepts them on its operator's behalf: that is what the field is
    for)."""
    body: dict[str, Any] = {}
    props = (schema or {}).get("properties") or {}
    for name in (schema or {}).get("required") or []:
        declared = props.get(name)
        spec: dict[str, Any] = declared if isinstance(declared, dict) else {}
        body[name] = spec["const"] if "const" in spec else placeholder_value(spec)
    if "name" in props and "name" not in body:
        body["name"] = "agent-ready-audit"
    return body


CREDENTIAL_KEYS = ("api_key", "apiKey", "key", "token", "access_token", "secret", "credential", "apiToken")


def _borrowed(route: SignupRoute, reg: Any) -> AccountCreation:
    """The auth.md registration's outcome, when the only open sign-up route is auth.md's own endpoint."""
    credential = getattr(reg, "credential", None)
    return AccountCreation(
        via_authmd=True,
        route=route,
        credential=credential,
        origin=getattr(reg, "credential_origin", None),
        response=getattr(reg, "register_response", None),
        use_response=getattr(reg, "use_response", None),
        failure=None
        if credential is not None
        else getattr(reg, "stuck_reason", None) or "auth.md registration gave no credential",
    )


def _record_key(ctx: ProbeContext, route: SignupRoute, resp: Response, credential: str) -> Created:
    """Record the key the moment it is issued (before the probe uses it), with its delete where the
    answer names one on the route's origin."""
    data = json_error(resp) or {}
    delete_url = data.get("delete_url")
    label = str(data.get("id") or data.get("key_id") or data.get("client_id") or route.url)
    if isinstance(delete_url, str) and origin_of(urljoin(route.url, delete_url)) == origin_of(route.url):
        undo = Undo(
            "DELETE", urljoin(route.url, delete_url), headers={"Authorization": f"Bearer {credential}"}
        )
        return ctx.created("api-key", label, resp, undo=undo)
    return ctx.created("api-key", label, resp, why_not="the sign-up answer names no delete_url")


@probe(
    SIGNUP_ACCOUNT,
    active=True,
    description="ACTIVE: call the documented API-key/account route, use the key once on its own origin, "
    "delete it",
)
async def signup_account(ctx: ProbeContext) -> AccountCreation:
    routes: SignupRoutes = await ctx.need("signup_routes")
    route = next((r for r in routes.open_routes if r.kind == "openapi"), None)
    if route is None:
        reg = await ctx.maybe("authmd_registration")
        if routes.open_routes and reg is not None:
            return _borrowed(routes.open_routes[0], reg)
        return AccountCreation(failure="no documented sign-up route that works without credentials")
    if origin_of(route.url) != ctx.target.origin:
        return AccountCreation(
            route=route, failure=f"the route {route.url} is on another origin than the target; not called"
        )

    async def sign_up() -> tuple[Response, str | None, Created | None]:
        resp = await ctx.fetch.request(
            route.method, route.url, json=synthesize(route.schema), headers=JSON_ACCEPT
        )
        data = json_error(resp) or {}
        for key in CREDENTIAL_KEYS:
            ctx.redactor.add_secret(data.get(key) if isinstance(data.get(key), str) else None)
        credential = next((data[k] for k in CREDENTIAL_KEYS if isinstance(data.get(k), str)), None)
        if not resp.ok or credential is None:
            return resp, None, None
        return resp, credential, _record_key(ctx, route, resp, credential)

    resp, credential, entry = await ctx.creating(sign_up())
    data = json_error(resp) or {}
    if entry is None or credential is None:
        failure = f"{route.method} {route.url} answered {resp.describe()} without a credential"
        return AccountCreation(route=route, response=resp, failure=failure)
    origin = origin_of(route.url)
    expires = data.get("expires_at") or data.get("expiresAt") or data.get("expires")
    disc = await ctx.maybe(OAUTH_DISCOVERY)  # signup_routes read it already: no wait
    call = call_target(disc, None, origin) if disc else None
    use = None
    if call is not None and call.method == "GET":
        use = await ctx.fetch.request(
            "GET", call.url, headers={"Authorization": f"Bearer {credential}"} | JSON_ACCEPT
        )
    account = AccountCreation(
        route=route,
        response=resp,
        credential=credential,
        origin=origin,
        expires=str(expires) if expires else None,
        use_response=use,
    )
    # Deleted once temporary_lifecycle (journey_credential), the later step that may send it, is done.
    ctx.defer_undo(entry, lambda resp: replace(account, delete_response=resp), after=(TEMPORARY_LIFECYCLE,))
    return account


__all__ = [
    "AccountCreation",
    "SignupRoute",
    "SignupRoutes",
    "gates_in",
    "placeholder_value",
    "signup_account",
    "signup_prose",
    "signup_routes",
    "synthesize",
]
