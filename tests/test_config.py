from __future__ import annotations

from pathlib import Path

import pytest

from composer.config import Secret, is_loopback, load_settings, mask_secrets
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
