"""Fixtures for the bounce mailbox: a campaign sent with VERP, and DSN / ARF messages written by hand.

The messages follow RFC 3464 (delivery status notifications) and RFC 5965 (ARF) as real MTAs
write them: a ``multipart/report`` with a human-readable part, the machine-readable part and
the returned message (or its headers).
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from pathlib import Path

import pytest

from composer.config import Secret, Settings
from composer.delivery.base import Outgoing
from composer.delivery.campaign import Audience, open_campaign
from composer.delivery.memory import MemoryBackend
from composer.delivery.runner import run_campaign
from composer.delivery.state import DeliveryState
from composer.newsletter.merge import marker
from composer.newsletter.personalize import MessageTemplate
from composer.outbox import Outbox

BOUNCE_ADDRESS = "bounces@example.org"


def make_settings(outbox_dir: Path, **changes: object) -> Settings:
    return Settings(mail_from="The Composer <news@example.org>", site_url="https://news.example.org",
                    unsubscribe_secret=Secret("bounce-test-secret"), outbox_dir=outbox_dir,
                    bounce_address=BOUNCE_ADDRESS).replace(**changes)


@dataclass
class Sent:
    settings: Settings
    campaign: int
    messages: dict[str, Outgoing]  # by reader address


def send_to(settings: Settings, readers: list[str], item_name: str = "2025-03-12-issue") -> Sent:
    """Send an item to ``readers`` with the memory adapter; returns what went out, envelopes included."""
    html = f"<p>Hello {marker('name', 'reader')}</p><a href=\"{marker('unsubscribe_url')}\">Unsubscribe</a>"
    outbox = Outbox(settings.outbox_dir)
    item = outbox.get(item_name) if (Path(settings.outbox_dir) / item_name).is_dir() else outbox.write_item(
        item_name, {"email.html": html.encode(), "email.txt": b"Hello\n"}, {"subject": "Issue", "title": "Issue"})
    csv = Path(settings.outbox_dir).parent / f"{item_name}.csv"
    csv.write_text("email\n" + "\n".join(readers) + "\n", encoding="utf-8")
    with DeliveryState.for_settings(settings) as state:
        campaign, _ = open_campaign(state, item, settings, "memory", Audience(list_path=csv))
    backend = MemoryBackend(settings)
    run_campaign(state.target, campaign.id, settings, template=MessageTemplate.from_item(item, settings),
                 make_backend=lambda: backend)
    return Sent(settings, campaign.id, {m.recipient: m for m in backend.sent})


def dsn(to: str, recipient: str, *, status: str = "5.1.1", action: str = "failed",
        diagnostic: str = "smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown",
        original_id: str | None = None, original_from: str | None = None, message_id: str = "<dsn-1@mx.example.net>",
        headers_only: bool = True) -> bytes:
    """A Postfix-style DSN delivered to ``to`` (the envelope sender of the failed message)."""
    original = (f"Return-Path: <{original_from or to}>\nFrom: news@example.org\nTo: {recipient}\nSubject: Issue\n"
                + (f"Message-ID: {original_id}\n" if original_id else ""))
    part3 = ("Content-Type: text/rfc822-headers\n\n" + original) if headers_only else \
        ("Content-Type: message/rfc822\n\n" + original + "\nHello\n")
    return (f"""Return-Path: <>
Delivered-To: {to}
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
Message-ID: {message_id}
Date: Wed, 12 Mar 2025 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0"

--B0
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B0
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Wed, 12 Mar 2025 09:59:58 +0000

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Diagnostic-Code: {diagnostic.format(rcpt=recipient)}

--B0
{part3}
--B0--
""").replace("\n", "\r\n").encode()


def arf(to: str, *, original_from: str | None, rcpt: str | None = None, original_id: str | None = None,
        feedback_type: str = "abuse", message_id: str = "<arf-1@fbl.example.net>") -> bytes:
    """An RFC 5965 feedback report as a mailbox provider's feedback loop sends it."""
    fields = [f"Feedback-Type: {feedback_type}", "User-Agent: ExampleFBL/1.0", "Version: 1"]
    if original_from:
        fields.append(f"Original-Mail-From: <{original_from}>")
    if rcpt:
        fields.append(f"Original-Rcpt-To: <{rcpt}>")
    original = "From: news@example.org\nTo: redacted@example.net\nSubject: Issue\n" + \
        (f"Message-ID: {original_id}\n" if original_id else "")
    return (f"""From: fbl@example.net
To: {to}
Subject: Abuse report
Message-ID: {message_id}
Date: Wed, 12 Mar 2025 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="F0"

--F0
Content-Type: text/plain

This is an email abuse report for an email message received from IP 192.0.2.1.

--F0
Content-Type: message/feedback-report

{chr(10).join(fields)}

--F0
Content-Type: message/rfc822

{original}
Hello
--F0--
""").replace("\n", "\r\n").encode()


def write_mbox(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    for data in messages:
        box.add(data)
    box.close()
    return path


def write_maildir(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.Maildir(path)
    for data in messages:
        box.add(data)
    box.close()
    return path


@pytest.fixture
def outbox_dir(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def settings(outbox_dir: Path, audience_url: str) -> Settings:
    """Bounces are scanned on both engines: the outbox's SQLite file, and PostgreSQL (DATABASE_URL)."""
    return make_settings(outbox_dir, database_url=Secret(audience_url))
