"""The send loop: claim due readers, personalise, send, record — one reader at a time.

Each worker thread has its own database connection and its own adapter (its own SMTP
connection), so ``SEND_CONCURRENCY`` is simply the number of threads; the claim transaction is
what keeps them — and other worker processes, on this machine or others — from sending the same
message. A claim is a lease: before each message the thread makes sure its lease has at least
half of ``SEND_LEASE`` left (renewing it, and dropping any row another worker took over), so a
message is only ever sent under a valid claim. Every outcome is recorded right after the adapter
returns, and is committed before the next message is committed to the server, which is what
makes a killed run resumable with at most the one in-flight message in doubt.

With PostgreSQL an outcome costs a round trip to the database; instead of waiting for it before
touching the next message, the loop overlaps it with the next message's SMTP transaction: it
sends outcome k to the database without waiting, writes message k+1's ``MAIL FROM``/``RCPT
TO``/``DATA`` (pipelined), reads their replies and writes k+1's body *without* its final dot,
then reads the database's answer (which also carries the audience's suppression generation).
Only if outcome k was committed, reader k+1 is still not suppressed and the lease still holds
does it write the final dot — the moment the server takes responsibility for the message — and
while the server answers, it renders message k+2. Otherwise k+1 is abandoned, undelivered:
``RSET`` if the server has not answered ``DATA`` with 354, else the connection is closed without
the final dot (an unterminated message is not delivered, RFC 5321 3.8; the next message opens a
new session). So a message's final dot is never written before the previous message's outcome
is committed. A database error there leaves k+1 unsent and claimed, to be given back (or taken
over after its lease), so the run stays resumable. With SQLite outcomes are appended to a
journal (no round trip), and nothing is overlapped.

Messages are rendered just before they are sent and dropped right after, so memory does not
grow with the size of the list.

Right before each message is rendered, the audience store is asked whether the reader is
suppressed (unsubscribed, bounced, complained, removed); such a reader is marked ``skipped``
with the reason instead. Asking per message rather than when the list is imported is what
makes an unsubscription that arrives while a campaign runs stop that reader's pending message,
whichever adapter sends and whether the list came from a CSV or the store. The batch's
suppressions are read in one query right after the claim (``AudienceStore.prefetch``); with
SQLite the per-message question is then only whether anything was committed since
(``PRAGMA data_version``), and any commit sends it back to the database — so the answer is as
fresh as a per-message query, for a fraction of its cost.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from composer.audience import AudienceStore, open_store
from composer.audience.sqlite import SQLiteAudience
from composer.config import Settings
from composer.delivery import get_backend
from composer.delivery.base import Backend, Outgoing, Result
from composer.delivery.engine import is_postgres_url
from composer.delivery.state import Campaign, DeliveryState, RetryPolicy, Row
from composer.errors import ConfigError
from composer.newsletter.personalize import MessageTemplate, RecipientError

ProgressFn = Callable[[dict[str, int]], None]
AudienceFactory = Callable[[], AudienceStore]


class RateLimiter:
    """At most ``rate`` messages per second across all threads (0 = unlimited)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


@dataclass
class RunSummary:
    campaign: int
    counts: dict[str, int]
    failed: list[dict[str, Any]] = field(default_factory=list)
    deferred: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    cancelled: bool = False
    error: str | None = None

    @property
    def complete(self) -> bool:
        return not (self.counts.get("pending") or self.counts.get("deferred") or self.counts.get("sending"))

    @property
    def exit_code(self) -> int:
        """0 when every reader got the message, 1 when any is deferred, failed or still pending."""
        return 0 if self.complete and not self.counts.get("failed") and not self.error else 1


def backend_factory_for(campaign: Campaign, settings: Settings) -> Callable[[], Backend]:
    directory = Path(campaign.item_path) / "sent" / str(campaign.id)
    return lambda: get_backend(campaign.via, settings, directory=directory)


class _Shared:
    def __init__(self, counts: dict[str, int], progress: ProgressFn | None) -> None:
        self.counts = counts
        self.progress = progress
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.unreachable: str | None = None

    def moved(self, old: str, new: str) -> None:
        with self.lock:
            self.counts[old] -= 1
            self.counts[new] += 1
            snapshot = dict(self.counts)
        if self.progress:
            self.progress(snapshot)


def skip_reason(audience: AudienceStore, email: str) -> str | None:
    """Why ``email`` must not be mailed (its suppression), or None."""
    found = audience.suppression(email)
    return f"suppressed: {found.reason} ({found.source})" if found else None


