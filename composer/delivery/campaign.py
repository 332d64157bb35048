"""Creating and resuming campaigns: who gets an item, through which adapter.

A campaign is identified by (item, adapter, audience). The audience of a ``--list`` send is
the list file (``list:<absolute path>``): re-running ``send`` with that file corrected or grown
resumes the same campaign — readers already sent to are skipped, new rows are added — while a
different list is a different audience with its own campaign and its own summary. (Campaigns
recorded before this rule have the audience ``list``; they are resumed by the file they were
sent from.)
A send to a list in the audience store (``--subscribers NAME``) is the audience
``subscribers:NAME``, and takes the list's members whose status is ``subscribed`` at the time
(suppressed readers are skipped when their message comes up, like those of a CSV). ``--to``
sends (tests to yourself) form their own audience per address set, so a test
send never uses up a subscriber's message.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import getaddresses, parseaddr
from pathlib import Path

from composer.audience import AudienceStore
from composer.checks import is_address
from composer.config import Settings
from composer.delivery.recipients import Problem, Subscriber, iter_subscribers
from composer.delivery.state import Campaign, DeliveryState
from composer.errors import InputError
from composer.newsletter.personalize import message_id_for
from composer.outbox import Item


@dataclass
class Audience:
    """The readers of one send: from ``--to`` addresses, a subscribers CSV or a list in the store."""

    to: Sequence[str] = ()
    list_path: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    subscribers_list: str | None = None
    store: AudienceStore | None = None

    def __post_init__(self) -> None:
        if sum((bool(self.to), bool(self.list_path), bool(self.subscribers_list))) != 1:
            raise InputError("say who gets it: --to ADDRESS (repeatable), --list subscribers.csv or --subscribers "
                             "LIST — one of them, not both")
        if self.subscribers_list and self.store is None:
            raise InputError(f"--subscribers {self.subscribers_list}: there are no subscribers yet; add them with "
                             "`compose subscribers add` or `compose subscribers import`")
        parsed = []
        for value in self.to:
            # One --to may list several addresses, as a mail client's To field does: 'a@x.org, B <b@y.org>'.
            found = getaddresses([value]) if "," in value else [parseaddr(value)]
            if "\n" in value or "\r" in value or not found:
                raise InputError(f"--to {value!r} is not an email address")
            for name, addr in found:
                if not is_address(addr):
                    shown = f"{addr!r} in --to {value!r}" if len(found) > 1 else f"--to {value!r}"
                    raise InputError(f"{shown} is not an email address")
                parsed.append((name, addr))
        self._to = parsed

    @property
    def key(self) -> str:
        if self.list_path:
            return f"list:{Path(self.list_path).resolve()}"
        if self.subscribers_list:
            return f"subscribers:{self.subscribers_list}"
        return "to:" + ",".join(sorted({a.lower() for _n, a in self._to}))

    def subscribers(self) -> Iterator[Subscriber | Problem]:
        if self.list_path:
            yield from iter_subscribers(self.list_path, dedupe=False)
            return
        if self.subscribers_list and self.store is not None:
            for n, member in enumerate(self.store.subscribers(self.subscribers_list, status="subscribed"), 1):
                fields = {**member.fields, "email": member.email, **({"name": member.name} if member.name else {})}
                yield Subscriber(email=member.email, line=n, fields=fields)
            return
        for n, (name, addr) in enumerate(self._to, 1):
            yield Subscriber(email=addr, line=n, fields={"email": addr, **({"name": name} if name else {})})

    def rows(self, item_name: str, mail_from: str) -> Iterator[tuple[str, dict[str, str], str, str | None, int]]:
        """Rows for :meth:`DeliveryState.add_recipients`; problems are collected in ``self.problems``."""
        for entry in self.subscribers():
            if isinstance(entry, Problem):
                self.problems.append(entry)
                if not entry.duplicate:
                    yield (entry.email or f"(line {entry.line})", {}, "", str(entry), entry.line)
                continue
            yield (entry.email, entry.fields, message_id_for(item_name, entry.email, mail_from), None, entry.line)

    def duplicate(self, email: str, line: int, first_line: int) -> None:
        """Called by the state when ``email`` on ``line`` repeats ``first_line`` of the same import."""
        self.problems.append(Problem(line, email, f"{email} is a duplicate of line {first_line}; it is sent once",
                                     duplicate=True))


def open_campaign(state: DeliveryState, item: Item, settings: Settings, via: str, audience: Audience, *,
                  scheduled_for: tuple[float, str] | None = None) -> tuple[Campaign, int]:
    """Find or create the campaign and add the audience's readers that are not in it yet.

    Returns the campaign and how many readers were added. A campaign scheduled for later is not
    started by ``send``; a cancelled one is replaced by a fresh campaign.
    """
    item_path = str(item.path)
    campaign = state.find_campaign(item_path, via, audience.key)
    if campaign is None and audience.list_path is not None:
        legacy = state.find_campaign(item_path, via, "list")  # recorded before lists had their own audience
        if legacy is not None and legacy.list_path and \
                Path(legacy.list_path).resolve() == Path(audience.list_path).resolve():
            campaign = legacy
    if scheduled_for is not None:
        if campaign is not None:
            raise InputError(f"{item.name} already has campaign #{campaign.id} ({campaign.state}) for this audience "
                             f"via {via}; cancel it first with `compose cancel {campaign.id}`")
        due, due_text = scheduled_for
        campaign = state.create_campaign(item=item.name, item_path=item_path, via=via, audience=audience.key,
                                         state="scheduled", due=due, due_text=due_text,
                                         list_path=str(Path(audience.list_path).resolve()) if audience.list_path
                                         else None)
    elif campaign is None:
        campaign = state.create_campaign(item=item.name, item_path=item_path, via=via, audience=audience.key,
                                         list_path=str(Path(audience.list_path).resolve()) if audience.list_path
                                         else None)
    elif campaign.state == "scheduled" and campaign.due is not None and campaign.due > time.time():
        raise InputError(f"campaign #{campaign.id} sends {item.name} to this audience at {campaign.due_text}; "
                         f"cancel it (`compose cancel {campaign.id}`) to send now")
    added = state.add_recipients(campaign.id, audience.rows(item.name, settings.mail_from),
                                 on_duplicate=audience.duplicate)
    if campaign.state == "done" and added:
        state.set_campaign_state(campaign.id, "active", only_from=("done",))
    return state.campaign(campaign.id), added


def stale_reasons(item: Item, settings: Settings) -> list[str]:
    """Why ``item`` would not look as the current settings say: settings changed since it was composed
    (by key), or no unsubscribe link although one can now be made. Empty when it is current."""
    from composer.config import rendering_fingerprint
    from composer.newsletter.merge import fields_in

    reasons = []
    recorded = item.manifest.get("settings")
    if isinstance(recorded, dict):
        now = rendering_fingerprint(settings)
        changed = sorted(k for k in now if k in recorded and recorded[k] != now[k])
        if changed:
            reasons.append(f"{', '.join(changed)} changed since it was composed")
    if settings.site_url and settings.unsubscribe_secret:
        try:
            html = item.read_text("email.html")
        except Exception:  # noqa: BLE001 - an unreadable item fails later with its own message
            html = ""
        if html and "unsubscribe_url" not in fields_in(html):
            reasons.append("it has no unsubscribe link (it was composed without SITE_URL)")
    return reasons
