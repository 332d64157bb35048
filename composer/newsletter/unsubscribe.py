"""Unsubscribe links that cannot be forged: ``SITE_URL/unsubscribe?e=<email>&t=<token>``.

The token is an HMAC of the normalised address under ``UNSUBSCRIBE_SECRET``, so whatever
serves the link can check it without a database of issued links, and nobody can unsubscribe
someone else by editing the address in the URL. The address is lowercased first because mail
systems treat the domain (and in practice the local part) case-insensitively; a reader who
appears as ``Ann@Example.org`` in one list and ``ann@example.org`` in another gets one token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote

from composer.config import Settings
from composer.errors import ConfigError

# 128 bits is far beyond what an online guesser can try and keeps the URL short.
_TOKEN_BYTES = 16
_PURPOSE = b"composer-unsubscribe-v1\0"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def make_token(secret: str | bytes, email: str) -> str:
    """The URL-safe token for ``email``; the same inputs always give the same token."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    if not key:
        raise ConfigError("UNSUBSCRIBE_SECRET is empty; set it to a long random string "
                          "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    digest = hmac.new(key, _PURPOSE + normalise_email(email).encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:_TOKEN_BYTES]).rstrip(b"=").decode("ascii")


def verify_token(secret: str | bytes, email: str, token: str) -> bool:
    """True when ``token`` was issued for ``email`` under ``secret`` (constant-time compare)."""
    try:
        expected = make_token(secret, email)
    except ConfigError:
        return False
    return hmac.compare_digest(expected, token or "")


class UnsubscribeLinks:
    """Builds links for one settings object; keeps the HMAC key prepared for fast reuse."""

    def __init__(self, settings: Settings) -> None:
        self.base = f"{settings.site_url}/unsubscribe" if settings.site_url else None
        secret = settings.unsubscribe_secret.reveal()
        if self.base and not secret:
            raise ConfigError("SITE_URL is set but UNSUBSCRIBE_SECRET is not: unsubscribe links need it. Set it to a "
                              "long random string (python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        self._mac = hmac.new(secret.encode("utf-8"), _PURPOSE, hashlib.sha256) if secret else None

    def url(self, email: str) -> str | None:
        """The recipient's one-click unsubscribe URL, or None when ``SITE_URL`` is not set."""
        if self.base is None or self._mac is None:
            return None
        mac = self._mac.copy()
        mac.update(normalise_email(email).encode("utf-8"))
        token = base64.urlsafe_b64encode(mac.digest()[:_TOKEN_BYTES]).rstrip(b"=").decode("ascii")
        return f"{self.base}?e={quote(email.strip(), safe='@')}&t={token}"


def unsubscribe_url(settings: Settings, email: str) -> str | None:
    """Convenience for one address; use :class:`UnsubscribeLinks` in loops."""
    return UnsubscribeLinks(settings).url(email)
