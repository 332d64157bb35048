"""Recognise page furniture that must never become a key point.

Ingest removes most of it, but pasted text reaches the summariser with share widgets, photo
captions and credits, bylines, "Read more" links, newsletter prompts and datelines still in
place, and a summary that quotes "Share this article" is worse than no summary. The checks are
deliberately about *shape* (short, no verb-like prose, no final full stop, a label followed by a
name) as well as wording, so they carry over to languages and sites not seen while writing them.
"""

from __future__ import annotations

import re

from composer import regexcache as rx

# Whole-line furniture, in the supported languages. Matched against the start of a line/sentence.
_FURNITURE = rx.compile(
    r"""^\W*(?:
        share(?:\s+(?:this|on|via|the))?|share\s+this\s+(?:article|story|page)|pin\s+it|email\s+this|
        follow\s+(?:us|me|@)|like\s+us\s+on|subscribe\s+(?:to|now|for)|sign\s+up|sign\s+in|log\s+in|
        register\s+(?:now|for)|get\s+(?:our|the)\s+(?:daily|weekly|free|latest)|read\s+(?:more|next|also|the\s+full)|
        see\s+also|related\s+(?:articles?|stories|content|topics|links|news)|more\s+(?:on\s+this\s+story|stories)|
        you\s+(?:might|may)\s+also\s+like|you\s+can\s+(?:keep\s+up|follow|watch|listen|sign\s+up|subscribe)|
        find\s+out\s+more|get\s+in\s+touch|most\s+(?:read|popular|viewed)|
        # single words that are furniture only when they stand alone
        (?:tweet|subscribe|newsletter|related|recommended(?:\s+for\s+you)?|advertisement|sponsored(?:\s+content)?|
           more\s+from\s+[\w\s]{1,30})\s*[:.!]?\s*$|
        skip\s+(?:to|advert)|click\s+here|watch(?:\s+now)?:|listen(?:\s+now)?:|
        media\s+playback\s+is\s+(?:not\s+)?supported|image\s+(?:caption|copyright|source)|
        (?:photo|picture|image|video|graphic|illustration)s?(?:\s*(?:credit|courtesy))?\s*[:©]|
        (?:getty|reuters|ap|afp|epa|pa|shutterstock|alamy)\s+images?\b|
        (?:©|\(c\)|copyright\b)|all\s+rights\s+reserved|
        (?:published|updated|last\s+(?:updated|modified)|posted)(?:\s+(?:on|at)\b|\s*:|\s+\d|\s*$)|
        by\s+(?-i:[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s*(?:,|$|\||for\b|and\b|-)|
        comments?\s*(?:\(?\d+\)?)?\s*$|copy\s+(?:link|to\s+clipboard)|cookies?\b.*\b(?:accept|consent|settings)|
        (?:teilen|artikel\s+teilen|mehr\s+zum\s+thema|lesen\s+sie\s+(?:auch|mehr)|folgen\s+sie\s+uns|
           foto\s*:|bild\s*:|anzeige|werbung|partager|lire\s+aussi|lire\s+la\s+suite|à\s+lire\s+aussi|
           suivez[-\s]nous|abonnez[-\s]vous|publicité|compartir|lea\s+también|leer\s+más|síguenos|
           suscríbete|publicidad|condividi|leggi\s+anche|seguici|iscriviti|pubblicità|delen|lees\s+ook|
           lees\s+meer|volg\s+ons|abonneer|advertentie|compartilhe|leia\s+também|leia\s+mais|siga[-\s]nos|
           assine|publicidade)
    )(?!\w)""",
    re.IGNORECASE | re.VERBOSE,
)
# Anywhere in a sentence: a sure sign it is not prose. Literal phrases are checked with ``in`` on
# the lower-cased text (fast); the few patterns that need a regex only run when a cheap pre-check
# says they could match.
_ANYWHERE_LITERAL = (
    "http://", "https://", "www.", "©", "click here", "tap here", "follow us on", "like us on",
    "share this article", "share this story", "media playback", "image caption", "image copyright",
    "all rights reserved", "sign up for our", "subscribe to our", "copy this link",
)
_LITERAL = rx.compile("|".join(re.escape(p) for p in _ANYWHERE_LITERAL))
_EMAIL = rx.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.\w{2,}")  # (from the start of a run only: linear time)
_STAMP = rx.compile(r"\b(?:published|updated|copyright):?\s*\.?\s*\d")
_NEWSLETTER = rx.compile(r"\bnewsletter\b.*\b(?:sign|subscri)")


def _anywhere(t: str) -> bool:
    low = t.lower()
    if _LITERAL.search(low):
        return True
    if "@" in t and _EMAIL.search(t):
        return True
    if ("published" in low or "updated" in low or "copyright" in low) and _STAMP.search(low):
        return True
    return "newsletter" in low and bool(_NEWSLETTER.search(low))


