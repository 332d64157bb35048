"""CLI verbs for delivery: ``send``, ``schedule``, ``cancel`` and ``worker`` (``status`` is beside it).

Output contract: progress (only on a terminal) and the summary go to stderr, so ``--via
console`` can pipe the messages themselves from stdout; ``status --json`` prints JSON on
stdout. Exit codes: 0 when every reader got the message, 1 when any was deferred or failed
(the summary names them), 2 for bad input or configuration.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterator

from composer.commands.common import Add, local_time
from composer.errors import InputError
from composer.textutil import plural

# Only names for type hints here: datetime, signal and pathlib load inside the verbs, so that
# `compose --help` does not pay for them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from composer.config import Settings

_LIST_LIMIT = 20  # readers listed by name in a summary before "… and N more"


def _err(text: str) -> None:
    print(text, file=sys.stderr)


class Progress:
    """A one-line bar on stderr, redrawn at most 10 times a second, only on a terminal."""

    def __init__(self, total: int, enabled: bool | None = None) -> None:
        self.total = max(total, 1)
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = 0.0

    def __call__(self, counts: dict[str, int], force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        done = counts.get("sent", 0) + counts.get("failed", 0)
        width = 30
        filled = int(width * min(done, self.total) / self.total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}  "
                         f"sent {counts.get('sent', 0)}  deferred {counts.get('deferred', 0)}  "
                         f"failed {counts.get('failed', 0)} ")
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def _print_summary(summary: Any, via: str, settings: Settings) -> None:
    from composer.config import mask_secrets

    c = summary.counts
    left = c.get("pending", 0) + c.get("sending", 0)
    _err(f"campaign #{summary.campaign} via {via}: {c.get('sent', 0)} sent, {c.get('deferred', 0)} deferred, "
         f"{c.get('failed', 0)} failed" + (f", {left} not attempted" if left else "")
         + (f", {c['skipped']} skipped ({_why_skipped(summary.skipped)})" if c.get("skipped") else ""))
    for row in summary.failed[:_LIST_LIMIT]:
        _err(f"  failed   {row['email']}: {mask_secrets(row['reason'] or '', settings)}")
    if len(summary.failed) > _LIST_LIMIT:
        _err(f"  … and {len(summary.failed) - _LIST_LIMIT} more failed (see `compose status`)")
    for row in summary.deferred[:_LIST_LIMIT]:
        _err(f"  deferred {row['email']} until {local_time(row['next_attempt'])}: "
             f"{mask_secrets(row['reason'] or '', settings)}")
    if len(summary.deferred) > _LIST_LIMIT:
        _err(f"  … and {len(summary.deferred) - _LIST_LIMIT} more deferred")
    if summary.error:
        _err(f"  stopped: {mask_secrets(summary.error, settings)}")
    if summary.cancelled:
        _err("  the campaign was cancelled")
    elif summary.deferred or left:
        _err("  run the same `compose send` again, or `compose worker`, to retry what is left")


def _why_skipped(rows: list[dict[str, Any]]) -> str:
    """``2 unsubscribed, 1 bounced``: the skipped readers counted by suppression reason."""
    from collections import Counter

    reasons = Counter((row["reason"] or "").removeprefix("suppressed: ").split(" (")[0] for row in rows)
    return ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())


def _check_stale(item: Any, settings: Settings, args: argparse.Namespace, *, refuse: bool) -> None:
    """Warn about an item composed before its settings changed; refuse a list send that has no unsubscribe link."""
    from composer.delivery.campaign import stale_reasons

    reasons = stale_reasons(item, settings)
    if not reasons:
        return
    message = (f"{item.name}: {'; '.join(reasons)}. Recompose it in place (same name and campaigns; nobody already "
               f"sent to gets it again) with `compose recompose {item.name}`")
    to_a_list = bool(getattr(args, "list", None) or getattr(args, "subscribers", None))
    if refuse and to_a_list and any("no unsubscribe link" in r for r in reasons):
        raise InputError(message + " before sending it to a list")
    _err(f"compose: warning: {message}")


def _report_problems(problems: list[Any]) -> None:
    shown = 0
    for p in problems:
        if shown < _LIST_LIMIT:
            _err(f"compose: warning: {p}")
        shown += 1
    if shown > _LIST_LIMIT:
        _err(f"compose: warning: … and {plural(shown - _LIST_LIMIT, 'more problem')} in the list")


def _via(args: argparse.Namespace, settings: Settings) -> str:
    via = args.via or settings.delivery
    if via == "smtp":
        from composer.delivery.smtp import SMTPBackend

        SMTPBackend(settings)  # validates security/host before anything is queued
    return via


def _audience(args: argparse.Namespace, store: Any = None) -> Any:
    from pathlib import Path

    from composer.delivery.campaign import Audience

    return Audience(to=args.to or (), list_path=Path(args.list) if args.list else None,
                    subscribers_list=args.subscribers, store=store)


@contextlib.contextmanager
def _term_as_interrupt() -> Iterator[None]:
    """SIGTERM stops like Ctrl-C while a command runs: the current message finishes, claims are given back."""
    import signal

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (a library caller running main() in a thread)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# -- send -------------------------------------------------------------------------------------


def cmd_send(args: argparse.Namespace, settings: Settings) -> int:
    from composer.audience import open_for
    from composer.delivery.campaign import open_campaign
    from composer.delivery.runner import run_campaign
    from composer.delivery.state import DeliveryState
    from composer.newsletter.personalize import MessageTemplate
    from composer.outbox import Outbox

    item = Outbox(settings.outbox_dir).get(args.item)
    via = _via(args, settings)
    template = MessageTemplate.from_item(item, settings)
    _check_stale(item, settings, args, refuse=not args.dry_run)
    if args.dry_run:
        return _dry_run(item, template, args, via, settings)
    with open_for(settings) as store:
        audience = _audience(args, store)
        with DeliveryState.for_settings(settings) as state:
            campaign, added = open_campaign(state, item, settings, via, audience)
            state.retry_now(campaign.id)
            counts = state.counts(campaign.id)
    _report_problems(audience.problems)
    todo = counts["pending"] + counts["deferred"] + counts["sending"]
    total = sum(counts.values())
    if counts["sent"] and todo:
        _err(f"resuming campaign #{campaign.id}: {counts['sent']} already sent, {todo} to go")
    progress = Progress(total)
    with _term_as_interrupt():
        summary = run_campaign(state.target, campaign.id, settings, template=template, max_wait=args.max_wait,
                               progress=progress)
    progress(summary.counts, force=True)
    progress.finish()
    _print_summary(summary, via, settings)
    return summary.exit_code


def _dry_run(item: Any, template: Any, args: argparse.Namespace, via: str, settings: Settings) -> int:
    """Check the list and build every message; a dry run writes nothing, not even an empty database."""

    from composer.audience import exists, open_for

    if not exists(settings):
        return _dry_run_with(item, template, _audience(args), via, settings, None)
    with open_for(settings) as store:
        return _dry_run_with(item, template, _audience(args, store), via, settings, store)


def _dry_run_with(item: Any, template: Any, audience: Any, via: str, settings: Settings, store: Any) -> int:
    from composer.delivery.runner import skip_reason
    from composer.newsletter.personalize import RecipientError

    ok, bad, skipped = 0, 0, 0
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    seen: dict[str, int] = {}  # a dry run has no database to find duplicates with
    for email, fields, message_id, reason, line in audience.rows(item.name, settings.mail_from):
        if reason:
            bad += 1
            continue
        if email.lower() in seen:
            audience.duplicate(email, line, seen[email.lower()])
            continue
        seen[email.lower()] = line
        if store is not None and skip_reason(store, email):
            skipped += 1
            continue
        try:
            template.render(fields, message_id=message_id, date=now)
            ok += 1
        except RecipientError as exc:
            bad += 1
            _err(f"compose: warning: {email}: {exc}")
    _report_problems(audience.problems)
    dupes = sum(1 for p in audience.problems if p.duplicate)
    _err(f"dry run: {plural(ok, 'message')} would be sent via {via}"
         + (f"; {plural(bad, 'reader')} cannot be sent to" if bad else "")
         + (f"; {plural(dupes, 'duplicate')} skipped" if dupes else "")
         + (f"; {plural(skipped, 'suppressed reader')} skipped" if skipped else "") + "; nothing was sent or recorded")
    return 1 if bad else 0


# -- schedule / cancel ------------------------------------------------------------------------


def cmd_schedule(args: argparse.Namespace, settings: Settings) -> int:
    from composer.audience import open_for
    from composer.delivery.campaign import open_campaign
    from composer.delivery.schedule import parse_when
    from composer.delivery.state import DeliveryState
    from composer.newsletter.personalize import MessageTemplate
    from composer.outbox import Outbox

    when = parse_when(args.at, args.tz)
    item = Outbox(settings.outbox_dir).get(args.item)
    via = _via(args, settings)
    MessageTemplate.from_item(item, settings)  # fail now, not at 09:00, if the item cannot be sent
    _check_stale(item, settings, args, refuse=True)
    with open_for(settings) as store, DeliveryState.for_settings(settings) as state:
        audience = _audience(args, store)
        campaign, added = open_campaign(state, item, settings, via, audience,
                                        scheduled_for=(when.timestamp(), when.isoformat(timespec="minutes")))
    _report_problems(audience.problems)
    _err(f"scheduled campaign #{campaign.id}: {item.name} to {plural(added, 'reader')} via {via} at "
         f"{when.isoformat(timespec='minutes')}; a running `compose worker` (or cron with "
         f"`compose worker --once`) sends it. Cancel with `compose cancel {campaign.id}`.")
    print(campaign.id)
    return 0


def cmd_cancel(args: argparse.Namespace, settings: Settings) -> int:
    from composer.delivery.state import DeliveryState

    campaign_id = args.id
    with DeliveryState.for_settings(settings) as state:
        campaign = state.campaign(campaign_id)
        if not state.set_campaign_state(campaign_id, "cancelled", only_from=("scheduled", "active")):
            raise InputError(f"campaign #{campaign_id} is {campaign.state}; only scheduled or running campaigns "
                             "can be cancelled")
        counts = state.counts(campaign_id)
    _err(f"cancelled campaign #{campaign_id} ({campaign.item}); {counts['sent']} had already been sent")
    return 0


def cmd_retry(args: argparse.Namespace, settings: Settings) -> int:
    """Send a campaign's deferred readers now and, with ``--failed``, its failed ones again."""
    from composer.delivery.runner import run_campaign
    from composer.delivery.state import DeliveryState
    from composer.newsletter.personalize import MessageTemplate
    from composer.outbox import Outbox

    with DeliveryState.for_settings(settings) as state:
        campaign = state.campaign(args.id)
        if campaign.state in ("cancelled", "scheduled"):
            raise InputError(f"campaign #{campaign.id} is {campaign.state}; only started campaigns can be retried"
                             + (" (`compose send` starts it now)" if campaign.state == "scheduled" else ""))
        if campaign.via == "smtp":
            from composer.delivery.smtp import SMTPBackend

            SMTPBackend(settings)  # a configuration still wrong fails here, before anyone is requeued
        item = Outbox(settings.outbox_dir).get(campaign.item_path)
        template = MessageTemplate.from_item(item, settings)
        requeued = state.requeue_failed(campaign.id) if args.failed else 0
        due = state.retry_now(campaign.id)
        if campaign.state == "done" and requeued:
            state.set_campaign_state(campaign.id, "active", only_from=("done",))
        counts = state.counts(campaign.id)
        target = state.target
    todo = counts["pending"] + counts["deferred"] + counts["sending"]
    _err(f"retrying campaign #{campaign.id} ({campaign.item}): {plural(requeued, 'failed reader')} requeued, "
         f"{plural(due, 'deferred reader')} due now, {todo} to send")
    progress = Progress(sum(counts.values()))
    with _term_as_interrupt():
        summary = run_campaign(target, campaign.id, settings, template=template, max_wait=args.max_wait,
                               progress=progress)
    progress(summary.counts, force=True)
    progress.finish()
    _print_summary(summary, campaign.via, settings)
    return summary.exit_code


