"""The ACTIVE OAuth probe (``--active`` only): what an agent does after discovery to get in.

``oauth_flow``: RFC 7591 registration with the MCP payload then RFC 7592 delete; a headless token
(client_credentials with a freshly registered client, else the auth.md credential, else an API key); one
authenticated call to the protected resource; revocation and deletion of what was created.

``oauth_device``: the RFC 8628 device authorization grant as far as an agent can take it alone: register a
public client for the device grant, start one device authorization, poll the token endpoint once (it must
say ``authorization_pending``: a person has not approved yet), then delete the client. The device
authorization expires unused. It is not a journey step: a human must approve on another device before it
leads to a call.

Every secret obtained is registered with the redactor the moment it arrives. Credentials are sent only to
the origin that issued them (a token also to the resource whose metadata names its issuer).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from typing import Any

from agent_ready.artifacts.http import origin_of
from agent_ready.artifacts.oauth import (
    DEVICE_CODE,
    OAUTH_DEVICE,
    OAUTH_FLOW,
    DeviceFlow,
    OAuthDiscovery,
    OAuthFlow,
    ProtectedCall,
    Registration,
    grants_of,
    json_error,
)
from agent_ready.cleanup import Undo
from agent_ready.fetch import Response
from agent_ready.probes.discovery import post_initialize
from agent_ready.probes.oauth import JSON_ACCEPT, basic_auth, call_target, usable_server
from agent_ready.probing import ProbeContext, probe

# RFC 8628 §3.1 needs a client_id. Not oauth_flow's MCP client: it is deleted before that probe returns
# and registered for authorization_code only, which a strict server refuses for the device grant
# (unauthorized_client).
DEVICE_CLIENT_PAYLOAD = {
    "client_name": "agent-readiness-audit (device)",
    "grant_types": [DEVICE_CODE],
    "token_endpoint_auth_method": "none",
    "application_type": "native",
}

# The registration payload of standards C5 (MCP-style public client); application_type is a MUST in MCP
# 2026-07-28 for dynamic registration.
DCR_PAYLOAD = {
    "client_name": "agent-readiness-audit",
    "redirect_uris": ["http://127.0.0.1:8976/cb"],
    "grant_types": ["authorization_code"],
    "token_endpoint_auth_method": "none",
    "application_type": "native",
}


@dataclass
class _Flow:
    """The accumulator ``oauth_flow``'s steps fill; :meth:`freeze` makes the :class:`OAuthFlow` once."""

    issuer: str | None = None
    registration_endpoint: str | None = None
    dcr: Registration | None = None
    dcr_skipped: str | None = None
    route: str | None = None
    routes_tried: list[tuple[str, str]] = field(default_factory=list)
    cc_client: Registration | None = None
    token_response: Response | None = None
    token_obtained: bool = False
    token_origin: str | None = None
    call: ProtectedCall | None = None
    call_response: Response | None = None
    call_skipped: str | None = None
    revoke_response: Response | None = None
    discovery_stuck: str | None = None

    def freeze(self) -> OAuthFlow:
        flow = OAuthFlow(**vars(self))
        if not flow.token_obtained:
            return replace(flow, stuck="token")
        return flow if flow.call_succeeded else replace(flow, stuck="call")


async def _register(ctx: ProbeContext, endpoint: str, payload: dict[str, Any]) -> Registration:
    return await ctx.creating(_register_and_record(ctx, endpoint, payload))


async def _register_and_record(ctx: ProbeContext, endpoint: str, payload: dict[str, Any]) -> Registration:
    resp = await ctx.fetch.request("POST", endpoint, json=payload, headers=JSON_ACCEPT)
    data = json_error(resp)
    if data is None:
        return Registration(response=resp)
    for key in ("client_secret", "registration_access_token"):
        ctx.redactor.add_secret(data.get(key))
    if not (resp.ok and isinstance(data.get("client_id"), str)):
        return Registration(response=resp)
    _record_client(ctx, endpoint, data["client_id"], data, resp)
    return Registration(
        response=resp, client_id=data["client_id"], confidential=isinstance(data.get("client_secret"), str)
    )


