"""Long dates ("14. März 2025"), name lists ("A, B und C") and Open Graph locales exactly as
babel gives them, without loading babel's locale data.

babel loads and merges a locale's CLDR data (the root locale's large file plus the locale's
own: 20–60 ms in every process) to read a few strings: the long date pattern and the month
names, or the list patterns. A newsletter needs one date and a byline, so per language these
strings are kept in the user's cache folder — the date pattern already split into babel's own
tokens — and applied here as babel applies them: day, month and year fields for dates, the
"2"/start/middle/end patterns for lists.

A recipe is stored only after it gave babel's exact output: every day of a leap year and years
of one to four digits for dates, lists of two to six names for lists. An Open Graph locale
(``en`` → ``en_US``) is babel's own answer, stored as it is. A date pattern with any
other field (an era, a weekday), or a recipe that did not match, is marked as babel's, and
babel does that language's work.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from composer.cachedir import user_cache_dir, write_private

_FIELDS = {"d": (1, 2), "y": (1, 2, 3, 4), "M": (1, 2, 3, 4), "L": (1, 2, 3, 4)}
_WIDTHS = {3: "abbreviated", 4: "wide"}
_CONTEXTS = {"M": "format", "L": "stand-alone"}
_CHECK_DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(366)] + [
    dt.date(year, 7, 9) for year in (1, 9, 99, 999, 2000, 9999)]

_recipes: dict[str, Any] | None = None


def babel_locale(language: str) -> Any:
    """babel's Locale for ``language`` ("pt-BR" or "pt_BR"), or None when babel does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def babel_dates() -> Any:
    """``babel.dates``, imported without pytz when nothing has imported it yet.

    On import babel.dates looks up the machine's time zone, and with pytz installed that lookup
    checks pytz's whole zone list on disk (~600 files, 20–60 ms per run). Without pytz babel
    uses ``zoneinfo`` — its documented fallback — and a calendar date, all composer formats,
    reads the same either way.
    """
    import sys

    if "babel.dates" not in sys.modules and "pytz" not in sys.modules:
        sys.modules["pytz"] = None  # type: ignore[assignment]  # an import of it now raises ModuleNotFoundError
        try:
            import babel.dates
        finally:
            if sys.modules.get("pytz", 0) is None:
                del sys.modules["pytz"]
    import babel.dates

    return babel.dates


def format_long_date(day: dt.date, language: str) -> str:
    """``day`` in ``language``'s long form, as babel writes it; ISO 8601 when babel does not know
    the language."""
    recipe = _load().get(language)
    if recipe is None:
        recipe = _make_recipe(language)
    if recipe == "iso":
        return day.isoformat()
    if recipe == "babel":
        return _babel_long(day, language)
    return _apply(recipe, day)


def og_locale(lang: str) -> str | None:
    """Open Graph's ``language_TERRITORY`` for a BCP 47 tag (``en`` → ``en_US``), using CLDR's likely
    subtags; None for ``und`` or a tag babel does not know."""
    if lang == "und":
        return None
    key = f"og:{lang}"
    recipes = _load()
    if key in recipes and (recipes[key] is None or isinstance(recipes[key], str)):
        return recipes[key]  # type: ignore[no-any-return]
    found = _og_locale(lang)
    _store(key, found, _path())
    return found


def _og_locale(lang: str) -> str | None:
    try:
        from babel import Locale
        from babel.core import get_global

        loc = Locale.parse(lang.replace("-", "_"))
        territory = loc.territory
        if not territory:
            likely = get_global("likely_subtags").get(loc.language, "")
            territory = next((p for p in likely.split("_")[1:] if p.isupper() and len(p) == 2), None)
        return f"{loc.language}_{territory}" if territory else loc.language
    except Exception:  # an unknown tag: better no og:locale than a wrong one
        return None


def format_name_list(names: list[str], language: str) -> str:
    """``babel.lists.format_list(names, locale=language)``; names joined with ", " when babel does
    not know the language."""
    if len(names) < 2:
        return ", ".join(names)
    key = f"list:{language}"
    recipe = _load().get(key)
    if recipe is None:
        recipe = _make_list_recipe(language)
    if recipe == "iso":
        return ", ".join(names)
    if recipe == "babel":
        return _babel_list(names, language)
    return _join(recipe, names)


def _join(patterns: dict[str, str], names: list[str]) -> str:
    """babel's ``format_list`` with the locale's resolved patterns (for two names or more)."""
    if len(names) == 2 and "2" in patterns:
        return patterns["2"].format(*names)
    result = patterns["start"].format(names[0], names[1])
    for name in names[2:-1]:
        result = patterns["middle"].format(result, name)
    return patterns["end"].format(result, names[-1])


def _babel_list(names: list[str], language: str) -> str:
    babel_dates()
    from babel.lists import format_list

    return str(format_list(names, locale=babel_locale(language)))


