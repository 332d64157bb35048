"""What the durable record costs per published part, beside the same requests without it, in one run.

Each row publishes a thread of ``--parts`` parts to the local fake Mastodon instance of the tests
(``tests/publish/mastodon_server.py``, on 127.0.0.1): once through the client alone (one POST per
part, nothing recorded: the floor), and once through the publisher (``publish_now``: per part a
commit *before* the request and one after it), on the outbox's SQLite file and, when a
PostgreSQL server can be started here, on PostgreSQL. Medians of ``--runs`` runs; the ratio to
the client alone is what the record adds. The network of a real instance (tens to hundreds of
milliseconds a post) dwarfs both; this measures our own cost.

    python bench/publish.py [--parts 50] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from composer.config import Secret  # noqa: E402
from composer.publish.base import Part, Posted  # noqa: E402
from composer.publish.mastodon import MastodonClient  # noqa: E402
from composer.publish.runner import publish_now  # noqa: E402
from tests.publish import mastodon_server  # noqa: E402
from tests.publish.conftest import make_item, mastodon_settings  # noqa: E402


def client_alone(url: str, parts: int) -> float:
    client = MastodonClient(url, mastodon_server.TOKEN, timeout=10)
    start = time.perf_counter()
    parent: Posted | None = None
    for i in range(parts):
        part = Part(network="mastodon", index=i, count=parts, text=f"raw part {i} {time.time_ns()}",
                    token=client.new_token())
        parent = client.publish(part, root=None, parent=parent)
    return time.perf_counter() - start


def with_record(url: str, parts: int, database_url: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        outbox = Path(tmp) / "outbox"
        item = make_item(outbox, parts=parts, name=f"2025-03-12-bench-{time.time_ns()}")
        settings = mastodon_settings(outbox, _Net(url), database_url=Secret(database_url), publish_timeout=10.0)
        start = time.perf_counter()
        result = publish_now(settings, item, "mastodon", thread=True)
        elapsed = time.perf_counter() - start
        assert result.state == "done", result.message
    return elapsed


class _Net:
    def __init__(self, url: str) -> None:
        self.url = url


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parts", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    net = mastodon_server.start()
    pg = None
    try:
        engines: list[tuple[str, str]] = [("SQLite (outbox file)", "")]
        from tests.pgserver import PgServer, why_unavailable

        if why_unavailable() is None:
            pg = PgServer().start()
            engines.append(("PostgreSQL", pg.url()))
        rows: list[tuple[str, float]] = []
        base = statistics.median(client_alone(net.url, args.parts) for _ in range(args.runs))
        rows.append(("client alone (no record)", base))
        for name, url in engines:
            with_record(net.url, args.parts, url)  # warm-up: creates the schema
            rows.append((f"publisher, {name}", statistics.median(
                with_record(net.url, args.parts, url) for _ in range(args.runs))))
    finally:
        net.stop()
        if pg is not None:
            pg.stop()
    print(f"| thread of {args.parts} parts, median of {args.runs} | total ms | ms per part | × client alone |")
    print("|---|---:|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1000:.1f} | {seconds * 1000 / args.parts:.2f} | {seconds / base:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
