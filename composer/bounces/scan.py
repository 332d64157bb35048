"""From a returned message to a suppression: match the reader, apply the policy, remember it.

Matching, in this order:

1. **VERP** — the report was addressed to ``bounces+<token>@…`` (or names that address as the
   original envelope sender). The token's campaign and position name a row of the delivery
   state, and its MAC must verify for *that row's* address; a token that does not verify is
   ignored (a forged or mangled bounce changes nothing).
2. **Message-ID** — the Message-ID of the returned original message, looked up in the
   delivery state. Only accepted when the report names that same reader among its failed (or
   complained) addresses, or names none; Message-IDs are derived from the item and address,
   not secret, so this path is the fallback for sends made without ``BOUNCE_ADDRESS``.

Anything else is *unmatched*: counted, logged, never acted on — an address a bounce merely
mentions is not trusted.

Policy: a hard bounce suppresses the reader at once (reason ``bounced``); a complaint at once
(``complained``); a soft bounce is logged as an audience event ``bounce: soft`` and suppresses
(``bounced``) once the reader has ``BOUNCE_SOFT_LIMIT`` of them within ``BOUNCE_SOFT_DAYS``.
Delay warnings and other mail are read and left alone.

Each report is processed once: its key (the report's own Message-ID, else a hash of its bytes)
is stored in ``bounce_reports`` in the outbox's ``delivery.sqlite3`` *before* it is acted on,
so a cron run that overlaps another, or reads the same message again, does nothing twice.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from composer.audience import AudienceStore
from composer.bounces.parse import Report, parse_report
from composer.bounces.sources import Mail, Source
from composer.config import Settings
from composer.delivery.state import DeliveryState
from composer.errors import ComposerError, InputError
from composer.newsletter.verp import Verp
from composer.sqlite_store import SQLiteStore

SOURCE = "bounce mailbox"
SOFT_EVENT = "bounce: soft"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS bounce_reports (
    key       TEXT PRIMARY KEY,
    processed REAL NOT NULL,
    ref       TEXT,
    kind      TEXT NOT NULL,
    email     TEXT,
    outcome   TEXT NOT NULL
)"""


