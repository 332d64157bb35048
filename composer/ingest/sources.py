"""Reading sources into text: files, stdin and (through ``fetch``) URLs.

This is the I/O edge of ingest. It decides what counts as unusable input — missing files,
directories, binary data, empty text — and says so in words a user can act on, before any
reader sees the content.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass

from composer.errors import InputError
from composer.textutil import normalize_text

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_URL = re.compile(r"^https?://", re.I)


@dataclass(frozen=True)
class RawSource:
    text: str
    path: str
    is_url: bool = False
    format_hint: str | None = None  # e.g. "html" from an HTTP Content-Type


def is_url(source: str) -> bool:
    return bool(_URL.match(source))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 KB mean this is not text we can read."""
    head = data[:8192]
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and controls / len(head) > 0.05


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode text whose encoding we are not told reliably.

    Order: BOM, then strict UTF-8, then the declared charset (HTTP header or ``<meta charset>``),
    then cp1252 — the encoding that Windows-made pages claim to be Latin-1 but really are.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    # Valid UTF-8 with non-ASCII bytes is practically never another encoding by accident, while
    # a declared charset is often wrong (a template that says iso-8859-1 around UTF-8 content),
    # so a strict UTF-8 decode is tried before what the page or server claims.
    candidates: list[str] = ["utf-8"]
    if declared:
        candidates.append(declared)
    m = _META_CHARSET.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    candidates += ["utf-8", "cp1252"]
    for enc in candidates:
        enc = enc.strip().lower()
        if enc in ("iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii"):
            enc = "cp1252"
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def text_from_bytes(data: bytes, where: str, declared: str | None = None) -> str:
    if not data.strip():
        raise InputError(f"{where} is empty: give it an article (text, HTML, Markdown or JSON)")
    if looks_binary(data):
        raise InputError(f"{where} looks like a binary file, not an article: give a text, HTML, Markdown or JSON file")
    text = normalize_text(decode_bytes(data, declared))
    if not text.strip():
        raise InputError(f"{where} has no readable text")
    return text


def read_source(source: str, *, timeout: float = 15.0, max_bytes: int = 10_000_000) -> RawSource:
    """Read a path, ``-`` (stdin) or an http(s) URL into normalised text."""
    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(f"standard input is larger than {max_bytes // 1_000_000} MB; that is not an article")
        return RawSource(text_from_bytes(data, "standard input"), path="-")
    if is_url(source):
        from composer.ingest.fetch import fetch_url

        fetched = fetch_url(source, timeout=timeout, max_bytes=max_bytes)
        text = text_from_bytes(fetched.body, source, fetched.charset)
        return RawSource(text, path=fetched.url, is_url=True, format_hint=fetched.format_hint)
    if not os.path.exists(source):
        raise InputError(f"{source}: no such file; check the path (use '-' to read standard input)")
    if os.path.isdir(source):
        raise InputError(f"{source} is a directory; give the article file inside it")
    try:
        size = os.path.getsize(source)
        if size > max_bytes:
            raise InputError(f"{source} is {size // 1_000_000} MB, larger than the {max_bytes // 1_000_000} MB an article may be")
        with open(source, "rb") as fh:
            data = fh.read()
    except PermissionError as exc:
        raise InputError(f"{source}: permission denied; check the file's permissions") from exc
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror})") from exc
    return RawSource(text_from_bytes(data, source), path=source)
