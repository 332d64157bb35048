"""Settings: one object built from ``.env``, the environment and command-line flags.

Precedence is flags > environment > ``.env`` > defaults, as the design notes require. The
``.env`` file is read with python-dotenv *without* touching ``os.environ`` so that a library
user's process environment is never modified behind their back.

Secrets (``SMTP_PASSWORD``, ``UNSUBSCRIBE_SECRET``, ``LLM_API_KEY``, the networks' tokens) are held in
:class:`Secret`, whose ``repr``/``str`` never show the value: a setting that leaks into a log
line, an error or a ``--debug`` traceback prints as ``'***'``.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from composer import regexcache as rx
from composer.checks import is_address, is_hex_colour, is_loopback
from composer.errors import ConfigError, InputError


class Secret:
    """A string that refuses to show itself in logs, errors and tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Theme:
    """Brand and look of the newsletter; every field has a default that looks finished."""

    name: str = "The Composer"
    logo_url: str | None = None
    accent: str = "#0b5cad"
    accent_text: str = "#ffffff"
    text_color: str = "#1f2328"
    background: str = "#f3f4f6"
    font: str = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
    heading_font: str = "Georgia, 'Times New Roman', serif"
    address: str | None = None
    footer: str | None = None
    # Newsletter extras: a "Hello <name>," line filled per recipient (off by default, because a
    # list without names would greet everyone with the fallback), and the dark-mode palette.
    greeting: bool = False
    dark_background: str = "#16181d"
    dark_text: str = "#e6e8eb"
    dark_link: str = "#8cc4ff"


DEFAULT_MAIL_FROM = "Composer <newsletter@example.com>"  # a placeholder: refused for real (SMTP) sends


@dataclass(frozen=True)
class Settings:
    mail_from: str = DEFAULT_MAIL_FROM
    reply_to: str | None = None
    site_url: str | None = None
    unsubscribe_secret: Secret = field(default_factory=lambda: Secret(""))
    unsubscribe_mailto: str | None = None
    list_id: str | None = None
    outbox_dir: Path = Path("outbox")
    templates_dir: Path | None = None
    delivery: str = "outbox"
    smtp_host: str = "localhost"
    smtp_port: int | None = None
    smtp_username: str | None = None
    smtp_password: Secret = field(default_factory=lambda: Secret(""))
    smtp_security: str = "starttls"
    smtp_timeout: float = 30.0
    smtp_ca_file: Path | None = None  # extra CA bundle to trust (private CA, tests); still verified
    send_rate: float = 0.0  # messages per second; 0 = unlimited
    send_concurrency: int = 1
    send_retry_delay: float = 60.0
    send_max_attempts: int = 5
    send_lease: float = 300.0  # seconds a worker's claim holds its readers before others may take them over
    database_url: Secret = field(default_factory=lambda: Secret(""))  # postgresql://…; empty: the outbox's SQLite
    test_address: str | None = None
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: Secret = field(default_factory=lambda: Secret(""))
    llm_timeout: float = 30.0
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    post_link_position: str = "last"
    mastodon_limit: int = 500
    # Feeds: entry pages fetched at once, at most per host (politeness), and each fetch's timeout.
    feed_concurrency: int = 16
    feed_per_host: int = 6
    feed_timeout: float = 15.0
    # compose serve (the public reader service)
    serve_allowed_hosts: str | None = None  # comma-separated Host names; default: SITE_URL's host and loopback
    serve_trusted_proxies: str = "127.0.0.1"  # who may set X-Forwarded-For/-Proto (uvicorn's forwarded_allow_ips)
    subscribe_list: str = "newsletter"
    subscribe_confirm_hours: float = 48.0
    subscribe_min_seconds: float = 3.0
    subscribe_rate_limit: int = 10  # subscribe form posts per client IP per hour
    # provider webhooks (bounces, complaints); an endpoint is on only when its setting is given
    webhook_mailgun_signing_key: Secret = field(default_factory=lambda: Secret(""))
    webhook_postmark_username: str | None = None
    webhook_postmark_password: Secret = field(default_factory=lambda: Secret(""))
    webhook_sendgrid_public_key: str | None = None
    webhook_ses_topic_arn: str | None = None
    webhook_ses_cert_cache: Path | None = None
    # the bounce mailbox (compose bounces scan): VERP return paths and when a soft bounce counts
    bounce_address: str | None = None  # e.g. bounces@example.org; sends use bounces+<token>@example.org
    bounce_soft_limit: int = 3  # this many soft bounces of one reader ...
    bounce_soft_days: float = 14.0  # ... within this many days suppress them
    bounce_imap_url: Secret = field(default_factory=lambda: Secret(""))  # holds a password: masked
    # publishing to networks (compose publish); each network is on when its credentials are given
    publish_timeout: float = 20.0  # seconds for one request to a network
    bluesky_service: str = "https://bsky.social"
    bluesky_handle: str | None = None
    bluesky_app_password: Secret = field(default_factory=lambda: Secret(""))
    mastodon_url: str | None = None
    mastodon_token: Secret = field(default_factory=lambda: Secret(""))
    mastodon_visibility: str = "public"
    mastodon_language: str | None = None  # overrides the article's language on Mastodon
    x_api_url: str = "https://api.x.com"
    x_consumer_key: Secret = field(default_factory=lambda: Secret(""))
    x_consumer_secret: Secret = field(default_factory=lambda: Secret(""))
    x_access_token: Secret = field(default_factory=lambda: Secret(""))
    x_access_token_secret: Secret = field(default_factory=lambda: Secret(""))
    x_bearer_token: Secret = field(default_factory=lambda: Secret(""))
    x_user_id: str | None = None  # saves one request when an unknown outcome is looked up
    theme: Theme = field(default_factory=Theme)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


