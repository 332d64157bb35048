"""Newsletter rendering: (articles, summaries, theme) → MJML → responsive HTML, plus a text part.

The MJML is rendered once per issue; personalisation (names, unsubscribe links) happens later
on the rendered bytes, because MJML is the expensive step. Per-recipient values therefore
appear in the output as *markers* (see ``newsletter/merge.py``) that the personaliser swaps.

Templates are Jinja2 with autoescape, so nothing from an article is ever trusted as markup;
on top of that every article-derived string is forced onto one line and stripped of marker
characters here, so an article can neither break the layout nor forge a merge field.

Two HTML documents come out of one issue: ``html`` (the email, with markers) and
``archive_html`` (the "view in browser" page: no markers, no unsubscribe link, no link to itself).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from typing import Any

import jinja2
from markupsafe import Markup, escape

from composer import regexcache as rx
from composer import templating
from composer.article import Article, Summary
from composer.checks import is_hex_colour
from composer.cldr import format_long_date, format_name_list
from composer.config import Settings, Theme
from composer.errors import RenderError, TemplateError
from composer.lang import normalize_language
from composer.links import checked_link
from composer.newsletter import merge
from composer.textutil import clean_line, one_line

RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"})

#: Above this the size guard warns; Gmail clips a message's HTML at 102 KB (and with it the
#: unsubscribe link), which the CLI's ``--strict`` turns into a failure.
WARN_BYTES = 90_000
CLIP_BYTES = 102_000

PREHEADER_CHARS = 150


@dataclass(frozen=True)
class Entry:
    """One article as the newsletter shows it."""

    article: Article
    summary: Summary


@dataclass(frozen=True)
class Issue:
    """What one newsletter contains: one entry for a single issue, several for a digest."""

    entries: tuple[Entry, ...]
    subject: str
    kind: str = "single"  # "single" | "digest"
    archive_url: str | None = None
    date: dt.date | None = None

    @property
    def language(self) -> str:
        """The language of the first article (summary first: it may have been detected)."""
        return normalize_language(self.entries[0].summary.language or self.entries[0].article.language)

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class Rendered:
    """Everything rendered for one issue. ``html``/``text`` carry merge-field markers."""

    mjml: str
    html: str
    text: str
    subject: str
    preheader: str
    language: str
    warnings: tuple[str, ...] = field(default_factory=tuple)
    archive_html: str = ""

    @property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8"))


# --- cleaning ---------------------------------------------------------------------------------

_MARKER_CHARS = rx.compile(f"[{merge.OPEN}{merge.CLOSE}]")


def clean(value: str | None) -> str:
    """An article-derived string fit for the templates: one line, no merge-marker characters.

    Ingest already removes the markers; doing it again here means an Article built by a library
    user (or loaded from hand-edited JSON) cannot forge a per-recipient field either.
    """
    if not value:
        return ""
    return clean_line(_MARKER_CHARS.sub("", value))




def clean_subject(value: str | None) -> str:
    """The subject on one line, but with the author's own spacing: double spaces are kept.

    Subjects must survive the trip through RFC 2047 exactly (gh-92081 is about lost spaces),
    so unlike :func:`clean` this does not collapse runs of spaces; it only turns line breaks
    into spaces and drops controls, invisible direction marks and merge-marker characters.
    """
    if not value:
        return ""
    return one_line(_MARKER_CHARS.sub("", value))


_FONT_BAD = rx.compile(r"[;{}<>\"\\\r\n]")
_COLOUR_FIELDS = ("accent", "accent_text", "text_color", "background", "dark_background", "dark_text", "dark_link")
_FONT_FIELDS = ("font", "heading_font")


def _hex_rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _mix(a: str, b: str, t: float) -> str:
    """``a`` moved ``t`` of the way towards ``b`` (both hex colours)."""
    ra, rb = _hex_rgb(a), _hex_rgb(b)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ra, rb, strict=True))


def theme_context(theme: Theme) -> dict[str, Any]:
    """The theme as the templates see it, with derived colours.

    Values land inside CSS and attributes, so a malformed colour or font (a ``Theme`` built in
    code, not through ``load_settings``' validation) falls back to the default instead of
    breaking out of the style block.
    """
    default = Theme()
    out: dict[str, Any] = {f.name: getattr(theme, f.name) for f in fields(Theme)}
    for name in _COLOUR_FIELDS:
        if not is_hex_colour(out[name]):
            out[name] = getattr(default, name)
    for name in _FONT_FIELDS:
        if not (isinstance(out[name], str) and out[name].strip() and not _FONT_BAD.search(out[name])):
            out[name] = getattr(default, name)
    out["name"] = clean(theme.name) or default.name
    out["logo_url"] = checked_link(theme.logo_url) if theme.logo_url else None
    out["address"] = clean(theme.address) or None
    out["footer"] = clean(theme.footer) or None
    out["muted_color"] = _mix(out["text_color"], "#ffffff", 0.35)
    out["dark_page"] = _mix(out["dark_background"], "#000000", 0.4)
    out["dark_muted"] = _mix(out["dark_text"], out["dark_background"], 0.3)
    out["dark_rule"] = _mix(out["dark_background"], out["dark_text"], 0.2)
    return out


# --- dates and words --------------------------------------------------------------------------


def format_date(value: str | dt.date | None, language: str) -> str | None:
    """A date as readers of ``language`` write it ("14. März 2025"); ISO when the locale is unknown."""
    if not value:
        return None
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    else:
        day = value
    return format_long_date(day, language)



def words_language(language: str, translations: object) -> str:
    """The language the newsletter's own words are in: ``language`` where a catalog translates
    them (or it is English), else English.

    Dates and name lists are written in that language too, so that a Russian article, whose
    template words fall back to English, reads "By A and B · May 14, 2025 · 5 min read", not
    "By A и B · 14 мая 2025 г. · 5 min read". The article's own text, and ``lang``, stay Russian.
    """
    import gettext

    if isinstance(translations, gettext.GNUTranslations) or normalize_language(language).split("-")[0] == "en":
        return language
    return "en"


def format_names(names: list[str], language: str) -> str:
    """"A, B and C" in the reader's language."""
    return format_name_list(names, language)


# --- context ----------------------------------------------------------------------------------


def _entry_context(entry: Entry, index: int, language: str, gettext: Any, ngettext: Any) -> dict[str, Any]:
    a, s = entry.article, entry.summary
    title = clean(a.title) or clean(s.title) or clean(s.tldr) or gettext("Untitled")
    image = None
    if a.image and checked_link(a.image.url):
        # mjml-python omits an empty alt, so there is always some text: the caption or the title.
        alt = clean(a.image.alt) or clean(a.image.caption) or title
        image = {"url": checked_link(a.image.url), "alt": alt[:300], "caption": clean(a.image.caption) or None,
                 "credit": clean(a.image.credit) or None}
    lead = clean(a.standfirst) or clean(s.tldr) or None
    seen = {(lead or "").casefold()}
    key_points = []
    for point in s.key_points:
        p = clean(point)
        if p and p.casefold() not in seen:
            seen.add(p.casefold())
            key_points.append(p)
    authors = [n for n in (clean(x) for x in a.authors) if n]
    date = format_date(a.published, language)
    meta = []
    if authors:
        meta.append(gettext("By %(authors)s") % {"authors": format_names(authors, language)})
    if date:
        meta.append(date)
    if s.reading_time_min and s.reading_time_min > 0:
        meta.append(ngettext("%(num)d min read", "%(num)d min read", s.reading_time_min) % {"num": s.reading_time_min})
    related = []
    for r in a.related:
        rt = clean(r.title)
        if rt:
            related.append({"title": rt, "url": checked_link(r.url)})
    return {
        "anchor": f"story-{index + 1}",
        "title": title,
        "url": checked_link(a.url),
        "authors": authors,
        "date": date,
        "meta": meta,
        "site_name": clean(a.site_name) or None,
        "image": image,
        "lead": lead,
        "key_points": key_points,
        "related": related,
        "reading_time_min": s.reading_time_min,
        "tags": [t for t in (clean(x) for x in a.tags) if t],
    }


def _preheader(text: str) -> str:
    """At most ``PREHEADER_CHARS``, cut at a word boundary, so the inbox line ends cleanly."""
    if len(text) <= PREHEADER_CHARS:
        return text
    cut = text[: PREHEADER_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:·-–— ")
    return cut + "…"


def unsubscribe_available(settings: Settings) -> bool:
    """An unsubscribe route exists: the web one under ``SITE_URL`` or a mailto address."""
    return bool(settings.site_url or settings.unsubscribe_mailto)


def issue_context(issue: Issue, theme: Theme, settings: Settings, *, archive: bool = False) -> dict[str, Any]:
    """The plain data the templates see; built once and shared by the MJML and text templates.

    ``archive`` builds the context of the web copy: no per-recipient markers at all.
    """
    from composer.newsletter import i18n

    language = issue.language
    translations = i18n.translations(language)
    gettext, ngettext = translations.gettext, translations.ngettext
    words = words_language(language, translations)
    entries = [_entry_context(e, i, words, gettext, ngettext) for i, e in enumerate(issue.entries)]
    first = entries[0]
    digest = issue.kind == "digest"
    preheader = " · ".join(e["title"] for e in entries) if digest else (first["lead"] or first["title"])
    theme_ctx = theme_context(theme)
    greeting_html = greeting_text = None
    if theme_ctx["greeting"] and not archive:
        # The fallback ("there" → "Hello there,") is part of the marker, so a recipient without
        # a name still gets a grammatical line in their language.
        name = merge.marker("name", gettext("there"))
        phrase = gettext("Hello %(name)s,")
        greeting_html = Markup(escape(phrase)) % {"name": name}
        greeting_text = phrase % {"name": str(name)}
    start, end = ("right", "left") if issue.direction == "rtl" else ("left", "right")
    return {
        "issue": {
            "kind": issue.kind,
            "subject": clean_subject(issue.subject),
            "preheader": _preheader(clean(preheader)),
            "language": language,
            # the newsletter's own words' language, for their elements' ``lang``: English words in
            # a Turkish issue must not be upper-cased by Turkish rules ("KEY POİNTS")
            "words_language": words,
            "dir": issue.direction,
            "start": start,
            "end": end,
            "date": format_date(issue.date, words) if issue.date else None,
            "archive_url": checked_link(issue.archive_url),
        },
        "entries": entries,
        "theme": theme_ctx,
        "site_url": checked_link(settings.site_url),
        "archive": archive,
        "unsubscribe_available": unsubscribe_available(settings) and not archive,
        "recipient": merge.Recipient(),
        "greeting": greeting_html,
        "greeting_text": greeting_text,
        "_": gettext,
        "gettext": gettext,
        "ngettext": ngettext,
    }


# --- rendering --------------------------------------------------------------------------------


def mjml_to_html(mjml_source: str, template: str = "the template") -> str:
    """mjml-python, with its ``ValueError`` turned into an error that names the template."""
    from mjml import mjml2html

    try:
        # fonts={}: MJML would otherwise add a Google Fonts <link>/@import whenever a font stack
        # names Roboto, Lato, Open Sans… — an external fetch that leaks every open.
        return str(mjml2html(mjml_source, disable_comments=True, fonts={}))
    except ValueError as exc:  # mjml-python reports every problem as ValueError
        raise TemplateError(f"template {template} produced MJML that cannot be rendered: {exc}") from exc


def _inliner(accent: str) -> Any:
    import css_inline

    # Only our own small rule set is inlined; MJML's <style> blocks (media queries, dark mode)
    # stay in the head for the clients that read them. Remote stylesheets are never fetched.
    css = f".t a {{ color: {accent}; }} .t a.hl {{ color: inherit; text-decoration: none; }} img {{ border: 0; }}"
    return css_inline.CSSInliner(
        inline_style_tags=False,
        keep_style_tags=True,
        keep_link_tags=False,
        load_remote_stylesheets=False,
        extra_css=css,
    )


def inline_css(html: str, accent: str) -> str:
    """Copy the link colours onto the elements: Gmail without its app drops ``<style>`` blocks."""
    return str(_inliner(accent).inline(html))


_TAG = rx.compile(r"<[A-Za-z][^<>]*>")
_ATTR_VALUE = rx.compile(r"""(=\s*)("[^"]*"|'[^']*')""")
_NON_ASCII = rx.compile(r"[^\x00-\x7f]")


def protect_attributes(mjml_source: str) -> str:
    """Non-ASCII characters inside attribute values as character references.

    mjml-python writes some characters of attribute values as Rust escapes — combining marks
    (the virama of Hindi, Arabic vowel signs: ``alt="हिन\\u{94d}दी"``), no-break and zero-width
    spaces, and the Private Use Area characters of merge markers — but passes references
    through untouched. Text content is not affected, so only attribute values are rewritten;
    the CSS inliner turns the references back into characters.
    """

    def attrs(tag: re.Match[str]) -> str:
        return _ATTR_VALUE.sub(lambda m: m.group(1) + _NON_ASCII.sub(lambda c: f"&#x{ord(c.group()):x};", m.group(2)),
                               tag.group())

    return _TAG.sub(attrs, mjml_source)


_BLANK_LINES = rx.compile(r"\n{3,}")
_TRAILING_SPACE = rx.compile(r"[ \t]+\n")


def _render_html(env: jinja2.Environment, base: str, context: dict[str, Any]) -> tuple[str, str]:
    mjml_source = templating.render(env, f"{base}.mjml.j2", **context)
    if "<mjml" not in mjml_source:
        raise TemplateError(f"template {base}.mjml.j2 did not produce an <mjml> document")
    html = inline_css(mjml_to_html(protect_attributes(mjml_source), f"{base}.mjml.j2"), context["theme"]["accent"])
    return mjml_source, html


def render_newsletter(issue: Issue, settings: Settings, env: jinja2.Environment | None = None) -> Rendered:
    """Render ``issue`` to MJML, HTML (email and web archive) and text. Pure apart from reading templates."""
    if not issue.entries:
        raise RenderError("a newsletter needs at least one article")
    env = env or templating.make_env(settings.templates_dir)
    base = "digest" if issue.kind == "digest" else "newsletter"

    context = issue_context(issue, settings.theme, settings)
    mjml_source, html = _render_html(env, base, context)
    _, archive_html = _render_html(env, base, issue_context(issue, settings.theme, settings, archive=True))

    refs: list[str] = []

    def ref(url: str) -> str:
        """Number a link for the text part; the footer lists ``refs`` at the end."""
        if url not in refs:
            refs.append(url)
        return f"[{refs.index(url) + 1}]"

    text_context = dict(context, greeting=context["greeting_text"], ref=ref, refs=refs)
    text = templating.render(env, f"{base}.txt.j2", **text_context)
    text = _BLANK_LINES.sub("\n\n", _TRAILING_SPACE.sub("\n", text)).strip() + "\n"

    warnings = []
    size = len(html.encode("utf-8"))
    if size > WARN_BYTES:
        warnings.append(f"the newsletter HTML is {size / 1000:.0f} KB; Gmail clips messages above "
                        f"{CLIP_BYTES // 1000} KB and hides the unsubscribe link — shorten it or drop related links")
    return Rendered(
        mjml=mjml_source,
        html=html,
        text=text,
        subject=context["issue"]["subject"],
        preheader=context["issue"]["preheader"],
        language=context["issue"]["language"],
        warnings=tuple(warnings),
        archive_html=archive_html,
    )