class SeenReports(SQLiteStore):
    """Which reports were processed: a table of their keys beside the delivery state."""

    what = "the bounce records in"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(path, pragmas=("busy_timeout=60000",))

    def _migrate(self) -> None:
        self.db.execute(_SCHEMA)

    def seen(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM bounce_reports WHERE key = ?", (key,)).fetchone() is not None

    def claim(self, key: str, ref: str, kind: str) -> bool:
        """Record ``key`` as processed; False if it already was (by this or another run)."""
        cur = self.db.execute("INSERT OR IGNORE INTO bounce_reports (key, processed, ref, kind, outcome) "
                              "VALUES (?, ?, ?, ?, 'claimed')", (key, time.time(), ref, kind))
        return cur.rowcount > 0

    def finish(self, key: str, email: str | None, outcome: str) -> None:
        self.db.execute("UPDATE bounce_reports SET email = ?, outcome = ? WHERE key = ?", (email, outcome, key))


@dataclass
class Match:
    email: str
    campaign: int
    seq: int
    how: str  # "verp" or "message-id"


@dataclass
class Outcome:
    ref: str
    report: Report
    match: Match | None = None
    action: str = ""  # "suppressed", "counted", "already suppressed", "ignored", "duplicate", "dry run"

    def line(self) -> str:
        who = f"{self.match.email} (by {self.match.how})" if self.match else "unmatched"
        return f"{self.ref}: {self.report.summary()} → {who}: {self.action}"


@dataclass
class Summary:
    read: int = 0
    hard: int = 0
    soft: int = 0
    complaints: int = 0
    other: int = 0  # delay warnings, auto-replies, anything that is not a bounce
    duplicates: int = 0  # processed by an earlier run
    errors: int = 0  # could not be processed; left in the mailbox for the next run
    matched: int = 0
    unmatched: int = 0
    suppressed: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    def line(self, dry_run: bool = False) -> str:
        text = (f"read {self.read}: {self.hard} hard, {self.soft} soft, {self.complaints} complaints, "
                f"{self.other} other, {self.duplicates} already processed; matched {self.matched}, "
                f"unmatched {self.unmatched}; suppressed {self.suppressed}")
        if self.errors:
            text += f"; {self.errors} could not be processed (left for the next run)"
        return text + (" (dry run: nothing recorded)" if dry_run else "")


class Scanner:
    """Processes reports against one outbox's delivery state and audience."""

    def __init__(self, settings: Settings, state: DeliveryState, audience: AudienceStore, seen: SeenReports, *,
                 dry_run: bool = False, now: float | None = None) -> None:
        self.settings = settings
        self.state = state
        self.audience = audience
        self.seen = seen
        self.dry_run = dry_run
        self.now = now
        # Without BOUNCE_ADDRESS there is no VERP to look for: Message-IDs only.
        self.verp = Verp.from_settings(settings)

    # -- matching -----------------------------------------------------------------------------

    def _by_verp(self, report: Report) -> Match | None:
        if self.verp is None:
            return None
        for text in (report.envelope_text, report.other_text):
            for campaign, seq, mac in self.verp.find(text):
                found = self.state.recipient_at(campaign, seq)
                if found and self.verp.verify(campaign, seq, mac, found[0]):
                    return Match(found[0], campaign, seq, "verp")
        return None

    def _by_message_id(self, report: Report) -> Match | None:
        # A bounce must not name somebody else as the failed recipient; complaints are left out of
        # that check because feedback loops redact the recipient (Original-Rcpt-To) as a rule.
        named = {f.address.lower() for f in report.failures if f.address} if report.kind != "complaint" else set()
        for message_id in report.original_ids:
            for campaign, seq, email in self.state.recipients_by_message_id(message_id):
                if not named or email.lower() in named:
                    return Match(email, campaign, seq, "message-id")
        return None

    def match(self, report: Report) -> Match | None:
        return self._by_verp(report) or self._by_message_id(report)

    # -- policy -------------------------------------------------------------------------------

    def _soft_count(self, email: str, now: float) -> int:
        since = now - self.settings.bounce_soft_days * 86400
        return sum(1 for e in self.audience.events(email) if e.kind == SOFT_EVENT and e.at >= since)

    def _act(self, report: Report, match: Match) -> str:
        email = match.email
        detail = f"{report.summary()} (by {match.how}, campaign {match.campaign})"
        if report.kind == "complaint":
            return "suppressed" if self.audience.suppress(email, "complained", source=SOURCE, detail=detail) \
                else "already suppressed"
        if report.kind == "hard":
            return "suppressed" if self.audience.suppress(email, "bounced", source=SOURCE, detail=detail) \
                else "already suppressed"
        # soft: counted, and suppressed at the limit
        if self.audience.suppression(email) is not None:
            return "already suppressed"
        self.audience.log(email, SOFT_EVENT, detail=detail, campaign=match.campaign, report=report.key)
        now = time.time() if self.now is None else self.now
        count = self._soft_count(email, now)
        limit, days = self.settings.bounce_soft_limit, self.settings.bounce_soft_days
        if count >= limit:
            self.audience.suppress(email, "bounced", source=SOURCE,
                                   detail=f"{count} soft bounces within {days:g} days; last: {detail}")
            return "suppressed"
        return f"counted ({count} of {limit} within {days:g} days)"

    def process(self, mail: Mail) -> Outcome:
        report = parse_report(mail.data)
        outcome = Outcome(mail.ref, report)
        if self.seen.seen(report.key):
            outcome.action = "duplicate"
            return outcome
        if report.kind in ("hard", "soft", "complaint"):
            outcome.match = self.match(report)
        if self.dry_run:
            outcome.action = "dry run" if outcome.match else ("unmatched" if report.kind != "other" else "ignored")
            return outcome
        if not self.seen.claim(report.key, mail.ref, report.kind):
            outcome.action = "duplicate"
            return outcome
        if report.kind not in ("hard", "soft", "complaint"):
            outcome.action = "ignored"
        elif outcome.match is None:
            outcome.action = "unmatched"
            self.audience.log(None, "bounce: unmatched", report=report.key, ref=mail.ref, summary=report.summary(),
                              addresses=report.addresses[:5])
        else:
            outcome.action = self._act(report, outcome.match)
        self.seen.finish(report.key, outcome.match.email if outcome.match else None, outcome.action)
        return outcome

    def scan(self, source: Source) -> Iterator[Outcome]:
        """Process every message of ``source``, marking each done in the mailbox after it is recorded.

        A message that cannot be processed (a bug, a database error) is reported as ``error: …``
        and left unmarked in the mailbox, so a later run tries it again; the others go on.
        """
        for mail in source.messages():
            try:
                outcome = self.process(mail)
            except (ComposerError, sqlite3.Error, ValueError, LookupError, TypeError) as exc:
                yield Outcome(mail.ref, Report(kind="error"), action=f"error: {type(exc).__name__}: {exc}")
                continue
            if not self.dry_run:
                source.done(mail)
            yield outcome


def tally(summary: Summary, outcome: Outcome) -> None:
    summary.read += 1
    summary.outcomes.append(outcome)
    if outcome.action == "duplicate":
        summary.duplicates += 1
        return
    if outcome.report.kind == "error":
        summary.errors += 1
        return
    kind = outcome.report.kind
    if kind == "hard":
        summary.hard += 1
    elif kind == "soft":
        summary.soft += 1
    elif kind == "complaint":
        summary.complaints += 1
    else:
        summary.other += 1
        return
    if outcome.match:
        summary.matched += 1
    else:
        summary.unmatched += 1
    if outcome.action == "suppressed":
        summary.suppressed += 1


@contextlib.contextmanager
def open_scanner(settings: Settings, *, dry_run: bool = False, now: float | None = None) -> Iterator[Scanner]:
    """A scanner on the outbox's database (delivery state, audience and bounce records: one file)."""
    from composer.audience import open_for
    from composer.delivery.state import DB_NAME, location

    where = location(settings)  # DATABASE_URL, else the outbox's SQLite file
    # The reports already processed are remembered in the outbox's SQLite file either way (per
    # machine: run the scan on one); the audience goes with DATABASE_URL, like the delivery state.
    path = Path(settings.outbox_dir) / DB_NAME
    if isinstance(where, Path) and not where.is_file():
        # Reading on without it would mark every bounce processed and unmatched, and flag it seen.
        raise InputError(f"{where} does not exist: nothing was sent from the outbox {settings.outbox_dir}, so no "
                         "bounce can be matched; give the outbox the campaigns were sent from (--outbox DIR)")
    with DeliveryState(where) as state, open_for(settings) as audience:
        seen = SeenReports(path)
        try:
            yield Scanner(settings, state, audience, seen, dry_run=dry_run, now=now)
        finally:
            seen.close()
