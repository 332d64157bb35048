"""``compose status [ITEM] [--json]``: the outbox's items, its campaigns and publications and, for one
item, every reader and every published part with its URL.

Read-only: it opens the delivery database only when one exists, so asking for the status of a
fresh outbox never creates files in it.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator

from composer.commands.common import Add, local_time
from composer.textutil import plural

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any

    from composer.config import Settings


def _campaign_dict(state: Any, campaign: Any) -> dict[str, Any]:
    next_attempt = state.next_attempt(campaign.id)
    return {
        "id": campaign.id, "item": campaign.item, "item_path": campaign.item_path, "via": campaign.via,
        "audience": campaign.audience, "state": campaign.state, "due": campaign.due_text,
        "list": campaign.list_path, "counts": state.counts(campaign.id),
        "next_attempt": local_time(next_attempt) if next_attempt else None,
    }


def _readers(state: Any, campaign_id: int, states: Any = None) -> Iterator[dict[str, Any]]:
    """A campaign's readers, streamed (a million of them must not be held in memory)."""
    for r in state.iter_recipients(campaign_id, states):
        r["next_attempt"] = local_time(r["next_attempt"]) if r["next_attempt"] else None
        yield r


@contextlib.contextmanager
def _open_state(settings: Settings) -> Iterator[Any]:
    """The delivery state, or None when the outbox has none yet (status never creates one)."""
    from pathlib import Path

    from composer.delivery.state import DeliveryState, location

    where = location(settings)
    if isinstance(where, Path) and not where.exists():
        yield None
        return
    with DeliveryState(where) as state:
        yield state


def _print_json(outbox: Any, item: Any, state: Any, publications: list[dict[str, Any]]) -> None:
    """The same document as before (campaigns, and items or every reader), written as it is read, with
    the item's (or the outbox's) publications and every part's state and URL."""
    import json

    write = sys.stdout.write
    write('{"campaigns": [')
    campaigns = state.campaigns(str(item.path) if item else None) if state is not None else []
    for n, campaign in enumerate(campaigns):
        head = json.dumps(_campaign_dict(state, campaign), ensure_ascii=False)
        write(("," if n else "") + "\n  " + (head[:-1] + ', "recipients": [' if item is not None else head))
        if item is not None:
            for i, row in enumerate(_readers(state, campaign.id)):
                write(("," if i else "") + "\n    " + json.dumps(row, ensure_ascii=False))
            write("\n  ]}")
    write("\n]")
    write(', "publications": ' + json.dumps(publications, ensure_ascii=False, indent=2))
    if item is None:
        items = [{"name": i.name, "state": i.manifest.get("state"), "subject": i.manifest.get("subject")}
                 for i in outbox.items()]
        write(', "items": ' + json.dumps(items, ensure_ascii=False, indent=2))
    write("}\n")


def _print_items(outbox: Any, settings: Settings) -> None:
    items = list(outbox.items())
    print(f"{plural(len(items), 'item')} in {settings.outbox_dir}" + (":" if items else ""))
    for i in items:
        print(f"  {i.name}  {i.manifest.get('subject', '')}")


def _campaign_line(c: dict[str, Any]) -> str:
    n = c["counts"]
    when = f" at {c['due']}" if c["state"] == "scheduled" else ""
    if c["audience"].startswith("list"):
        audience = f"list {c['list']}" if c["list"] else "list"
    else:
        audience = c["audience"].removeprefix("to:")
    return (f"  #{c['id']}  {c['item']}  via {c['via']}  to {audience}  {c['state']}{when}  "
            f"sent {n['sent']}, pending {n['pending'] + n['sending']}, deferred {n['deferred']}, failed {n['failed']}"
            + (f", skipped {n['skipped']} (suppressed)" if n.get("skipped") else "")
            + (f"; next retry {c['next_attempt']}" if c["next_attempt"] else ""))


def _reader_line(r: dict[str, Any], settings: Settings) -> str:
    """A reader who has not been sent to yet: state, attempts, next try and why."""
    from composer.config import mask_secrets

    line = f"      {r['state']:<8} {r['email']}"
    if r["attempts"]:
        line += f"  attempts {r['attempts']}"
    if r["state"] == "deferred":
        line += f"  next {r['next_attempt']}"
    if r["reason"]:
        line += f"  — {mask_secrets(r['reason'], settings)}"
    return line


def _print_campaigns(state: Any, campaigns: list[Any], settings: Settings, item: Any) -> None:
    print("campaigns:")
    for campaign in campaigns:
        c = _campaign_dict(state, campaign)
        print(_campaign_line(c))
        if item is None:
            continue
        if c["counts"]["sent"]:
            print(f"      {plural(c['counts']['sent'], 'reader')} sent to (`--json` lists every reader)")
        for r in _readers(state, campaign.id, [k for k in c["counts"] if k != "sent"]):
            print(_reader_line(r, settings))


def _publications(settings: Settings, item: Any) -> list[dict[str, Any]]:
    """The publications (of ``item``, or all), times as local ISO text, reasons with secrets masked."""
    from composer.config import mask_secrets
    from composer.publish.service import publication_views

    views = publication_views(settings, item)
    for v in views:
        v["next_look"] = local_time(v["next_look"]) if v["next_look"] else None
        for p in v["parts"]:
            p["next_attempt"] = local_time(p["next_attempt"]) if p["next_attempt"] else None
            p["reason"] = mask_secrets(p["reason"], settings) if p["reason"] else None
    return views


def _print_publications(views: list[dict[str, Any]], settings: Settings, item: Any) -> None:
    """Each publication on a line; for one item, each part with its state and the URL of the post."""
    from composer.config import mask_secrets
    from composer.publish.service import LABELS

    print("publications:")
    for v in views:
        when = f" at {v['scheduled_for']}" if v["scheduled_for"] else ""
        tally = ", ".join(f"{n} {k}" for k, n in v["counts"].items())
        print(f"  #{v['id']}  {v['item']}  on {LABELS.get(v['network'], v['network'])}  {v['mode']}  "
              f"{v['state']}{when}  {tally}")
        if item is None:
            continue
        for p in v["parts"]:
            line = f"      {p['part']}/{p['of']}  {p['state']:<9}"
            if p["url"]:
                line += f" {p['url']}"
            if p["state"] in ("deferred", "unknown") and p["next_attempt"]:
                line += f"  next {p['next_attempt']}"
            if p["reason"] and p["state"] != "published":
                line += f"  — {mask_secrets(p['reason'], settings)}"
            print(line)


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from composer.outbox import Outbox

    outbox = Outbox(settings.outbox_dir)
    item = outbox.get(args.item) if args.item else None
    publications = _publications(settings, item)
    with _open_state(settings) as state:
        if args.json:
            _print_json(outbox, item, state, publications)
            return 0
        if item is None:
            _print_items(outbox, settings)
        campaigns = state.campaigns(str(item.path) if item else None) if state is not None else []
        if not campaigns:
            print("no campaigns" + (f" for {item.name}" if item else ""))
        else:
            _print_campaigns(state, campaigns, settings, item)
    if publications:
        _print_publications(publications, settings, item)
    return 0


def register(add: Add) -> None:
    p = add("status", cmd_status)
    p.add_argument("item", metavar="ITEM", nargs="?",
                   help="show every reader of this item's campaigns and every part of its publications")
    p.add_argument("--json", action="store_true", help="machine-readable output")
