"""One definition of each small check that several parts of composer make on values from users.

Settings, CSV lists, message headers and the preview server all ask the same questions — is
this an email address, a hex colour, a loopback host? — and used to answer them with their own
regexes that drifted apart. Each question is answered here once; where callers need a stricter
form (an SMTP server without SMTPUTF8 takes ASCII only) that is a named variant, not a copy.
"""

from __future__ import annotations

import ipaddress
import re

__all__ = ["is_address", "is_hex_colour", "is_loopback", "MAX_ADDRESS_LENGTH"]

MAX_ADDRESS_LENGTH = 254  # RFC 5321's path limit minus the angle brackets

# A practical addr-spec: no spaces, angle brackets, quotes, commas or other characters that
# would need quoting in a header; a domain of two or more non-empty labels. Not every address
# RFC 5322 allows (quoted local parts, IP literals), but every one a mailing list should hold.
_SPECIAL = r"@\s<>()\[\],;:\"\\"
_ADDRESS = re.compile(rf"^[^{_SPECIAL}]+@[^{_SPECIAL}.]+(?:\.[^{_SPECIAL}.]+)+$")
# The same shape in ASCII only: what a server without SMTPUTF8 accepts in MAIL FROM / RCPT TO.
_ASCII_ADDRESS = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def is_address(value: str, *, ascii_only: bool = False) -> bool:
    """True when ``value`` is a bare email address (``local@domain.tld``, no display name).

    ``ascii_only`` asks for what every SMTP server accepts; without it, non-ASCII local parts
    and domains (which need SMTPUTF8 or IDNA on the way out) pass too.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_ADDRESS_LENGTH or not value.isprintable():
        return False
    pattern = _ASCII_ADDRESS if ascii_only else _ADDRESS
    return pattern.fullmatch(value) is not None


def is_hex_colour(value: str) -> bool:
    """True for a CSS hex colour, ``#abc`` or ``#aabbcc`` (the only form email clients all take)."""
    return isinstance(value, str) and _HEX_COLOUR.fullmatch(value) is not None


def is_loopback(host: str) -> bool:
    """True when ``host`` names this machine only: ``localhost`` or a loopback IP (v4 or v6,
    bracketed or not). Anything else — a LAN address, a public name — may be reachable by others.
    """
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
