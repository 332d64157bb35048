"""The HTML reader on real pages: AEB body accuracy and Readability's metadata expectations.

Both corpora are read from ``../shared/corpus`` and the tests skip when it is absent. The
thresholds sit a little below the measured figures (see ``bench/extraction.py``) so that a
library update that costs accuracy fails here instead of going unnoticed.

Readability's expected metadata is what Mozilla's algorithm produced, not a hand-made truth:
some of its bylines are page debris ("Follow Author", "Last Updated: …"), so the byline rate
cannot reach 1.0 and is compared leniently (same words, ignoring "by"/"and").
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest

from composer.article import Source
from composer.dates import parse_date
from composer.errors import InputError
from composer.ingest.html import parse
from composer.lang import normalize_language

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
READABILITY = CORPUS / "extraction" / "readability"

# Measured 2026-11-30 (issue 12): AEB F1 0.970; metadata title 123/126 = 0.976 as the same headline
# (the reader cuts "| eHow", "- Breitbart", which Readability keeps; of the three left, two expect
# what is not the page's headline: yahoo-2 the site's own title, v8-blog its first words cut), byline 62/75 = 0.827 ("Follow Author" is no longer a name), published 32/32, lang 72/72.
MIN_F1 = 0.96
MIN_RATES = {"title": 0.97, "byline": 0.79, "published": 0.95, "lang": 0.97}
_BYLINE_FILLER = {"by", "par", "and", "et", "und", "y", "written", "edited", "avec"}


def _aeb() -> ModuleType:
    spec = importlib.util.spec_from_file_location("composer_bench_aeb_html", REPO / "bench" / "aeb.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    if not (module.AEB / "ground-truth.json").is_file():
        pytest.skip(f"AEB benchmark not found at {module.AEB} (it is read from ../shared/corpus)")
    return module


def test_aeb_html_f1() -> None:
    aeb = _aeb()
    per_page = []
    for page in aeb.pages():
        article = parse(page.html(), Source(path=page.url or "", format="html"))
        per_page.append(aeb.page_scores("\n".join(b.text for b in article.body), page.truth))
    assert len(per_page) == 181
    precision, recall, f1 = aeb.precision_recall_f1(per_page)
    assert f1 >= MIN_F1, f"F1 {f1:.4f} (P {precision:.4f}, R {recall:.4f}) below {MIN_F1}"


def _words(text: str) -> list[str]:
    return sorted(set(re.findall(r"\w+", text.casefold())) - _BYLINE_FILLER)


def _same_time(expected: str, got: str | None) -> bool:
    if not got:
        return False
    expected = parse_date(expected) or expected
    try:
        a, b = datetime.fromisoformat(expected), datetime.fromisoformat(got)
        if a.tzinfo and b.tzinfo:
            return a == b
    except ValueError:
        pass
    return expected[:10] == got[:10]


_SUFFIX = re.compile(r"\s+(?:[|·•»–—-]|::|--)\s+[^|·•»–—]{1,60}$")


def _same_headline(expected: str, got: str | None) -> bool:
    """Exact, or the same headline without the site or author name Readability left after it.

    The reader cuts "Headline | Site" to "Headline" on purpose (issue 12); Readability's expected
    titles often keep the suffix ("How to Build a Terrarium | eHow"), so one or two trailing
    separator segments of the expected title may be missing.
    """
    norm = lambda s: " ".join(s.split()).casefold()  # noqa: E731
    if not got:
        return False
    want = norm(expected)
    for _ in range(3):
        if want == norm(got):
            return True
        shorter = _SUFFIX.sub("", want)
        if shorter == want:
            return False
        want = shorter
    return False


def _matches(field: str, expected: str, article) -> bool:  # type: ignore[no-untyped-def]
    if field == "title":
        return _same_headline(expected, article.title)
    if field == "byline":
        return bool(article.authors) and _words(expected) == _words(", ".join(article.authors))
    if field == "published":
        return _same_time(expected, article.published)
    return normalize_language(expected) == article.language


@pytest.fixture(scope="module")
def readability() -> list[tuple[str, dict, object]]:
    """(case name, expected metadata, Article or InputError) for every Readability test page."""
    if not READABILITY.is_dir():
        pytest.skip(f"Readability test pages not found at {READABILITY} (read from ../shared/corpus)")
    cases = []
    for case in sorted(p for p in READABILITY.iterdir() if p.is_dir()):
        expected = json.loads((case / "expected-metadata.json").read_text(encoding="utf-8"))
        html = (case / "source.html").read_text(encoding="utf-8", errors="replace")
        try:
            result: object = parse(html, Source(path="http://fakehost/test/page.html", format="url"))
        except InputError as exc:
            result = exc
        cases.append((case.name, expected, result))
    return cases


def test_readability_metadata_match_rates(readability) -> None:  # type: ignore[no-untyped-def]
    keys = {"title": "title", "byline": "byline", "published": "publishedTime", "lang": "lang"}
    hits = dict.fromkeys(keys, 0)
    totals = dict.fromkeys(keys, 0)
    for _name, expected, article in readability:
        for field, key in keys.items():
            if expected.get(key):
                totals[field] += 1
                hits[field] += not isinstance(article, InputError) and _matches(field, expected[key], article)
    rates = {f: hits[f] / totals[f] for f in keys}
    assert totals["title"] > 100 and totals["lang"] > 50
    for field, minimum in MIN_RATES.items():
        assert rates[field] >= minimum, f"{field}: {hits[field]}/{totals[field]} = {rates[field]:.3f} < {minimum}"


def test_every_readability_page_gives_an_article_or_a_clear_error(readability) -> None:  # type: ignore[no-untyped-def]
    errors = [name for name, _e, a in readability if isinstance(a, InputError)]
    assert len(errors) <= 2, errors  # pages with no article text at all
    for name, _expected, article in readability:
        if isinstance(article, InputError):
            continue
        assert article.body, name
        assert article.title is None or "\n" not in article.title, name
        # Body text may show "<" literally (code samples written with &lt;): that is the author's
        # text, escaped again by every renderer. Tags in the page itself never become text.
        assert all(b.text.strip() and b.text == b.text.strip() for b in article.body), name


@pytest.mark.skipif(not READABILITY.is_dir(), reason="../shared/corpus/extraction/readability not found")
def test_trafilatura_metadata_for_the_gaps_is_field_for_field_its_whole_run() -> None:
    """Only the steps for missing fields run; each field asked for must equal the whole run's."""
    from trafilatura.metadata import extract_metadata
    from trafilatura.settings import set_date_params

    from composer.ingest import html

    fields = {"title": ("title",), "author": ("author",), "date": ("date",), "site": ("sitename",)}
    always = ("description", "image")
    pages = {p.parent.name: p.read_text(encoding="utf-8", errors="replace")
             for p in sorted(READABILITY.glob("*/source.html"))}
    pages |= {page.key: page.html() for page in list(_aeb().pages())[::2]}  # news pages: dated URLs, bylines
    dated = 0
    for key, text in pages.items():
        try:
            tree = html._load_tree(text)
        except InputError:
            continue
        whole = extract_metadata(tree, None, set_date_params(False))
        dated += bool(whole.date)
        for missing in [set(fields), *({name} for name in fields), set()]:
            part = html._trafilatura_metadata(tree, **{name: name in missing for name in fields})
            for name in missing:
                for attr in fields[name]:
                    assert getattr(part, attr) == getattr(whole, attr), (key, attr)
            for attr in always:
                assert getattr(part, attr) == getattr(whole, attr), (key, attr)
    assert dated > 100  # the comparison did cover the date search
