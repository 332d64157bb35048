"""Which entries of a feed are news for the next issue: a pure function of the feed and the state.

The rules, each the answer to a known failure of feed-to-email tools:

* **seen once, never again** — an entry is known by its key (guid, else link, else content
  hash); an entry whose text or ``updated`` date changed keeps its key, so an edit is not sent
  as news again;
* **future-dated entries wait** — an entry dated after *now* is ``held``, not seen: it goes out
  in the first issue after its date, once (a scheduled post is not sent early, nor twice);
* **the backlog is not news** — on a feed's first run everything already in it is marked seen
  (``backlog``) unless the caller asks for it (``--include-backlog``);
* **a failed page is retried** — an entry whose page could not be read is new again on the next
  runs, up to :data:`~composer.feeds.state.MAX_ATTEMPTS`, then given up;
* **what left the feed is let go** — a held or failed entry that is no longer in the feed
  (unpublished, or scrolled off the end) is ``vanished``: the caller stops waiting for it, or
  every later run would skip the conditional GET on its account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from composer.feeds.state import MAX_ATTEMPTS, Known
from composer.ingest.feed import FeedEntry


@dataclass(frozen=True)
class Selection:
    new: tuple[FeedEntry, ...]  # compose these
    held: tuple[FeedEntry, ...]  # dated in the future: wait
    backlog: tuple[FeedEntry, ...]  # first run: mark seen, do not compose
    seen: int  # already issued, in the backlog, or given up
    vanished: tuple[str, ...] = ()  # keys the state waits on that the feed no longer has


def select_new(entries: Sequence[FeedEntry], known: Mapping[str, Known], *, now: dt.datetime,
               first_run: bool, include_backlog: bool = False) -> Selection:
    new: list[FeedEntry] = []
    held: list[FeedEntry] = []
    backlog: list[FeedEntry] = []
    seen = 0
    for entry in entries:
        previous = known.get(entry.key)
        if previous and (previous.state in ("issued", "backlog")
                         or (previous.state == "failed" and previous.attempts >= MAX_ATTEMPTS)):
            seen += 1
        elif entry.published is not None and entry.published > now:
            held.append(entry)
        elif first_run and not include_backlog:
            backlog.append(entry)
        else:
            new.append(entry)
    present = {e.key for e in entries}
    vanished = tuple(key for key, k in known.items() if key not in present and _waiting(k))
    return Selection(tuple(new), tuple(held), tuple(backlog), seen, vanished)


def _waiting(k: Known) -> bool:
    return k.state == "held" or (k.state == "failed" and k.attempts < MAX_ATTEMPTS)


def needs_full_fetch(known: Mapping[str, Known], now: dt.datetime) -> bool:
    """True when the state waits on entries that a 304 would hide: held ones now due, failed ones to retry.

    A conditional GET answers 304 when the feed did not change, but a held entry's date may
    have passed since, and a failed page deserves another try; both need the feed's entries.
    """
    stamp = now.timestamp()
    return any(_waiting(k) and not (k.state == "held" and k.published is not None and k.published > stamp)
               for k in known.values())
