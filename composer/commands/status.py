"""``compose status [ITEM] [--json]``: the outbox's items, its campaigns and, for one item, every reader.

Read-only: it opens the delivery database only when one exists, so asking for the status of a
fresh outbox never creates files in it.
"""

from __future__ import annotations

import argparse

from composer.commands.common import Add, local_time
from composer.textutil import plural

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any

    from composer.config import Settings


def _campaign_dict(state: Any, campaign: Any, with_recipients: bool) -> dict[str, Any]:
    next_attempt = state.next_attempt(campaign.id)
    data: dict[str, Any] = {
        "id": campaign.id, "item": campaign.item, "item_path": campaign.item_path, "via": campaign.via,
        "audience": campaign.audience, "state": campaign.state, "due": campaign.due_text,
        "list": campaign.list_path, "counts": state.counts(campaign.id),
        "next_attempt": local_time(next_attempt) if next_attempt else None,
    }
    if with_recipients:
        rows = state.recipients(campaign.id)
        for r in rows:
            r["next_attempt"] = local_time(r["next_attempt"]) if r["next_attempt"] else None
        data["recipients"] = rows
    return data


def _load_campaigns(settings: Settings, item: Any) -> list[dict[str, Any]]:
    """Every campaign (of ``item`` only, with its readers, when one is named)."""
    from pathlib import Path

    from composer.delivery.state import DeliveryState, location

    where = location(settings)
    if isinstance(where, Path) and not where.exists():
        return []
    with DeliveryState(where) as state:
        return [_campaign_dict(state, c, with_recipients=item is not None)
                for c in state.campaigns(str(item.path) if item else None)]


def _print_json(outbox: Any, item: Any, campaigns: list[dict[str, Any]]) -> None:
    out: dict[str, Any] = {"campaigns": campaigns}
    if item is None:
        out["items"] = [{"name": i.name, "state": i.manifest.get("state"), "subject": i.manifest.get("subject")}
                        for i in outbox.items()]
    import json

    print(json.dumps(out, ensure_ascii=False, indent=2))


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


def _print_campaigns(campaigns: list[dict[str, Any]], settings: Settings) -> None:
    print("campaigns:")
    for c in campaigns:
        print(_campaign_line(c))
        rows = c.get("recipients", [])
        if any(r["state"] == "sent" for r in rows):
            print(f"      {plural(c['counts']['sent'], 'reader')} sent to (`--json` lists every reader)")
        for r in rows:
            if r["state"] != "sent":
                print(_reader_line(r, settings))


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from composer.outbox import Outbox

    outbox = Outbox(settings.outbox_dir)
    item = outbox.get(args.item) if args.item else None
    campaigns = _load_campaigns(settings, item)
    if args.json:
        _print_json(outbox, item, campaigns)
        return 0
    if item is None:
        _print_items(outbox, settings)
    if not campaigns:
        print("no campaigns" + (f" for {item.name}" if item else ""))
        return 0
    _print_campaigns(campaigns, settings)
    return 0


def register(add: Add) -> None:
    p = add("status", cmd_status, "items, campaigns and per-reader delivery state")
    p.add_argument("item", metavar="ITEM", nargs="?", help="show every reader of this item's campaigns")
    p.add_argument("--json", action="store_true", help="machine-readable output")
