"""llms.txt (llmstxt.org) parsing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_ready.parsers.llms_txt import parse_llms_txt

BASE = "https://api.example.com"


LLMS = """# Acme

> Acme hosts projects.

Some prose with [a link](/not-in-a-list).

## Docs

- [Getting started](/docs/): first steps
- [OpenAPI](https://api.example.com/openapi.json)
- [Elsewhere](https://other.example.org/page)

## Optional

- [Blog](/blog)

## Empty
"""


def test_llms_txt_parse() -> None:
    parsed = parse_llms_txt(LLMS, BASE + "/llms.txt")
    assert parsed.title == "Acme" and parsed.h1_first
    assert parsed.summary == "Acme hosts projects."
    assert [lk.url for lk in parsed.sections["Docs"]] == [
        BASE + "/docs/",
        BASE + "/openapi.json",
        "https://other.example.org/page",
    ]
    assert parsed.sections["Docs"][0].note == "first steps"
    assert parsed.headings_without_links == ["Empty"]
    assert len(parsed.links(include_optional=False)) == 3


@pytest.mark.parametrize(
    ("text", "title", "first"),
    [
        ("Intro line\n\n# Late title\n\n## S\n\n- [a](/a)\n", "Late title", False),
        ("## Only sections\n\n- [a](/a)\n", None, False),
        ("# Only\n", "Only", True),
    ],
)
def test_llms_txt_h1_position(text: str, title: str | None, first: bool) -> None:
    parsed = parse_llms_txt(text, BASE + "/llms.txt")
    assert (parsed.title, parsed.h1_first) == (title, first)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="#>-[]():/ \nabcOptional*", max_size=200))
def test_llms_txt_never_raises_and_links_resolve(text: str) -> None:
    parsed = parse_llms_txt(text, BASE + "/llms.txt")
    assert all(lk.section in parsed.sections for lk in parsed.links())
    assert set(parsed.headings_without_links) <= set(parsed.sections)
