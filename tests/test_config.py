from __future__ import annotations

from pathlib import Path

import pytest

from composer.checks import is_loopback
from composer.config import Secret, load_settings, mask_secrets
from composer.errors import ConfigError


def test_defaults_without_any_config(tmp_path: Path) -> None:
    s = load_settings(environ={})
    assert s.delivery == "outbox" and s.outbox_dir == Path("outbox") and s.smtp_security == "starttls"
    assert s.theme.name and s.theme.accent.startswith("#")


def test_precedence_flags_over_environment_over_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "settings.env"
    env_file.write_text("OUTBOX_DIR=from-file\nSITE_URL=https://file.example\nBRAND_NAME='File News'\n")
    s = load_settings(environ={"OUTBOX_DIR": "from-env"}, env_file=env_file)
    assert s.outbox_dir == Path("from-env") and s.site_url == "https://file.example" and s.theme.name == "File News"
    s = load_settings({"outbox_dir": Path("from-flag")}, environ={"OUTBOX_DIR": "from-env"}, env_file=env_file)
    assert s.outbox_dir == Path("from-flag")


def test_dot_env_in_working_directory_is_read_without_touching_environ(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".env").write_text("SMTP_PASSWORD=hunter22\n")
    monkeypatch.chdir(tmp_path)
    import os

    s = load_settings()
    assert s.smtp_password.reveal() == "hunter22"
    assert "SMTP_PASSWORD" not in os.environ


@pytest.mark.parametrize(
    "key, value, fragment",
    [
        ("MAIL_FROM", "not an address", "not an email address"),
        ("SITE_URL", "javascript:alert(1)", r"http\(s\) URL"),
        ("SMTP_PORT", "99999", "TCP port"),
        ("SMTP_SECURITY", "tls", "starttls, ssl or none"),
        ("DELIVERY", "pigeon", "outbox, smtp or console"),
        ("BRAND_ACCENT", "red;background:url(x)", "hex colour"),
        ("SEND_CONCURRENCY", "0", "at least 1"),
        ("MAIL_FROM", "a@b.org\nBcc: victim@x.org", "single line"),
    ],
)
def test_invalid_settings_are_refused_with_the_key_named(key: str, value: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        load_settings(environ={key: value})


def test_plain_smtp_only_to_loopback() -> None:
    with pytest.raises(ConfigError, match="loopback"):
        load_settings(environ={"DELIVERY": "smtp", "SMTP_SECURITY": "none", "SMTP_HOST": "mail.example.org"})
    assert load_settings(environ={"DELIVERY": "smtp", "SMTP_SECURITY": "none", "SMTP_HOST": "127.0.0.1"})
    assert is_loopback("::1") and is_loopback("localhost") and not is_loopback("10.0.0.1")


def test_secrets_never_show_in_repr_or_messages() -> None:
    s = load_settings(environ={"SMTP_PASSWORD": "s3cr3t-pw", "LLM_API_KEY": "sk-abcdef"})
    assert "s3cr3t" not in repr(s) and "sk-abc" not in repr(s) and "s3cr3t" not in str(s.smtp_password)
    assert mask_secrets("login failed for s3cr3t-pw with sk-abcdef", s) == "login failed for *** with ***"
    assert Secret("x") == Secret("x") and not Secret("")


def test_env_example_documents_every_key_and_loads() -> None:
    from composer import config
    from tests.conftest import REPO

    example = (REPO / ".env.example").read_text()
    documented = {line.split("=", 1)[0] for line in example.splitlines() if line and not line.startswith("#")}
    assert documented == set(config._KEYS) | set(config._THEME_KEYS)
    assert load_settings(environ={}, env_file=REPO / ".env.example").delivery == "outbox"


def test_every_kind_in_the_tables_has_a_converter() -> None:
    from composer import config

    kinds = {kind for _name, kind in (*config._KEYS.values(), *config._THEME_KEYS.values())}
    assert kinds <= set(config._CONVERTERS)


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("BRAND_GREETING", "Yes", True),
        ("BRAND_GREETING", "OFF", False),
        ("BRAND_ACCENT", "#AbC", "#AbC"),
        ("SMTP_PORT", " 2525 ", 2525),
        ("SEND_RATE", "0", 0.0),
        ("SITE_URL", "https://news.example.org/", "https://news.example.org"),
        ("MAIL_FROM", "News <news@example.org>", "News <news@example.org>"),
        ("TEST_ADDRESS", "me@example.org", "me@example.org"),
        ("LIST_ID", "   ", None),
    ],
)
def test_valid_settings_are_converted(key: str, value: str, expected: object) -> None:
    from composer import config

    name, _kind = {**config._KEYS, **config._THEME_KEYS}[key]
    s = load_settings(environ={key: value})
    assert getattr(s.theme if key in config._THEME_KEYS else s, name) == expected


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("SMTP_TIMEOUT", "0", "SMTP_TIMEOUT must be greater than 0"),
        ("SEND_RATE", "-1", "SEND_RATE must be at least 0"),
        ("SEND_RATE", "fast", "SEND_RATE='fast' must be a number"),
        ("SMTP_PORT", "25.0", "SMTP_PORT='25.0' must be a whole number"),
        ("BRAND_GREETING", "maybe", "BRAND_GREETING='maybe' must be true or false"),
        ("POST_LINK_POSITION", "middle", "POST_LINK_POSITION='middle': choose first or last"),
        ("TEST_ADDRESS", "a,b@example.org", "TEST_ADDRESS='a,b@example.org' is not an email address"),
        ("UNSUBSCRIBE_MAILTO", "list@example..org", "is not an email address"),
        ("BRAND_FONT", "x;y", "BRAND_FONT may only list font names"),
    ],
)
def test_invalid_values_name_the_key_and_the_rule(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ={key: value})
    assert message in str(info.value)


