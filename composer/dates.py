"""Turn dates as people and news sites write them into ISO 8601.

Pasted pages carry dates in bylines and datelines in whatever style the outlet prefers
("Wed 12 Mar 2025 14.05 GMT", "12.03.2025 14:05 Uhr", "January 29, 2025 9:15 AM GMT+1",
"12 de marzo de 2025"). ``dateutil`` guesses too eagerly for this (it happily turns a stray
number into today's date), so this module recognises a closed set of shapes and month names in
the supported languages and returns ``None`` for anything else: a missing date is better than
a wrong one.

Output: ``2025-03-12`` for a date alone, ``2025-03-12T14:05:00`` for a date and a time without
a zone, ``2025-03-12T14:05:00+00:00`` when the zone is known.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from functools import cache, lru_cache
from typing import Any

from composer import regexcache as rx

__all__ = ["find_date", "parse_date"]


def _fold(text: str) -> str:
    """Lower case without accents, so 'März', 'MARZ' and 'marz' look the same.

    The result has the same length as ``text`` (character by character), so match positions in
    the folded text are positions in the original.
    """
    if text.isascii():
        return text.lower()
    return text.translate(_FOLDED)


class _FoldTable(dict):  # type: ignore[type-arg]
    """Code point -> its folded character, worked out the first time a character is met (a
    line's characters were each decomposed anew, on every line: most of the time spent on dates
    in a German or French paste)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        low = ch.lower()
        base = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
        folded = self[code] = base if len(base) == 1 else (low if len(low) == 1 else ch)
        return folded


_FOLDED = _FoldTable()


# Month names and common abbreviations per language, accent-folded. Abbreviations shared by
# several languages ("mar", "mai", "dez") agree on the month, so one table serves all.
_MONTHS_BY_LANG: dict[str, list[list[str]]] = {
    "en": [
        ["january", "jan"],
        ["february", "feb"],
        ["march", "mar"],
        ["april", "apr"],
        ["may"],
        ["june", "jun"],
        ["july", "jul"],
        ["august", "aug"],
        ["september", "sept", "sep"],
        ["october", "oct"],
        ["november", "nov"],
        ["december", "dec"],
    ],
    "de": [
        ["januar", "jan", "janner", "jaenner"],
        ["februar", "feb", "feber"],
        ["marz", "maerz", "mrz", "mar"],
        ["april", "apr"],
        ["mai"],
        ["juni", "jun"],
        ["juli", "jul"],
        ["august", "aug"],
        ["september", "sep", "sept"],
        ["oktober", "okt"],
        ["november", "nov"],
        ["dezember", "dez"],
    ],
    "fr": [
        ["janvier", "janv", "jan"],
        ["fevrier", "fevr", "fev"],
        ["mars"],
        ["avril", "avr"],
        ["mai"],
        ["juin"],
        ["juillet", "juil"],
        ["aout"],
        ["septembre", "sept"],
        ["octobre", "oct"],
        ["novembre", "nov"],
        ["decembre", "dec"],
    ],
    "es": [
        ["enero", "ene"],
        ["febrero", "feb"],
        ["marzo", "mar"],
        ["abril", "abr"],
        ["mayo", "may"],
        ["junio", "jun"],
        ["julio", "jul"],
        ["agosto", "ago"],
        ["septiembre", "setiembre", "sept", "sep"],
        ["octubre", "oct"],
        ["noviembre", "nov"],
        ["diciembre", "dic"],
    ],
    "it": [
        ["gennaio", "gen"],
        ["febbraio", "feb"],
        ["marzo", "mar"],
        ["aprile", "apr"],
        ["maggio", "mag"],
        ["giugno", "giu"],
        ["luglio", "lug"],
        ["agosto", "ago"],
        ["settembre", "set"],
        ["ottobre", "ott"],
        ["novembre", "nov"],
        ["dicembre", "dic"],
    ],
    "nl": [
        ["januari", "jan"],
        ["februari", "feb"],
        ["maart", "mrt", "mar"],
        ["april", "apr"],
        ["mei"],
        ["juni", "jun"],
        ["juli", "jul"],
        ["augustus", "aug"],
        ["september", "sep", "sept"],
        ["oktober", "okt"],
        ["november", "nov"],
        ["december", "dec"],
    ],
    "pt": [
        ["janeiro", "jan"],
        ["fevereiro", "fev"],
        ["marco", "mar"],
        ["abril", "abr"],
        ["maio", "mai"],
        ["junho", "jun"],
        ["julho", "jul"],
        ["agosto", "ago"],
        ["setembro", "set"],
        ["outubro", "out"],
        ["novembro", "nov"],
        ["dezembro", "dez"],
    ],
}

