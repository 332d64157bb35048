"""Accuracy on real-world bounces: the samples shipped in flufl.bounce's source distribution.

flufl.bounce (Apache-2.0) carries ~100 bounces collected by the Mailman project from real mail
systems (Postfix, Exim, qmail, Exchange, GroupWise, Yahoo, AOL, many RFC 3464 DSNs…) with the
recipient addresses its own tests expect (``tests/test_detectors.py``). They are not copied
into this repository: the sdist of the installed version is fetched at test time with
``pip download`` (through the configured package index) into the user cache, and the test
skips when that is not possible.

"The right recipient" of a sample is the set of addresses flufl.bounce's own test table
expects for it; a sample listed there as a permanent failure is a hard bounce, one listed as
temporary is a delay warning. A hard bounce counts as *attributed* when the addresses we
report as failed are exactly that set, and as *classified* when we also call it hard.
"""

from __future__ import annotations

import ast
import importlib.metadata
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from composer.audience import open_for
from composer.bounces.parse import parse_report
from composer.bounces.scan import open_scanner
from composer.bounces.sources import MboxSource
from composer.cachedir import user_cache_dir
from composer.config import Settings
from composer.newsletter.verp import Verp

from .conftest import send_to, write_mbox

TARGET = 0.95


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The unpacked sdist of the installed flufl.bounce (its tests and their data)."""
    version = importlib.metadata.version("flufl.bounce")
    cache = user_cache_dir("test-data") or tmp_path_factory.mktemp("flufl")
    root = cache / f"flufl_bounce-{version}"
    if not (root / "tests" / "data").is_dir():
        try:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                            f"flufl.bounce=={version}", "-d", str(cache), "--quiet"],
                           check=True, capture_output=True, timeout=180)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            pytest.skip(f"cannot fetch the flufl.bounce {version} sdist with pip download (its bounce samples are "
                        f"the corpus): {detail.decode(errors='replace').strip()[-300:] or exc}")
        archives = sorted(cache.glob(f"flufl[._]bounce-{version}.tar.gz"))
        if not archives:
            pytest.skip(f"pip download gave no flufl.bounce {version} sdist in {cache}")
        with tarfile.open(archives[0]) as tar:
            tar.extractall(cache, filter="data")
    if not (root / "tests" / "test_detectors.py").is_file():
        pytest.skip(f"the flufl.bounce {version} sdist has no tests/test_detectors.py to take expectations from")
    licence = next(root.glob("LICENSE*"), None)
    assert licence is not None and "Apache License" in licence.read_text(), "flufl.bounce's sdist licence changed"
    return root


def expectations(root: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(hard, warnings): sample file -> expected addresses, from flufl.bounce's DETECTORS table.

    Read with ``ast.literal_eval``: their test module is never imported or run.
    """
    tree = ast.parse((root / "tests" / "test_detectors.py").read_text(encoding="utf-8"))
    table = next(ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                 and any(getattr(t, "id", "") == "DETECTORS" for t in node.targets))
    hard: dict[str, set[str]] = {}
    warnings: dict[str, set[str]] = {}
    for _module, name, addresses, temporary in table:
        if addresses:  # [] rows say "this detector finds nothing here", not "nothing bounced"
            (warnings if temporary else hard).setdefault(name, set()).update(a.decode().lower() for a in addresses)
    return hard, warnings


def test_hard_bounces_are_attributed_to_the_right_recipient(samples: Path) -> None:
    hard, warnings = expectations(samples)
    assert len(hard) >= 90, "fewer samples than expected: did the sdist layout change?"
    attributed, classified, misses = 0, 0, []
    for name, expected in sorted(hard.items()):
        report = parse_report((samples / "tests" / "data" / name).read_bytes())
        failed = {f.address.lower() for f in report.failures}
        if failed == expected:
            attributed += 1
        if {f.address.lower() for f in report.failures if f.hard} == expected:
            classified += 1
        else:
            misses.append(f"{name}: {report.summary()} {sorted(failed)}")
    share, hard_share = attributed / len(hard), classified / len(hard)
    print(f"\nflufl.bounce corpus: {len(hard)} hard bounces; recipient attributed {attributed} ({share:.1%}), "
          f"attributed and classified hard {classified} ({hard_share:.1%}); not hard: {misses}")
    assert share >= TARGET and hard_share >= TARGET, misses
    # A delay warning is never a hard bounce.
    for name in warnings:
        report = parse_report((samples / "tests" / "data" / name).read_bytes())
        assert report.kind == "delayed", f"{name}: {report.kind}"


def test_real_bounces_through_the_scanner_suppress_the_reader_named_by_verp(samples: Path, settings: Settings,
                                                                            tmp_path: Path) -> None:
    """Every real hard bounce, as if it had come back to a VERP address: the scanner suppresses that reader."""
    hard, _warnings = expectations(samples)
    readers = sorted({sorted(addresses)[0] for addresses in hard.values()})
    sent = send_to(settings, readers)
    verp = Verp.from_settings(settings)
    assert verp is not None
    messages, wanted = [], set()
    for name, addresses in sorted(hard.items()):
        reader = sorted(addresses)[0]
        data = (samples / "tests" / "data" / name).read_bytes()
        line = f"Delivered-To: {sent.messages[reader].sender}\n".encode()
        if data.startswith(b"From "):  # an mbox "From " line comes first; headers follow it
            first, _, rest = data.partition(b"\n")
            messages.append(first + b"\n" + line + rest)
        else:
            messages.append(line + data)
        if parse_report(data).kind == "hard":
            wanted.add(reader)
    box = write_mbox(tmp_path / "corpus.mbox", messages)
    with MboxSource(box) as source, open_scanner(settings) as scanner:
        outcomes = list(scanner.scan(source))
    assert all(o.match is not None and o.match.how == "verp" for o in outcomes if o.action != "duplicate")
    with open_for(settings) as store:
        suppressed = {s.email for s in store.suppressions() if s.reason == "bounced"}
    assert suppressed == wanted and len(wanted) >= TARGET * len(readers)