def test_a_number_error_keeps_its_cause() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"SMTP_PORT": "twenty-five"})
    assert isinstance(info.value.__cause__, ValueError)


def test_database_url_is_a_secret_and_its_password_is_masked() -> None:
    url = "postgresql://composer:pa%24%24word-42@db.example.org:5432/news"
    s = load_settings(environ={"DATABASE_URL": url})
    assert "word-42" not in repr(s) and s.database_url.reveal() == url
    assert mask_secrets(f"cannot connect to {url}", s) == "cannot connect to postgresql://composer:***@db.example.org:5432/news"
    assert mask_secrets("password pa$$word-42 refused", s) == "password *** refused"
    with pytest.raises(ConfigError, match="PostgreSQL URL"):
        load_settings(environ={"DATABASE_URL": "mysql://x@y/z"})


def test_publishing_settings_are_read_checked_and_their_tokens_masked() -> None:
    env = {"MASTODON_URL": "https://social.example/", "MASTODON_TOKEN": "mtok-123456", "MASTODON_VISIBILITY": "unlisted",
           "MASTODON_LANGUAGE": "de", "BLUESKY_HANDLE": "news.example.org", "BLUESKY_APP_PASSWORD": "abcd-efgh",
           "X_CONSUMER_KEY": "ck-1234", "X_CONSUMER_SECRET": "cs-5678", "X_ACCESS_TOKEN": "at-9012",
           "X_ACCESS_TOKEN_SECRET": "as-3456", "X_BEARER_TOKEN": "bt-7890", "PUBLISH_TIMEOUT": "5"}
    s = load_settings(environ=env)
    assert (s.mastodon_url, s.mastodon_visibility, s.mastodon_language) == ("https://social.example", "unlisted", "de")
    assert (s.bluesky_service, s.x_api_url, s.publish_timeout) == ("https://bsky.social", "https://api.x.com", 5.0)
    secrets = [v for k, v in env.items() if k.endswith(("TOKEN", "PASSWORD", "SECRET", "KEY"))]
    text = " ".join(secrets) + " " + repr(s)
    masked = mask_secrets(text, s)
    assert not any(v in masked for v in secrets) and not any(v in repr(s) for v in secrets)
    with pytest.raises(ConfigError, match="MASTODON_VISIBILITY='direct': choose public, unlisted or private"):
        load_settings(environ={"MASTODON_VISIBILITY": "direct"})
    with pytest.raises(ConfigError, match="MASTODON_LANGUAGE"):
        load_settings(environ={"MASTODON_LANGUAGE": "English"})
