"""The pasted-text reader says which of its headline, byline and date are guesses.

The warnings' accuracy is measured on real pages (``bench/train_metadata.py --check`` and
``bench/metadata.py``); these tests pin the behaviour: how the model's belief is summed, what
the warning says, that a tidy page gets none, and that the user's correction answers it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer.article import Article, Source
from composer.cli import main
from composer.ingest.paste import roles
from composer.ingest.paste.doubts import Unsure, doubt
from composer.ingest.text import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "paste"
BEES = FIXTURES / "newspaper-bees.txt"


@pytest.fixture
def undecided(monkeypatch: pytest.MonkeyPatch) -> None:
    """A role model with every weight zero: every candidate equally likely, so every pick is a guess."""
    model = {role: {"features": list(names), "weights": [0.0] * len(names)}
             for role, names in (("title", roles.TITLE_FEATURES), ("byline", roles.BYLINE_FEATURES),
                                 ("date", roles.DATE_FEATURES))}
    monkeypatch.setattr(roles, "load_model", lambda: model)


def test_choose_gives_the_first_best_row_and_probabilities_that_sum_to_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roles, "load_model", lambda: {"title": {"features": ["a"], "weights": [1.0]}})
    choice = roles.choose("title", [[0.0], [2.0], [2.0], [1.0]], ["a"])
    assert choice is not None and choice.index == 1
    assert sum(choice.probabilities) == pytest.approx(1.0)
    assert choice.probabilities[1] == choice.probabilities[2] > choice.probabilities[3] > choice.probabilities[0]


def test_rows_that_give_the_same_answer_share_the_belief() -> None:
    # the headline printed twice (rows 0 and 2) holds 0.7 between them; row 1 gives the next answer
    choice = roles.Choice(0, (0.4, 0.25, 0.3, 0.05))
    answers = ["Bees are back", "Most read", "bees are back", "Sign in"]
    assert choice.certainty(lambda j: answers[j].casefold()) == (pytest.approx(0.7), 1)
    assert choice.certainty(lambda j: answers[j]) == (pytest.approx(0.4), 2)  # (as case-sensitive answers)


def test_the_next_best_is_the_likeliest_other_answer_not_the_likeliest_other_row() -> None:
    # a date the page prints on many lines, each holding a sliver, beats a single "none"
    choice = roles.Choice(1, (0.15, 0.2, *[0.05] * 13))
    answers = [None, "2020-09-21", *["2020-08-01"] * 13]
    assert choice.certainty(lambda j: answers[j]) == (pytest.approx(0.2), 2)


def test_the_message_names_what_was_taken_what_came_next_and_the_flag() -> None:
    d = doubt("title", "Bees are back", Unsure(0.42, "Most read"))
    assert d.field == "title"
    assert d.message == ("the headline “Bees are back” is a guess (42% sure; next best: “Most read”): "
                         "check it, or give it with --title")
    none = doubt("authors", None, Unsure(0.3, "Ann Lee"))
    assert none.message.startswith("no byline was taken, but “Ann Lee” nearly was (30% sure there is none)")
    assert "--authors" in none.message
    long = doubt("published", "2025-03-14", Unsure(0.2, "x" * 200))
    assert "x" * 69 + "…”" in long.message and "x" * 70 not in long.message


def test_an_undecided_model_warns_about_its_pick(undecided: None) -> None:
    article = parse(BEES.read_text(encoding="utf-8"), Source("bees.txt", "text"))
    (title,) = [d for d in article.doubts if d.field == "title"]
    assert f"“{article.title}” is a guess" in title.message and "next best: “" in title.message
    assert article.doubt_warnings()[0].startswith("bees.txt: the headline")


def test_doubts_stay_out_of_the_json_and_out_of_equality(undecided: None) -> None:
    article = parse(BEES.read_text(encoding="utf-8"), Source("bees.txt", "text"))
    assert article.doubts
    assert "doubts" not in article.to_dict()
    again = Article.from_dict(json.loads(article.to_json()))
    assert again == article and again.doubts == ()


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt") if p.name != "boilerplate-only.txt"))
def test_a_tidy_page_gets_no_warning(name: str) -> None:
    article = parse((FIXTURES / name).read_text(encoding="utf-8"), Source(name, "text"))
    assert article.doubts == ()


def test_the_cli_warns_and_a_correction_answers_the_warning(undecided: None,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(BEES)]) == 0
    err = capsys.readouterr().err
    assert f"compose: warning: {BEES}: the headline “" in err and "--title" in err
    assert main(["parse", str(BEES), "--title", "Bees are back"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["title"] == "Bees are back"
    assert "the headline" not in err


def test_compose_keeps_the_warning_in_the_items_manifest(undecided: None, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compose", str(BEES), "--outbox", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    manifest = json.loads((Path(out.strip()) / "manifest.json").read_text(encoding="utf-8"))
    assert any("the headline “" in w and "--title" in w for w in manifest["warnings"])
    assert err.count("the headline “") == 1  # printed once, not by the reader and the composition both


def test_a_warning_quoting_tag_shaped_text_is_defanged(undecided: None) -> None:
    paste = "<script>alert(1)</script> Bees are back\n" + BEES.read_text(encoding="utf-8")
    article = parse(paste, Source("bees.txt", "text"))
    assert any("‹script›" in d.message for d in article.doubts)
    assert not any("<script" in d.message for d in article.doubts)