# Environment key -> (field name, kind). Kind drives parsing and validation.
_KEYS: dict[str, tuple[str, str]] = {
    "MAIL_FROM": ("mail_from", "address"),
    "MAIL_REPLY_TO": ("reply_to", "address"),
    "SITE_URL": ("site_url", "url"),
    "UNSUBSCRIBE_SECRET": ("unsubscribe_secret", "secret"),
    "UNSUBSCRIBE_MAILTO": ("unsubscribe_mailto", "email"),
    "LIST_ID": ("list_id", "str"),
    "OUTBOX_DIR": ("outbox_dir", "path"),
    "TEMPLATES_DIR": ("templates_dir", "path"),
    "DELIVERY": ("delivery", "delivery"),
    "SMTP_HOST": ("smtp_host", "str"),
    "SMTP_PORT": ("smtp_port", "port"),
    "SMTP_USERNAME": ("smtp_username", "str"),
    "SMTP_PASSWORD": ("smtp_password", "secret"),
    "SMTP_SECURITY": ("smtp_security", "security"),
    "SMTP_TIMEOUT": ("smtp_timeout", "positive_float"),
    "SMTP_CA_FILE": ("smtp_ca_file", "path"),
    "SEND_RATE": ("send_rate", "float"),
    "SEND_CONCURRENCY": ("send_concurrency", "positive_int"),
    "SEND_RETRY_DELAY": ("send_retry_delay", "float"),
    "SEND_MAX_ATTEMPTS": ("send_max_attempts", "positive_int"),
    "SEND_LEASE": ("send_lease", "positive_float"),
    "DATABASE_URL": ("database_url", "database_url"),
    "TEST_ADDRESS": ("test_address", "email"),
    "LLM_BASE_URL": ("llm_base_url", "url"),
    "LLM_MODEL": ("llm_model", "str"),
    "LLM_API_KEY": ("llm_api_key", "secret"),
    "LLM_TIMEOUT": ("llm_timeout", "positive_float"),
    "UTM_SOURCE": ("utm_source", "str"),
    "UTM_MEDIUM": ("utm_medium", "str"),
    "UTM_CAMPAIGN": ("utm_campaign", "str"),
    "POST_LINK_POSITION": ("post_link_position", "link_position"),
    "MASTODON_LIMIT": ("mastodon_limit", "positive_int"),
    "FEED_CONCURRENCY": ("feed_concurrency", "positive_int"),
    "FEED_PER_HOST": ("feed_per_host", "positive_int"),
    "FEED_TIMEOUT": ("feed_timeout", "positive_float"),
    "SERVE_ALLOWED_HOSTS": ("serve_allowed_hosts", "str"),
    "SERVE_TRUSTED_PROXIES": ("serve_trusted_proxies", "str"),
    "SUBSCRIBE_LIST": ("subscribe_list", "list_name"),
    "SUBSCRIBE_CONFIRM_HOURS": ("subscribe_confirm_hours", "positive_float"),
    "SUBSCRIBE_MIN_SECONDS": ("subscribe_min_seconds", "float"),
    "SUBSCRIBE_RATE_LIMIT": ("subscribe_rate_limit", "positive_int"),
    "WEBHOOK_MAILGUN_SIGNING_KEY": ("webhook_mailgun_signing_key", "secret"),
    "WEBHOOK_POSTMARK_USERNAME": ("webhook_postmark_username", "str"),
    "WEBHOOK_POSTMARK_PASSWORD": ("webhook_postmark_password", "secret"),
    "WEBHOOK_SENDGRID_PUBLIC_KEY": ("webhook_sendgrid_public_key", "str"),
    "WEBHOOK_SES_TOPIC_ARN": ("webhook_ses_topic_arn", "str"),
    "WEBHOOK_SES_CERT_CACHE": ("webhook_ses_cert_cache", "path"),
    "BOUNCE_ADDRESS": ("bounce_address", "bounce_address"),
    "BOUNCE_SOFT_LIMIT": ("bounce_soft_limit", "positive_int"),
    "BOUNCE_SOFT_DAYS": ("bounce_soft_days", "positive_float"),
    "BOUNCE_IMAP_URL": ("bounce_imap_url", "secret"),
    "PUBLISH_TIMEOUT": ("publish_timeout", "positive_float"),
    "BLUESKY_SERVICE": ("bluesky_service", "url"),
    "BLUESKY_HANDLE": ("bluesky_handle", "str"),
    "BLUESKY_APP_PASSWORD": ("bluesky_app_password", "secret"),
    "MASTODON_URL": ("mastodon_url", "url"),
    "MASTODON_TOKEN": ("mastodon_token", "secret"),
    "MASTODON_VISIBILITY": ("mastodon_visibility", "visibility"),
    "MASTODON_LANGUAGE": ("mastodon_language", "language"),
    "X_API_URL": ("x_api_url", "url"),
    "X_CONSUMER_KEY": ("x_consumer_key", "secret"),
    "X_CONSUMER_SECRET": ("x_consumer_secret", "secret"),
    "X_ACCESS_TOKEN": ("x_access_token", "secret"),
    "X_ACCESS_TOKEN_SECRET": ("x_access_token_secret", "secret"),
    "X_BEARER_TOKEN": ("x_bearer_token", "secret"),
    "X_USER_ID": ("x_user_id", "str"),
}

