"""``compose``, ``parse`` and ``summarize``: articles in, an outbox item or JSON Lines out."""

from __future__ import annotations

import argparse
import sys

from composer.commands.common import Add, add_sources, each_source, print_json_line, source_corrections, warn
from composer.errors import ComposerError, InputError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any

    from composer.config import Settings
    from composer.corrections import Corrections


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


def _load_with_feeds(args: argparse.Namespace, settings: Settings,
                     corrections: list[Corrections]) -> tuple[list[Any], list[Any] | None, dict[str, Any] | None]:
    """Articles from every source, a feed standing for its current entries; their summaries and
    the manifest's feed fields when a feed was among them (else None: the pipeline summarises).

    All-or-nothing for the sources themselves (a missing file or a URL that is not a feed or an
    article stops everything before anything is written); an entry whose page fails is only
    reported, and the digest is made from the rest. ``corrections`` (one per SOURCE, checked) are
    applied to the articles; given for a feed, they are an error.
    """
    from composer.article import Article
    from composer.ingest import load_source

    loaded = [load_source(src, fmt=args.format) for src in args.sources]
    for source, said in zip(loaded, corrections, strict=True):
        if said and not isinstance(source, Article):
            raise InputError(f"{source.url} is a feed: --url, --title, --authors and --published describe one "
                             "article, not a feed's entries")
    loaded = [said.apply(source) if isinstance(source, Article) else source
              for source, said in zip(loaded, corrections, strict=True)]
    # load_source gives an Article or a Feed. Without a feed the run needs none of the feed machinery
    # (entry fetching, threads, the digest step), so it is imported only below.
    if all(isinstance(x, Article) for x in loaded):
        return loaded, None, None

    import datetime as dt

    from composer.feeds.digest import Digest, current_entries, manifest_fields, read_digest
    from composer.ingest.feed import Feed
    from composer.pipeline import summarise_article

    feeds = [x for x in loaded if isinstance(x, Feed)]
    if not args.digest:
        raise InputError(f"{feeds[0].url} is a feed: add --digest to compose its entries into one issue "
                         f"(or follow it with `compose feed add NAME {feeds[0].url}`)")
    now = dt.datetime.now(dt.UTC)
    articles: list[Any] = []
    summaries: list[Any] = []
    results = []
    for source in loaded:
        if not isinstance(source, Feed):
            summary, warnings = summarise_article(source, settings)
            articles.append(source)
            summaries.append(summary)
            for w in warnings:
                warn(w)
            continue
        ready, held = current_entries(source, now)
        if held:
            warn(f"{source.url}: {len(held)} future-dated entries left out until their date")
        if not ready:
            raise InputError(f"{source.url}: the feed has no entries to compose")
        digest = read_digest(source, ready, settings)
        results += digest.results
        articles += digest.articles
        summaries += digest.summaries
        for w in digest.warnings:
            warn(w)
        for r in digest.failed:
            warn(f"left out {r.entry.title or r.entry.link}: {r.failure}")
    combined = Digest(tuple(results))
    if not articles:
        raise ComposerError(f"none of the {len(combined.failed)} entries could be read; nothing composed")
    return articles, summaries, manifest_fields(feeds, combined)


def cmd_compose(args: argparse.Namespace, settings: Settings) -> int:
    from composer.regexcache import stored_compiles

    with stored_compiles():  # jinja2, the email package and the products compile their patterns as they load
        from composer.pipeline import compose_to_outbox

    if args.subject is not None and not args.subject.strip():
        raise InputError("--subject is empty")
    # All-or-nothing: every source is read (and a feed's entries summarised) before anything is written.
    corrections = source_corrections(args)  # a bad --url or --title stops everything before any source is read
    articles, summaries, feed_meta = _load_with_feeds(args, settings, corrections)
    recorded = [c.to_dict() for c in corrections]
    if args.digest:
        groups = [(articles, summaries, recorded)]
    else:  # (without --digest there is no feed: one article per SOURCE, in order)
        groups = [([a], None, [c]) for a, c in zip(articles, recorded, strict=True)]
    for group, given, said in groups:
        meta = dict(feed_meta or {})
        if any(said) and len(said) == len(group):
            meta["corrections"] = said  # per source, for a rebuild from the sources (the preview's reload)
        item, composition = compose_to_outbox(group, settings, digest=args.digest, subject=args.subject,
                                              strict=args.strict, extra_meta=meta or None, summaries=given)
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
    p = add("compose", cmd_compose)
    add_sources(p)
    p.add_argument("--digest", action="store_true", help="one digest item of all SOURCES (and every entry of a feed)")
    p.add_argument("--subject", help="email subject (default: the article title)")
    p.add_argument("--json", action="store_true", help="print one JSON line per item instead of its path")
    p.add_argument("--strict", action="store_true", help="fail when the HTML passes Gmail's 102 KB clip")

    add_sources(add("parse", cmd_parse))
    add_sources(add("summarize", cmd_summarize))

    p = add("recompose", cmd_recompose)
    p.add_argument("item", metavar="ITEM", help="outbox item name or folder")
