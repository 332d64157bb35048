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
# U+E000/U+E001 are composer's merge-field markers (render/merge.py): no article may carry them.
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


def single_line(text: str) -> str:
    """A value safe for one line of output (headers, titles): every kind of line break is a space."""
    return clean_line(text)


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))
