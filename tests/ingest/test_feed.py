"""Feeds as a source: RSS 0.91/1.0/2.0 and Atom parsed into entries, keys, sniffing, untrusted input."""

from __future__ import annotations

import datetime as dt

import pytest

from composer.errors import InputError
from composer.ingest import get_reader, load_article, sniff_format
from composer.ingest.entries import article_from_content
from composer.ingest.feed import looks_like_feed, parse_feed

RSS091 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old News</title><link>https://old.example/</link><description>d</description>
<language>en</language>
<item><title>Caf\u00e9 reopens</title><link>https://old.example/cafe</link><description>The caf\u00e9 is back.</description></item>
</channel></rss>"""

RSS10 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example/"><title>RDF News</title><link>https://rdf.example/</link>
<description>d</description></channel>
<item rdf:about="https://rdf.example/one"><title>One</title><link>https://rdf.example/one</link>
<dc:date>2025-01-06T08:00:00Z</dc:date><description>First.</description></item>
</rdf:RDF>"""

RSS20 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Harbour &amp; <b>News</b></title><link>https://news.example/</link><description>d</description>
<item><title>Ferry &lt;script&gt;alert(1)&lt;/script&gt; timetable</title><link>/ferry?utm_source=rss</link>
<guid isPermaLink="false">tag:news.example,2025:1</guid><pubDate>Mon, 06 Jan 2025 08:00:00 +0100</pubDate>
<description>Short excerpt…</description></item>
<item><title>Evil link</title><link>javascript:alert(1)</link><description>x</description></item>
<item><title>No guid</title><link>https://news.example/no-guid</link><description>y</description></item>
<item><title>No guid</title><link>https://news.example/no-guid</link><description>repeated entry</description></item>
</channel></rss>"""

FULL = " ".join(f"Sentence number {i} of the full story says something about the harbour and the ferry." for i in range(20))
ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title><id>urn:x</id>
<link href="https://atom.example/"/><updated>2025-01-07T10:00:00Z</updated>
<entry><id>urn:1</id><title type="html">Full &lt;em&gt;story&lt;/em&gt;</title>
<link rel="alternate" href="https://atom.example/full"/>
<published>2025-01-07T09:00:00+01:00</published><updated>2025-01-07T10:00:00Z</updated>
<content type="html">&lt;p&gt;{FULL}&lt;/p&gt;&lt;script&gt;steal()&lt;/script&gt;&lt;p onclick="x()"&gt;Last paragraph.&lt;/p&gt;</content></entry>
<entry><id>urn:2</id><title>Only an excerpt</title><link href="https://atom.example/short"/>
<updated>2025-01-06T09:00:00Z</updated><summary>Read the rest on the site…</summary></entry>
</feed>"""


@pytest.mark.parametrize(("text", "kind"), [(RSS091, "rss091"), (RSS10, "rss10"), (RSS20, "rss20"), (ATOM, "atom10")])
def test_each_flavour_parses(text: str, kind: str) -> None:
    feed = parse_feed(text, "https://feeds.example/feed.xml")
    assert feed.kind.startswith(kind[:5]) and feed.entries
    assert looks_like_feed(text) and sniff_format(text) == "feed"


def test_rss091_in_latin1_bytes_and_as_decoded_text() -> None:
    as_bytes = parse_feed(RSS091.encode("iso-8859-1"), "https://old.example/rss")
    as_text = parse_feed(RSS091, "https://old.example/rss")  # already decoded: the declaration is not believed
    assert as_bytes.entries[0].title == as_text.entries[0].title == "Café reopens"
    assert as_bytes.entries[0].key == "link:https://old.example/cafe"  # no guid: the link is the key


