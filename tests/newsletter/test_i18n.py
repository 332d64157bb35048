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


def test_compiled_catalogs_are_kept_and_read_back_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COMPOSER_CACHE", raising=False)
    msgids = sorted(template_msgids())
    for lang in LANGUAGES:
        i18n._translations.cache_clear()
        fresh = i18n._translations(lang)  # compiled with Babel, then kept
        kept = list((tmp_path / "cache" / "composer" / "catalogs").glob(f"composer-{lang}-*.mo"))
        assert len(kept) == 1
        i18n._translations.cache_clear()
        again = i18n._translations(lang)  # read back from the cache folder
        assert [again.gettext(m) for m in msgids] == [fresh.gettext(m) for m in msgids]
        assert any(again.gettext(m) != m for m in msgids)  # really translated
        kept[0].write_bytes(b"\x00damaged")
        i18n._translations.cache_clear()
        assert [i18n._translations(lang).gettext(m) for m in msgids] == [fresh.gettext(m) for m in msgids]
    i18n._translations.cache_clear()


def test_an_edited_catalog_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept .mo is found by the hash of the .po's text, so an edit is never hidden by the cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COMPOSER_CACHE", raising=False)
    locale_dir = tmp_path / "locale"
    po = locale_dir / "de" / "LC_MESSAGES" / "composer.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(i18n.catalog_path("de").read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale_dir)
    i18n._translations.cache_clear()
    assert i18n._translations("de").gettext("Key points") == "Das Wichtigste"
    po.write_text(po.read_text(encoding="utf-8").replace('"Das Wichtigste"', '"Kurz gesagt"'), encoding="utf-8")
    i18n._translations.cache_clear()
    assert i18n._translations("de").gettext("Key points") == "Kurz gesagt"
    i18n._translations.cache_clear()
