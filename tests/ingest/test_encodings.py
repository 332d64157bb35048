"""Files as people save them: UTF-16/UTF-32 with a byte order mark (Notepad's "Unicode") and
gzip-compressed pages are read; other binary data keeps its clear error."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from composer.errors import InputError
from composer.ingest import load_article
from composer.ingest.sources import decode_bytes, looks_binary, text_from_bytes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PASTE = (FIXTURES / "paste" / "newspaper-bees.txt").read_text(encoding="utf-8")
TITLE = "Beekeepers report record honey harvest after mild spring"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
        ("utf-32-be", b"\x00\x00\xfe\xff"),
        ("utf-8", b"\xef\xbb\xbf"),
    ],
)
def test_unicode_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(bom + PASTE.replace("\n", "\r\n").encode(encoding))
    article = load_article(str(path))
    assert article.title == TITLE
    assert article.to_dict()["body"] == load_article(str(FIXTURES / "paste" / "newspaper-bees.txt")).to_dict()["body"]


def test_utf16_text_is_not_binary_but_utf16_of_binary_is() -> None:
    assert not looks_binary(b"\xff\xfe" + "Hello, world\n".encode("utf-16-le"))
    assert looks_binary(b"\xff\xfe" + "\x00\x01\x02\x03".encode("utf-16-le") * 100)
    assert decode_bytes(b"\xff\xfe\x00\x00" + "Grüße".encode("utf-32-le")) == "Grüße"


def test_gzip_file_is_read_and_its_inner_extension_names_the_format(tmp_path: Path) -> None:
    html = (FIXTURES / "html" / "harbour-ferry.html").read_bytes()
    path = tmp_path / "harbour.html.gz"
    path.write_bytes(gzip.compress(html))
    article = load_article(str(path))
    plain = load_article(str(FIXTURES / "html" / "harbour-ferry.html"))
    assert article.source.format == "html"
    assert article.title == plain.title
    assert article.body == plain.body


def test_gzip_magic_without_the_extension_is_read(tmp_path: Path) -> None:
    path = tmp_path / "article"
    path.write_bytes(gzip.compress(PASTE.encode("utf-8")))
    assert load_article(str(path)).title == TITLE


def test_gzip_of_utf16_is_read() -> None:
    data = gzip.compress(b"\xff\xfe" + PASTE.encode("utf-16-le"))
    assert text_from_bytes(data, "x").startswith(PASTE.split("\n")[0])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (gzip.compress(bytes(range(256)) * 50), "binary"),
        (gzip.compress(b"hello world " * 100)[:25], "truncated gzip"),
        (b"\x1f\x8b\x08\x00garbage-not-deflate" * 3, "damaged gzip"),
        (gzip.compress(b"a" * 3_000_000), "unpacks to more than 1 MB"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (b"\xff\xfe" + b"\x00\xd8" * 50, "binary"),  # UTF-16 of unpaired surrogates and NULs
    ],
)
def test_other_binary_keeps_a_clear_error(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        load_article(str(path), max_bytes=1_000_000)


def test_cli_reads_utf16_and_gzip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from composer.cli import main

    utf16 = tmp_path / "a.txt"
    utf16.write_bytes(b"\xff\xfe" + PASTE.encode("utf-16-le"))
    gz = tmp_path / "b.txt.gz"
    gz.write_bytes(gzip.compress(PASTE.encode("utf-8")))
    assert main(["parse", str(utf16), str(gz)]) == 0
    out = capsys.readouterr().out.strip().split("\n")
    assert len(out) == 2 and all(TITLE in line for line in out)
