"""Text clean-up shared by every reader.

Pasted and scraped text carries invisible baggage: zero-width characters, non-breaking spaces,
control characters, Windows line ends, decomposed accents. Removing it in one place means the
readers, the summariser and the X counter all see the same canonical text.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi-control characters that carry no meaning in article text. ZWJ (U+200D) is
# kept because it joins emoji sequences; the BOM is dropped everywhere.
# U+E000/U+E001 are composer's merge-field markers (newsletter/merge.py): no article may carry them.
_INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\ue000\ue001]")
# C0/C1 controls except tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def normalize_text(text: str) -> str:
    """NFC, unified line ends, no invisible or control characters; line structure is kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return _CONTROL.sub("", text)


def clean_line(text: str) -> str:
    """One line of text with runs of whitespace collapsed to single spaces and ends trimmed."""
    return _SPACES.sub(" ", normalize_text(text).replace("\n", " ")).strip()


# Everything a mail header or a terminal may treat as a line break (Python's str.splitlines
# agrees), and what has no business inside one line: C0/C1 controls, direction and zero-width marks.
_LINE_BREAKS = re.compile("\r\n|[\r\n\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_NOT_IN_A_LINE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def one_line(text: str) -> str:
    """``text`` on one line with the author's own spacing (subjects, header values).

    Unlike :func:`clean_line` runs of spaces are kept — a subject must survive MIME encoding
    exactly — but every line break or tab becomes a space and controls and invisible marks go,
    so the value can never start a new header line.
    """
    return _NOT_IN_A_LINE.sub("", _LINE_BREAKS.sub(" ", text)).strip()


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def plural(count: int, word: str, many: str | None = None) -> str:
    """``"1 item"``, ``"2 items"``, ``"0 items"``; ``many`` for irregular plurals."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"
