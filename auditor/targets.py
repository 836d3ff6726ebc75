"""Lists of targets for a batch: reading them, one canonical key per target, and stable shards.

The key of a target is its normalised URL (lower-case scheme and host, default port dropped, empty path made
``/``, fragment dropped). Everything that identifies a target across runs keys on it: ``--resume``, ``merge``,
the dashboard's history and ``--shard``. A shard is chosen by a hash of the key alone, so the same URL lands
in the same shard whatever the order or the other lines of the list.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetListError(ValueError):
    """A malformed shard spec or target list: a usage error."""


def normalise(url: str) -> str:
    """The canonical key of ``url``; a string that is not an http(s) URL is returned stripped, as is."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    if parts.username or parts.password:
        userinfo = parts.username or ""
        if parts.password:
            userinfo += f":{parts.password}"
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def read_targets(lines: Iterable[str]) -> list[str]:
    """URLs from a list: one per line; a line starting with ``#`` and text after whitespace are comments;
    blank lines are ignored; of duplicates (same key) the first stays."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.split()[0]  # "URL  # note": a comment after whitespace; a URL holds no whitespace
        key = normalise(line)
        if key not in seen:
            seen.add(key)
            out.append(line)
    return out


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, url: str) -> bool:
        return shard_of(url, self.count) == self.index


def shard_of(url: str, count: int) -> int:
    """The 1-based shard of ``url`` among ``count``: a hash of its key, stable across lists and machines."""
    digest = hashlib.sha256(normalise(url).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def parse_shard(spec: str, environ: Mapping[str, str] | None = None) -> Shard:
    """``K/N`` (1-based K), or ``N`` alone to take K from a Kubernetes Indexed Job's ``JOB_COMPLETION_INDEX``
    (0-based)."""
    environ = os.environ if environ is None else environ
    text = spec.strip()
    if "/" in text:
        k_text, _, n_text = text.partition("/")
    else:
        index = environ.get("JOB_COMPLETION_INDEX")
        if index is None:
            raise TargetListError(
                f"--shard {spec!r}: give K/N, or N alone inside a Kubernetes Indexed Job "
                "(JOB_COMPLETION_INDEX is not set)"
            )
        k_text, n_text = str(_int(index, "JOB_COMPLETION_INDEX") + 1), text
    k, n = _int(k_text, "--shard"), _int(n_text, "--shard")
    if n < 1 or not 1 <= k <= n:
        raise TargetListError(f"--shard {spec!r}: need 1 <= K <= N (got {k}/{n})")
    return Shard(k, n)


def _int(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise TargetListError(f"{what}: not a whole number: {text!r}") from None
