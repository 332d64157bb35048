"""Feed digest cost: a 20-entry feed against composing its slowest page alone.

    python bench/feeds.py [--rounds 5] [--entries 20] [--seed 18]

A local site on 127.0.0.1 serves an RSS feed whose entries carry only an excerpt, linking to
real pages of the article-extraction benchmark (``../shared/corpus/extraction/aeb/html``). Each
page answers after a delay drawn once from a log-normal distribution (median 0.4 s, clipped to
0.1–1.5 s: what real news sites take to answer), so the run is dominated by waiting on servers
as it is in real life, and reading the pages one after another would cost the sum of the delays.

First every page is composed alone (``compose URL``: fetch, read, summarise, render, write;
best of two) to find the slowest; then, interleaved round by round so that machine noise hits every row
alike, with medians over ``--rounds``:

* **slowest page alone** — that page composed as one item;
* **feed digest, one site** — ``compose FEED --digest``: the feed, its 20 pages (each summarised
  in its fetching thread as it arrives) and one digest item, every page on the same host, so the
  per-host limit (``FEED_PER_HOST``, default 6) applies;
* **feed digest, link roundup** — the same 20 pages spread over 4 hosts (127.0.0.1–4), as in a
  feed of links to other sites;
* **feed digest, one page at a time** — ``FEED_CONCURRENCY=1``: what the concurrency saves.

It prints a markdown table and the command that produced it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from composer.config import Settings  # noqa: E402
from composer.feeds.digest import manifest_fields, read_digest  # noqa: E402
from composer.ingest import load_article, load_source  # noqa: E402
from composer.ingest.feed import Feed  # noqa: E402
from composer.pipeline import compose_to_outbox  # noqa: E402
from tests.feeds.feedsite import Route, Site, Story, corpus_pages, rss20, serve  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def delays(n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [min(1.5, max(0.1, rng.lognormvariate(-0.92, 0.6))) for _ in range(n)]  # median e^-0.92 ≈ 0.4 s


def compose_feed(url: str, settings: Settings) -> int:
    """What ``compose FEED --digest`` does, in process: returns how many articles went in."""
    feed = load_source(url)
    assert isinstance(feed, Feed)
    digest = read_digest(feed, feed.entries, settings)
    compose_to_outbox(digest.articles, settings, digest=True, summaries=digest.summaries,
                      extra_meta=manifest_fields([feed], digest))
    if digest.failed:
        raise SystemExit(f"bench pages failed: {[r.failure for r in digest.failed]}")
    return len(digest.articles)


def compose_page(url: str, settings: Settings) -> None:
    compose_to_outbox([load_article(url)], settings)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--entries", type=int, default=20)
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--skip-sequential", action="store_true", help="leave out the one-at-a-time row (slow)")
    args = ap.parse_args()
    pages = corpus_pages(CORPUS, args.entries)
    if len(pages) < args.entries:
        raise SystemExit(f"need {args.entries} pages in {CORPUS}/extraction/aeb/html")
    wait = delays(args.entries, args.seed)
    when = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)

    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        hosts = [stack.enter_context(serve(Site(), host=f"127.0.0.{n}")) for n in (1, 2, 3, 4)]
        one, spread = [], []
        for i, (body, delay) in enumerate(zip(pages, wait, strict=True)):
            hosts[0].page(f"/p{i}.html", body, delay=delay)
            hosts[i % 4].page(f"/s{i}.html", body, delay=delay)
            published = when + dt.timedelta(hours=i)
            one.append(Story(f"urn:{i}", f"Story {i}", f"/p{i}.html", published))
            spread.append(Story(f"urn:{i}", f"Story {i}", f"/s{i}.html", published))
        hosts[0].rss("/one.xml", one)
        # A roundup links to several sites: the feed's entries carry absolute links to each host.
        hosts[0].routes["/spread.xml"] = Route(_roundup(hosts, spread), "application/rss+xml; charset=utf-8")

        settings = Settings(outbox_dir=Path(tmp) / "outbox")
        sequential = settings.replace(feed_concurrency=1, feed_per_host=1)
        urls = [hosts[0].url(f"/p{i}.html") for i in range(args.entries)]
        compose_feed(hosts[0].url("/one.xml"), settings)  # warm-up: imports, trafilatura, templates
        # Each page alone, best of two (one noisy run must not decide which page is the slowest).
        alone = [min(timed(lambda u=u: compose_page(u, settings)) for _ in range(2)) for u in urls]
        slowest = max(range(args.entries), key=lambda i: alone[i])
        rows: dict[str, list[float]] = {"slowest page alone": [], "feed digest, one site": [],
                                        "feed digest, link roundup (4 hosts)": []}
        if not args.skip_sequential:
            rows["feed digest, one page at a time (FEED_CONCURRENCY=1)"] = []
        runs: dict[str, Callable[[], object]] = {
            "slowest page alone": lambda: compose_page(hosts[0].url(f"/p{slowest}.html"), settings),
            "feed digest, one site": lambda: compose_feed(hosts[0].url("/one.xml"), settings),
            "feed digest, link roundup (4 hosts)": lambda: compose_feed(hosts[0].url("/spread.xml"), settings),
            "feed digest, one page at a time (FEED_CONCURRENCY=1)": lambda: compose_feed(hosts[0].url("/one.xml"),
                                                                                         sequential),
        }
        for _ in range(args.rounds):
            for name in rows:
                rows[name].append(timed(runs[name]))

    base = statistics.median(rows["slowest page alone"])
    print(f"`python bench/feeds.py --rounds {args.rounds} --entries {args.entries} --seed {args.seed}` — "
          f"Python {platform.python_version()}, {args.entries} pages, server delays {min(wait):.2f}–{max(wait):.2f} s "
          f"(sum {sum(wait):.1f} s); slowest page alone: /p{slowest}.html (delay {wait[slowest]:.2f} s)\n")
    print("| what | median s | min s | × slowest page alone |")
    print("|---|---:|---:|---:|")
    for name, values in rows.items():
        med = statistics.median(values)
        print(f"| {name} | {med:.2f} | {min(values):.2f} | {med / base:.2f}× |")


def _roundup(hosts: list[Site], stories: list[Story]) -> bytes:
    """An RSS feed whose entry ``i`` links to host ``i % 4``."""
    parts = [rss20(hosts[i % 4].base, [s], title="Roundup") for i, s in enumerate(stories)]
    items = [p.split(b"<item>", 1)[1].rsplit(b"</item>", 1)[0] for p in parts]
    head = parts[0].split(b"<item>", 1)[0]
    return head + b"".join(b"<item>" + it + b"</item>" for it in items) + b"</channel></rss>\n"


if __name__ == "__main__":
    main()
