"""The ``posts`` and ``count`` verbs: social posts for articles, and exact length checks."""

from __future__ import annotations

import argparse
import sys

from composer.commands.common import Add, add_sources, each_source, print_json_line, warn
from composer.social.networks import NETWORKS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any

    from composer.config import Settings


def cmd_posts(args: argparse.Namespace, settings: Settings) -> int:
    from composer.pipeline import post_options, summarise_article
    from composer.social.posts import write_posts

    def emit(article: Any) -> None:
        summary, warnings = summarise_article(article, settings)
        for w in warnings:
            warn(w)
        posts = write_posts(article, summary, post_options(settings))
        if args.network:
            posts = {args.network: posts[args.network]}
        print_json_line(posts)

    return each_source(args, settings, emit)


def cmd_count(args: argparse.Namespace, settings: Settings) -> int:
    from composer.social.networks import count, decode_stdin_line

    texts = args.texts if args.texts else (decode_stdin_line(line) for line in sys.stdin)
    for text in texts:
        print_json_line(count(text, args.network, mastodon_limit=settings.mastodon_limit).to_dict())
    return 0


def register(add: Add) -> None:
    p = add("posts", cmd_posts, "print social posts and threads per SOURCE as JSON Lines")
    add_sources(p)
    p.add_argument("--network", choices=NETWORKS, help="only this network")

    p = add("count", cmd_count, "count texts as a network does; JSON Lines of {text, network, length, limit, valid}")
    p.add_argument("texts", nargs="*", metavar="TEXT",
                   help="texts to count (default: one per stdin line; a line that is a JSON string is decoded)")
    p.add_argument("--network", choices=NETWORKS, default="x", help="network whose rules apply (default: x)")