def _record_client(
    ctx: ProbeContext, endpoint: str, client_id: str, data: dict[str, Any], resp: Response
) -> None:
    """Put the new client in the clean-up ledger, with its RFC 7592 delete when the answer offers one."""
    uri, rat = data.get("registration_client_uri"), data.get("registration_access_token")
    if isinstance(uri, str) and isinstance(rat, str) and origin_of(uri) == origin_of(endpoint):
        undo = Undo("DELETE", uri, headers={"Authorization": f"Bearer {rat}"})
        ctx.created("oauth-client", client_id, resp, undo=undo)
    else:
        why = "the registration response offers no RFC 7592 management URI and token on its origin"
        ctx.created("oauth-client", client_id, resp, why_not=why)


async def _delete_registration(ctx: ProbeContext, endpoint: str, reg: Registration) -> Registration:
    """RFC 7592 delete; the registration with what it answered (or why it was not sent)."""
    data = json_error(reg.response) or {}
    uri, rat = data.get("registration_client_uri"), data.get("registration_access_token")
    if not isinstance(uri, str) or not isinstance(rat, str):
        why = "the registration response offers no RFC 7592 management URI and token"
        return replace(reg, delete_skipped=why)
    if origin_of(uri) != origin_of(endpoint):
        why = f"registration_client_uri {uri} is on another origin; the token is not sent there"
        return replace(reg, delete_skipped=why)
    resp = await ctx.fetch.request("DELETE", uri, headers={"Authorization": f"Bearer {rat}"})
    if reg.client_id:
        ctx.removed(ctx.state.ledger.find("oauth-client", ctx.redactor.text(reg.client_id)), resp)
    return replace(reg, delete_response=resp)


def _resource_for(disc: OAuthDiscovery, call: ProtectedCall | None) -> str | None:
    for prm in disc.resource_metadata:
        if (
            call is not None
            and prm.requested_url == call.url
            and prm.data
            and isinstance(prm.data.get("resource"), str)
        ):
            return prm.data["resource"]
    return None


# --- the steps ------------------------------------------------------------------------------------------


async def _register_public_client(ctx: ProbeContext, flow: _Flow) -> None:
    """RFC 7591 with the MCP payload, then RFC 7592 delete."""
    if not flow.registration_endpoint:
        flow.dcr_skipped = "the authorization-server metadata has no registration_endpoint"
        return
    dcr = await _register(ctx, flow.registration_endpoint, DCR_PAYLOAD)
    flow.dcr = await _delete_registration(ctx, flow.registration_endpoint, dcr) if dcr.client_id else dcr


def _auth_method(meta: dict[str, Any]) -> str:
    methods = meta.get("token_endpoint_auth_methods_supported")
    if not isinstance(methods, list) or "client_secret_basic" in methods:
        return "client_secret_basic"
    return "client_secret_post"


async def _client_credentials_token(
    ctx: ProbeContext,
    flow: _Flow,
    meta: dict[str, Any],
    token_endpoint: str | None,
    resource: str | None,
) -> str | None:
    """client_credentials with a client registered for it; the access token, or None."""
    grants, _ = grants_of(meta) if meta else ([], True)
    if "client_credentials" not in grants:
        return None
    if not (flow.registration_endpoint and token_endpoint):
        flow.routes_tried.append(
            (
                "client_credentials",
                "advertised, but no registration_endpoint or token_endpoint gives an unknown agent client "
                "credentials",
            )
        )
        return None
    method = _auth_method(meta)
    payload = {
        "client_name": "agent-readiness-audit (headless)",
        "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": method,
        "application_type": "web",
    }
    flow.cc_client = client = await _register(ctx, flow.registration_endpoint, payload)
    secret = (json_error(client.response) or {}).get("client_secret")
    if not client.client_id or not isinstance(secret, str):
        why = f"could not register a confidential client: {client.response.describe()}"
        flow.routes_tried.append(("client_credentials", why))
        return None
    if origin_of(token_endpoint) != origin_of(flow.registration_endpoint):
        why = (
            f"the token endpoint {token_endpoint} is on another origin than the registration endpoint; the "
            "secret is not sent there"
        )
        flow.routes_tried.append(("client_credentials", why))
        return None
    form = {"grant_type": "client_credentials"}
    if resource:
        form["resource"] = resource  # RFC 8707, as MCP clients must send it
    headers = dict(JSON_ACCEPT)
    if method == "client_secret_basic":
        headers["Authorization"] = basic_auth(client.client_id, secret)
    else:
        form |= {"client_id": client.client_id, "client_secret": secret}
    client_id = client.client_id

    async def issue() -> tuple[Response, dict[str, Any]]:
        resp = await ctx.fetch.request("POST", token_endpoint, data=form, headers=headers)
        answer = json_error(resp) or {}
        for key in ("access_token", "refresh_token", "id_token"):
            ctx.redactor.add_secret(answer.get(key))
        if resp.ok and isinstance(answer.get("access_token"), str):
            _record_token(ctx, meta, token_endpoint, client_id, secret, answer, resp)
        return resp, answer

    resp, answer = await ctx.creating(issue())
    flow.token_response = resp
    if resp.ok and isinstance(answer.get("access_token"), str):
        flow.route, flow.token_origin = "client_credentials", origin_of(token_endpoint)
        flow.routes_tried.append(("client_credentials", "token issued"))
        return str(answer["access_token"])
    flow.routes_tried.append(("client_credentials", f"token endpoint answered {resp.describe()}"))
    return None


