"""Recognise the metadata lines around an article in a paste: bylines, dates, photo credits.

These lines have fixed shapes that differ by outlet and language but not by much ("By …",
"Von …", "Par …"; "Copyright …", "Photograph: …", "Image source, …"; "Published …",
"Last modified on …", "Aktualisiert am …"). Each recogniser is a small function so that the
reader can ask one question per line.
"""

from __future__ import annotations

import re

from composer import regexcache as rx
from composer.dates import find_date
from composer.ingest.paste.lexicon import CJK_CHAR
from composer.ingest.paste.memo import per_paste

# "By Jane Doe", "Von Max Muster", "Par Marie Dupont", "Por …", "Di …", "Door …", "Written by …"
# The label before an author's name in the languages readers paste from: "Text:", "Текст:",
# "Автор:", "Tekst:", "Yazar:", "Av" (Swedish, Norwegian), "Af" (Danish).
AUTHOR_LABEL = (
    r"texto de|testo di|auteur|author|autor(?:in|ka|zy)?(?:/autor(?:in)?)?|autore|redactie|text|texte|texto|testo|tekst|"
    r"текст|автор(?:ы|и)?|yazar|av|af"
)
# The word before a writer's name ("by", "von", "par", …) where a kind, a date or a verb precedes it.
_BY_WORD = r"(?:by|von|par|por|di|door)"
_BY = rx.compile(
    r"^(?:(?:written|reported|words|text|story|posted|report) )?(?:by|von|par|por|di|door|de|" + AUTHOR_LABEL + r")"
    r"\s*:?\s+(?P<names>.+)$",
    re.I,
)
_LEADING_LABEL = rx.compile(r"^(?:" + AUTHOR_LABEL + r")\s*:\s*(?=\S)", re.I)
# A kind of piece before the byline: "Analysis by …", "Kolumne von …", "Ein Kommentar von …".
_KIND_BY = rx.compile(
    r"^(?:an?\s+|ein(?:e)?\s+|une?\s+|uno?\s+|una\s+)?(?:analysis|commentary|opinion|column|review|interview|"
    r"kommentar|kolumne|analyse|gastbeitrag|essay|reportage|chronique|tribune|entretien|análisis|columna|opinión|"
    r"commento|analisi|recensione|opinie|analyse|column|recensie)\s+" + _BY_WORD + r"\s+",
    re.I,
)
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁІЇЄҐ][\w'’.-]*|van|von|de|der|den|da|del|della|di|du|la|le|dos|das|y|bin|al|el|ter)"
_NAME = rx.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}$")
_NAME_SPLIT = rx.compile(r"\s*(?:[,|&]|\b(?:and|und|et|y|e|en|og|och|i|a|ve)\b)\s*")  # (the words behind one \b: 3× faster)
_BYLINE_TAIL = rx.compile(
    r"\s*(?:[|•·–—]|\s-\s|,\s*(?=(?:published|updated|posted)\b)"
    r"|[,;]\s*(?=(?:photos?|fotos?|фото|bild(?:er)?|illustration|video|видео)\s*:)).*$",
    re.I,
)
_ROLE = rx.AnyCase(
    r"\b(?:correspondent|editor|reporter|journalist|writer|columnist|contributor|producer|analyst|"
    r"staff|news|bbc|reuters|associated press|korrespondent(?:in)?|redakteur(?:in)?|autor(?:in)?|"
    r"journaliste|rédact(?:eur|rice)|correspondant(?:e)?|periodista|corresponsal|redactor(?:a)?|giornalista|"
    r"corrispondente|redacteur|verslaggever|correspondent(?:e)?|jornalista|repórter)\b"
)

_UPDATED = rx.compile(
    r"\b(?:updated|last (?:modified|updated)|modified|aktualisiert|geändert|mis à jour|modifié|actualizado|"
    r"actualización|aggiornato|modifica|modificato|bijgewerkt|gewijzigd|aangepast|atualizado|atualização)\b",
    re.I,
)
_DATE_LABEL = rx.compile(
    r"^(?:published|posted|updated|last (?:modified|updated)|modified|first published|date|"
    r"veröffentlicht|aktualisiert|stand|erschienen|publié|mis à jour|modifié|publicado|actualizado|pubblicato|"
    r"aggiornato|gepubliceerd|bijgewerkt|atualizado)\b",
    re.I,
)
_RELATIVE = rx.compile(
    r"^(?:(?:updated|published|posted|aktualisiert|mis à jour|actualizado)\s+)?(?:\d+|an?|one)\s+(?:sec|second|min|minute|hour|hr|day|week|month)s?\s+ago$|^vor (?:\d+|einer?) (?:minuten?|min\.?|stunden?|std\.?|tag(?:en)?)$",
    re.I,
)
# A day of the month without its year, as a card prints it under a name: "Alessio Palumbo • Nov 18".
_MONTH_DAY = rx.compile(
    r"^(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}|\d{1,2}\.? "
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?)$",
    re.I,
)
# A weekday or "today" with a time and no date: "Monday 6:30PM", "Heute, 14:05 Uhr", "Hoy 09:10".
_DAY_TIME = rx.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|yesterday|heute|gestern|aujourd'hui|hier|hoy|ayer|"
    r"oggi|ieri|vandaag|gisteren|hoje|ontem)\b,?\s*(?:at |um |à |a las |alle |om |às )?\d{1,2}[:.h]\d{2}\s*(?:[ap]\.?m\.?|uhr|h)?"
    r"(?:\s+[a-z]{2,4})?$",
    re.I,
)
_READ_TIME = rx.compile(
    r"^(?:(?:lecture|reading time|read time|lesezeit|lesedauer|lectura|tiempo de lectura|lettura|leestijd|leitura)\s*:?\s*)?\d+\s*(?:min(?:ute)?s?|minuten|minutes?|minutos|minuti)\.?\s*(?:read|lesezeit|de lecture|de lectura|di lettura|leestijd|de leitura)?$",
    re.I,
)
# A card's date and reading time on one line ("Oct 6 4 mins read"): the reading time at the end,
# whatever precedes it (``_READ_TIME`` above is a line that is only a reading time).
_TRAILING_READ_TIME = rx.compile(r"\b\d+\s*min(?:ute)?s?\.? read$", re.I)
_PLACEHOLDER_DATE = rx.compile(
    r"^(?:published|updated|posted)(?:\s+on)?(?:\s+(?:published|updated|posted)(?:\s+on)?)*\s*:?$", re.I
)

