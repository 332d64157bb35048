"""Render readability's pages that ``readability-pasted.jsonl`` leaves out, as a browser copies them.

The corpus holds 59 of Mozilla Readability's test pages as copied text (headless Chromium, scripts
off, ``document.body.innerText``) — those whose curated title is visible verbatim in the copy.
The other pages still show a headline and often a byline; rendered the same way they give the
role model's trainer more real pages (``bench/train_metadata.py`` labels them from the page's
HTML and curated metadata). Only pages of publishers that ``bench/metadata.py`` does **not** hold
out are rendered, so a held-out page can never reach the trainer through this file.

The copies belong to their publishers and stay out of the repository: they are written to
``bench/.cache/readability-rendered.jsonl`` (git-ignored), one ``{id, text}`` per line. The
rendering is the corpus's own: the 59 pages already in the corpus come out byte for byte the same
(``--verify`` checks a few).

    python bench/render_readability.py [--verify]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
CACHE = _HERE / ".cache" / "readability-rendered.jsonl"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def _bench_metadata() -> Any:
    spec = importlib.util.spec_from_file_location("composer_bench_metadata", _HERE / "metadata.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def pages_to_render(bm: Any) -> list[str]:
    """Readability page ids not in the pasted file whose publisher the benchmark does not hold out."""
    corpus: Path = bm.CORPUS
    pasted = {json.loads(line)["id"] for line in (corpus / "readability-pasted.jsonl").read_text(encoding="utf-8").splitlines()}
    out = []
    for folder in sorted((corpus / "readability").iterdir()):
        if not (folder / "source.html").is_file() or folder.name in pasted:
            continue
        if bm.is_held_out(bm.publisher_key(folder.name)):
            continue
        out.append(folder.name)
    return out


def render(paths: list[Path]) -> list[str]:
    """``document.body.innerText`` of each file in headless Chromium with scripts off."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="composer-render-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                "--window-size=1280,1000", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    # Scripts off for the page; WebDriver's own script (innerText) still runs.
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.page_load_strategy = "eager"
    drv = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    drv.set_page_load_timeout(30)
    try:
        out = []
        for path in paths:
            drv.get(path.resolve().as_uri())
            out.append(drv.execute_script("return document.body ? document.body.innerText : ''"))
        return out
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verify", action="store_true", help="render 5 pages the corpus already has and compare")
    args = parser.parse_args(argv)
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        print("render_readability: needs /usr/bin/chromium and /usr/bin/chromedriver "
              "(apt-get install -y chromium chromium-driver)", file=sys.stderr)
        return 2
    bm = _bench_metadata()
    corpus: Path = bm.CORPUS
    if not (corpus / "readability-pasted.jsonl").is_file():
        print(f"render_readability: corpus not found at {corpus}", file=sys.stderr)
        return 2
    try:
        from selenium.common.exceptions import WebDriverException
    except ImportError:
        print("render_readability: needs selenium (pip install -e '.[test]')", file=sys.stderr)
        return 2
    try:
        return _run(args.verify, bm, corpus)
    except WebDriverException as exc:
        print(f"render_readability: the browser failed: {exc.msg or exc.__class__.__name__}", file=sys.stderr)
        return 1


def _run(verify: bool, bm: Any, corpus: Path) -> int:
    if verify:
        rows = [json.loads(line) for line in (corpus / "readability-pasted.jsonl").read_text(encoding="utf-8").splitlines()]
        rows = [r for r in rows if not bm.is_held_out(bm.publisher_key(r["id"]))][:5]
        texts = render([corpus / "readability" / r["id"] / "source.html" for r in rows])
        same = sum(t == r["text"] for t, r in zip(texts, rows, strict=True))
        print(f"{same}/{len(rows)} rendered copies identical to the corpus's")
        return 0 if same == len(rows) else 1
    ids = pages_to_render(bm)
    texts = render([corpus / "readability" / i / "source.html" for i in ids])
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with CACHE.open("w", encoding="utf-8") as fh:
        for page_id, text in zip(ids, texts, strict=True):
            fh.write(json.dumps({"id": page_id, "text": text}, ensure_ascii=False) + "\n")
    print(f"rendered {len(ids)} pages → {CACHE.relative_to(_HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