def _token_label(client_id: str) -> str:
    return f"client-credentials access token of {client_id}"


def _record_token(
    ctx: ProbeContext,
    meta: dict[str, Any],
    token_endpoint: str,
    client_id: str,
    secret: str,
    answer: dict[str, Any],
    resp: Response,
) -> None:
    """Put the token in the clean-up ledger, with its RFC 7009 revocation when the issuer offers one."""
    revocation = meta.get("revocation_endpoint")
    if isinstance(revocation, str) and origin_of(revocation) == origin_of(token_endpoint):
        form = {"token": str(answer["access_token"]), "token_type_hint": "access_token"}
        undo = Undo("POST", revocation, headers={"Authorization": basic_auth(client_id, secret)}, data=form)
        ctx.created("token", _token_label(client_id), resp, undo=undo)
    else:
        expires = answer.get("expires_in")
        ctx.created(
            "token",
            _token_label(client_id),
            resp,
            why_not="no revocation endpoint on the token's origin; it expires"
            + (f" in {expires} s" if isinstance(expires, int) else ""),
        )


async def _borrow_credential(ctx: ProbeContext, flow: _Flow) -> None:
    """The auth.md credential, else the documented API-key route. Their probes make the one authenticated
    call themselves and then revoke what they obtained, so their call is the evidence here."""
    borrowed: tuple[str, Any] | None = None
    for route, name in (("auth.md", "authmd_registration"), ("api-key", "signup_account")):
        other = await ctx.maybe(name)
        credential = getattr(other, "credential", None)
        if isinstance(credential, str):
            ctx.redactor.add_secret(credential)
            flow.routes_tried.append((route, "credential issued"))
            borrowed = (route, other)
            break
        if other is not None:
            reason = (
                getattr(other, "stuck_reason", None) or getattr(other, "failure", None) or "no credential"
            )
            flow.routes_tried.append((route, reason))
    if borrowed is None:
        return
    route, other = borrowed
    flow.route, flow.token_obtained = route, True
    flow.token_origin = getattr(other, "credential_origin", None) or getattr(other, "origin", None)
    flow.token_response = (
        getattr(other, "token_response", None)
        or getattr(other, "register_response", None)
        or getattr(other, "response", None)
    )
    flow.call_response = getattr(other, "use_response", None)
    use_url = getattr(other, "use_url", None) or (flow.call_response.url if flow.call_response else None)
    if flow.call_response is not None and isinstance(use_url, str):
        flow.call = ProtectedCall(
            url=use_url, source=route, response=flow.call_response, method=flow.call_response.method
        )
    else:
        flow.call_skipped = f"the {route} probe made no authenticated call"


async def _authenticated_call(ctx: ProbeContext, flow: _Flow, disc: OAuthDiscovery, token: str) -> None:
    """One authenticated call, only where the credential may go."""
    origin = flow.token_origin or ctx.target.origin
    call = call_target(disc, flow.issuer, origin)
    if call is None:
        flow.call_skipped = f"no protected endpoint found that accepts a credential from {origin}"
        return
    flow.call = call
    headers = {"Authorization": f"Bearer {token}"}
    if call.method == "POST":
        flow.call_response = await post_initialize(ctx, call.url, headers)
    else:
        flow.call_response = await ctx.fetch.request("GET", call.url, headers=headers | JSON_ACCEPT)


