"""Embeds: the card, oEmbed and head tags — and that a hostile article cannot inject anything."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from composer.article import Article, Block, Image, Summary
from composer.embed import cut_at_word, json_for_script, og_locale, render_embed
from composer.links import add_utm, checked_link

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
URL_ATTRS = {"href", "src", "action", "formaction", "poster", "srcset"}


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader([str(TEMPLATES)]), autoescape=True)


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    c.close()
    return c


def good_article(**kw) -> Article:
    base = {
        "title": "Who is NATO's new secretary general Mark Rutte, the Dutch deal-maker taking over the alliance?",
        "body": (Block("paragraph", "Body text."),),
        "standfirst": "Rutte takes over from Jens Stoltenberg.",
        "authors": ("Jane Doe", "John Roe"),
        "published": "2024-10-01T09:00:00+02:00",
        "updated": "2024-10-01T12:30:00+02:00",
        "url": "https://www.example-news.com/2024/10/01/rutte",
        "site_name": "Example News",
        "language": "en",
        "image": Image(url="https://img.example-news.com/rutte.jpg", alt="Mark Rutte at a press conference"),
        "tags": ("NATO", "Netherlands"),
    }
    base.update(kw)
    return Article(**base)


SUMMARY = Summary(title=None, tldr="NATO ambassadors appointed Mark Rutte as the alliance's next secretary general "
                  "on Wednesday, ending a contest that dragged on for months because Hungary and Turkey held out "
                  "against him until they won assurances on their own priorities.", summary="", key_points=(),
                  hashtags=("#NATO",))


def render(article: Article, env, **kw):
    return render_embed(article, SUMMARY, provider_name="Composer Daily", provider_url="https://daily.example",
                        env=env, **kw)


def meta_map(html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for tag, attrs in parse(html).tags:
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            out.setdefault(key, []).append(attrs.get("content") or "")
    return out


def test_card_is_self_contained(env):
    html = render(good_article(), env)["embed.html"]
    c = parse(html)
    root_tag, root = c.tags[0]
    assert root_tag == "article" and root["dir"] == "auto" and root["lang"] == "en"
    style = root["style"]
    for needle in ("max-width:550px", "color-scheme:light dark", "background:Canvas", "color:CanvasText"):
        assert needle in style
    assert not any(t == "script" or t == "link" or t == "style" for t, _ in c.tags)
    assert ("img", {"src": "https://img.example-news.com/rutte.jpg", "alt": "Mark Rutte at a press conference",
                    "loading": "lazy", "decoding": "async",
                    "style": "display:block;width:100%;height:auto;border:0;"}) in c.tags
    links = [a["href"] for t, a in c.tags if t == "a"]
    assert links and set(links) == {"https://www.example-news.com/2024/10/01/rutte"}


def test_meta_tags(env):
    m = meta_map(render(good_article(), env)["meta.html"])
    assert m["og:type"] == ["article"]
    assert m["og:url"] == ["https://www.example-news.com/2024/10/01/rutte"]
    assert m["og:image"] == ["https://img.example-news.com/rutte.jpg"]
    assert m["og:site_name"] == ["Example News"]
    assert m["og:locale"] == ["en_US"]
    assert m["article:published_time"] == ["2024-10-01T09:00:00+02:00"]
    assert m["article:modified_time"] == ["2024-10-01T12:30:00+02:00"]
    assert m["article:author"] == ["Jane Doe", "John Roe"]
    assert m["article:tag"] == ["NATO", "Netherlands"]
    assert m["twitter:card"] == ["summary_large_image"]
    title, desc = m["twitter:title"][0], m["twitter:description"][0]
    assert len(title) <= 70 and title.endswith("…") and "Mark Rutte, the Dutch" in title
    assert len(desc) <= 200 and desc.endswith("…")
    assert not desc[:-1].endswith(" ")
    assert SUMMARY.tldr.startswith(desc[:-1])


def test_json_ld_news_article(env):
    c = parse(render(good_article(), env)["meta.html"])
    scripts = [a for t, a in c.tags if t == "script"]
    assert scripts == [{"type": "application/ld+json"}]
    data = json.loads(c.scripts[0])
    assert data["@type"] == "NewsArticle" and data["@context"] == "https://schema.org"
    assert data["headline"].startswith("Who is NATO")
    assert data["author"] == [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}]
    assert data["datePublished"] == "2024-10-01T09:00:00+02:00"
    assert data["image"] == ["https://img.example-news.com/rutte.jpg"]
    assert data["publisher"] == {"@type": "Organization", "name": "Example News", "url": "https://daily.example"}


def test_no_image_means_summary_card_and_no_thumbnail(env):
    out = render(good_article(image=None), env)
    assert meta_map(out["meta.html"])["twitter:card"] == ["summary"]
    assert not {"thumbnail_url", "thumbnail_width", "thumbnail_height"} & set(out["oembed"])


def test_oembed(env):
    out = render(good_article(), env)
    o = out["oembed"]
    assert json.loads(out["oembed.json"]) == o
    assert o["type"] == "rich" and o["version"] == "1.0"
    assert o["html"] == out["embed.html"]
    assert o["width"] == 550 and isinstance(o["height"], int) and o["height"] > 0
    assert o["provider_name"] == "Composer Daily" and o["provider_url"] == "https://daily.example"
    # Image size unknown: all three thumbnail fields are left out.
    assert not {"thumbnail_url", "thumbnail_width", "thumbnail_height"} & set(o)
    o2 = render(good_article(), env, image_size=(1200, 675))["oembed"]
    assert (o2["thumbnail_url"], o2["thumbnail_width"], o2["thumbnail_height"]) == (
        "https://img.example-news.com/rutte.jpg", 1200, 675)


def test_locale_and_language():
    assert og_locale("en") == "en_US"
    assert og_locale("pt-BR") == "pt_BR"
    assert og_locale("de") == "de_DE"
    assert og_locale("und") is None


def test_rtl_article_keeps_language(env):
    out = render(good_article(title="مارك روته أمينا عاما لحلف الناتو", language="ar"), env)
    root = parse(out["embed.html"]).tags[0][1]
    assert root["lang"] == "ar" and root["dir"] == "auto"
    assert meta_map(out["meta.html"])["og:locale"][0].startswith("ar_")


# --- hostile input ---------------------------------------------------------------------------------

HOSTILE_TEXT = '</script><script>alert(1)</script><img src=x onerror="alert(2)"> "quoted" & \'single\' <!--'


def hostile_article() -> Article:
    return Article(
        title=HOSTILE_TEXT,
        body=(Block("paragraph", HOSTILE_TEXT),),
        standfirst=HOSTILE_TEXT,
        authors=(HOSTILE_TEXT, "javascript:alert(3)"),
        published='2024-01-01" onload="alert(4)',
        updated="javascript:alert(5)",
        url="javascript:alert(document.cookie)",
        site_name=HOSTILE_TEXT,
        language='en" onmouseover="alert(6)',
        image=Image(url="JaVaScRiPt:alert(7)", alt='" onerror="alert(8)', caption=HOSTILE_TEXT),
        tags=(HOSTILE_TEXT,),
    )


HOSTILE_SUMMARY = Summary(title=HOSTILE_TEXT, tldr=HOSTILE_TEXT, summary=HOSTILE_TEXT, key_points=(HOSTILE_TEXT,),
                          hashtags=("#<script>",), language='x"><script>')


@pytest.mark.parametrize("image_url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                                       "vbscript:x", "java\tscript:alert(1)", " javascript:alert(1)",
                                       'https://ok.example/a.jpg"onerror="alert(1)', "//evil.example/x.js"])
def test_hostile_article_yields_nothing_executable(env, image_url):
    article = hostile_article()
    article = Article(**{**article.__dict__, "image": Image(url=image_url, alt='" onerror="alert(8)')})
    out = render_embed(article, HOSTILE_SUMMARY, provider_name=HOSTILE_TEXT, provider_url="javascript:alert(9)",
                       env=env, image_size=(100, 100))
    for name in ("embed.html", "meta.html", "oembed.json"):
        text = out[name]
        # These only came in through URL fields: their absence shows the URLs were dropped, not
        # escaped. (An author literally named "javascript:alert(3)" may appear, as inert text.)
        for needle in ("alert(document.cookie)", "alert(9)", "vbscript", "data:text", "evil.example", "onerror=\"alert(1)"):
            assert needle not in text.lower(), (name, needle)
    for name in ("embed.html", "meta.html", "oembed_html"):
        html = out["oembed"]["html"] if name == "oembed_html" else out[name]
        c = parse(html)
        for tag, attrs in c.tags:
            assert not any(a.lower().startswith("on") for a in attrs), (name, tag, attrs)
            assert tag in {"article", "div", "p", "h2", "a", "img", "time", "meta", "link", "script"}, tag
            for a, v in attrs.items():
                assert "javascript:" not in (v or "").lower() or (tag == "meta" and a == "content"
                                                                   and attrs.get("property") == "article:author")
                if a in URL_ATTRS and v is not None:
                    assert v.startswith(("https://", "http://")), (a, v)
            if tag == "meta" and (attrs.get("property") or attrs.get("name")) in {"og:url", "og:image",
                                                                                  "twitter:image"}:
                assert (attrs.get("content") or "").startswith(("https://", "http://"))
        # The only script is the JSON-LD, and the hostile title cannot close it early.
        scripts = [attrs for tag, attrs in c.tags if tag == "script"]
        assert scripts in ([], [{"type": "application/ld+json"}]), scripts
        for body in c.scripts:
            assert "<" not in body and ">" not in body and "&" not in body
            assert json.loads(body)["headline"].startswith("</script><script>")
    # The escaped text survives as text.
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in out["embed.html"]
    assert "<script>" not in out["oembed.json"] and "</script" not in out["oembed.json"]
    assert json.loads(out["oembed.json"])["title"] == HOSTILE_TEXT
    assert not {"thumbnail_url", "thumbnail_width", "thumbnail_height"} & set(out["oembed"])
    assert parse(out["embed.html"]).tags[0][1]["lang"] == "und"


def test_json_for_script_escapes():
    s = json_for_script({"a": "</script><!-- & \u2028"})
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s) == {"a": "</script><!-- & \u2028"}


@pytest.mark.parametrize(("url", "ok"), [
    ("https://example.com/a?b=c#d", True),
    ("http://example.com", True),
    ("  https://example.com/x  ", True),
    ("HTTPS://EXAMPLE.COM/", True),
    ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False),
    ("java\nscript:alert(1)", False),
    ("data:text/html;base64,PHNjcmlwdD4=", False),
    ("ftp://example.com/file", False),
    ("//example.com/x", False),
    ("https://", False),
    ("https://user:pw@example.com/", False),
    ("https://example.com/a b", False),
    ('https://example.com/"onerror=x', False),
    ("https://example.com:99999/", False),
    (None, False),
    ("", False),
])
def test_checked_link(url, ok):
    assert (checked_link(url) is not None) == ok


def test_add_utm_keeps_existing_parameters_and_fragment():
    url = add_utm("https://example.com/a?utm_source=mail&x=1#top", {"utm_source": "x", "utm_medium": "social"})
    assert url == "https://example.com/a?utm_source=mail&x=1&utm_medium=social#top"
    assert add_utm("https://example.com/", None) == "https://example.com/"


def test_cut_at_word():
    assert cut_at_word("short", 70) == "short"
    cut = cut_at_word("word " * 30, 70)
    assert len(cut) <= 70 and cut.endswith("word…")
    assert re.fullmatch(r"(word )*word…", cut)


def test_default_environment_renders(monkeypatch):
    """Without an explicit environment the project's shared one (user templates first) is used."""
    out = render_embed(good_article(), SUMMARY, provider_name="Composer Daily", provider_url=None)
    assert out["embed.html"].startswith("<article")


@pytest.mark.parametrize(("lang", "shown"), [
    ("en", "October 1, 2024"),
    ("de", "1. Oktober 2024"),
    ("ru", "1 октября 2024\u202fг."),  # the card has no words of its own: any language babel knows
    ("und", "2024-10-01"),
])
def test_card_date_is_written_for_its_readers_and_iso_for_machines(env, lang: str, shown: str) -> None:
    html = render(good_article(language=lang), env)["embed.html"]
    assert f'<time datetime="2024-10-01T09:00:00+02:00">{shown}</time>' in html
