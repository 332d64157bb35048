"""HTML reader: a web page (saved or fetched) → :class:`Article`.

Two jobs with different tools:

* **Body** — trafilatura finds the main text (it scored best on the article-extraction
  benchmark). We ask it for its XML tree rather than plain text so that headings, quotations and
  list items keep their types and inline links and emphasis become :class:`Span` data.
* **Metadata** — read directly from the page in a fixed order of trust: JSON-LD (what publishers
  write for search engines), then Open Graph / Twitter cards, then ``<meta>`` names, then the
  page itself, and trafilatura's own guesses last. Publishers maintain structured data more
  carefully than visible bylines, so it wins when both exist.

Every string that leaves this module is plain text on one line (metadata) or clean paragraphs
(body) and every URL is absolute http(s): nothing a page says is passed on as markup.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from composer import regexcache as rx
from composer.article import Article, Block, Image, Related, Source, Span
from composer.errors import InputError
from composer.ingest.paste.meta import clean_names
from composer.ingest.sanitize import clean_list, clean_value, defang_article, resolve_url, trimmed_block
from composer.ingest.trafilatura_import import import_trafilatura
from composer.ingest.trafilatura_prune import python_prunes
from composer.lang import SUPPORTED, clear_language, detect_language, normalize_language
from composer.textutil import normalize_text

__all__ = ["HtmlSettings", "DEFAULT_SETTINGS", "parse", "extract_metadata", "PageMetadata"]


@dataclass(frozen=True)
class HtmlSettings:
    """How the body is extracted (one object, not flags threaded through every call).

    The defaults were chosen on the article-extraction benchmark (``bench/extraction.py``; it
    has no held-out split, so the figures below are in-sample). Comments are always off:
    reader comments are not the article, and they cost trafilatura 0.007 F1 there.

    * ``favor_precision`` — F1 0.960 → 0.965: the defaults let teasers and captions through
      more often than precision mode cuts real paragraphs.
    * ``second_look_*`` — precision mode now and then cuts an article down to its first
      paragraphs; when its text is shorter than ``second_look_below_chars``, the default mode
      is asked too and wins if it finds more than 1/``second_look_ratio`` times as much
      (0.965 → 0.970; costs a second extraction on short pages only). It is asked only when the
      page's paragraphs (``<p>``) hold at least that much text: what it won back on the corpus
      pages was always paragraphs that precision mode had dropped, so a page whose paragraphs
      cannot double the first pass's text gives it nothing to win with (see ``_extract_body``).
    * ``prune_furniture`` — drops elements whose class/id names an ad, consent banner,
      newsletter box, share bar or related-links teaser before extraction. Neutral on the
      benchmark, but it removes in-article ads that trafilatura keeps.
    * ``drop_title_heading`` — the page's H1 repeats the title; it is metadata, not body.
    """

    favor_precision: bool = True
    favor_recall: bool = False
    include_tables: bool = True
    fallbacks: bool = True
    drop_title_heading: bool = True
    prune_furniture: bool = True
    second_look_below_chars: int = 1500
    second_look_ratio: float = 0.5


DEFAULT_SETTINGS = HtmlSettings()

_ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "blogposting", "liveblogposting", "report",
    "scholarlyarticle", "techarticle", "socialmediaposting", "webpage", "posting",
}
# "By", "Par", "Por", "Door", "Von" — but not the "von" of "von der Leyen".
_BYLINE_PREFIX = rx.compile(r"^\s*(?:by|par|por|door|von(?!\s+d[aeiu][mnrs]?\b))\s*[:\s]\s*", re.I)
_AUTHOR_SPLIT = rx.compile(r"\s*(?:;|\band\b|\bund\b|\bet\b|\by\b|\be\b|&|\|)\s*|\s*,\s*(?=\S+\s+\S)", re.I)
# A byline that runs on into its dateline or a handle: "Ann Lee March 3, 2017", "Ann Lee @annlee".
_BYLINE_TAIL = rx.compile(
    r"\s+(?:@\w+|\d{1,4}[./-]\d|(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?\s*(?:\d|$)|updated\b|published\b).*$",
    re.I,
)
_TITLE_SEPARATORS = rx.compile(r"\s+(?:[|·•»«:–—-]|::)\s+")
_SUFFIX_SEPARATORS = rx.compile(r"\s+(?:[|·•»–—-]|::|--)\s+")
_BYLINE_TAIL_PART = rx.compile(r"^(?:by|von|par|por|door|di)\s+\S", re.I)
_WS = rx.compile(r"[ \t\n\r\f\v\u00a0]+")


@dataclass
class PageMetadata:
    """Metadata candidates read from one page, before they are merged into an Article."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    updated: str | None = None
    site_name: str | None = None
    url: str | None = None
    description: str | None = None
    language: str | None = None
    image_url: str | None = None
    image_alt: str | None = None
    image_caption: str | None = None
    image_credit: str | None = None
    tags: tuple[str, ...] = ()
    base_url: str | None = None  # what relative links in the page resolve against


# --------------------------------------------------------------------------------------------
# Parsing the page


def _load_tree(text: str) -> HtmlElement:
    import_trafilatura()
    from trafilatura.utils import load_html

    message = "the HTML page could not be parsed: check that the file is a web page"
    try:
        tree = load_html(text)
    except (ValueError, etree.ParserError, RecursionError) as exc:
        raise InputError(message) from exc
    if tree is None:  # trafilatura rejected it as not HTML: it logs, it does not raise
        raise InputError(message)
    return tree


def _norm_date(value: object, language: str | None = None) -> str | None:
    """An ISO 8601 date from whatever a page wrote; ``None`` rather than a guess."""
    text = clean_value(value, max_len=100)
    if not text:
        return None
    from composer.dates import parse_date

    try:
        return parse_date(text, language)
    except (ValueError, OverflowError):
        return None


def _split_authors(value: str) -> list[str]:
    """'By Ann Lee and Bo Ek' → ['Ann Lee', 'Bo Ek']; 'Lee, Ann' and 'Mac & i' stay one name."""
    value = _BYLINE_PREFIX.sub("", value)
    value = _BYLINE_TAIL.sub("", value).strip(" ,;|—–-")
    parts = [p.strip(" ,;|—–-") for p in _AUTHOR_SPLIT.split(value) if p and p.strip()]
    if len(parts) > 1 and any(len(p.split()) < 2 for p in parts):
        return [value]
    # Digits glued to a name are a date or a counter that followed it ("Lucas Nolan22 Dec").
    return [re.sub(r"\d+$", "", _BYLINE_PREFIX.sub("", p)).strip() for p in parts]


