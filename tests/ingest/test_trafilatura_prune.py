"""trafilatura's regex prunes in Python: the same elements as its XPath, only where asked for."""

from __future__ import annotations

import copy
import gzip
import threading
from pathlib import Path
from typing import Any

import pytest
import trafilatura
from lxml import etree, html
from trafilatura import xpaths
from trafilatura.htmlprocessing import convert_tags, tree_cleaning
from trafilatura.settings import Extractor

from composer.article import Source
from composer.ingest import html as html_reader
from composer.ingest.trafilatura_import import import_trafilatura
from composer.ingest.trafilatura_prune import _USES, _Switch, install, python_form, python_prunes, shape

NAMES = tuple(_USES)


def _pairs() -> list[tuple[str, Any, Any]]:
    import_trafilatura()
    out = []
    for name in NAMES:
        for expression in getattr(xpaths, name):
            fast = python_form(expression)
            if fast is not None:
                out.append((name, expression, fast))
    return out


def _same_everywhere(tree: Any) -> None:
    for name, expression, fast in _pairs():
        assert fast(tree) == expression(tree), (name, expression.path[:80])


# Written to reach every branch of the predicates: attribute order, missing and empty values,
# tags trafilatura makes (item/list), comments, nesting with h1, ol/ul, hidden styles.
TRICKY = """<html><body>
<div class="cookie-box" id="main">a</div>
<div id="main" class="cookie-box">b</div>
<div id="" class="">c</div>
<span role="Navigation">d</span><span role="menuNav">e</span>
<section data-lp-replacement-content="">f</section>
<p data-component="XMostPopularStoriesY">g</p>
<div class="reply-box" id="x">h</div><div id="reply-1" class="x">i</div>
<em style="display:none" id="hiddenish">j</em><b style="color:red" id="q">k</b>
<i aria-hidden="true">l</i><i aria-hidden="false">m</i>
<!-- a comment --><?pi x?>
<div class="comments-title">n</div><div class="comments-title x">o</div>
<aside id="infinite-scroll"><h1>p</h1></aside><aside id="infinite-scroll"><p>q</p></aside>
<div class="mvp-post-add-box"><h1>r</h1></div>
<ul id="comments"><li>s</li></ul><ul id="dsq-comments"><li>s2</li></ul><div id="dsq-comments">s3</div><ol class="commentary"><li>t</li></ol><ol id="Comment-3"><li>u</li></ol>
<details class="post-comments">v</details>
<div class="link" id="bottom">w</div><div id="bottom x" class="link">x</div><p style="border:1px">y</p>
<div class="share-bar"><div class="sidebar"><p class="byline">z</p></div></div>
<div id="Footer-nav"><span class=" ad ">ad</span><span class="top-ad-x">ad</span></div>
</body></html>"""


def test_python_forms_match_the_xpaths_on_tricky_markup() -> None:
    pairs = _pairs()
    if not pairs:
        pytest.skip(f"no expression of trafilatura {trafilatura.__version__} has the shape of a Python form")
    tree = html.fromstring(TRICKY)
    opts = Extractor(precision=True)
    cleaned = convert_tags(tree_cleaning(copy.deepcopy(tree), opts), opts)
    for t in (tree, cleaned):
        _same_everywhere(t)
    # The markup does reach the predicates: most expressions select something here.
    assert sum(bool(expression(tree)) for _, expression, _ in pairs) >= len(pairs) - 1


def test_every_regex_expression_has_a_python_form_in_the_version_they_were_read_from() -> None:
    if not trafilatura.__version__.startswith("2.3."):
        pytest.skip(f"the Python forms were written from trafilatura 2.3's expressions; this is {trafilatura.__version__}")
    regex = [x for name in NAMES for x in getattr(xpaths, name) if "re:test" in x.path]
    assert len(_pairs()) == len(regex) == 6


