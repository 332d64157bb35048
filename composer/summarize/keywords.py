"""Keywords and hashtags from the article's own words.

Why not a keyword library: YAKE-style scoring is slow in pure Python and its licence needs
checking; news keywords are mostly names (people, places, organisations) and a few frequent
content words, which a frequency count weighted by position and title presence finds well.
Names are recognised by capitalisation away from the start of a sentence, which works for all
supported languages except that German capitalises every noun — there, a name must also recur.

Hashtags are chosen for a social editor, not for search: names first (a title's "Name noun" is
joined, "#RiversideLibrary"), then title phrases and topic words; generic nouns in any supported
language ("#City", "#Jahr"), nationality adjectives and participles are skipped, and a tag that
repeats another (plural, part of a longer name, acronym) is dropped.
"""

from __future__ import annotations

import os
from collections import Counter
from functools import lru_cache

import regex

from composer import regexcache as rx
from composer.summarize.stopwords import generic_nouns, stopwords


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# A run of capitalised words (a name candidate) and a lower-case content word. ``regex`` gives
# Unicode letter classes, so "Émile Zola" and "Åsa Ström" are names too. Scanning with two
# patterns per sentence instead of a Python loop per token keeps keywords well under a millisecond.
_NAME_RUN = regex.compile(r"(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{M}\p{N}'’.\-]*(?:[ \t]+\p{Lu}[\p{L}\p{M}\p{N}'’.\-]*)*")
_LOWER_WORD = regex.compile(r"(?<![\p{L}\p{N}'’-])\p{Ll}[\p{L}\p{M}]+(?:-[\p{L}\p{M}]+)*(?![\p{L}\p{N}])")
_HASHTAG_PART = rx.compile(r"[^\W_]+")
_OPENING = rx.compile(r"^[\W_]*")
_MAX_SENTENCES = 12
_ROLE = rx.compile(r"(?:er|or|ian|ist|ent|ant|ess|minister|secretary|chancellor|coach|star|chief|captain|boss|judge|mayor)$")
_NEXT_WORD = regex.compile(r"[ \t]+(\p{Ll}[\p{L}\p{M}]+)(?![\p{L}\p{N}'’-])")
# German and Dutch write a weekday and a part of the day as one noun ("Freitagabend",
# "zondagmiddag"), which the weekday stop words do not catch.
_PART_OF_WEEK = rx.compile(
    r"(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|maandag|dinsdag|woensdag|donderdag"
    r"|vrijdag|zaterdag|zondag)s?(?:früh|morgen|vormittag|mittag|nachmittag|abend|nacht|ochtend|middag|avond)"
)
# English adjectives of nationality or period ("Chinese", "Scottish", "Victorian", "North
# American") describe the story rather than name its subject.
_DEMONYM = rx.compile(
    r"[A-Z][a-z]{3,}(?:ese|ish|ian|ean)|French|German|Dutch|Greek|Swiss|Thai|Welsh|Irish|Scots|Czech|Arab"
    r"|American|Mexican|African|Jamaican|Dominican"
)


def _name_parts(run: str, at_start: bool, stop: frozenset[str]) -> list[list[str]]:
    """Split a capitalised run into names.

    A possessive ends a name ("Dortmund's Champions League"); stop words are trimmed from the
    edges ("The Lives Of Others" → "Lives Of Others") but kept inside, except "New" before another
    word, which starts place names ("New York"); a run whose last word was a
    stop word ("County Down") leaves no trustworthy single name behind.
    """
    groups: list[list[str]] = [[]]
    for raw in run.split():
        tok = raw.rstrip(".-'’") if not (raw.count(".") > 1 and raw.endswith(".")) else raw
        possessive = tok.endswith(("'s", "’s"))
        if possessive:
            tok = tok[:-2]
        if tok:
            groups[-1].append(tok)
        if possessive:
            groups.append([])
    out: list[list[str]] = []
    for i, group in enumerate(groups):
        lo, hi = 0, len(group)
        while lo < hi and group[lo].lower().replace("’", "'") in stop and not (group[lo] == "New" and lo + 1 < hi):
            lo += 1
        while hi > lo and group[hi - 1].lower().replace("’", "'") in stop:
            hi -= 1
        name = group[lo:hi]
        if not name or hi < len(group) and len(name) == 1 or len(name) == 1 and len(name[0]) < 2:
            continue
        if i == 0 and at_start and lo == 0 and len(name) == 1 and not (len(name[0]) > 1 and name[0].isupper()):
            # A lone capitalised first word is usually just the start of the sentence ("Police
            # said…"); the caller decides later whether it is a name after all.
            out.append(["^", name[0]])
            continue
        # Titles come before names ("Dutch Prime Minister Mark Rutte"): keep the last three words.
        out.append(name[-3:])
    return out


