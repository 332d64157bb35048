"""The two pure parts of following a feed: when it is due, and which entries are new."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from composer.errors import InputError
from composer.feeds.cadence import next_run, parse_cadence
from composer.feeds.select import needs_full_fetch, select_new
from composer.feeds.state import MAX_ATTEMPTS, Known
from composer.ingest.feed import FeedEntry

BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2025, 3, 26, 12, 0, tzinfo=dt.UTC)  # a Wednesday


def test_weekly_is_the_next_named_day_at_the_wall_time() -> None:
    cadence = parse_cadence("weekly", "Monday 08:00", "Europe/Berlin")
    assert cadence.at == "mon 08:00"
    when = next_run(cadence, NOW)
    assert when.astimezone(BERLIN) == dt.datetime(2025, 3, 31, 8, 0, tzinfo=BERLIN)  # after the DST change: CEST
    assert when == dt.datetime(2025, 3, 31, 6, 0, tzinfo=dt.UTC)
    assert next_run(cadence, when) == when + dt.timedelta(days=7)  # strictly after


def test_a_wall_time_skipped_by_dst_runs_right_after_the_gap() -> None:
    cadence = parse_cadence("daily", "02:30", "Europe/Berlin")
    when = next_run(cadence, dt.datetime(2025, 3, 29, 12, 0, tzinfo=dt.UTC))
    assert when == dt.datetime(2025, 3, 30, 1, 30, tzinfo=dt.UTC)  # 03:30 CEST: moved, not dropped


def test_hourly_and_defaults() -> None:
    assert next_run(parse_cadence("hourly", ":15"), NOW) == NOW.replace(minute=15)
    assert next_run(parse_cadence("hourly", "15"), NOW.replace(minute=20)) == NOW.replace(hour=13, minute=15)
    assert parse_cadence("daily").at == "08:00" and parse_cadence("weekly").tz == "UTC"


@pytest.mark.parametrize(("every", "at", "tz", "message"), [
    ("monthly", None, None, "choose hourly, daily or weekly"),
    ("daily", "25:00", None, "HH:MM"),
    ("weekly", "08:00", None, "a day and a time"),
    ("hourly", ":75", None, "minute past the hour"),
    ("daily", "08:00", "Mars/Olympus", "not a time zone"),
])
def test_bad_cadences_are_refused(every: str, at: str | None, tz: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_cadence(every, at, tz)


def entry(key: str, published: dt.datetime | None = None) -> FeedEntry:
    return FeedEntry(key=key, title=key, link=f"https://news.example/{key}", guid=key, published=published,
                     updated=None, content=None, excerpt_words=5)


def test_selection_rules() -> None:
    entries = [entry("new"), entry("issued"), entry("backlog"), entry("future", NOW + dt.timedelta(hours=1)),
               entry("was-held", NOW - dt.timedelta(minutes=1)), entry("retry"), entry("given-up")]
    known = {"issued": Known("issued", 0, None), "backlog": Known("backlog", 0, None),
             "was-held": Known("held", 0, (NOW - dt.timedelta(minutes=1)).timestamp()),
             "retry": Known("failed", 1, None), "given-up": Known("failed", MAX_ATTEMPTS, None)}
    sel = select_new(entries, known, now=NOW, first_run=False)
    assert [e.key for e in sel.new] == ["new", "was-held", "retry"]
    assert [e.key for e in sel.held] == ["future"] and sel.seen == 3 and sel.backlog == ()


def test_first_run_backlog_but_never_a_future_entry() -> None:
    entries = [entry("a"), entry("b"), entry("future", NOW + dt.timedelta(days=1))]
    sel = select_new(entries, {}, now=NOW, first_run=True)
    assert [e.key for e in sel.backlog] == ["a", "b"] and [e.key for e in sel.held] == ["future"] and not sel.new
    sel = select_new(entries, {}, now=NOW, first_run=True, include_backlog=True)
    assert [e.key for e in sel.new] == ["a", "b"]


def test_a_304_is_not_trusted_while_held_or_failed_entries_wait() -> None:
    later = (NOW + dt.timedelta(days=1)).timestamp()
    assert not needs_full_fetch({"x": Known("issued", 0, None), "h": Known("held", 0, later)}, NOW)
    assert needs_full_fetch({"h": Known("held", 0, NOW.timestamp())}, NOW)
    assert needs_full_fetch({"f": Known("failed", 1, None)}, NOW)
    assert not needs_full_fetch({"f": Known("failed", MAX_ATTEMPTS, None)}, NOW)


def test_entries_the_state_waits_on_that_left_the_feed_are_let_go() -> None:
    known = {"held-gone": Known("held", 0, NOW.timestamp()), "failed-gone": Known("failed", 1, None),
             "given-up-gone": Known("failed", MAX_ATTEMPTS, None), "issued-gone": Known("issued", 0, None),
             "held-here": Known("held", 0, NOW.timestamp())}
    sel = select_new([entry("held-here", NOW)], known, now=NOW, first_run=False)
    assert sorted(sel.vanished) == ["failed-gone", "held-gone"] and [e.key for e in sel.new] == ["held-here"]
