"""Dates as news sites write them → ISO 8601 (composer.dates)."""

from __future__ import annotations

import pytest

from composer.dates import find_date, parse_date
from tests.deadline import deadline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 March 2025", "2025-03-12"),
        ("Wed 12 Mar 2025 14.05 GMT", "2025-03-12T14:05:00+00:00"),
        ("January 29, 2025 9:15 AM GMT+1", "2025-01-29T09:15:00+01:00"),
        ("12.03.2025 14:05 Uhr", "2025-03-12T14:05:00"),
        ("12/03/2025 - 14:05", "2025-03-12T14:05:00"),
        ("12/06/2024 - 10:12 GMT+2", "2024-06-12T10:12:00+02:00"),
        ("2025-03-12", "2025-03-12"),
        ("2025-03-12T14:05:00Z", "2025-03-12T14:05:00+00:00"),
        ("2025-03-12T14:05:00+01:00", "2025-03-12T14:05:00+01:00"),
        ("2025-03-12 14:05", "2025-03-12T14:05:00"),
        ("Wed, 12 Mar 2025 14:05:00 +0000", "2025-03-12T14:05:00+00:00"),
        ("Wed, 12 Mar 2025 09:05:00 -0500", "2025-03-12T09:05:00-05:00"),
        ("March 12, 2025", "2025-03-12"),
        ("Sept. 3, 2024", "2024-09-03"),
        ("Mar. 12, 2025 at 2:05 p.m. EDT", "2025-03-12T14:05:00-04:00"),
        ("12 Sep 2024 9am", "2024-09-12T09:00:00"),
        ("14:05 GMT, 12 March 2025", "2025-03-12T14:05:00+00:00"),
        ("Wednesday 12 March 2025 14:05 CET", "2025-03-12T14:05:00+01:00"),
        ("2025/03/12", "2025-03-12"),
        # other languages
        ("12. März 2025", "2025-03-12"),
        ("Mittwoch, 12. März 2025, 14:05 Uhr", "2025-03-12T14:05:00"),
        ("1er mars 2025 à 14h05", "2025-03-01T14:05:00"),
        ("le mercredi 12 mars 2025 à 14h05", "2025-03-12T14:05:00"),
        ("12 de marzo de 2025", "2025-03-12"),
        ("12 marzo 2025, 14:05", "2025-03-12T14:05:00"),
        ("12 maart 2025", "2025-03-12"),
        ("12 de março de 2025 às 14h05", "2025-03-12T14:05:00"),
        ("3 dicembre 2024", "2024-12-03"),
        ("5 août 2024", "2024-08-05"),
    ],
)
def test_parse_date(text: str, expected: str) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "hello", "2 hours ago", "31 February 2025", "12/13/14", "Published on Updated", "9:15am", "2025", "May"],
)
def test_parse_date_rejects_non_dates(text: str) -> None:
    assert parse_date(text) is None


def test_parse_date_rejects_dates_with_other_words() -> None:
    # parse_date is for a value that *is* a date; find_date is for a line that contains one.
    assert parse_date("Published 12 March 2025") is None
    assert find_date("Published 12 March 2025") == "2025-03-12"


def test_numeric_order() -> None:
    assert parse_date("03/12/2025") == "2025-12-03"  # day first by default
    assert parse_date("03/12/2025", "en-US") == "2025-03-12"
    assert parse_date("03/25/2025") == "2025-03-25"  # only one reading is possible


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published 12 March 2025", "2025-03-12"),
        ("Last modified on Wed 12 Mar 2025 14.05 GMT", "2025-03-12T14:05:00+00:00"),
        ("Publié le 12/03/2025 à 14h05", "2025-03-12T14:05:00"),
        ("Gepubliceerd op 12 maart 2025 om 14:05", "2025-03-12T14:05:00"),
        ("Pubblicato il 12 marzo 2025 alle 14:05", "2025-03-12T14:05:00"),
        ("By Jane Doe | Updated 9:15 AM GMT+1, January 29, 2025", "2025-01-29T09:15:00+01:00"),
        ("PUBLISHED FRI, APR 28 20232:23 PM EDT", "2023-04-28T14:23:00-04:00"),
        ("April 25, 202312:26 PM GMT+2", "2023-04-25T12:26:00+02:00"),
        ("21.dez.2018 às 12h55", "2018-12-21T12:55:00"),  # Folha de S.Paulo: month between full stops
        ("3.jan.2019", "2019-01-03"),
        ("v1.2.2018", None),
        ("2025年1月13日 20時01分", "2025-01-13T20:01:00"),  # Japanese
        ("发布时间：2024年5月3日（五）08:15", "2024-05-03T08:15:00"),  # Chinese, a weekday in brackets
        ("2025년 1월 13일", "2025-01-13"),  # Korean
        ("２０２５年１月１３日", "2025-01-13"),  # full-width digits
        ("2025年13月1日", None),
        ("Published 28 April 20232023 edition", None),
        ("no date here, 24 hours and 12 March", None),
    ],
)
def test_find_date(line: str, expected: str | None) -> None:
    assert find_date(line) == expected


