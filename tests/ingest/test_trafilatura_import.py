"""trafilatura comes in without py3langid/numpy, and its merged jusText stop list is cached ready to use."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "html"

PROBE = """
import json, sys
from composer.ingest import load_article
article = load_article(sys.argv[1])
loaded = {"numpy": "numpy" in sys.modules, "py3langid": "py3langid" in sys.modules}
from trafilatura import external
from justext import core
words = external.JT_STOPLIST or ()
print(json.dumps({"title": article.title, **loaded, "stoplist": len(words),
                  "as_is": core.define_stoplist(words) is words}))
"""


def _probe(page: Path, cache: Path) -> dict[str, object]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("COMPOSER_CACHE", None)
    out = subprocess.run([sys.executable, "-c", PROBE, str(page)], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


def test_html_page_reads_without_the_language_model_and_reuses_the_stop_list(tmp_path: Path) -> None:
    page = sorted(FIXTURES.glob("*.html"))[0]
    first = _probe(page, tmp_path / "cache")
    assert first["numpy"] is False and first["py3langid"] is False
    assert first["as_is"] is True  # jusText does not lower-case the 150,000 words again
    cached = list((tmp_path / "cache" / "composer" / "justext").glob("stopwords-*.marshal"))
    assert len(cached) == 1
    second = _probe(page, tmp_path / "cache")
    assert second == first  # same article, and the same merged set, now read from the cache
    size, buckets = marshal.loads(cached[0].read_bytes())
    assert size == first["stoplist"] > 100_000


def test_the_stored_stop_list_is_what_justext_makes_of_all_its_lists(tmp_path: Path) -> None:
    """The shortcut must not change jusText's decisions: same set as its own merge and lower-casing."""
    page = sorted(FIXTURES.glob("*.html"))[0]
    _probe(page, tmp_path / "cache")
    from justext.utils import get_stoplist, get_stoplists

    from composer.ingest.trafilatura_import import StopWords

    stored = StopWords.load(next((tmp_path / "cache" / "composer" / "justext").glob("stopwords-*.marshal")).read_bytes())
    expected = frozenset(w.lower() for lang in get_stoplists() for w in get_stoplist(lang))
    assert stored is not None and len(stored) == len(expected)
    assert all(word in stored for word in expected)
    # near misses: prefixes, extensions, case, another bucket, a lone surrogate, a line break
    probes = {w[:-1] for w in list(expected)[:3000]} | {w + "x" for w in list(expected)[:3000]}
    probes |= {"The", "THE", "zzzzqq", "\ud800", "the\nand", ""}
    assert all((p in stored) == (p in expected) for p in probes)
