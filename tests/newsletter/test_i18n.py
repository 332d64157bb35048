"""Message catalogs: complete for every template string, placeholders intact, dates localised."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from composer import templating
from composer.newsletter import i18n
from composer.newsletter.render import format_date, format_names

LANGUAGES = ("de", "fr", "es", "it", "nl", "pt")
_CALL = re.compile(r"""\b(?:_|gettext|ngettext)\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def template_msgids() -> set[str]:
    """Every string the built-in templates and the renderer pass to gettext."""
    ids: set[str] = set()
    sources = list(templating.builtin_templates_dir().glob("*.j2"))
    sources.append(Path(i18n.__file__).with_name("render.py"))
    for path in sources:
        for m in _CALL.finditer(path.read_text(encoding="utf-8")):
            ids.add(ast.literal_eval(m.group(1)))
    return ids


def load(lang: str):  # type: ignore[no-untyped-def]
    with open(i18n.catalog_path(lang), "rb") as fh:
        return read_po(fh, locale=lang, abort_invalid=True)


def test_the_templates_use_the_expected_strings() -> None:
    ids = template_msgids()
    for expected in ("Read the full story", "Key points", "Related", "In this issue", "Unsubscribe",
                     "View in browser", "By %(authors)s", "%(num)d min read",
                     "You receive this newsletter from %(name)s.", "Links", "Hello %(name)s,", "there"):
        assert expected in ids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_translates_every_template_string(lang: str) -> None:
    catalog = load(lang)
    assert catalog.plural_forms and "nplurals=2" in catalog.plural_forms
    for msgid in template_msgids():
        message = catalog.get(msgid)
        assert message is not None, f"{lang}: {msgid!r} is missing"
        assert not message.fuzzy, f"{lang}: {msgid!r} is fuzzy"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"{lang}: {msgid!r} is untranslated"
        for s in strings:
            assert set(_PLACEHOLDER.findall(s)) == set(_PLACEHOLDER.findall(msgid)), f"{lang}: {msgid!r} → {s!r}"
            assert s != msgid or msgid in ("Links",), f"{lang}: {msgid!r} left in English"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_no_stale_entries(lang: str) -> None:
    ids = template_msgids()
    stale = [m.id for m in load(lang) if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in ids]
    assert stale == []


def test_translations_follow_the_language_code() -> None:
    assert i18n.translations("de").gettext("Unsubscribe") == "Abmelden"
    assert i18n.translations("de-AT").gettext("Unsubscribe") == "Abmelden"
    assert i18n.translations("pt_BR").gettext("Read the full story") == "Ler a notícia completa"
    assert i18n.translations("en").gettext("Unsubscribe") == "Unsubscribe"
    assert i18n.translations("xx").gettext("Unsubscribe") == "Unsubscribe"
    assert i18n.translations("fr").ngettext("%(num)d min read", "%(num)d min read", 3) % {"num": 3} == "3 min de lecture"


def test_available_languages() -> None:
    assert set(i18n.available_languages()) == {"en", *LANGUAGES}


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "March 14, 2025"), ("de", "14. März 2025"), ("fr", "14 mars 2025"), ("es", "14 de marzo de 2025"),
    ("it", "14 marzo 2025"), ("nl", "14 maart 2025"), ("pt", "14 de março de 2025"),
])
def test_dates_are_written_the_local_way(lang: str, expected: str) -> None:
    assert format_date("2025-03-14T08:00:00+01:00", lang) == expected


def test_author_lists_use_the_local_conjunction() -> None:
    assert format_names(["A", "B"], "de") == "A und B"
    assert format_names(["A", "B", "C"], "fr") == "A, B et C"
    assert format_names(["A"], "es") == "A"
