"""Build ``composer/data/langid7.bin``: py3langid's model cut down to composer's seven languages.

py3langid (BSD-3-Clause, a fork of Marco Lui's langid.py) ships a model for 97 languages as a
byte-level automaton with 9.8 million transitions plus numpy arrays; loading it costs ~0.5 s
and ~100 MiB, which one table-heavy page in a digest would otherwise pay. composer only ever
asks it to choose among seven languages, so this script keeps exactly what that choice needs:

- the automaton as its trie of byte strings (every state's shortest path from the start; the
  state after reading a text is the longest suffix of the text that is in the trie), each with
  the feature it counts;
- the naive Bayes weights of those features for the seven languages (float16, as shipped) and
  the seven class priors.

The result decides exactly as py3langid restricted to the same languages (tests/test_lang.py
checks agreement). Run with py3langid installed (it is in the ``test`` extra):

    python tools/build_langid_model.py
"""

from __future__ import annotations

import json
import struct
import zlib
from collections import deque
from pathlib import Path

import numpy as np
import py3langid
import py3langid.langid as langid
from py3langid.modelio import load_model

OUT = Path(__file__).resolve().parent.parent / "composer" / "data" / "langid7.bin"
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt")


def main() -> None:
    ptc, pc, classes, nextmove, row, output = load_model(Path(langid.MODEL_DIR) / langid.MODEL_FILE)
    nextmove, row, output = np.asarray(nextmove), np.asarray(row), np.asarray(output)
    columns = [i for i, c in enumerate(classes) if c in LANGUAGES]  # model order, as set_languages keeps it

    # Shortest byte path to every state = the state's string in the trie.
    strings: dict[int, bytes] = {0: b""}
    queue = deque([0])
    while queue:
        state = queue.popleft()
        base = int(row[state]) << 8
        for byte, target in enumerate(nextmove[base:base + 256].tolist()):
            if target not in strings:
                strings[target] = strings[state] + bytes([byte])
                queue.append(target)
    assert len(strings) == len(row), "the automaton has states unreachable from the start"

    # Check the trie reading against the automaton on every state string extended by every byte.
    trie = {s: i for i, s in strings.items()}
    depth = max(map(len, trie))
    for state, text in list(strings.items())[:20000]:
        for byte in (0x20, 0x61, 0x65, 0xC3, 0xA9):
            expect = int(nextmove[(int(row[state]) << 8) + byte])
            probe = text + bytes([byte])
            got = next(trie[probe[len(probe) - n:]] for n in range(min(depth, len(probe)), -1, -1)
                       if probe[len(probe) - n:] in trie)
            assert got == expect, (text, byte, got, expect)

    order = sorted(strings.items(), key=lambda kv: (len(kv[1]), kv[1]))
    header = {
        "source": f"py3langid {py3langid.__version__ if hasattr(py3langid, '__version__') else ''} model "
                  f"(BSD-3-Clause), seven columns",
        "classes": [classes[i] for i in columns],
        "priors": [float(pc[i]) for i in columns],
        "states": len(order),
        "features": int(np.asarray(ptc).shape[0]),
        "depth": depth,
    }
    lengths = bytes(len(s) for _, s in order)
    joined = b"".join(s for _, s in order)
    outputs = struct.pack(f"<{len(order)}i", *(int(output[i]) for i, _ in order))
    weights = np.ascontiguousarray(np.asarray(ptc)[:, columns]).astype("<f2").tobytes()
    head = json.dumps(header).encode()
    blob = b"".join([struct.pack("<IIII", len(head), len(lengths), len(joined), len(outputs)),
                     head, lengths, joined, outputs, weights])
    OUT.write_bytes(zlib.compress(blob, 9))
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB): {header['states']} states, "
          f"{header['features']} features, classes {header['classes']}")


if __name__ == "__main__":
    main()
