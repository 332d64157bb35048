"""Send throughput and memory: ``compose send`` beside raw smtplib, to the same aiosmtpd sink.

    python bench/send.py [-n 5000] [--concurrency 1] [--also-n 100000]

One run starts an aiosmtpd sink in its own process (so the sink does not compete with the
sender for the GIL), composes a newsletter item with the real pipeline (a synthetic article;
merge markers for the greeting and unsubscribe link are added if the templates have none),
writes a subscribers CSV of N readers, then measures, each in a fresh process so peak memory
(the process's own ``VmHWM``) belongs to that run alone:

* **raw smtplib** — the ceiling: N messages over one connection, ``sendmail`` with bytes
  personalised *before* the clock starts (50 distinct messages, cycled);
* **composer send path** — ``run_campaign`` in-process: claim from SQLite, personalise with
  the MIME skeleton, send, commit each outcome (the list import is timed separately);
* **`compose send` CLI** — the whole command (``composer.cli.main``, as the console script runs
  it), wall clock of the process: start-up, CSV import into the state database, personalising,
  sending, committing.

"sender CPU ms/msg" is the sender process's own CPU time per message (the timed loop for raw and
the send path, the whole process for the CLI): it shows composer's overhead even when the sink,
not the sender, sets the pace.

It prints a markdown table and the command that produced it.
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

HERE = Path(__file__).resolve().parent


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


def env_for(outbox: Path, port: int, concurrency: int) -> dict[str, str]:
    return {**os.environ, "OUTBOX_DIR": str(outbox), "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
            "SMTP_SECURITY": "none", "SITE_URL": "https://news.example.org", "UNSUBSCRIBE_SECRET": "bench",
            "MAIL_FROM": "Bench <news@example.org>", "SEND_CONCURRENCY": str(concurrency), "DELIVERY": "smtp"}


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

    settings = load_settings()
    item = Outbox(outbox).get(item_name)
    t0 = time.perf_counter()
    state = DeliveryState.in_outbox(outbox)
    campaign, added = open_campaign(state, item, settings, "smtp", Audience(list_path=csv))
    state.close()
    t1, cpu = time.perf_counter(), time.process_time()
    template = MessageTemplate.from_item(item, settings)
    summary = run_campaign(state.path, campaign.id, settings, template=template, concurrency=concurrency)
    t2, cpu = time.perf_counter(), time.process_time() - cpu
    assert summary.counts["sent"] == n, summary.counts
    print(f"RESULT {t2 - t1} {t1 - t0} {cpu} {peak_rss_kib()}")


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


def bench(n: int, concurrency: int, port: int, counter: mp.sharedctypes.Synchronized,  # type: ignore[name-defined]
          rounds: int, kinds: list[str]) -> list[tuple[str, ...]]:
    """Rounds interleave the senders (raw, path, cli, raw, …) so load from elsewhere hits all alike."""
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
                env = env_for(outbox, port, concurrency)
                before = counter.value
                if label == "raw":
                    cmd = [sys.executable, __file__, "--worker", "raw", str(outbox), item_name, str(n), str(port)]
                elif label == "path":
                    cmd = [sys.executable, __file__, "--worker", "path", str(outbox), item_name, str(n), str(csv),
                           str(concurrency)]
                else:
                    cmd = [sys.executable, __file__, "--worker", "cli", "send", item_name, "--list", str(csv),
                           "--via", "smtp"]
                wall, out, rss, cpu = run_child(cmd, env)
                time.sleep(0.2)
                delivered = counter.value - before
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
        index = {"raw": 2, "path": 2}.get(label)
        cpus = [s[3] if index is None else s[1][index] for s in samples[label]]
        return f"{statistics.median(cpus) / n * 1000:.2f}"

    def rss(label: str) -> str:
        return f"{max(int(s[1][-1]) for s in samples[label]) / 1024:.0f}"

    ceiling = rate("raw") if "raw" in samples else None
    rows = []
    names = {"raw": "raw smtplib, pre-built bytes, 1 connection",
             "path": f"composer send path (run_campaign), concurrency {concurrency}",
             "cli": "`compose send` CLI, whole process (start-up, list import, send)"}
    for label in kinds:
        versus = f"{rate(label) / ceiling:.2f}×" if ceiling else "-"
        rows.append((f"{n:,}", names[label], f"{rate(label):,.0f}", versus, cpu_ms(label), rss(label)))
    if "path" in samples:
        imports = statistics.median(s[1][1] for s in samples["path"])
        print(f"(N={n}: list import into SQLite {imports:.2f} s" + (f"; mean message {size / 1024:.1f} KiB)" if size
              else ")"), file=sys.stderr)
    return rows


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
        kind, outbox, item_name, n = sys.argv[2], Path(sys.argv[3]), sys.argv[4], int(sys.argv[5])
        if kind == "raw":
            worker_raw(outbox, item_name, n, int(sys.argv[6]))
        else:
            worker_path(outbox, item_name, n, Path(sys.argv[6]), int(sys.argv[7]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=5000, help="messages per run (default 5000)")
    parser.add_argument("--also-n", type=int, action="append", default=[], help="also run with this N (memory check)")
    parser.add_argument("--concurrency", type=int, default=1, help="SEND_CONCURRENCY for composer (default 1)")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds; the table shows medians")
    parser.add_argument("--kinds", default="raw,path,cli", help="which senders to run (default raw,path,cli)")
    args = parser.parse_args()

    ctx = mp.get_context("spawn")
    counter = ctx.Value("q", 0)
    ready = ctx.Event()
    port = _free_port()
    sink = ctx.Process(target=_sink_main, args=(port, counter, ready), daemon=True)
    sink.start()
    if not ready.wait(20):
        raise SystemExit("the aiosmtpd sink did not start")
    try:
        rows = []
        for n in [args.n, *args.also_n]:
            rows += bench(n, args.concurrency, port, counter, args.rounds, args.kinds.split(","))
        with tempfile.TemporaryDirectory() as tmp:
            per = personalise_ms(Path(tmp) / "outbox")
    finally:
        sink.terminate()
    command = "python bench/send.py " + " ".join(sys.argv[1:])
    print(f"`{command.strip()}` — {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, aiosmtpd sink in a separate process on 127.0.0.1\n")
    print("| N | sender | messages/s | vs raw | sender CPU ms/msg | peak RSS (MiB) |")
    print("|---:|---|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nPersonalising one message (MessageTemplate.render, bytes only): {per:.3f} ms")


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