def _author_ok(name: str) -> bool:
    return 1 < len(name) <= 80 and not re.match(r"^(?:https?:|www\.|@)", name, re.I) and any(c.isalpha() for c in name)


def _authors_from(values: list[Any], *, unescape: bool = False) -> tuple[str, ...]:
    names: list[str] = []
    for v in values:
        if isinstance(v, dict):
            v = v.get("name")
            if isinstance(v, list):
                v = " ".join(str(x) for x in v if isinstance(x, str))
        c = clean_value(v, unescape=unescape, max_len=300)
        if not c:
            continue
        names.extend(n for n in _split_authors(c) if _author_ok(n))
    # Roles, affiliations and places glued to the names ("Michael HiltzikBusiness Columnist",
    # "Katrin Müller, ARD-Hauptstadtstudio", "Jon Halvorsen in Copenhagen", "Analysis by …").
    return clean_list([n for n in clean_names(names) if _author_ok(n)], limit=10)


# XPath objects compiled once: ``tree.xpath(text)`` compiles its expression on every call.
_JSONLD_SCRIPTS = etree.XPath('//script[@type][contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')


def _jsonld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD scripts, with ``@graph`` and lists flattened."""
    found: list[dict[str, Any]] = []

    def walk(node: Any, depth: int = 0) -> None:
        if depth > 6 or len(found) > 200:
            return
        if isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
        elif isinstance(node, dict):
            found.append(node)
            if "@graph" in node:
                walk(node["@graph"], depth + 1)

    for script in _JSONLD_SCRIPTS(tree):
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", raw)
        if not raw or len(raw) > 2_000_000:
            continue
        try:
            walk(json.loads(raw))
        except (ValueError, RecursionError):
            continue
    return found


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    values = t if isinstance(t, list) else [t]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def _first_str(*values: Any) -> str | None:
    for v in values:
        if isinstance(v, str) and v.strip():
            return v
        if isinstance(v, list):
            for item in v:
                if isinstance(item, str) and item.strip():
                    return item
    return None


def _image_from_ld(value: Any) -> tuple[str | None, str | None, str | None]:
    """(url, caption, credit) from a schema.org ``image`` (a string, an ImageObject or a list)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return value, None, None
    if isinstance(value, dict):
        credit = value.get("creditText") or value.get("copyrightHolder") or value.get("author")
        if isinstance(credit, dict):
            credit = credit.get("name")
        return _first_str(value.get("url"), value.get("contentUrl")), _first_str(value.get("caption")), _first_str(credit)
    return None, None, None


