"""Speed of the pasted-text reader against another revision of it, timed page by page in turn.

``bench/metadata.py`` times its baseline in a subprocess that runs after the current reader has
finished: on a shared machine whose speed changes from minute to minute, the two medians can
differ by more than the change being measured. Here two worker processes, one per revision,
each keep their reader loaded and parse one page when asked; the pages go to both in turn,
which one goes first alternating from page to page, for several rounds. Each page's fastest
parse per reader counts (other work on the machine only ever adds time), and the table gives
the median and the total of those, and their ratio.

The pages are those of ``bench/metadata.py`` (212 pastes of readability's and pasted-meta's
pages) and the 181 AEB pages as pasted, when the corpus has them. Each parse starts with the
date cache cleared, so that every page is timed as a page never seen.

    python bench/paste_speed.py [--baseline REV] [--rounds N]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def _pages() -> list[str]:
    sys.path.insert(0, str(BENCH))
    import aeb
    import metadata

    texts = [page.text for page in metadata.load_pages()]
    if (aeb.AEB / "ground-truth.json").is_file():
        texts += [page.pasted() for page in aeb.pages()]
    return texts


def worker() -> int:
    """Parse the page whose number arrives on stdin; answer with the milliseconds it took."""
    texts = _pages()
    import metadata  # (on the path _pages put it on)

    for text in texts[:20]:  # warm-up: imports, the model, the compiled patterns
        _parse(metadata, text)
    print("ready", flush=True)
    for line in sys.stdin:
        text = texts[int(line)]
        metadata.clear_cache()
        start = time.perf_counter()
        _parse(metadata, text)
        print(f"{(time.perf_counter() - start) * 1000:.4f}", flush=True)
    return 0


def _parse(metadata: object, text: str) -> None:
    with contextlib.suppress(Exception):  # a refused page is timed like any other
        metadata.composer_parse(text)  # type: ignore[attr-defined]


class _Worker:
    def __init__(self, root: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(root))
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker"], env=env, cwd=root, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._out: IO[str] = self.proc.stdout  # type: ignore[assignment]
        if self._out.readline().strip() != "ready":
            raise RuntimeError(f"the reader in {root} did not start")

    def time(self, n: int) -> float:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{n}\n")
        self.proc.stdin.flush()
        return float(self._out.readline())

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default="HEAD~1", help="git revision to compare with (default: HEAD~1)")
    parser.add_argument("--rounds", type=int, default=5, help="times each page is parsed by each reader")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker()
    sys.path.insert(0, str(BENCH))
    import metadata

    with tempfile.TemporaryDirectory() as tmp:
        problem = metadata.extract_composer(args.baseline, Path(tmp))
        if problem is not None:
            print(f"paste_speed: no revision {args.baseline!r}: {problem}", file=sys.stderr)
            return 2
        count = len(_pages())
        now, then = _Worker(REPO), _Worker(Path(tmp))
        best_now = [float("inf")] * count
        best_then = [float("inf")] * count
        try:
            for r in range(args.rounds):
                for n in range(count):
                    first_now = (n + r) % 2 == 0
                    for which in ((now, then) if first_now else (then, now)):
                        ms = which.time(n)
                        best = best_now if which is now else best_then
                        best[n] = min(best[n], ms)
        finally:
            now.close()
            then.close()
    rows = [("working tree", best_now), (args.baseline, best_then)]
    print(f"{count} pastes, {args.rounds} rounds, each page's fastest parse per reader, timed in turn\n")
    print("| reader | median ms/page | total ms |")
    print("|---|---:|---:|")
    for name, best in rows:
        print(f"| {name} | {statistics.median(best):.2f} | {sum(best):.0f} |")
    ratio = statistics.median(best_now) / statistics.median(best_then)
    per_page = statistics.median(a / b for a, b in zip(best_now, best_then, strict=True))
    print(f"\nmedian ratio {ratio:.3f}; median of per-page ratios {per_page:.3f}; "
          f"total ratio {sum(best_now) / sum(best_then):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
