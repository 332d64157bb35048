"""Where the pasted-text reader looks for the headline, against where the curated headline is.

On the **training** pages only (publishers ``bench/metadata.py`` does not hold out; the held-out
pages are never read here), for every page with a curated title: is the curated headline a line
of the copy, is that line among the title candidates (:func:`roles.title_candidates`), and where
does the body search start compared with the headline and with the first prose line under it.
The point is to tell a ranking miss (the headline is a candidate, the model picks another line)
from a window miss (the body search started in the wrong place, so the headline was never
offered), which ranking features cannot fix.

    python bench/diagnose_titles.py [--list]

Prints counts; ``--list`` adds one line per window miss (page id, line numbers, never the text).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import Counter
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_tspec = importlib.util.spec_from_file_location("composer_bench_train_metadata", _HERE / "train_metadata.py")
assert _tspec and _tspec.loader
tm = importlib.util.module_from_spec(_tspec)
sys.modules[_tspec.name] = tm
_tspec.loader.exec_module(tm)
bm = tm.bm  # the trainer's own bench/metadata.py module: one copy, loaded once


def title_lines(lines: list[str], title: str) -> list[int]:
    """Indexes of the lines whose cleaned text is the curated title, or the line the trainer
    labels as the headline where the curated title differs from it only in quotes, dashes, case
    or a word (``train_metadata.matching_line``)."""
    from composer.ingest.paste import meta

    want = {bm.norm_title(title)}
    shown = tm.matching_line(lines, title)
    if shown:
        want.add(bm.norm_title(shown))
    return [i for i, text in enumerate(lines) if bm.norm_title(meta.clean_title(text)) in want]


def diagnose(text: str, title: str) -> tuple[str, dict[str, int | None]]:
    """(verdict, positions) for one page: where the headline is against the reader's window."""
    from composer.errors import InputError
    from composer.ingest import text as reader
    from composer.ingest.paste import roles

    try:
        page = reader.analyse(text)
    except InputError:
        return "no article found", {}
    ctx = page.context()
    at = title_lines([line.text for line in page.lines], title)
    cands = roles.title_candidates(ctx)
    pos: dict[str, int | None] = {"start": page.start, "end": page.end, "title": at[0] if at else None}
    if not at:
        return "headline not a line of the copy", pos
    # The first prose line under the headline: where the article most likely starts.
    first = next((j for j in range(at[0] + 1, len(page.lines))
                  if page.lines[j].words >= 12 and page.lines[j].closed), None)
    pos["first_prose"] = first
    if any(i in cands for i in at):
        if first is None or first == page.start:
            return "candidate, body starts at the first prose line under the headline", pos
        if first < page.start:
            return "candidate, body starts below the first prose line under the headline", pos
        return "candidate, body starts above the headline's first prose line", pos
    nearest = min(at, key=lambda i: abs(i - page.start))
    if nearest >= page.start:
        return "headline inside or below the body run", pos
    if page.start - nearest > roles.TITLE_WINDOW:
        return "headline above the window (body starts too low)", pos
    return "headline in the window but filtered out", pos


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="one line per page whose headline is not a candidate")
    args = parser.parse_args(argv)
    verdicts: Counter[str] = Counter()
    for page in bm.load_pages():
        if page.held_out or not page.title:
            continue
        verdict, pos = diagnose(page.text, page.title)
        verdicts[verdict] += 1
        if args.list and (verdict != "candidate, body starts at the first prose line under the headline"):
            print(f"{page.dataset}/{page.id}: {verdict} {pos}")
    total = sum(verdicts.values())
    print(f"training pages with a curated title: {total}")
    for verdict, n in verdicts.most_common():
        print(f"  {verdict}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