def test_another_structure_keeps_trafilatura_s_expression() -> None:
    changed = etree.XPath(".//*[self::div][re:test(@id, 'x') and re:test(@class, 'y')]",
                          namespaces={"re": "http://exslt.org/regular-expressions"})
    assert python_form(changed) is None
    assert python_form(etree.XPath(".//header")) is None
    crc, patterns = shape(".//*[re:test(@id,  'a|b') or re:test(@class, 'c')]")
    assert patterns == ["a|b", "c"] and crc == shape(".//*[re:test(@id, 'z') or  re:test(@class, 'q')]")[0]


def test_only_the_block_sees_the_python_forms() -> None:
    if not _pairs():
        pytest.skip(f"no expression of trafilatura {trafilatura.__version__} has the shape of a Python form")
    assert install() == len(_pairs())  # a second install changes nothing
    from trafilatura import core, external, main_extractor

    switch = main_extractor.OVERALL_DISCARD_XPATH
    assert isinstance(switch, _Switch) and external.OVERALL_DISCARD_XPATH is switch
    assert isinstance(core.REMOVE_COMMENTS_XPATH, _Switch)
    assert list(switch) == list(xpaths.OVERALL_DISCARD_XPATH)  # trafilatura's own objects outside
    seen: list[list[Any]] = []
    with python_prunes():
        inside = list(switch)
        worker = threading.Thread(target=lambda: seen.append(list(switch)))
        worker.start()
        worker.join()
    assert all(not isinstance(x, etree.XPath) for x in inside)
    assert seen == [list(xpaths.OVERALL_DISCARD_XPATH)]  # another thread is not in the block
    assert list(switch) == list(xpaths.OVERALL_DISCARD_XPATH)


def _corpus_pages(corpus: Path) -> list[Path]:
    pages = sorted(corpus.glob("extraction/**/*.html")) + sorted(corpus.glob("extraction/**/*.html.gz"))
    if len(pages) < 100:
        pytest.skip(f"fewer corpus HTML pages than expected under {corpus / 'extraction'}")
    return pages


def _read(path: Path) -> str:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return data.decode("utf-8", errors="replace")


def test_python_forms_match_the_xpaths_on_every_corpus_page(corpus: Path) -> None:
    """Raw page and trafilatura's cleaned, converted tree (where ``item``/``list`` appear)."""
    import_trafilatura()
    opts = Extractor(precision=True)
    checked = 0
    for path in _corpus_pages(corpus):
        try:
            tree = html_reader._load_tree(_read(path))
        except Exception:  # noqa: BLE001 - a page the reader refuses is not an expression's case
            continue
        _same_everywhere(tree)
        _same_everywhere(convert_tags(tree_cleaning(copy.deepcopy(tree), opts), opts))
        checked += 1
    assert checked > 400


def test_reader_output_is_the_same_without_the_python_forms(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pages = _corpus_pages(corpus)[::12]
    texts = [_read(p) for p in pages]

    def read_all() -> list[Any]:
        out = []
        for path, text in zip(pages, texts, strict=True):
            try:
                out.append(html_reader.parse(text, Source(path=path.name, format="html")))
            except Exception as exc:  # noqa: BLE001 - the same refusal either way is the same output
                out.append(repr(exc))
        return out

    fast = read_all()
    import contextlib

    monkeypatch.setattr(html_reader, "python_prunes", contextlib.nullcontext)
    assert read_all() == fast


def test_prepared_also_when_trafilatura_was_imported_first() -> None:
    """A program (or a benchmark) that imports trafilatura before composer reads a page."""
    import subprocess
    import sys

    probe = (
        "import trafilatura\n"
        "from trafilatura import external, main_extractor\n"
        "from composer.article import Source\n"
        "from composer.ingest.html import parse\n"
        "parse('<html><body><article><p>' + 'Words of a page. ' * 40 + '</p></article></body></html>',"
        " Source(path='a.html', format='html'))\n"
        "print(type(main_extractor.OVERALL_DISCARD_XPATH).__name__, bool(external.JT_STOPLIST))\n"
    )
    if not _pairs():
        pytest.skip(f"no expression of trafilatura {trafilatura.__version__} has the shape of a Python form")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["_Switch", "True"]