# Photo credits: "Copyright AP Photo/…", "© Reuters", "Photograph: Name/Agency", "Image source, Getty".
_CREDIT_START = rx.compile(
    r"^(?:copyright|©|\(c\)|(?:photo|image|picture) credits?|photo(?:graph)?s?|image(?: source)?|picture|foto(?:s)?|bild(?:quelle)?|crédit(?:s)?(?: photo)?|"
    r"credit(?:s)?|quelle|source|imagen|immagine|fotografia|afbeelding)\s*[:,.…]*\s*(?P<credit>.+)$",
    re.I,
)
_CREDIT_GLUED = rx.compile(
    r"\s*(?:(?:copyright|©)\s*(?P<a>.+)|(?:(?:photo|image|picture) credits?|photograph|photo|foto|bild(?:quelle)?|image|credit|crédit|imagen)\s*:\s*(?P<b>.+))$",
    re.I,
)
_CREDIT_WORDS = rx.AnyCase(
    r"\b(?:getty images|getty(?=\s*(?:$|[/|,]))|afp|ap photo|reuters|epa|dpa|shutterstock|alamy|pa (?:media|wire)|imago|picture[- ]alliance|"
    r"keystone|anadolu|sipa|xinhua|efe|ansa|anp|lusa|bloomberg)\b"
)
_CAPTION_LABEL = rx.compile(
    # the BBC's two-word labels also without a comma, or glued on: "Media caption Mr Obama told …"
    r"^(?:(?:image|media) caption\s*[,:]?|(?:caption|bildunterschrift|légende|above|pictured|top photo|main photo|"
    r"header image|im bild)\s*[,:])\s*(?P<caption>\S.*)$",
    re.I,
)

# Wire datelines: "LONDON, March 12 (Reuters) -", "BERLIN, 12. März (dpa) –", "PARIS (AFP) -".
_AGENCIES = r"Reuters|AP|AFP|dpa|DPA|Bloomberg|ANSA|EFE|ANP|Lusa|UPI|PA|Xinhua|KNA|APA|SDA|Belga"
WIRE_DATELINE = rx.compile(
    rf"^(?P<place>[A-ZÀ-Ý][A-ZÀ-Ý .'’/-]{{1,40}}(?:,\s*[A-Z][\w .]{{1,20}})?),?\s+"
    rf"(?P<date>[^()]{{0,30}}?)\s*\((?P<agency>{_AGENCIES})(?:/\w+)?\)\s*[-–—]",
)


_POSTED_BY = rx.compile(
    r"^(?:posted|published|written|updated|veröffentlicht|publié|publicado|pubblicato)\b.{0,60}?\b" + _BY_WORD
    + r"\s+(?P<names>.+)$",
    re.I,
)
# The same, with the name left to the next line where it is a link: "By", "Written on Mar 17 by",
# "Geschrieben von" (not "Photo by" or "Powered by": a credit, a logo).
_BY_AT_END = rx.compile(
    r"^(?:(?:written|posted|published|reported|words|story|text|geschrieben|verfasst|écrit|escrito|scritto)\b"
    r".{0,40}\s)?" + _BY_WORD + r"\s*:?$",
    re.I,
)
# A relative time after a name: "James Akinaka • 8h", "Jane Doe | 2 hours ago".
_AGO = rx.compile(
    r"^(?:\d{1,2}\s?(?:s|m|min|mins|h|hr|hrs|d|w|wk|mo|y)|(?:\d+|an?|one)\s+(?:sec|second|min|minute|hour|hr|day|week|"
    r"month|year)s?\s+ago|yesterday|just now)$",
    re.I,
)
_PAREN_ROLE = rx.compile(r"\s*\(([^()]{2,30})\)$")
_IMAGE_ROLE = rx.compile(r"photo|foto|picture|image|video|illustrat|graphic|grafik|design|art\b|cartoon", re.I)
# "Jane Doe | 5 November 2024", "Zimbili Vilakazi|Published 15 hours ago" (a bar or dot needs no
# spaces around it; a dash does, since names have hyphens)
_NAME_THEN_DATE = rx.compile(r"^(?P<names>[^|•·–—-]{3,60}?)(?:\s+[|•·–—-]\s+|\s*[|•·]\s*)(?P<rest>.*\d.*)$")


_DATE_THEN_BY = rx.compile(r"^(?P<pre>.{4,60}?)\s" + _BY_WORD + r"\s+(?P<names>\S.+)$", re.I)
_SEGMENTS = rx.compile(r"\s+[|•·]\s+")
_MONTH_WORD = rx.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai|juni|juli|okt|dez|"
    r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|"
    r"mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|"
    r"luglio|settembre|ottobre|dicembre|(?:january|february|march|april|june|july|august|september|october|"
    r"november|december))\.?,?$",
    re.I,
)
_WITH = rx.compile(r"\s*\((?:avec|with|mit|con|com|met)\s+(?P<others>[^()]+)\)\s*$", re.I)
_OPEN_WITH = rx.compile(r"\s*\((?:avec|with|mit|con|com|met)\s+(?P<others>[^()]+)$", re.I)
_DOMAIN = rx.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.I)


# A digit that starts a word, or follows a name's last letter ("Lucas Nolan22 Dec 2016").
_DIGIT_STARTS_WORD = rx.compile(r"(?:^|\s|(?<=[a-zà-ÿ]))\d")


def cut_at_date(names: str) -> str:
    """"Laura June Topolsky July 10, 2015" → "Laura June Topolsky"; "Lance Ulanoff published 19 May" → "Lance Ulanoff";
    "Lucas Nolan22 Dec 2016" (the date set right after the name) → "Lucas Nolan"."""
    m = _DIGIT_STARTS_WORD.search(names)
    if not m:
        return names
    words = names[: m.start()].split()
    while words and (
        _MONTH_WORD.match(words[-1])
        or words[-1][:1].islower()
        or not words[-1][:1].isalpha()
        or _DATE_LABEL_WORD.match(words[-1])
        or words[-1] in ("ON", "AT")
    ):
        words.pop()
    return " ".join(words).strip(" ,;:|")


# The label of the date that follows a name, capitalised: "By Umair Irfan Updated Nov 13, 2019",
# "KASHMIRA GANDER ON 3/19/19". (Lower case ones are dropped as lower case.)
_DATE_LABEL_WORD = rx.compile(
    r"^(?:updated|published|posted|modified|aktualisiert|veröffentlicht|publié|modifié|publicado|actualizado|"
    r"atualizado|pubblicato|aggiornato|gepubliceerd|bijgewerkt)$",
    re.I,
)


