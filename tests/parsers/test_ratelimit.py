"""Retry-After and RateLimit structured-field parsing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_ready.parsers.ratelimit import parse_retry_after, parse_sf_list


def test_parse_retry_after() -> None:
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("-1") is None and parse_retry_after("1.5") is None


def test_parse_sf_list() -> None:
    lst = parse_sf_list('"default";q=100;w=60')
    assert lst is not None and len(lst) == 1
    assert parse_sf_list("not a ( list") is None
    assert parse_sf_list("é") is None  # not ASCII


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_rate_limit_parsers_never_raise(value: str) -> None:
    seconds = parse_retry_after(value)
    assert seconds is None or seconds >= 0
    parse_sf_list(value)
