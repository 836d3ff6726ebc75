"""RFC 9264 JSON linkset parsing (the api-catalog format)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_ready.parsers.linkset import parse_linkset
from tests.fixtures.realworld import cards

BASE = "https://api.example.com"


def test_linkset_parse() -> None:
    entries, problems = parse_linkset(
        cards.API_CATALOG_WORLDMONITOR, "https://worldmonitor.app/.well-known/api-catalog"
    )
    assert not problems
    assert entries[1].get("service-desc")[0].href == "https://www.worldmonitor.app/openapi.yaml"
    assert entries[0].get("item")[0].title == "World Monitor REST API"
    _, problems = parse_linkset({"linkset": [{"service-desc": {"href": "x"}}]}, BASE)
    assert problems == [
        "linkset[0] has no anchor",
        "linkset[0].service-desc is not an array of target objects",
    ]
    assert parse_linkset([], BASE)[1]


KEYS = st.sampled_from(["linkset", "anchor", "href", "item", "type"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["linkset", "anchor", "href", "item", "type"]), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_linkset_never_raises_on_any_json(data: Any) -> None:
    entries, problems = parse_linkset(data, BASE + "/.well-known/api-catalog")
    assert entries or problems or data["linkset"] == []  # an empty linkset is the only silent answer