_MONTHS: dict[str, int] = {}
for _names in _MONTHS_BY_LANG.values():
    for _i, _group in enumerate(_names, start=1):
        for _name in _group:
            _MONTHS.setdefault(_name, _i)

_WEEKDAYS = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonnabend",
    "sonntag",
    "mo",
    "di",
    "mi",
    "do",
    "fr",
    "sa",
    "so",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "lun",
    "mar",
    "mer",
    "jeu",
    "ven",
    "sam",
    "dim",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
    "lunedi",
    "martedi",
    "mercoledi",
    "giovedi",
    "venerdi",
    "sabato",
    "domenica",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    "segunda",
    "terca",
    "quarta",
    "quinta",
    "sexta",
    "feira",
]

# Longest names first so that "sept" wins over "sep" and "march" over "mar".
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH = rf"(?P<mon>{_MONTH_RE})\.?"
_DAY = r"(?P<day>[0-3]?\d)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_ORD = r"(?:st|nd|rd|th|er|eme|e|º|°|o|a)?\.?"
# "12 de marzo de 2025", "12 March, 2025", and nothing after a month's full stop: "21.dez.2018"
_OF = r"(?:\s+(?:de|del|di)\s+|\s*[,\s]\s*|(?<=\.))"

_TIME = (
    r"(?P<hour>[0-2]?\d)\s?(?:[:.h]|\s?uhr\s?)\s?(?P<minute>[0-5]\d)(?:[:.](?P<second>[0-5]\d)(?:\.\d+)?)?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?(?:\s*(?:uhr|h)\b)?"
)
_TIME_AMPM_ONLY = r"(?P<hour2>[01]?\d)\s*(?P<ampm2>[ap])\.?\s?m\b\.?"
_NAMED_ZONES = {
    "gmt": 0,
    "utc": 0,
    "z": 0,
    "ut": 0,
    "wet": 0,
    "bst": 60,
    "ist": 60,
    "cet": 60,
    "mez": 60,
    "west": 60,
    "cest": 120,
    "mesz": 120,
    "eet": 120,
    "eest": 180,
    "msk": 180,
    "est": -300,
    "edt": -240,
    "cst": -360,
    "cdt": -300,
    "mst": -420,
    "mdt": -360,
    "pst": -480,
    "pdt": -420,
    "et": None,
    "pt": None,
}
_ZONE = (
    r"(?P<zone>(?:gmt|utc|ut)\s?(?P<zsign>[+-−])\s?(?P<zh>\d{1,2})(?::?(?P<zm>\d\d))?"
    r"|(?P<osign>[+-−])(?P<oh>\d\d):?(?P<om>\d\d)"
    r"|" + "|".join(sorted(_NAMED_ZONES, key=len, reverse=True)) + r")\b"
)
# What may separate a date from its time: "12 March 2025, 14:05", "12/03/2025 - 14:05",
# "12.03.2025 um 14:05", "le 12 mars 2025 à 14h05", "12 de marzo de 2025 a las 14:05".
# (Spaces, then separators each with the spaces after it: the same strings as "(?:\s*(?:…)?\s*)+",
# which could split one run of spaces between its repeats in every possible way and, behind a
# time that failed to lead to a date, tried them all.)
_SEP = r"\s*(?:(?:[,|/•·@–—-]|\bat\b|\bum\b|\ba\b|\bas\b|\bàs\b|\ba las\b|\balle\b|\bore\b|\bom\b|\bkl\.?)\s*)*"
_TIME_TAIL = rf"(?:{_SEP}(?:{_TIME}|{_TIME_AMPM_ONLY})(?:\s*\(?{_ZONE}\)?)?)?"
_TIME_HEAD = rf"(?:(?:{_TIME}|{_TIME_AMPM_ONLY})(?:\s*\(?{_ZONE}\)?)?{_SEP})"

_ISO = rx.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
    r"(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d)(?:\.\d+)?)?"
    r"\s?(?P<zone>z|(?P<osign>[+-])(?P<oh>\d\d):?(?P<om>\d\d))?)?(?!\d)",
    re.I,
)


