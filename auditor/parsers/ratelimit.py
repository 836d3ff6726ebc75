"""Rate-limit header values: Retry-After (RFC 9110 §10.2.3) and the Structured Field Lists of
draft-ietf-httpapi-ratelimit-headers."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import http_sfv


def parse_retry_after(value: str) -> float | None:
    """Seconds from a Retry-After value (delay-seconds or HTTP-date, RFC 9110 §10.2.3); None when invalid."""
    value = value.strip()
    if re.fullmatch(r"\d+", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return 0.0  # a valid date; how far ahead depends on the Date header, not needed here


def parse_sf_list(value: str) -> http_sfv.List | None:
    """An RFC 9651 List (the syntax of RateLimit and RateLimit-Policy); None when it does not parse."""
    import http_sfv  # loaded when a header is parsed, not with the checks that import this module

    lst = http_sfv.List()
    try:
        lst.parse(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None
    return lst
