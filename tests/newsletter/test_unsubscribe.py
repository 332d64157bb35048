"""Unsubscribe tokens: stable, bound to the address and the secret, compared in constant time."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from composer.config import Secret, Settings
from composer.errors import ConfigError
from composer.newsletter.unsubscribe import UnsubscribeLinks, make_token, unsubscribe_url, verify_token


def test_token_round_trip_and_binding() -> None:
    token = make_token("s3cret", "Ann@Example.com")
    assert token == make_token("s3cret", " ann@example.com ")  # normalised address
    assert verify_token("s3cret", "ann@example.com", token)
    assert not verify_token("s3cret", "bob@example.com", token)
    assert not verify_token("other", "ann@example.com", token)
    assert not verify_token("s3cret", "ann@example.com", token[:-1])
    assert not verify_token("", "ann@example.com", token)
    assert len(token) == 22 and "=" not in token


def test_url_carries_address_and_verifiable_token() -> None:
    settings = Settings(site_url="https://news.example.org", unsubscribe_secret=Secret("k" * 32))
    url = unsubscribe_url(settings, "a+b@example.com")
    assert url is not None
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "news.example.org", "/unsubscribe")
    query = parse_qs(parts.query)
    assert query["e"] == ["a+b@example.com"]
    assert verify_token("k" * 32, query["e"][0], query["t"][0])
    assert UnsubscribeLinks(settings).url("a+b@example.com") == url


def test_no_site_url_means_no_link_and_missing_secret_is_an_error() -> None:
    assert unsubscribe_url(Settings(), "ann@example.com") is None
    with pytest.raises(ConfigError, match="UNSUBSCRIBE_SECRET"):
        UnsubscribeLinks(Settings(site_url="https://news.example.org"))
    with pytest.raises(ConfigError):
        make_token("", "ann@example.com")
