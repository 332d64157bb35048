"""Scheduling: when a campaign starts, and the worker that starts it.

The schedule lives in the same SQLite state as the per-reader rows (``deliver/state.py``), so it
survives restarts and needs no daemon of its own: ``compose worker`` polls for due work, and
``compose worker --once`` from cron does one pass. A campaign whose time passed while no worker
was running is sent by the next pass — ``due <= now`` — never skipped.

Times are stored as UTC epoch seconds plus the text the user meant (with its zone) for display.
A wall-clock time needs a zone: ``--at "2025-03-12 09:00" --tz Europe/Berlin``; an ISO 8601
time with an offset carries its own. Times that do not exist in the zone (the hour skipped when
clocks go forward) and times in the past are refused rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from composer.config import Settings, zone
from composer.delivery.runner import RunSummary, run_campaign
from composer.delivery.state import DeliveryState, location
from composer.errors import ComposerError, InputError
from composer.newsletter.personalize import MessageTemplate
from composer.outbox import Outbox

_HINT = "use ISO 8601 like 2025-03-12T09:00+01:00, or '2025-03-12 09:00' with --tz Europe/Berlin"


def parse_when(text: str, tz: str | None = None, *, now: dt.datetime | None = None) -> dt.datetime:
    """The aware time meant by ``text`` (in ``tz`` when it has no offset); refuses the past."""
    raw = text.strip()
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise InputError(f"--at {text!r} is not a date and time; {_HINT}") from exc
    if when.tzinfo is None:
        if not tz:
            raise InputError(f"--at {text!r} has no time zone; add --tz ZONE (e.g. --tz Europe/Berlin) or an offset "
                             "like 2025-03-12T09:00+01:00")
        where = zone(tz)
        when = when.replace(tzinfo=where)
        # A wall time inside a DST gap does not survive a round trip through UTC.
        back = when.astimezone(dt.UTC).astimezone(where)
        if back.replace(tzinfo=None) != when.replace(tzinfo=None):
            raise InputError(f"--at {text!r} does not exist in {tz} (the clocks skip that hour); pick another time")
    elif tz:
        when = when.astimezone(zone(tz))
    now = now or dt.datetime.now(dt.UTC)
    if when <= now:
        shown = now.astimezone(when.tzinfo).isoformat(timespec="minutes")
        raise InputError(f"--at {when.isoformat(timespec='minutes')} is in the past (it is now {shown}); "
                         "pick a later time, or use `compose send` to send now")
    return when


def run_due(settings: Settings, *, max_wait: float = 0.0, log: Callable[[str], None] | None = None,
            now: float | None = None) -> list[RunSummary]:
    """One worker pass: run every campaign with due work; a campaign's failure does not stop the others."""
    with DeliveryState.for_settings(settings) as state:
        due = state.due_campaigns(now)
    summaries: list[RunSummary] = []
    for campaign in due:
        try:
            item = Outbox(settings.outbox_dir).get(campaign.item_path)
            template = MessageTemplate.from_item(item, settings)
            summary = run_campaign(state_path(settings), campaign.id, settings, template=template,
                                   max_wait=max_wait)
        except ComposerError as exc:
            if log:
                log(f"campaign #{campaign.id} ({campaign.item}): {exc}")
            summaries.append(RunSummary(campaign.id, {}, error=str(exc)))
            continue
        summaries.append(summary)
        if log:
            c = summary.counts
            log(f"campaign #{campaign.id} ({campaign.item} via {campaign.via}): {c['sent']} sent, "
                f"{c['deferred']} deferred, {c['failed']} failed, {c['pending'] + c['sending']} pending"
                + (f", {c['skipped']} skipped (suppressed)" if c.get("skipped") else ""))
    return summaries


def state_path(settings: Settings) -> str | Path:
    """The delivery state of ``settings``: ``DATABASE_URL``, else the outbox's SQLite file."""
    return location(settings)


def worker_loop(settings: Settings, *, poll: float, once: bool, log: Callable[[str], None],
                also: Sequence[Callable[[Settings, Callable[[str], None]], int]] = ()) -> int:
    """Poll for due campaigns until interrupted (or once); exit code 1 if anything is left undelivered.

    ``also`` are further passes run before the campaigns on each round, each returning an exit
    status — the command line passes the due-feeds pass here, because feeds compose items and
    so sit above delivery: delivery must not import them.
    """
    status = 0
    while True:
        for extra in also:
            status = max(status, extra(settings, log))
        summaries = run_due(settings, log=log)
        for summary in summaries:
            status = max(status, summary.exit_code)
        if once and not summaries:
            log("nothing due")
        if once:
            return status
        time.sleep(poll)
