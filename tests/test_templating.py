"""Template lookup, overrides with --templates, autoescaping and error messages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from composer import templating
from composer.article import Article, Block, Summary
from composer.config import Settings
from composer.errors import TemplateError
from composer.newsletter.render import Entry, Issue, render_newsletter

ARTICLE = Article(title="Tide <tables> & times", body=(Block("paragraph", "Text."),), url="https://example.org/t")
SUMMARY = Summary(title=None, tldr="Lead <b>bold</b>.", summary="", key_points=("One point.",))
ISSUE = Issue(entries=(Entry(ARTICLE, SUMMARY),), subject="Tide tables")


def settings_with(tmp_path: Path, files: dict[str, str]) -> Settings:
    folder = tmp_path / "mine"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return Settings(templates_dir=folder)


def test_builtin_templates_are_found() -> None:
    folder = templating.builtin_templates_dir()
    for name in ("newsletter.mjml.j2", "digest.mjml.j2", "newsletter.txt.j2", "digest.txt.j2", "_layout.mjml.j2"):
        assert (folder / name).is_file()


def test_user_folder_overrides_one_file_and_keeps_the_rest(tmp_path: Path) -> None:
    footer = "\n--\nCustom footer from {{ theme.name }}\n"
    r = render_newsletter(ISSUE, settings_with(tmp_path, {"_footer.txt.j2": footer}))
    assert "Custom footer from The Composer" in r.text
    assert "You receive this newsletter" not in r.text  # the built-in footer was replaced
    assert "You receive this newsletter" in r.html  # the HTML still uses the built-in layout


def test_user_can_override_the_html_story_card(tmp_path: Path) -> None:
    card = ('<mj-section css-class="card"><mj-column><mj-text>MY CARD: {{ entry.title }}</mj-text>'
            "</mj-column></mj-section>\n")
    r = render_newsletter(ISSUE, settings_with(tmp_path, {"_story.mjml.j2": card}))
    assert "MY CARD: Tide &lt;tables&gt; &amp; times" in r.html


def test_autoescape_is_on_for_html_and_off_for_text() -> None:
    r = render_newsletter(ISSUE, Settings())
    assert "Tide &lt;tables&gt; &amp; times" in r.html and "<tables>" not in r.html
    assert "Lead &lt;b&gt;bold&lt;/b&gt;." in r.html
    assert "Tide <tables> & times" in r.text and "Lead <b>bold</b>." in r.text


def test_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    broken = "<mj-section>\n<mj-column>\n{% if entry.title %}\n<mj-text>{{ entry.title }</mj-text>\n"
    settings = settings_with(tmp_path, {"_story.mjml.j2": broken})
    with pytest.raises(TemplateError) as err:
        render_newsletter(ISSUE, settings)
    message = str(err.value)
    assert str(tmp_path / "mine" / "_story.mjml.j2") in message and "line 4" in message


def test_runtime_error_names_the_included_file_and_line(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, {"_story.txt.j2": "first line\n\n{{ entry.no_such_field.deeper }}\n"})
    with pytest.raises(TemplateError) as err:
        render_newsletter(ISSUE, settings)
    message = str(err.value)
    assert "_story.txt.j2, line 3" in message and "newsletter.txt.j2" in message
    assert "no_such_field" in message


def test_template_that_breaks_mjml_is_reported_with_its_name(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, {"newsletter.mjml.j2": "<mjml><mj-body><mj-section><mj-column>\n"})
    with pytest.raises(TemplateError, match=r"newsletter\.mjml\.j2.*MJML"):
        render_newsletter(ISSUE, settings)


def test_template_without_mjml_root_is_rejected(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, {"newsletter.mjml.j2": "<p>hello</p>\n"})
    with pytest.raises(TemplateError, match="did not produce an <mjml> document"):
        render_newsletter(ISSUE, settings)


def test_missing_templates_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="no such folder"):
        templating.make_env(tmp_path / "absent")


def test_missing_template_names_the_search_path(tmp_path: Path) -> None:
    env = templating.make_env(None)
    with pytest.raises(TemplateError, match="not found"):
        templating.render(env, "nope.mjml.j2")


def test_environment_is_cached_per_folder(tmp_path: Path) -> None:
    assert templating.make_env(None) is templating.make_env(None)
    (tmp_path / "a").mkdir()
    assert templating.make_env(tmp_path / "a") is not templating.make_env(None)


def test_digest_override(tmp_path: Path) -> None:
    two = dataclasses.replace(ISSUE, entries=ISSUE.entries * 2, kind="digest")
    toc = "DIGEST {{ entries|length }}\n{% include '_footer.txt.j2' %}"
    r = render_newsletter(two, settings_with(tmp_path, {"digest.txt.j2": toc}))
    assert r.text.startswith("DIGEST 2")


def _fresh_env(user_dir: Path) -> object:
    """A new environment for ``user_dir``, as a new process would build it (no in-memory cache)."""
    templating._env_for.cache_clear()
    return templating.make_env(user_dir)


def test_compiled_templates_are_cached_between_runs_and_never_stale(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    user = tmp_path / "tpl"
    user.mkdir()
    (user / "hello.txt.j2").write_text("Hello {{ name }}\n", encoding="utf-8")
    env = _fresh_env(user)
    assert env.get_template("hello.txt.j2").render(name="A") == "Hello A\n"
    cached = list((tmp_path / "cache" / "composer").rglob("*.cache"))
    assert cached, "the compiled template was not written to the cache"
    # An edited template is recompiled, not served from the cache.
    (user / "hello.txt.j2").write_text("Goodbye {{ name }}\n", encoding="utf-8")
    env = _fresh_env(user)
    assert env.get_template("hello.txt.j2").render(name="A") == "Goodbye A\n"
    templating._env_for.cache_clear()


def test_cache_folder_open_to_others_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cached bytecode is code: a folder others can write to is never read from."""
    folder = tmp_path / "cache" / "composer"
    folder.mkdir(parents=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    import jinja2

    (folder / f"jinja-{jinja2.__version__}").mkdir(mode=0o777)
    (folder / f"jinja-{jinja2.__version__}").chmod(0o777)
    assert templating._bytecode_cache() is None


def test_cache_can_be_turned_off_and_survives_an_unwritable_home(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPOSER_CACHE", "off")
    assert templating._bytecode_cache() is None
    monkeypatch.delenv("COMPOSER_CACHE")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert templating._bytecode_cache() is None
    env = _fresh_env(tmp_path)
    assert env.get_template("newsletter.txt.j2") is not None
    templating._env_for.cache_clear()
