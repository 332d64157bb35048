"""The outbox every command test starts from: one composed item and the settings a send needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.newsletter.merge import marker
from composer.outbox import Outbox

ITEM = "2025-03-12-cli-issue"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    outbox = tmp_path / "outbox"
    Outbox(outbox).write_item(
        ITEM,
        {"email.html": f"<p>Hi {marker('name', 'reader')}</p><a href=\"{marker('unsubscribe_url')}\">x</a>".encode(),
         "email.txt": f"Hi {marker('name', 'reader')}\n".encode()},
        {"subject": "CLI issue", "language": "en"})
    monkeypatch.setenv("OUTBOX_DIR", str(outbox))
    monkeypatch.setenv("SITE_URL", "https://news.example.org")
    monkeypatch.setenv("UNSUBSCRIBE_SECRET", "cli-unsubscribe-secret")
    monkeypatch.setenv("MAIL_FROM", "News <news@example.org>")
    return outbox