async def _clean_up(ctx: ProbeContext, flow: _Flow, meta: dict[str, Any], token: str | None) -> None:
    """Revoke the token (RFC 7009), then delete the headless client (RFC 7592): the revocation
    authenticates as that client, so it must still exist."""
    revocation = meta.get("revocation_endpoint")
    client = flow.cc_client
    if (
        token is not None
        and flow.route == "client_credentials"
        and isinstance(revocation, str)
        and origin_of(revocation) == flow.token_origin
        and client
        and client.client_id
    ):
        secret = str((json_error(client.response) or {}).get("client_secret", ""))
        flow.revoke_response = await ctx.fetch.request(
            "POST",
            revocation,
            data={"token": token, "token_type_hint": "access_token"},
            headers={"Authorization": basic_auth(client.client_id, secret)},
        )
        label = ctx.redactor.text(_token_label(client.client_id))
        ctx.removed(ctx.state.ledger.find("token", label), flow.revoke_response)
    if client and client.client_id and flow.registration_endpoint:
        flow.cc_client = await _delete_registration(ctx, flow.registration_endpoint, client)


@probe(
    OAUTH_FLOW,
    active=True,
    description="ACTIVE: register a client (RFC 7591) and delete it (RFC 7592), obtain a token headlessly, "
    "make one authenticated call, revoke and delete what was created",
)
async def oauth_flow(ctx: ProbeContext) -> OAuthFlow:
    disc: OAuthDiscovery = await ctx.need("oauth_discovery")
    server = usable_server(disc)
    meta = (server.metadata if server else None) or {}
    reg_endpoint = meta.get("registration_endpoint")
    flow = _Flow(
        discovery_stuck=disc.stuck,
        issuer=server.issuer if server else None,
        registration_endpoint=reg_endpoint if isinstance(reg_endpoint, str) else None,
    )
    token_endpoint = meta.get("token_endpoint") if isinstance(meta.get("token_endpoint"), str) else None
    call = call_target(disc, flow.issuer, origin_of(token_endpoint) if token_endpoint else ctx.target.origin)
    # The MCP-style public client and the headless client's token are independent: started together.
    _, token = await asyncio.gather(
        _register_public_client(ctx, flow),
        _client_credentials_token(ctx, flow, meta, token_endpoint, _resource_for(disc, call)),
    )
    if token is None:
        await _borrow_credential(ctx, flow)
    else:
        flow.token_obtained = True
        await _authenticated_call(ctx, flow, disc, token)
    await _clean_up(ctx, flow, meta, token)
    return flow.freeze()


# --- the device authorization grant (RFC 8628) -----------------------------------------------------------


@dataclass
class _Device:
    """The accumulator ``oauth_device``'s steps fill; frozen once into a :class:`DeviceFlow`."""

    issuer: str | None = None
    endpoint: str | None = None
    token_endpoint: str | None = None
    skipped: str | None = None
    client: Registration | None = None
    response: Response | None = None
    poll_response: Response | None = None
    poll_skipped: str | None = None
    revoke_response: Response | None = None

    def freeze(self) -> DeviceFlow:
        return DeviceFlow(**vars(self))


def _device_endpoints(meta: dict[str, Any], dev: _Device) -> tuple[str, str, str | None] | None:
    """(device endpoint, registration endpoint, token endpoint or None) the device client may use, each on
    the issuer's origin; None (with ``dev.skipped`` set) when the device flow cannot be tried."""
    endpoint = meta.get("device_authorization_endpoint")
    token_endpoint = meta.get("token_endpoint")
    dev.token_endpoint = token_endpoint if isinstance(token_endpoint, str) else None
    if not isinstance(endpoint, str) or not endpoint:
        dev.skipped = "the authorization-server metadata has no device_authorization_endpoint"
        return None
    dev.endpoint = endpoint
    origin = origin_of(dev.issuer or "")
    if not endpoint.startswith(("http://", "https://")) or origin_of(endpoint) != origin:
        dev.skipped = (
            f"the device_authorization_endpoint {endpoint} is not on the issuer's origin {origin}; the "
            "auditor sends nothing there"
        )
        return None
    registration = meta.get("registration_endpoint")
    if not isinstance(registration, str) or origin_of(registration) != origin:
        dev.skipped = (
            "the device flow needs a client_id and there is no registration_endpoint on the issuer's "
            "origin to obtain one (the auditor never invents one)"
        )
        return None
    token = dev.token_endpoint
    return endpoint, registration, token if token and origin_of(token) == origin else None