# A dateline on its own ("LONDON (Reuters) -", "Published 3 July 2024 10:15 CET").
_DATELINE_ONLY = rx.compile(
    r"^\W*(?:[A-Z][A-Z .'-]{1,30}(?:\([^)]{1,20}\))?\s*[-–—:]?|(?:\w+\.?\s+)?\d{1,2}[./ ]\s*\w+\.?[./ ]\s*\d{2,4}"
    r"(?:[, ]+\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?)?(?:\s+[A-Z]{2,4})?)\W*$"
)
# Leading datelines and agency tags glued to a real sentence: "(CNN) — ", "LONDON (Reuters) - ",
# "By . Jane Doe . PUBLISHED: . 10:51 EST, 3 April 2015 . | . UPDATED: . ... ." (Daily Mail).
_LEADING_TAG = rx.compile(
    r"^(?:\s*(?:\(CNN\)|\((?:Reuters|AP|AFP|dpa|ANSA|EFE)\)|[A-Z][A-Z .'-]{2,30},?(?:\s+[A-Z][a-z]+\.?)?\s*\((?:CNN|Reuters|AP|AFP|dpa)\))\s*[-–—:]*\s*)+"
)


# A page's prompt to its own video, glued to the next sentence where the page was flattened
# ("Scroll down for video A mother was holding…"): 110 of the 450 CNN/DailyMail articles hold it,
# anywhere in a paragraph.
_VIDEO_PROMPT = rx.compile(r"^\s*[Ss]croll down for (?:the )?videos?\s+(?=[A-Z0-9\"“‘'])")


_VIDEO_PROMPT_ONLY = rx.compile(r"^\W*[Ss]croll down for (?:the )?videos?\W*$")


def strip_video_prompt(sentence: str) -> str:
    """Drop "Scroll down for video" from the start of a sentence; the rest is the sentence
    (nothing, when the prompt is all there is)."""
    if _VIDEO_PROMPT_ONLY.match(sentence):
        return ""
    stripped = _VIDEO_PROMPT.sub("", sentence, count=1)
    return stripped if len(stripped) >= 20 else sentence


# Reference markers: "[12]", "[3, 4]", "[5–7]" anywhere (a wiki's or a paper's footnotes), and a
# bare "(5)" or "(5, 6)" just before the sentence's end, as health sites cite their studies. A
# score "(3-3)" or a date "(12.3.)" is not a marker.
_BRACKET_REF = rx.compile(r"\s*\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]")
_END_REF = rx.compile(r"\s*\(\d{1,3}(?:,\s*\d{1,3})*\)(?=[.!?]?[\"'”’»]?$)")


def strip_citations(sentence: str) -> str:
    """``sentence`` without footnote and reference markers, which mean nothing out of the page:
    "…a decreased frequency of binge eating (5)." → "…a decreased frequency of binge eating."."""
    if "[" not in sentence and "(" not in sentence:
        return sentence
    return _END_REF.sub("", _BRACKET_REF.sub("", sentence))


def strip_leading_tag(sentence: str) -> str:
    """Drop an agency/dateline tag glued to the start of a sentence; the rest is real prose."""
    stripped = _LEADING_TAG.sub("", sentence, count=1)
    return stripped if len(stripped) >= 20 else sentence


# Where pasted widgets run into the text without a space: "…Copy this linkResearchers found".
_GLUE = rx.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ][a-zà-ÿ])")


def strip_glued_furniture(sentence: str) -> str:
    """Cut widget text glued to the front of a sentence ("Share this withEmail…linkResearchers…").

    Only when the sentence starts as furniture: the cut is made at the last lower→upper case
    join within the first 200 characters, where the widget labels end and the prose begins.
    """
    if not _FURNITURE.match(sentence):
        return sentence
    joins = [m.start() for m in _GLUE.finditer(sentence, 0, 200)]
    if not joins:
        return sentence
    rest = sentence[joins[-1] :]
    return rest if len(rest) >= 20 else sentence


def is_furniture(text: str) -> bool:
    """True for share widgets, credits, captions, bylines, sign-up prompts and bare datelines."""
    t = text.strip()
    if not t:
        return True
    return bool(_FURNITURE.match(t) or _anywhere(t) or _DATELINE_ONLY.match(t))


def looks_like_caption(block_text: str) -> bool:
    """A line of text with no final punctuation: a caption, heading, credit or navigation item.

    Article prose ends its paragraphs with punctuation; photo captions pasted from a page
    ("Dutch PM Mark Rutte during arrivals for a NATO summit in Vilnius, 11 July 2023") and menu
    items usually do not. Quotations that end in a closing quote still count as prose.
    """
    t = block_text.rstrip()
    return not t or t[-1] not in ".!?…\"'”’»)"