def _title_compounds(
    title: str, stop: frozenset[str], names: Counter[str], name_form: dict[str, str],
    words: Counter[str], word_count: Counter[str],
) -> None:
    """Join a title's name with the recurring noun right after it: "Riverside library" → "Riverside Library".

    Why: the title's "Name noun" is how the story is tagged by people ("#RiversideLibrary"), while
    either word alone is vague. Only the title, only a noun the body repeats (so "Riverside
    reopens" is not glued), and never a generic noun ("Riverside city") or a past participle.
    """
    generic = generic_nouns()
    for m in _NAME_RUN.finditer(title):
        run = m.group().rstrip(".-'’")
        if run.endswith(("'s", "’s")) or run.lower() in stop or _DEMONYM.fullmatch(run):
            continue
        nxt = _NEXT_WORD.match(title, m.end())
        if not nxt:
            continue
        word = nxt.group(1)
        if (word_count[word] < 2 or word in stop or word in generic or len(word) < 4
                or word.endswith(("ed", "ing", "ly")) or _ROLE.search(word)):
            continue
        head = run.split()[-2:]  # "Dutch Prime Minister" + noun would be too long: keep the tail
        phrase = " ".join([*head, word[:1].upper() + word[1:]])
        key = phrase.lower()
        names[key] += 3.0 + words[word]
        name_form.setdefault(key, phrase)
        del words[word]  # the noun now lives in the compound; listed alone it would replace it


def _title_phrases(
    title: str, body: str, stop: frozenset[str], names: Counter[str], name_form: dict[str, str], words: Counter[str],
) -> None:
    """Two lower-case title words that the body repeats side by side are one topic: "study hall".

    Why: "#StudyHall" or "#SolarPanels" is what an editor tags, while "#Study" and "#Hall" are
    vague. Requiring the exact pair in the body keeps headline word salad ("rebuild with") out.
    """
    generic = generic_nouns()
    found = list(_LOWER_WORD.finditer(title))
    for first, second in zip(found, found[1:], strict=False):
        a, b = first.group(), second.group()
        if (title[first.end():second.start()].strip() or a in stop or b in stop or len(a) < 3 or len(b) < 3
                or "-" in a + b or b in generic or b.endswith(("ed", "ly")) or a.endswith("ly")):
            continue
        phrase = f"{a} {b}"
        if phrase not in body:
            continue
        names[phrase] += 1.0 + (words[a] + words[b]) / 2  # about one word's weight: names stay first
        name_form.setdefault(phrase, phrase)
        words.pop(a, None)  # the words now live in the phrase; alone they would replace it
        words.pop(b, None)


_SHOUTED = regex.compile(r"(?<![\p{L}\p{N}'’])\p{Lu}{6,}(?![\p{L}\p{N}])")
_TITLE_WORD = regex.compile(r"(?<![\p{L}\p{N}'’])\p{Lu}\p{Ll}[\p{L}\p{M}]*")