_THEME_KEYS: dict[str, tuple[str, str]] = {
    "BRAND_NAME": ("name", "str"),
    "BRAND_LOGO_URL": ("logo_url", "url"),
    "BRAND_ACCENT": ("accent", "color"),
    "BRAND_ACCENT_TEXT": ("accent_text", "color"),
    "BRAND_TEXT_COLOR": ("text_color", "color"),
    "BRAND_BACKGROUND": ("background", "color"),
    "BRAND_FONT": ("font", "font"),
    "BRAND_HEADING_FONT": ("heading_font", "font"),
    "BRAND_ADDRESS": ("address", "str"),
    "BRAND_FOOTER": ("footer", "str"),
    "BRAND_GREETING": ("greeting", "bool"),
    "BRAND_DARK_BACKGROUND": ("dark_background", "color"),
    "BRAND_DARK_TEXT": ("dark_text", "color"),
    "BRAND_DARK_LINK": ("dark_link", "color"),
}

SECRET_KEYS = tuple(k for k, (_f, kind) in _KEYS.items() if kind in ("secret", "database_url"))


# Converters: one per kind in the tables above. Each takes the key (for the message) and the
# value already stripped and checked to be a single line, and returns the setting or raises
# ConfigError naming the key.
_FONT_UNSAFE = rx.compile(r"[;{}<>]")
_HTTP_URL = rx.compile(r"^https?://[^\s/]+", re.I)
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def _str(key: str, value: str) -> str | None:
    return value or None


