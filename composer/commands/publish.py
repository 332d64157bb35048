"""``compose publish ITEM``: post an item's single post or thread to Bluesky, Mastodon and X.

Output contract (as ``send``): what happens goes to stderr, one line per network and one per
part; stdout gets the web address of every part published, one per line, so a script can pick
them up. ``--dry-run`` prints the parts (stdout) and sends nothing. Exit codes: 0 when every
named network has all its parts published (or scheduled), 1 when a part is deferred, refused or
in another worker's hands, 2 for bad input or configuration.
"""

from __future__ import annotations

import argparse
import sys

from composer.commands.common import Add, local_time
from composer.errors import InputError
from composer.textutil import plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from composer.config import Settings

NETWORK_CHOICES = ("bluesky", "mastodon", "x")


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _networks(args: argparse.Namespace, settings: Settings, *, dry_run: bool) -> list[str]:
    """The networks named (each must be set up, except for a dry run), else every one that is set up."""
    from composer.errors import ConfigError
    from composer.publish.clients import configured
    from composer.publish.service import NEEDS

    on = configured(settings)
    if args.network:
        wanted = list(dict.fromkeys(args.network))
        missing = [n for n in wanted if not on.get(n)]
        if missing and not dry_run:
            raise ConfigError("; ".join(f"{n} is not set up: set {NEEDS[n]}" for n in missing)
                              + " in .env (see .env.example)")
        return wanted
    found = [n for n in NETWORK_CHOICES if on.get(n)]
    if found:
        return found
    if dry_run:
        return list(NETWORK_CHOICES)
    raise ConfigError("no network is set up for publishing: set " + "; or ".join(NEEDS.values())
                      + " in .env (see .env.example), or try --dry-run")


def _part_line(p: dict[str, Any], settings: Settings) -> str:
    from composer.config import mask_secrets

    line = f"  {p['part']}/{p['of']}  {p['state']:<9}"
    if p["state"] == "published":
        line += f" {p['url']}"
    elif p["state"] in ("deferred", "unknown") and p.get("next_attempt"):
        line += f" until {local_time(p['next_attempt'])}"
    if p.get("reason") and p["state"] != "published":
        line += f" — {mask_secrets(p['reason'], settings)}"
    return line


def _report(network: str, mode: str, pub_id: int | None, state: str, message: str, parts: list[Any],
            settings: Settings, *, urls: bool = True) -> None:
    """One line for the network, one per part (stderr); the URL of each published part on stdout."""
    from composer.config import mask_secrets
    from composer.publish.service import LABELS

    head = f"{LABELS[network]} ({mode}" + (f", publication #{pub_id})" if pub_id is not None else ")")
    _err(f"{head}: {state}" + (f" — {mask_secrets(message, settings)}" if message else ""))
    for row in parts:
        _err(_part_line({"part": row.index + 1, "of": row.count, **row.to_dict()}, settings))
        if urls and row.state == "published" and row.url:
            print(row.url)


def cmd_publish(args: argparse.Namespace, settings: Settings) -> int:
    from composer.outbox import Outbox

    item = Outbox(settings.outbox_dir).get(args.item)
    if args.tz and not args.at:
        raise InputError("--tz goes with --at (the time to publish at)")
    if args.dry_run:
        return _dry_run(item, args, settings)
    networks = _networks(args, settings, dry_run=False)
    if args.cancel:
        return _cancel(item, networks, args, settings)
    if args.at:
        return _schedule(item, networks, args, settings)
    return _publish(item, networks, args, settings)


def _publish(item: Any, networks: list[str], args: argparse.Namespace, settings: Settings) -> int:
    from composer.commands.delivery import _term_as_interrupt
    from composer.config import mask_secrets
    from composer.publish.runner import publish_now

    def log(text: str) -> None:
        _err(f"  {mask_secrets(text, settings)}")

    mode = "thread" if args.thread else "single"
    status = 0
    with _term_as_interrupt():
        for network in networks:
            result = publish_now(settings, item, network, thread=args.thread, retry=args.retry,
                                 max_wait=args.max_wait, log=log)
            _report(network, mode, result.publication, result.state, result.message, result.parts, settings)
            status = max(status, result.exit_code)
    if status:
        _err(f"run the same `compose publish` again (with --retry for refused parts), or `compose worker`, to carry "
             f"on from where it stopped; `compose status {item.name}` shows every part")
    return status


