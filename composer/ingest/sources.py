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


# Byte order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_GZIP_MAGIC = b"\x1f\x8b"


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """(encoding, BOM length) when ``data`` starts with a Unicode byte order mark."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _controls_share(sample: str | bytes) -> float:
    codes = sample if isinstance(sample, bytes) else [ord(c) for c in sample]
    controls = sum(1 for b in codes if b < 9 or 13 < b < 32)
    return controls / len(codes) if codes else 0.0


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 KB mean this is not text we can read.

    Text in UTF-16 or UTF-32 with a byte order mark (Notepad's "Unicode") is full of NUL bytes
    and still text: it is judged by its decoded characters.
    """
    bom = bom_encoding(data)
    if bom and bom[0] != "utf-8":
        encoding, skip = bom
        unit = 4 if "32" in encoding else 2
        head = data[skip : skip + 8192 - (8192 % unit)]
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            text = head[: len(head) - len(head) % unit].decode(encoding, errors="replace")
        sample = text[:4096]
        broken = sample.count("\ufffd") / len(sample) if sample else 0.0  # unpaired surrogates, odd bytes
        return "\x00" in text or broken > 0.05 or _controls_share(sample) > 0.05
    head = data[:8192]
    if b"\x00" in head:
        return True
    return bool(head) and _controls_share(head) > 0.05


def gunzip(data: bytes, where: str, max_bytes: int) -> bytes:
    """The content of gzip-compressed ``data`` (a ``.gz`` file or a gzip body), at most ``max_bytes``."""
    import zlib

    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise InputError(f"{where} is a damaged gzip file ({exc}); compress it again or give the plain file") from exc
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise InputError(f"{where} unpacks to more than {max_bytes // 1_000_000} MB; that is not an article")
    if not inflater.eof:
        raise InputError(f"{where} is a truncated gzip file; compress it again or give the plain file")
    return out


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode text whose encoding we are not told reliably.

    Order: BOM (UTF-8, UTF-16 or UTF-32), then strict UTF-8, then the declared charset (HTTP
    header or ``<meta charset>``), then cp1252 — the encoding that Windows-made pages claim to be
    Latin-1 but really are.
    """
    bom = bom_encoding(data)
    if bom:
        encoding, skip = bom
        return data[skip:].decode(encoding, errors="replace")
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


def text_from_bytes(data: bytes, where: str, declared: str | None = None, max_bytes: int = 10_000_000) -> str:
    if data.startswith(_GZIP_MAGIC):
        data = gunzip(data, where, max_bytes)
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
        return RawSource(text_from_bytes(data, "standard input", max_bytes=max_bytes), path="-")
    if is_url(source):
        from composer.ingest.fetch import fetch_url

        fetched = fetch_url(source, timeout=timeout, max_bytes=max_bytes)
        text = text_from_bytes(fetched.body, source, fetched.charset, max_bytes=max_bytes)
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
    return RawSource(text_from_bytes(data, source, max_bytes=max_bytes), path=source)
