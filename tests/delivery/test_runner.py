"""Delivery state and the send loop, with the memory, outbox and console adapters."""

from __future__ import annotations

import email
import io
import os
import threading
import time
from collections import Counter
from email import policy
from pathlib import Path

import pytest

from composer.config import Settings
from composer.delivery import get_backend
from composer.delivery.base import Outgoing
from composer.delivery.campaign import Audience, open_campaign
from composer.delivery.memory import MemoryBackend
from composer.delivery.runner import RateLimiter, run_campaign
from composer.delivery.state import DeliveryState, RetryPolicy, location
from composer.errors import ConfigError, InputError
from composer.newsletter.personalize import MessageTemplate
from composer.outbox import Item

from .conftest import write_csv


def new_campaign(item: Item, settings: Settings, csv: Path, via: str = "memory") -> int:
    state = DeliveryState.for_settings(settings)
    campaign, _ = open_campaign(state, item, settings, via, Audience(list_path=csv))
    state.close()
    return campaign.id


def run(item: Item, settings: Settings, campaign_id: int, backend_of=None, **kw):  # noqa: ANN001, ANN003, ANN201
    template = MessageTemplate.from_item(item, settings)
    return run_campaign(location(settings), campaign_id, settings, template=template,
                        make_backend=backend_of or (lambda: MemoryBackend(settings)), **kw)