@cache
def _shapes() -> list[re.Pattern[str]]:
    """The date shapes, each optionally followed by a time and zone.

    Compiled on first use, not at import: these alternations over month and weekday names in
    seven languages cost more to compile than most runs spend parsing dates.
    """
    day_month_year = rf"(?<![\w.]){_DAY}{_ORD}\s*(?:de\s+)?{_MONTH}{_OF}{_YEAR}"
    month_day_year = rf"(?<![\w]){_MONTH}\s+{_DAY}{_ORD}{_OF}{_YEAR}"
    numeric_dmy = rf"(?<![\w.:/-]){_DAY}(?P<s>[./-])(?P<month>[0-3]?\d)(?P=s){_YEAR}"
    numeric_ymd = rf"(?<![\w.:/-]){_YEAR}(?P<s>[./])(?P<month>[01]?\d)(?P=s){_DAY}"
    # A page that sets the year and the time in adjacent elements copies as "April 25, 20232:26
    # PM": after a named month, digits may run on into the year only as a clock time with am/pm,
    # the one reading in which the split cannot be wrong.
    glued_clock = r"(?=[01]?\d:[0-5]\d\s*[ap]\.?\s?m\b)"
    shapes = []
    for core in (day_month_year, month_day_year):
        shapes.append(rx.compile(rf"{core}(?:(?!\d)|{glued_clock}){_TIME_TAIL}", re.I))
    for core in (numeric_dmy, numeric_ymd):
        shapes.append(rx.compile(rf"{core}(?!\d){_TIME_TAIL}", re.I))
    # Chinese, Japanese and Korean: "2025年1月13日 20時01分", "2025年1月13日（月）20:01", "2025년 1월 13일".
    cjk_time = r"(?:\s*[(（]\w[)）])?(?:\s*(?P<hour>[0-2]?\d)\s*(?:時|时|시|:)\s*(?P<minute>[0-5]\d)(?:\s*(?:分|분))?)?"
    shapes.append(rx.compile(
        rf"{_YEAR}\s*(?:年|년)\s*(?P<month>1[0-2]|0?[1-9])\s*(?:月|월)\s*{_DAY}\s*(?:日|일){cjk_time}"
    ))
    # A time in front: "14:05 GMT, 12 March 2025", "Updated 9.15am, Wed 12 Mar 2025".
    weekday = "(?:(?:" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+)?"
    for core in (day_month_year, month_day_year, numeric_dmy):
        shapes.append(rx.compile(rf"(?<![\d:.]){_TIME_HEAD}{weekday}{core}(?!\d)", re.I))
    return shapes


@cache
def _month_name() -> rx.AnyCase:
    """Any month name: every shape that spells the month needs one somewhere in the line.
    (Written as a trie, it answers in about a microsecond, where the shapes' alternation of
    140 names, searched on its own, took 10 to 60.)"""
    return rx.AnyCase(rx.any_of(_MONTHS))


def _names_month(folded: str) -> bool:
    return _month_name()(folded)


@cache
def _numeric_shapes() -> list[re.Pattern[str]]:
    """The shapes that write the month as a number: all that a line without a month name can
    match. (On "Updated: 14:05 Uhr, 12.03.2025" the shapes with a time and a month name in front
    tried every way of reading the digits as a time, a fifth of a millisecond for nothing.)"""
    return [shape for shape in _shapes() if "(?P<mon>" not in shape.pattern]


@cache
def _no_year() -> list[re.Pattern[str]]:
    """A date without a year ("March 12", "12 March"), only used with a reference year; needs a
    full month name or a dateline context so that "may 5" in running text is not taken for a date."""
    return [
        rx.compile(rf"(?<![\w]){_MONTH}\s+{_DAY}{_ORD}(?![\d\w])", re.I),
        rx.compile(rf"(?<![\w.]){_DAY}{_ORD}\s*(?:de\s+)?{_MONTH}(?![\w])", re.I),
    ]


@cache
def _case_sensitive(shapes: Callable[[], list[re.Pattern[str]]]) -> list[re.Pattern[str]]:
    """``shapes()`` without ``re.I``, for a line that was ASCII: folded, it is all lower case, and
    the shapes spell every word in lower case, so ignoring case only slows the engine down (it
    folds each character it tries; half the time of a date search went to that). Not for other
    lines: ``re.I`` also pairs "ı" with "i" and "ſ" with "s", which the folding leaves alone."""
    return [rx.compile(shape.pattern, shape.flags & ~re.I) for shape in shapes()]


def _zone_minutes(m: re.Match[str]) -> int | None:
    gd = m.groupdict()
    if gd.get("zone") is None:
        return None
    zone = gd["zone"].replace(" ", "")
    if gd.get("zh") is not None:
        sign = -1 if gd["zsign"] in "-−" else 1
        return sign * (int(gd["zh"]) * 60 + int(gd.get("zm") or 0))
    if gd.get("oh") is not None:
        sign = -1 if gd["osign"] in "-−" else 1
        return sign * (int(gd["oh"]) * 60 + int(gd["om"]))
    return _NAMED_ZONES.get(zone)


