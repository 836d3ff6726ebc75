"""Target lists, keys and shards: each URL in exactly one shard, whatever the order of the list."""

from __future__ import annotations

import random

import pytest

from agent_ready.targets import Shard, TargetListError, normalise, parse_shard, read_targets, shard_of


def test_normalise_gives_one_key_per_target() -> None:
    assert normalise("HTTPS://API.Example.com:443") == "https://api.example.com/"
    assert normalise("http://example.com:80/a?b=1#frag") == "http://example.com/a?b=1"
    assert normalise("http://example.com:8080/x") == "http://example.com:8080/x"
    assert normalise("  http://[::1]:9/  ") == "http://[::1]:9/"
    assert normalise("not a url") == "not a url"


def test_read_targets_skips_comments_blanks_and_duplicates() -> None:
    text = [
        "# nightly list\n",
        "\n",
        "https://a.example/   # the first\n",
        "https://A.example:443/\n",  # same key as the first
        "  http://b.example/path#frag\n",
        "\t# indented comment\n",
    ]
    assert read_targets(text) == ["https://a.example/", "http://b.example/path#frag"]


def _urls(n: int) -> list[str]:
    return [f"https://host{i}.example/api/{i % 7}" for i in range(n)]


def test_shards_cover_a_list_exactly_once_and_survive_shuffling() -> None:
    urls = _urls(300)
    shards = [Shard(k, 3) for k in (1, 2, 3)]
    picked = {str(s): [u for u in urls if s.holds(u)] for s in shards}
    together = [u for part in picked.values() for u in part]
    assert sorted(together) == sorted(urls)  # every URL once: none lost, none twice
    assert all(len(part) > 50 for part in picked.values())  # a hash, not everything in one shard
    shuffled = urls[:]
    random.Random(7).shuffle(shuffled)
    shuffled += ["https://new.example/"]  # another line in the list moves nothing either
    for s in shards:
        assert {u for u in shuffled if s.holds(u)} - {"https://new.example/"} == set(picked[str(s)])


def test_shard_follows_the_key_not_the_spelling() -> None:
    assert shard_of("https://A.example:443", 5) == shard_of("https://a.example/", 5)


def test_parse_shard() -> None:
    assert parse_shard("2/3", {}) == Shard(2, 3)
    # A Kubernetes Indexed Job numbers its pods from 0.
    assert parse_shard("4", {"JOB_COMPLETION_INDEX": "0"}) == Shard(1, 4)
    assert parse_shard("4", {"JOB_COMPLETION_INDEX": "3"}) == Shard(4, 4)
    for bad, env in (("0/3", {}), ("4/3", {}), ("a/3", {}), ("3", {}), ("3", {"JOB_COMPLETION_INDEX": "3"})):
        with pytest.raises(TargetListError):
            parse_shard(bad, env)
