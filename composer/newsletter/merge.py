"""Merge fields: per-recipient values placed into the once-rendered newsletter.

MJML is rendered once per issue. Where a template needs a per-recipient value (the reader's
name, their unsubscribe link) it emits a *marker*: ``\\ue000field|default\\ue001``, built from
two Private Use Area characters that ingest strips from every article (see
``textutil.normalize_text``), so article text can never forge one. Personalisation then swaps
markers for values in the rendered HTML/text — a string operation, not a render.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from markupsafe import Markup

from composer import regexcache as rx

OPEN = "\ue000"
CLOSE = "\ue001"
MARKER = rx.compile("\ue000([A-Za-z_][A-Za-z0-9_]*)(?:\\|([^\ue000\ue001]*))?\ue001")
_FIELD = rx.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def marker(field: str, default: str = "") -> Markup:
    """The marker for ``field``; ``default`` is used when a recipient has no value for it."""
    if not _FIELD.match(field):
        raise ValueError(f"merge field names are letters, digits and _, not {field!r}")
    default = default.replace(OPEN, "").replace(CLOSE, "")
    return Markup(f"{OPEN}{field}|{html.escape(default, quote=True)}{CLOSE}")


class Recipient:
    """Template helper: ``{{ recipient.name }}`` renders the ``name`` marker, and so on."""

    def __getattr__(self, field: str) -> Markup:
        if field.startswith("__"):
            raise AttributeError(field)
        return marker(field)


def fields_in(text: str) -> set[str]:
    return {m.group(1) for m in MARKER.finditer(text)}


def fill(text: str, values: Mapping[str, str], *, escape_html: bool) -> str:
    """Replace every marker in ``text``; values are HTML-escaped when ``escape_html``.

    Defaults inside markers are stored already escaped for HTML, so they are unescaped for
    plain text.
    """

    def repl(m: re.Match[str]) -> str:
        value = values.get(m.group(1))
        if value is None:
            default = m.group(2) or ""
            return default if escape_html else html.unescape(default)
        return html.escape(value, quote=True) if escape_html else value

    return MARKER.sub(repl, text)
