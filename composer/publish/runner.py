"""Running a publication: its parts in order, each recorded before and after its request.

For each part that is not yet published, under the publication's claim:

1. if the part is ``unsure`` (an earlier request may have reached the network: a timeout, a
   dropped connection, a worker killed mid-request), ask the client to :meth:`~Client.lookup`
   it first; found → recorded as published, nothing is sent;
2. record it ``pending`` with its token and commit — *then* send;
3. record the outcome: ``published`` with its id, URL and CID; ``deferred`` until the
   network's reset time (:class:`RateLimited`) or with backoff (:class:`Transient`);
   ``unknown`` then a lookup at once (:class:`OutcomeUnknown`); ``failed`` (:class:`Rejected`).

A thread stops at the first part that is not published and resumes there later, with that
part's root and parent read back from the record. What this cannot rule out is written in the
README ("Publishing": what "never twice" means).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from composer.errors import ComposerError
from composer.publish.base import Client, OutcomeUnknown, Posted, PublishError, RateLimited, Rejected, Transient
from composer.publish.parts import card_for
from composer.publish.state import PartRow, PublishState
from composer.textutil import plural

Log = Callable[[str], None]


@dataclass
class RunResult:
    """What one run of a publication did (``state``: done, active (something deferred), failed or busy)."""

    publication: int
    network: str
    state: str
    published: int = 0  # parts published by this run (found by lookup included)
    looked_up: int = 0  # parts found already published by a lookup
    parts: list[PartRow] = field(default_factory=list)
    message: str = ""
    next_attempt: float | None = None

    @property
    def exit_code(self) -> int:
        return 0 if self.state == "done" else 1


def _backoff(attempts: int, base: float) -> float:
    return base * (2 ** max(0, attempts - 1))


def run_publication(state: PublishState, pub_id: int, client: Client, *, retry_delay: float = 60.0,
                    max_attempts: int = 5, log: Log | None = None, timeout: float = 15.0,
                    clock: Callable[[], float] = time.time) -> RunResult:
    """Publish what is left of publication ``pub_id`` through ``client``; never sends a part twice.

    Returns without doing anything (state ``busy``) when another live worker holds it.
    """
    say = log or (lambda _text: None)
    pub = state.publication(pub_id)
    result = RunResult(pub_id, pub.network, "busy")
    if not state.claim(pub_id, clock()):
        result.parts = state.parts(pub_id)
        settled = state.publication(pub_id).state
        if settled in ("done", "failed"):
            result.state = settled
            failed = [p for p in result.parts if p.state == "failed"]
            result.message = (f"part {failed[0].index + 1} failed: {failed[0].reason}; fix it, then publish again "
                              "with --retry" if failed else "already published")
        else:
            result.message = "another worker is publishing it"
        return result
    final, due = "active", clock()
    try:
        final, due = _run(state, pub_id, client, result, retry_delay, max_attempts, say, timeout, clock)
    finally:
        state.release(pub_id, final, due, clock())
        result.state = final
        result.next_attempt = due if final == "active" else None
        result.parts = state.parts(pub_id)
    return result


def _run(state: PublishState, pub_id: int, client: Client, result: RunResult, retry_delay: float,
         max_attempts: int, say: Log, timeout: float, clock: Callable[[], float]) -> tuple[str, float | None]:
    network = result.network
    root: Posted | None = None
    parent: Posted | None = None
    for row in state.parts(pub_id):
        where = f"{network} part {row.index + 1}/{row.count}"
        if row.state == "published":
            posted = row.posted()
            root = root or posted
            parent = posted
            continue
        if row.state == "failed":
            result.message = f"{where} failed: {row.reason}"
            return "failed", None
        now = clock()
        if row.state == "deferred" and row.next_attempt is not None and row.next_attempt > now:
            result.message = f"{where} deferred: {row.reason}"
            return "active", row.next_attempt
        if not state.renew(pub_id, now):
            raise PublishError(f"publication #{pub_id}: the claim was lost (lease ran out); another worker continues")
        token = row.token or client.new_token()
        card = card_for(row.card, with_image=network == "bluesky", warn=say, timeout=timeout) if row.card else None
        part = row.part(network, token, card)
        if row.unsure and row.token:
            found, outcome = _look_up(state, pub_id, row, client, part, root, parent, retry_delay, clock, say)
            if outcome is not None:
                result.message = outcome[1]
                return outcome[0], outcome[2]
            if found is not None:
                result.published += 1
                result.looked_up += 1
                root = root or found
                parent = found
                continue
        state.mark_pending(pub_id, row.index, token, clock())
        attempts = row.attempts + 1
        try:
            posted = client.publish(part, root=root, parent=parent)
        except RateLimited as exc:
            state.mark_deferred(pub_id, row.index, exc.reset_at, f"rate limited: {exc.detail}", unsure=False)
            say(f"{where}: rate limited until {time.strftime('%H:%M:%S', time.localtime(exc.reset_at))}")
            result.message = f"{where} deferred: rate limited ({exc.detail})"
            return "active", exc.reset_at
        except Transient as exc:
            if attempts >= max_attempts:
                state.mark_failed(pub_id, row.index, f"gave up after {plural(attempts, 'attempt')}: {exc.detail}")
                result.message = f"{where} failed: {exc.detail}"
                return "failed", None
            until = clock() + _backoff(attempts, retry_delay)
            state.mark_deferred(pub_id, row.index, until, exc.detail, unsure=False)
            result.message = f"{where} deferred: {exc.detail}"
            return "active", until
        except OutcomeUnknown as exc:
            state.mark_unknown(pub_id, row.index, exc.detail)
            say(f"{where}: outcome unknown ({exc.detail}); looking it up")
            reread = next(r for r in state.parts(pub_id) if r.index == row.index)
            found, outcome = _look_up(state, pub_id, reread, client, part, root, parent, retry_delay, clock, say)
            if outcome is not None:
                result.message = outcome[1]
                return outcome[0], outcome[2]
            if found is None:
                # Not there (yet): try again later, looking it up once more first.
                until = clock() + _backoff(attempts, retry_delay)
                if attempts >= max_attempts:
                    state.mark_failed(pub_id, row.index, f"gave up after {plural(attempts, 'attempt')}: {exc.detail}",
                                      unsure=True)
                    result.message = f"{where} failed: {exc.detail}"
                    return "failed", None
                state.mark_deferred(pub_id, row.index, until, f"{exc.detail}; not found by lookup", unsure=True)
                result.message = f"{where} deferred: {exc.detail}"
                return "active", until
            result.published += 1
            result.looked_up += 1
            root = root or found
            parent = found
            continue
        except Rejected as exc:
            state.mark_failed(pub_id, row.index, exc.detail)
            result.message = f"{where} refused: {exc.detail}"
            return "failed", None
        state.mark_published(pub_id, row.index, posted, clock())
        say(f"{where}: published {posted.url}")
        result.published += 1
        root = root or posted
        parent = posted
    return "done", None


def _look_up(state: PublishState, pub_id: int, row: PartRow, client: Client, part: Any, root: Posted | None,
             parent: Posted | None, retry_delay: float, clock: Callable[[], float],
             say: Log) -> tuple[Posted | None, tuple[str, str, float | None] | None]:
    """Ask the network whether an earlier attempt published ``row``; returns (found, stop) where
    ``stop`` is (state, message, due) when the lookup itself could not answer."""
    where = f"{part.network} part {row.index + 1}/{row.count}"
    try:
        found = client.lookup(part, root=root, parent=parent)
    except RateLimited as exc:
        state.mark_deferred(pub_id, row.index, exc.reset_at, f"rate limited while looking up: {exc.detail}",
                            unsure=True)
        return None, ("active", f"{where} deferred: rate limited", exc.reset_at)
    except (Transient, OutcomeUnknown) as exc:
        until = clock() + _backoff(max(row.attempts, 1), retry_delay)
        state.mark_deferred(pub_id, row.index, until, f"could not look up an earlier attempt: {exc.detail}",
                            unsure=True)
        return None, ("active", f"{where} deferred: lookup failed ({exc.detail})", until)
    except Rejected as exc:
        state.mark_failed(pub_id, row.index, f"lookup refused: {exc.detail}", unsure=True)
        return None, ("failed", f"{where} failed: {exc.detail}", None)
    if found is not None:
        state.mark_published(pub_id, row.index, found, clock())
        say(f"{where}: an earlier attempt was published ({found.url}); not sent again")
    return found, None


# -- the worker's pass -------------------------------------------------------------------------


def worker_pass(settings: Any, log: Log, *, now: float | None = None,
                factory: Callable[[str, Any], Client] | None = None) -> int:
    """Run every due publication once (scheduled ones whose time came, deferred parts now due).

    The command line hands this to ``delivery.schedule.worker_loop`` (delivery must not import
    the publisher). Returns 1 when something was left deferred or failed, else 0.
    """
    from composer.config import mask_secrets
    from composer.publish.clients import client_for
    from composer.publish.state import exists, location

    where = location(settings)
    if not exists(where):
        return 0
    make = factory or client_for
    clients: dict[str, Client] = {}  # one per network and pass: Bluesky opens a session once
    status = 0
    with PublishState(where, lease=settings.send_lease) as state:
        for pub in state.due(now):
            try:
                client = clients.get(pub.network) or clients.setdefault(pub.network, make(pub.network, settings))
                result = run_publication(state, pub.id, client, retry_delay=settings.send_retry_delay,
                                         max_attempts=settings.send_max_attempts, log=log,
                                         timeout=settings.publish_timeout)
            except ComposerError as exc:
                log(mask_secrets(f"publication #{pub.id} ({pub.item} on {pub.network}): {exc}", settings))
                status = 1
                continue
            if result.state == "busy":
                continue
            log(mask_secrets(f"publication #{pub.id} ({pub.item} on {pub.network}, {pub.mode}): {result.state}"
                             + (f" — {result.message}" if result.message else ""), settings))
            status = max(status, result.exit_code)
    return status


# -- one item, now or later ----------------------------------------------------------------------


def open_publication(state: PublishState, item: Any, network: str, *, thread: bool, settings: Any,
                     due: float | None = None, due_text: str | None = None) -> tuple[Any, bool]:
    """The publication of ``item`` on ``network`` (recorded now with its parts if it is new); (it, created)."""
    from composer.publish.parts import build_parts

    parts = build_parts(item, network, thread=thread, settings=settings)
    return state.create(item=item.name, item_path=str(item.path.resolve()), network=network,
                        mode="thread" if thread else "single", parts=parts, due=due, due_text=due_text)


def publish_now(settings: Any, item: Any, network: str, *, thread: bool, retry: bool = False,
                factory: Callable[[str, Any], Client] | None = None, log: Log | None = None,
                max_wait: float = 0.0) -> RunResult:
    """Publish ``item`` on ``network`` now: record it (once), then run what is left of it.

    Running it again resumes: published parts are skipped, deferred ones are tried now, and
    with ``retry`` failed ones too. Deferred parts due within ``max_wait`` seconds are waited for.
    """
    from composer.publish.clients import client_for
    from composer.publish.state import location

    client = (factory or client_for)(network, settings)
    with PublishState(location(settings), lease=settings.send_lease) as state:
        pub, _created = open_publication(state, item, network, thread=thread, settings=settings)
        if pub.state == "scheduled":
            state.db.execute("UPDATE publications SET due = ? WHERE id = ? AND state = 'scheduled'",
                             (time.time(), pub.id))
        if retry:
            state.requeue_failed(pub.id)
        state.retry_now(pub.id)
        deadline = time.monotonic() + max_wait
        while True:
            result = run_publication(state, pub.id, client, retry_delay=settings.send_retry_delay,
                                     max_attempts=settings.send_max_attempts, log=log,
                                     timeout=settings.publish_timeout)
            wait = (result.next_attempt or 0) - time.time()
            if result.state != "active" or result.next_attempt is None or time.monotonic() + wait > deadline:
                return result
            time.sleep(max(0.0, wait))