def _font(key: str, value: str) -> str:
    if _FONT_UNSAFE.search(value):
        raise ConfigError(f"{key} may only list font names (no ';', braces or angle brackets)")
    return value


def _secret(key: str, value: str) -> Secret:
    return Secret(value)


def _database_url(key: str, value: str) -> Secret:
    """A PostgreSQL URL, held as a secret (it usually carries a password)."""
    if value and not value.startswith(("postgresql://", "postgres://")):
        raise ConfigError(f"{key} must be a PostgreSQL URL like postgresql://user:password@host/dbname "
                          "(leave it empty for the outbox's SQLite file)")
    return Secret(value)


def _path(key: str, value: str) -> Path | None:
    return Path(value).expanduser() if value else None


def _address(key: str, value: str) -> str | None:
    """A From/Reply-To value: a bare address or ``Name <address>``, kept as written."""
    if not value:
        return None
    from email.utils import parseaddr

    _name, addr = parseaddr(value)
    if not is_address(addr):
        raise ConfigError(f"{key}={value!r} is not an email address (e.g. 'News <news@example.org>')")
    return value


def _email(key: str, value: str) -> str | None:
    """A bare address, no display name."""
    if value and not is_address(value):
        raise ConfigError(f"{key}={value!r} is not an email address")
    return value or None


def _bounce_address(key: str, value: str) -> str | None:
    """A bare address whose local part can take a ``+token`` (VERP): no ``+`` of its own."""
    value = value.strip()
    if not value:
        return None
    if not is_address(value, ascii_only=True):
        raise ConfigError(f"{key}={value!r} is not a plain ASCII email address (e.g. bounces@example.org)")
    if "+" in value.partition("@")[0]:
        raise ConfigError(f"{key}={value!r}: leave out the '+…' part; composer adds '+<token>' per message")
    return value


def _url(key: str, value: str) -> str | None:
    if not value:
        return None
    if not _HTTP_URL.match(value):
        raise ConfigError(f"{key}={value!r} must be an http(s) URL, e.g. https://news.example.org")
    return value.rstrip("/")


