"""``compose subscribers import|export|list|add|remove``: the audience store from the command line.

The CSV is the shape ``send --list`` reads (``email,name,<merge fields>…``) plus the audience's
own columns — ``lists`` (space-separated), ``status``, ``consent_at`` (ISO 8601), ``consent_source``,
``consent_ip``, ``confirmed_at`` — so that an export imports back unchanged and can answer a
GDPR access request. Suppressed addresses (unsubscribed, bounced, complained, removed or
forgotten) are never imported; ``add --resubscribe`` lifts a suppression for someone who opted
in again.
"""

from __future__ import annotations

import argparse
import re
import sys

from composer.commands.common import Add, verb_with_actions
from composer.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from composer.config import Settings

AUDIENCE_COLUMNS = ("lists", "status", "consent_at", "consent_source", "consent_ip", "confirmed_at")
_LIST_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def list_name(value: str) -> str:
    if not _LIST_NAME.match(value):
        raise argparse.ArgumentTypeError(f"{value!r}: list names are letters, digits, '.', '_' and '-' (at most 64)")
    return value


def _iso(epoch: float | None) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="seconds") if epoch else ""


def _epoch(value: str, line: int) -> float | None:
    import datetime as dt

    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"line {line}: {value!r} is not an ISO 8601 time") from exc
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()


def _store(settings: Settings) -> Any:
    from composer.audience import open_for

    return open_for(settings)


# -- import / export --------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from composer.delivery.recipients import Problem, iter_subscribers

    added = skipped = problems = 0
    source = args.source or f"import of {args.csv}"
    with _store(settings) as store:
        for entry in iter_subscribers(args.csv):
            if isinstance(entry, Problem):
                problems += 1
                _err(f"compose: warning: {entry}")
                continue
            fields = dict(entry.fields)
            email = fields.pop("email")
            name = fields.pop("name", "")
            audience = {k: fields.pop(k, "") for k in AUDIENCE_COLUMNS}
            if store.suppression(email):
                skipped += 1
                continue
            lists = [n for n in audience["lists"].split() if _LIST_NAME.match(n)] + list(args.list or ())
            status = audience["status"] or "subscribed"
            if status not in ("pending", "subscribed"):
                skipped += 1
                continue
            store.upsert(email, name=name or None, fields=fields, lists=lists, status=status,
                         consent_at=_epoch(audience["consent_at"], entry.line) or time.time(),
                         consent_source=audience["consent_source"] or source,
                         consent_ip=audience["consent_ip"] or None,
                         confirmed_at=_epoch(audience["confirmed_at"], entry.line), event="imported")
            added += 1
    _err(f"imported {added} subscribers" + (f"; {skipped} suppressed or unsubscribed addresses not imported"
                                            if skipped else "")
         + (f"; {problems} rows with problems" if problems else ""))
    return 1 if problems else 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    import csv

    with _store(settings) as store:
        members = list(store.subscribers(args.list, args.status))
    extra = sorted({k for m in members for k in m.fields} - {"email", "name", *AUDIENCE_COLUMNS})
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["email", "name", *extra, *AUDIENCE_COLUMNS])
        for m in members:
            writer.writerow([m.email, m.name, *(m.fields.get(k, "") for k in extra), " ".join(m.lists), m.status,
                             _iso(m.consent_at), m.consent_source or "", m.consent_ip or "", _iso(m.confirmed_at)])
    finally:
        if out is not sys.stdout:
            out.close()
    if args.output:
        _err(f"exported {len(members)} subscribers to {args.output}")
    return 0


# -- list / add / remove ----------------------------------------------------------------------


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    with _store(settings) as store:
        if args.suppressed:
            for s in store.suppressions():
                print(f"{s.email or '(forgotten) ' + s.email_hash[:16]}\t{s.reason}\t{s.source}\t{_iso(s.created)}")
            return 0
        for m in store.subscribers(args.list, args.status):
            print(f"{m.email}\t{m.name}\t{m.status}\t{' '.join(m.lists)}")
    return 0


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from composer.checks import is_address

    if not is_address(args.email):
        raise InputError(f"{args.email!r} is not an email address")
    fields: dict[str, str] = {}
    for pair in args.field or ():
        key, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[a-z_][a-z0-9_]*", key):
            raise InputError(f"--field {pair!r}: write NAME=VALUE with a lowercase field name")
        fields[key] = value
    with _store(settings) as store:
        found = store.suppression(args.email)
        if found:
            if not args.resubscribe:
                raise InputError(f"{args.email} is suppressed ({found.reason}, {found.source}); add --resubscribe "
                                 "only if they asked to receive the newsletter again")
            store.unsuppress(args.email, reasons=("unsubscribed", "bounced", "complained", "manual"),
                             source="subscribers add --resubscribe")
        store.upsert(args.email, name=args.name, fields=fields, lists=args.list or (), status="subscribed",
                     consent_at=time.time(), consent_source=args.source or "added by hand", event="added")
    _err(f"added {args.email}" + (f" to {', '.join(args.list)}" if args.list else ""))
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    with _store(settings) as store:
        if args.forget:
            store.forget(args.email, source="subscribers remove --forget")
            _err(f"forgot {args.email}: their data is erased; a hashed entry keeps them from being mailed or "
                 "imported again")
        elif args.list:
            for name in args.list:
                if not store.remove_from_list(args.email, name):
                    _err(f"compose: warning: {args.email} is not on {name}")
        else:
            store.suppress(args.email, "manual", source="subscribers remove")
            _err(f"removed {args.email}: suppressed, no send will mail them")
    return 0


def register(add: Add) -> None:
    action = verb_with_actions(add, "subscribers")

    q = action("import", cmd_import, "add or update subscribers from a CSV (the shape `send --list` reads)")
    q.add_argument("csv", metavar="CSV")
    q.add_argument("--list", action="append", type=list_name, metavar="LIST", help="also put everyone on LIST")
    q.add_argument("--source", metavar="TEXT", help="consent source to record (default: the file name)")

    q = action("export", cmd_export, "write subscribers with their consent data as CSV (stdout or -o FILE)")
    q.add_argument("--list", type=list_name, metavar="LIST")
    q.add_argument("--status", metavar="STATUS")
    q.add_argument("-o", "--output", metavar="FILE")

    q = action("list", cmd_list, "show subscribers (or --suppressed addresses)")
    q.add_argument("--list", type=list_name, metavar="LIST")
    q.add_argument("--status", metavar="STATUS")
    q.add_argument("--suppressed", action="store_true", help="the suppression list instead")

    q = action("add", cmd_add, "add one subscriber (consent: now, by hand)")
    q.add_argument("email", metavar="EMAIL")
    q.add_argument("--name")
    q.add_argument("--list", action="append", type=list_name, metavar="LIST")
    q.add_argument("--field", action="append", metavar="NAME=VALUE", help="a merge field (repeatable)")
    q.add_argument("--source", metavar="TEXT", help="where the consent came from")
    q.add_argument("--resubscribe", action="store_true", help="lift a suppression: they opted in again")

    q = action("remove", cmd_remove, "suppress an address, take it off --list, or --forget the person")
    q.add_argument("email", metavar="EMAIL")
    q.add_argument("--list", action="append", type=list_name, metavar="LIST", help="only take them off LIST")
    q.add_argument("--forget", action="store_true",
                   help="erase their data (GDPR); a hashed suppression stays so they are never re-imported")