# Chinese, Japanese and Korean bylines name the role around the name instead of "By": "记者 王小明",
# "文／王小明", "作者：王小明", "大渡美咲 記者", "홍길동 기자". A name is two to four Han characters
# (one space allowed between family and given name) or two to four Hangul syllables.
_HAN_NAME = r"[\u4e00-\u9fff]{1,2}\s?[\u4e00-\u9fff]{1,3}"
_CJK_BYLINE = rx.compile(
    r"^(?:(?:记者|記者|作者|编辑|編集|文|撰文|取材|筆者)\s*[:：/／|]?\s*(?P<a>" + _HAN_NAME + r")"
    r"|(?P<b>" + _HAN_NAME + r")\s*(?:记者|記者|编辑|特派員|特派记者|論説委員|編集委員)"
    r"|(?P<c>[\uac00-\ud7a3]{2,4})\s*(?:기자|특파원|논설위원))$"
)
# A Japanese name printed alone, family and given name apart: "大渡 美咲".
_HAN_NAME_SPACED = rx.compile(r"^[\u4e00-\u9fff]{1,3} [\u3040-\u30ff\u4e00-\u9fff]{1,3}$")


def cjk_name_line(line: str) -> bool:
    """A Chinese, Japanese or Korean byline or name line (these have no capitals to go by)."""
    text = line.strip()
    return not text.isascii() and bool(_CJK_BYLINE.match(text) or _HAN_NAME_SPACED.match(text))


# A theme's ornament before the byline: "// By Arun Sai Krishnan • Nov 11, 2020", "» by …".
_ORNAMENT = rx.compile(r"^(?:/{1,3}|[•·|>»~*]{1,3})\s+")


@per_paste(list)
def byline_names(line: str) -> list[str] | None:
    """The author names of a byline ("By Jane Doe and John Roe | Updated …"), else None.

    A line of fields ("Do 25.04.24 | 14:07 Uhr | Von Eva Kirchner-Rätsch") is read field by field.
    """
    line = _ORNAMENT.sub("", line.strip())
    cjk = _CJK_BYLINE.match(line) if not line.isascii() else None
    if cjk:
        return [cjk.group("a") or cjk.group("b") or cjk.group("c")]
    if "@" in line:
        line = _GLUED_HANDLE.sub("", line)  # "By Chaim Gartenberg@cgartenberg Nov 19, 2019"
    if _SEGMENTS.search(line):
        for segment in _SEGMENTS.split(line):
            if _BY.match(segment) or _POSTED_BY.match(segment):
                found = _byline(segment)
                if found:
                    return found
    return _byline(line) or _date_then_name(line)


_FOUR_DIGITS = rx.compile(r"\d{4}")
# A writer's handle glued to the name: "Chaim Gartenberg@cgartenberg".
_GLUED_HANDLE = rx.compile(r"(?<=[^\W\d_])@\w+")
# What may sit between a date and the name after it: the time's half of the day and its zone.
_TIME_TAIL = rx.compile(r"^(?:am|pm|a\.m\.|p\.m\.|uhr|h|z|utc|gmt|[ecmp][sd]t|ist|cet|cest|bst|aest|jst|kst)$", re.I)
_LAST_DIGIT = rx.compile(r"\d(?!.*\d)")


def _date_then_name(line: str) -> list[str] | None:
    """A date, then the name with nothing between: "November 20, 2019 Emiliano Bellini"."""
    last = _LAST_DIGIT.search(line) if len(line) <= 80 else None
    if last is None or last.end() == len(line) or line[last.end()] not in " ,":
        return None  # (a word glued to the date, "2025-01-24Buy Now", is a button's)
    words = line[last.end() :].strip(" ,").split(",")[0].split()  # "…, MS, RDN": the name's letters
    while words and _TIME_TAIL.match(words[0]):
        words.pop(0)
    name = " ".join(words)
    if not is_person_name(name) or not is_date_line(line[: last.end()]):
        return None
    return [name]
_IN_PLACE = rx.compile(r"\s+(?:in|aus|en|em|à)\s+[A-Z][\w-]+$")
# Every byline shape below has a "by"-word, or a separator before something with a digit.
_BY_HINT_WORD = rx.AnyCase(r"\b(?:by|von|par|por|di|door|de|" + AUTHOR_LABEL + r")\b")
_SEPARATOR = rx.compile(r"[|•·–—-]")
_DIGIT = rx.compile(r"\d")


def _separator_then_digit(line: str) -> bool:
    """A separator with a digit after it on the line: what "[|•·–—-].*\\d" asks, without trying
    every separator of a long hyphenated run against the rest of the line (quadratic time)."""
    sep = _SEPARATOR.search(line)
    if sep is None:
        return False
    if "\n" in line:  # ("." stops at a line break: only the digits up to it count)
        return any(_separator_then_digit(part) for part in line.split("\n"))
    return _DIGIT.search(line, sep.end()) is not None


def byline_hint(line: str) -> bool:
    """Whether ``line`` has what every byline shape needs (a "by"-word, or a separator and a digit)."""
    return _BY_HINT_WORD(line) or _separator_then_digit(line)


def _byline(line: str) -> list[str] | None:
    if not byline_hint(line):
        return None
    kind = _KIND_BY.match(line)
    if kind:  # "Kolumne von Carla Siepmann": the names follow the kind of piece
        line = "By " + line[kind.end() :]
    m = _BY.match(line) or _POSTED_BY.match(line)
    if not m:
        m = _DATE_THEN_BY.match(line)
        if m and not (any(c.isdigit() for c in m.group("pre")) and find_date(m.group("pre"))):
            m = None
    if not m:
        m = _NAME_THEN_DATE.match(line)
        rest = m.group("rest").strip() if m else ""
        if not m or not is_person_name(m.group("names")) or not (
            find_date(rest) or _AGO.match(rest) or _RELATIVE.match(rest) or _MONTH_DAY.match(rest)
        ):
            return None
    names = _KIND_BY.sub("", _BYLINE_TAIL.sub("", m.group("names")).strip(" ,;:"), count=1)
    names = _BY_AGAIN.sub("", names)  # "By Analysis by …": the kind of piece came after "By"
    names = cut_at_date(names)
    names = _WITH.sub(lambda w: ", " + w.group("others"), names)  # "Jane Doe (avec John Roe)"
    names = re.sub(r"\s+(?:in|aus|en|em|a|à)\s+[A-Z][\w-]+$", "", names)  # "By Jane Doe in Berlin"
    parts = [p.strip(" .") for p in _NAME_SPLIT.split(names) if p.strip(" .")]
    # "Eleanor Ainge Roy (reporting) and Adrian Malloch (photography)": each name's part in the
    # piece; the writers are the authors, the photographer is the image's credit.
    roled = [(p, _PAREN_ROLE.search(p)) for p in parts]
    if any(r for _p, r in roled):
        parts = [p[: r.start()].strip() if r else p for p, r in roled if not (r and _IMAGE_ROLE.search(r.group(1)))]
    good = []
    rest_are_roles = False
    for n, part in enumerate(parts):
        if part.lower() in _AGENCY_NAMES and good:
            good.append(part)  # "Von Felix Schröder und Jörg Soldwisch, dpa"
            continue
        if not (_NAME.match(part) or part.isupper()) or (good and _ROLE(part)):
            rest_are_roles = all(_ROLE(p) or _AFFILIATION.search(p) for p in parts[n:])
            break  # "Ana Souza, g1 SP", "Jane Doe, BBC News": the outlet follows the names
        good.append(part)
    if not good or (len(good) < len(parts) and "," not in names and not rest_are_roles):
        return None
    if all(name.lower() in _AD_NETWORKS for name in good):
        return None  # "Promoted Links by Taboola": the widget's vendor, not an author
    return good


