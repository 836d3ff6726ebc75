"""The usual TLS roots load when the scan's first TLS handshake starts, not before its first request: a scan
of an http:// target never pays for them, and a TLS target is still verified against them (issue 12)."""

from __future__ import annotations

import asyncio
import ssl

from agent_ready.artifacts.http import Response
from agent_ready.fetch import Fetcher, FetchLimits, _tls_context, new_client
from agent_ready.netpolicy import AddressClass, AddressPolicy
from agent_ready.redact import Redactor
from agent_ready.reference import ReferenceApp, ReferenceServer
from agent_ready.reference.app import text


def _roots(context: ssl.SSLContext) -> int:
    return int(context.cert_store_stats()["x509_ca"])


def _get(url: str, verify: ssl.SSLContext) -> Response:
    async def main() -> Response:
        policy = AddressPolicy("127.0.0.1", False, AddressClass.LOOPBACK)
        async with new_client(FetchLimits(), policy, verify=verify) as client:
            return await Fetcher(client, policy, Redactor(), FetchLimits()).request("GET", url, probe="p")

    return asyncio.run(main())


def _app() -> ReferenceApp:
    app = ReferenceApp()
    app.add("GET", "/", lambda app, req: text("hello"))
    return app


def test_the_roots_load_at_the_first_tls_handshake_and_still_verify() -> None:
    context = _tls_context.__wrapped__()  # a fresh one: the process's own may have been used already
    assert _roots(context) == 0
    with ReferenceServer(_app()) as plain:
        assert _get(plain.url + "/", context).status == 200
    assert _roots(context) == 0  # plain HTTP: never loaded
    with ReferenceServer(_app(), tls=True) as tls:
        answer = _get(tls.url + "/", context)
    # The throw-away CA is not among the usual roots: the certificate is refused, so it was verified against
    # the roots that the handshake loaded.
    assert answer.status is None and answer.error_kind == "tls", answer.error
    assert _roots(context) > 0
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