def _worker(state_path: str | Path, campaign_id: int, template: MessageTemplate, make_backend: Callable[[], Backend],
            policy: RetryPolicy, limiter: RateLimiter, shared: _Shared, deadline: float, batch: int,
            make_audience: AudienceFactory) -> None:
    with DeliveryState(state_path, lease=policy.lease) as state, make_audience() as audience:
        backend: Backend | None = None
        unattempted: list[Row] = []  # claimed by us, not yet recorded: given back if we stop
        # PostgreSQL with the audience in the same database: each recorded outcome also reads the
        # suppressions' generation, so the next reader's check needs no round trip of its own.
        if state.engine.name == "postgresql" and getattr(audience, "url", None) == str(state_path):
            state.generation_query = audience.generation_query()
        # PostgreSQL: outcomes are sent ahead, and the one in flight — (reader, new state) — is
        # confirmed by settle() before anything else happens to the state and, in any case,
        # before the next message is committed to the server (see the module's docstring).
        ahead = state.engine.name == "postgresql"
        inflight: tuple[Row, str] | None = None

        # The next reader's message, rendered while the server was taking the previous one (or the
        # error rendering it raised, raised again at that reader's turn).
        ready: tuple[Row, bytes | Exception] | None = None

        def prepare(row: Row | None) -> None:
            nonlocal ready
            if row is None:
                return
            try:
                ready = (row, template.render(row.fields, message_id=row.message_id, date=dt.datetime.now(dt.UTC)))
            except Exception as exc:  # never out of the adapter between a message's final dot and its reply
                ready = (row, exc)

        def settle() -> None:
            nonlocal inflight
            if inflight is None:
                return
            done, new = inflight
            inflight = None
            state.confirm()  # raises the database's error: the outcome is then not known to be recorded
            if state.generation_query:
                audience.tell_generation(state.audience_generation)
            shared.moved(done.previous, new)

        try:
            backend = make_backend()
            while not shared.stop.is_set():
                settle()
                if state.campaign(campaign_id).state == "cancelled":
                    break
                claimed_at = time.time()
                rows = unattempted = state.claim(campaign_id, batch, now=claimed_at)
                renew_at = claimed_at + state.lease / 2
                owned: set[int] | None = None  # None: the claim is fresh, every row is ours
                if rows:
                    audience.prefetch(r.email for r in rows)
                if not rows:
                    upcoming = state.next_due(campaign_id)
                    now = time.time()
                    if upcoming is not None and upcoming <= deadline:
                        shared.stop.wait(min(max(upcoming - now, 0.01), 0.5))
                        continue
                    break
                for i, row in enumerate(rows):
                    if shared.stop.is_set():
                        break
                    # Begin this message while the previous outcome is on its way only if the batch
                    # read at the claim says the reader is not suppressed; the real check follows.
                    early = inflight is not None and audience.probably_clear(row.email)
                    if not early:
                        settle()
                        skip = skip_reason(audience, row.email)
                        if skip is not None:
                            state.mark_skipped(row, skip)
                            unattempted = rows[i + 1:]
                            shared.moved(row.previous, "skipped")
                            continue
                    try:
                        if ready is not None and ready[0] is row:
                            data, ready = ready[1], None
                            if isinstance(data, Exception):
                                raise data
                        else:
                            data = template.render(row.fields, message_id=row.message_id,
                                                   date=dt.datetime.now(dt.UTC))
                    except RecipientError as exc:
                        settle()
                        state.mark_failed(row, str(exc))
                        unattempted = rows[i + 1:]
                        shared.moved(row.previous, "failed")
                        continue
                    limiter.wait()
                    sender = template.envelope_sender(row.campaign, row.seq, row.email)
                    message = Outgoing(key=f"{row.seq:06d}", sender=sender, recipient=row.email,
                                       data=data, message_id=row.message_id)
                    # The envelope (MAIL, RCPT, DATA) goes out now; the message is only committed
                    # by finish(), after the previous outcome is confirmed and this reader checked.
                    started = inflight is not None and backend.start(message)
                    staged: Result | None = None
                    try:
                        if started:
                            # The envelope's replies, then the body without its final dot (the server
                            # reads it while the database works), or this message's outcome if refused.
                            staged = backend.stage(message)
                        settle()
                        skip = skip_reason(audience, row.email) if early else None
                        if skip is None and time.time() >= renew_at:
                            renew_at = time.time() + state.lease / 2
                            owned = state.renew(campaign_id)
                    except BaseException:
                        if started:
                            backend.abandon()
                        raise
                    if skip is not None:
                        if started:
                            backend.abandon()
                        state.mark_skipped(row, skip)
                        unattempted = rows[i + 1:]
                        shared.moved(row.previous, "skipped")
                        continue
                    if owned is not None and row.seq not in owned:
                        if started:
                            backend.abandon()
                        unattempted = rows[i + 1:]
                        continue  # our lease ran out and another worker took this reader over
                    if staged is not None:
                        result = staged
                    elif started:
                        following = rows[i + 1] if i + 1 < len(rows) else None
                        result = backend.finish(message, meanwhile=lambda r=following: prepare(r))
                    else:
                        result = backend.send_one(message)
                    if result.status == "sent":
                        state.mark_sent(row, ahead=ahead)
                        new = "sent"
                    elif result.status == "permanent":
                        state.mark_failed(row, result.reason, ahead=ahead)
                        new = "failed"
                    else:
                        new = state.mark_temporary(row, result.reason, policy, ahead=ahead)
                    unattempted = rows[i + 1:]
                    if ahead:
                        inflight = (row, new)
                    else:
                        if state.generation_query:
                            audience.tell_generation(state.audience_generation)
                        shared.moved(row.previous, new)
                    if result.unreachable:
                        shared.unreachable = result.reason
                        shared.stop.set()
        except BaseException as exc:
            shared.errors.append(exc)
            shared.stop.set()
        finally:
            try:
                settle()
            except BaseException as exc:
                shared.errors.append(exc)
                shared.stop.set()
            try:
                state.release(unattempted)
            finally:
                if backend is not None:
                    backend.close()