_AD_NETWORKS = frozenset({"taboola", "outbrain", "revcontent", "zergnet", "plista", "ligatus", "mgid", "nativo"})
_BY_AGAIN = rx.compile(r"^(?:\w+\s+)?(?:by|von|par)\s+", re.I)
_AFFILIATION = rx.compile(r"(?:studio|redaktion|büro|bureau|desk|newsroom|hauptstadt|zentrale|agentur)\b", re.I)
_GLUED_TAIL = rx.compile(
    r"(?<=[a-zà-ÿ.])(?:[A-Z][\w-]*(?:\s+[\w-]+){0,3})$"
)
# An outlet's name glued on, which starts with its capitals: "Jonathan GarberFOXBusiness". (A name
# has one capital after a lower-case letter, "LaMotte", or is in capitals throughout, "McDONALD".)
_OUTLET_START = rx.compile(r"[A-Z]{2,}[a-z]")
_TRAILING_WIDGET = rx.compile(r"\s*(?:follow|twitter|e-?mail|folgen|suivre|seguir)(?:\s+\w+)?$", re.I)
_WIDGET_WORD = rx.AnyCase(r"follow|twitter|e-?mail|folgen|suivre|seguir")  # (what the pattern needs, found first)
_AGENCY_NAMES = frozenset(
    {"ap", "afp", "dpa", "reuters", "epd", "kna", "sid", "anp", "efe", "ansa", "lusa", "apa", "sda", "belga", "upi",
     "xinhua", "tt", "ntb", "ritzau", "ctk", "pap"}
)


def clean_names(names: list[str]) -> list[str]:
    """Author names without what pages glue to them: roles, affiliations, places, widgets.

    "Michael HiltzikBusiness Columnist" → "Michael Hiltzik"; "Sarah LazareTwitter" → "Sarah
    Lazare"; "Katrin Müller" + "ARD-Hauptstadtstudio" → "Katrin Müller"; "Johannes Ritter" +
    "Zürich" → "Johannes Ritter". A lone name that is all there is ("BBC News") is kept.
    """
    out: list[str] = []
    expanded: list[str] = []
    for name in names:
        name = _BY_AGAIN.sub("", _KIND_BY.sub("", name.strip(), count=1))  # "By Analysis by …"
        name = _LEADING_LABEL.sub("", name)  # "Текст: Иван Петров"
        with_others = _WITH.search(name) or _OPEN_WITH.search(name)
        if with_others:  # "Martin Untersinger (avec Damien Leloup" + "Morgane Tual)"
            expanded.append(name[: with_others.start()])
            expanded += [p for p in _NAME_SPLIT.split(with_others.group("others")) if p.strip()]
        else:
            expanded.append(name)
    for name in expanded:
        name = _TRAILING_WIDGET.sub("", name.strip(" ,;:|()"))
        glued = _GLUED_TAIL.search(name)
        if glued and (
            _ROLE(glued.group(0))
            or _TRAILING_WIDGET.fullmatch(glued.group(0))
            or _OUTLET_START.match(glued.group(0))
        ):
            name = name[: glued.start()]
        name = _IN_PLACE.sub("", name).strip(" ,;:|")
        words = name.split()
        for k in range(2, len(words)):  # "Ben Silverman Games Editor": the role after the name
            if len(words) - k <= 4 and is_person_name(" ".join(words[:k])) and _ROLE(" ".join(words[k:])):
                name = " ".join(words[:k])
                break
        head, comma, tail = name.rpartition(",")
        if comma and is_person_name(head.strip()) and (_AFFILIATION.search(tail) or _ROLE(tail)):
            name = head.strip()  # "Katrin Müller, ARD-Hauptstadtstudio", "Jane Doe, Staff Writer"
        if name:
            out.append(name)
    if len(out) > 1:
        people = [n for n in out if len(n.split()) >= 2 and not _ROLE(n) and not _AFFILIATION.search(n)]
        if people:
            out = [n for n in out if n in people or n.lower() in _AGENCY_NAMES]
    return out


# An organisation credited where the byline goes: a news agency (by its short name, "dpa", "AFP",
# or a full name with an agency word, "Associated Press", "Anadolu Ajansı") or a site's domain
# ("tagesschau.de"). Readers and CMSs take such a credit as the article's author.
_AGENCY_FULL = rx.compile(
    r"^(?:the )?(?:associated press|press association|agence france[- ]presse|deutsche presse[- ]agentur|"
    r"[A-ZÀ-Ý][\w'’.-]*(?: [A-ZÀ-Ý][\w'’.-]*){0,3} (?:news agency|press agency|nachrichtenagentur|presse-agentur|"
    r"ajansı|haber ajansı)|(?:agence|agencia|agência|agenzia) [A-ZÀ-Ý][\w'’.-]*(?: [\w'’.-]+){0,3})$",
    re.I,
)
# What any organisation credit holds: an agency's short name, an agency word or a domain's dot
# (one search, so that the lines that are none of these cost little).
_ORG_HINT = rx.AnyCase(
    r"\b(?:" + "|".join(sorted(_AGENCY_NAMES)) + r")\b|press|ajans|ag[eê]n[cz]|\w\.[a-z]{2,}\b"
)
_ORG_LABEL = rx.compile(r"^(?:by|von|par|por|di|door|av|af)\s*:?\s+(?=\S)", re.I)
_ORG_SPLIT = rx.compile(r"\s*(?:/|,|&|\band\b|\bund\b|\bet\b|\by\b|\bmit\b|\bwith\b|\bavec\b)\s*", re.I)
_ORG_PLACE = rx.compile(r"^(?P<org>.+?)\s*,\s*(?P<place>[A-ZÀ-Ý][\w'’.-]*(?:[ -][A-ZÀ-Ý][\w'’.-]*){0,2})$")
_ORG_SECTION = rx.compile(r"^(?P<section>[A-ZÀ-Ý][\w&]*(?: [\w&]+)?)\s+[-–—|]\s+(?P<org>.+)$")