def _make_list_recipe(language: str) -> dict[str, str] | str:
    babel_dates()  # first, as for dates: loading the locale data must not import pytz
    locale = babel_locale(language)
    path = _path()
    recipe: dict[str, str] | str
    if locale is None:
        recipe = "iso"
    elif path is None:
        recipe = "babel"
    else:
        from babel.lists import _resolve_list_style

        try:
            found = _resolve_list_style(locale, "standard")
            recipe = {k: str(found[k]) for k in ("2", "start", "middle", "end") if k in found}
        except (KeyError, ValueError, TypeError):
            recipe = "babel"
        samples = [[f"N{i}{{}}" for i in range(n)] for n in range(2, 7)]
        if recipe != "babel" and (not _valid_list(recipe)
                                  or any(_join(recipe, s) != _babel_list(s, language) for s in samples)):
            recipe = "babel"
    _store(f"list:{language}", recipe, path)
    return recipe


def _valid_list(recipe: object) -> bool:
    return (isinstance(recipe, dict) and {"start", "middle", "end"} <= recipe.keys()
            and all(isinstance(v, str) for v in recipe.values()))


def _apply(recipe: dict[str, Any], day: dt.date) -> str:
    out = []
    for kind, value in recipe["tokens"]:
        if kind == "chars":
            out.append(value)
            continue
        char, num = value
        if char == "d":
            out.append(f"{day.day:0{num}d}")
        elif char == "y":
            year = f"{day.year:0{num}d}"
            out.append(year[-2:] if num == 2 else year)
        elif num <= 2:
            out.append(f"{day.month:0{num}d}")
        else:
            out.append(recipe["months"][f"{char}{num}"][day.month - 1])
    return "".join(out)


def _babel_long(day: dt.date, language: str) -> str:
    return str(babel_dates().format_date(day, format="long", locale=babel_locale(language)))


def _make_recipe(language: str) -> dict[str, Any] | str:
    """The recipe for ``language`` from babel's data, checked against babel, and stored."""
    babel_dates()  # first: unpickling the locale's patterns would import babel.dates (and pytz) otherwise
    locale = babel_locale(language)
    path = _path()
    recipe: dict[str, Any] | str
    if locale is None:
        recipe = "iso"
    elif path is None:  # nothing can be kept: checking a recipe would cost more than it saves
        recipe = "babel"
    else:
        recipe = _recipe_from(locale) or "babel"
        if recipe != "babel" and any(_apply(recipe, day) != _babel_long(day, language) for day in _CHECK_DAYS):
            recipe = "babel"
    _store(language, recipe, path)
    return recipe


def _store(key: str, recipe: object, path: Any) -> None:
    recipes = _load()
    recipes[key] = recipe
    if path is not None:
        write_private(path, json.dumps(recipes, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def _recipe_from(locale: Any) -> dict[str, Any] | None:
    tokens = _babel_tokens(locale.date_formats["long"].pattern)
    months: dict[str, list[str]] = {}
    for kind, value in tokens:
        if kind != "field":
            continue
        char, num = value
        if num not in _FIELDS.get(char, ()):
            return None  # an era, a weekday, a narrow month…: babel's own business
        if char in _CONTEXTS and num > 2:
            names = locale.months[_CONTEXTS[char]][_WIDTHS[num]]
            months[f"{char}{num}"] = [str(names[m]) for m in range(1, 13)]
    return {"tokens": [[kind, list(value) if kind == "field" else value] for kind, value in tokens], "months": months}


def _babel_tokens(pattern: str) -> list[tuple[str, Any]]:
    return list(babel_dates().tokenize_pattern(pattern))


def _path() -> Any:
    """The recipes file, named after the installed babel (its package file's size and time), or None."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("babel")
    folder = user_cache_dir("babel")
    if spec is None or not spec.origin or folder is None:
        return None
    try:
        info = os.stat(spec.origin)
    except OSError:
        return None
    return folder / f"cldr-{info.st_size:x}-{info.st_mtime_ns:x}.json"


def _load() -> dict[str, Any]:
    global _recipes
    if _recipes is None:
        _recipes = {}
        path = _path()
        if path is not None:
            try:
                stored = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                stored = None
            if isinstance(stored, dict):
                _recipes = {k: v for k, v in stored.items() if _valid_entry(k, v)}
    return _recipes


def _valid_entry(key: str, value: object) -> bool:
    if key.startswith("og:"):
        return value is None or isinstance(value, str)
    if value in ("iso", "babel"):
        return True
    return _valid_list(value) if key.startswith("list:") else _valid(value)


def _valid(recipe: object) -> bool:
    """A stored recipe has the shape this module writes (a damaged file is simply not used)."""
    if not isinstance(recipe, dict) or not isinstance(recipe.get("tokens"), list):
        return False
    months = recipe.get("months")
    if not isinstance(months, dict):
        return False
    for token in recipe["tokens"]:
        if not (isinstance(token, list) and len(token) == 2):
            return False
        kind, value = token
        if kind == "chars" and isinstance(value, str):
            continue
        if not (kind == "field" and isinstance(value, list) and len(value) == 2):
            return False
        char, num = value
        if num not in _FIELDS.get(char, ()):
            return False
        if char in _CONTEXTS and num > 2:
            names = months.get(f"{char}{num}")
            if not (isinstance(names, list) and len(names) == 12 and all(isinstance(n, str) for n in names)):
                return False
    return True
