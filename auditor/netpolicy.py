"""Which addresses a scan may reach.

The host the user names is always scanned, whatever its address (local development scans 127.0.0.1).
A URL *discovered* in a document or a redirect is another matter: an attacker who controls a public
target's metadata could point the scanner at the cloud metadata service or the scanning host's LAN.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud instance-metadata endpoints. Never a legitimate discovered URL, so they are refused even when the
# target itself is local, unless --allow-private.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure IMDS, OpenStack, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure wireserver
        "fd00:ec2::254",  # AWS IMDS over IPv6
    )
)


class AddressClass(StrEnum):
    PUBLIC = "public"
    LOOPBACK = "loopback"
    PRIVATE = "private"
    LINK_LOCAL = "link-local"
    METADATA = "metadata"
    RESERVED = "reserved"


# IPv6 prefixes that carry an IPv4 address in their low 32 bits and reach it through a translator: NAT64
# (RFC 6052 well-known and RFC 8215 local-use) and the deprecated IPv4-compatible form. A discovered
# http://[64:ff9b::a9fe:a9fe]/ is the metadata service behind a NAT64 gateway.
_EMBEDDING_V4 = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::/96"),
)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, Teredo client, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if int(ip) > 1 and any(ip in net for net in _EMBEDDING_V4):  # not :: or ::1
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def classify(ip: IPAddress) -> AddressClass:
    if isinstance(ip, ipaddress.IPv6Address) and (v4 := embedded_ipv4(ip)) is not None:
        return classify(v4)
    if ip in METADATA_ADDRESSES:
        return AddressClass.METADATA
    if ip.is_loopback:
        return AddressClass.LOOPBACK
    if ip.is_link_local:
        return AddressClass.LINK_LOCAL
    if ip.is_private:
        return AddressClass.PRIVATE
    if ip.is_global:
        return AddressClass.PUBLIC
    # 100.64/10 carrier-grade NAT, multicast, unspecified and friends.
    return AddressClass.RESERVED


async def resolve(host: str, port: int) -> list[IPAddress]:
    host = host.strip("[]")
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[IPAddress] = []
    for info in infos:
        addr = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if addr not in seen:
            seen.append(addr)
    return seen


class BlockedAddress(Exception):
    """A discovered URL resolved to an address the policy refuses."""


Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]


@dataclass
class AddressPolicy:
    target_host: str
    allow_private: bool = False
    target_class: AddressClass | None = None  # set once the target is resolved
    resolver: Resolver = resolve
    # One lookup per (host, port) per scan, shared by concurrent callers; a failed lookup stays failed.
    _cache: dict[tuple[str, int], asyncio.Future[list[IPAddress]]] = field(default_factory=dict)

    async def resolve_cached(self, host: str, port: int) -> list[IPAddress]:
        """Each host is resolved once per scan; every later check and connection uses that answer."""
        key = (host.strip("[]").lower(), port)
        if key not in self._cache:
            self._cache[key] = asyncio.ensure_future(self.resolver(host, port))
        return list(await asyncio.shield(self._cache[key]))

    def remember(self, host: str, port: int, addresses: list[IPAddress]) -> None:
        """Seed the scan's answer for ``host`` (the engine resolves the target before the first request)."""
        answer: asyncio.Future[list[IPAddress]] = asyncio.get_running_loop().create_future()
        answer.set_result(list(addresses))
        self._cache[(host.strip("[]").lower(), port)] = answer

    def _refuse(self, host: str, addresses: Iterable[IPAddress]) -> None:
        classes = {classify(a) for a in addresses}
        if AddressClass.METADATA in classes:
            raise BlockedAddress(
                f"{host} resolves to a cloud metadata address; not fetched (use --allow-private to override)"
            )
        if self.target_class == AddressClass.PUBLIC:
            bad = sorted(c.value for c in classes if c != AddressClass.PUBLIC)
            if bad:
                raise BlockedAddress(
                    f"{host} resolves to a {'/'.join(bad)} address while the target is public; "
                    "not fetched (use --allow-private to override)"
                )

    def _exempt(self, host: str) -> bool:
        return self.allow_private or host.strip("[]").lower() == self.target_host.strip("[]").lower()

    async def check(self, url: str) -> None:
        """Raise BlockedAddress if ``url`` may not be fetched; OSError if its host does not resolve.

        An early, explainable refusal; the decisive check is :meth:`connect_addresses` at connect time.
        """
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if self._exempt(host):
            return
        self._refuse(host, await self.resolve_cached(host, port))

    async def connect_addresses(self, host: str, port: int) -> list[str]:
        """The addresses to open a socket to for ``host``: the scan's one answer for it, checked now.

        Connecting to exactly the addresses that passed, never to a fresh answer, defeats DNS rebinding: a
        name that answers with a public address once and a private one a moment later cannot steer a
        connection. The target itself is exempt from the refusal but still pinned to its one answer.
        """
        addresses = await self.resolve_cached(host, port)
        if not self._exempt(host):
            self._refuse(host, addresses)
        if not addresses:
            raise OSError(f"{host} resolves to no address")
        return [str(a) for a in addresses]


# The policy of the scan running in the current task: a connection pool shared by the scans of a batch opens
# each connection under the policy of the scan that asked for it.
CURRENT_POLICY: ContextVar[AddressPolicy | None] = ContextVar("agent_ready_policy", default=None)


class _BeforeTls(httpcore.AsyncNetworkStream):
    """A TCP stream that prepares the TLS context (``PolicyBackend``'s ``before_tls``) before its handshake;
    the TLS stream it returns is the inner one's."""

    def __init__(self, inner: httpcore.AsyncNetworkStream, before: Callable[[ssl.SSLContext], None]) -> None:
        self._inner = inner
        self._before = before

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        self._before(ssl_context)
        return await self._inner.start_tls(ssl_context, server_hostname, timeout)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class PolicyBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the address policy applied to every TCP connection it opens.

    With ``policy`` None (a pool shared between scans) the policy is the calling scan's
    :data:`CURRENT_POLICY`; with neither, nothing is connected.
    """

    def __init__(
        self,
        policy: AddressPolicy | None,
        inner: httpcore.AsyncNetworkBackend,
        before_tls: Callable[[ssl.SSLContext], None] | None = None,
    ) -> None:
        self._policy = policy
        self._inner = inner
        self._before_tls = before_tls  # called with the context before each TLS handshake

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # TLS still verifies and sends SNI for the original host name: httpcore passes it to start_tls.
        policy = self._policy or CURRENT_POLICY.get()
        if policy is None:
            raise BlockedAddress(f"{host}: no address policy in force; not connected")
        addresses = await policy.connect_addresses(host, port)
        for i, address in enumerate(addresses):
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
                return stream if self._before_tls is None else _BeforeTls(stream, self._before_tls)
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                # A name with several addresses (localhost: ::1 and 127.0.0.1) gets each in turn, as a
                # connect by name would; the last failure is the answer.
                if i == len(addresses) - 1:
                    raise
        raise httpcore.ConnectError(f"no address for {host}")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return await self._inner.connect_unix_socket(path, timeout=timeout, socket_options=socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
