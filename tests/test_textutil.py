from __future__ import annotations

from composer.textutil import clean_line, normalize_text, one_line


def test_one_line_keeps_spacing_but_never_breaks() -> None:
    hostile = "Big  news\r\nBcc: x@y\x1cZ\u2028end\t\u202egone\x85\x9b!"
    out = one_line(hostile)
    assert out.splitlines() == [out]  # nothing Python (or a header parser) would split on
    assert out == "Big  news Bcc: x@y Z end gone !"
    assert one_line("  padded  ") == "padded"


def test_clean_line_collapses_and_normalize_drops_markers() -> None:
    assert clean_line("a \u00a0 b\n c") == "a b c"
    assert normalize_text("x\ue000name\ue001y\u200b") == "xnamey"
