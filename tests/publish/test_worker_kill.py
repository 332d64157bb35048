"""A worker process killed (SIGKILL) while part 3 of a thread is on the wire, then resumed.

The fake instance stores part 3 and holds its answer; the worker is killed in that moment, so
its record says part 3 is pending (the request may have published). The next worker — at once
on SQLite (the dead process is noticed), after the lease on PostgreSQL — looks part 3 up with
its Idempotency-Key before anything else: 5 posts, none twice, each replying to the one before.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from composer.config import Secret
from composer.outbox import Item
from composer.publish.runner import open_publication, worker_pass
from composer.publish.state import PublishState, location
from tests.conftest import REPO
from tests.publish import mastodon_server
from tests.publish.conftest import mastodon_settings
from tests.publish.netserver import FakeNetwork

WORKER = ("import sys; from composer.config import load_settings; from composer.publish.runner import worker_pass; "
          "sys.exit(worker_pass(load_settings(), lambda t: print(t, flush=True)))")


def test_a_killed_worker_is_resumed_without_a_duplicate(outbox_dir: Path, item: Item, mastodon: FakeNetwork,
                                                       database_url: str) -> None:
    settings = mastodon_settings(outbox_dir, mastodon, database_url=Secret(database_url), send_lease=1.0,
                                 publish_timeout=30.0)
    with PublishState(location(settings)) as state:
        pub, _ = open_publication(state, item, "mastodon", thread=True, settings=settings)
    mastodon.script = ["ok", "ok", "accept_then_hold"]
    env = {**os.environ, "OUTBOX_DIR": str(outbox_dir), "MASTODON_URL": mastodon.url,
           "MASTODON_TOKEN": mastodon_server.TOKEN, "DATABASE_URL": database_url, "SEND_LEASE": "1",
           "PUBLISH_TIMEOUT": "30", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", WORKER], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        assert mastodon.accepted.wait(30), proc.communicate(timeout=5)[0] if proc.poll() is not None else "no part 3"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    mastodon.release.set()
    assert len(mastodon.posts) == 3  # part 3 reached the instance; the worker never heard back
    with PublishState(location(settings)) as state:
        parts = state.parts(pub.id)
    assert [p.state for p in parts] == ["published", "published", "pending", "queued", "queued"]
    assert parts[2].unsure and parts[2].token == mastodon.posts[2]["key"]

    if database_url:
        time.sleep(1.2)  # PostgreSQL: no PIDs across machines, the dead worker's lease must run out
    assert worker_pass(settings, lambda _t: None) == 0
    texts = [p["text"] for p in mastodon.posts]
    assert len(texts) == len(set(texts)) == 5
    assert [t.split(":")[0] for t in texts] == [f"mastodon part {i + 1}/5" for i in range(5)]
    for prev, post in itertools.pairwise(mastodon.posts):
        assert post["public"]["in_reply_to_id"] == prev["public"]["id"]
    with PublishState(location(settings)) as state:
        assert [p.state for p in state.parts(pub.id)] == ["published"] * 5
        assert state.publication(pub.id).state == "done"