def is_organisation(name: str) -> bool:
    """A news agency ("dpa", "Associated Press", "Anadolu Ajansı") or a site's domain ("tagesschau.de")."""
    name = name.strip()
    # A short agency name is written as the agency writes it ("dpa", "AFP", "Reuters"), not "Ap".
    agency = name.lower() in _AGENCY_NAMES and (name.islower() or name.isupper() or len(name) > 3)
    return agency or bool(_AGENCY_FULL.match(name)) or (
        bool(_DOMAIN.match(name)) and not name[:1].isdigit() and "." in name
    )


@per_paste(lambda found: (list(found[0]), found[1]))
def org_credit(line: str) -> tuple[list[str], bool] | None:
    """An organisation credited in the byline's shape, and whether a label word said so.

    "Von dpa", "By AFP", "Par AFP", "Von tagesschau.de" (labelled); "Reuters", "dpa/AFP",
    "AFP, MANILA" (an agency and its dateline place: the place is not an author), "Haberler -
    Anadolu Ajansı" (a section before the agency). Only agencies and domains count: a section,
    a menu entry or "Share on Facebook" is not an organisation. An unlabelled credit says little
    on its own (a lone "AFP" is also a photo credit), so the caller asks for byline position.
    """
    text = line.strip().rstrip(".")
    if not text or len(text) > 80 or not _ORG_HINT(text):
        return None
    label = _ORG_LABEL.match(text)
    if label:
        text = text[label.end() :]
    for attempt in (text, *(m.group("org") for m in (_ORG_SECTION.match(text),) if m and not label)):
        place = _ORG_PLACE.match(attempt)
        body = place.group("org") if place and not is_organisation(place.group("place")) else attempt
        parts = [p for p in _ORG_SPLIT.split(body) if p]
        if parts and len(parts) <= 4 and all(is_organisation(p) for p in parts):
            return parts, bool(label)
    return None


# Words of a publication's name that are never a person's ("Tech Insider", "The Daily Herald") …
_MASTHEAD_WORDS = frozenset({"insider", "times", "journal", "herald", "tribune", "gazette", "daily", "weekly"})
# … and all the words that mark one after a writer's name: "Business Insider", "Florida Today".
_PUBLICATION_WORDS = _MASTHEAD_WORDS | {
    "news", "post", "press", "magazine", "today", "chronicle", "telegraph", "guardian", "observer", "express",
    "courier", "inquirer", "examiner", "dispatch", "bulletin", "monitor", "zeitung", "nachrichten", "allgemeine",
    "rundschau",
}


def _publication(part: str) -> bool:
    """A publication's name after the writer's: a few capitalised words, one of them a publication word."""
    words = part.split()
    return (
        1 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and any(w.lower() in _PUBLICATION_WORDS for w in words)
        and not is_person_name(part)  # "John Post" is a second writer
    )


@per_paste(list)
def bare_names(line: str) -> list[str] | None:
    """A line that is only names: "Jane Doe", "Jane Doe and John Roe", "Michael HiltzikBusiness Columnist",
    "Alex Perry 1 day ago", "AFP"."""
    text = line.strip()
    if _HAN_NAME_SPACED.match(text):
        return [text]
    words = text.split()
    if not words or len(words) > 12 or not (words[0][:1].isupper() or text.lower() in _AGENCY_NAMES):
        return None  # names start with a capital; a dozen words are a sentence
    if _WIDGET_WORD(text):
        text = _TRAILING_WIDGET.sub("", text)
    glued = _GLUED_TAIL.search(text)
    if glued and _ROLE(glued.group(0)):
        text = text[: glued.start()]
    cut = cut_at_date(text)
    if cut != text and cut and (find_date(text[len(cut) :]) or re.match(r"^\s*\d+\s+\w+(?:\s+ago)?$", text[len(cut) :])):
        text = cut
    text = _WITH.sub(lambda w: ", " + w.group("others"), text)  # "Jane Doe (avec John Roe)"
    text = _IN_PLACE.sub("", text)  # "Jon Halvorsen in Copenhagen"
    if text.lower() in _AGENCY_NAMES or is_person_name(text):
        return [text]
    parts = [p.strip(" .") for p in _NAME_SPLIT.split(text) if p.strip(" .")]
    while len(parts) > 1 and (_ROLE(parts[-1]) or _publication(parts[-1])):
        parts.pop()  # "Steve Peoples, AP National Political Writer", "Charlie Wood, Business Insider"
    if len(parts) == 1 and is_person_name(parts[0]):
        return parts
    if 2 <= len(parts) <= 6 and all(is_person_name(p) or p.lower() in _AGENCY_NAMES for p in parts):
        return parts
    return None


def agency_byline(line: str) -> bool:
    """Writers and their agency on one line ("Ulrich Steinkohl und Carsten Hoffmann, dpa"), as a
    card in a list of other stories prints them: a name and an agency, not a headline."""
    names = bare_names(line)
    return bool(names) and len(names) >= 2 and names[-1].lower() in _AGENCY_NAMES and any(
        is_person_name(name) for name in names[:-1]
    )


