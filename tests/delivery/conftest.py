"""Fixtures for delivery tests: a small outbox item with merge markers, and settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.config import Secret, Settings
from composer.newsletter.merge import marker
from composer.outbox import Item, Outbox

HTML = ("<!doctype html><html lang=\"en\"><body><p>Hello " + str(marker("name", "reader")) + ",</p>\n"
        "<p>Stories for " + str(marker("city", "your town")) + " — caf\u00e9 &amp; more.</p>\n"
        + "<p>" + "Lorem ipsum dolor sit amet. " * 40 + "</p>\n"
        "<p><a href=\"" + str(marker("unsubscribe_url")) + "\">Unsubscribe</a></p></body></html>\n")
TEXT = ("Hello " + str(marker("name", "reader")) + ",\n\nStories for " + str(marker("city", "your town"))
        + " \u2014 caf\u00e9 & more.\n\nUnsubscribe: " + str(marker("unsubscribe_url")) + "\n")


def make_item(outbox_dir: Path, *, name: str = "2025-03-12-test-issue", subject: str = "Test issue: caf\u00e9  news",
              html: str = HTML, text: str = TEXT) -> Item:
    return Outbox(outbox_dir).write_item(
        name,
        {"email.html": html.encode(), "email.txt": text.encode()},
        {"subject": subject, "title": subject, "language": "en", "archive_url": None},
    )


def make_settings(outbox_dir: Path, **changes: object) -> Settings:
    base = Settings(
        mail_from="The Composer <news@example.org>",
        site_url="https://news.example.org",
        unsubscribe_secret=Secret("test-unsubscribe-secret"),
        outbox_dir=outbox_dir,
        send_retry_delay=0.01,
        send_max_attempts=3,
    )
    return base.replace(**changes)


@pytest.fixture
def outbox_dir(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def item(outbox_dir: Path) -> Item:
    return make_item(outbox_dir)


@pytest.fixture
def settings(outbox_dir: Path, database_url: str) -> Settings:
    return make_settings(outbox_dir, database_url=Secret(database_url))


def write_csv(path: Path, rows: list[str], header: str = "email,name,city") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path
