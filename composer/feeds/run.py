"""One run of a followed feed, and the worker's pass over the feeds that are due.

A run: lock the feed → fetch it (a conditional GET with the last ETag/Last-Modified, unless
the state waits on held or failed entries) → pick the new entries → read them → compose one
digest item → record, in one transaction, what went out, what failed and the validators.
The order matters: the state changes only after the item is in the outbox, so a run killed
half way is simply run again; at worst it composes the same entries into a second item, it
never loses one.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from composer.config import Settings
from composer.errors import ComposerError
from composer.feeds.cadence import next_run, parse_cadence
from composer.feeds.digest import Digest, manifest_fields, read_digest
from composer.feeds.redact import redact, redact_url
from composer.feeds.select import Selection, needs_full_fetch, select_new
from composer.feeds.state import EntryUpdate, FeedRow, FeedState
from composer.ingest.feed import FeedEntry, read_feed
from composer.outbox import Item

RETRY_AFTER = 900.0  # seconds before the worker tries a feed again after a failed run


@dataclass
class RunResult:
    """What one run did, for the command's summary and the worker's log."""

    name: str
    item: Item | None = None
    composed: int = 0
    failed: list[tuple[FeedEntry, str]] = field(default_factory=list)
    held: int = 0
    backlog: int = 0
    not_modified: bool = False
    send_code: int | None = None
    error: str | None = None  # the run itself failed (the worker logs it and goes on)
    send_error: str | None = None  # composed, but the send could not start (`compose send ITEM` retries it)
    warnings: list[str] = field(default_factory=list)  # the composition's (an LLM fallback, a large HTML)

    @property
    def message(self) -> str:
        if self.error:
            return f"feed {self.name}: {self.error}"
        if self.not_modified:
            return f"feed {self.name}: not modified since the last run (HTTP 304); nothing composed"
        if self.backlog:
            return (f"feed {self.name}: first run; {self.backlog} entries already in the feed were marked as seen "
                    "(run with --include-backlog to compose them instead)" + self._held())
        if self.item is None and not self.failed:
            return f"feed {self.name}: no new entries; nothing composed" + self._held()
        if self.item is None:
            return f"feed {self.name}: all {len(self.failed)} new entries failed; nothing composed" + self._held()
        failed = f", {len(self.failed)} failed" if self.failed else ""
        unsent = (f"; not sent: {self.send_error} (send it with `compose send {self.item.name} --list CSV`)"
                  if self.send_error else "")
        return (f"feed {self.name}: {self.composed} new entries composed into {self.item.name}{failed}"
                + self._held() + unsent)

    def _held(self) -> str:
        return f"; {self.held} future-dated entries wait for their date" if self.held else ""

    @property
    def exit_code(self) -> int:
        """1 when there was news and none of it could be read, or the send did not reach everyone."""
        if self.error or (self.item is None and self.failed):
            return 1
        return self.send_code or 0


def _stamp(entry: FeedEntry) -> float | None:
    return entry.published.timestamp() if entry.published else None


def _updates(selection: Selection, digest: Digest | None, item: Item | None) -> list[EntryUpdate]:
    updates = [EntryUpdate(e.key, e.link, e.title, _stamp(e), "held") for e in selection.held]
    updates += [EntryUpdate(key, None, None, None, "backlog", reason="left the feed before it went out")
                for key in selection.vanished]
    updates += [EntryUpdate(e.key, e.link, e.title, _stamp(e), "backlog") for e in selection.backlog]
    for r in digest.results if digest else ():
        e = r.entry
        if r.article is not None:
            updates.append(EntryUpdate(e.key, e.link, e.title, _stamp(e), "issued", item=item.name if item else None))
        else:
            updates.append(EntryUpdate(e.key, e.link, e.title, _stamp(e), "failed", reason=r.failure, attempted=True))
    return updates


def _next_due(row: FeedRow, now: dt.datetime, scheduled: bool) -> float | None:
    """After a scheduled run, the next occurrence; after a run by hand, the schedule is kept."""
    if not row.every:
        return None
    if scheduled or row.next_due is None or row.next_due <= now.timestamp():
        return next_run(parse_cadence(row.every, row.at, row.tz), now).timestamp()
    return row.next_due


def run_feed(settings: Settings, name: str, *, include_backlog: bool = False, send_list: str | None = None,
             scheduled: bool = False, now: dt.datetime | None = None) -> RunResult:
    """Compose a digest of the new entries of feed ``name`` (none: no item); optionally send it."""
    now = now or dt.datetime.now(dt.UTC)
    result = RunResult(name)
    with FeedState.in_outbox(settings.outbox_dir) as state, state.lock(name):
        row = state.feed(name)
        known = state.known(name)
        conditional = not row.first_run and not needs_full_fetch(known, now)
        response = read_feed(row.url, etag=row.etag if conditional else None,
                             last_modified=row.last_modified if conditional else None, timeout=settings.feed_timeout)
        next_due = _next_due(row, now, scheduled)
        if response.feed is None:
            result.not_modified = True
            state.record_run(name, (), etag=response.etag, last_modified=response.last_modified,
                             result="not modified", item=None, next_due=next_due, now=now.timestamp())
            return result
        feed = response.feed
        selection = select_new(feed.entries, known, now=now, first_run=row.first_run,
                               include_backlog=include_backlog)
        result.held, result.backlog = len(selection.held), len(selection.backlog)
        digest = read_digest(feed, selection.new, settings) if selection.new else None
        item = None
        if digest and digest.articles:
            from composer.pipeline import compose_to_outbox

            item, composition = compose_to_outbox(digest.articles, settings, digest=True, now=now,
                                                  summaries=digest.summaries,
                                                  extra_meta=manifest_fields([feed], digest, name=name))
            result.item, result.composed = item, len(digest.articles)
            result.warnings = [*digest.warnings, *composition.warnings]
        result.failed = [(r.entry, r.failure or "") for r in digest.failed] if digest else []
        state.record_run(name, _updates(selection, digest, item), etag=response.etag,
                         last_modified=response.last_modified, result=result.message,
                         item=item.name if item else None, next_due=next_due, now=now.timestamp())
    target = send_list or row.send_list
    if item is not None and target:
        try:
            result.send_code = send_item(item, settings, Path(target))
        except ComposerError as exc:  # the issue is composed and recorded: say why it did not go out
            result.send_code, result.send_error = 1, str(exc)
    return result


def send_item(item: Item, settings: Settings, list_path: Path) -> int:
    """Send a freshly composed issue to a subscribers CSV through the ordinary send path."""
    from composer.delivery.campaign import Audience, open_campaign
    from composer.delivery.runner import run_campaign
    from composer.delivery.state import DeliveryState, location
    from composer.newsletter.personalize import MessageTemplate

    template = MessageTemplate.from_item(item, settings)
    audience = Audience(list_path=list_path)
    with DeliveryState.for_settings(settings) as dstate:
        campaign, _added = open_campaign(dstate, item, settings, settings.delivery, audience)
    summary = run_campaign(location(settings), campaign.id, settings, template=template)
    return summary.exit_code


def run_due_feeds(settings: Settings, *, log: Callable[[str], None] | None = None,
                  now: dt.datetime | None = None) -> list[RunResult]:
    """The worker's pass: run each feed whose time came; one feed's failure does not stop the others."""
    now = now or dt.datetime.now(dt.UTC)

    def say(text: str) -> None:
        if log:
            log(redact(text))  # the URL of a private feed carries its secret

    with FeedState.in_outbox(settings.outbox_dir) as state:
        due = state.due_feeds(now.timestamp())
    results: list[RunResult] = []
    for row in due:
        try:
            result = run_feed(settings, row.name, scheduled=True, now=now)
        except ComposerError as exc:
            say(f"feed {row.name}: {exc}; trying again in {RETRY_AFTER / 60:.0f} minutes")
            with FeedState.in_outbox(settings.outbox_dir) as state:
                state.set_next_due(row.name, time.time() + RETRY_AFTER)
            results.append(RunResult(row.name, error=str(exc)))
            continue
        results.append(result)
        say(result.message)
        for warning in result.warnings:
            say(f"  warning: {warning}")
        for entry, reason in result.failed:
            say(f"  failed {entry.link or entry.title}: {reason}")
    return results


def worker_pass(settings: Settings, log: Callable[[str], None]) -> int:
    """The hook ``compose worker`` runs beside due campaigns: exit status 1 if a feed run failed."""
    return max((r.exit_code for r in run_due_feeds(settings, log=log)), default=0)


def describe(row: FeedRow, counts: dict[str, int]) -> dict[str, Any]:
    """A feed's row for ``compose feed list``."""
    def when(epoch: float | None) -> str | None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="minutes") if epoch else None

    schedule = parse_cadence(row.every, row.at, row.tz).describe() if row.every else "by hand"
    return {"name": row.name, "url": redact_url(row.url), "schedule": schedule, "next_due": when(row.next_due),
            "last_run": when(row.last_run), "last_result": row.last_result, "last_item": row.last_item,
            "send_list": row.send_list, "entries": counts}