def _schedule(item: Any, networks: list[str], args: argparse.Namespace, settings: Settings) -> int:
    from composer.delivery.schedule import parse_when
    from composer.publish.service import schedule

    if args.retry:
        raise InputError("--retry publishes now; leave out --at")
    when = parse_when(args.at, args.tz)
    text = when.isoformat(timespec="minutes")
    mode = "thread" if args.thread else "single"
    status = 0
    for network in networks:
        pub, created, parts = schedule(settings, item, network, thread=args.thread, due=when.timestamp(),
                                       due_text=text)
        if created:
            message = f"scheduled for {text}"
        else:
            message = (f"already recorded ({pub.state}" + (f" for {pub.due_text}" if pub.state == "scheduled" else "")
                       + "); not scheduled again")
            status = max(status, 0 if pub.state in ("scheduled", "done") else 1)
        _report(network, mode, pub.id, pub.state, message, parts if not created else [], settings, urls=False)
    _err("a running `compose worker` (or cron with `compose worker --once`) publishes it at that time; cancel with "
         f"`compose publish {item.name} --cancel" + (" --thread" if args.thread else "") + "`")
    return status


def _cancel(item: Any, networks: list[str], args: argparse.Namespace, settings: Settings) -> int:
    from composer.publish.service import LABELS, cancel

    for network in networks:
        pub = cancel(settings, item, network, thread=args.thread)
        _err(f"cancelled publication #{pub.id}: {item.name} on {LABELS[network]} ({pub.mode}, was scheduled for "
             f"{pub.due_text})")
    return 0


def _dry_run(item: Any, args: argparse.Namespace, settings: Settings) -> int:
    """The parts, counted as each network counts them, and what a real run would do; nothing is sent or written."""
    from composer.publish.service import LABELS, dry_run

    if args.cancel or args.retry:
        raise InputError("--dry-run only shows what would be published; leave out --cancel and --retry")
    when = ""
    if args.at:
        from composer.delivery.schedule import parse_when

        when = parse_when(args.at, args.tz).isoformat(timespec="minutes")
    bad = 0
    for network in _networks(args, settings, dry_run=True):
        plan = dry_run(settings, item, network, thread=args.thread)
        parts = plan["parts"]
        setup = "" if plan["configured"] else f" [not set up: set {plan['needs']}]"
        print(f"{LABELS[network]} — {'thread of ' + plural(len(parts), 'part') if plan['mode'] == 'thread' else 'single post'}"
              f"{setup}")
        for p in parts:
            flags = [f"{p['length']}/{p['limit']}" + ("" if p["valid"] else " TOO LONG")]
            if p["facets"]:
                flags.append(plural(p["facets"], "facet"))
            if p["card"]:
                flags.append(f"card {p['card']}" + (f" with image {p['image']}" if p["image"] else ""))
            if p["state"]:
                flags.append(p["state"] + (f" {p['url']}" if p["url"] else ""))
            print(f"  {p['part']}/{p['of']}  [{', '.join(flags)}]")
            for line in p["text"].splitlines() or [""]:
                print(f"      {line}")
            bad += not p["valid"]
        print(f"  → {plan['plan'] if not when or 'would publish' not in plan['plan'] else 'would be scheduled for ' + when}")
    _err("dry run: nothing was published or recorded"
         + (f"; {plural(bad, 'part')} too long for its network" if bad else ""))
    return 1 if bad else 0


def register(add: Add) -> None:
    p = add("publish", cmd_publish)
    p.add_argument("item", metavar="ITEM", help="outbox item name or folder")
    p.add_argument("--network", action="append", choices=NETWORK_CHOICES,
                   help="publish to this network (repeatable; default: every network that is set up)")
    p.add_argument("--thread", action="store_true", help="publish the thread instead of the single post")
    p.add_argument("--at", metavar="WHEN", help="publish later: ISO 8601 time, or 'YYYY-MM-DD HH:MM' with --tz; "
                                                "`compose worker` publishes it")
    p.add_argument("--tz", metavar="ZONE", help="time zone for --at, e.g. Europe/Berlin")
    p.add_argument("--dry-run", action="store_true", help="show the parts, their lengths and what would happen; "
                                                          "send and record nothing")
    p.add_argument("--retry", action="store_true",
                   help="also try refused parts again (after fixing the cause); published parts are never posted again")
    p.add_argument("--cancel", action="store_true", help="cancel a scheduled publication that has not started")
    p.add_argument("--max-wait", type=float, default=30.0, metavar="SECONDS",
                   help="wait for parts deferred by up to this many seconds before exiting (default 30)")
