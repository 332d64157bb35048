"""The subscribers list: a CSV with a header row naming at least an ``email`` column.

Lists come from spreadsheets and mailing tools, so the reader is forgiving about *format*
(a UTF-8 BOM, Windows-1252 exports, ``;`` as separator, blank lines, header case and spaces)
and strict about *content*: each row that cannot be sent to is reported with its line number
instead of being dropped silently, and a repeated address is reported once and sent once.

Rows are streamed — a 100,000-row list is never held as a list of dicts here; only the set of
addresses already seen (for duplicates) grows with the list, and ``dedupe=False`` drops even
that when the caller can find duplicates itself.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from composer.checks import is_address
from composer.errors import InputError


@dataclass(frozen=True)
class Subscriber:
    """One recipient: ``fields`` holds every column (``email`` and ``name`` included)."""

    email: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.fields.get("name", "")


@dataclass(frozen=True)
class Problem:
    """A row that will not be sent to, and why (shown with its line number)."""

    line: int
    email: str
    reason: str
    duplicate: bool = False

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def _detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (with or without BOM), ``utf-16`` with a BOM, else Windows-1252.

    The whole file is checked incrementally so a stray byte on line 90,000 does not make the
    reader fail after 89,999 rows were already queued.
    """
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def _physical_lines(fh: io.TextIOBase, counter: list[int]) -> Iterator[str]:
    for line in fh:
        counter[0] += 1
        yield line


def iter_subscribers(path: str | os.PathLike[str], *, dedupe: bool = True) -> Iterator[Subscriber | Problem]:
    """Each data row as a :class:`Subscriber`, or a :class:`Problem` saying why it is unusable.

    Raises :class:`InputError` for problems with the file as a whole (missing, no header, no
    ``email`` column) before yielding anything. ``dedupe=False`` leaves repeated addresses to
    the caller (the delivery state finds them with its unique index, in constant memory);
    otherwise the set of addresses seen so far is the one thing that grows with the list.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such subscribers file")
    encoding = _detect_encoding(path)
    try:
        fh = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed in finally below
    except OSError as exc:
        raise InputError(f"{path}: cannot read the subscribers file ({exc.strerror})") from exc
    try:
        counter = [0]
        lines = _physical_lines(fh, counter)
        header_line = ""
        for raw in lines:
            if raw.strip():
                header_line = raw
                break
        if not header_line:
            raise InputError(f"{path}: the subscribers file is empty; it needs a header row like 'email,name'")
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        header = next(csv.reader([header_line], delimiter=delimiter))
        columns = [h.strip().lower().replace(" ", "_") for h in header]
        if "email" not in columns:
            if header and is_address(header[0].strip()):
                raise InputError(f"{path}: line {counter[0]} looks like data, not a header; add a first line such as "
                                 f"'email,name'")
            raise InputError(f"{path}: the header row (line {counter[0]}) has no 'email' column; "
                             f"found {', '.join(repr(c) for c in columns) or 'nothing'}")
        email_index = columns.index("email")
        seen: dict[str, int] = {}
        row_start = counter[0] + 1
        # Rows may span lines (a quoted field with a newline), so line numbers come from the
        # physical-line counter at the start of each row rather than csv's own count.
        reader = csv.reader(lines, delimiter=delimiter)
        for row in reader:
            line = row_start
            row_start = counter[0] + 1
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                extra = [c for c in row[len(columns):] if c.strip()]
                if extra:
                    yield Problem(line, row[email_index].strip() if email_index < len(row) else "",
                                  f"{len(row)} columns but the header names {len(columns)}; quote values that "
                                  f"contain '{delimiter}'")
                    continue
            values = {col: (row[i].strip() if i < len(row) else "") for i, col in enumerate(columns) if col}
            email = values.get("email", "")
            if not email:
                yield Problem(line, "", "no email address")
                continue
            if not is_address(email):
                yield Problem(line, email, f"{email!r} is not a valid email address")
                continue
            if not dedupe:
                yield Subscriber(email=email, line=line, fields=values)
                continue
            key = email.lower()
            if key in seen:
                yield Problem(line, email, f"{email} is a duplicate of line {seen[key]}; it is sent once",
                              duplicate=True)
                continue
            seen[key] = line
            yield Subscriber(email=email, line=line, fields=values)
    except csv.Error as exc:
        raise InputError(f"{path}: line {counter[0]}: the CSV is malformed ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot decode the file as {encoding} ({exc.reason}); save it as UTF-8") from exc
    finally:
        fh.close()


def load_subscribers(path: str | os.PathLike[str]) -> tuple[list[Subscriber], list[Problem]]:
    """All rows at once: convenient for small lists and tests; large sends stream instead."""
    good: list[Subscriber] = []
    bad: list[Problem] = []
    for entry in iter_subscribers(path):
        (good if isinstance(entry, Subscriber) else bad).append(entry)
    return good, bad
