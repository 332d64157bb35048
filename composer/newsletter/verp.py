"""VERP return paths: ``bounces+<token>@example.org``, one per campaign message.

A bounce goes to the envelope sender (MAIL FROM) of the message that failed. Giving each
message its own envelope sender (VERP, "variable envelope return path") lets the bounce
mailbox tell which reader a bounce is about without trusting anything the bouncing server
wrote about the recipient — forwarding, aliases and unparseable bounce formats included.

The token is ``<campaign>-<seq>-<mac>``: the campaign id and the reader's position in it (both
base 36), which the delivery state turns back into the reader's address, and a MAC that binds
the two to that address:

    mac = base32(HMAC-SHA256(K, "<campaign>\\0<seq>\\0<normalised address>"))[:12]
    K   = HMAC-SHA256(UNSUBSCRIBE_SECRET, "composer-verp-v1")

so nobody without the secret can make a token for a reader (forged bounces cannot suppress
arbitrary people), a token cannot be re-pointed at another row, and a database that was reset
or restored — where the same numbers name someone else — fails the check instead of
suppressing the wrong person. 60 bits of MAC: each guess costs the forger a mail to us, so
guessing is hopeless; it keeps the local part short (~30 characters, well under RFC 5321's
64). Everything is lowercase letters, digits and ``-`` because some mail systems lowercase
local parts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from composer.config import Settings
from composer.errors import ConfigError

_PURPOSE = b"composer-verp-v1"
MAC_CHARS = 12
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _b36(n: int) -> str:
    if n < 0:
        raise ValueError("negative")
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _DIGITS[r] + out
        if not n:
            return out


class Verp:
    """Makes and checks VERP addresses for ``BOUNCE_ADDRESS``; the HMAC key is prepared once."""

    def __init__(self, bounce_address: str, secret: str) -> None:
        local, at, domain = bounce_address.strip().rpartition("@")
        if not at or not local or "+" in local:
            raise ConfigError(f"BOUNCE_ADDRESS={bounce_address!r} must be a plain address like bounces@example.org")
        if len(local) > 30:
            raise ConfigError(f"BOUNCE_ADDRESS={bounce_address!r}: keep the part before @ to 30 characters or fewer; "
                              "the per-message token adds up to 30 and RFC 5321 allows 64")
        if not secret:
            raise ConfigError("BOUNCE_ADDRESS is set but UNSUBSCRIBE_SECRET is not: VERP tokens are signed with it. "
                              "Set it to a long random string (python -c 'import secrets; "
                              "print(secrets.token_urlsafe(32))')")
        self.local, self.domain = local, domain
        key = hmac.new(secret.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()
        self._mac = hmac.new(key, digestmod=hashlib.sha256)
        self._pattern = re.compile(
            rf"(?<![^\s<>\"'(:;,=])({re.escape(local)})\+([0-9a-z]{{1,13}})-([0-9a-z]{{1,13}})-([a-z2-7]{{{MAC_CHARS}}})"
            rf"@({re.escape(domain)})(?![A-Za-z0-9.-])", re.I)

    @classmethod
    def from_settings(cls, settings: Settings) -> Verp | None:
        if not settings.bounce_address:
            return None
        return cls(settings.bounce_address, settings.unsubscribe_secret.reveal())

    def _sign(self, campaign: int, seq: int, email: str) -> str:
        mac = self._mac.copy()
        mac.update(f"{campaign}\0{seq}\0{email.strip().lower()}".encode())
        return base64.b32encode(mac.digest()[:10]).decode("ascii")[:MAC_CHARS].lower()  # 12 of 16 chars: 60 bits

    def address(self, campaign: int, seq: int, email: str) -> str:
        """The envelope sender for reader ``seq`` of ``campaign`` (whose address is ``email``)."""
        return f"{self.local}+{_b36(campaign)}-{_b36(seq)}-{self._sign(campaign, seq, email)}@{self.domain}"

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Every ``(campaign, seq, mac)`` of a VERP address of ours in ``text`` (not yet verified)."""
        found: list[tuple[int, int, str]] = []
        for m in self._pattern.finditer(text):
            entry = (int(m.group(2), 36), int(m.group(3), 36), m.group(4).lower())
            if entry not in found:
                found.append(entry)
        return found

    def verify(self, campaign: int, seq: int, mac: str, email: str) -> bool:
        """True when ``mac`` was made by us for this campaign, position and address."""
        return hmac.compare_digest(self._sign(campaign, seq, email), mac.lower())