def _device_data(dev: _Device) -> dict[str, Any] | None:
    return json_error(dev.response) if dev.response is not None and dev.response.ok else None


async def _poll_device(
    ctx: ProbeContext, dev: _Device, token_endpoint: str | None, client_id: str, meta: dict[str, Any]
) -> None:
    """One token request with the device code (RFC 8628 §3.4), before anyone could have approved it."""
    device_code = (_device_data(dev) or {}).get("device_code")
    if not isinstance(device_code, str) or not device_code:
        dev.poll_skipped = "the device authorization response has no device_code to poll with"
        return
    if token_endpoint is None:
        dev.poll_skipped = (
            f"the token endpoint {dev.token_endpoint} is not on the issuer's origin; the device code is not "
            "sent there"
            if dev.token_endpoint
            else "the authorization-server metadata has no token_endpoint"
        )
        return
    form = {"grant_type": DEVICE_CODE, "device_code": device_code, "client_id": client_id}
    dev.poll_response = await ctx.fetch.request("POST", token_endpoint, data=form, headers=JSON_ACCEPT)
    answer = json_error(dev.poll_response) or {}
    for key in ("access_token", "refresh_token", "id_token"):
        ctx.redactor.add_secret(answer.get(key))
    token = answer.get("access_token")
    revocation = meta.get("revocation_endpoint")
    # A token nobody approved is still a credential: take it back where the service allows.
    if (
        isinstance(token, str)
        and isinstance(revocation, str)
        and origin_of(revocation) == origin_of(token_endpoint)
    ):
        dev.revoke_response = await ctx.fetch.request(
            "POST",
            revocation,
            data={"token": token, "token_type_hint": "access_token", "client_id": client_id},
        )


@probe(
    OAUTH_DEVICE,
    active=True,
    description="ACTIVE: register a public client for the device grant, start one RFC 8628 device "
    "authorization (it expires unused), poll the token endpoint once, delete the client",
)
async def oauth_device(ctx: ProbeContext) -> DeviceFlow:
    disc: OAuthDiscovery = await ctx.need("oauth_discovery")
    server = usable_server(disc)
    dev = _Device(issuer=server.issuer if server else None)
    meta = (server.metadata if server else None) or {}
    endpoints = _device_endpoints(meta, dev)
    if endpoints is None:
        return dev.freeze()
    endpoint, registration, token_endpoint = endpoints
    dev.client = client = await _register(ctx, registration, DEVICE_CLIENT_PAYLOAD)
    client_id = client.client_id
    if client_id is None:
        dev.skipped = (
            "could not register a public client for the device grant: the registration endpoint answered "
            + client.response.describe()
        )
        return dev.freeze()
    form = {"client_id": client_id}
    dev.response = await ctx.fetch.request("POST", endpoint, data=form, headers=JSON_ACCEPT)
    answer = json_error(dev.response) or {}
    # The user code is a secret too: with it, anyone could approve this device authorization.
    for key in ("device_code", "user_code", "verification_uri_complete"):
        ctx.redactor.add_secret(answer.get(key))
    if dev.response.ok:
        expires = answer.get("expires_in")
        ctx.created(
            "device-code",
            f"device authorization for client {client_id}",
            dev.response,
            why_not="RFC 8628 has no way to withdraw a device authorization; it expires unused"
            + (f" after {expires} s" if isinstance(expires, int) else ""),
        )
        # The poll names the client: it is deleted after the poll, or the poll would meet invalid_client.
        await _poll_device(ctx, dev, token_endpoint, client_id, meta)
    else:
        dev.poll_skipped = f"the device authorization request answered {dev.response.describe()}"
    dev.client = await _delete_registration(ctx, registration, client)
    return dev.freeze()


__all__ = [
    "DCR_PAYLOAD",
    "DEVICE_CLIENT_PAYLOAD",
    "DeviceFlow",
    "OAuthFlow",
    "Registration",
    "oauth_device",
    "oauth_flow",
]