def run_campaign(
    state_path: str | Path,
    campaign_id: int,
    settings: Settings,
    *,
    template: MessageTemplate,
    make_backend: Callable[[], Backend] | None = None,
    concurrency: int | None = None,
    max_wait: float = 0.0,
    progress: ProgressFn | None = None,
    batch: int | None = None,
    audience: AudienceFactory | None = None,
) -> RunSummary:
    """Send whatever of the campaign is due, until nothing is; returns the resulting counts.

    Deferred readers whose next attempt falls within ``max_wait`` seconds are waited for (so a
    short ``SEND_RETRY_DELAY`` retries within one ``send``); later ones are left for the next
    ``send`` or ``worker``. Errors that make the whole adapter unusable (bad TLS, refused login)
    stop the run and are re-raised after every claimed-but-unsent reader has been released.
    ``audience`` opens the store asked about suppressions (default: the audience tables in the
    same SQLite file as the state); each worker thread opens its own. ``batch`` is how many readers
    one claim takes: 25 with SQLite; 100 with PostgreSQL, where a claim and the suppression
    prefetch after it are eight round trips the send loop cannot overlap (a dead worker's batch
    waits for its lease either way).
    """
    if batch is None:
        batch = 100 if is_postgres_url(state_path) else 25
    if settings.send_lease < 2 * settings.smtp_timeout:
        raise ConfigError(f"SEND_LEASE={settings.send_lease:g} must be at least twice SMTP_TIMEOUT="
                          f"{settings.smtp_timeout:g}: a claim must outlast the message being sent")
    with DeliveryState(state_path, lease=settings.send_lease) as state:
        campaign = state.campaign(campaign_id)
        if campaign.state == "scheduled":
            state.set_campaign_state(campaign_id, "active", only_from=("scheduled",))
        shared = _Shared(state.counts(campaign_id), progress)
        # Rows "sending" at the start belong to a stopped run; they count as pending here.
        shared.counts["pending"] += shared.counts.pop("sending", 0)
        shared.counts["sending"] = 0
        for key in ("deferred", "failed", "skipped"):
            shared.counts.setdefault(key, 0)
        make_backend = make_backend or backend_factory_for(campaign, settings)
        policy = RetryPolicy(base=settings.send_retry_delay, max_attempts=settings.send_max_attempts,
                             lease=settings.send_lease)
        limiter = RateLimiter(settings.send_rate)
        deadline = time.time() + max_wait
        workers = max(1, concurrency if concurrency is not None else settings.send_concurrency)
        make_audience = audience
        if make_audience is None:
            # The audience lives where the state does: the same SQLite file, or the same PostgreSQL database.
            if is_postgres_url(state_path):
                make_audience = lambda: open_store(settings.outbox_dir, str(state_path))  # noqa: E731
            else:
                make_audience = lambda: SQLiteAudience(state_path)  # noqa: E731
        args = (state_path, campaign_id, template, make_backend, policy, limiter, shared, deadline, batch,
                make_audience)
        if workers == 1:
            try:
                _worker(*args)
            except KeyboardInterrupt:
                shared.stop.set()
                raise
        else:
            threads = [threading.Thread(target=_worker, args=args, name=f"send-{i}", daemon=True)
                       for i in range(workers)]
            for t in threads:
                t.start()
            try:
                for t in threads:
                    while t.is_alive():
                        t.join(0.2)
            except KeyboardInterrupt:
                shared.stop.set()
                for t in threads:
                    t.join()
                raise
        if shared.errors:
            raise shared.errors[0]
        counts = state.counts(campaign_id)
        summary = RunSummary(campaign_id, counts,
                             failed=state.recipients(campaign_id, ["failed"]),
                             deferred=state.recipients(campaign_id, ["deferred"]),
                             skipped=state.recipients(campaign_id, ["skipped"]))
        current = state.campaign(campaign_id)
        summary.cancelled = current.state == "cancelled"
        summary.error = shared.unreachable
        if summary.complete and current.state == "active":
            state.set_campaign_state(campaign_id, "done", only_from=("active",))
        return summary
