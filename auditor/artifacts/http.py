"""The HTTP exchange as checks see it: a :class:`Response` record, with or without an HTTP answer.

No network code here: the fetcher (``agent_ready.fetch``) builds these records; checks and reports only read
them."""

from __future__ import annotations

import ipaddress
import json as jsonlib
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any, Protocol
from urllib.parse import urldefrag, urlsplit

from agent_ready.artifacts.key import Key


class Headers(Protocol):
    """The read side of ``httpx.Headers`` that checks use; named here so that checks need no httpx."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def get_list(self, key: str, split_commas: bool = False) -> list[str]: ...

    def items(self) -> Any: ...

    def multi_items(self) -> list[tuple[str, str]]: ...

    def __contains__(self, key: Any) -> bool: ...

    def __getitem__(self, key: str) -> str: ...


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ErrorKind(StrEnum):
    TIMEOUT = "timeout"
    CONNECT = "connect"
    DNS = "dns"
    BLOCKED = "blocked-address"
    REDIRECT_LOOP = "redirect-loop"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    PROTOCOL = "protocol"
    INVALID_URL = "invalid-url"
    DEADLINE = "deadline"
    TLS = "tls"


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


@dataclass(frozen=True)
class Response:
    """What a request produced, with or without an HTTP answer."""

    method: str
    url: str
    final_url: str
    status: int | None
    headers: Headers  # an httpx.Headers at run time: case-insensitive, several values per name
    body: bytes
    exchange_id: str
    exchange_ids: tuple[str, ...]
    elapsed_ms: float
    truncated: bool = False
    error: str | None = None
    error_kind: ErrorKind | None = None
    redirects: tuple[tuple[int, str], ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def failed(self) -> bool:
        """No HTTP answer at all (network, policy, limits): the resource is unknown, not absent."""
        return self.status is None

    @cached_property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @cached_property
    def text(self) -> str:
        # A byte-order mark decides the encoding and is not part of the text (WHATWG Encoding "decode",
        # RFC 8259 §8.1, and what robots.txt parsers do), whatever the declared charset says.
        for bom, codec in _BOMS:
            if self.body.startswith(bom):
                return self.body[len(bom) :].decode(codec, errors="replace")
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                charset = value.strip().strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")

    @cached_property
    def json(self) -> Any:
        """The parsed JSON body, or None when the body is not JSON."""
        try:
            return jsonlib.loads(self.text)
        except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
            return None

    @cached_property
    def looks_like_html(self) -> bool:
        """HTML by declared type or by content (SPAs often serve index.html as text/plain or octet-stream)."""
        if self.media_type in ("text/html", "application/xhtml+xml"):
            return True
        head = self.text[:512].lstrip().lower()
        return head.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in head[:200]

    def header_values(self, name: str) -> list[str]:
        return self.headers.get_list(name)

    def describe(self) -> str:
        """A short human description: '404 text/html' or 'timeout: ...'."""
        if self.failed:
            return f"{self.error_kind}: {self.error}"
        return f"{self.status} {self.media_type or 'no content type'}"


def normalize_url(url: str) -> str:
    url, _ = urldefrag(url)
    parts = urlsplit(url)
    if not parts.path:
        url = url.replace(parts.netloc, parts.netloc + "/", 1) if parts.netloc else url
    return url


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


# The keys the probes register these artifacts under (ACTIVE ones read as None without --active).
TARGET: Key[Response] = Key("target")
HOME: Key[Response] = Key("home")
NOT_FOUND: Key[Response] = Key("not_found")