def _build(m: re.Match[str], *, month_first: bool, year: int | None = None) -> str | None:
    gd = m.groupdict()
    try:
        y = int(gd["year"]) if gd.get("year") else year
        if y is None:
            return None
        day = int(gd["day"])
        if gd.get("mon"):
            month = _MONTHS[gd["mon"].rstrip(".")]
        else:
            month = int(gd["month"])
            if gd.get("s") and gd["s"] != "." and month_first and day <= 12 or month > 12 and day <= 12:
                day, month = month, day
        d = date(y, month, day)
    except (ValueError, KeyError):
        return None
    hour_s = gd.get("hour") or gd.get("hour2")
    if hour_s is None:
        return d.isoformat()
    hour, minute = int(hour_s), int(gd.get("minute") or 0)
    second = int(gd.get("second") or 0)
    ampm = (gd.get("ampm") or gd.get("ampm2") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return d.isoformat()
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23:
        return d.isoformat()
    offset = _zone_minutes(m)
    tz = timezone(timedelta(minutes=offset)) if offset is not None else None
    return datetime(d.year, d.month, d.day, hour, minute, second, tzinfo=tz).isoformat()


def _month_first(language: str | None) -> bool:
    """Numeric dates are day-first everywhere composer targets except US English."""
    return (language or "").lower().replace("_", "-") in ("en-us", "us")



def _earliest(text: str, shapes: Any, best: Any, **build: Any) -> Any:
    """The earliest (then longest) date any of ``shapes`` finds, if it beats ``best``.

    Each shape contributes its first match that is a real date; ties on position go to the
    longer match, so "12 March 2025 14:05" wins over "12 March 2025".
    """
    for shape in shapes:
        for m in shape.finditer(text):
            value = _build(m, **build)
            if value is None:
                continue
            cand = (m.start(), -(m.end() - m.start()), value)
            if best is None or cand[:2] < best[:2]:
                best = cand
            break
    return best


def clear_cache() -> None:
    """Forget the dates already read (benchmarks call this so that a page parsed again is timed
    as a page seen for the first time)."""
    _scan.cache_clear()


@lru_cache(maxsize=2048)
def _scan(text: str, language: str | None, year: int | None = None) -> tuple[str, int, int] | None:
    """The earliest date in ``text`` as (iso, start, end), preferring the longest at a position.

    Cached: the pasted-text reader asks about the same short line several times (is it a date
    line, which day does it name, is it near the byline), and each answer runs seven large
    case-insensitive patterns."""
    cased = text.isascii()  # (then the folded line is all lower case: see _case_sensitive)
    text = _fold(text)
    best: tuple[int, int, str] | None = None
    month_first = _month_first(language)
    iso = _ISO.search(text)
    if iso:
        value = _build(iso, month_first=False)
        if value:
            best = (iso.start(), -(iso.end() - iso.start()), value)
    named = _names_month(text)
    shapes = _shapes if named else _numeric_shapes
    best = _earliest(text, _case_sensitive(shapes) if cased else shapes(), best, month_first=month_first)
    if best is None and year is not None and named:  # (both shapes without a year name the month)
        best = _earliest(text, _case_sensitive(_no_year) if cased else _no_year(), best, month_first=month_first,
                         year=year)
    if best is None:
        return None
    return best[2], best[0], best[0] - best[1]


@cache
def _filler() -> re.Pattern[str]:
    """Words that may stand around a date in a line that is only a date ("Wednesday, le … à")."""
    return rx.compile(
        r"\b(?:" + "|".join(_WEEKDAYS) + r"|uhr|le|el|il|de|del|den|der|am|on|the|of|at|um|a|à|as|às|om|h)\b\.?",
    )


def parse_date(text: str, language: str | None = None) -> str | None:
    """``text`` as an ISO 8601 date or date-time, or ``None`` if it is not (only) a date.

    ``language`` is a hint: ``"en-US"`` reads 03/12/2025 as March 12; everything else is
    day-first, which is what the rest of the world writes. Month names are recognised in all
    supported languages regardless of the hint, because sites mix them.
    """
    if not text or len(text) > 200:
        return None
    found = _scan(text, language)
    if found is None:
        return None
    value, start, end = found
    rest = _fold(text[:start] + " " + text[end:])
    rest = _filler().sub(" ", rest)
    if re.search(r"\w", rest):
        return None
    return value


_HAS_DIGIT = rx.compile(r"\d")


def find_date(line: str, language: str | None = None, *, year: int | None = None) -> str | None:
    """The first date inside a line such as "Published 12 March 2025" or a dateline.

    With ``year`` given, a date without a year ("LONDON, March 12 (Reuters) -") is completed
    with it; without, such dates are ignored because guessing the year is how wrong dates arise.
    """
    if not line or not _HAS_DIGIT.search(line):
        return None
    found = _scan(line[:2000], language, year)
    return found[0] if found else None
