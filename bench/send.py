"""Send throughput and memory: composer beside raw smtplib, against two sinks and both engines.

    python bench/send.py [-n 5000] [--sink smtp-sink,aiosmtpd] [--engine sqlite,postgresql] [--kinds raw,path,serial,cli]
                         [--concurrency 1,2,4] [--workers 1,4] [--rounds 1]

Sinks: Postfix's ``smtp-sink`` (C, fast: it shows the sender's own cost) and an ``aiosmtpd`` sink
in its own process (Python, slower: closer to a real server's pace). Engines: the outbox's
SQLite file, and PostgreSQL (a throwaway server started with initdb/pg_ctl, as the tests do).

Each run composes a newsletter item with the real pipeline (a synthetic article; merge markers
for the greeting and unsubscribe link are added if the templates have none), writes a
subscribers CSV of N readers, then measures, each in a fresh process so peak memory (the
process's own ``VmHWM``) belongs to that run alone:

* **raw smtplib** — the baseline: N messages over one connection, ``sendmail`` with bytes
  personalised *before* the clock starts (50 distinct messages, cycled). It runs in every round
  of every row, and "vs raw" is the median of each round's own ratio, so load from elsewhere that
  comes and goes between rounds cancels out;
* **composer send path** — ``run_campaign`` in-process at each concurrency: claim, personalise
  with the MIME skeleton, send, record each outcome (the list import is timed separately). It
  pipelines MAIL/RCPT/DATA when the sink offers PIPELINING, which smtplib's ``sendmail`` never
  does (smtp-sink offers it; the aiosmtpd sink does not, so there both send the same commands);
* **composer send path, one command at a time** (kind ``serial``) — the same with pipelining
  turned off, so each message costs the same four round trips as raw smtplib: what is left is
  composer's own work (claims, suppression check, personalisation, journal);
* **`compose send` CLI** — the whole command (SQLite only), wall clock of the process;
* **baseline** (kind ``base``, with ``--baseline SRC``) — the send path exactly as ``path``, but
  importing composer from another source tree (e.g. ``git archive`` of an earlier commit), so a
  change is compared with what it replaces in the same rounds, under the same load;
* **PostgreSQL workers** — W processes of ``run_campaign`` (concurrency 1 each) sharing one
  campaign, from the first one's start to the last one's end; the ratio W vs 1 is printed.

"sender CPU ms/msg" is the sender process's own CPU time per message (the timed loop for raw and
the send path, the whole process for the CLI). It prints markdown tables and the command.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing as mp
import os
import platform
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BASELINE = ""  # --baseline: the source tree the kind "base" imports composer from


# -- sink -----------------------------------------------------------------------------------------

def _sink_main(port: int, counter: mp.sharedctypes.Synchronized, ready: mp.synchronize.Event) -> None:  # type: ignore[name-defined]
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
            with counter.get_lock():
                counter.value += len(envelope.rcpt_tos)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port, data_size_limit=0)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def start_smtp_sink(port: int) -> subprocess.Popen[bytes]:
    """Postfix's smtp-sink on 127.0.0.1:port (it drops root for the postfix user when run as root)."""
    binary = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
    if not os.path.exists(binary):
        raise SystemExit("smtp-sink not found: apt-get install postfix (the service need not run)")
    cmd = [binary, *(["-u", "postfix"] if os.geteuid() == 0 else []), f"127.0.0.1:{port}", "1000"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("smtp-sink did not start")


def start_postgres():  # noqa: ANN201 - tests.pgserver.PgServer
    sys.path.insert(0, str(HERE.parent))
    from tests.pgserver import PgServer, why_unavailable

    reason = why_unavailable()
    if reason:
        raise SystemExit(reason)
    return PgServer().start()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- fixtures -------------------------------------------------------------------------------------

def make_item(outbox: Path) -> str:
    """A real composed newsletter (synthetic article) with merge markers; returns the item name."""
    from composer.config import Secret, Settings
    from composer.newsletter.merge import MARKER, marker
    from composer.outbox import Outbox

    settings = Settings(outbox_dir=outbox, site_url="https://news.example.org", unsubscribe_secret=Secret("bench"),
                        mail_from="Bench <news@example.org>")
    paragraphs = [f"Paragraph {i}: the council met on Tuesday to discuss the harbour, the new tram line and "
                  f"what the budget means for schools, libraries and the swimming pool in the old town." for i in range(12)]
    try:
        from composer.article import Article, Block, Source
        from composer.pipeline import compose_files

        article = Article(title="Harbour plan approved after long night of debate",
                          body=tuple(Block(type="paragraph", text=p) for p in paragraphs),
                          url="https://news.example.org/harbour", language="en",
                          source=Source(path="bench", format="text"))
        comp = compose_files([article], settings, name="2025-03-12-bench")
        html, text = comp.rendered.html, comp.rendered.text
    except Exception as exc:  # templates mid-change: fall back to a similar-sized page
        print(f"(pipeline unavailable: {exc}; using a synthetic page)", file=sys.stderr)
        html = "<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs * 6) + "</body></html>"
        text = "\n\n".join(paragraphs) + "\n"
    if not MARKER.search(html):
        html = html.replace("</body>", f"<p>Hi {marker('name', 'there')} — <a href=\"{marker('unsubscribe_url')}\">"
                                       "Unsubscribe</a></p></body>", 1)
        text = f"Hi {marker('name', 'there')},\n\n{text}\nUnsubscribe: {marker('unsubscribe_url')}\n"
    item = Outbox(outbox).write_item("2025-03-12-bench", {"email.html": html.encode(),
                                                         "email.txt": text.encode()},
                                     {"subject": "Harbour plan approved — Zoë's weekly briefing", "language": "en"})
    return item.name


def make_csv(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("email,name,city\n")
        for i in range(n):
            fh.write(f"reader{i}@example.com,Reader {i},Town {i % 97}\n")


def env_for(outbox: Path, port: int, concurrency: int, database_url: str = "") -> dict[str, str]:
    return {**os.environ, "OUTBOX_DIR": str(outbox), "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
            "SMTP_SECURITY": "none", "SITE_URL": "https://news.example.org", "UNSUBSCRIBE_SECRET": "bench",
            "MAIL_FROM": "Bench <news@example.org>", "SEND_CONCURRENCY": str(concurrency), "DELIVERY": "smtp",
            "DATABASE_URL": database_url}


# -- the measured workers (each runs in its own process) -------------------------------------------

def peak_rss_kib() -> int:
    """This process's own peak RSS (VmHWM). ``ru_maxrss`` would not do: on Linux it keeps the
    parent's peak across fork/exec, so every child would report at least the bench's own size."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def worker_raw(outbox: Path, item_name: str, n: int, port: int) -> None:
    from composer.config import load_settings
    from composer.newsletter.personalize import MessageTemplate, message_id_for
    from composer.outbox import Outbox

    settings = load_settings()
    template = MessageTemplate.from_item(Outbox(outbox).get(item_name), settings)
    now = dt.datetime.now(dt.UTC)
    prebuilt = [template.render({"email": f"reader{i}@example.com", "name": f"Reader {i}"},
                                message_id=message_id_for(item_name, f"reader{i}@example.com", settings.mail_from),
                                date=now) for i in range(50)]
    size = sum(map(len, prebuilt)) / len(prebuilt)
    start, cpu = time.perf_counter(), time.process_time()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for i in range(n):
            smtp.sendmail(template.sender, [f"reader{i}@example.com"], prebuilt[i % 50])
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"RESULT {elapsed} {size} {cpu} {peak_rss_kib()}")


def worker_path(outbox: Path, item_name: str, n: int, csv: Path, concurrency: int) -> None:
    from composer.config import load_settings
    from composer.delivery.campaign import Audience, open_campaign
    from composer.delivery.runner import run_campaign
    from composer.delivery.state import DeliveryState
    from composer.newsletter.personalize import MessageTemplate
    from composer.outbox import Outbox

    if os.environ.get("COMPOSER_BENCH_SERIAL_SMTP"):
        from composer.delivery.smtp import SMTPBackend

        SMTPBackend._can_pipeline = lambda self, message: False  # type: ignore[method-assign]
    settings = load_settings()
    item = Outbox(outbox).get(item_name)
    t0 = time.perf_counter()
    state = DeliveryState.for_settings(settings)
    campaign, added = open_campaign(state, item, settings, "smtp", Audience(list_path=csv))
    state.close()
    t1, cpu = time.perf_counter(), time.process_time()
    template = MessageTemplate.from_item(item, settings)
    summary = run_campaign(state.target, campaign.id, settings, template=template, concurrency=concurrency)
    t2, cpu = time.perf_counter(), time.process_time() - cpu
    assert summary.counts["sent"] == n, summary.counts
    print(f"RESULT {t2 - t1} {t1 - t0} {cpu} {peak_rss_kib()}")


def worker_drain(outbox: Path, item_name: str, campaign_id: int) -> None:
    """One of W worker processes sharing a PostgreSQL campaign: prints its start and end times.

    It says READY once its imports are done and starts when the bench says go (a line on stdin),
    so W workers start sending together and one's start-up does not eat another's CPU inside the
    timed window (a long-running ``compose worker`` pays its start-up once)."""
    from composer.config import load_settings
    from composer.delivery.runner import run_campaign
    from composer.delivery.state import location
    from composer.newsletter.personalize import MessageTemplate
    from composer.outbox import Outbox

    settings = load_settings()
    template = MessageTemplate.from_item(Outbox(outbox).get(item_name), settings)
    import psycopg  # noqa: F401

    import composer.delivery.smtp  # noqa: F401 - imported by the first send otherwise

    print("READY", flush=True)
    sys.stdin.readline()
    start, cpu = time.time(), time.process_time()
    summary = run_campaign(location(settings), campaign_id, settings, template=template, concurrency=1)
    print(f"RESULT {start} {time.time()} {summary.counts['sent']} {time.process_time() - cpu}")


def worker_cli(argv: list[str]) -> None:
    """``compose send …`` exactly as the console script runs it, then this process's peak RSS."""
    from composer.cli import main as compose

    code = compose(argv)
    if code != 0:
        raise SystemExit(code)
    print(f"RESULT {peak_rss_kib()}")


def run_child(cmd: list[str], env: dict[str, str]) -> tuple[float, list[str], int, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read pipes fully, then reap with wait4 to get this child's own CPU time.
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read() if proc.stderr else b""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')}")
    return wall, out.decode().splitlines(), int(usage.ru_maxrss), usage.ru_utime + usage.ru_stime


def bench(n: int, concurrency: int, port: int, counter: mp.sharedctypes.Synchronized | None,  # type: ignore[name-defined]
          rounds: int, kinds: list[str], new_db: Any = None,
          ceiling: float | None = None, show_raw: bool = True) -> tuple[list[tuple[str, ...]], dict[str, float]]:
    """Rounds interleave the senders (raw, path, cli, raw, …) so load from elsewhere hits all alike.

    ``counter`` counts what the aiosmtpd sink received (None with smtp-sink: then the send
    path's own assertion that all N were sent is the check); ``new_db`` makes a fresh
    PostgreSQL database per run (None: SQLite)."""
    samples: dict[str, list[tuple[float, list[float], int, float]]] = {k: [] for k in kinds}
    size = 0.0
    with tempfile.TemporaryDirectory(prefix="composer-bench-") as tmp:
        base = Path(tmp)
        for r in range(rounds):
            for label in kinds:
                outbox = base / f"{label}-{r}"
                item_name = make_item(outbox)
                csv = base / f"{label}-{r}.csv"
                make_csv(csv, n)
                env = env_for(outbox, port, concurrency,
                              new_db() if new_db and label in ("path", "serial", "base") else "")
                if label == "base":
                    env["PYTHONPATH"] = BASELINE
                if label == "serial":
                    env["COMPOSER_BENCH_SERIAL_SMTP"] = "1"
                before = counter.value if counter is not None else 0
                if label == "raw":
                    cmd = [sys.executable, __file__, "--worker", "raw", str(outbox), item_name, str(n), str(port)]
                elif label in ("path", "serial", "base"):
                    cmd = [sys.executable, __file__, "--worker", "path", str(outbox), item_name, str(n), str(csv),
                           str(concurrency)]
                else:
                    cmd = [sys.executable, __file__, "--worker", "cli", "send", item_name, "--list", str(csv),
                           "--via", "smtp"]
                wall, out, rss, cpu = run_child(cmd, env)
                time.sleep(0.2)
                delivered = counter.value - before if counter is not None else n
                if delivered != n:
                    raise SystemExit(f"{label}: the sink got {delivered} messages, expected {n}")
                line = next((ln for ln in out if ln.startswith("RESULT ")), None)
                values = [float(x) for x in line.split()[1:]] if line else []
                samples[label].append((wall, values, rss, cpu))
                if label == "raw":
                    size = values[1]
                shutil.rmtree(outbox, ignore_errors=True)

    def rate(label: str) -> float:
        """Median messages/s: the timed loop for raw/path, the whole process for the CLI."""
        if label == "cli":
            return statistics.median(n / s[0] for s in samples[label])
        return statistics.median(n / s[1][0] for s in samples[label])

    def cpu_ms(label: str) -> str:
        index = {"raw": 2, "path": 2, "serial": 2, "base": 2}.get(label)
        cpus = [s[3] if index is None else s[1][index] for s in samples[label]]
        return f"{statistics.median(cpus) / n * 1000:.2f}"

    def rss(label: str) -> str:
        return f"{max(int(s[1][-1]) for s in samples[label]) / 1024:.0f}"

    def each(label: str) -> list[float]:
        return [n / s[0] if label == "cli" else n / s[1][0] for s in samples[label]]

    rates = {label: rate(label) for label in kinds}
    ceiling = rates.get("raw", ceiling)
    # "vs raw": the median of each round's own ratio (raw ran in the same round, moments before),
    # so load from elsewhere that comes and goes between rounds cancels out.
    ratios = {label: statistics.median(a / b for a, b in zip(each(label), each("raw"), strict=True))
              for label in kinds if "raw" in samples}
    rows = []
    names = {"raw": "raw smtplib, pre-built bytes, 1 connection",
             "path": f"composer send path (run_campaign, {'PostgreSQL' if new_db else 'SQLite'}), "
                     f"concurrency {concurrency}",
             "serial": f"the same, pipelining off (4 round trips a message, as smtplib), concurrency {concurrency}",
             "cli": "`compose send` CLI, whole process (start-up, list import, send)",
             "base": f"baseline send path ({BASELINE}), concurrency {concurrency}"}
    for label in kinds:
        if label == "raw" and not show_raw:
            continue
        versus = f"{ratios[label]:.2f}×" if label in ratios else "-"  # "-": raw was not run
        rows.append((f"{n:,}", names[label], f"{rates[label]:,.0f}", versus, cpu_ms(label), rss(label)))
    if "path" in samples and "base" in samples:
        print(f"(concurrency {concurrency}: send path vs baseline, median of each round's own ratio: "
              f"{statistics.median(a / b for a, b in zip(each('path'), each('base'), strict=True)):.2f}×)",
              file=sys.stderr)
    if "path" in samples:
        imports = statistics.median(s[1][1] for s in samples["path"])
        print(f"(N={n}: list import {imports:.2f} s" + (f"; mean message {size / 1024:.1f} KiB)" if size
              else ")"), file=sys.stderr)
    return rows, rates


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process so far (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_pids(data_dir: Path) -> list[int]:
    """The processes of the PostgreSQL server running in ``data_dir`` (they work in that folder)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.path.realpath(f"/proc/{entry}/cwd").startswith(str(data_dir.resolve())):
                    found.append(int(entry))
            except OSError:
                continue
    return found


def bench_workers(n: int, workers: int, port: int, url: str, data_dir: Path,
                  sink_pid: int) -> tuple[float, dict[str, float]]:
    """W worker processes on one PostgreSQL campaign of N readers: messages/s over all of them, and
    CPU ms per message of the workers (their send loops), the database server and the sink, with
    the share of all CPUs those three kept busy. Server processes come and go with connections, so
    they are sampled every 50 ms while the workers run (the last < 50 ms of each is missed)."""
    import threading

    from composer.config import load_settings
    from composer.delivery.campaign import Audience, open_campaign
    from composer.delivery.state import DeliveryState
    from composer.outbox import Outbox

    with tempfile.TemporaryDirectory(prefix="composer-bench-") as tmp:
        outbox = Path(tmp) / "outbox"
        item_name = make_item(outbox)
        csv = Path(tmp) / "s.csv"
        make_csv(csv, n)
        env = env_for(outbox, port, 1, url)
        settings = load_settings(environ=env)
        with DeliveryState.for_settings(settings) as state:
            campaign, _ = open_campaign(state, Outbox(outbox).get(item_name), settings, "smtp", Audience(list_path=csv))
        cmd = [sys.executable, __file__, "--worker", "drain", str(outbox), item_name, str(campaign.id)]
        base = {pid: _cpu_seconds(pid) for pid in _server_pids(data_dir)}
        seen: dict[int, float] = {}
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                for pid in _server_pids(data_dir):
                    seen[pid] = _cpu_seconds(pid)
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        sink_before = _cpu_seconds(sink_pid)
        procs = [subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(workers)]
        for p in procs:  # all started up: then all go at once
            assert p.stdout is not None
            if p.stdout.readline().strip() != b"READY":
                raise SystemExit(f"worker failed to start: {p.communicate()[1].decode(errors='replace')}")
        for p in procs:
            assert p.stdin is not None
            p.stdin.write(b"go\n")
            p.stdin.flush()
        results = []
        for p in procs:
            out, err = p.communicate()
            if p.returncode:
                raise SystemExit(f"worker failed: {err.decode(errors='replace')}")
            results.append([float(x) for x in out.decode().split("RESULT ", 1)[1].split()])
        done.set()
        sampler.join()
        sent = max(int(r[2]) for r in results)  # each reports the campaign's total
        if sent != n:
            raise SystemExit(f"{workers} workers sent {sent} messages, expected {n}")
        wall = max(r[1] for r in results) - min(r[0] for r in results)
        cpu = {"workers": sum(r[3] for r in results), "server": sum(v - base.get(p, 0.0) for p, v in seen.items()),
               "sink": _cpu_seconds(sink_pid) - sink_before}
        per = {k: v / n * 1000 for k, v in cpu.items()}
        per["share"] = sum(cpu.values()) / wall / (os.cpu_count() or 1)
        return n / wall, per


def personalise_ms(outbox: Path) -> float:
    from composer.config import Secret, Settings
    from composer.newsletter.personalize import MessageTemplate, message_id_for
    from composer.outbox import Outbox

    settings = Settings(outbox_dir=outbox, site_url="https://news.example.org", unsubscribe_secret=Secret("bench"),
                        mail_from="Bench <news@example.org>")
    template = MessageTemplate.from_item(Outbox(outbox).get(make_item(outbox)), settings)
    now = dt.datetime.now(dt.UTC)
    n = 5000
    start = time.perf_counter()
    for i in range(n):
        email = f"reader{i}@example.com"
        template.render({"email": email, "name": f"Reader {i}"}, message_id=message_id_for("x", email, settings.mail_from),
                        date=now)
    return (time.perf_counter() - start) / n * 1000


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1:3] == ["--worker", "cli"]:
        worker_cli(sys.argv[3:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, outbox, item_name = sys.argv[2], Path(sys.argv[3]), sys.argv[4]
        if kind == "raw":
            worker_raw(outbox, item_name, int(sys.argv[5]), int(sys.argv[6]))
        elif kind == "drain":
            worker_drain(outbox, item_name, int(sys.argv[5]))
        else:
            worker_path(outbox, item_name, int(sys.argv[5]), Path(sys.argv[6]), int(sys.argv[7]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=5000, help="messages per run (default 5000)")
    parser.add_argument("--also-n", type=int, action="append", default=[], help="also run with this N (memory check)")
    parser.add_argument("--concurrency", default="1,2,4", help="SEND_CONCURRENCY values for composer (default 1,2,4)")
    parser.add_argument("--sink", default="smtp-sink,aiosmtpd", help="sinks: smtp-sink, aiosmtpd (default both)")
    parser.add_argument("--engine", default="sqlite,postgresql", help="engines: sqlite, postgresql (default both)")
    parser.add_argument("--workers", default="1,4", help="PostgreSQL worker processes to compare (default 1,4; "
                                                        "'' to skip)")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds; the table shows medians")
    parser.add_argument("--kinds", default="raw,path,serial,cli",
                        help="which senders to run: raw, path, serial, cli, base (default all but base)")
    parser.add_argument("--baseline", default="", help="source tree whose composer the kind 'base' imports")
    args = parser.parse_args()
    global BASELINE
    BASELINE = str(Path(args.baseline).resolve()) if args.baseline else ""
    if "base" in args.kinds.split(",") and not BASELINE:
        parser.error("the kind 'base' needs --baseline SRC")
    concurrencies = [int(c) for c in args.concurrency.split(",") if c]
    engines = [e for e in args.engine.split(",") if e]
    kinds = [k for k in args.kinds.split(",") if k]
    pg = start_postgres() if "postgresql" in engines else None
    rows: list[tuple[str, ...]] = []
    scaling: list[str] = []
    try:
        for sink_name in [s for s in args.sink.split(",") if s]:
            port = _free_port()
            counter = None
            if sink_name == "aiosmtpd":
                ctx = mp.get_context("spawn")
                counter = ctx.Value("q", 0)
                ready = ctx.Event()
                sink: Any = ctx.Process(target=_sink_main, args=(port, counter, ready), daemon=True)
                sink.start()
                if not ready.wait(20):
                    raise SystemExit("the aiosmtpd sink did not start")
            else:
                sink = start_smtp_sink(port)
            try:
                for n in [args.n, *args.also_n]:
                    first = True
                    ceiling: float | None = None
                    for engine in engines:
                        for c in concurrencies:
                            # raw runs in every round of every row (shown once), as each row's baseline
                            wanted = [k for k in kinds if k in ("raw", "path", "serial", "base")
                                      or (k == "cli" and engine == "sqlite" and c == concurrencies[0])]
                            new_db = pg.url if engine == "postgresql" and pg else None
                            got, rates = bench(n, c, port, counter, args.rounds, wanted, new_db, ceiling,
                                               show_raw=first)
                            ceiling = rates.get("raw", ceiling)
                            rows += [(sink_name, *r) for r in got]
                            first = False
                    if pg and args.workers:
                        counts = [int(w) for w in args.workers.split(",") if w]
                        # Interleaved rounds (1, 4, 1, 4, …): load from elsewhere hits both alike; the
                        # ratio is the median of each round's own ratio.
                        runs: dict[int, list[float]] = {w: [] for w in counts}
                        usage: dict[int, list[dict[str, float]]] = {w: [] for w in counts}
                        for _ in range(args.rounds):
                            for w in counts:
                                rate, per = bench_workers(args.n, w, port, pg.url(), pg.data, sink.pid)
                                runs[w].append(rate)
                                usage[w].append(per)
                        base = counts[0]
                        for w, got in runs.items():
                            ratio = statistics.median(r / b for r, b in zip(got, runs[base], strict=True))

                            med = {k: statistics.median(u[k] for u in usage[w]) for k in usage[w][0]}
                            scaling.append(f"| {sink_name} | {w} | {statistics.median(got):,.0f} | {ratio:.2f}× | "
                                           f"{med['workers']:.2f} / {med['server']:.2f} / {med['sink']:.2f} | "
                                           f"{med['share']:.0%} |")
            finally:
                sink.terminate()
        with tempfile.TemporaryDirectory() as tmp:
            per = personalise_ms(Path(tmp) / "outbox")
    finally:
        if pg:
            pg.stop()
    command = "python bench/send.py " + " ".join(sys.argv[1:])
    print(f"`{command.strip()}` — {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, each sink in a separate process on 127.0.0.1\n")
    print("| sink | N | sender | messages/s | vs raw | sender CPU ms/msg | peak RSS (MiB) |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if scaling:
        print("\nPostgreSQL, W worker processes (concurrency 1 each) sharing one campaign (medians of the rounds):\n")
        print("| sink | workers | messages/s | vs 1 worker | CPU ms/msg: workers / PostgreSQL / sink | "
              f"busy share of the {os.cpu_count()} CPUs |")
        print("|---|---:|---:|---:|---:|---:|")
        print("\n".join(scaling))
    print(f"\nPersonalising one message (MessageTemplate.render, bytes only): {per:.3f} ms")


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
