"""Fit the pasted-text reader's line-role model (``composer/data/paste-roles.json``).

Training pages, and only these:

* the pages of ``readability-pasted`` and ``pasted-meta`` whose publisher is **not** held out
  (``bench/metadata.py``: ``is_held_out``) — the held-out publishers are never read here;
* the article-extraction benchmark's pages (``aeb/text``) of publishers that are not held out,
  for the headline and the byline, labelled from the same page's HTML and aligned to the copy
  (the route issue 12 suggests): the headline is the copy's line the HTML's title signals agree
  on (:func:`aligned_title`), the byline the line that gives exactly the authors composer's HTML
  reader finds; a page teaches a role only where the copy shows its label (``--aeb-roles`` also
  offers the HTML's published day, off by default: see ``DEFAULT_AEB_ROLES``);
* readability's pages without a curated byline, for the byline only, labelled the same way from
  their ``source.html``;
* the paste fixtures in ``tests/fixtures/paste`` with their expected Articles, and the seed page
  (so that the model agrees with the pages the project's own tests pin down).

For each role (title, byline, date) every candidate line of a page gets the feature vector
:mod:`composer.ingest.paste.roles` computes; the label is which candidate gives the curated
value (several may: a headline printed twice), or "none" for a byline/date the page does not
show. The model is a conditional logit (softmax over a page's candidates) with L2
regularisation, fitted by full-batch gradient descent with Adam; the weights are written as JSON.

    python bench/train_metadata.py [--l2 0.01] [--check [--fold-byte 2] [--show-cv-misses]]
                                   [--aeb-roles title,byline] [--rendered]

``--check`` leaves the shipped file alone and prints the training accuracy of each role and a
leave-publishers-out cross-validation on the training pages (the held-out pages stay unseen),
also on the curated pages alone: those are the same pages whatever HTML-derived labels are
added, so that is the figure to compare data choices by. It also cross-validates the whole
reader (:func:`end_to_end_cv`), which counts what the candidate-level figure cannot: headlines
that are not among the candidates, and the clean-up after the pick. ``--fold-byte`` draws
another partition of publishers into folds, so that a gain can be checked on two.

``--rendered`` adds readability's pages that the corpus has no copy of, rendered by
``bench/render_readability.py`` (tried in the third round: no gain, so off by default).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_HERE = Path(__file__).resolve().parent
REPO = _HERE.parent
_spec = importlib.util.spec_from_file_location("composer_bench_metadata", _HERE / "metadata.py")
assert _spec and _spec.loader
bm = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bm
_spec.loader.exec_module(bm)

OUT = REPO / "composer" / "data" / "paste-roles.json"
FIXTURES = REPO / "tests" / "fixtures" / "paste"
SEED = REPO.parent / "shared" / "corpus" / "seed" / "euronews-rutte-nato.txt"


@dataclass
class Example:
    group: str  # publisher, for cross-validation
    x: np.ndarray
    positive: np.ndarray  # bool per row
    source: str = "curated"  # "curated" (corpus metadata, fixtures, seed); "aeb" or "html" (labels read from HTML)


UNKNOWN = ["?"]  # authors not known for the page: it teaches the title only
ALIGNED = "aligned"  # date_known for HTML-derived labels: a date example only where the copy shows that day


_TITLE_SEP = re.compile(r"\s+[|–—:·»-]\s+")


def title_signals(raw_html: str, reader_title: str | None) -> list[str]:
    """What a page's HTML says its headline is, each source separately: composer's HTML reader,
    ``og:title``, ``twitter:title``, the ``<title>`` (whole, and without a site name after or
    before a separator) and the first ``<h1>``. None of them looks at the pasted copy.
    """
    from lxml import html as lxml_html

    out = [reader_title] if reader_title else []
    try:
        tree = lxml_html.fromstring(raw_html.encode("utf-8"))
    except (ValueError, lxml_html.etree.ParserError):
        return out
    for key in ("og:title", "twitter:title"):
        out += tree.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')[:1]
    title = " ".join((tree.findtext(".//title") or "").split())
    if title:
        out.append(title)
        parts = _TITLE_SEP.split(title)
        if len(parts) > 1:
            # A site name is a short part; only parts of four words or more stand for the headline.
            out += [p for p in (parts[0], " - ".join(parts[:-1]), " - ".join(parts[1:])) if len(p.split()) >= 4]
    h1 = tree.xpath("//h1")
    if h1:
        text = " ".join(h1[0].text_content().split())
        if len(text.split()) >= 2:
            out.append(text)
    return out


def aligned_title(lines: list[str], signals: list[str]) -> str | None:
    """The copy's line the HTML's headline signals point at, when they agree.

    Each signal is aligned to a line on its own (:func:`matching_line`); the line most signals
    point at wins only when it has at least two more votes than any other line (a logo ``<h1>`` or
    a shortened ``og:title`` pointing elsewhere is outvoted), or when it is the only line any
    signal points at. Otherwise the page is ambiguous and teaches nothing.
    """
    votes: dict[str, list[str]] = {}
    for signal in signals:
        line = matching_line(lines, signal)
        if line:
            votes.setdefault(bm.norm_title(line), []).append(line)
    if not votes:
        return None
    ranked = sorted(votes.values(), key=len, reverse=True)
    if len(ranked) > 1 and len(ranked[0]) < len(ranked[1]) + 2:
        return None
    return ranked[0][0]


def aeb_labels() -> list[tuple[str, str, str | None, list[str] | None, str | None]]:
    """(publisher, pasted text, headline, authors, published day) for the article-extraction
    benchmark's pages of publishers that are not held out (pages without a URL have no publisher
    and stay out too).

    Every label comes from the page's HTML, never from the copy: the headline from the signals of
    :func:`title_signals` aligned to a line of the copy (:func:`aligned_title`); the authors and
    the published day from composer's HTML reader (author meta, JSON-LD, the markup). The trainer
    keeps an author or date label only where some line of the copy gives exactly those names or
    that day, so a page whose HTML names an organisation, or a day the copy never shows, teaches
    nothing about that role (rather than a wrong "none").
    """
    from composer.article import Source
    from composer.ingest.html import parse as parse_html

    spec = importlib.util.spec_from_file_location("composer_bench_aeb", _HERE / "aeb.py")
    assert spec and spec.loader
    aeb = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = aeb
    spec.loader.exec_module(aeb)
    out: list[tuple[str, str, str | None, list[str] | None, str | None]] = []
    if not (aeb.AEB / "ground-truth.json").is_file():
        return out
    for page in aeb.pages():
        key = bm.publisher_key(page.url or page.key)
        if not page.url or bm.is_held_out(key):
            continue
        raw = page.html()
        try:
            art = parse_html(raw, Source(path=page.url, format="html"))
        except Exception:  # noqa: BLE001 - a page the HTML reader refuses teaches nothing
            continue
        text = page.pasted()
        title = aligned_title(text.split("\n"), title_signals(raw, art.title))
        authors = list(art.authors) or None
        published = (art.published or "")[:10] or None
        if title or authors or published:
            out.append((key, text, title, authors, published))
    return out


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "–": "-", "—": "-"})


def _fold(text: str) -> str:
    return bm.norm_title(text).translate(_QUOTES).casefold().rstrip(" .")


def _title_words(text: str) -> set[str]:
    return set(re.findall(r"\w+", _fold(text)))


def matching_line(lines: list[str], title: str) -> str | None:
    """The line of a copy that shows ``title``: the same text, or the same text with other quotes,
    dashes or case, or (for titles of four words or more) nearly the same words (Jaccard ≥ 0.8:
    an HTML title that kept a series name or lost a word). The line's own text is returned, so
    that it labels which line of the copy is the headline.
    """
    want = bm.norm_title(title)
    for line in lines:
        if bm.norm_title(line) == want:
            return line.strip()
    folded = _fold(title)
    for line in lines:
        if _fold(line) == folded:
            return line.strip()
    words = _title_words(title)
    if len(words) < 4:
        return None
    best, best_score = None, 0.8
    for line in lines:
        if len(line) > 3 * len(title):
            continue
        other = _title_words(line)
        score = len(words & other) / len(words | other) if other else 0.0
        if score >= best_score:
            best, best_score = line.strip(), score
    return best


def readability_html_authors(page_id: str) -> list[str] | None:
    """The authors composer's HTML reader finds in readability's ``source.html`` of ``page_id``."""
    from composer.article import Source
    from composer.ingest.html import parse as parse_html

    html = bm.page_html("readability-pasted", page_id)
    if html is None:
        return None
    try:
        art = parse_html(html, Source(path="source.html", format="html"))
    except Exception:  # noqa: BLE001 - a page the HTML reader refuses teaches nothing
        return None
    return list(art.authors) or None


RENDERED = _HERE / ".cache" / "readability-rendered.jsonl"


def rendered_readability_pages() -> list[TrainingPage]:
    """Readability's pages that the corpus has no copy of, rendered by ``bench/render_readability.py``
    (publishers that are not held out only; [] until it has been run).

    Labels come from the page's HTML side, as for the AEB pages: the headline is the copy's line
    that readability's curated title and the HTML's own signals (:func:`title_signals`) agree on
    (:func:`aligned_title`; the curated title often keeps a site name, "… | Code", which the copy's
    headline does not); the byline is readability's curated one, or where that is empty the
    authors composer's HTML reader finds, and either counts only where a line of the copy gives
    exactly those names. Dates are not taught from these pages.
    """
    from composer.article import Source
    from composer.ingest.html import parse as parse_html

    if not RENDERED.is_file():
        return []
    out: list[TrainingPage] = []
    for raw in RENDERED.read_text(encoding="utf-8").splitlines():
        row = json.loads(raw)
        key = bm.publisher_key(row["id"])
        if bm.is_held_out(key):  # never: the renderer skips them; checked again here
            continue
        folder = bm.CORPUS / "readability" / row["id"]
        curated = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        html = (folder / "source.html").read_text(encoding="utf-8", errors="replace")
        try:
            art = parse_html(html, Source(path="source.html", format="html"))
        except Exception:  # noqa: BLE001 - a page the HTML reader refuses gives only the curated signal
            art = None
        signals = [curated["title"]] if curated.get("title") else []
        signals += title_signals(html, art.title if art else None)
        title = aligned_title(row["text"].split("\n"), signals)
        byline = (curated.get("byline") or "").split("\n")[0].strip()
        authors = [byline] if byline else (list(art.authors) if art and art.authors else None)
        if title or authors:
            out.append((key, row["text"], title, authors or UNKNOWN, None, False, "rendered"))
    return out


TrainingPage = tuple[str, str, str | None, list[str] | None, str | None, "bool | str", str]
AEB_ROLES = ("title", "byline", "date")
# AEB dates are not used by default: they only ever teach "this line" (a page whose HTML day the
# copy does not show says nothing sure about the copy), which pulls the model off "none" — the
# seed's photo-caption date then became its published date. Pasted-meta teaches dates well enough.
DEFAULT_AEB_ROLES = ("title", "byline")


def training_pages(aeb_roles: tuple[str, ...] = DEFAULT_AEB_ROLES, rendered: bool = False) -> list[TrainingPage]:
    """(group, text, title, authors, published day, date known, source) for every training page;
    ``aeb_roles`` says which of the AEB pages' HTML-derived labels are used (for ablations),
    ``rendered`` adds readability's pages rendered by ``bench/render_readability.py``."""
    out = []
    for page in bm.load_pages():
        if page.held_out:
            continue
        known = page.published is not None or page.dataset == "pasted-meta"
        # Where the curated title differs from the copy only in quotes, dashes or a word, the
        # line that shows it still says which line is the headline.
        title = (matching_line(page.text.split("\n"), page.title) or page.title) if page.title else None
        # Readability's curated metadata leaves the byline empty on many pages that show one
        # ("By Stella Kim and Jennifer Jett"): there an empty byline means "not curated", not
        # "none visible", and teaching "none" from it would teach the model to miss bylines.
        authors = UNKNOWN if page.dataset == "readability-pasted" and not page.authors else page.authors
        out.append((page.key, page.text, title, authors, page.published, known, "curated"))
        if authors is UNKNOWN and "byline" in aeb_roles:
            # The same page once more, for the byline alone, labelled like the AEB pages: the
            # authors composer's HTML reader finds in readability's source.html, kept only where
            # a line of the copy gives exactly those names.
            html_authors = readability_html_authors(page.id)
            if html_authors:
                out.append((page.key, page.text, None, html_authors, None, False, "html"))
    for key, text, title, authors, published in aeb_labels():
        # Labels read from the HTML: they count only where the copy shows them ("aligned").
        out.append((key, text, title if "title" in aeb_roles else None,
                    (authors if "byline" in aeb_roles else None) or UNKNOWN,
                    published if "date" in aeb_roles else None, ALIGNED if "date" in aeb_roles else False, "aeb"))
    if rendered:
        out += rendered_readability_pages()
    for path in sorted(FIXTURES.glob("*.expected.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        text = (FIXTURES / path.name.replace(".expected.json", ".txt")).read_text(encoding="utf-8")
        out.append((f"fixture-{path.name}", text, expected["title"], list(expected["authors"]) or None,
                    (expected["published"] or "")[:10] or None, True, "curated"))
    if SEED.is_file():
        # The seed shows no publication date (only a photo caption's "11 July 2023"): its date is "none".
        out.append(("seed", SEED.read_text(encoding="utf-8"), "Who is NATO's new secretary general Mark Rutte?",
                    ["Paula Soler"], None, True, "curated"))
    return out


def build_examples(aeb_roles: tuple[str, ...] = DEFAULT_AEB_ROLES, rendered: bool = False) -> dict[str, list[Example]]:
    from composer.errors import InputError
    from composer.ingest import text as reader
    from composer.ingest.paste import meta, roles

    examples: dict[str, list[Example]] = {"title": [], "byline": [], "date": []}
    for group, text, title, authors, published, date_known, source in training_pages(aeb_roles, rendered):
        try:
            page = reader.analyse(text)
        except InputError:
            continue
        ctx = page.context()
        cands = roles.title_candidates(ctx)
        if title and cands:
            pos = [bm.norm_title(meta.clean_title(ctx.lines[i].text)) == bm.norm_title(title) for i in cands]
            if any(pos):
                examples["title"].append(Example(group, np.array(roles.title_features(ctx, cands)), np.array(pos), source))
        # The byline and the date are placed relative to the headline the model picks; in training
        # that is the true headline where the page shows it.
        title_at = next((i for i in cands if title and bm.norm_title(meta.clean_title(ctx.lines[i].text)) == bm.norm_title(title)),
                        page.head.title_at)
        if authors is not UNKNOWN:
            cands = roles.byline_candidates(ctx, title_at)
            rows = roles.byline_features(ctx, cands, title_at)
            want = bm.name_words(authors)
            pos = [not authors] + [bool(authors) and bm.name_words(reader._names_around(ctx, i)) == want
                                   for i in cands]
            if any(pos):
                examples["byline"].append(Example(group, np.array(rows), np.array(pos), source))
        if date_known:
            cands = roles.date_candidates(ctx)
            rows = roles.date_features(ctx, cands, title_at)
            days = [((meta.dates_of(ctx.lines[i].text)[0] or ctx.dates()[i]) or "")[:10] for i in cands]
            hits = [bool(published) and d == published for d in days]
            if any(hits) or date_known is not ALIGNED:
                pos = [not any(hits)] + hits
                examples["date"].append(Example(group, np.array(rows), np.array(pos), source))
    return examples


def fit(examples: list[Example], l2: float, steps: int = 1500, lr: float = 0.05) -> np.ndarray:
    d = examples[0].x.shape[1]
    w = np.zeros(d)
    m, v = np.zeros(d), np.zeros(d)
    for t in range(1, steps + 1):
        grad = 2 * l2 * w
        for ex in examples:
            s = ex.x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * ex.positive
            q /= q.sum()
            grad += ex.x.T @ (p - q) / len(examples)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def accuracy(examples: list[Example], w: np.ndarray) -> float:
    return sum(bool(ex.positive[int(np.argmax(ex.x @ w))]) for ex in examples) / max(1, len(examples))


def cross_validate(examples: list[Example], l2: float, folds: int = 5) -> tuple[float, float, int]:
    """Accuracy with whole publishers left out in turn (on the training pages only): over every
    left-out page, and over the left-out pages with curated labels alone (the same pages whatever
    AEB labels are added, so that adding data is judged on a fixed yardstick), and how many those are.
    """
    def fold(ex: Example) -> int:
        return _fold_of(ex.group, folds)

    hits = total = cur_hits = cur_total = 0
    for k in range(folds):
        train = [ex for ex in examples if fold(ex) != k]
        test = [ex for ex in examples if fold(ex) == k]
        if not train or not test:
            continue
        w = fit(train, l2, steps=600)
        for ex in test:
            ok = bool(ex.positive[int(np.argmax(ex.x @ w))])
            hits += ok
            total += 1
            if ex.source == "curated":
                cur_hits += ok
                cur_total += 1
    return hits / max(1, total), cur_hits / max(1, cur_total), cur_total


FOLD_BYTE = 1  # which byte of the group's SHA-256 assigns its fold (another byte: another partition)


def _fold_of(group: str, folds: int) -> int:
    return hashlib.sha256(group.encode()).digest()[FOLD_BYTE] % folds


def end_to_end_cv(examples: dict[str, list[Example]], pages: list[TrainingPage], l2: float, folds: int = 5,
                  show_misses: bool = False) -> dict[str, tuple[int, int]]:
    """The whole reader, fold by fold: the three roles fitted without a fold's publishers, then the
    curated pages of that fold parsed and scored as ``bench/metadata.py`` scores the held-out ones
    (title exact; byline name words where one is curated; published day where the copy shows it),
    except that a curated title differing from a line of the copy only in quotes, dashes or case
    is taken as that line (the label :func:`training_pages` trains with).

    Unlike :func:`cross_validate` this also counts pages whose headline is not among the
    candidates and what :func:`roles.refine_title` and the title cleaning do, so changes to the
    candidate search can be compared; it is what the held-out figures would be on these pages.
    """
    from composer.article import Source
    from composer.errors import InputError
    from composer.ingest import text as reader
    from composer.ingest.paste import roles

    names = {"title": roles.TITLE_FEATURES, "byline": roles.BYLINE_FEATURES, "date": roles.DATE_FEATURES}
    counts = {"title": [0, 0], "byline": [0, 0], "date": [0, 0]}
    # per role: wrong answers warned about, wrong answers, right answers warned about, right answers
    warned = {"title": [0, 0, 0, 0], "byline": [0, 0, 0, 0], "date": [0, 0, 0, 0]}

    def note(role: str, ok: bool, field: str, doubted: set[str]) -> None:
        at = 2 if ok else 0
        warned[role][at] += field in doubted
        warned[role][at + 1] += 1
    shipped = roles.load_model
    try:
        for k in range(folds):
            model = {}
            for role, exs in examples.items():
                train = [ex for ex in exs if _fold_of(ex.group, folds) != k]
                model[role] = {"features": list(names[role]), "weights": list(fit(train, l2, steps=600))}
            roles.load_model = lambda model=model: model  # type: ignore[assignment]
            for group, text, title, authors, published, date_known, source in pages:
                if source != "curated" or _fold_of(group, folds) != k:
                    continue
                try:
                    art = reader.parse(text, Source(path="paste.txt", format="text"))
                    got = (art.title, list(art.authors), (art.published or "")[:10] or None)
                    doubted = {d.field for d in art.doubts}
                except InputError:
                    got, doubted = (None, [], None), set()
                if title:
                    ok = bm.norm_title(got[0]) == bm.norm_title(title)
                    counts["title"][0] += ok
                    counts["title"][1] += 1
                    note("title", ok, "title", doubted)
                    if show_misses and not ok:
                        print(f"title  {group}: {got[0]!r} ≠ {title!r}")
                if authors and authors is not UNKNOWN:
                    ok = bm.name_words(got[1]) == bm.name_words(authors)
                    counts["byline"][0] += ok
                    counts["byline"][1] += 1
                    note("byline", ok, "authors", doubted)
                    if show_misses and not ok:
                        print(f"byline {group}: {got[1]!r} ≠ {authors!r}")
                if published and date_known is True and bm._date_visible(text, published):
                    counts["date"][0] += got[2] == published
                    counts["date"][1] += 1
                    note("date", got[2] == published, "published", doubted)
                    if show_misses and got[2] != published:
                        print(f"date   {group}: {got[2]!r} ≠ {published!r}")
    finally:
        roles.load_model = shipped  # type: ignore[assignment]
    print("the reader's warnings in the same CV: " + "; ".join(
        f"{role} {w[0]} of {w[1]} wrong and {w[2]} of {w[3]} right answers warned about"
        for role, w in warned.items()))
    return {role: (n, d) for role, (n, d) in counts.items()}


def main(argv: list[str] | None = None) -> int:
    global FOLD_BYTE
    from composer.ingest.paste import roles

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--check", action="store_true", help="report, do not write the model")
    parser.add_argument("--aeb-roles", default=",".join(DEFAULT_AEB_ROLES),
                        help="which HTML-derived AEB labels to use: a comma list of title, byline, date, or none")
    parser.add_argument("--show-cv-misses", action="store_true",
                        help="with --check: list the training pages the whole-reader CV misses")
    parser.add_argument("--fold-byte", type=int, default=FOLD_BYTE,
                        help="which byte of a publisher's SHA-256 picks its CV fold (for a second partition)")
    parser.add_argument("--rendered", action="store_true",
                        help="also train on readability's pages rendered by bench/render_readability.py "
                             "(no cross-validation gain when tried, so off by default)")
    args = parser.parse_args(argv)
    FOLD_BYTE = args.fold_byte
    aeb_roles = tuple(r for r in args.aeb_roles.split(",") if r in AEB_ROLES)
    examples = build_examples(aeb_roles, args.rendered)
    if args.check:
        e2e = end_to_end_cv(examples, training_pages(aeb_roles, args.rendered), args.l2,
                            show_misses=args.show_cv_misses)
        print("whole reader, publisher-grouped 5-fold CV on the curated training pages: "
              + ", ".join(f"{role} {n}/{d} ({n / max(1, d):.3f})" for role, (n, d) in e2e.items()))
    names = {"title": roles.TITLE_FEATURES, "byline": roles.BYLINE_FEATURES, "date": roles.DATE_FEATURES}
    model: dict[str, object] = {
        "about": "conditional logit per line role, fitted by bench/train_metadata.py on publishers that "
                 "bench/metadata.py does not hold out (curated labels, and AEB labels read from the HTML), "
                 "the paste fixtures and the seed",
    }
    for role, exs in examples.items():
        w = fit(exs, args.l2)
        n_aeb = sum(ex.source == "aeb" for ex in exs)
        line = f"{role}: {len(exs)} pages ({n_aeb} AEB), training accuracy {accuracy(exs, w):.3f}"
        if args.check:
            cv_all, cv_curated, n_curated = cross_validate(exs, args.l2)
            line += f", publisher-grouped 5-fold CV {cv_all:.3f} (curated pages alone: {cv_curated:.3f} of {n_curated})"
        print(line)
        model[role] = {"features": list(names[role]), "weights": [round(float(x), 5) for x in w]}
    if not args.check:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