_NOT_NAMES = {
    "news", "breaking", "live", "latest", "update", "updates", "opinion", "analysis", "video", "videos",
    "photos", "exclusive", "review", "reviews", "world", "business", "sport", "sports", "politics", "home",
    "top", "stories", "more", "menu", "the",
    # Page furniture that looks like a name when capitalised: "Older Article", "Current Issue", "Hot Topics".
    "article", "articles", "issue", "issues", "topics", "topic", "hot", "older", "newer", "previous", "next",
    "current", "search", "login", "subscribe", "newsletter", "podcast", "podcasts", "shop", "games", "weather",
    "sign", "log", "account", "contact", "about", "privacy", "terms", "help", "edition", "magazine", "archive",
    "sections", "section", "trending", "popular", "recommended", "related", "comments", "share", "follow",
    "startseite", "nachrichten", "aktuell", "mehr", "themen", "suche", "anmelden", "abo", "abonnement",
    "accueil", "actualités", "inicio", "noticias", "notizie", "nieuws", "notícias", "güncelleme",
    "premium", "plus", "pro", "app", "apps", "tv", "radio", "audio",
    # A row of share buttons ("Whatsapp Facebook Pint Baixar"): networks are never name words.
    "whatsapp", "facebook", "twitter", "pinterest", "pint", "linkedin", "instagram", "telegram", "reddit",
    "youtube", "tiktok", "threads", "bluesky", "mastodon", "flipboard", "pocket", "tumblr", "email", "e-mail",
    # A date's label before its date ("Last Updated : Nov 20, 2019")
    "updated", "published", "posted", "modified",
    # A competition or a trade named like a person when capitalised ("Premier League", "Tech Industry")
    "league", "industry",
    # Function words of a Title Case headline ("On Recent Controversial Events", "Why Cities Fail");
    # not the particles names do carry ("van", "de", "bin"), nor short words that are also names
    # ("To Lam", "An Nguyen", "Will Smith").
    "on", "of", "for", "with", "from", "into", "over", "under", "after", "before", "how", "why", "what",
    "when", "where", "is", "are", "was", "were", "has", "have", "our", "your", "my", "its", "this", "that",
} | _MASTHEAD_WORDS  # fmt: skip  (a publication's name over its writer's: "Tech Insider")


@per_paste()
def is_person_name(line: str) -> bool:
    """A line that is only a person's name (2–4 capitalised words)."""
    words = line.split()
    return (
        2 <= len(words) <= 4
        and bool(_NAME.match(line))
        and words[-1][:1].isupper()
        and not any(ch.isdigit() for ch in line)
        and not any(w.lower() in _NOT_NAMES for w in words)
        and line.strip().lower() not in _PLACES
    )


# Places whose names look like a person's (two or three capitalised words): a dateline over the
# text ("São Paulo") or a place line under a byline is not a writer. Whole names only: "Paulo",
# "Santa" or "York" alone are also people's names.
_PLACE_LIST = """
    new york, los angeles, san francisco, san diego, san antonio, san jose, san josé, san juan, santa fe,
    santa monica, santa clara, palo alto, las vegas, new orleans, salt lake city, kansas city, oklahoma city,
    jersey city, panama city, mexico city, guatemala city, quebec city, gaza city, ho chi minh city,
    baton rouge, el paso, fort worth, long beach, st. louis, saint louis, washington d.c., washington dc,
    são paulo, sao paulo, rio de janeiro, belo horizonte, porto alegre, buenos aires, la paz, santo domingo,
    hong kong, new delhi, tel aviv, abu dhabi, kuala lumpur, phnom penh, cape town, addis ababa, dar es salaam,
    st. petersburg, saint petersburg, sankt petersburg, frankfurt am main, den haag, costa rica, puerto rico,
    el salvador, new zealand, south africa, south korea, north korea, saudi arabia, united states,
    united kingdom, great britain, sri lanka, sierra leone, burkina faso, czech republic, dominican republic,
    new jersey, new mexico, new hampshire, north carolina, south carolina, north dakota, south dakota,
    west virginia, rhode island, silicon valley, wall street, capitol hill, downing street, white house
    """
_PLACES = frozenset(" ".join(place.split()) for place in _PLACE_LIST.split(","))


def writer_follows(line: str) -> bool:
    """Whether ``line`` ends where its writer's name should follow, on the next line."""
    return bool(_BY_AT_END.match(line))


@per_paste()
def is_role(line: str) -> bool:
    """A byline role under a name ("Political correspondent", "BBC News")."""
    return len(line.split()) <= 8 and _ROLE(line)


def dates_of(line: str, year: int | None = None) -> tuple[str | None, str | None]:
    """(published, updated) from a date line; the update is the date after an update label.

    Handles "Updated 10:02 AM GMT+1, January 29, 2025", "Publié le 12 mars 2025 à 14h05, modifié
    le 12 mars 2025 à 16h30" and "12/03/2025 14h05 Atualizado 12/03/2025 16h20".
    """
    if len(line) > 140:
        return None, None
    label = _UPDATED.search(line)
    if not label:
        return find_date(line, year=year), None
    return find_date(line[: label.start()], year=year), find_date(line[label.start() :], year=year)


def is_date_label(line: str) -> bool:
    """Whether ``line`` opens with a publishing label ("Published", "Stand", "Mis à jour")."""
    return bool(_DATE_LABEL.match(line))


@per_paste()
def is_date_line(line: str) -> bool:
    """A line that is a date or timestamp and nothing much else."""
    if _RELATIVE.match(line) or _PLACEHOLDER_DATE.match(line) or _READ_TIME.match(line) or _DAY_TIME.match(line):
        return True
    if len(line) > 100 or line[:1] in "—–-" or not _FOUR_DIGITS.search(line) or not find_date(line):
        return False  # composer.dates reads only dates with a four-digit year
    label = _UPDATED.search(line)
    if label and label.start() > 0 and find_date(line[: label.start()]):
        line = line[: label.start()]  # "Thu 3 Jan 2019 02.00 EST Last modified on Wed 16 Jan …": two dates
    rest = re.sub(r"\d+|[^\w\s]", " ", line)
    words = [w for w in rest.split() if len(w) > 2]
    return bool(_DATE_LABEL.match(line)) or len(words) <= 6


def ends_in_read_time(line: str) -> bool:
    """A line that ends in a reading time ("Oct 6 4 mins read", "12 min read")."""
    return _TRAILING_READ_TIME.search(line) is not None


def is_timestamp(line: str) -> bool:
    """A date line that dates something ("19 November 2019", "2 hours ago"), not a reading time ("1 Min")."""
    return not _READ_TIME.match(line) and is_date_line(line)


# Words that start a credit only when followed by ":" or "," ("Photo: …", "Image source, …"), since
# "Photo of the day" or "Source of the leak" start ordinary lines.
_LABEL_ONLY = frozenset(
    {"image", "source", "picture", "photo", "foto", "bild", "quelle", "imagen", "immagine", "afbeelding", "fotografia"}
)
_LABELLED = rx.compile(r"^\w+(?: source| credits?)?\s*[:,]", re.I)
# "Image copyright Getty Images" (the BBC's credit line over each photo): a label, then the credit.
_LABEL_COPYRIGHT = rx.compile(
    r"^(?:image|photo|picture|media|bild|foto)\s+(?:copyright|©)\s*:?\s*(?P<credit>\S.*)$", re.I
)


