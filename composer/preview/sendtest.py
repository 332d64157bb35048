""""Send test": the item, addressed to the configured test address, through the configured adapter.

The message is the one a reader would get — built by the delivery code's
:class:`~composer.newsletter.personalize.MessageTemplate` from the item's already-rendered HTML and
text (merge fields and unsubscribe link filled for the test address, ``List-Unsubscribe``
headers included) — with ``[Test]`` in front of the subject so that nobody mistakes it for the
real send, and a fresh ``Message-ID`` each time (mailboxes silently drop a repeated one). It
goes out through the adapter ``settings.delivery`` names (``composer.delivery.get_backend``);
the ``outbox`` adapter writes it under ``<outbox>/.test-sends/<item>/``, outside the item
folder, because live reload replaces that folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from composer.config import Settings, mask_secrets
from composer.errors import ComposerError, InputError
from composer.newsletter.message import make_message_id
from composer.newsletter.render import Rendered
from composer.outbox import Item
from composer.preview.files import item_file_text

TEST_DIR = ".test-sends"


@dataclass(frozen=True)
class SendResult:
    ok: bool
    message: str


def build_test_message(item: Item, settings: Settings, to: str, *, now: dt.datetime | None = None) -> tuple[str, bytes]:
    """``(message_id, bytes)`` of the test message for ``to``."""
    from composer.newsletter.personalize import MessageTemplate

    now = now or dt.datetime.now(dt.UTC)
    subject = str(item.manifest.get("subject") or item.manifest.get("title") or item.name)
    html, text = (item_file_text(item.path, name) for name in ("email.html", "email.txt"))
    if html is None or text is None:  # missing, or not a regular file in the item folder (a symlink)
        raise InputError(f"{item.name} has no readable email.html and email.txt; recompose it")
    rendered = Rendered(
        mjml="",
        html=html,
        text=text,
        subject=f"[Test] {subject}",
        preheader="",
        language=str(item.manifest.get("language") or ""),
    )
    template = MessageTemplate(rendered, settings, item_name=item.name)
    message_id = make_message_id(f"{item.name}\0test\0{now.isoformat()}", settings.mail_from)
    return message_id, template.render({"email": to}, message_id=message_id, date=now)


def _suppression(settings: Settings, to: str) -> str | None:
    """Why ``to`` must not be mailed, or None; reads the outbox's audience data only if there is any."""
    from composer.audience import exists, open_for

    if not exists(settings):
        return None
    with open_for(settings) as store:
        found = store.suppression(to)
    return f"{found.reason}, {found.source}" if found else None


def send_test(item: Item, settings: Settings, *, now: dt.datetime | None = None) -> SendResult:
    """Send ``item`` to ``settings.test_address``; the result says what happened, in words.

    The words are shown on the item page, so every secret in them is masked exactly as the CLI
    masks its messages (:func:`composer.config.mask_secrets`): an SMTP server may echo the
    password it refused in its reply, and the preview page must not show it.
    """
    result = _send_test(item, settings, now=now)
    return SendResult(result.ok, mask_secrets(result.message, settings))


def _send_test(item: Item, settings: Settings, *, now: dt.datetime | None = None) -> SendResult:
    from email.utils import parseaddr

    from composer.delivery import Outgoing, get_backend

    to = settings.test_address
    if not to:
        return SendResult(False, "no test address: set TEST_ADDRESS in .env (or the environment) and restart the preview")
    suppressed = _suppression(settings, to)
    if suppressed:
        return SendResult(False, f"{to} is on the suppression list ({suppressed}); nothing was sent. Set another "
                                 "TEST_ADDRESS, or lift it with `compose subscribers add ADDRESS --resubscribe`")
    now = now or dt.datetime.now(dt.UTC)
    directory = item.path.parent / TEST_DIR / item.name
    try:
        message_id, data = build_test_message(item, settings, to, now=now)
        key = f"{item.name}-test-{now.strftime('%Y%m%dT%H%M%S%fZ')}"
        outgoing = Outgoing(key=key, sender=parseaddr(settings.mail_from)[1], recipient=to, data=data,
                            message_id=message_id)
        with get_backend(settings.delivery, settings, directory=directory) as backend:
            [result] = backend.send_messages([outgoing])
    except ComposerError as exc:
        return SendResult(False, str(exc))
    except OSError as exc:
        return SendResult(False, f"could not send: {exc}")
    if not result.ok:
        kind = "temporary failure, try again" if result.status == "temporary" else "refused"
        return SendResult(False, f"{to}: {kind}: {result.reason}")
    where = {
        "outbox": f"written to {directory / (key + '.eml')}",
        "console": "printed on the preview server's console",
        "smtp": f"handed to {settings.smtp_host}",
    }.get(settings.delivery, f"sent via {settings.delivery}")
    return SendResult(True, f"sent to {to} ({where})")
