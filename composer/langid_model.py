"""py3langid's decision among composer's seven languages, without numpy or its 97-language model.

:mod:`composer.lang` settles almost every text by counting function words; for the rest (short
texts, tables, mixed pages) it needs a statistical model. py3langid's costs ~0.5 s and ~100 MiB
to load — a jump one table-heavy page in a digest would make the whole process pay. This
module reads the same model cut down to the seven languages (``data/langid7.bin``, made by
``tools/build_langid_model.py``; py3langid is BSD-3-Clause, see ``data/py3langid.LICENSE``) in
a few milliseconds and decides as py3langid restricted to those languages does: byte n-gram
features found by walking the model's trie, weighted by log(1 + count), plus class priors.
"""

from __future__ import annotations

import json
import math
import struct
import unicodedata
import zlib
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "langid7.bin"


class _Model:
    __slots__ = ("classes", "priors", "depth", "trie", "weights", "width")

    def __init__(self, blob: bytes) -> None:
        head_len, lengths_len, joined_len, outputs_len = struct.unpack_from("<IIII", blob, 0)
        pos = 16
        header = json.loads(blob[pos:pos + head_len])
        pos += head_len
        lengths = blob[pos:pos + lengths_len]
        pos += lengths_len
        joined = blob[pos:pos + joined_len]
        pos += joined_len
        outputs = struct.unpack_from(f"<{outputs_len // 4}i", blob, pos)
        pos += outputs_len
        self.weights = blob[pos:]  # float16 rows, decoded only for the features a text has
        self.classes: list[str] = header["classes"]
        self.priors: list[float] = header["priors"]
        self.depth: int = header["depth"]
        self.width = len(self.classes)
        trie: dict[bytes, int] = {}
        start = 0
        for n, feature in zip(lengths, outputs, strict=True):
            trie[joined[start:start + n]] = feature
            start += n
        self.trie = trie

    def features(self, data: bytes) -> dict[int, int]:
        """How often each feature fires: at every byte, the feature of the longest trie entry
        that ends there (the automaton's state after reading up to that byte)."""
        trie, depth, counts = self.trie, self.depth, {}
        for end in range(1, len(data) + 1):
            for n in range(min(depth, end), 0, -1):
                feature = trie.get(data[end - n:end])
                if feature is not None:
                    if feature >= 0:
                        counts[feature] = counts.get(feature, 0) + 1
                    break
        return counts

    def scores(self, counts: dict[int, int]) -> list[float]:
        """Naive Bayes log scores: the priors plus log(1 + count) times each feature's weights."""
        totals = list(self.priors)
        row = struct.Struct(f"<{self.width}e")
        for feature, count in counts.items():
            weight = math.log1p(count)
            for k, value in enumerate(row.unpack_from(self.weights, feature * row.size)):
                totals[k] += weight * value
        return totals


@cache
def _model() -> _Model:
    return _Model(zlib.decompress(_DATA.read_bytes()))


def classify(text: str) -> str:
    """The most likely of the seven languages for ``text`` (py3langid's choice among them)."""
    if text.isupper():
        text = text.lower()
    data = unicodedata.normalize("NFC", text).encode("utf-8", "surrogatepass")
    model = _model()
    counts = model.features(data)
    if not counts:
        return model.classes[0]  # no evidence: py3langid's uniform scores pick the first class
    scores = model.scores(counts)
    best = max(range(model.width), key=lambda k: (scores[k], -k))
    return model.classes[best]
