"""``compose``, ``parse`` and ``summarize``: articles in, an outbox item or JSON Lines out."""

from __future__ import annotations

import argparse
from typing import Any

from composer.commands.common import (
    Add,
    add_sources,
    each_source,
    load_articles,
    print_json_line,
    source_urls,
    warn,
)
from composer.config import Settings
from composer.errors import InputError


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

    # all-or-nothing: check --url and parse everything first
    articles = load_articles(args.sources, args.format, source_urls(args))
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


def register(add: Add) -> None:
    p = add("compose", cmd_compose, "compose an outbox item (newsletter, posts, embeds) per SOURCE")
    add_sources(p)
    p.add_argument("--digest", action="store_true", help="one digest item of all SOURCES")
    p.add_argument("--subject", help="email subject (default: the article title)")
    p.add_argument("--json", action="store_true", help="print one JSON line per item instead of its path")
    p.add_argument("--strict", action="store_true", help="fail when the HTML passes Gmail's 102 KB clip")

    add_sources(add("parse", cmd_parse, "print one Article per SOURCE as JSON Lines"))
    add_sources(add("summarize", cmd_summarize, "print one Summary per SOURCE as JSON Lines"))
