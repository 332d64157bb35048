"""``compose``, ``parse`` and ``summarize``: articles in, an outbox item or JSON Lines out."""

from __future__ import annotations

import argparse
import sys

from composer.commands.common import Add, add_sources, each_source, load_articles, print_json_line, warn
from composer.errors import InputError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any

    from composer.config import Settings


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    return each_source(args, settings, lambda a: print_json_line(a.to_dict()))


def cmd_summarize(args: argparse.Namespace, settings: Settings) -> int:
    from composer.pipeline import summarise_article

    def emit(article: Any) -> None:
        summary, warnings = summarise_article(article, settings)
        for w in warnings:
            warn(w)
        print_json_line(summary.to_dict())

    return each_source(args, settings, emit)


def cmd_compose(args: argparse.Namespace, settings: Settings) -> int:
    from composer.pipeline import compose_to_outbox

    articles = load_articles(args.sources, args.format)  # all-or-nothing: parse everything first
    if args.subject is not None and not args.subject.strip():
        raise InputError("--subject is empty")
    groups = [articles] if args.digest else [[a] for a in articles]
    for group in groups:
        item, composition = compose_to_outbox(group, settings, digest=args.digest, subject=args.subject,
                                              strict=args.strict)
        for w in composition.warnings:
            warn(w)
        if args.json:
            print_json_line({"item": str(item.path), "name": item.name, "files": sorted(composition.files),
                             "warnings": list(composition.warnings)})
        else:
            print(item.path)
    return 0


def cmd_recompose(args: argparse.Namespace, settings: Settings) -> int:
    """Render an item again in place with the current settings: same name, same campaigns."""
    from composer.delivery.state import DeliveryState, location
    from composer.outbox import Outbox
    from composer.pipeline import recompose_item
    from composer.textutil import plural

    item = Outbox(settings.outbox_dir).get(args.item)
    kept = []
    where = location(settings)
    if not (hasattr(where, "exists") and not where.exists()):
        with DeliveryState(where) as state:
            for campaign in state.campaigns(str(item.path)):
                counts = state.counts(campaign.id)
                if counts["sending"]:
                    raise InputError(f"campaign #{campaign.id} of {item.name} is sending right now; recompose when "
                                     f"it has stopped (or `compose cancel {campaign.id}` first)")
                if campaign.state != "cancelled":
                    kept.append(f"#{campaign.id} ({plural(counts['sent'], 'reader')} already sent to, not again)")
    new = recompose_item(item, settings)
    for w in new.manifest.get("warnings") or []:
        warn(w)
    print(f"recomposed {new.name} in place with the current settings"
          + (f"; campaigns kept: {', '.join(kept)}" if kept else ""), file=sys.stderr)
    print(new.path)
    return 0


def register(add: Add) -> None:
    p = add("compose", cmd_compose, "compose an outbox item (newsletter, posts, embeds) per SOURCE")
    add_sources(p)
    p.add_argument("--digest", action="store_true", help="one digest item of all SOURCES")
    p.add_argument("--subject", help="email subject (default: the article title)")
    p.add_argument("--json", action="store_true", help="print one JSON line per item instead of its path")
    p.add_argument("--strict", action="store_true", help="fail when the HTML passes Gmail's 102 KB clip")

    add_sources(add("parse", cmd_parse, "print one Article per SOURCE as JSON Lines"))
    add_sources(add("summarize", cmd_summarize, "print one Summary per SOURCE as JSON Lines"))

    p = add("recompose", cmd_recompose,
            "render an item again in place with the current settings (same name and campaigns)")
    p.add_argument("item", metavar="ITEM", help="outbox item name or folder")
