"""The ``posts`` and ``count`` verbs: social posts for articles, and exact length checks."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from composer.config import Settings

NETWORKS = ("x", "bluesky", "mastodon", "threads", "linkedin")


def cmd_posts(args: argparse.Namespace, settings: Settings) -> int:
    from composer.cli import _each_source
    from composer.pipeline import post_options, summarise_article
    from composer.social.posts import write_posts

    def emit(article: Any) -> None:
        summary, warnings = summarise_article(article, settings)
        for w in warnings:
            print(f"compose: warning: {w}", file=sys.stderr)
        posts = write_posts(article, summary, post_options(settings))
        if args.network:
            posts = {args.network: posts[args.network]}
        sys.stdout.write(json.dumps(posts, ensure_ascii=False) + "\n")

    return _each_source(args, settings, emit)


def cmd_count(args: argparse.Namespace, settings: Settings) -> int:
    from composer.social.networks import count, decode_stdin_line

    texts = args.texts if args.texts else (decode_stdin_line(line) for line in sys.stdin)
    for text in texts:
        result = count(text, args.network, mastodon_limit=settings.mastodon_limit)
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    return 0


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add("posts", cmd_posts, "print social posts and threads per SOURCE as JSON Lines")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="a file path, - for stdin, or an http(s) URL")
    p.add_argument("--format", choices=["text", "html", "markdown", "json"], help="read SOURCE as this format")
    p.add_argument("--network", choices=NETWORKS, help="only this network")

    p = add("count", cmd_count, "count texts as a network does; JSON Lines of {text, network, length, limit, valid}")
    p.add_argument("texts", nargs="*", metavar="TEXT",
                   help="texts to count (default: one per stdin line; a line that is a JSON string is decoded)")
    p.add_argument("--network", choices=NETWORKS, default="x", help="network whose rules apply (default: x)")
