"""Per-network counting and the ``count`` command's stdin rule."""

from __future__ import annotations

import json

import pytest

from composer.errors import InputError
from composer.social.networks import NETWORKS, count, count_lines, decode_stdin_line, graphemes, limit_for


def test_result_shape():
    d = count("hello", "x").to_dict()
    assert d == {"text": "hello", "network": "x", "length": 5, "limit": 280, "valid": True}
    assert list(d) == ["text", "network", "length", "limit", "valid"]


@pytest.mark.parametrize(("network", "limit"), [("x", 280), ("bluesky", 300), ("mastodon", 500), ("threads", 500),
                                                ("linkedin", 3000)])
def test_limits(network, limit):
    assert count("a", network).limit == limit
    assert count("a" * limit, network).valid
    assert not count("a" * (limit + 1), network).valid


def test_empty_is_never_valid():
    for network in NETWORKS:
        assert not count("", network).valid


def test_unknown_network_says_what_to_use():
    with pytest.raises(InputError, match="bluesky"):
        count("x", "myspace")


def test_x_is_weighted():
    r = count("日本 README.md 👨‍👩‍👧‍👦", "x")
    assert r.length == 4 + 1 + 23 + 1 + 2


def test_bluesky_counts_graphemes_and_bytes():
    family = "👨‍👩‍👧‍👦"
    assert count(family, "bluesky").length == 1
    assert count(family * 300, "bluesky").length == 300
    # 300 graphemes but 7,500 bytes: over Bluesky's byte limit.
    assert not count(family * 300, "bluesky").valid
    assert count("e\u0301" * 300, "bluesky").valid  # combining marks join their base
    assert graphemes("🇳🇱🇺🇦") == 2


def test_mastodon_urls_count_23_and_limit_is_configurable():
    url = "https://example.com/" + "a" * 100
    assert count(f"see {url}", "mastodon").length == 4 + 23
    assert count("see example.com", "mastodon").length == 15  # scheme-less: Mastodon does not link it
    assert count("hi @alice@social.example.org", "mastodon").length == len("hi @alice")
    assert count("a" * 600, "mastodon", mastodon_limit=1000).valid
    assert count("a" * 600, "mastodon", mastodon_limit=1000).limit == 1000
    assert limit_for("mastodon", mastodon_limit=42) == 42


def test_threads_counts_emoji_by_utf8_bytes():
    assert count("hi 👍", "threads").length == 3 + 4
    assert count("👨‍👩‍👧‍👦", "threads").length == len("👨‍👩‍👧‍👦".encode())
    assert count("é", "threads").length == 1


def test_linkedin_counts_utf16_units():
    assert count("a😀", "linkedin").length == 3


@pytest.mark.parametrize(("line", "text"), [
    ("plain text\n", "plain text"),
    ('"two\\nlines"\n', "two\nlines"),
    ('"tab\\there"\r\n', "tab\there"),
    ('"\\u00e9"', "é"),
    ('"not json\n', '"not json'),
    ('"a" and "b"\n', '"a" and "b"'),
    ("[1, 2]\n", "[1, 2]"),
    ("\n", ""),
])
def test_stdin_lines(line, text):
    assert decode_stdin_line(line) == text


def test_count_lines_json_shape():
    out = count_lines(['"a\\nb"\n', "plain\n"], "bluesky")
    assert out[0]["text"] == "a\nb" and out[0]["length"] == 3
    assert json.loads(json.dumps(out[1])) == {"text": "plain", "network": "bluesky", "length": 5, "limit": 300,
                                              "valid": True}


def test_kept_measures_answer_as_a_fresh_count_and_stay_bounded() -> None:
    from composer.social import networks

    texts = ["hello", "a" * 281, "see https://example.com/x " * 3, "👩‍👩‍👧 family", ""]
    for net in networks.TABLE.values():
        for text in texts:
            for limit in (None, 10):
                first = net.measure(text, limit)
                assert net.measure(text, limit) == first == net._measure(text, limit)
        for i in range(5000):
            net.measure(f"t{i}")
        assert len(net._measured) <= 4096
