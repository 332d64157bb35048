"""The publishing record on both engines: recorded once, claimed by one worker, taken over from a dead one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from composer.delivery.state import DeliveryState
from composer.outbox import Item
from composer.publish.base import Posted
from composer.publish.state import PartSpec, PublishState
from tests.publish.conftest import make_settings


def _state(outbox_dir: Path, database_url: str, lease: float = 60.0) -> PublishState:
    return PublishState(database_url or outbox_dir / "delivery.sqlite3", lease=lease)


def _create(state: PublishState, item: Item, n: int = 3) -> int:
    pub, created = state.create(item=item.name, item_path=str(item.path), network="mastodon", mode="thread",
                                parts=[PartSpec(text=f"part {i}") for i in range(n)])
    assert created
    return pub.id


def test_a_publication_is_recorded_once_with_its_parts(outbox_dir: Path, item: Item, database_url: str) -> None:
    with _state(outbox_dir, database_url) as state:
        pub_id = _create(state, item)
        again, created = state.create(item=item.name, item_path=str(item.path), network="mastodon", mode="thread",
                                      parts=[PartSpec(text="changed")])
        assert not created and again.id == pub_id
        assert [p.text for p in state.parts(pub_id)] == ["part 0", "part 1", "part 2"]
        assert {p.state for p in state.parts(pub_id)} == {"queued"}


def test_the_delivery_state_and_the_publisher_share_one_database(outbox_dir: Path, item: Item,
                                                                  database_url: str) -> None:
    with _state(outbox_dir, database_url) as state:
        _create(state, item)
    target = database_url or outbox_dir / "delivery.sqlite3"
    with DeliveryState(target) as delivery:  # its own migrations still apply and its tables work
        assert delivery.campaigns() == []
    with _state(outbox_dir, database_url) as state:
        assert len(state.publications()) == 1


def test_only_one_worker_holds_a_publication(outbox_dir: Path, item: Item, database_url: str) -> None:
    with _state(outbox_dir, database_url) as a, _state(outbox_dir, database_url) as b:
        pub_id = _create(a, item)
        t = time.time()
        assert a.claim(pub_id, now=t)
        assert not b.claim(pub_id, now=t + 1)
        assert b.due(now=t + 1) == []  # held by a live worker: not offered
        assert [p.id for p in b.due(now=t + 61)] == [pub_id]  # its lease ran out: offered
        # a record written by the holder only
        a.mark_pending(pub_id, 0, "tok-0")
        try:
            b.mark_published(pub_id, 0, Posted("1", "u"))
        except Exception as exc:  # noqa: BLE001 - OutboxError: not the holder
            assert "no longer held" in str(exc)
        else:
            raise AssertionError("a worker without the claim wrote a part")
        # the lease runs out: the other worker takes over
        assert b.claim(pub_id, now=t + 61)
        assert not a.renew(pub_id, now=t + 62)  # the first worker learns it lost the claim


def test_a_dead_workers_claim_is_taken_over_at_once_on_one_machine(outbox_dir: Path, item: Item) -> None:
    with _state(outbox_dir, "") as state:
        pub_id = _create(state, item)
        proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        dead = f"{state.host}:{proc.stdout.strip()}:abc"
        state.db.execute("UPDATE publications SET owner = ?, lease_until = ? WHERE id = ?", (dead, 1e12, pub_id))
        assert [p.id for p in state.due()] == [pub_id]
        assert state.claim(pub_id)
        alive = f"{state.host}:{os.getpid()}:other"
        state.db.execute("UPDATE publications SET owner = ?, lease_until = ? WHERE id = ?", (alive, 1e12, pub_id))
        assert not state.claim(pub_id)


def test_failed_parts_are_requeued_and_published_ones_never(outbox_dir: Path, item: Item, database_url: str) -> None:
    with _state(outbox_dir, database_url) as state:
        pub_id = _create(state, item)
        assert state.claim(pub_id)
        state.mark_pending(pub_id, 0, "t0")
        state.mark_published(pub_id, 0, Posted("p0", "https://x/p0"))
        state.mark_pending(pub_id, 1, "t1")
        state.mark_failed(pub_id, 1, "refused")
        state.release(pub_id, "failed", None)
        assert state.requeue_failed(pub_id) == 1
        assert state.requeue_failed(pub_id) == 0
        parts = state.parts(pub_id)
        assert [p.state for p in parts] == ["published", "queued", "queued"]
        assert parts[1].token == "t1"  # the same token on the next attempt
        assert state.publication(pub_id).state == "active"


def test_settings_choose_the_engine(outbox_dir: Path, database_url: str) -> None:
    from composer.config import Secret
    from composer.publish.state import location

    settings = make_settings(outbox_dir, database_url=Secret(database_url))
    where = location(settings)
    assert (where == database_url) if database_url else str(where).endswith("delivery.sqlite3")


def test_the_record_is_migrated_explicitly_and_refuses_a_newer_schema(outbox_dir: Path, database_url: str) -> None:
    import pytest

    from composer.errors import ConfigError
    from composer.publish.state import SCHEMA_VERSION, VERSIONS_TABLE, migrate_record

    target = database_url or outbox_dir / "delivery.sqlite3"
    outbox_dir.mkdir(parents=True, exist_ok=True)
    _where, before, after = migrate_record(target)
    assert (before, after) == (0, SCHEMA_VERSION)
    assert migrate_record(target)[1:] == (SCHEMA_VERSION, SCHEMA_VERSION)
    with PublishState(target) as state:
        state.db.execute(f"INSERT INTO {VERSIONS_TABLE} (version, description, applied) VALUES (99, 'future', 0)")
    with pytest.raises(ConfigError, match="publishing database .* has schema version 99"):
        PublishState(target)