def _bool(key: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ConfigError(f"{key}={value!r} must be true or false")


def _color(key: str, value: str) -> str:
    if not is_hex_colour(value):
        raise ConfigError(f"{key}={value!r} must be a hex colour like #0b5cad")
    return value


def _int(key: str, value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{key}={value!r} must be a whole number") from exc


def _positive_int(key: str, value: str) -> int:
    number = _int(key, value)
    if number < 1:
        raise ConfigError(f"{key} must be at least 1")
    return number


def _port(key: str, value: str) -> int:
    number = _int(key, value)
    if not 0 < number < 65536:
        raise ConfigError(f"{key}={number} is not a TCP port (1–65535)")
    return number


def _number(key: str, value: str) -> float:
    try:
        return float(value)
    except ValueError as exc:
        raise ConfigError(f"{key}={value!r} must be a number") from exc


def _float(key: str, value: str) -> float:
    """A number that may be 0 (a rate or delay where 0 means "none")."""
    number = _number(key, value)
    if number < 0:
        raise ConfigError(f"{key} must be at least 0")
    return number


def _positive_float(key: str, value: str) -> float:
    """A number that must be above 0 (a timeout)."""
    number = _number(key, value)
    if number <= 0:
        raise ConfigError(f"{key} must be greater than 0")
    return number


def _choose(key: str, value: str, *choices: str) -> str:
    if value not in choices:
        listed = f"{', '.join(choices[:-1])} or {choices[-1]}"
        raise ConfigError(f"{key}={value!r}: choose {listed}")
    return value


def _delivery(key: str, value: str) -> str:
    return _choose(key, value, "outbox", "smtp", "console")


def _security(key: str, value: str) -> str:
    return _choose(key, value, "starttls", "ssl", "none")


def _link_position(key: str, value: str) -> str:
    return _choose(key, value, "first", "last")


def _visibility(key: str, value: str) -> str:
    return _choose(key, value, "public", "unlisted", "private")


def _language(key: str, value: str) -> str | None:
    if value and not re.fullmatch(r"[a-z]{2,3}", value):
        raise ConfigError(f"{key}={value!r} must be an ISO 639 language code like en or de")
    return value or None


def _list_name(key: str, value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", value):
        raise ConfigError(f"{key}={value!r}: a list name is letters, digits, '.', '_' and '-' (at most 64)")
    return value


_CONVERTERS: dict[str, Callable[[str, str], Any]] = {
    "str": _str,
    "font": _font,
    "secret": _secret,
    "database_url": _database_url,
    "path": _path,
    "address": _address,
    "email": _email,
    "bounce_address": _bounce_address,
    "url": _url,
    "bool": _bool,
    "color": _color,
    "int": _int,
    "positive_int": _positive_int,
    "port": _port,
    "float": _float,
    "positive_float": _positive_float,
    "delivery": _delivery,
    "security": _security,
    "link_position": _link_position,
    "list_name": _list_name,
    "visibility": _visibility,
    "language": _language,
}


def _convert(key: str, kind: str, raw: str) -> Any:
    """``raw`` (from the environment or ``.env``) as the setting ``key`` of ``kind``."""
    value = raw.strip()
    if "\r" in value or "\n" in value:
        raise ConfigError(f"{key} must be a single line")
    converter = _CONVERTERS.get(kind)
    if converter is None:
        raise AssertionError(kind)
    return converter(key, value)


def read_env_file(path: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Values from a ``.env`` file (default: ``./.env``), without changing ``os.environ``."""
    env_path = Path(path) if path else Path.cwd() / ".env"
    if not env_path.is_file():
        if path:
            raise ConfigError(f"{env_path}: no such settings file")
        return {}
    from dotenv import dotenv_values  # only with a file to read: its import costs more than the check

    try:
        values = dotenv_values(env_path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{env_path}: cannot read settings ({exc})") from exc
    return {k: v for k, v in values.items() if v is not None}


_OTHER_KEYS = ("COMPOSER_CACHE",)  # read elsewhere (cachedir), not settings


def env_file_warnings(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Keys in the ``.env`` file that composer does not know but that look like its own (a typo such as
    ``SMTP_PASWORD`` would otherwise be ignored in silence)."""
    known = [*_KEYS, *_THEME_KEYS, *_OTHER_KEYS]
    prefixes = {k.split("_", 1)[0] + "_" for k in known}
    out = []
    for key in read_env_file(path):
        if key in known:
            continue
        import difflib  # only for an unknown key: every run asks, few have one

        close = difflib.get_close_matches(key.upper(), known, n=1, cutoff=0.75)
        if close:
            out.append(f"{key} in .env is not a composer setting; did you mean {close[0]}?")
        elif key.upper().startswith(tuple(prefixes)):
            out.append(f"{key} in .env is not a composer setting (see .env.example for the keys)")
    return out


def load_settings(
    flags: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    env_file: str | os.PathLike[str] | None = None,
) -> Settings:
    """Build :class:`Settings` from defaults, ``.env``, the environment and flags (in that order).

    ``flags`` uses field names (``outbox_dir``, ``templates_dir``, ``delivery``…); a value of
    ``None`` means "not given on the command line".
    """
    merged: dict[str, str] = dict(read_env_file(env_file))
    merged.update(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    for key, (name, kind) in _KEYS.items():
        if key in merged and merged[key].strip() != "":
            values[name] = _convert(key, kind, merged[key])
    theme_values: dict[str, Any] = {}
    for key, (name, kind) in _THEME_KEYS.items():
        if key in merged and merged[key].strip() != "":
            theme_values[name] = _convert(key, kind, merged[key])
    settings = Settings(**values, theme=Theme(**theme_values))
    if flags:
        overrides = {k: v for k, v in flags.items() if v is not None}
        settings = dataclasses.replace(settings, **overrides)
    if settings.smtp_security == "none" and settings.delivery == "smtp" and not is_loopback(settings.smtp_host):
        # Checked here as well as in the adapter so that `send` refuses before doing anything.
        raise ConfigError(
            f"SMTP_SECURITY=none sends passwords and mail in clear text; it is only allowed to a loopback "
            f"host, not {settings.smtp_host!r}. Use starttls or ssl."
        )
    return settings


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; one message for every ``--tz`` that names none.

    Here, below both, because the campaign scheduler and the feed cadence each take ``--tz``.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"--tz {name!r} is not a time zone name (e.g. Europe/Berlin, America/New_York, UTC)") from exc


# Settings that change what a composed item looks like (links, footer, brand), recorded in its
# manifest so that a send can tell an item composed before they changed. Secrets are not recorded.
_RENDERING_KEYS = ("SITE_URL", "UNSUBSCRIBE_MAILTO", "LIST_ID", "TEMPLATES_DIR", "UTM_SOURCE", "UTM_MEDIUM",
                   "UTM_CAMPAIGN")


def rendering_fingerprint(settings: Settings) -> dict[str, str]:
    """The settings an item is rendered with (by key), as text, for its manifest."""
    out = {key: str(getattr(settings, _KEYS[key][0]) or "") for key in _RENDERING_KEYS}
    out.update({key: str(getattr(settings.theme, name) or "") for key, (name, _kind) in _THEME_KEYS.items()})
    return out


def mask_secrets(text: str, settings: Settings) -> str:
    """Replace every secret value that appears in ``text`` with ``***``."""
    values = [s.reveal() for s in (settings.smtp_password, settings.unsubscribe_secret, settings.llm_api_key,
                                   settings.webhook_mailgun_signing_key, settings.webhook_postmark_password,
                                   settings.bounce_imap_url, settings.bluesky_app_password, settings.mastodon_token,
                                   settings.x_consumer_key, settings.x_consumer_secret, settings.x_access_token,
                                   settings.x_access_token_secret, settings.x_bearer_token)]
    url = settings.database_url.reveal()
    if url:
        from urllib.parse import unquote, urlsplit

        try:
            password = urlsplit(url).password
        except ValueError:
            password = None
        values += [p for p in (password, unquote(password or "")) if p]
    for value in values:
        if value and len(value) >= 3:
            text = text.replace(value, "***")
    return mask_url_passwords(text)


_URL_PASSWORD = rx.compile(r"\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)(\S+)(@)", re.I)


def mask_url_passwords(text: str) -> str:
    """``imaps://ann:***@host/…``: the password of any URL in ``text`` replaced by ``***``."""
    return _URL_PASSWORD.sub(r"\1***\3", text)