def test_rss20_entries_are_cleaned() -> None:
    feed = parse_feed(RSS20, "https://news.example/feed.xml")
    assert feed.title == "Harbour & News"  # markup in a title is dropped, entities decoded once
    first, evil, no_guid = feed.entries  # the repeated entry is one story
    assert first.key == "guid:tag:news.example,2025:1"
    assert first.link == "https://news.example/ferry?utm_source=rss"  # relative links resolved against the feed
    assert "<" not in (first.title or "") and "script" not in (first.title or "").split()
    assert first.published == dt.datetime(2025, 1, 6, 7, 0, tzinfo=dt.UTC)
    assert not first.is_full and first.excerpt_words == 2
    assert evil.link is None  # javascript: is not a link
    assert no_guid.key == "link:https://news.example/no-guid"


def test_entry_without_guid_or_link_is_keyed_by_its_content() -> None:
    text = RSS20.replace("<link>javascript:alert(1)</link>", "")
    feed = parse_feed(text, "https://news.example/feed.xml")
    assert feed.entries[1].key.startswith("hash:") and len(feed.entries[1].key) == 5 + 64
    assert feed.entries[1].is_full  # nothing to fetch: the feed's text is all there is


def test_atom_full_content_is_read_by_the_html_reader_and_sanitised() -> None:
    feed = parse_feed(ATOM, "https://atom.example/atom.xml")
    full, short = feed.entries
    assert full.is_full and not short.is_full
    assert full.published == dt.datetime(2025, 1, 7, 8, 0, tzinfo=dt.UTC)
    assert short.published == dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)  # no <published>: <updated>
    article = article_from_content(full, feed.url)
    assert article.title == "Full story" and article.url == "https://atom.example/full"
    text = " ".join(b.text for b in article.body)
    assert "Sentence number 19" in text and "steal" not in text
    assert article.published and article.published.startswith("2025-01-07")


def test_a_teaser_ending_is_an_excerpt_however_long() -> None:
    teaser = ATOM.replace("Last paragraph.", "Continue reading…")
    assert not parse_feed(teaser, "https://atom.example/atom.xml").entries[0].is_full


def test_html_page_is_not_a_feed_and_names_its_feed() -> None:
    page = ('<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
            "</head><body><p>Hello</p></body></html>")
    assert not looks_like_feed(page) and sniff_format(page) == "html"
    with pytest.raises(InputError, match=r"not an RSS or Atom feed; this page names its feed: https://site.example/rss.xml"):
        parse_feed(page, "https://site.example/news")


def test_reading_a_feed_as_one_article_says_what_to_do(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "feed.xml"
    path.write_text(RSS20)
    with pytest.raises(InputError, match="is a feed, not one article.*--digest"):
        load_article(str(path))
    assert get_reader("feed")  # registered, so --format and the sniffer agree


def test_a_feed_file_composes_offline_from_its_full_entries(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from composer.cli import main

    path = tmp_path / "atom.xml"
    path.write_text(ATOM.split("<entry><id>urn:2")[0] + "</feed>")  # only the full entry: nothing to fetch
    outbox = ["--outbox", str(tmp_path / "out")]
    assert main(["compose", str(path), "--digest", "--json", *outbox]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["files"] and manifest["name"].endswith("full-story")
    assert main(["feed", "add", "local", str(path), *outbox]) == 0
    assert main(["feed", "run", "local", "--include-backlog", *outbox]) == 0
    assert capsys.readouterr().out.strip().endswith("full-story-2")


def test_external_entities_and_entity_bombs_are_not_expanded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
           '<rss version="2.0"><channel><title>T</title><link>https://x.example/</link><description>d</description>'
           '<item><title>&xxe;</title><link>https://x.example/1</link><description>&xxe;</description></item>'
           '</channel></rss>')
    feed = parse_feed(xxe, "https://x.example/feed")
    assert "TOP-SECRET" not in repr(feed)
    bomb = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefg", "bcdefgh", strict=True))
            + ']><rss version="2.0"><channel><title>&h;</title><link>https://x.example/</link><description>d'
            '</description><item><title>one</title><link>https://x.example/1</link></item></channel></rss>')
    try:
        feed = parse_feed(bomb, "https://x.example/feed")
    except InputError:
        return  # refused outright is as good
    assert len(repr(feed)) < 100_000