# -- worker -----------------------------------------------------------------------------------


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from composer.audience import purge_pass
    from composer.config import mask_secrets
    from composer.delivery.schedule import worker_loop
    from composer.feeds.run import worker_pass
    from composer.publish.runner import worker_pass as publish_pass

    def log(text: str) -> None:
        import datetime as dt

        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        _err(f"{stamp} {mask_secrets(text, settings)}")

    from pathlib import Path

    from composer.delivery.engine import masked_url

    url = settings.database_url.reveal()
    if not url and not Path(settings.outbox_dir).is_dir():
        raise InputError(f"no outbox at {settings.outbox_dir}: nothing to send. Run the worker in the folder that "
                         "holds the outbox, or point OUTBOX_DIR (or --outbox) at it")
    where = masked_url(url) if url else str(Path(settings.outbox_dir) / "delivery.sqlite3")
    log(f"worker: due campaigns from {where}, items from {settings.outbox_dir}"
        + ("" if args.once else f", every {args.poll:g} s"))
    try:
        with _term_as_interrupt():
            return worker_loop(settings, poll=args.poll, once=args.once, log=log, also=(worker_pass, publish_pass, purge_pass))
    except KeyboardInterrupt:
        if args.once:
            raise
        log("worker stopped")
        return 0


# -- db ---------------------------------------------------------------------------------------


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    """``compose db migrate``: create or upgrade the delivery, publishing and audience schemas (SQLite file or DATABASE_URL)."""
    from composer.audience import migrate_for
    from composer.delivery.state import location, migrate_state
    from composer.publish.state import migrate_record

    # The publisher's tables live in the same database as the delivery state, versioned on their own.
    for what, migrate in (("delivery state", lambda: migrate_state(location(settings))),
                          ("publishing state", lambda: migrate_record(location(settings))),
                          ("audience data", lambda: migrate_for(settings))):
        where, before, after = migrate()
        if before == after:
            _err(f"{what} {where}: schema version {after}, up to date")
        else:
            _err(f"{what} {where}: schema migrated from version {before} to {after}")
    return 0