def _sentence_case_title(title: str, sentences: list[str], stop: frozenset[str]) -> str:
    """A Title Case Headline with its ordinary words in lower case: "The Future of Banking Is … You're Broke".

    Why: in a title-cased headline every word looks like a name, and "#Future #Broke" follows.
    A capitalised title word stays capitalised only when the body capitalises it too away from
    the start of a sentence (a real name); acronyms are left alone. Titles in sentence case
    come back unchanged.
    """
    shouted = [m for m in _SHOUTED.finditer(title) if not _SHOUTED.fullmatch(title.strip())]
    if shouted:
        # "China warns SURRENDER is only option": a word in capitals for emphasis is not an
        # acronym unless the body writes it in capitals too.
        body = " ".join(sentences)
        for m in reversed(shouted):
            if not regex.search(r"(?<=\S\s)" + regex.escape(m.group()) + r"\b", body):
                title = title[: m.start()] + m.group().lower() + title[m.end() :]
    found = list(_TITLE_WORD.finditer(title))
    content = [m for m in found if m.group().lower() not in stop]
    lower_content = [w for w in _LOWER_WORD.findall(title) if w not in stop]
    if len(content) < 3 or len(lower_content) > len(content) / 4:
        return title
    body = " ".join(sentences)
    keep = {m.group() for m in _TITLE_WORD.finditer(body) if m.start() > 0 and body[m.start() - 2 : m.start()].strip()
            not in {".", "!", "?", '."', ".”"}}
    out, last = [], 0
    for m in found:
        word = m.group()
        if word not in keep:
            out.append(title[last : m.start()] + word.lower())
            last = m.end()
    out.append(title[last:])
    return "".join(out)


def keywords(sentences: list[str], title: str | None, lang: str, tags: tuple[str, ...] = (), limit: int = 8) -> list[str]:
    """The article's key names and terms, most important first.

    ``sentences`` are the article's prose sentences in order; earlier sentences and the title
    weigh more because news puts the subject first. The article's own ``tags`` come first.
    """
    return _merge(_usable_tags(tags), _scored(sentences, title, lang), limit)


def keywords_and_terms(
    sentences: list[str], title: str | None, lang: str, tags: tuple[str, ...] = (), limit: int = 8,
) -> tuple[list[str], list[str]]:
    """``(keywords, candidates)``: the keywords as :func:`keywords` gives them, and the hashtag
    candidates — the article's tags followed by the text's own terms, so that a page with eight
    CMS tags still offers the names in its lead ("Kate Henshaw")."""
    scored = _scored(sentences, title, lang)
    own = _usable_tags(tags)
    return _merge(own, scored, limit), [*own, *_merge((), scored, limit)]


