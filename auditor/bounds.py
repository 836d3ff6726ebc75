"""Bounds on every fan-out a target controls, in one place, and the words that say what was not followed.

A target decides how many authorization servers its metadata lists, how many links its headers and
documents carry, how many operations its OpenAPI description has and how often it redirects. A scan follows
each list only up to the limit stated here, and the artifact records what it left out so the check that
judges it can say so (a hostile document listing 5,000 issuers must not drive 5,000 requests).

Limits defined elsewhere, beside the code they bound: ``fetch.FetchLimits.max_redirects`` (redirect hops),
``probes.oauth.MAX_OPENAPI_CALLS`` (secured operations called without credentials),
``probes.authmd.MAX_ENDPOINT_CHECKS`` (endpoints auth.md names), ``probes.discovery.sample_links`` (llms.txt
links resolved).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

MAX_AUTH_SERVERS = 5  # issuers followed from protected-resource metadata (RFC 9728 authorization_servers)
MAX_API_CATALOG_LINKS = 3  # api-catalog URLs tried from Link headers, besides /.well-known/api-catalog
MAX_OPENAPI_LINKS = 5  # service-desc / llms.txt links tried as OpenAPI descriptions, besides common paths


def bounded(items: Sequence[T], limit: int) -> tuple[list[T], list[T]]:
    """(the first ``limit`` items, the rest)."""
    return list(items[:limit]), list(items[limit:])


def not_followed(what: str, limit: int, dropped: Sequence[str]) -> str:
    """'12 more authorization servers were not followed (limit 5): a, b, c and 9 more'."""
    shown = ", ".join(dropped[:3])
    more = f" and {len(dropped) - 3} more" if len(dropped) > 3 else ""
    return f"{len(dropped)} more {what} were not followed (limit {limit}): {shown}{more}"
