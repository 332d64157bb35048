"""MIME assembly: structure, headers, subject round trip, line lengths and header injection."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest

from composer.article import Article, Block, Summary
from composer.config import Settings, Theme
from composer.errors import InputError
from composer.newsletter import merge
from composer.newsletter.message import (
    BOUNDARY,
    build_message,
    encode_subject,
    header_safe,
    list_headers,
    list_id,
    make_message_id,
)
from composer.newsletter.render import Entry, Issue, Rendered, render_newsletter

SETTINGS = Settings(mail_from="Harbour Times <news@harbour.example>", reply_to="desk@harbour.example",
                    site_url="https://harbour.example", unsubscribe_mailto="leave@harbour.example",
                    theme=Theme(name="Harbour Times"))
WHEN = dt.datetime(2025, 3, 14, 9, 30, tzinfo=dt.UTC)


def rendered(subject: str = "Harbour bridge opens", html: str = "<p>Hello</p>", text: str = "Hello\n") -> Rendered:
    return Rendered(mjml="", html=html, text=text, subject=subject, preheader="", language="en")


def full_render(title: str = "Harbour bridge opens") -> Rendered:
    a = Article(title=title, body=(Block("paragraph", "Body."),), url="https://harbour.example/bridge")
    s = Summary(title=None, tldr="A bridge opened on Monday.", summary="", key_points=("It is long.",))
    return render_newsletter(Issue(entries=(Entry(a, s),), subject=title, archive_url="https://harbour.example/x/newsletter.html"), SETTINGS)


def build(r: Rendered, **kw: object) -> bytes:
    args: dict[str, object] = {"mail_from": SETTINGS.mail_from, "to": ["Ana Souza <ana@example.net>"],
                               "reply_to": SETTINGS.reply_to, "message_id": "<abc@harbour.example>", "date": WHEN}
    args.update(kw)
    return build_message(r, **args)  # type: ignore[arg-type]


def test_structure_and_headers_of_a_real_newsletter() -> None:
    r = full_render()
    unsub = "https://harbour.example/unsubscribe?t=tok123"
    html = merge.fill(r.html, {"unsubscribe_url": unsub}, escape_html=True)
    text = merge.fill(r.text, {"unsubscribe_url": unsub}, escape_html=False)
    raw = build(r, html=html, text=text, extra_headers=list_headers(SETTINGS, unsub, SETTINGS.unsubscribe_mailto))
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]  # text first
    assert all(p["Content-Transfer-Encoding"] == "quoted-printable" for p in parts)
    assert parts[0].get_content().replace("\r\n", "\n") == text
    assert parts[1].get_content().replace("\r\n", "\n") == html
    assert unsub in parts[1].get_content() and "Unsubscribe: " + unsub in parts[0].get_content()
    assert msg["From"].addresses[0].addr_spec == "news@harbour.example"
    assert msg["From"].addresses[0].display_name == "Harbour Times"
    assert msg["To"].addresses[0].addr_spec == "ana@example.net"
    assert msg["Reply-To"].addresses[0].addr_spec == "desk@harbour.example"
    assert msg["Date"].datetime == WHEN
    assert msg["Message-ID"] == "<abc@harbour.example>"
    assert msg["Subject"] == "Harbour bridge opens"
    assert msg["List-Id"] == "Harbour Times <harbour-times.harbour.example>"
    assert msg["List-Unsubscribe"] == f"<{unsub}>, <mailto:leave@harbour.example?subject=unsubscribe>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["MIME-Version"] == "1.0"
    assert msg["Content-Language"] == "en"


def test_lines_are_crlf_and_at_most_998_octets() -> None:
    long_word = "x" * 5000
    r = rendered(html=f"<p>{long_word}</p>" + "é" * 3000, text=long_word + "\n")
    raw = build(r, extra_headers=list_headers(SETTINGS, "https://harbour.example/u?t=" + "a" * 900, None))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    body_lines = raw.split(b"\r\n\r\n", 1)[1].split(b"\r\n")
    assert max(len(line) for line in body_lines) <= 76  # quoted-printable


def test_same_input_gives_the_same_bytes() -> None:
    r = full_render()
    assert build(r) == build(r)
    assert BOUNDARY.encode() in build(r)


SUBJECTS = [
    "Plain ASCII subject",
    "Zürich: Brücke eröffnet",
    'Er sagte: "Wir  bauen"  —  und  ging',  # double spaces around quotes and dashes
    "  leading and trailing  ",
    "Ünïcödé  at  both  ends  Ü",
    "日本語のニュース：橋が開通",
    "Emoji 🚲 on the 🌉 bridge",
    "=?utf-8?q?not_encoded?= literally",
    "Looks like an encoded word =?iso-8859-1?q?x?= in the middle",
    "a" * 120,
    "Long " + "wörd " * 60,
    "Tab\tinside",
    "Quote ' and backslash \\ and semicolon ;",
    "ÄÖÜ" * 40,
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_subject_survives_the_round_trip(subject: str) -> None:
    expected = header_safe(subject)
    raw = build(rendered(subject))
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    modern = message_from_bytes(raw, policy=policy.default)
    assert str(modern["Subject"]) == expected
    legacy = message_from_bytes(raw)
    assert str(make_header(decode_header(legacy["Subject"]))) == expected


def test_non_ascii_subject_is_encoded_and_ascii_is_left_alone() -> None:
    assert encode_subject("Plain subject") == "Plain subject"
    assert "=?utf-8?" in str(encode_subject("Zürich").encode())
    assert b"Subject: =?utf-8?" in build(rendered("Zürich"))


@pytest.mark.parametrize("title", [
    "Title\r\nBcc: x@y",
    "Title\nBcc: x@y",
    "Title\rBcc: x@y",
    "Title\u2028Bcc: x@y",
    "Title\x85Bcc: x@y",
    "Title\r\n\r\n<html>body injection",
])
def test_line_breaks_in_a_title_never_create_a_header(title: str) -> None:
    r = full_render(title)
    raw = build(r)
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Bcc"] is None
    assert "\n" not in str(msg["Subject"]) and "\r" not in str(msg["Subject"])
    assert str(msg["Subject"]).startswith("Title") and "Bcc: x@y" in str(msg["Subject"]) or "<html>" in str(msg["Subject"])
    headers = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert not [line for line in headers.split("\r\n") if line.lower().startswith(("bcc:", "<html>"))]
    assert msg.get_content_type() == "multipart/alternative"


def test_line_breaks_in_addresses_are_refused() -> None:
    with pytest.raises(InputError):
        build(rendered(), mail_from="News <news@harbour.example>\r\nBcc: x@y")
    with pytest.raises(InputError):
        build(rendered(), to=["ana@example.net\nBcc: x@y"])
    with pytest.raises(InputError):
        build(rendered(), reply_to="not an address")


def test_extra_headers_cannot_inject() -> None:
    raw = build(rendered(), extra_headers={"X-Campaign": "spring\r\nBcc: x@y"})
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Bcc"] is None and msg["X-Campaign"] == "spring Bcc: x@y"
    with pytest.raises(InputError):
        build(rendered(), extra_headers={"Bad: name": "x"})


def test_list_headers_one_click_needs_https() -> None:
    https = list_headers(SETTINGS, "https://harbour.example/u?t=1", None)
    assert https["List-Unsubscribe"] == "<https://harbour.example/u?t=1>"
    assert https["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = list_headers(SETTINGS, "http://harbour.example/u?t=1", None)
    assert "List-Unsubscribe-Post" not in plain
    mail = list_headers(SETTINGS, None, "mailto:leave@harbour.example?subject=stop now")
    assert mail["List-Unsubscribe"] == "<mailto:leave@harbour.example?subject=stop%20now>"
    assert "List-Unsubscribe-Post" not in mail
    assert set(list_headers(SETTINGS, None, None)) == {"List-Id"}


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "https://x.example/a>, <https://evil.example",
                                 "https://x.example/a b", "ftp://x.example/u"])
def test_list_unsubscribe_refuses_urls_that_break_the_brackets(bad: str) -> None:
    with pytest.raises(InputError):
        list_headers(SETTINGS, bad, None)


def test_list_id_from_settings_or_brand() -> None:
    assert list_id(SETTINGS) == "Harbour Times <harbour-times.harbour.example>"
    assert list_id(SETTINGS.replace(list_id="news.harbour.example")) == "Harbour Times <news.harbour.example>"
    assert list_id(SETTINGS.replace(list_id="Weekly <weekly.harbour.example>")) == "Weekly <weekly.harbour.example>"
    zurich = list_id(Settings(mail_from="n@zeitung.example", theme=Theme(name="Zürcher Blatt")))
    assert zurich.endswith("<zurcher-blatt.zeitung.example>") and zurich.startswith("=?utf-8?")
    with pytest.raises(InputError):
        list_id(SETTINGS.replace(list_id="bad id with spaces"))


def test_message_id_is_stable_and_unique_per_seed() -> None:
    a = make_message_id("item\0ana@example.net", SETTINGS.mail_from)
    assert a == make_message_id("item\0ana@example.net", SETTINGS.mail_from)
    assert a != make_message_id("item\0ben@example.net", SETTINGS.mail_from)
    assert a.startswith("<") and a.endswith("@harbour.example>")
