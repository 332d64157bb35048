"""trafilatura comes in without py3langid/numpy, and its merged jusText stop list is cached."""

from __future__ import annotations

import json
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
print(json.dumps({"title": article.title, **loaded, "stoplist": len(external.JT_STOPLIST or ())}))
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
    cached = list((tmp_path / "cache" / "composer" / "justext").glob("stoplist-*.txt"))
    assert len(cached) == 1
    second = _probe(page, tmp_path / "cache")
    assert second == first  # same article, and the same merged list, now read from the cache
    words = cached[0].read_text(encoding="utf-8").split("\n")
    assert len(set(words)) == first["stoplist"] and {"the", "und", "les"} <= set(words)
