"""Signed values the reader service hands out: confirmation links and subscribe-form tokens.

Both are HMAC-SHA256 under a key derived from ``UNSUBSCRIBE_SECRET`` with its own purpose
label, so a token of one kind can never pass as another (nor as an unsubscribe token).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from composer.audience import normalise


def _key(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), b"composer-web-v1\0" + purpose.encode("ascii"), hashlib.sha256).digest()


def _mac(key: bytes, *parts: str) -> str:
    digest = hmac.new(key, "\0".join(parts).encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode("ascii")


class Signer:
    def __init__(self, secret: str) -> None:
        self._confirm = _key(secret, "confirm")
        self._form = _key(secret, "form")

    # A confirmation link: address, list and expiry (epoch seconds) are all covered.
    def confirm_token(self, email: str, list_name: str, expires: int) -> str:
        return _mac(self._confirm, normalise(email), list_name, str(expires))

    def confirm_ok(self, email: str, list_name: str, expires: str, token: str, now: float) -> bool:
        if not expires.isdigit() or int(expires) < now:
            return False
        return hmac.compare_digest(self.confirm_token(email, list_name, int(expires)), token or "")

    # The subscribe form: the time it was shown, bound to the visitor's CSRF cookie.
    def form_token(self, cookie: str, shown: int) -> str:
        return f"{shown}.{_mac(self._form, cookie, str(shown))}"

    def form_age(self, cookie: str, token: str, now: float) -> float | None:
        """Seconds since the form was shown, or None when the token is not ours for this cookie."""
        shown, _, mac = (token or "").partition(".")
        if not cookie or not shown.isdigit():
            return None
        if not hmac.compare_digest(_mac(self._form, cookie, shown), mac):
            return None
        return now - int(shown)