# "Photo by Joan Bardeletti", "Photo illustration by Slate", "Images by Getty Images and US Presswire".
_BY_CREDIT = rx.compile(
    r"^(?:photo(?:graph)?s?|images?|pictures?|illustrations?|photo illustration|graphics?|artwork|video)\s+"
    r"(?:by|courtesy(?: of)?)\s+(?P<credit>[^\s].{1,80})$",
    re.I,
)


@per_paste()
def credit_of(line: str) -> str | None:
    """The credit in a credit line ("Copyright AP Photo/…", "Photograph: …", "Photo by …", and
    any of these in brackets: "(Foto: Pool via REUTERS)"), else None."""
    if line[:1] in "([" and line[-1:] in ")]":
        inside = line[1:-1].strip()
        credit = _credit_line(inside)
        if credit:
            return credit
        if _NAME_SLASH_AGENCY.match(inside):
            return inside  # "(Robert F. Bukaty / AP)": a photographer and an agency, in brackets under a photo
    return _credit_line(line)


# The agencies a photo is credited to, as they write their names ("AP", "dpa", "picture alliance").
_PHOTO_AGENCY = r"(?:AP|AFP|Reuters|Getty Images|EPA|dpa|Bloomberg|Shutterstock|imago|picture alliance)"
_NAME_SLASH_AGENCY = rx.compile(r"^[A-Z][\w.'’-]*(?: [\w.'’-]+){0,3} ?/ ?" + _PHOTO_AGENCY + r"(?: Photo)?$")


# A credit's label alone on its line, the credit under it ("Foto:" / "Andrew Harnik / AP", as
# DER SPIEGEL sets every photo): the label and the credit are two elements of the page.
_BARE_CREDIT_LABEL = rx.compile(
    r"^(?:photo(?:graph)?s?|image(?: source)?|picture|foto(?:s)?|bild(?:quelle)?|crédits?(?: photo)?|credits?|"
    r"quelle|source|imagen|immagine|fotografia|afbeelding|фото|zdjęcie|fotó|kuva)\s*[:,]$",
    re.I,
)


def credit_label(line: str) -> bool:
    """Whether ``line`` is only a credit's label ("Foto:", "Image source,"): the credit is the next line."""
    return len(line) <= 20 and _BARE_CREDIT_LABEL.match(line) is not None


_WORD_RUN = rx.compile(r"\w+")


def _credit_line(line: str) -> str | None:
    m = _BY_CREDIT.match(line) or _LABEL_COPYRIGHT.match(line)
    if m and len(line.split()) <= 14:
        return m.group("credit").strip()
    m = _CREDIT_START.match(line)
    if m and len(line.split()) <= 14:
        first = line.split()[0].lower().strip(":,")
        if first in _LABEL_ONLY and not _LABELLED.match(line):
            return None
        credit = m.group("credit").strip()
        return credit if any(ch.isalnum() for ch in credit) else None  # "Foto:" alone: see credit_label
    if (
        not line.endswith(".")
        and _CREDIT_WORDS(line)
        and len(_WORD_RUN.findall(line)) <= 6
        and not _PAREN_CREDIT.match(line)  # "Donald Trump bleibt vage. (Foto: REUTERS)": a caption and its credit
    ):
        return line.strip()
    return None


def split_glued_credit(line: str) -> tuple[str, str] | None:
    """("caption", "credit") for a caption with its credit glued on, else None."""
    if ":" not in line and "©" not in line and "opyright" not in line.lower():
        return None  # every glued credit has one of these: the cheap test first, asked of most lines
    for m in _CREDIT_GLUED.finditer(line):
        caption = line[: m.start()].strip().rstrip(" |·•")  # "Caption | Foto: …": the bar goes with the label
        credit = (m.group("a") or m.group("b") or "").strip()
        if caption.endswith("(") and credit.endswith(")"):
            caption, credit = caption[:-1].rstrip(), credit[:-1].rstrip()  # "Caption (Foto: …)"
        if not any(ch.isalnum() for ch in caption):
            return None  # "(Photo: …)": a credit line in brackets, no caption before it
        if caption and credit and len(credit.split()) <= 10:
            return caption.rstrip(" .") if caption.endswith(" .") else caption, credit
    return None


_PAREN_CREDIT = rx.compile(
    r"^(?P<caption>.{10,}?)\s*(?P<open>[(\[])(?P<credit>[^()\[\]]{0,60}?(?:photo|foto|getty|reuters|shutterstock|imago|"
    r"picture|courtesy|cortesía|gentileza|\bdok\b|/|(?-i:\b(?:AFP|afp|AP|EFE|efe|DPA|dpa|EPA|epa|ANP|anp|ANSA|ansa|LUSA|Lusa|lusa)\b))[^()\[\]]{0,60})"
    r"[)\]]$",
    re.I,
)  # (the agencies' short names in the case they write them: "(ePA)" defines an abbreviation)
_CAPS_CREDIT = rx.compile(r"^(?P<caption>.{10,}?[.!?])\s+(?P<credit>[A-ZÀ-Ý][A-ZÀ-Ý .'’-]{2,40}\s*\([^()]{2,30}\))$")


# "Caption text. AP Photo/Jacquelyn Martin", "Caption.  Getty Images/Juanmonino", "Caption.
# BERTRAND GUAY / AFP" (Le Monde): an agency or a "Name/Agency" credit after the caption's last
# sentence, without brackets, or glued to its full stop when the page set them in two elements
# ("… in New York.Reuters").
_AGENCY_CREDIT = rx.compile(
    r"^(?P<caption>.{20,}?[a-z0-9)”\"][.!?])\s*(?P<credit>" + _PHOTO_AGENCY + r"\b[^.!?]{0,40}|"
    r"[A-Z][\w’'.&-]*(?: [\w’'.&-]+){0,3} ?/ ?[A-Z][^.!?/]{1,40})$"
)


# A Japanese caption's credit in brackets: "…の吉田孝太技官（警視庁提供）" (provided by), "（撮影・山田太郎）" (photo).
_CJK_CREDIT = rx.compile(r"^(?P<caption>.{8,}?)[（(](?P<credit>[^（）()]{1,30}提供|撮影[・:：]?[^（）()]{1,20})[）)]$")
# Al Jazeera's credit in square brackets names its source with "via" or "File:": "[SpaceX via Nasa]".
_SQUARE_VIA = rx.compile(r"^(?P<caption>.{20,}?)\s*\[(?P<credit>[^\[\]]{1,40}\svia\s[^\[\]]{1,40}|File:[^\[\]]{1,50})\]$")
_SQUARE_CREDIT = rx.compile(r"photo|foto|getty|reuters|shutterstock|imago|picture|\b(?:AFP|AP|EPA|EFE|dpa|DPA)\b", re.I)


