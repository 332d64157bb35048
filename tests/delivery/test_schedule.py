"""Scheduling: parsing --at/--tz, refusing the past, and a worker that never skips what is due."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from composer.config import Secret, Settings
from composer.delivery.campaign import Audience, open_campaign
from composer.delivery.schedule import parse_when, run_due
from composer.delivery.state import DeliveryState
from composer.errors import InputError
from composer.newsletter.merge import marker
from composer.outbox import Outbox

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_iso_with_offset_and_wall_time_with_zone() -> None:
    assert parse_when("2025-03-12T09:00+01:00", now=NOW) == dt.datetime(2025, 3, 12, 8, 0, tzinfo=dt.UTC)
    berlin = parse_when("2025-03-12 09:00", "Europe/Berlin", now=NOW)
    assert berlin.utcoffset() == dt.timedelta(hours=1) and berlin.astimezone(dt.UTC).hour == 8
    summer = parse_when("2025-07-01 09:00", "Europe/Berlin", now=NOW)  # DST: +02:00
    assert summer.astimezone(dt.UTC).hour == 7
    assert parse_when("2025-03-12T08:00Z", now=NOW).tzinfo is not None


@pytest.mark.parametrize(("when", "tz", "message"), [
    ("2025-03-12 09:00", None, "no time zone"),
    ("next tuesday", "UTC", "not a date and time"),
    ("2025-02-28 09:00", "Europe/Berlin", "in the past"),
    ("2025-03-01T11:59Z", None, "in the past"),
    ("2025-03-30 02:30", "Europe/Berlin", "does not exist"),
    ("2025-03-12 09:00", "Mars/Olympus", "not a time zone"),
])
def test_refusals(when: str, tz: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_when(when, tz, now=NOW)


def _item_and_settings(tmp_path: Path) -> tuple[object, Settings]:
    outbox = tmp_path / "outbox"
    settings = Settings(outbox_dir=outbox, site_url="https://n.example.org", unsubscribe_secret=Secret("k" * 20),
                        mail_from="news@example.org")
    item = Outbox(outbox).write_item(
        "2025-03-12-sched",
        {"email.html": f"<p>Hi {marker('name', 'you')}</p>".encode(), "email.txt": b"Hi\n"},
        {"subject": "Scheduled", "language": "en"})
    return item, settings


def test_worker_sends_overdue_schedule_and_waits_for_future_one(tmp_path: Path) -> None:
    item, settings = _item_and_settings(tmp_path)
    csv = tmp_path / "s.csv"
    csv.write_text("email,name\nann@example.com,Ann\n")
    state = DeliveryState.for_settings(settings)
    # One whose time passed while no worker ran, one in the future.
    past, _ = open_campaign(state, item, settings, "outbox", Audience(list_path=csv),
                            scheduled_for=(time.time() + 0.2, "soon"))
    future, _ = open_campaign(state, item, settings, "outbox", Audience(to=["me@example.com"]),
                              scheduled_for=(time.time() + 3600, "later"))
    assert run_due(settings) == []  # nothing due yet
    time.sleep(0.25)
    lines: list[str] = []
    [summary] = run_due(settings, log=lines.append)
    assert summary.campaign == past.id and summary.exit_code == 0
    assert state.campaign(past.id).state == "done" and state.campaign(future.id).state == "scheduled"
    assert (item.path / "sent" / str(past.id) / "000001.eml").is_file()
    assert "1 sent" in lines[0]
    assert run_due(settings) == []  # sent once, not again
    # When the later one comes due (simulated clock), the worker picks it up too.
    due = run_due(settings, now=time.time() + 7200)
    assert [s.campaign for s in due] == [future.id]


def test_a_finished_campaign_left_active_is_closed_by_the_next_pass(tmp_path: Path) -> None:
    """The worker that sent the last reader can be stopped before it marks the campaign done."""
    item, settings = _item_and_settings(tmp_path)
    state = DeliveryState.for_settings(settings)
    campaign, _ = open_campaign(state, item, settings, "outbox", Audience(to=["me@example.com"]))
    [row] = state.claim(campaign.id, 1)
    state.mark_sent(row)
    state.flush()
    assert state.campaign(campaign.id).state == "active"
    [summary] = run_due(settings)
    assert summary.exit_code == 0 and state.campaign(campaign.id).state == "done"
    assert run_due(settings) == []