def _meta_map(tree: HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` values keyed by lower-cased property/name/itemprop, in document order."""
    out: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                for k in key.lower().split():
                    out.setdefault(k, []).append(content)
    return out


def _clean_title(title: str, site_name: str | None) -> str:
    """'Headline | Site' → 'Headline' (also 'Site: Headline') when the site name is known."""
    seps = list(_TITLE_SEPARATORS.finditer(title))
    if not seps or not site_name:
        return title
    site = site_name.casefold()
    last, first = seps[-1], seps[0]
    if site in title[last.end():].casefold():
        return title[: last.start()].strip() or title
    if title[: first.start()].casefold() == site:
        return title[first.end():].strip() or title
    return title


# --------------------------------------------------------------------------------------------
# Metadata: one function per field, each trying its sources in its own order of trust


@dataclass(frozen=True)
class _Sources:
    """Where one page states its metadata: ``<meta>`` tags, JSON-LD and the markup itself."""

    tree: HtmlElement
    meta: dict[str, list[str]]
    ld: dict[str, Any]  # the page's article object; {} when it declares none
    site_ld: dict[str, Any]  # its WebSite / Organization object; {} when it declares none
    base_url: str | None  # what relative URLs in the page resolve against

    def first_meta(self, *keys: str) -> str | None:
        """The first non-blank ``<meta>`` value under any of ``keys``, tried in that order."""
        for k in keys:
            for v in self.meta.get(k, []):
                if v.strip():
                    return v
        return None


def _read_sources(tree: HtmlElement, base_url: str | None) -> _Sources:
    """Parse the page's ``<meta>`` tags and JSON-LD once, for all the field functions below."""
    ld_all = _jsonld_objects(tree)
    return _Sources(tree, _meta_map(tree), _article_ld(ld_all), _site_ld(ld_all), _resolve_base(tree, base_url))


def _resolve_base(tree: HtmlElement, base_url: str | None) -> str | None:
    """A ``<base href>`` beats the page's own address because that is what a browser resolves against."""
    base_el = tree.find(".//base[@href]")
    if base_el is not None:
        base_url = resolve_url(base_el.get("href"), base_url) or base_url
    return base_url


def _article_ld(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON-LD article object; a NewsArticle beats a generic WebPage, which says less about it."""
    articles = [o for o in objects if _types(o) & _ARTICLE_TYPES]
    articles.sort(key=lambda o: "webpage" in _types(o) and len(_types(o)) == 1)
    return articles[0] if articles else {}


def _site_ld(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The first JSON-LD WebSite/Organization object: it names the site when the article does not."""
    return next((o for o in objects if _types(o) & {"website", "organization", "newsmediaorganization"}), {})


def _declared_language(src: _Sources) -> str | None:
    """``<html lang>`` first, as browsers do; then the ``Content-Language`` header as a ``<meta>``,
    then other ``<meta>`` and JSON-LD, which are often template defaults. (The article's text
    overrules all of them when it clearly speaks another language: see :func:`_language`.)"""
    html_lang = src.tree.get("lang") or src.tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    return (html_lang or src.first_meta("content-language", "og:locale", "dc.language", "language")
            or _first_str(src.ld.get("inLanguage")))


def _site_name(src: _Sources) -> str | None:
    """``og:site_name`` is the display name, JSON-LD's publisher name often a legal one; an @handle is no name."""
    publisher = src.ld.get("publisher") if isinstance(src.ld.get("publisher"), dict) else {}
    site_name = clean_value(src.first_meta("og:site_name"), max_len=200) or clean_value(
        _first_str(publisher.get("name"), src.site_ld.get("name")), unescape=True, max_len=200
    ) or clean_value(src.first_meta("application-name", "twitter:site"), max_len=200)
    return None if site_name and site_name.startswith("@") else site_name


def _fold_key(text: str) -> str:
    """Lower case, no accents, letters and digits only: 'Aktuálně.cz' → 'aktualnecz'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def _site_forms(site_name: str | None, base_url: str | None) -> set[str]:
    """The ways a page names its site: the site name, its first part, the domain's own label."""
    forms: set[str] = set()
    if site_name:
        forms.add(_fold_key(site_name))
        forms.add(_fold_key(_SUFFIX_SEPARATORS.split(site_name)[0]))
    host = (urlsplit(base_url).hostname or "") if base_url else ""
    labels = [p for p in host.split(".") if p and p not in ("www", "m", "amp")]
    if len(labels) >= 2:
        label = labels[-2] if labels[-2] not in ("co", "com", "org", "net", "gov", "ac") or len(labels) < 3 else labels[-3]
        if len(label) >= 2 and label not in ("fakehost", "localhost"):
            forms.add(_fold_key(label))
            forms.add(_fold_key(".".join(labels[labels.index(label):])))  # "rp.pl"
    return {f for f in forms if len(f) >= 2}


def _domain_form(url: str | None) -> set[str]:
    """The whole domain of ``url`` as a site form ("rp.pl" → {"rppl"}), without "www." or "m."."""
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [p for p in host.split(".") if p]
    while len(labels) > 2 and labels[0] in ("www", "m", "amp"):
        labels = labels[1:]
    return {_fold_key(".".join(labels))} if len(labels) >= 2 else set()


def _names_site(segment: str, forms: set[str]) -> bool:
    """'eHow', 'CBC News', 'rp.pl', 'Aktuálně.cz' name the site of forms {'ehow'}, {'cbc'}, {'rp', 'rppl'}…"""
    key = _fold_key(segment)
    if not key or len(segment.split()) > 6:
        return False
    return any(key == f or (len(f) >= 4 and len(key) >= 4 and (key.startswith(f) or f.startswith(key))) for f in forms)


def _strip_site(title: str, forms: set[str], headings: list[str], authors: tuple[str, ...] = (),
                subheads: tuple[str, ...] = ()) -> str:
    """'Headline | Site', 'Headline - Site', 'Headline · Site' → 'Headline'.

    The part after the last separator goes when it names the site (its name, the first part of
    its name, or its domain) or the author ("… | by Jane Doe", "… | Jane Doe"); without a site
    name, when the page's own ``<h1>`` is the headline before it. What is left is cut further
    only where a heading of the page (an ``<h1>``, or one of ``subheads``, its ``<h2>``) is exactly
    the part before an earlier separator: "Headline | Section | Author" with the headline as a heading.
    """
    for _ in range(3):  # "Headline | Site | by Author"
        seps = list(_SUFFIX_SEPARATORS.finditer(title))
        if not seps:
            break
        last = seps[-1]
        head, tail = title[: last.start()].strip(), title[last.end():].strip()
        if not head or not tail:
            break
        if (
            _names_site(tail, forms)
            or _BYLINE_TAIL_PART.match(tail)
            or any(_same(tail, a) for a in authors)
            or any(_same(head, h) for h in headings)
        ):
            title = head
            continue
        break
    # "Headline | Section | Site": a heading of the page may confirm a headline further in.
    for sep in reversed(list(_SUFFIX_SEPARATORS.finditer(title))[:-1]):
        head = title[: sep.start()].strip()
        if head and any(_same(head, h) for h in (*headings, *subheads)):
            return head
    return title


def _title(src: _Sources, site_name: str | None, authors: tuple[str, ...] = (),
           canonical: str | None = None) -> str | None:
    """Structured titles first (the one the ``<title>`` tab also shows wins), then ``<title>``, then the H1.

    A title that only names the site ("Aktuálně.cz") is no headline, and a site name after the
    headline ("Headline | Site") is cut off. The site's domain is read from where the page came
    from and, as the whole domain only, from its ``canonical`` address: a saved page has only the
    latter, and its title may end in the domain ("… - rp.pl") where ``og:site_name`` says
    "Rzeczpospolita". (The domain's label alone would also cut "… - comwrap auf der DMEXCO".)
    """
    title_el = src.tree.find(".//title")
    page_title = clean_value(title_el.text_content() if title_el is not None else None)
    forms = _site_forms(site_name, src.base_url) | _domain_form(canonical)
    candidates = [clean_value(v, unescape=True) for v in (src.ld.get("headline"), src.ld.get("name"))]
    candidates += [clean_value(src.first_meta(k)) for k in ("dc:title", "dc.title", "dcterms.title", "og:title",
                                                             "twitter:title", "parsely-title", "sailthru.title",
                                                             "title")]
    titles = [c for c in candidates if c and (not site_name or c.casefold() != site_name.casefold())
              and not (forms and _names_site(c, forms) and len(c.split()) <= 3)]
    # Structured titles disagree (Wikipedia's "headline" is a description); the one the page
    # also shows in its <title> is the one readers see in their tab.
    title = next((c for c in titles if page_title and c.casefold() in page_title.casefold()), None)
    title = title or (titles[0] if titles else None)
    if not title and page_title:
        title = _clean_title(page_title, site_name)
    headings = [t for t in (clean_value(h.text_content()) for h in src.tree.iterfind(".//h1")) if t]
    if not title:
        title = headings[0] if headings else None
    if not title:
        return None
    # A blog template's <h1> is often the site's name and the post's headline an <h2>.
    subheads = tuple(t for t in (clean_value(h.text_content()) for h in src.tree.iter("h2")) if t)
    return _strip_site(title, forms, headings, authors, subheads)


# The first step keeps only elements with one of the three attributes, so that the string
# functions run for those alone; without them the tests are false anyway.
_BYLINE_XPATH = etree.XPath(
    '//*[@rel or @itemprop or @class][@rel="author" or contains(concat(" ", @itemprop, " "), " author ")'
    ' or contains(@class, "byline")]'
    "[not(self::link) and not(self::meta) and not(ancestor::footer) and not(ancestor::aside)]")


def _authors(src: _Sources) -> tuple[str, ...]:
    """JSON-LD, then author ``<meta>`` tags, then the visible byline: free-form text is read last."""
    a = src.ld.get("author")
    authors = _authors_from(a if isinstance(a, list) else [a], unescape=True) if a is not None else ()
    if not authors:
        authors = _authors_from([src.first_meta("dc:creator", "dc.creator", "dcterms.creator", "author",
                                                "parsely-author", "sailthru.author", "byl", "article:author")])
    return authors or _byline_authors(src.tree)


def _byline_authors(tree: HtmlElement) -> tuple[str, ...]:
    """The first short element marked as the author or classed "byline": long ones are bios, not bylines."""
    for el in _BYLINE_XPATH(tree)[:5]:
        text = el.text_content()
        authors = _authors_from([text]) if len(text) < 200 else ()
        if authors:
            return authors
    return ()


def _published(src: _Sources, lang: str | None) -> str | None:
    """JSON-LD, then ``<meta>``, then the first ``<time datetime>``, which may date something else on the page."""
    published = _norm_date(_first_str(src.ld.get("datePublished"), src.ld.get("dateCreated")), lang) or _norm_date(
        src.first_meta("article:published_time", "og:article:published_time", "datepublished", "pubdate",
                       "publishdate", "dc.date", "dcterms.created", "dc.date.issued", "date", "parsely-pub-date",
                       "sailthru.date"), lang)
    if not published:
        time_el = src.tree.find(".//time[@datetime]")
        if time_el is not None:
            published = _norm_date(time_el.get("datetime"), lang)
    return published


def _updated(src: _Sources, lang: str | None) -> str | None:
    """JSON-LD, then ``<meta>``; no ``<time>`` fallback, which would most likely be the publication date."""
    return _norm_date(_first_str(src.ld.get("dateModified")), lang) or _norm_date(
        src.first_meta("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified"),
        lang)


def _canonical_url(src: _Sources) -> str | None:
    """``<link rel=canonical>`` is the address the publisher asks search engines to use; og:url, JSON-LD echo it."""
    canonical = next((link.get("href") for link in src.tree.iter("link")
                      if "canonical" in (link.get("rel") or "").lower().split() and link.get("href")), None)
    main = src.ld.get("mainEntityOfPage")
    return resolve_url(canonical, src.base_url) or resolve_url(src.first_meta("og:url"), src.base_url) or resolve_url(
        _first_str(src.ld.get("url"), main.get("@id") if isinstance(main, dict) else main), src.base_url)


def _description(src: _Sources) -> str | None:
    """``<meta>`` descriptions (Open Graph first) are written to be shown under a link; JSON-LD's is a fallback."""
    text = clean_value(src.first_meta("og:description", "description", "twitter:description", "dc.description"),
                       max_len=600) or clean_value(_first_str(src.ld.get("description")), unescape=True, max_len=600)
    return _without_cut_tail(text) if text else None


# A sentence end: ".", "!", "?" or "…", closing quotes, a space, more text.
# (A word is tried from its first letter only: from every letter of a long one, the search took
# time quadratic in its length.)
_SENTENCE_END = rx.compile(r"(?<!\w)(\w*)[.!?…][\"'”’»)]*\s+(?=\S)")
_CLOSED_END = rx.compile(r"[.!?…:;\"'”’»)\]]$")


_ABBREVIATIONS = frozenset(["prof", "corp", "dept", "sept", "bros", "univ", "inc", "ltd", "gen", "col", "capt", "sgt"])


def _ends_sentence(word: str) -> bool:
    """Whether a full stop after ``word`` ends a sentence: after a lower-case word, a word of a
    script without case (Korean "있다."), or a capitalised one of four letters or more (German
    nouns: "Verhandlungen."), but not after "Dr", "U.S", "Prof" or the "12" of "am 12. März"."""
    if len(word) < 2 or word.isdigit() or word.casefold() in _ABBREVIATIONS:
        return False
    if word.islower() or not any(c.islower() or c.isupper() for c in word):
        return True
    return len(word) >= 4 and not word.isupper()


def _without_cut_tail(text: str) -> str:
    """A description cut at a fixed length, or ended by a "Read on" label, loses what follows its
    last whole sentence: "… polityki imigracyjnej. Z", "… gewählt. Er", "… decisions. Read on".

    Only a tail of three words or fewer goes; a longer one is more likely a last sentence the
    publisher wrote without a full stop ("… bajo sus amenazas"); see :func:`_ends_sentence`.
    """
    if _CLOSED_END.search(text):
        return text
    cut = None
    for m in _SENTENCE_END.finditer(text):
        word = m.group(1)
        if text[m.end(1)] != "." or _ends_sentence(word):
            cut = m
    if cut is None or len(text[cut.end():].split()) > 3:
        return text
    return text[: cut.end()].rstrip().removesuffix(" …").removesuffix(" ...")  # "… technology. … Continued"


def _lead_image(src: _Sources) -> tuple[str | None, str | None, str | None, str | None]:
    """(url, alt, caption, credit): the share image first, as chosen for previews; JSON-LD and ``<img>`` fill in."""
    ld_img, ld_caption, ld_credit = _image_from_ld(src.ld.get("image"))
    url = resolve_url(src.first_meta("og:image:secure_url", "og:image", "og:image:url", "twitter:image",
                                     "twitter:image:src"), src.base_url) or resolve_url(ld_img, src.base_url)
    alt = clean_value(src.first_meta("og:image:alt", "twitter:image:alt"))
    caption = clean_value(ld_caption, unescape=True)
    credit = clean_value(ld_credit, unescape=True, max_len=200)
    if url:
        alt, caption = _image_from_page(src.tree, url, alt, caption)
    return url, alt, caption, credit


def _image_from_page(
    tree: HtmlElement, url: str, alt: str | None, caption: str | None
) -> tuple[str | None, str | None]:
    """(alt, caption) of the lead image, the missing ones filled from its ``<img>``/``<figure>`` in the page."""
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    if len(name) < 5:
        return alt, caption
    for img in tree.iter("img"):
        src = img.get("src") or img.get("data-src") or ""
        if name not in src and name not in (img.get("srcset") or ""):
            continue
        if not alt:
            alt = clean_value(img.get("alt"))
        if not caption:
            fig = next((a for a in img.iterancestors("figure")), None)
            cap = fig.find(".//figcaption") if fig is not None else None
            if cap is not None:
                caption = clean_value(cap.text_content())
        break
    return alt, caption


def _tags(src: _Sources) -> tuple[str, ...]:
    """The article's own tags and JSON-LD keywords; the keyword ``<meta>`` lists only when neither exists."""
    tags: list[str] = list(src.meta.get("article:tag", []))
    kw = src.ld.get("keywords")
    if isinstance(kw, str):
        tags += kw.split(",")
    elif isinstance(kw, list):
        tags += [k for k in kw if isinstance(k, str)]
    if not tags:
        for key in ("news_keywords", "keywords", "parsely-tags", "sailthru.tags"):
            if key in src.meta:
                tags += src.meta[key][0].split(",")
                break
    parts = [p for t in tags for p in (_TAG_LIST.split(t) if _TAG_LIST.search(t) else [t])]
    return clean_list([t for t in parts if t.strip() and not is_cms_tag(t)], unescape=True, limit=20)


# A tag list squeezed into one value: "Oceans,New Zealand,Environment", "a; b; c".
_TAG_LIST = rx.compile(r"\s*[;,]\s*")
# Tags a CMS or tracker sets for itself, not topics for readers: "_no-apple-news", "channel_other",
# "ctp_video", "Lite:true", "section-Articles", "stream-23490979", "front-page".
_CMS_TAG = rx.compile(
    r"^_|^[\x21-\x7e]*_[\x21-\x7e]*$|^[^\s:=]+[:=][^\s]*$|[-_]\d{4,}$|^\d+$|"
    r"^(?:section|channel|category|cat|type|format|template|layout|stream|feed|placement|position|featured|homepage|"
    r"hp|no|noindex|nofollow|hide|hidden|exclude|internal|sponsored|paid|syndication|syndicated|apple-news|amp|fb|"
    r"ctp|cms|wp|pmc|tracking|utm|author|site|page|content|article|storytype|story-type|primary|secondary)[-_:]|"
    r"^(?:front-?page|top-?stories|breaking-?news-?banner|evergreen|paywall|premium|free|metered|noads|no-ads|"
    r"sponsored|promoted|advertorial|test|draft)$",
    re.I,
)


def is_cms_tag(tag: str) -> bool:
    """Whether ``tag`` is a CMS or tracking label rather than a topic a reader would recognise."""
    tag = tag.strip()
    return bool(_CMS_TAG.search(tag)) and not any(ord(c) > 0x2FF for c in tag)


def extract_metadata(tree: HtmlElement, base_url: str | None = None) -> PageMetadata:
    """Read title, authors, dates, site, canonical URL, image, description, language and tags.

    ``base_url`` (the page's own address) resolves relative URLs; a ``<base href>`` in the page
    takes precedence, as it does in a browser. Each field has its own order of sources (see the
    ``_title``, ``_authors``, ... functions above).
    """
    src = _read_sources(tree, base_url)
    lang = _declared_language(src)  # as written: dates are read in it before it is normalised
    site_name = _site_name(src)
    image_url, image_alt, image_caption, image_credit = _lead_image(src)
    authors = _authors(src)
    url = _canonical_url(src)
    return PageMetadata(
        title=_title(src, site_name, authors, url),
        authors=authors,
        published=_published(src, lang),
        updated=_updated(src, lang),
        site_name=site_name,
        url=url,
        description=_description(src),
        language=normalize_language(clean_value(lang), default="") or None,
        image_url=image_url,
        image_alt=image_alt,
        image_caption=image_caption,
        image_credit=image_credit,
        tags=_tags(src),
        base_url=src.base_url,
    )


# --------------------------------------------------------------------------------------------
# Body: trafilatura's XML → typed blocks with spans

_INLINE_KIND = {"#i": "em", "#b": "strong", "#t": "code", "#u": None, "#sub": None, "#sup": None}


class _BlockBuilder:
    """Collects the text of one block and the spans inside it while walking inline elements."""

    def __init__(self, base_url: str | None) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[Span] = []
        self.base_url = base_url

    def add(self, text: str | None) -> None:
        if not text:
            return
        text = _WS.sub(" ", normalize_text(text))
        if not text:
            return
        if (not self.parts or self.parts[-1].endswith((" ", "\n"))) and text.startswith(" "):
            text = text.lstrip(" ")
        self.parts.append(text)
        self.length += len(text)

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            if self.parts[-1].endswith(" "):
                self.parts[-1] = self.parts[-1].rstrip(" ")
                self.length = sum(len(p) for p in self.parts)
            self.parts.append("\n")
            self.length += 1

    def walk(self, el: etree._Element, depth: int = 0) -> None:
        self.add(el.text)
        for child in el:
            if not isinstance(child.tag, str):
                self.add(child.tail)
                continue
            tag = child.tag
            if tag == "lb":
                self.newline()
            elif tag in ("graphic",):
                pass
            elif depth < 50:
                start = self.length
                self.walk(child, depth + 1)
                kind: str | None = None
                url: str | None = None
                if tag == "ref":
                    url = resolve_url(child.get("target"), self.base_url)
                    kind = "link" if url else None
                elif tag == "hi":
                    kind = _INLINE_KIND.get(child.get("rend") or "")
                elif tag == "code":
                    kind = "code"
                elif tag == "del":
                    kind = None
                if kind and self.length > start:
                    self.spans.append(Span(start, self.length, kind, url))
            self.add(child.tail)

    def block(self, kind: str) -> Block | None:
        return trimmed_block(kind, "".join(self.parts), self.spans)


def _inline_block(el: etree._Element, kind: str, base_url: str | None) -> Block | None:
    b = _BlockBuilder(base_url)
    b.walk(el)
    return b.block(kind)


def _body_blocks(body: etree._Element, base_url: str | None) -> list[Block]:
    blocks: list[Block] = []

    def emit(block: Block | None) -> None:
        if block is not None:
            blocks.append(block)

    def visit(el: etree._Element, quote: bool = False, depth: int = 0) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if depth > 60 or tag in ("graphic", "lb", ""):
            return
        if tag == "head":
            emit(_inline_block(el, "heading", base_url))
        elif tag == "list":
            for item in el:
                if item.tag == "item":
                    visit_item(item, quote, depth + 1)
                else:
                    visit(item, quote, depth + 1)
        elif tag == "quote":
            if any(isinstance(c.tag, str) and c.tag in ("p", "list", "head", "quote", "table") for c in el):
                if el.text and el.text.strip():
                    emit(_text_block(el.text, "quote"))
                for child in el:
                    visit(child, True, depth + 1)
                    if child.tail and child.tail.strip():
                        emit(_text_block(child.tail, "quote"))
            else:
                emit(_inline_block(el, "quote", base_url))
        elif tag == "table":
            for row in el.iter("row"):
                cells = [_inline_block(c, "paragraph", base_url) for c in row if c.tag == "cell"]
                text = " | ".join(c.text for c in cells if c is not None)
                if text:
                    emit(Block("quote" if quote else "paragraph", text))
        elif tag in ("div", "body", "section", "main", "article") or (
            tag == "p" and any(isinstance(c.tag, str) and c.tag in ("p", "list", "table", "head") for c in el)
        ):
            if el.text and el.text.strip():
                emit(_text_block(el.text, "quote" if quote else "paragraph"))
            for child in el:
                visit(child, quote, depth + 1)
                if child.tail and child.tail.strip():
                    emit(_text_block(child.tail, "quote" if quote else "paragraph"))
        else:
            emit(_inline_block(el, "quote" if quote else "paragraph", base_url))

    def visit_item(item: etree._Element, quote: bool, depth: int) -> None:
        nested = [c for c in item if c.tag == "list"]
        if not nested:
            emit(_inline_block(item, "list_item", base_url))
            return
        # The item's own words first, then its sub-list as further list items.
        shallow = etree.Element("item")
        shallow.text = item.text
        for c in item:
            if c.tag == "list":
                break
            shallow.append(_copy(c))
        emit(_inline_block(shallow, "list_item", base_url))
        for c in nested:
            visit(c, quote, depth + 1)

    for child in body:
        visit(child)
    return blocks


def _copy(el: etree._Element) -> etree._Element:
    from copy import deepcopy

    return deepcopy(el)


def _text_block(text: str, kind: str) -> Block | None:
    t = _WS.sub(" ", normalize_text(text)).strip()
    return Block(kind, t) if t else None


# Class or id tokens of page furniture that extractors sometimes keep: ad slots, consent
# banners, newsletter boxes, share bars, "read more"/related teasers, comment threads.
# ("paywall"/"subscriber" are not here: paywalled sites wrap the article itself in them.)
_FURNITURE = rx.compile(
    r"^(?:ads?|advert\w*|ad[-_]\w+|\w+[-_]ads?|dfp\w*|sponsor\w*|promo(?:tion)?s?|newsletter\w*|"
    r"cookie\w*|consent\w*|gdpr\w*|onetrust\w*|cmp[-_]\w+|social[-_]?(?:share|media|links|icons)\w*|"
    r"share[-_]?(?:bar|buttons?|tools|links|box)\w*|sharing|related[-_]?\w*|read[-_]?more\w*|"
    r"more[-_]news|outbrain\w*|taboola\w*|comments?(?:[-_]\w+)?|disqus\w*)$",
    re.I,
)
_KEEP_TAGS = {"html", "body", "main", "article", "head"}
_RELATED = rx.compile(r"^(?:related[-_]?\w*|read[-_]?more\w*|more[-_]news|see[-_]?also)$", re.I)
_MAX_RELATED = 5


_RELATED_MARK, _FURNITURE_MARK = 2, 1
_token_marks: dict[str, int] = {}  # class/id token -> its marks; pages share most of their tokens


def _marks(names: str) -> int:
    """Which of ``_RELATED`` and ``_FURNITURE`` match a whole token of a class or id value.

    Each distinct token is matched once per process and its verdict kept: class names repeat
    within a page and across a site's pages, and a dictionary look-up per token is cheaper than
    one search of a large pattern per value.
    """
    found = 0
    for token in names.split():
        mark = _token_marks.get(token)
        if mark is None:
            mark = (_RELATED_MARK if _RELATED.match(token) else 0) | (_FURNITURE_MARK if _FURNITURE.match(token) else 0)
            if len(_token_marks) >= 100_000:
                _token_marks.clear()
            _token_marks[token] = mark
        found |= mark
    return found


_CLASS_AND_ID = etree.XPath("//@class | //@id")


def _marked_elements(tree: HtmlElement) -> tuple[list[HtmlElement], list[HtmlElement]]:
    """(related boxes, furniture) in document order, from one pass over the page's class and id
    values.

    lxml finds the values in C and hands them over as strings that know their element, so a
    Python element object — the dear part, with lxml.html's class lookup run for each — is
    made only for the few values that name furniture or a related box. An element's class and
    id come one after the other in document order, so an element named by both is listed once.
    """
    related: list[HtmlElement] = []
    furniture: list[HtmlElement] = []
    for value in _CLASS_AND_ID(tree):
        mark = _marks(value)
        if not mark:
            continue
        el = value.getparent()
        if el.tag in _KEEP_TAGS:
            continue
        if mark & _RELATED_MARK and (not related or related[-1] is not el):
            related.append(el)
        if mark & _FURNITURE_MARK and (not furniture or furniture[-1] is not el):
            furniture.append(el)
    return related, furniture


def _related_links(boxes: list[HtmlElement], base_url: str | None) -> tuple[Related, ...]:
    """Headlines linked from "Related" / "Read more" boxes: kept as data, never as body text.

    Only links that read like headlines (three words or more) count, so "More", "Next" and
    section names are left out.
    """
    found: list[Related] = []
    seen: set[str] = set()
    for el in boxes:
        for a in el.iter("a"):
            title = clean_value(a.text_content(), max_len=300)
            url = resolve_url(a.get("href"), base_url)
            if not title or not url or len(title.split()) < 3 or url in seen:
                continue
            seen.add(url)
            found.append(Related(title=title, url=url))
            if len(found) >= _MAX_RELATED:
                return tuple(found)
    return tuple(found)


def _prune_furniture(tree: HtmlElement, doomed: list[HtmlElement]) -> None:
    """Remove the elements whose class or id names them as furniture (see ``_FURNITURE``).

    A safety valve keeps any element that holds most of the page's text: a site that
    puts ``class="ad-free"`` on its article wrapper must not lose the article.
    """
    body = tree.find(".//body")
    total = len((body if body is not None else tree).text_content()) or 1
    for el in doomed:
        if el.getparent() is not None and len(el.text_content()) < 0.4 * total:
            el.drop_tree()


_FALLBACK_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
                  "template", "svg", "button", "select", "textarea", "object", "embed")


def _fallback_blocks(tree: HtmlElement, base_url: str | None) -> list[Block]:
    """For short pages trafilatura rejects: the page's own paragraphs, headings and list items."""
    from copy import deepcopy

    root = deepcopy(tree)
    for path in ("//" + " | //".join(_FALLBACK_DROP), '//*[@hidden or @aria-hidden="true"]'):
        for el in root.xpath(path):
            if el.getparent() is not None:  # (a broken page's root may itself be an <svg>: it stays)
                el.drop_tree()
    scope = root.find(".//article") or root.find(".//main") or root.find(".//body")
    if scope is None:
        scope = root
    blocks: list[Block] = []
    kinds = {"p": "paragraph", "li": "list_item", "blockquote": "quote", "pre": "paragraph",
             **{f"h{i}": "heading" for i in range(1, 7)}}
    for el in scope.iter(*kinds):
        if any(a.tag in kinds for a in el.iterancestors()):
            continue
        b = _BlockBuilder(base_url)
        _walk_html_inline(b, el)
        block = b.block(kinds[el.tag])
        if block:
            blocks.append(block)
    if not blocks:
        # No paragraph markup at all: the visible text, one block per non-empty line.
        for line in scope.text_content().splitlines():
            block = _text_block(line, "paragraph")
            if block:
                blocks.append(block)
    return blocks


def _walk_html_inline(b: _BlockBuilder, el: HtmlElement, depth: int = 0) -> None:
    b.add(el.text)
    for child in el:
        if not isinstance(child.tag, str):
            b.add(child.tail)
            continue
        if child.tag == "br":
            b.newline()
        elif depth < 50:
            start = b.length
            _walk_html_inline(b, child, depth + 1)
            kind = {"a": "link", "em": "em", "i": "em", "strong": "strong", "b": "strong", "code": "code"}.get(child.tag)
            url = resolve_url(child.get("href"), b.base_url) if kind == "link" else None
            if kind == "link" and not url:
                kind = None
            if kind and b.length > start:
                b.spans.append(Span(start, b.length, kind, url))
        b.add(child.tail)


# --------------------------------------------------------------------------------------------


def _trafilatura_body(tree: HtmlElement, settings: HtmlSettings, favor_precision: bool) -> etree._Element | None:
    import trafilatura

    try:
        with python_prunes():  # its regex prunes in Python: same elements, a third of the time
            doc = trafilatura.bare_extraction(
                tree,
                # No URL: trafilatura would resolve links against the site root; we resolve them
                # ourselves against the page (see _BlockBuilder), as a browser does.
                url=None,
                favor_precision=favor_precision,
                favor_recall=settings.favor_recall,
                include_comments=False,
                include_tables=settings.include_tables,
                include_links=True,
                include_formatting=True,
                include_images=False,
                no_fallback=not settings.fallbacks,
                with_metadata=False,  # our own metadata first; trafilatura's only for the gaps
            )
    except RecursionError as exc:
        raise InputError("the HTML page is nested too deeply to read; save it again or paste its text") from exc
    return None if doc is None else doc.body


def _paragraph_chars(tree: HtmlElement) -> int:
    """Characters of text in the page's ``<p>`` elements (a ``<p>`` inside another counts twice:
    this is an upper estimate, which only errs towards running the second pass)."""
    return sum(len(p.text_content()) for p in tree.iter("p"))


def _extract_body(tree: HtmlElement, base_url: str | None, settings: HtmlSettings) -> list[Block]:
    """trafilatura's body in precision mode, or in its default mode where precision mode cut it short.

    The default-mode pass costs as much as the first and wins on few pages (5 of the 90 short
    first passes on the 463 corpus HTML pages: AEB, Readability's tests, pasted-meta). On each
    of those it won back paragraphs — ``<p>`` text — that precision mode had discarded as
    boilerplate, so it is asked only when the page's paragraphs hold at least 1/ratio times the
    first pass's text, the least it must find to be used. That is a test on evidence, not a
    bound: the default mode can also take text from elsewhere (lists, ``<div>`` text, jusText's
    or readability's picks), and a page where only that would win now keeps the precision text.
    On the corpus it runs the second pass on 15 of those 90 pages (3 of AEB's 33) and changes
    no output.
    """
    body = _trafilatura_body(tree, settings, settings.favor_precision)
    blocks = _body_blocks(body, base_url) if body is not None else []
    size = sum(len(b.text) for b in blocks)
    if (settings.favor_precision and size < settings.second_look_below_chars
            and size <= settings.second_look_ratio * _paragraph_chars(tree)):
        other = _trafilatura_body(tree, settings, False)
        other_blocks = _body_blocks(other, base_url) if other is not None else []
        if size < settings.second_look_ratio * sum(len(b.text) for b in other_blocks):
            blocks = other_blocks
    return blocks


def _fill_gaps(tree: HtmlElement, md: PageMetadata, base_url: str | None) -> None:
    """trafilatura's metadata heuristics, only for what the page's own metadata left out.

    They cost about as much as the body extraction, so most pages with structured data skip
    them. Dates come from htmldate without its "extensive" search, which guesses from any
    date-like text on the page: a missing date is better than a wrong one.
    """
    if md.title and md.authors and md.published and md.site_name:
        return
    try:
        doc = _trafilatura_metadata(tree, title=not md.title, author=not md.authors, date=not md.published,
                                    site=not md.site_name)
    except (ValueError, TypeError, RecursionError):
        return
    md.title = md.title or clean_value(doc.title)
    if not md.authors and doc.author:
        md.authors = _authors_from([doc.author])
    md.published = md.published or _norm_date(doc.date)
    md.site_name = md.site_name or clean_value(doc.sitename, max_len=200)
    md.description = md.description or clean_value(doc.description, max_len=600)
    md.image_url = md.image_url or resolve_url(doc.image, base_url)


# Every hook trafilatura's author search (``trafilatura.metadata.AUTHOR_XPATHS``) can match on:
# the attributes it tests and, case folded, a part of each value it tests for. A page without any
# of them gives that search no candidate, on the page or on the pruned copy it searches.
_AUTHOR_ATTRS = etree.XPath("//@class | //@id | //@itemprop | //@rel | //@data-testid | //@data-component",
                            smart_strings=False)
_AUTHOR_HINT = rx.compile(r"author|byl|bbl|writer|screenname|username|zuozhe|bianji|xiaobian|channel-name|"
                          r"submitted-by|posted-by|journalist-name", re.I)
_AUTHOR_XPATHS_CRC = 0x2009F808  # the expressions the hints above were read from (trafilatura 2.3)


def _may_name_author(tree: HtmlElement) -> bool:
    """False only when trafilatura's author search cannot find a candidate on this page.

    That search copies the whole page, prunes the copy and runs three XPath expressions with
    regular expressions over every element: ~5 ms a page, and on more than half of the pages
    that reach it (23 of 40 on AEB) nothing on the page could match. Checking the attribute
    values it looks at costs a fraction of that. With other expressions than the ones read here
    (another trafilatura), the search always runs.
    """
    import zlib

    from trafilatura.metadata import AUTHOR_XPATHS

    if zlib.crc32("\n".join(x.path for x in AUTHOR_XPATHS).encode()) != _AUTHOR_XPATHS_CRC:
        return True
    if tree.find(".//author") is not None or tree.find(".//rel") is not None:  # //author, and rel='me'
        return True
    return _AUTHOR_HINT.search("\n".join(_AUTHOR_ATTRS(tree))) is not None


def _trafilatura_metadata(tree: HtmlElement, *, title: bool, author: bool, date: bool, site: bool) -> Any:
    """``trafilatura.metadata.extract_metadata(tree, None, set_date_params(False))``, step for
    step, without the steps whose fields composer will not use: the date search (htmldate, the
    dearest step) only without a published date, the author search only without authors, and
    never categories, tags or licence. Each field trafilatura computes depends only on the
    steps before it that are kept here, and its functions do not change the tree, so every field
    asked for is the one the whole run gives (tested field by field on the corpus pages).
    """
    from trafilatura.metadata import (
        META_URL,
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
        find_date,
    )
    from trafilatura.settings import set_date_params

    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    with contextlib.suppress(Exception):  # as trafilatura does: a bug in its JSON-LD reader costs that step only
        metadata = extract_meta_json(tree, metadata)
    if title and not metadata.title:
        metadata.title = extract_title(tree)
    if author and not metadata.author:
        metadata.author = extract_author(tree) if _may_name_author(tree) else None
    if (date or site) and not metadata.url:
        metadata.url = extract_url(tree, None)
    if date:
        date_config = set_date_params(False)
        date_config["url"] = metadata.url
        metadata.date = None
        # (htmldate drops the elements it cleans away by their parent: on a broken page whose root
        # is itself one of them, an <svg>, it fails an assertion; that costs the date only)
        with contextlib.suppress(AssertionError):
            metadata.date = find_date(tree, **date_config)
    if site:
        if not metadata.sitename:
            metadata.sitename = extract_sitename(tree)
        if metadata.sitename:
            metadata.sitename = metadata.sitename.lstrip("@")
            if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
                metadata.sitename = metadata.sitename.title()
        elif metadata.url:
            found = META_URL.match(metadata.url)
            if found:
                metadata.sitename = found[1]
    metadata.clean_and_trim()
    return metadata


# trafilatura parses every page with one module-level lxml parser, and a tree keeps its parser's
# string dictionary: a page parsed in one thread while another thread copies or walks its own tree
# aborts the interpreter in libxml2 (seen when a feed's pages were read concurrently). One page at
# a time goes through lxml; fetching, the pasted-text reader and summarising stay concurrent.
_LXML_LOCK = threading.Lock()


def parse(text: str, source: Source, settings: HtmlSettings = DEFAULT_SETTINGS) -> Article:
    """Parse an HTML page into an Article (``source.path`` is the page URL for fetched pages)."""
    with _LXML_LOCK:
        article = _parse(text, source, settings)
    return defang_article(article)  # ("&lt;script&gt;" in a paragraph is decoded into a tag's shape)


def _parse(text: str, source: Source, settings: HtmlSettings) -> Article:
    base_url = resolve_url(source.path) if source.path else None
    tree = _load_tree(text)
    md = extract_metadata(tree, base_url)
    # A saved page has no address of its own; its canonical URL is the best base it has.
    base_for_links = md.base_url or md.url
    related_boxes, furniture = _marked_elements(tree)
    related = _related_links(related_boxes, base_for_links)
    if settings.prune_furniture:
        _prune_furniture(tree, furniture)
    blocks = _extract_body(tree, base_for_links, settings)
    if not blocks:
        blocks = _fallback_blocks(tree, base_for_links)
    if not blocks:
        raise InputError(f"{source.path or 'the HTML page'}: no article text found; is this the article page itself?")
    _fill_gaps(tree, md, base_for_links)
    if settings.drop_title_heading and md.title and blocks[0].type == "heading" and _same(blocks[0].text, md.title):
        blocks = blocks[1:] or blocks
    standfirst = md.description
    if standfirst and _same(blocks[0].text, standfirst):
        # A description that merely repeats the first paragraph adds nothing as a standfirst.
        standfirst = None
    if standfirst and not _about_article(standfirst, md.title, blocks):
        standfirst = None
    language = _language(md.language, "\n".join(b.text for b in blocks[:30]))
    image = None
    if md.image_url:
        image = Image(url=md.image_url, caption=md.image_caption, credit=md.image_credit, alt=md.image_alt)
    return Article(
        title=md.title,
        body=tuple(blocks),
        standfirst=standfirst,
        authors=md.authors,
        published=md.published,
        updated=md.updated,
        url=md.url or base_url,
        site_name=md.site_name,
        language=language,
        image=image,
        related=related,
        tags=md.tags,
        source=source,
    )


def _language(declared: str | None, text: str) -> str:
    """The declared language, unless the article's own words clearly say another.

    Templates declare ``<html lang="en">`` around German articles; the text decides when its
    function words are unambiguous (:func:`composer.lang.clear_language`), else the declaration
    stands, and with no declaration the text is asked in the usual way.
    """
    spoken = clear_language(text)
    if spoken and spoken != declared and not (declared and declared not in SUPPORTED and spoken not in SUPPORTED):
        # (A page declared Ukrainian that reads as Russian to a letter count keeps its declaration:
        # between two languages outside the seven the page knows better.)
        return spoken
    return declared or detect_language(text)


_LONG_WORD = rx.compile(r"[^\W\d_]{4,}")


def _word_stems(text: str) -> set[str]:
    return {w.casefold()[:5] for w in _LONG_WORD.findall(text)}


def _about_article(description: str, title: str | None, blocks: Sequence[Block]) -> bool:
    """Whether a page's description speaks of its article rather than of the site.

    Many sites put one description on every page ("Bringing Taiwan to the World and the World to
    Taiwan", "Nicolas Perriault's homepage."): shown as the story's standfirst it misleads the
    reader. A description with three or more words of four letters or more, fewer than two of
    which (by their first five letters, so that "developers" meets "Developer") the title and the
    first paragraphs use, is taken for such a blurb. Shorter ones, and text without spaced words,
    are kept: there is too little to judge by.
    """
    words = _word_stems(description)
    if len(words) < 3:
        return True
    seen = _word_stems(title or "")
    for block in blocks[:30]:
        seen |= _word_stems(block.text)
    return len(words & seen) >= 2


def _same(a: str, b: str) -> bool:
    return _WS.sub(" ", a).strip().casefold() == _WS.sub(" ", b).strip().casefold()