@per_paste()
def trailing_credit(line: str) -> tuple[str, str] | None:
    """("caption", "credit") for "Caption text. (AP Photo/Name)", "Caption [Name via Reuters]",
    "Caption. NAME SURNAME (EFE)" or "Caption. Getty Images/Name"."""
    end = line[-1:]
    m = None
    if end in ")]":  # (the bracketed shapes end in their bracket: most lines skip three searches)
        m = (_CAPS_CREDIT.match(line) if end == ")" else None) or _PAREN_CREDIT.match(line)
    m = m or _AGENCY_CREDIT.match(line) or (_SQUARE_VIA.match(line) if end == "]" else None)
    if not m and not line.isascii() and end in "）)":
        m = _CJK_CREDIT.match(line)
    if not m:
        return _name_credit(line)
    if "open" in m.groupdict() and (
        m.group("open") + line[-1] not in ("()", "[]")
        or (m.group("open") == "[" and not _SQUARE_CREDIT.search(m.group("credit")))
    ):
        return None  # "[M1 SP / MP]": square brackets also cite sources; a credit there names its agency
    return m.group("caption").strip(), m.group("credit").strip()


_BY_WORDS = frozenset({"by", "von", "par", "por", "door", "di", "av", "af", "od", "de", "da"})
# "Caption text, a sentence. Jane Doe": a photographer's bare name after the caption's last sentence.
_NAME_CREDIT = rx.compile(r"^(?P<caption>.{30,}?[a-z0-9)”\"][.!?])\s*(?P<credit>[A-ZÀ-Ý][\w'’.-]+(?: [A-ZÀ-Ý][\w'’.-]+){1,3})$")


def _name_credit(line: str) -> tuple[str, str] | None:
    """("caption", "Name") when a caption in sentence case ends in a person's name alone; a Title
    Case headline of two sentences ("Markets Fall. Trump Tweets Back") is not one."""
    m = _NAME_CREDIT.match(line)
    if not m or not is_person_name(m.group("credit")) or m.group("credit").split()[0].lower() in _BY_WORDS:
        return None  # ("… wieder lebendig. Von Eva Kirchner-Rätsch": a teaser and its writer)
    words = m.group("caption").split()
    if len(words) < 6 or sum(w[:1].isupper() for w in words) * 2 >= len(words):
        return None
    return m.group("caption"), m.group("credit")


def caption_label(line: str) -> str | None:
    m = _CAPTION_LABEL.match(line)
    return m.group("caption").strip() if m else None


TAG_HEADING = rx.compile(
    r"^(?:tags?|topics?|archivado en|etiquetas|temas|themen|schlagwörter|schlagworte|sujets|mots-clés|argomenti|"
    r"onderwerpen|trefwoorden|tópicos|assuntos|explore more on these topics|filed under|more about)\s*:?\s*(?P<inline>.*)$",
    re.I,
)


def wire_dateline(paragraph: str) -> re.Match[str] | None:
    return WIRE_DATELINE.match(paragraph)


# Breadcrumbs before a headline: "Start / Ausland / Headline", "Home » Gesellschaft » Headline".
_CRUMB = rx.compile(r"\s+(?:>|»|›|/|\\)\s+")
# A site name after the headline: "Headline | CBC News", "Headline | Site Name".
_SITE_SUFFIX = rx.compile(r"^(?P<title>.{12,}?)\s+[|｜]\s+(?P<site>[^|]{2,40})$")


# A kicker glued to the headline when copied: '"Es wird bald beginnen"Trump spricht …',
# 'ZprávyDomácíKauzyHlavní aktér …' (a breadcrumb trail of one-word links).
_QUOTE_KICKER = rx.compile(r"^[\"“„«][^\"”“»]{3,80}[\"”“»](?=[A-ZÀ-ÝА-Я])")
_CAMEL = rx.compile(r"(?<=[a-zà-ÿа-я0-9])(?=[A-ZÀ-ÝА-Я][a-zà-ÿа-я])|(?<=[A-ZÀ-ÝА-Я])(?=[A-ZÀ-ÝА-Я][a-zà-ÿа-я])")


def _unglue_kicker(text: str) -> str:
    m = _QUOTE_KICKER.match(text)
    if m and len(text[m.end() :].split()) >= 3:
        return text[m.end() :]
    first, _, rest = text.partition(" ")
    pieces = _CAMEL.split(first)
    if len(pieces) >= 3 and len(rest.split()) >= 3:
        return f"{pieces[-1]} {rest}"
    return text


_POINTED_CRUMB = rx.compile(r"\s(?:>|»|›)\s")


def is_trail(text: str) -> bool:
    """A breadcrumb trail and nothing more ("Blog > Weight Loss > Weight Loss Tips"): three or more
    short parts, or two joined by an arrow. Its last part is a section, not the headline, which a
    trail glues on at full length ("Start / Ausland / EU und Indien besiegeln Abkommen")."""
    parts = _CRUMB.split(text)
    if len(parts) == 2 and not _POINTED_CRUMB.search(text):
        return False  # "Israel / Gaza" can be a headline's subject; "福娘童話集 > きょうの…" is a trail
    return len(parts) >= 2 and all(len(p.split()) <= 4 for p in parts)


def clean_title(text: str) -> str:
    """A headline without the breadcrumb trail or kicker glued before it, or the site name after a bar."""
    text = _unglue_kicker(text)
    parts = _CRUMB.split(text)
    if parts:
        parts[0] = re.sub(r"^[^:]{1,40}:\s*", "", parts[0])  # "Du befindest dich hier: Home » …"
    if len(parts) >= 3 and all(len(p.split()) <= 4 for p in parts[:-1]) and (
        len(parts[-1].split()) >= 3 or (len(parts[-1]) >= 4 and CJK_CHAR.search(parts[-1]) and " " not in parts[-1])
    ):  # three words, or four characters of a script written without spaces ("… > 欲張りなイヌ")
        text = parts[-1]
    m = _SITE_SUFFIX.match(text)
    if m and len(m.group("site").split()) <= 4 and len(m.group("site")) < len(m.group("title")):
        text = m.group("title")
    return text
