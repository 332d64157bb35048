from __future__ import annotations

import datetime as dt
import json

from composer.article import Article, Block, Source
from composer.config import Secret, Settings
from composer.pipeline import compose_files


def article(title: str = "Title") -> Article:
    return Article(title=title, body=tuple(Block("paragraph", f"Sentence number {i} says something useful about the topic.")
                                           for i in range(8)), source=Source("x.txt", "text"), url="https://example.org/a")


def test_compose_files_is_pure_given_a_clock() -> None:
    now = dt.datetime(2025, 3, 12, 9, 0, tzinfo=dt.UTC)
    a = compose_files([article()], Settings(), name="2025-03-12-title", now=now)
    b = compose_files([article()], Settings(), name="2025-03-12-title", now=now)
    assert a.files == b.files
    assert set(a.files) == {"article.json", "summary.json", "newsletter.mjml", "newsletter.html", "newsletter.txt", "email.html", "email.txt",
                            "newsletter.eml", "posts.json", "embed.html", "oembed.json", "meta.html"}
    assert Article.from_json(a.files["article.json"].decode()) == article()


def test_archive_url_under_site_url() -> None:
    settings = Settings(site_url="https://news.example.org", unsubscribe_secret=Secret("s" * 32))
    c = compose_files([article()], settings, name="2025-03-12-title")
    assert c.meta["archive_url"] == "https://news.example.org/2025-03-12-title/newsletter.html"
    assert "https://news.example.org/2025-03-12-title/newsletter.html" in c.files["email.html"].decode()


def test_digest_item_lists_every_article() -> None:
    c = compose_files([article("First"), article("Second")], Settings(), name="2025-03-12-d", digest=True)
    assert c.meta["kind"] == "digest"
    assert [a["title"] for a in json.loads(c.files["article.json"])] == ["First", "Second"]
    assert "First" in c.rendered.text and "Second" in c.rendered.text


def test_item_separates_public_copy_from_per_reader_templates() -> None:
    from email import message_from_bytes, policy

    settings = Settings(site_url="https://news.example.org", unsubscribe_secret=Secret("s" * 32),
                        test_address="editor@example.org")
    c = compose_files([article()], settings, name="2025-03-12-title")
    public = c.files["newsletter.html"].decode()
    assert "/unsubscribe?" not in public and "\ue000" not in public  # nothing personal in the web copy
    assert "\ue000unsubscribe_url" in c.files["email.html"].decode()  # markers for `send`
    msg = message_from_bytes(c.files["newsletter.eml"], policy=policy.default)
    assert msg["To"] == "editor@example.org" and "One-Click" in msg["List-Unsubscribe-Post"]
    assert "https://news.example.org/unsubscribe?" in msg.get_body(("html",)).get_content()
    assert "https://news.example.org/unsubscribe?" in c.files["newsletter.txt"].decode()


def test_an_article_in_a_language_outside_the_seven_gets_english_template_words() -> None:
    # Pasted Russian text used to be taken for Italian ("Di …", "I punti chiave", lang="it").
    from composer.ingest import parse_text

    para = ("Городской совет заявил во вторник, что новый мост откроется весной, после многих лет задержек, "
            "а его бюджет вырос более чем на треть с начала работ.")
    paste = "Новый мост откроют весной\n\nИван Петров\n\n" + "\n\n".join([para] * 6)
    parsed = parse_text(paste, path="most.txt")
    assert parsed.language == "ru"
    c = compose_files([parsed], Settings(), name="2025-03-12-most")
    html = c.files["newsletter.html"].decode()
    assert 'lang="ru"' in html and 'lang="it"' not in html
    assert "Key points" in c.rendered.text or "min read" in c.rendered.text
    assert json.loads(c.files["summary.json"])["hashtags"] == []
