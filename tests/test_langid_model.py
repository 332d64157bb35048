"""The seven-language model decides exactly as py3langid restricted to the same languages."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from composer import langid_model
from composer.lang import SUPPORTED

ODD = ["", "   ", "1234", "NASCAR", "ÉTÉ", "Hello", "Guten Tag", "¿Qué?", "日本語のテキスト", "Привет мир",
       "KYLE BUSCH WINS", "Pos. | Piloto | Pontos | Vitórias", "\ud800 lone surrogate", "a" * 3000]


@pytest.fixture(scope="module")
def reference():  # type: ignore[no-untyped-def]
    langid = pytest.importorskip("py3langid.langid", reason="py3langid (the test extra) is the reference")
    ident = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    ident.set_languages(list(SUPPORTED))
    return ident


def test_odd_inputs_agree(reference) -> None:  # type: ignore[no-untyped-def]
    for text in ODD:
        assert langid_model.classify(text) == reference.classify(text)[0], repr(text)


def test_corpus_texts_and_short_slices_agree(reference, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    texts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "extraction" / "aeb" / "text").glob("*.txt"))]
    with open(corpus / "extraction" / "readability-pasted.jsonl", encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for line in fh]
    rng = random.Random(7)
    samples = []
    for text in texts:
        samples.append(text[:5000])
        for n in (15, 40, 120, 400):  # the short, unclear texts the fallback is really asked about
            start = rng.randrange(0, max(1, len(text) - n))
            samples.append(text[start:start + n])
    wrong = [s for s in samples if langid_model.classify(s) != reference.classify(s)[0]]
    assert not wrong, f"{len(wrong)} of {len(samples)} disagree, e.g. {wrong[:3]!r}"
    assert len(samples) > 1000


def test_loads_fast_without_numpy() -> None:
    code = ("import sys, time; t = time.perf_counter(); from composer import langid_model as m; "
            "print(m.classify('Nesta página você terá sempre a classificação atualizada')); "
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["pt", "False"]
