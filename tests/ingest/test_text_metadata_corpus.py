"""Pasted-text metadata on real pages, measured on publishers the role model never saw.

``bench/metadata.py`` defines the data, the publisher split and the scoring; the role model
(``composer/data/paste-roles.json``) is fitted by ``bench/train_metadata.py`` on the other
publishers only. The thresholds sit a little below the figures measured on 2026-11-30 after the
third round of features (held out: readability-pasted titles 13/22, bylines 10/15, visible dates
3/3; pasted-meta titles 39/51, bylines 32/42, visible dates 37/40), so a change that costs accuracy
on unseen sites fails here. They are well below issue 12's targets (95 % / 85 % / 90 %): see the
issue note for the misses.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "extraction"

# (dataset, field) -> minimum correct on the held-out publishers, and on all pages.
HELD_OUT_MIN = {
    ("readability-pasted", "title"): 12, ("readability-pasted", "byline"): 9, ("readability-pasted", "date"): 2,
    ("pasted-meta", "title"): 37, ("pasted-meta", "byline"): 30, ("pasted-meta", "date"): 35,
}  # fmt: skip
ALL_MIN = {
    ("readability-pasted", "title"): 44, ("readability-pasted", "byline"): 22, ("readability-pasted", "date"): 8,
    ("pasted-meta", "title"): 117, ("pasted-meta", "byline"): 93, ("pasted-meta", "date"): 112,
}  # fmt: skip


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"composer_bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    if not (CORPUS / "readability-pasted.jsonl").is_file() or not (CORPUS / "pasted-meta" / "pages.jsonl").is_file():
        pytest.skip(f"pasted metadata corpus not found under {CORPUS} (it is read from ../shared/corpus)")
    return _load("metadata")


@pytest.fixture(scope="module")
def results(bench: ModuleType) -> tuple[list, dict]:
    pages = bench.load_pages()
    return pages, bench.predict_all(pages, bench.composer_parse)


def _counts(bench: ModuleType, pages: list, preds: dict) -> dict[tuple[str, str], tuple[int, int]]:
    out = {}
    for dataset in ("readability-pasted", "pasted-meta"):
        mine = [p for p in pages if p.dataset == dataset]
        f = bench.figures(mine, preds)
        out[(dataset, "title")], out[(dataset, "byline")], out[(dataset, "date")] = f.title, f.byline, f.date_visible
    return out


def test_the_split_holds_out_about_a_third_of_the_publishers(bench: ModuleType, results: tuple[list, dict]) -> None:
    pages, _ = results
    keys = {p.key for p in pages}
    held = {p.key for p in pages if p.held_out}
    assert 0.25 <= len(held) / len(keys) <= 0.45
    assert all(p.held_out == bench.is_held_out(p.key) for p in pages)
    assert bench.publisher_key("https://www.telegraph.co.uk/news/x") == "telegraph"
    assert bench.publisher_key("https://roma.repubblica.it/x") == "repubblica"
    assert bench.publisher_key("nytimes-3") == "nytimes"


def test_the_trainer_never_reads_a_held_out_publisher(bench: ModuleType) -> None:
    pytest.importorskip("numpy", reason="the trainer needs numpy (bench extra)")
    trainer = _load("train_metadata")
    groups = {group for group, *_ in trainer.training_pages(rendered=True)}
    assert groups, "no training pages"
    assert not {g for g in groups if not g.startswith(("fixture-", "seed")) and bench.is_held_out(g)}
    # The renderer (its copies feed the trainer with --rendered) never renders a held-out page.
    renderer = _load("render_readability")
    ids = renderer.pages_to_render(bench)
    assert ids and not [i for i in ids if bench.is_held_out(bench.publisher_key(i))]


def test_held_out_accuracy(bench: ModuleType, results: tuple[list, dict]) -> None:
    pages, preds = results
    held = [p for p in pages if p.held_out]
    got = _counts(bench, held, preds)
    for key, minimum in HELD_OUT_MIN.items():
        n, d = got[key]
        assert n >= minimum, f"held-out {key}: {n}/{d} < {minimum}"


def test_accuracy_on_all_pages(bench: ModuleType, results: tuple[list, dict]) -> None:
    pages, preds = results
    got = _counts(bench, pages, preds)
    for key, minimum in ALL_MIN.items():
        n, d = got[key]
        assert n >= minimum, f"all pages {key}: {n}/{d} < {minimum}"


def test_every_page_parses_or_gives_a_clear_error(results: tuple[list, dict]) -> None:
    pages, preds = results
    errors = {p.id: preds[p.id].error for p in pages if preds[p.id].error}
    assert all(e.startswith("InputError") for e in errors.values()), errors
    assert len(errors) <= 5, errors


def test_html_headline_signals_label_the_copy_only_when_they_agree() -> None:
    """The AEB labels come from the HTML alone; a page whose signals point at two lines of the
    copy with about as many votes each teaches nothing, and a lone logo ``<h1>`` is outvoted."""
    pytest.importorskip("numpy", reason="the trainer needs numpy (bench extra)")
    trainer = _load("train_metadata")
    raw = (
        "<html><head><title>Storm floods the old harbour district | Daily Planet</title>"
        '<meta property="og:title" content="Storm floods the old harbour district">'
        "</head><body><h1>Daily Planet News</h1><p>x</p></body></html>"
    )
    signals = trainer.title_signals(raw, None)
    assert "Storm floods the old harbour district" in signals
    assert "Daily Planet News" in signals
    copy = ["Daily Planet News", "Home", "Storm floods the old harbour district", "By Lois Lane", "Text."]
    assert trainer.aligned_title(copy, signals) == "Storm floods the old harbour district"
    assert trainer.aligned_title(copy, ["Daily Planet News", "Storm floods the old harbour district"]) is None
    assert trainer.aligned_title(["Nothing like it"], signals) is None


def test_the_renderer_copies_a_page_as_the_corpus_did(bench: ModuleType) -> None:
    """``bench/render_readability.py`` makes the trainer's extra copies; they are only comparable
    with the corpus's if the rendering is the same, so one page the corpus already has must come
    back byte for byte (headless Chromium, scripts off, ``innerText``)."""
    renderer = _load("render_readability")
    if not (renderer.CHROMIUM.exists() and renderer.CHROMEDRIVER.exists()):
        pytest.skip("rendering needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)")
    pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    import json

    from selenium.common.exceptions import SessionNotCreatedException

    row = json.loads((CORPUS / "readability-pasted.jsonl").read_text(encoding="utf-8").splitlines()[0])
    try:
        (text,) = renderer.render([CORPUS / "readability" / row["id"] / "source.html"])
    except SessionNotCreatedException as exc:  # a browser that cannot start is the machine's, not the code's
        pytest.skip(f"chromium could not start: {exc}")
    assert text == row["text"]
