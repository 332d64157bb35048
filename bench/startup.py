"""Whole-process start-up and memory of `compose`, beside its baselines, in one run.

Every row is a new process, timed from spawn to exit (wall) with the CPU it used (user + system,
from the kernel's accounting), as a person running the command sees it. Baselines measured in
the same run: ``python -c pass`` (the floor of any Python command) and the JavaScript ``mjml``
CLI rendering the *same* MJML that composer's own item holds (what a Node toolchain would pay
for the newsletter alone). Medians of ``--runs`` runs (default 7) after one warm-up; a command
and its baseline run alternately, so that other work on the machine weighs on both alike, and
the ratio is given by wall time and by CPU time (the fairer one on a busy machine).

Two bytecode modes, because users run both:
- ``.pyc cached``: bytecode kept in a private ``PYTHONPYCACHEPREFIX`` (as after a normal,
  non-editable install, which compiles at install time);
- ``PYTHONDONTWRITEBYTECODE=1``: the environment as given with bytecode writing off, so an
  editable checkout recompiles composer's own modules every run.

``python -c 'import trafilatura'`` is timed beside the HTML rows, and trafilatura imported the
way composer imports it (``composer.ingest.trafilatura_import``: py3langid hidden, regexes from
the store): the interpreter and trafilatura's own import chain (courlan, htmldate, urllib3,
charset_normalizer, jusText) are a floor that composer's HTML reader cannot go below.

Peak memory (max RSS) of digests of 5, 20 and 50 pages of the article-extraction benchmark
closes the table. The mjml CLI is installed with npm into a temporary prefix (rows say so and
are skipped when npm is missing or offline); pages come from ``../shared/corpus``.

    python bench/startup.py [--runs 7] [--mjml PATH_TO_MJML_BIN]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLE = REPO / "examples" / "riverside-library.txt"
SEED = CORPUS / "seed" / "euronews-rutte-nato.txt"
AEB = CORPUS / "extraction" / "aeb" / "html"


def run_once(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """(wall s, cpu s, max RSS KiB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def measure(cmd: list[str], env: dict[str, str], cwd: Path, runs: int) -> tuple[float, float, int]:
    run_once(cmd, env, cwd)  # warm-up: file cache, bytecode and template caches
    samples = [run_once(cmd, env, cwd) for _ in range(runs)]
    return _summary(samples)


def measure_pair(first: list[str], second: list[str], env: dict[str, str], cwd: Path,
                 runs: int) -> tuple[tuple[float, float, int], tuple[float, float, int]]:
    """Both commands, alternating run by run, so that a busy machine weighs on both alike."""
    run_once(first, env, cwd)
    run_once(second, env, cwd)
    a, b = [], []
    for _ in range(runs):
        a.append(run_once(first, env, cwd))
        b.append(run_once(second, env, cwd))
    return _summary(a), _summary(b)


def _summary(samples: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    return (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples),
            max(s[2] for s in samples))


def install_mjml(work: Path) -> Path | None:
    if shutil.which("npm") is None:
        print("note: npm not found: the mjml CLI rows are skipped", file=sys.stderr)
        return None
    prefix = work / "npm"
    prefix.mkdir()
    proc = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix), "mjml@4"],
                          capture_output=True, text=True, timeout=600)
    binary = prefix / "node_modules" / ".bin" / "mjml"
    if proc.returncode != 0 or not binary.exists():
        print(f"note: npm could not install mjml ({proc.stderr.strip()[:200]}): its rows are skipped", file=sys.stderr)
        return None
    return binary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--mjml", type=Path, help="an installed mjml CLI to use instead of installing one")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="composer-startup-"))
    try:
        return _bench(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _bench(work: Path, args: argparse.Namespace) -> int:
    py = sys.executable
    compose = [py, str(REPO / "compose.py")]
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "SMTP_", "SITE_URL", "LLM_"))}
    cached_env = {**base_env, "PYTHONPYCACHEPREFIX": str(work / "pyc")}
    cached_env.pop("PYTHONDONTWRITEBYTECODE", None)
    nobc_env = {**base_env, "PYTHONDONTWRITEBYTECODE": "1"}
    nobc_env.pop("PYTHONPYCACHEPREFIX", None)
    mjml = args.mjml or install_mjml(work)

    sources: list[tuple[str, Path]] = [("example (pasted text)", EXAMPLE)]
    if SEED.is_file():
        sources.append(("seed (pasted text)", SEED))
    pages: list[Path] = []
    if AEB.is_dir():
        for i, gz in enumerate(sorted(AEB.glob("*.html.gz"))[:50]):
            page = work / f"page{i:02d}.html"
            page.write_bytes(gzip.decompress(gz.read_bytes()))
            pages.append(page)
        sources.append(("one HTML page (AEB)", pages[0]))
    else:
        print(f"note: {AEB} not found: HTML and digest rows are skipped", file=sys.stderr)

    load_before = os.getloadavg()[0]
    rows: list[tuple[str, str, float, float, int, str]] = []

    def row(label: str, mode: str, result: tuple[float, float, int],
            ref: tuple[float, float, int] | None = None, ref_name: str = "") -> None:
        wall, cpu, rss = result
        ratio = f"{wall / ref[0]:.2f}× {ref_name} ({cpu / ref[1]:.2f}× by CPU)" if ref else ""
        rows.append((label, mode, wall, cpu, rss, ratio))

    for mode, env in (("`.pyc` cached", cached_env), ("PYTHONDONTWRITEBYTECODE=1", nobc_env)):
        floor, helped = measure_pair([py, "-c", "pass"], [*compose, "--help"], env, work, args.runs)
        row("python -c pass", mode, floor)
        row("compose --help", mode, helped, floor, "python -c pass")
        for label, src in sources:
            outbox = work / f"outbox-{len(rows)}"
            cmd = [*compose, "compose", str(src), "--outbox", str(outbox)]
            if mjml is None:
                row(f"compose compose {label}", mode, measure(cmd, env, work, args.runs))
                continue
            run_once(cmd, env, work)
            item = next(p for p in outbox.iterdir() if p.is_dir() and not p.name.startswith("."))
            mjml_cmd = [str(mjml), str(item / "newsletter.mjml"), "-s"]
            theirs, ours = measure_pair(mjml_cmd, cmd, env, work, args.runs)
            row(f"mjml CLI, same MJML as {label}", mode, theirs)
            row(f"compose compose {label}", mode, ours, theirs, "mjml CLI")
        if pages:
            # What no HTML read can go below: the interpreter plus trafilatura's own imports
            # (courlan, htmldate, urllib3, charset_normalizer), in the same bytecode mode.
            row("python -c 'import trafilatura'", mode, measure([py, "-c", "import trafilatura"], env, work, args.runs))
            row("trafilatura imported as composer does (no py3langid, stored regexes)", mode, measure(
                [py, "-c", "from composer.ingest.trafilatura_import import import_trafilatura; import_trafilatura()"],
                env, REPO, args.runs))
            row("compose compose --digest of 1 HTML page", mode, measure(
                [*compose, "compose", str(pages[0]), "--digest", "--outbox", str(work / "outbox-digest1")],
                env, work, args.runs))

    for n in (5, 20, 50):
        if len(pages) >= n:
            cmd = [*compose, "compose", *map(str, pages[:n]), "--digest", "--outbox", str(work / f"outbox-d{n}")]
            wall, cpu, rss = measure(cmd, cached_env, work, 1)
            rows.append((f"digest of {n} HTML pages", "`.pyc` cached", wall, cpu, rss, ""))

    print(f"`python bench/startup.py --runs {args.runs}` — {sys.implementation.name} "
          f"{'.'.join(map(str, sys.version_info[:3]))}, {os.cpu_count()} CPUs; whole processes, median of "
          f"{args.runs} runs after a warm-up; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    print()
    print("| what | bytecode | wall ms (median) | CPU ms (median) | peak RSS MiB | ratio |")
    print("|---|---|---:|---:|---:|---|")
    for label, mode, wall, cpu, rss, ratio in rows:
        print(f"| {label} | {mode} | {wall * 1000:.0f} | {cpu * 1000:.0f} | {rss / 1024:.0f} | {ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