def test_find_date_without_year_needs_a_reference_year() -> None:
    line = "LONDON, March 12 (Reuters) - Shares fell"
    assert find_date(line) is None
    assert find_date(line, year=2025) == "2025-03-12"


def test_separator_runs_take_linear_time() -> None:
    """A time followed by a long run of separators and spaces, with no date after it. The old
    separator pattern could split each run of spaces between its repeats in every possible way;
    on this line it had not returned after five minutes (any answer here takes milliseconds)."""
    line = "Updated 14:05" + "  -  " * 8 + " x"
    with deadline(5, "find_date on a run of separators"):
        assert find_date(line) is None
        assert find_date("Updated 14:05 - 12 March 2025") == "2025-03-12T14:05:00"


def test_folding_table_matches_decomposing_each_character() -> None:
    """Characters are folded through a table filled on first use; it must give what decomposing
    the character gives (lower case, accents dropped, one character for one)."""
    import unicodedata

    from composer.dates import _fold

    def by_hand(ch: str) -> str:
        low = ch.lower()
        base = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
        return base if len(base) == 1 else (low if len(low) == 1 else ch)

    sample = "".join(chr(c) for c in [*range(0xA0, 0x250), *range(0x370, 0x500), *range(0x1E00, 0x1F00), 0x130, 0xFB01, 0x212A])
    assert _fold(sample) == "".join(map(by_hand, sample))
    assert _fold("12. MÄRZ 2025") == "12. marz 2025"


def test_lines_without_a_month_name_try_only_the_numeric_shapes() -> None:
    from composer.dates import _names_month, _numeric_shapes, _shapes

    assert 0 < len(_numeric_shapes()) < len(_shapes())
    assert not _names_month("updated: 14:05 uhr, 12.03.2025")
    assert _names_month("12 marz 2025 – 14 uhr") and _names_month("12thmarch 2025")  # (folded lines)
    assert find_date("Updated: 14:05 Uhr, 12.03.2025") == "2025-03-12T14:05:00"
    assert find_date("Stand: 12. März 2025, 14:05 Uhr") == "2025-03-12T14:05:00"


def test_an_ascii_line_is_read_by_case_sensitive_twins_of_the_same_shapes() -> None:
    import re

    from composer.dates import _case_sensitive, _no_year, _numeric_shapes, _shapes

    for shapes in (_shapes, _numeric_shapes, _no_year):
        twins = _case_sensitive(shapes)
        assert [t.pattern for t in twins] == [s.pattern for s in shapes()]
        assert not any(t.flags & re.I for t in twins)
    # The shapes spell every word in lower case (a capital would be missed on a folded line) …
    for shape in (*_shapes(), *_no_year()):
        assert not any(ch.isupper() for ch in re.sub(r"\\.|\(\?P[<=]", "", shape.pattern))
    # … and an ASCII line reads the same in any case; "ſ" (not ASCII) still goes through re.I.
    for line in ("Updated 9.15am, Wed 12 Mar 2025", "UPDATED 9.15AM, WED 12 MAR 2025", "uPdAtEd 9.15Am, wEd 12 mAr 2025"):
        assert find_date(line) == "2025-03-12T09:15:00"
    assert find_date("12 march", year=2024) == find_date("12 MARCH", year=2024) == "2024-03-12"
    assert find_date("3 ſeptember 2025") == "2025-09-03"
