"""``compose feed add|run|list|remove``: follow a feed and compose a digest of what is new.

Output contract (as for ``compose``): the path of a composed item on stdout (``--json``: one
JSON line), the run's summary and every page that failed on stderr. Exit codes: 0 when the run
did its job (an item, or a clear "nothing new"), 1 when there was news and none of it could be
read or the ``--send`` did not reach everyone, 2 for bad input (an unknown feed name, a URL
that is not a feed or cannot be reached) — with nothing written.
"""

from __future__ import annotations

import argparse
import sys

from composer.commands.common import Add, Handler, print_json_line, verb_with_actions
from composer.errors import ComposerError, InputError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any

    from composer.config import Settings


def _err(text: str) -> None:
    from composer.feeds.redact import redact

    print(redact(text), file=sys.stderr)


def _redacting(handler: Handler) -> Handler:
    """Errors quote the feed's URL: show it without the secret a private feed's URL carries."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        from composer.feeds.redact import redact

        try:
            return handler(args, settings)
        except ComposerError as exc:
            message = redact(str(exc))
            if message == str(exc):
                raise
            clean = type(exc)(message)
            clean.exit_code = exc.exit_code
            raise clean from exc

    return run


def cmd_feed_add(args: argparse.Namespace, settings: Settings) -> int:
    import datetime as dt
    from pathlib import Path

    from composer.feeds.cadence import next_run, parse_cadence
    from composer.feeds.state import FeedState, check_name
    from composer.ingest.feed import read_feed
    from composer.ingest.sources import is_url

    check_name(args.name)
    if args.url == "-":
        raise InputError("a followed feed is read again on every run: give its URL (or a file), not -")
    if (args.at or args.tz) and not args.every:
        raise InputError("--at and --tz need --every hourly|daily|weekly")
    cadence = parse_cadence(args.every, args.at, args.tz) if args.every else None
    if args.send and not Path(args.send).is_file():
        raise InputError(f"--send {args.send}: no such subscribers CSV")
    url = args.url if is_url(args.url) else str(Path(args.url).resolve())
    # Read it once now, so a typo or a page that is not a feed is refused before it is stored.
    feed = read_feed(url, timeout=settings.feed_timeout).feed
    assert feed is not None  # no validators were sent, so there is no 304
    now = dt.datetime.now(dt.UTC)
    with FeedState.in_outbox(settings.outbox_dir) as state:
        state.add_feed(args.name, url, every=cadence.every if cadence else None, at=cadence.at if cadence else None,
                       tz=cadence.tz if cadence else None, send_list=str(Path(args.send).resolve()) if args.send else None,
                       next_due=next_run(cadence, now).timestamp() if cadence else None)
    when = (f"{cadence.describe()}; `compose worker` runs it when due" if cadence
            else "run it with `compose feed run " + args.name + "`")
    _err(f"following {feed.title or url} as {args.name!r} ({len(feed.entries)} entries now; the first run marks "
         f"them as seen unless --include-backlog); {when}")
    return 0


def cmd_feed_run(args: argparse.Namespace, settings: Settings) -> int:
    from composer.config import mask_secrets
    from composer.feeds.run import run_feed

    if args.send:
        from pathlib import Path

        if not Path(args.send).is_file():
            raise InputError(f"--send {args.send}: no such subscribers CSV")
    result = run_feed(settings, args.name, include_backlog=args.include_backlog, send_list=args.send)
    for warning in result.warnings:
        _err(f"compose: warning: {mask_secrets(warning, settings)}")
    for entry, reason in result.failed:
        _err(f"compose: warning: left out {entry.title or entry.link}: {mask_secrets(reason, settings)}")
    _err(mask_secrets(result.message, settings))
    if result.item is not None:
        if args.json:
            print_json_line({"item": str(result.item.path), "name": result.item.name, "entries": result.composed,
                             "failed": [{"link": e.link, "title": e.title, "reason": r} for e, r in result.failed]})
        else:
            print(result.item.path)
    return result.exit_code


def cmd_feed_list(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from composer.feeds.redact import redact_url
    from composer.feeds.run import describe
    from composer.feeds.state import DB_NAME, FeedState

    if not (Path(settings.outbox_dir) / DB_NAME).exists():  # listing never creates files
        rows: list[dict[str, Any]] = []
    else:
        with FeedState.in_outbox(settings.outbox_dir) as state:
            rows = [describe(row, state.counts(row.name)) for row in state.feeds()]
    if args.json:
        for row in rows:
            print_json_line(row)
        return 0
    if not rows:
        _err("no feeds yet; follow one with `compose feed add NAME URL`")
    for row in rows:
        c = row["entries"]
        print(f"{row['name']}\t{redact_url(row['url'])}\t{row['schedule']}\tnext {row['next_due'] or '-'}\t"
              f"last {row['last_run'] or 'never'}\t{c['issued']} issued, {c['backlog']} backlog, {c['held']} held, "
              f"{c['failed']} failed")
    return 0


def cmd_feed_remove(args: argparse.Namespace, settings: Settings) -> int:
    from composer.feeds.state import FeedState

    with FeedState.in_outbox(settings.outbox_dir) as state, state.lock(args.name):
        state.remove_feed(args.name)
    _err(f"stopped following {args.name!r}; its items stay in the outbox")
    return 0


def register(add: Add) -> None:
    action = verb_with_actions(add, "feed", wrap=_redacting)

    q = action("add", cmd_feed_add, "follow a feed (read once now to check it is one)")
    q.add_argument("name", metavar="NAME", help="a short name: lowercase letters, digits, - and _")
    q.add_argument("url", metavar="URL", help="the feed's http(s) URL (or a file)")
    q.add_argument("--every", choices=["hourly", "daily", "weekly"], help="compose on this schedule in `compose worker`")
    q.add_argument("--at", metavar="WHEN", help="'mon 08:00' (weekly), '08:00' (daily), ':15' (hourly)")
    q.add_argument("--tz", metavar="ZONE", help="time zone of --at, e.g. Europe/Berlin (default UTC)")
    q.add_argument("--send", metavar="CSV", help="send each scheduled issue to this subscribers CSV")

    q = action("run", cmd_feed_run, "compose a digest of the entries new since the last run (none: no item)")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--include-backlog", action="store_true",
                   help="on the first run, compose the entries already in the feed instead of marking them seen")
    q.add_argument("--send", metavar="CSV", help="send the new issue to this subscribers CSV right after composing")
    q.add_argument("--json", action="store_true", help="print a JSON line for the item instead of its path")

    q = action("list", cmd_feed_list, "the feeds followed, their schedule and last run")
    q.add_argument("--json", action="store_true", help="one JSON line per feed")

    q = action("remove", cmd_feed_remove, "stop following a feed (its items stay)")
    q.add_argument("name", metavar="NAME")
