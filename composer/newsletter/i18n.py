"""Translations of the templates' own words ("Key points", "Unsubscribe", …).

The newsletter follows the article's language. Catalogs are gettext ``.po`` files under
``composer/locale/<lang>/LC_MESSAGES/composer.po``, compiled in memory with Babel on first use,
so no build step or ``.mo`` file is needed and a translator edits one text file. Fuzzy entries
are ignored (Babel's default), as gettext's own tools do.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from composer.errors import RenderError
from composer.lang import normalize_language

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "composer"


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> list[str]:
    """Languages with a catalog, plus English (the msgids themselves)."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return ["en", *[lang for lang in found if lang != "en"]]


def translations(language: str) -> gettext.NullTranslations:
    """Translations for ``language`` ('de', 'de-AT', 'pt_BR'…); English when there is no catalog."""
    return _translations(normalize_language(language))


@lru_cache(maxsize=16)
def _translations(language: str) -> gettext.NullTranslations:
    po = catalog_path(language)
    if not po.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    try:
        with open(po, "rb") as fh:
            catalog = read_po(fh, locale=language, abort_invalid=True)
    except (PoFileError, ValueError, OSError) as exc:
        raise RenderError(f"the {language} message catalog {po} is broken: {exc}") from exc
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)
