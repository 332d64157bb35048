"""When a followed feed is due: ``--every weekly --at 'mon 08:00' --tz Europe/Berlin``.

A cadence is wall-clock time in a zone, because a newsletter goes out "Mondays at eight" in
its readers' zone, through daylight-saving changes. The next run is always the first
occurrence strictly after a given moment: a worker that was down for a week runs a missed
issue once when it comes back, never once per missed week. A wall time that a DST change skips
(02:30 on the spring-forward night) runs at the same offset it had before the change, i.e.
right after the gap — a recurring issue is moved, not dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from composer.config import zone
from composer.errors import InputError

EVERY = ("hourly", "daily", "weekly")
DEFAULT_AT = {"hourly": ":00", "daily": "08:00", "weekly": "mon 08:00"}
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_MINUTE = re.compile(r"^:?(\d{1,2})$")


@dataclass(frozen=True)
class Cadence:
    every: str
    at: str  # normalised: 'mon 08:00', '08:00' or ':15'
    tz: str
    weekday: int | None
    hour: int
    minute: int

    def describe(self) -> str:
        return f"{self.every} at {self.at} ({self.tz})"


def _clock(text: str, what: str) -> tuple[int, int]:
    m = _CLOCK.match(text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise InputError(f"--at {what!r}: give the time as HH:MM, e.g. 08:00")
    return int(m.group(1)), int(m.group(2))


def parse_cadence(every: str, at: str | None = None, tz: str | None = None) -> Cadence:
    """Validate ``--every/--at/--tz``; ``at`` defaults per period, ``tz`` to UTC."""
    if every not in EVERY:
        raise InputError(f"--every {every!r}: choose hourly, daily or weekly")
    zone_name = tz or "UTC"
    zone(zone_name)
    raw = (at or DEFAULT_AT[every]).strip().lower()
    weekday = None
    if every == "hourly":
        m = _MINUTE.match(raw)
        if not m or int(m.group(1)) > 59:
            raise InputError(f"--at {at!r}: an hourly feed takes the minute past the hour, e.g. ':15'")
        return Cadence(every, f":{int(m.group(1)):02d}", zone_name, None, 0, int(m.group(1)))
    if every == "weekly":
        day, _, clock = raw.partition(" ")
        if day[:3] not in _DAYS or not clock:
            raise InputError(f"--at {at!r}: a weekly feed takes a day and a time, e.g. 'mon 08:00'")
        weekday = _DAYS.index(day[:3])
        hour, minute = _clock(clock.strip(), at or raw)
        return Cadence(every, f"{_DAYS[weekday]} {hour:02d}:{minute:02d}", zone_name, weekday, hour, minute)
    hour, minute = _clock(raw, at or raw)
    return Cadence(every, f"{hour:02d}:{minute:02d}", zone_name, None, hour, minute)


def next_run(cadence: Cadence, after: dt.datetime) -> dt.datetime:
    """The first time of ``cadence`` strictly after ``after`` (an aware datetime), in UTC."""
    where = zone(cadence.tz)
    after = after.astimezone(dt.UTC)
    local = after.astimezone(where)
    if cadence.every == "hourly":
        start = local.replace(minute=cadence.minute, second=0, microsecond=0).astimezone(dt.UTC)
        step = dt.timedelta(hours=1)
        candidate = start - step
        while candidate <= after:
            candidate += step  # UTC arithmetic: one hour is one hour, even across DST changes
        return candidate
    for days in range(0, 9):
        day = local.date() + dt.timedelta(days=days)
        if cadence.weekday is not None and day.weekday() != cadence.weekday:
            continue
        wall = dt.datetime.combine(day, dt.time(cadence.hour, cadence.minute), tzinfo=where)
        candidate = wall.astimezone(dt.UTC)
        if candidate > after:
            return candidate
    raise AssertionError("a daily or weekly time recurs within 8 days")