# -- registration -----------------------------------------------------------------------------


def register(add: Add) -> None:
    def audience(p: argparse.ArgumentParser) -> None:
        p.add_argument("--to", action="append", metavar="ADDRESS", help="send to this address (repeatable)")
        p.add_argument("--list", metavar="CSV", help="subscribers CSV with a header row: email,name,…")
        p.add_argument("--subscribers", metavar="LIST",
                       help="the subscribed members of this list in the audience store (`compose subscribers`)")
        p.add_argument("--via", choices=["outbox", "smtp", "console"],
                       help="delivery adapter (default: $DELIVERY or outbox)")

    p = add("send", cmd_send)
    p.add_argument("item", metavar="ITEM", help="outbox item name or folder")
    audience(p)
    p.add_argument("--dry-run", action="store_true", help="check the list and build every message; send nothing")
    p.add_argument("--max-wait", type=float, default=30.0, metavar="SECONDS",
                   help="wait for retries due within this many seconds before exiting (default 30)")

    p = add("schedule", cmd_schedule)
    p.add_argument("item", metavar="ITEM", help="outbox item name or folder")
    p.add_argument("--at", metavar="WHEN", required=True, help="ISO 8601 time, or 'YYYY-MM-DD HH:MM' with --tz")
    p.add_argument("--tz", metavar="ZONE", help="time zone for --at, e.g. Europe/Berlin")
    audience(p)

    p = add("cancel", cmd_cancel)
    p.add_argument("id", type=int, metavar="ID", help="campaign number (see `compose status`)")

    p = add("retry", cmd_retry)
    p.add_argument("id", type=int, metavar="ID", help="campaign number (see `compose status`)")
    p.add_argument("--failed", action="store_true",
                   help="also send again to readers that failed (e.g. after fixing SMTP settings); safe to repeat")
    p.add_argument("--max-wait", type=float, default=30.0, metavar="SECONDS",
                   help="wait for retries due within this many seconds before exiting (default 30)")

    p = add("db", cmd_db)
    p.add_argument("action", choices=["migrate"], help="migrate: apply the schema versions not yet applied")

    p = add("worker", cmd_worker)
    p.add_argument("--once", action="store_true", help="one pass over what is due, then exit")
    p.add_argument("--poll", type=float, default=30.0, metavar="SECONDS", help="seconds between passes (default 30)")