def _usable_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Tags with a letter in them and not internal flags ("_no-apple-news", '"')."""
    return tuple(t.strip() for t in tags if any(c.isalpha() for c in t) and not t.strip().startswith("_"))


def _scored(sentences: list[str], title: str | None, lang: str) -> list[tuple[float, str]]:
    stop = stopwords(lang)
    if title:
        title = _sentence_case_title(title, sentences[:_MAX_SENTENCES], stop)
    names: Counter[str] = Counter()
    name_form: dict[str, str] = {}
    words: Counter[str] = Counter()
    word_count: Counter[str] = Counter()
    openers: Counter[str] = Counter()  # capitalised words seen only at the start of a sentence
    # The subject of a news story is named early: the first sentences are enough, and bounding
    # them keeps the cost flat for long articles.
    texts = ([(title, 3.0)] if title else []) + [(s, 1.0 + 1.0 / (1 + i)) for i, s in enumerate(sentences[:_MAX_SENTENCES])]
    for text, weight in texts:
        start = _OPENING.match(text).end()  # type: ignore[union-attr]
        for m in _NAME_RUN.finditer(text):
            for parts in _name_parts(m.group(), m.start() <= start, stop):
                if parts[0] == "^":
                    openers[parts[1]] += weight
                    continue
                phrase = " ".join(parts)
                key = phrase.lower()
                names[key] += weight
                if key not in name_form:
                    name_form[key] = phrase
        for w, n in Counter(_LOWER_WORD.findall(text)).items():
            if len(w) > 2 and w not in stop:
                words[w] += weight * n
                word_count[w] += n
    # "Librarian Carla Benson": a first word that the text also uses in lower case and that looks
    # like a role is a job title, not part of the name; its score goes to the name itself. The
    # role shape matters: "International Monetary Fund" keeps its first word.
    for key in [k for k in names if k.count(" ") >= 2 and k.split(" ", 1)[0] in word_count
                and _ROLE.search(k.split(" ", 1)[0]) and k.split(" ", 2)[1] not in stop]:
        tail = key.split(" ", 1)[1]
        names[tail] += names.pop(key)
        name_form.setdefault(tail, name_form[key].split(" ", 1)[1])
    if title and lang == "en":
        # "Name noun" is an English word order; in German a lower-case word after a noun is a verb
        # or adjective ("Generation ausstatten"), and Romance languages put the noun first.
        _title_compounds(title, stop, names, name_form, words, word_count)
    if title and lang == "en":
        # Two lower-case words side by side are a compound noun in English ("study hall"); in
        # German and Dutch compounds are written as one word, so there they are adjective + noun.
        _title_phrases(title, " ".join(sentences[:_MAX_SENTENCES]).lower(), stop, names, name_form, words)
    # A word that opens sentences but never appears in lower case is a name ("Riverside's library
    # reopened…"); "Police said…" is not, because "police" appears too.
    for word, score in openers.items():
        key = word.lower()
        if key not in word_count and (key in names or score >= 2 * (2.0 if lang == "de" else 1.5)):
            names[key] += score
            name_form.setdefault(key, word)
    # A longer form ("Kanzler Olaf Scholz") is also a mention of its tail ("Olaf Scholz").
    for key, score in list(names.items()):
        words_of = key.split()
        for cut in range(1, len(words_of) - 1):
            tail = " ".join(words_of[cut:])
            if tail in names:
                names[tail] += score
    # A surname mentioned alone ("Rutte") strengthens the full name ("Mark Rutte"), and a single
    # word that is part of a full name that is itself a keyword is not listed twice.
    best_full: dict[str, float] = {}
    for key, score in list(names.items()):
        if " " in key:
            for part in key.split():
                names[key] += names.get(part, 0.0) * 0.5
                best_full[part] = max(best_full.get(part, 0.0), score)
    scored: list[tuple[float, str]] = []
    min_name = 2.0 if lang == "de" else 1.5
    for key, score in names.items():
        if score < min_name:
            continue
        if " " not in key and best_full.get(key, 0.0) >= min_name:
            continue  # the single word is part of a full name that is itself a keyword
        scored.append((score * 1.5, name_form[key]))
    stems: set[str] = set()
    for word, score in sorted(words.items(), key=lambda p: (-p[1], p[0])):
        if word_count[word] >= 2 and word[:6] not in stems:  # "divorce"/"divorced": one is enough
            stems.add(word[:6])
            scored.append((score, word))
    scored.sort(key=lambda p: (-p[0], p[1]))
    return scored


def _merge(tags: tuple[str, ...], scored: list[tuple[float, str]], limit: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        if tag.strip() and tag.lower() not in seen:
            out.append(tag.strip())
            seen.add(tag.lower())
    name_words: list[set[str]] = [set(t.lower().split()) for t in out]
    for _score, term in scored:
        low = term.lower()
        if low in seen:
            continue
        words_of = set(low.split())
        if any(words_of > other for other in name_words):
            continue  # "Actress Julia Louis-Dreyfus" after "Julia Louis-Dreyfus": no news
        shorter = next((i for i, other in enumerate(name_words) if words_of < other), None)
        if shorter is not None:
            # the cleaner, shorter name replaces the longer one in its place
            seen.discard(out[shorter].lower())
            out[shorter], name_words[shorter] = term, words_of
            seen.add(low)
            continue
        out.append(term)
        name_words.append(words_of)
        seen.add(low)
        if len(out) >= limit:
            break
    return out[:limit]


def to_hashtag(term: str, lang: str = "en") -> str | None:
    """``"mark rutte"`` → ``"#MarkRutte"``; None when the term makes no useful hashtag."""
    stop = stopwords(lang)
    parts = _HASHTAG_PART.findall(term)
    # "New" is a stop word but also starts place names: "New York" is "#NewYork", "New" alone is not.
    if not parts or any(p.lower() in stop and not (i == 0 and p == "New" and len(parts) > 1) for i, p in enumerate(parts)):
        return None  # "#The", or "#LivesOfOthers" with a stop word inside
    camel = "".join(p if p.isupper() and len(p) > 1 else p[:1].upper() + p[1:] for p in parts)
    if len(camel) < 3 or len(camel) > 30 or camel.isdigit() or not camel[:1].isalpha():
        return None
    return "#" + camel


def _weak_tag(term: str, lang: str) -> bool:
    """A term that is a real word but a poor hashtag: generic nouns, adjectives, verb forms.

    Why: keywords serve overlap and search, where "city" or "divorced" are fine, but an editor
    never tags a post "#City"; nationality adjectives ("#Chinese") and participles ("#Divorced")
    describe the story instead of naming it.
    """
    generic = generic_nouns()
    parts = term.lower().replace("-", " ").split()
    if all(p in generic for p in parts):
        return True
    if term[:1].islower() and "-" in term:
        return True  # "two-year", "week-long": modifiers, not topics
    if " " not in term and _PART_OF_WEEK.fullmatch(term.lower()):
        return True  # "#Freitagabend", "#Zondagmiddag": when it happened, not what
    if lang == "en":
        if _DEMONYM.fullmatch(term.rsplit(" ", 1)[-1]) and term[:1].isupper():
            return True  # "#Chinese", and "#NorthAmerican", "#SouthAfrican" alike
        if term.islower() and " " not in term and term.endswith("ed"):
            return True
    return False


def _same_subject(tag: str, other: str) -> bool:
    """True when two hashtags (lower case aside) say the same thing.

    Plural or inflected forms ("#Tablet"/"#Tablets"), a tag that is the start or end of a longer
    one ("#Library" in "#RiversideLibrary", "#Rutte" in "#MarkRutte") and an acronym of a longer
    tag ("#IMF" and "#InternationalMonetaryFund").
    """
    a, b = tag.lower().lstrip("#"), other.lower().lstrip("#")
    if a.startswith(b) and len(a) - len(b) <= 3 or b.startswith(a) and len(b) - len(a) <= 3:
        return True
    # "#Library"/"#Libraries", "#Treno"/"#Treni": same stem, different ending
    common = len(os.path.commonprefix([a, b]))
    if common >= 4 and min(len(a), len(b)) - common <= 1 and abs(len(a) - len(b)) <= 3:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 5 and (long_.startswith(short) or long_.endswith(short)):
        return True
    for x, y in ((tag, other), (other, tag)):
        caps = "".join(c for c in y[1:] if c.isupper())
        if x[1:].isupper() and len(x) > 3 and len(caps) > 2 and x[1:] == caps:
            return True
    return False


# Crime, sexual violence and death: words that never go into a hashtag, whatever the story
# ("#AssangeRape"). Matched against each CamelCase part: a prefix here matches "Raped", "Killings";
# the exact list holds short words that would otherwise catch innocent ones ("viol" vs "violon").
# German and Dutch glue nouns together ("Mordprozess", "Messerangriff", "zelfmoordaanslag"), so
# there the infix list is searched inside the whole tag.
_SENSITIVE_PREFIX = tuple(["rape", "rapist", "sexual", "sexually", "assault", "abus", "molest", "paedophil", "pedophil", "porn", "incest", "grooming", "murder", "homicid", "manslaughter", "kill", "slay", "slain", "stab", "shooting", "shooter", "gunman", "gunmen", "gunfire", "massacre", "genocid", "terror", "suicid", "death", "deaths", "dying", "corpse", "victim", "tortur", "behead", "overdos", "lynch", "traffick", "vergewaltig", "missbrauch", "tötung", "getötet", "leiche", "selbstmord", "anschlag", "messerangriff", "sexuell", "todesopfer", "meurtr", "assassin", "agress", "pédophil", "attentat", "victime", "cadavre", "féminicid", "violaci", "violador", "asesin", "muert", "atentad", "víctima", "feminicid", "cadáver", "stupr", "omicid", "strage", "vittim", "femminicid", "cadaver", "uccis", "ammazz", "verkracht", "moord", "zelfmoord", "misbruik", "aanslag", "slachtoffer", "steekpartij", "doodgeschoten", "estupr", "violaç", "homicíd", "suicíd", "vítima"])
_SENSITIVE_EXACT = frozenset(["dead", "died", "dies", "shot", "rapes", "raped", "viol", "viols", "violé", "violée", "violées", "tué", "tués", "tuée", "mort", "morts", "morte", "décès", "muerto", "muertos", "muerta", "morto", "morti", "morta", "morte", "dood", "doden", "lijk", "tot", "tote", "toten", "tod", "sex"])
_SENSITIVE_INFIX = ("vergewaltig", "missbrauch", "mord", "leiche", "suizid", "anschlag", "opfer", "moord", "misbruik",
                    "verkracht", "aanslag", "slachtoffer", "sexuell", "todes")
_CAMEL_PART = regex.compile(r"\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{N}+|[\p{L}\p{M}]+")
# Content-management and tracking tags that reach an Article's tags: "CategoryJupiter",
# "Programmi TV", "Guida TV", "SectionNews". Grounding removes most; these never pass.
_CMS_PART = frozenset(["category", "categories", "categoria", "section", "sezione", "rubrik", "ressort", "tag", "tags", "programmi", "guida", "uncategorized", "rss", "seo", "cms", "wp", "postid"])


def sensitive(tag: str, lang: str = "en") -> bool:
    """True when ``tag`` (a hashtag or term) names a crime, sexual violence or death."""
    parts = [p.lower() for p in _CAMEL_PART.findall(tag.lstrip("#"))]
    if any(p in _SENSITIVE_EXACT or p.startswith(_SENSITIVE_PREFIX) for p in parts):
        return True
    if lang in ("de", "nl"):
        low = tag.lower()
        return any(x in low for x in _SENSITIVE_INFIX)
    return False


def _cms(tag: str) -> bool:
    return any(p.lower() in _CMS_PART for p in _CAMEL_PART.findall(tag.lstrip("#")))


# Letters and digits (``re``'s Unicode classes: faster than ``regex`` here, and news text is NFC).
_GROUND_TOKEN = rx.compile(r"[^\W_]+")
_WORD_GAP = rx.compile(r"([^\W_]+)([\W_]*)")


def grounded(tag: str, text: str | list[str]) -> bool:
    """``tag`` is a word or a run of up to four adjacent words of ``text``, joined ("#MarkRutte").

    An inflected ending of up to two letters is allowed ("#Treni"/"treno", "#Libraries"/"library"
    is not: its stem differs by three). Case is ignored: "#NATO" is grounded in "Nato". ``text``
    may be given as :func:`ground_tokens` of it, when several tags are checked against it.
    """
    want = tag.lstrip("#").lower()
    tokens = ground_tokens(text) if isinstance(text, str) else text
    first = want[:1]
    for i, tok in enumerate(tokens):
        if tok[:1] != first:
            continue
        joined = ""
        for j in range(i, min(i + 4, len(tokens))):
            joined += tokens[j]
            if joined == want:
                return True
            common = len(os.path.commonprefix([joined, want]))
            if len(want) >= 4 and common >= 4 and common >= max(len(joined), len(want)) - 2:
                return True
            if len(joined) >= len(want) or not want.startswith(joined):
                break
    return False


def ground_tokens(text: str) -> list[str]:
    """The lower-case words of ``text``, as :func:`grounded` compares them."""
    return _GROUND_TOKEN.findall(text.lower())


# Determiners and possessives: a lower-case word seen right after one of them is used as a noun
# ("the reopening", "une digue"), which a verb ("reopen") or an adverb never is. The first list
# of each language holds words that only ever come before a noun phrase; the second, words that
# also stand before verbs ("this makes", French/Spanish/Italian object pronouns "la rouvrir", Dutch
# "het is", "zijn" = to be): one sighting after the first kind is enough, two are needed after
# the second.
_DETERMINERS = {
    "en": ("the a an his its their our my your every another", "this these those her some any each no"),
    "fr": ("un une du des au aux ce cet cette ces son sa ses mon ma mes notre nos votre vos", "le la les leur leurs"),
    "es": ("un una unos unas del al su sus nuestro nuestra", "el la los las este esta estos estas ese esa esos esas"),
    "it": ("il un uno una del della dello dei degli delle al alla allo ai agli alle nel nella nei nelle sul sulla "
           "suo sua i", "lo la le gli questo questa questi queste"),
    "nl": ("de een", "het deze dit die dat zijn haar hun ons onze"),
    "pt": ("um uma uns umas do da dos das na nas ao aos pelo pela seu sua", "o a os as no nos este esta esse essa"),
}


@lru_cache(maxsize=16)
def _determiners(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    strong, weak = _DETERMINERS.get(lang, ("", ""))
    return frozenset(strong.split()), frozenset(weak.split())


def _noun_heads(text: str, lang: str) -> tuple[set[str], Counter[str]]:
    """``(heads, phrases)``: lower-case words the text uses as the head of a noun phrase, and how
    often each two-word run ends one.

    A head is the first word after a determiner, within three words of it, that ends the phrase
    — punctuation, a function word or the end follows ("the library.", "a trade deal with", "the
    severe air pollution in") — so a modifier ("an impressive win"), an adjective before its
    noun ("the illegal settlements") or a verb ("to reopen") never is one; in English neither is a
    word in "-ed" or "-ly" ("the building opened at…") nor one in "-ing" after another word ("a
    range using the…": a participle; "the building" itself is a head). One sighting after an unambiguous
    determiner is enough, two after one that can also stand before a verb.
    """
    strong, weak = _determiners(lang)
    low = text.lower()
    stop = stopwords(lang)
    pairs = _WORD_GAP.findall(low)  # (word, what follows it up to the next word), in one C-level scan
    words = [w for w, _gap in pairs]
    n = len(words)
    # glued[i]: only spaces between word i and the next; ends[i]: word i is the last of its phrase
    glued = [not gap.strip() for _w, gap in pairs]
    if n:
        glued[-1] = False
    ends = [not glued[i] or words[i + 1] in stop for i in range(n)]
    phrases: Counter[str] = Counter(f"{words[i]} {words[i + 1]}" for i in range(n - 1) if glued[i] and ends[i + 1])
    if not strong:
        return set(), phrases
    once: set[str] = set()
    weak_seen: Counter[str] = Counter()
    english = lang == "en"
    for i in range(n - 1):
        det = words[i]
        if det not in strong and det not in weak or not glued[i]:
            continue
        for j in range(i + 1, min(i + 4, n)):
            if words[j] in stop:
                break
            if ends[j]:
                if english and words[j].endswith(("ed", "ly")):
                    break  # "the building opened at…": the verb after the noun, not a noun
                if english and j > i + 1 and words[j].endswith("ing"):
                    break  # "a range using the…": a participle after the noun, not a noun
                if det in strong:
                    once.add(words[j])
                else:
                    weak_seen[words[j]] += 1
                break
            if not glued[j]:
                break
    return once | {w for w, c in weak_seen.items() if c >= 2}, phrases


# Titles that come before a name in a keyword ("CEO Marc Benioff", "Gov. Kristi Noem"): the tag is
# the name.
_ROLE_PREFIX = _word_set("ceo cfo coo cto chairman chairwoman president vice minister secretary senator sen gov governor rep "
                         "mp mep pm dr prof coach judge mayor general gen lt sgt capt officer chief actress actor "
                         "singer star")


def _noun_or_name(term: str, lang: str, heads: set[str], phrases: Counter[str], text: str) -> bool:
    """Is ``term`` a name, or a noun (phrase) the text uses as one?

    A capitalised single word passed the keyword rules already; a multi-word term written just
    so in the text is a name ("Mark Rutte"). Anything else — a name joined to the noun after it
    in the title, a two-word topic — must end in a noun the text uses as the head of a noun
    phrase ("Riverside Library": "the library has…"; not "TV Trade": "a trade war"), or be a
    two-word term the text repeats as a whole phrase ("hypersensitivity pneumonitis", twice).
    German capitalises its nouns, so a lower-case word or a phrase not written so is never a
    German tag.
    """
    if " " not in term:
        return term[:1].isupper() or (lang != "de" and term.lower() in heads)
    if term[:1].isupper() and term in text:
        return True
    if lang == "de":
        return False
    low = term.lower().split()
    return low[-1] in heads or phrases[" ".join(low[-2:])] >= 2


def hashtags(terms: list[str], lang: str, limit: int = 3, *, grounding: str | None = None,
             text: str | None = None, headline: str | None = None) -> list[str]:
    """Hashtags from keywords: CamelCase, ``#\\w+``, unique ignoring case, never a stop word.

    Names (capitalised keywords) come first: "#MarkRutte" says more than "#Alliance"; generic
    nouns and adjectives are skipped; and a tag that repeats an earlier one in another form
    (plural, part of a name, acronym) is dropped. Never a crime, sexual-violence or death word,
    nor a content-management tag ("#CategoryJupiter").

    With ``grounding`` (the title, standfirst and lead), a tag must be a word or adjacent words of
    it: what the story is visibly about, not a tag from the page's metadata or a word from
    paragraph twelve. With ``text`` (the prose the keywords came from), a lower-case word must be
    used as a noun somewhere in it (after a determiner) — "#Reopen" is a verb; in German, where
    nouns are capitalised, a lower-case word never becomes a hashtag. With ``headline``, a topic
    word (not a name) must be one of its words: names may come from the lead, topics from the
    headline. Fewer tags, or none, beat a bad one.
    """
    noun_heads: list[tuple[set[str], Counter[str]]] = []  # computed on first need: most tags are names
    # A name written so only in the headline counts when it is not the headline's first words
    # (capitalised anyway: "Unpredictable Sondland faces…"), and never in German, whose headlines
    # capitalise more than names ("ins Digitale Gesundheitswesen").
    body = text
    if text is not None and headline:
        body = text.replace(headline, "", 1)
        if lang != "de":
            body += "\n" + headline.replace(headline.split(" ", 1)[0], "", 1)
    ground = ground_tokens(grounding) if grounding is not None else None
    head_words = ground_tokens(headline) if headline else None
    out: list[str] = []
    for term in sorted(terms, key=lambda t: not t[:1].isupper()):
        parts = term.split()
        if len(parts) >= 3 and parts[0].lower().rstrip(".") in _ROLE_PREFIX:
            term = " ".join(parts[1:])  # "CEO Marc Benioff" → "Marc Benioff"
        if _weak_tag(term, lang):
            continue
        tag = to_hashtag(term, lang)
        if not tag or any(_same_subject(tag, other) for other in out):
            continue
        if sensitive(tag, lang) or _cms(tag):
            continue
        if ground is not None and not grounded(tag, ground):
            continue
        if text is not None and not (term[:1].isupper() and " " not in term):
            if not noun_heads:
                noun_heads.append(_noun_heads(text, lang))
            if not _noun_or_name(term, lang, *noun_heads[0], body):
                continue
        if head_words is not None and term[:1].islower() and not grounded(tag, head_words):
            continue  # a topic word (not a name) is a tag when the headline uses it
        out.append(tag)
        if len(out) >= limit:
            break
    return out