def test_sends_each_reader_once_and_never_again(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", [f"r{i}@example.com,R{i}," for i in range(10)])
    cid = new_campaign(item, settings, csv)
    backend = MemoryBackend(settings)
    summary = run(item, settings, cid, lambda: backend)
    assert summary.exit_code == 0 and summary.counts["sent"] == 10
    assert [m.recipient for m in backend.sent] == [f"r{i}@example.com" for i in range(10)]
    again = run(item, settings, cid, lambda: backend)
    assert again.counts["sent"] == 10 and len(backend.sent) == 10
    state = DeliveryState.for_settings(settings)
    assert state.campaign(cid).state == "done"


def test_retry_backoff_and_giving_up(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", ["a@example.com,,", "b@example.com,,", "c@example.com,,"])
    cid = new_campaign(item, settings, csv)
    plan = {"a@example.com": [("temporary", "451 later")],
            "b@example.com": [("permanent", "550 unknown user")],
            "c@example.com": [("temporary", "421 busy")] * 5}
    backend = MemoryBackend(settings, plan=plan)
    summary = run(item, settings, cid, lambda: backend, max_wait=5)
    assert [m.recipient for m in backend.sent] == ["a@example.com"]
    assert summary.counts["failed"] == 2 and summary.exit_code == 1
    reasons = {r["email"]: r["reason"] for r in summary.failed}
    assert reasons == {"b@example.com": "550 unknown user", "c@example.com": "gave up after 3 attempts: 421 busy"}


def test_backoff_grows_exponentially_with_jitter() -> None:
    policy = RetryPolicy(base=60, max_attempts=5)
    for attempt, low in ((1, 30), (2, 60), (3, 120), (4, 240)):
        delays = [policy.delay(attempt) for _ in range(200)]
        assert all(low <= d <= 2 * low for d in delays)
        assert len(set(delays)) > 150  # jittered, not a fixed schedule


def test_deferred_beyond_max_wait_is_left_for_later(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", ["a@example.com,,"])
    cid = new_campaign(item, settings.replace(send_retry_delay=3600), csv)
    backend = MemoryBackend(settings, plan={"a@example.com": [("temporary", "451 later")]})
    summary = run(item, settings.replace(send_retry_delay=3600), cid, lambda: backend, max_wait=1)
    assert summary.counts["deferred"] == 1 and summary.exit_code == 1
    assert summary.deferred[0]["next_attempt"] > time.time() + 1700


def test_header_injection_fails_that_reader_only(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", ['evil@example.com,"Eve\r\nBcc: all@example.net",', "ok@example.com,Ok,"])
    cid = new_campaign(item, settings, csv)
    backend = MemoryBackend(settings)
    summary = run(item, settings, cid, lambda: backend)
    assert [m.recipient for m in backend.sent] == ["ok@example.com"]
    assert "line break" in summary.failed[0]["reason"]
    assert all(b"Bcc" not in m.data for m in backend.sent)


def test_invalid_rows_are_recorded_as_failed(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", ["nope,,", "ok@example.com,,", "ok@example.com,,"])
    state = DeliveryState.for_settings(settings)
    audience = Audience(list_path=csv)
    campaign, added = open_campaign(state, item, settings, "memory", audience)
    assert added == 2
    assert [str(p) for p in audience.problems] == [
        "line 2: 'nope' is not a valid email address", "line 4: ok@example.com is a duplicate of line 3; it is sent once"]
    assert state.counts(campaign.id) == {"pending": 1, "sending": 0, "sent": 0, "deferred": 0, "failed": 1, "skipped": 0}


def test_concurrent_workers_never_send_the_same_message(tmp_path: Path, item: Item, settings: Settings) -> None:
    n = 300
    csv = write_csv(tmp_path / "s.csv", [f"r{i}@example.com,,"for i in range(n)])
    cid = new_campaign(item, settings, csv)
    backends: list[MemoryBackend] = []
    lock = threading.Lock()

    def factory() -> MemoryBackend:
        b = MemoryBackend(settings)
        with lock:
            backends.append(b)
        return b

    # Two "workers" (two run_campaign calls, as two processes would), each with 3 threads.
    results = []
    threads = [threading.Thread(target=lambda: results.append(run(item, settings, cid, factory, concurrency=3,
                                                                  batch=4))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = Counter(m.recipient for b in backends for m in b.sent)
    assert len(sent) == n and set(sent.values()) == {1}
    assert sum(1 for b in backends if b.sent) > 1  # the work really was shared


def test_claims_of_a_dead_process_are_taken_over(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", [f"r{i}@example.com,,"for i in range(5)])
    cid = new_campaign(item, settings, csv)
    dead = DeliveryState(location(settings), lease=5.0)
    dead.owner = f"{dead.host}:999999999:deadbeef"  # no such PID
    assert len(dead.claim(cid, 3)) == 3
    alive = DeliveryState.for_settings(settings)
    if not settings.database_url:  # SQLite lives on one machine: a gone PID is noticed at once
        assert len(alive.claim(cid, 10)) == 5  # 3 taken back + 2 never claimed
    else:  # PostgreSQL: no PIDs across machines, the lease decides
        assert len(alive.claim(cid, 10)) == 2
        later = time.time() + 6  # the dead worker's 5 s lease ran out; ours (SEND_LEASE) did not
        taken = alive.claim(cid, 10, now=later)
        assert [r.seq for r in taken] == [1, 2, 3] and all(r.attempts == 2 for r in taken)
    other = DeliveryState.for_settings(settings)  # this process is alive and its leases run: its claims stay
    assert other.claim(cid, 10) == []
    alive.release(alive.claim(cid, 10))


def test_a_lost_lease_is_noticed_before_sending(tmp_path: Path, item: Item, settings: Settings) -> None:
    """A worker that stalled past its lease sends nothing another worker has taken over."""
    csv = write_csv(tmp_path / "s.csv", [f"r{i}@example.com,,"for i in range(4)])
    cid = new_campaign(item, settings, csv)
    short = settings.replace(send_lease=0.6, smtp_timeout=0.2)
    backend = MemoryBackend(short)
    thief_took: list[str] = []

    def stall(counts: dict[str, int]) -> None:
        if not thief_took:  # r0 is recorded; now this worker stalls past its lease and another takes over
            time.sleep(0.7)
            with DeliveryState.for_settings(short) as thief:
                thief_took.extend(r.email for r in thief.claim(cid, 10))

    run(item, short, cid, lambda: backend, batch=10, progress=stall)
    assert thief_took == ["r1@example.com", "r2@example.com", "r3@example.com"]
    sent = [m.recipient for m in backend.sent]
    assert sent == ["r0@example.com"]  # r1..r3 belong to the other worker now
    state = DeliveryState.for_settings(short)
    assert state.counts(cid)["sending"] == 3 and state.counts(cid)["sent"] == 1


def test_lease_must_outlast_the_smtp_timeout(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", ["a@example.com,,"])
    cid = new_campaign(item, settings, csv)
    with pytest.raises(ConfigError, match="SEND_LEASE=10 must be at least twice SMTP_TIMEOUT=30"):
        run(item, settings.replace(send_lease=10.0), cid)


def test_rate_limit(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", [f"r{i}@example.com,,"for i in range(11)])
    cid = new_campaign(item, settings, csv)
    start = time.monotonic()
    run(item, settings.replace(send_rate=50.0), cid)
    assert time.monotonic() - start >= 0.19
    limiter, t0 = RateLimiter(0), time.monotonic()
    for _ in range(1000):
        limiter.wait()
    assert time.monotonic() - t0 < 0.1


def test_cancel_stops_a_running_campaign(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", [f"r{i}@example.com,,"for i in range(50)])
    cid = new_campaign(item, settings, csv)

    class CancellingBackend(MemoryBackend):
        def send_one(self, message: Outgoing):  # noqa: ANN201
            if len(self.sent) == 5:
                DeliveryState.for_settings(settings).set_campaign_state(cid, "cancelled")
            return super().send_one(message)

    backend = CancellingBackend(settings)
    summary = run(item, settings, cid, lambda: backend, batch=10)
    assert summary.cancelled and len(backend.sent) == 10  # the claimed batch finishes, nothing more
    assert summary.counts["pending"] == 40 and summary.counts["sending"] == 0


def test_outbox_adapter_writes_durable_eml_files(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", ["a@example.com,Ann,", "b@example.com,Bob,"])
    cid = new_campaign(item, settings, csv, via="outbox")
    template = MessageTemplate.from_item(item, settings)
    summary = run_campaign(location(settings), cid, settings, template=template)
    assert summary.exit_code == 0
    files = sorted((item.path / "sent" / str(cid)).iterdir())
    assert [f.name for f in files] == ["000001.eml", "000002.eml"]
    msg = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"] == "Ann <a@example.com>"
    assert not [p for p in (item.path / "sent" / str(cid)).iterdir() if p.name.startswith(".")]  # no temp files left


def test_console_adapter_and_unknown_adapter(settings: Settings) -> None:
    stream = io.StringIO()
    backend = get_backend("console", settings, stream=stream)
    with backend:
        [result] = backend.send_messages([Outgoing("1", "n@example.org", "a@example.com", b"Subject: hi\r\n\r\nbody\r\n")])
    assert result.ok and "Subject: hi\nbody" in stream.getvalue().replace("\n\n", "\n")
    with pytest.raises(ConfigError):
        get_backend("pigeon", settings)


def test_same_audience_resumes_and_a_schedule_blocks_send(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", ["a@example.com,,"])
    state = DeliveryState.for_settings(settings)
    first, _ = open_campaign(state, item, settings, "memory", Audience(list_path=csv))
    grown = write_csv(tmp_path / "s.csv", ["a@example.com,,", "b@example.com,,"])  # the same list, grown
    again, added = open_campaign(state, item, settings, "memory", Audience(list_path=grown))
    assert again.id == first.id and added == 1
    other = write_csv(tmp_path / "other.csv", ["a@example.com,,", "c@example.com,,"])  # another list: another audience
    second, added = open_campaign(state, item, settings, "memory", Audience(list_path=other))
    assert second.id != first.id and added == 2
    test_send, _ = open_campaign(state, item, settings, "memory", Audience(to=["me@example.com"]))
    assert test_send.id != first.id
    later, _ = open_campaign(state, item, settings, "outbox", Audience(list_path=csv),
                             scheduled_for=(time.time() + 3600, "in an hour"))
    with pytest.raises(InputError, match="cancel it"):
        open_campaign(state, item, settings, "outbox", Audience(list_path=csv))
    assert later.state == "scheduled"


def test_resumed_import_is_not_reported_as_duplicates(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", ["a@example.com,,", "b@example.com,,", "A@example.com,,"])
    state = DeliveryState.for_settings(settings)
    first = Audience(list_path=csv)
    open_campaign(state, item, settings, "memory", first)
    assert [str(p) for p in first.problems] == ["line 4: A@example.com is a duplicate of line 2; it is sent once"]
    again = Audience(list_path=csv)
    _, added = open_campaign(state, item, settings, "memory", again)
    assert added == 0 and again.problems == []


def test_claiming_does_not_walk_past_sent_rows(tmp_path: Path, item: Item, settings: Settings) -> None:
    """Claim cost must not grow with the number already sent (it did, with one OR query)."""
    if settings.database_url:
        pytest.skip("SQLite's query plan; PostgreSQL's claim is checked by the concurrency tests")
    csv = write_csv(tmp_path / "s.csv", [f"r{i}@example.com,,"for i in range(3)])
    cid = new_campaign(item, settings, csv)
    state = DeliveryState.for_settings(settings)
    plans = [" ".join(str(r[-1]) for r in state.db.execute(f"EXPLAIN QUERY PLAN {q}", args))
             for q, args in (("SELECT seq FROM recipients WHERE campaign = ? AND state = 'pending' ORDER BY seq "
                              "LIMIT 25", (cid,)),
                             ("SELECT seq FROM recipients WHERE campaign = ? AND state = 'deferred' AND "
                              "next_attempt <= ? ORDER BY next_attempt LIMIT 25", (cid, 0)))]
    assert "recipients_queue (campaign=? AND state=?)" in plans[0] and "TEMP B-TREE" not in plans[0]
    assert "recipients_work (campaign=? AND state=? AND next_attempt<?)" in plans[1]


def test_sqlite_outcomes_are_journalled_then_folded_with_the_next_claim(tmp_path: Path, item: Item,
                                                                        settings: Settings) -> None:
    if settings.database_url:
        pytest.skip("PostgreSQL records each outcome on the server (no local journal)")
    csv = write_csv(tmp_path / "s.csv", [f"r{i}@example.com,,"for i in range(4)])
    cid = new_campaign(item, settings, csv)
    worker = DeliveryState.for_settings(settings)
    first = worker.claim(cid, 2)
    worker.mark_sent(first[0])
    worker.mark_failed(first[1], "550 no such user")
    journal = worker._journal_path(worker.owner)
    assert len(journal.read_text().splitlines()) == 2
    reader = DeliveryState.for_settings(settings)
    assert reader.counts(cid)["sending"] == 2  # not folded yet: one write each, no commit
    worker.claim(cid, 2)  # the fold rides on the claim's transaction
    assert reader.counts(cid) == {"pending": 0, "sending": 2, "sent": 1, "deferred": 0, "failed": 1, "skipped": 0}
    assert worker._journal_offset == journal.stat().st_size  # folded: the next fold starts after it
    worker.close()
    assert not journal.exists()  # folded and removed on close


def test_a_killed_workers_journal_is_folded_before_its_claims_are_taken_over(tmp_path: Path, item: Item,
                                                                             settings: Settings) -> None:
    if settings.database_url:
        pytest.skip("SQLite's journal")
    csv = write_csv(tmp_path / "s.csv", [f"r{i}@example.com,,"for i in range(5)])
    cid = new_campaign(item, settings, csv)
    dead = DeliveryState.for_settings(settings)
    dead.owner = f"{dead.host}:999999999:deadbeef0000"  # no such PID: as if killed with -9
    rows = dead.claim(cid, 3)
    dead.mark_sent(rows[0])
    dead.mark_sent(rows[1])  # rows[2] was "on the wire" when it died
    os.close(dead._journal_fd)  # killed: no close(), no fold
    dead.db.close()
    heir = DeliveryState.for_settings(settings)  # folds the dead worker's journal on open
    assert heir.counts(cid)["sent"] == 2
    assert [r.email for r in heir.claim(cid, 10)] == ["r2@example.com", "r3@example.com", "r4@example.com"]
    assert not list((settings.outbox_dir / "delivery.journal").glob("*deadbeef*"))


def test_a_campaign_recorded_with_the_old_list_audience_is_resumed(tmp_path: Path, item: Item,
                                                                   settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", ["a@example.com,,"])
    state = DeliveryState.for_settings(settings)
    old = state.create_campaign(item=item.name, item_path=str(item.path), via="memory", audience="list",
                                list_path=str(csv))
    campaign, added = open_campaign(state, item, settings, "memory", Audience(list_path=csv))
    assert campaign.id == old.id and added == 1


def test_an_outcome_of_an_earlier_claim_does_not_touch_a_later_one(tmp_path: Path, item: Item,
                                                                   settings: Settings) -> None:
    """A reader deferred, then claimed again by the same worker, which dies while sending it: the old
    'deferred' line in its journal must not settle the new attempt (it goes back to pending)."""
    if settings.database_url:
        pytest.skip("SQLite's journal")
    csv = write_csv(tmp_path / "s.csv", ["a@example.com,,"])
    cid = new_campaign(item, settings, csv)
    worker = DeliveryState.for_settings(settings)
    worker.owner = f"{worker.host}:999999999:deadbeef0001"
    [row] = worker.claim(cid, 1)
    worker.mark_temporary(row, "451 later", RetryPolicy(base=0.001, max_attempts=5))
    time.sleep(0.01)
    [again] = worker.claim(cid, 1)  # folds the deferral, claims the reader anew
    assert again.attempts == 2 and again.claimed != row.claimed
    worker._journaled = True  # pretend the journal still held the old line unfolded (a crash before noting the fold)
    worker._journal_offset = 0
    os.close(worker._journal_fd)
    worker.db.close()
    heir = DeliveryState.for_settings(settings)
    [taken] = heir.claim(cid, 1)
    assert taken.email == "a@example.com" and taken.previous == "pending" and taken.attempts == 3


def test_a_hung_workers_journal_is_folded_but_kept(tmp_path: Path, item: Item, settings: Settings) -> None:
    """A live worker whose lease ran out keeps its journal: what it records afterwards still reaches the database."""
    if settings.database_url:
        pytest.skip("SQLite's journal")
    csv = write_csv(tmp_path / "s.csv", [f"r{i}@example.com,,"for i in range(4)])
    cid = new_campaign(item, settings, csv)
    hung = DeliveryState(location(settings), lease=0.05)  # this process: alive
    first = hung.claim(cid, 2)
    hung.mark_sent(first[0])
    time.sleep(0.1)
    other = DeliveryState.for_settings(settings)
    taken = other.claim(cid, 10)  # folds r0, takes r1 (lease over) and r2, r3
    assert [r.email for r in taken] == ["r1@example.com", "r2@example.com", "r3@example.com"]
    assert other.counts(cid)["sent"] == 1
    assert hung._journal_path(hung.owner).exists()
    other.release(taken)
    again = hung.claim(cid, 1)  # the worker carries on with a new claim
    hung.mark_sent(again[0])
    hung.close()
    assert other.counts(cid)["sent"] == 2  # its later outcome was folded from the same journal
