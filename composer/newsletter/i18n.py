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

from composer.cachedir import user_cache_dir, write_private
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
    try:
        source = po.read_bytes()
    except OSError as exc:
        raise RenderError(f"the {language} message catalog {po} is broken: {exc}") from exc
    compiled = _compiled_path(language, source)
    if compiled is not None:
        try:
            return gettext.GNUTranslations(BytesIO(compiled.read_bytes()))
        except Exception:  # not there yet, or damaged (gettext raises OSError, struct.error…): compile again
            pass
    mo = _compile(language, po, source)
    if compiled is not None:
        write_private(compiled, mo)
    return gettext.GNUTranslations(BytesIO(mo))


def _compile(language: str, po: Path, source: bytes) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    try:
        catalog = read_po(BytesIO(source), locale=language, abort_invalid=True)
    except (PoFileError, ValueError) as exc:
        raise RenderError(f"the {language} message catalog {po} is broken: {exc}") from exc
    buf = BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def _compiled_path(language: str, source: bytes) -> Path | None:
    """Where the catalog compiled from exactly ``source`` is kept between runs.

    Compiling a ``.po`` with Babel costs 40–80 ms, in every process that writes a newsletter in
    that language; the ``.mo`` it makes depends only on the catalog's text (and Babel), so it is
    kept in the user's cache folder under the hash of both.
    """
    import hashlib
    import importlib.util
    import os

    folder = user_cache_dir("catalogs")
    spec = importlib.util.find_spec("babel")
    if folder is None or spec is None or not spec.origin:
        return None
    try:
        babel_file = os.stat(spec.origin)
    except OSError:
        return None
    digest = hashlib.sha256(source + f"|{babel_file.st_size}|{babel_file.st_mtime_ns}".encode()).hexdigest()[:32]
    return folder / f"{DOMAIN}-{language}-{digest}.mo"
