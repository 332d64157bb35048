"""The one definition of each check: what it accepts and what it refuses."""

from __future__ import annotations

import pytest

from composer.checks import is_address, is_hex_colour, is_loopback


@pytest.mark.parametrize("value", ["a@example.org", "first.last+tag@mail.example.co.uk", "o'brien@example.ie",
                                   "jürgen@bücher.example"])
def test_addresses_accepted(value: str) -> None:
    assert is_address(value)


@pytest.mark.parametrize("value", ["", "a", "a@b", "a@@b.org", "a b@c.org", "a@b.org\n", "a@b.org\r\nBcc: x@y.org",
                                   "<a@b.org>", "A <a@b.org>", "a,b@c.org", "a;b@c.org", "a@b..org", "a@.b.org",
                                   "a@b.org.", "\"a\"@b.org", "a@b.org\u200b", "a" * 250 + "@b.org"])
def test_addresses_refused(value: str) -> None:
    assert not is_address(value)


def test_ascii_variant_refuses_what_needs_smtputf8() -> None:
    assert is_address("jürgen@example.org")
    assert not is_address("jürgen@example.org", ascii_only=True)
    assert not is_address("a@bücher.example", ascii_only=True)
    assert is_address("a.b-c_d+e@example.org", ascii_only=True)


@pytest.mark.parametrize(("value", "ok"), [("#abc", True), ("#A0b1C2", True), ("#abcd", False), ("abc", False),
                                           ("#ggg", False), ("#abc;", False), ("", False), ("#abc\n", False)])
def test_hex_colour(value: str, ok: bool) -> None:
    assert is_hex_colour(value) is ok


@pytest.mark.parametrize(("host", "ok"), [("localhost", True), ("LOCALHOST", True), ("localhost.localdomain", True),
                                          ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True),
                                          ("0.0.0.0", False), ("192.168.1.2", False), ("example.org", False),
                                          ("localhost.example.org", False), ("", False)])
def test_loopback(host: str, ok: bool) -> None:
    assert is_loopback(host) is ok
