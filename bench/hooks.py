"""Hooks an editor would post: does the TL;DR stand alone, are the hashtags ones a person would choose?

    python bench/hooks.py [--limit N] [--show N] [--cache DIR]

A measurable definition, applied to the 181 pages of the article-extraction benchmark (as HTML
and as pasted text, read by composer's own readers) and to the summarisation corpus:

* **back-pointing opener** — a TL;DR or a first post (the single post for X and Bluesky, from
  ``write_posts``) whose first word(s) need an earlier sentence: a personal or demonstrative
  pronoun or possessive ("He", "This", "That's", "Their", "Ce", "Dies", "Questo"), a discourse
  connective ("However", "Also", "But", "Meanwhile", "Jedoch", "Cependant", "Sin embargo",
  "Tuttavia", "Echter", "Porém"), a dangling participle ("Having …") or "Which …", in en, de,
  fr, es, it, nl and pt;
* **dateline** — the text opens with an agency/dateline tag ("CAIRO (Reuters) -", "(CNN) —",
  "BERLIN (dpa) -", "WASHINGTON —");
* **caption/credit** — the text looks like a photo caption or credit ("Photo: …", "(Getty
  Images)", "© …", "Image: …"), reported beside the target;
* **hashtag fails** — a hashtag that is not *grounded* (its words, joined, are not one word or
  a run of up to four adjacent words of the title, standfirst or lead — the first two prose
  paragraphs, at most 120 words — allowing a plural or inflected ending of two letters), or
  that hits the denylist: a function word, a generic web/CMS word ("#Continue", "#Editorial", "#Update", "#Close"), a CMS
  or tracking tag ("#CategoryJupiter", "#GuidaTv", "#ProgrammiTv"), or a crime, sexual-violence
  or death word ("#AssangeRape").

The word lists here are the benchmark's own, written apart from the summariser's, so that the
figures are not the summariser grading itself. Targets (issue 13): ≤ 3 % back-pointing or
dateline openers among TL;DRs and first posts; ≤ 5 % of hashtags failing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aeb import AEB, pages  # noqa: E402

from composer.article import Article, Block, Source  # noqa: E402
from composer.ingest import load_article  # noqa: E402
from composer.social.posts import write_posts  # noqa: E402
from composer.summarize import summarise  # noqa: E402

SUMMARIZATION = AEB.parent.parent / "summarization"

# --- the definition ------------------------------------------------------------------------------

_BACK = {
    "en": """he she it they him her them his its their hers theirs this that these those such
        that's it's he's she's they're they've they'd he'd she'd it'd these're
        however but and also so yet meanwhile moreover furthermore nevertheless nonetheless therefore thus hence
        besides additionally still instead then otherwise likewise similarly indeed plus accordingly consequently
        which whom whose having""",
    "de": """er sie es ihm ihn ihr ihre ihrem ihren ihrer ihres sein seine seinem seinen seiner seines dies diese
        dieser dieses diesem diesen dessen deren jedoch aber auch doch zudem außerdem dennoch trotzdem dabei damit
        daher deshalb deswegen darum dazu allerdings stattdessen hingegen ebenfalls denn danach dafür dagegen
        darüber sonst und sowie folglich ferner""",
    "fr": """il elle ils elles lui leur leurs son sa ses ce cela ceci ça c'est cet cette ces celui celle ceux celles
        mais cependant pourtant toutefois aussi ainsi donc puis ensuite néanmoins or et également d'ailleurs
        lequel laquelle dont""",
    "es": """él ella ellos ellas su sus esto esta este estos estas eso esa ese esos esas ello pero además también así
        luego entonces asimismo igualmente y aunque""",
    "it": """lui lei loro egli essa esso essi esse suo sua suoi sue questo questa questi queste quello quella quelli
        quelle ciò ma però tuttavia inoltre anche quindi dunque infatti poi pertanto invece e oppure""",
    "nl": """hij zij ze zijn haar hun hem dit dat deze die maar ook toch echter bovendien daarnaast daarom dus verder
        en daardoor daarbij intussen ondertussen wel hiermee daarmee""",
    "pt": """ele ela eles elas seu sua seus suas isso isto este esta estes estas esse essa esses essas aquele aquela
        mas porém contudo também assim então todavia e além""",
}
# Multi-word connectives that point back; matched on the lower-cased opening.
_BACK_PHRASES = {
    "en": ("in addition", "as a result", "despite this", "despite that", "on the other hand", "in response",
           "for his part", "for her part", "for their part", "on top of that", "even so", "by contrast",
           "in contrast", "after that", "because of this", "because of that", "according to him",
           "according to her", "according to them"),
    "de": ("im gegenzug", "darüber hinaus", "laut ihm", "laut ihr", "nach ansicht des", "zuvor hatte"),
    "fr": ("en outre", "par ailleurs", "de plus", "selon lui", "selon elle", "selon eux", "en revanche",
           "par conséquent", "malgré cela", "pour sa part"),
    "es": ("sin embargo", "no obstante", "por eso", "por ello", "por lo tanto", "además de eso", "según él",
           "según ella", "por su parte", "a pesar de ello", "de hecho"),
    "it": ("secondo lui", "secondo lei", "per questo", "di conseguenza", "in ogni caso", "da parte sua"),
    "nl": ("volgens hem", "volgens haar", "aan de andere kant", "daarnaast"),
    "pt": ("no entanto", "além disso", "por isso", "segundo ele", "segundo ela", "por sua vez", "por outro lado"),
}
# Determiners that are also pronouns: back-pointing only as a pronoun. German nouns are capitalised,
# so "Das ist" (pronoun) vs "Das Gesetz" (article) is decidable; Dutch "Het is/was/gaat" likewise.
_DE_PRONOUN_DET = {"das", "die", "der", "den", "dem"}
_NL_HET_VERBS = {"is", "was", "gaat", "ging", "wordt", "werd", "zou", "lijkt", "leek", "heeft", "had", "kan", "moet"}
_DATELINE = re.compile(
    r"^\s*(?:\((?:CNN|Reuters|AP|AFP|dpa|ANSA|EFE|Lusa|ANP|Belga|APA|KNA|epd|AA)\)"
    r"|[A-ZÀ-Þ][\w .,'’/-]{1,40}?\s*\((?:CNN|Reuters|AP|AFP|dpa|ANSA|EFE|Lusa|ANP|Belga|APA|KNA|epd|AA|[A-Z]{2,6})\)\s*[-–—:]"
    r"|[A-ZÀ-Þ]{3,}(?:[ .'-]+[A-ZÀ-Þ]{2,})*,?(?:\s+[A-Z][a-z]{2,}\.?){0,3}(?:\s+\d{1,2})?\s*[-–—:]\s)"
)
_CAPTION = re.compile(
    r"^(?:photo|image|picture|foto|bild|video)s?\s*[:|]|\((?:getty|reuters|ap|afp|epa|pa)\b[^)]*\)\s*$|©|"
    r"\b(?:getty images|shutterstock|alamy|photo by|photograph:)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def back_pointing(text: str, lang: str) -> str | None:
    """The back-pointing opener of ``text`` ("However", "That's"), or None when it stands alone."""
    t = text.lstrip(" \"'“‘«„¿¡([—–-…")
    low = t.lower().replace("’", "'")
    lang = lang if lang in _BACK else "en"
    for phrase in _BACK_PHRASES.get(lang, ()) + (_BACK_PHRASES["en"] if lang != "en" else ()):
        if low.startswith(phrase) and not low[len(phrase):len(phrase) + 1].isalnum():
            return phrase
    words = _WORD.findall(t[:80])
    if not words:
        return None
    first = words[0].lower().replace("’", "'")
    nxt = words[1] if len(words) > 1 else ""
    if lang == "it" and first == "e" and re.match(r"[EeÈè]['’`]\s", t):
        return None  # "E’ stato": the verb è, not the conjunction
    if lang == "en" and first == "so" and nxt.lower() in {"many", "much", "far", "few", "long", "called"}:
        return None  # "So many people…", "So far…" open a sentence of their own
    if first in _BACK[lang]:
        return words[0]
    if lang == "de" and first in _DE_PRONOUN_DET and nxt[:1].islower():
        return words[0]
    if lang == "nl" and first == "het" and nxt.lower() in _NL_HET_VERBS:
        return words[0]
    if lang == "en" and first == "there" and t[len(words[0]):len(words[0]) + 1] == ",":
        return words[0]
    return None


_BACK = {k: frozenset(v.split()) for k, v in _BACK.items()}  # type: ignore[misc]


def dateline(text: str) -> bool:
    return bool(_DATELINE.match(text))


def caption_like(text: str) -> bool:
    return bool(_CAPTION.search(text))


_GENERIC_TAGS = frozenset(["continue", "editorial", "update", "updates", "close", "future", "broke", "reopen", "live", "breaking", "news", "latest", "home", "menu", "search", "login", "subscribe", "share", "comment", "comments", "video", "videos", "photo", "photos", "gallery", "read", "more", "click", "here", "opinion", "analysis", "feature", "features", "story", "stories", "article", "articles", "page", "blog", "post", "posts", "category", "categories", "tag", "tags", "section", "topic", "topics", "archive", "archives", "author", "authors", "staff", "newsletter", "advertisement", "sponsored", "uncategorized", "general", "default", "main", "index", "misc", "other", "others", "world", "local", "national", "international", "today", "yesterday", "week", "year", "time", "people", "report", "day", "things", "thing", "way", "new", "old", "first", "last", "next", "previous", "top", "best", "good", "big"])
_FUNCTION_TAGS = frozenset(["the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "this", "that", "these", "those", "it", "he", "she", "they", "we", "you", "i", "his", "her", "their", "its", "our", "your", "my", "der", "die", "das", "und", "oder", "aber", "ein", "eine", "le", "la", "les", "un", "une", "et", "ou", "mais", "el", "los", "las", "y", "o", "pero", "il", "lo", "gli", "e", "ma", "de", "het", "een", "en", "maar", "o", "os", "as", "um", "uma", "mas"])
# Content-management and tracking tags, by their parts: "#CategoryJupiter", "#GuidaTv", "#SectionNews".
_CMS = frozenset(["category", "categories", "section", "rubrik", "ressort", "tag", "tags", "guida", "programmi", "uncategorized", "rss", "feed", "seo", "cms", "wp", "amp", "postid", "node"])
# Crime, sexual violence, death: a stem found anywhere in the tag (German/Dutch compounds too) or a
# whole part of the tag.
_SENSITIVE_STEM = re.compile(
    r"rape|raping|rapist|sexual|assault|abuse|molest|paedo|pedophil|porn|incest|murder|homicid|manslaughter|"
    r"killing|killed|killer|stabb|shooting|gunman|massacre|genocid|terroris|suicid|corpse|victim|tortur|behead|"
    r"overdos|vergewaltig|missbrauch|mord|tötung|getötet|leiche|selbstmord|anschlag|opfer|messerangriff|"
    r"meurtr|assassin|agression|pédophil|attentat|victime|violaci|asesin|muert|atentado|víctima|feminicid|"
    r"stupr|omicid|strage|vittim|verkracht|moord|zelfmoord|misbruik|aanslag|slachtoffer|steekpartij|estupr|"
    r"violaç|vítima",
    re.IGNORECASE,
)
_SENSITIVE_WORD = frozenset(["kill", "kills", "shot", "stab", "dead", "death", "deaths", "died", "dies", "rape", "rapes", "raped", "viol", "tué", "tués", "mort", "morts", "morte", "décès", "muerto", "muerte", "morto", "morti", "dood", "doden", "tod", "tot", "tote", "toten", "sex"])


def _camel_parts(tag: str) -> list[str]:
    body = tag.lstrip("#")
    return re.findall(r"[A-ZÀ-Þ]+(?![a-zß-ÿ])|[A-ZÀ-Þ]?[a-zß-ÿ]+|\d+", body) or [body]


def hashtag_failure(tag: str, grounding: str) -> str | None:
    """Why ``tag`` is a bad hashtag for an article whose title/standfirst/lead is ``grounding``."""
    body = tag.lstrip("#")
    low = body.lower()
    parts = [p.lower() for p in _camel_parts(body)]
    if low in _FUNCTION_TAGS or all(p in _FUNCTION_TAGS for p in parts):
        return "function word"
    if low in _GENERIC_TAGS or (len(parts) > 1 and all(p in _GENERIC_TAGS for p in parts)):
        return "generic"
    if any(p in _CMS for p in parts):
        return "cms"
    if _SENSITIVE_STEM.search(low) or any(p in _SENSITIVE_WORD for p in parts):
        return "sensitive"
    if not grounded(low, grounding):
        return "ungrounded"
    return None


def grounded(tag_low: str, text: str) -> bool:
    """``tag_low`` is one word or up to four adjacent words of ``text`` joined (± a 2-letter ending)."""
    tokens = [w.lower() for w in re.findall(r"[^\W_]+", text)]
    for i in range(len(tokens)):
        joined = ""
        for j in range(i, min(i + 4, len(tokens))):
            joined += tokens[j]
            if len(joined) > len(tag_low) + 2:
                break
            if joined == tag_low:
                return True
            if len(tag_low) >= 4 and len(joined) >= 4:
                common = 0
                for a, b in zip(joined, tag_low, strict=False):
                    if a != b:
                        break
                    common += 1
                if common >= min(len(joined), len(tag_low)) and abs(len(joined) - len(tag_low)) <= 2:
                    return True  # plural or inflection: "#Library" / "libraries" is not counted, "#Treno"/"treni" is
    return False


def lead_text(article: Article, paragraphs: int = 2, max_words: int = 120) -> str:
    """Title, standfirst and the lead: the first ``paragraphs`` prose paragraphs (≥ 10 words
    each), at most ``max_words`` words of them (a corpus article that is one long line keeps its
    first 120 words)."""
    out = [article.title or "", article.standfirst or ""]
    n = words = 0
    for block in article.body:
        if block.type == "paragraph" and len(block.text.split()) >= 10:
            take = block.text.split()[: max_words - words]
            out.append(" ".join(take))
            words += len(take)
            n += 1
            if n >= paragraphs or words >= max_words:
                break
    return "\n".join(out)


# --- running it --------------------------------------------------------------------------------


@dataclass
class Tally:
    texts: int = 0
    back: int = 0
    dateline: int = 0
    caption: int = 0
    tags: int = 0
    tag_fail: Counter = field(default_factory=Counter)
    no_tags: int = 0
    examples: list = field(default_factory=list)

    def add_text(self, what: str, text: str, lang: str, key: str) -> None:
        self.texts += 1
        b, d, c = back_pointing(text, lang), dateline(text), caption_like(text)
        self.back += bool(b)
        self.dateline += d
        self.caption += c
        if b or d:
            self.examples.append((key, what, f"[{b or 'dateline'}] {text[:120]}"))

    def add_tags(self, tags: tuple[str, ...] | list[str], grounding: str, key: str) -> None:
        self.no_tags += not tags
        for tag in tags:
            self.tags += 1
            why = hashtag_failure(tag, grounding)
            if why:
                self.tag_fail[why] += 1
                self.examples.append((key, "hashtag", f"[{why}] {tag}"))


def html_article(key: str, tmp: Path) -> Article:
    with gzip.open(AEB / "html" / f"{key}.html.gz", "rb") as fh:
        data = fh.read()
    path = tmp / f"{key}.html"
    path.write_bytes(data)
    try:
        return load_article(str(path))
    finally:
        path.unlink()


def aeb_articles(which: str, limit: int | None, cache: Path | None) -> list[tuple[str, Article]]:
    out: list[tuple[str, Article]] = []
    cached = cache / f"aeb-{which}.jsonl" if cache else None
    if cached and cached.is_file():
        for line in cached.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            out.append((row["key"], Article.from_json(row["article"])))
        return out[:limit] if limit else out
    with tempfile.TemporaryDirectory() as tmp:
        for page in pages():
            try:
                if which == "html":
                    article = html_article(page.key, Path(tmp))
                else:
                    article = load_article(str(AEB / "text" / f"{page.key}.txt"))
            except Exception as exc:  # noqa: BLE001 - a page the reader refuses is reported, not fatal
                print(f"  {which} {page.key[:10]}: {type(exc).__name__}: {exc}", file=sys.stderr)
                continue
            out.append((page.key, article))
            if limit and len(out) >= limit:
                break
    if cached and not limit:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text("\n".join(json.dumps({"key": k, "article": a.to_json()}) for k, a in out), encoding="utf-8")
    return out


def corpus_articles(name: str, limit: int | None) -> list[tuple[str, Article]]:
    out = []
    with open(SUMMARIZATION / f"{name}.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            text = row.get("article") or row.get("raw_text") or ""
            blocks = tuple(Block("paragraph", ln.strip()) for ln in text.splitlines() if ln.strip())
            out.append((str(row.get("id", len(out))), Article(title=None, body=blocks, language="en",
                                                              source=Source(path="", format="json"))))
            if limit and len(out) >= limit:
                break
    return out


def measure(articles: list[tuple[str, Article]], with_posts: bool,
            points: Tally | None = None) -> tuple[Tally, Tally, list[float]]:
    """TL;DR (and its hashtags) and first-post tallies; key points go to ``points`` when given."""
    tldr, first = Tally(), Tally()
    times: list[float] = []
    for key, article in articles:
        c0 = time.thread_time()
        summary = summarise(article)
        times.append(time.thread_time() - c0)
        lang = summary.language or "en"
        tldr.add_text("tldr", summary.tldr, lang, key)
        tldr.add_tags(summary.hashtags, lead_text(article), key)
        if points is not None:
            for point in summary.key_points:
                points.add_text("key point", point, lang, key)
        if with_posts:
            posts = write_posts(article, summary)
            for net in ("x", "bluesky"):
                first.add_text(net, posts[net]["post"], lang, key)
    return tldr, first, times


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f} %" if d else "–"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages/articles of each set")
    ap.add_argument("--show", type=int, default=0, help="print up to N failing examples per set")
    ap.add_argument("--cache", type=Path, default=None, help="cache parsed AEB articles here (faster reruns)")
    ap.add_argument("--sets", default="aeb-html,aeb-text,cnndm-dev,cnndm-test,xsum-dev")
    args = ap.parse_args(argv)
    if not AEB.is_dir():
        print(f"corpus not found at {AEB}", file=sys.stderr)
        return 2
    print(f"command: python bench/hooks.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    print()
    print("| set | texts | back-pointing | dateline | **opener fails** | caption/credit | hashtags | **hashtag fails** "
          "(ungrounded / generic / cms / sensitive / function) | articles without hashtags | summarise ms (CPU, median) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    shown: list[tuple[str, list]] = []
    for name in args.sets.split(","):
        if name.startswith("aeb-"):
            arts = aeb_articles(name[4:], args.limit, args.cache)
        else:
            arts = corpus_articles(name, args.limit)
        points = Tally()
        tldr, first, times = measure(arts, with_posts=name.startswith("aeb-"), points=points)
        rows = [("TL;DR", tldr)] + ([("first post X+Bluesky", first)] if first.texts else []) + [
            ("key points (not in the target)", points)]
        for label, t in rows:
            fails = t.back + t.dateline
            tag_cells = "– | – | –"
            if label == "TL;DR":
                f = t.tag_fail
                detail = " / ".join(str(f[k]) for k in ("ungrounded", "generic", "cms", "sensitive", "function word"))
                tag_cells = f"{t.tags} | {pct(sum(f.values()), t.tags)} ({detail}) | {t.no_tags}"
            ms = f"{1000 * statistics.median(times):.2f}" if label == "TL;DR" and times else "–"
            print(f"| {name} {label} | {t.texts} | {pct(t.back, t.texts)} | {pct(t.dateline, t.texts)} | "
                  f"**{pct(fails, t.texts)}** ({fails}) | {pct(t.caption, t.texts)} | {tag_cells} | {ms} |")
        shown.append((name, tldr.examples + first.examples))
    if args.show:
        for name, examples in shown:
            print(f"\n{name}: {len(examples)} failures")
            for key, what, text in examples[: args.show]:
                print(f"  {key[:10]} {what}: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
