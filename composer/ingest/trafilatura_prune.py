"""trafilatura's pruning expressions, evaluated in Python for composer's reader.

trafilatura prunes boilerplate with XPath expressions that test ``id``, ``class`` and ``style``
values with EXSLT regular expressions (``re:test``). lxml answers each ``re:test`` by calling
back into Python, once per candidate element and per test, whether or not the element has the
attribute: on the corpus pages that is ~6 ms a page for one expression, and composer's
precision mode evaluates it twice (once more on the uncleaned page, for readability's turn),
which made the prunes a third of the reader's time.

Here each of those expressions is a small Python predicate over the same elements with the
same regular expressions, taken from trafilatura's own expression text at start-up, and each
distinct attribute value is searched once per page. The answer is the same list of elements in
the same (document) order, because:

* the candidates are the same elements (``iterdescendants`` over the same tag names, or over
  all elements for ``.//*``, skipping comments and processing instructions as ``*`` does);
* a missing attribute reads as ``""``, as XPath's string of an empty node-set, and is searched
  like any value (so a pattern that matched the empty string would still match);
* ``@id|@class`` reads as the first of the two in the element's attribute order, which is the
  node-set's document order in libxml2 and what lxml's ``re:test`` takes;
* the searches are ``re.search`` with ``re.UNICODE``, as lxml's ``re:test`` runs them.

An expression is replaced only when its text, with the regular expressions left out, is the one
these predicates were written from (``_SHAPES``, CRC-32 of the normalised text): a trafilatura
that changes the structure keeps its own expressions, while new tokens in its regular
expressions are picked up as they are. The switch is scoped: only code running inside
:func:`python_prunes` (composer's reader) sees the Python predicates; any other caller of
trafilatura in the process, the benchmark's ``trafilatura.extract`` included, iterates
trafilatura's original XPath objects.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

_ACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar("composer_python_prunes", default=False)
_RE_TEST = re.compile(r"re:test\(([@\w|-]+),\s*'([^']*)'\)")
_WS = re.compile(r"\s+")
_SIX = ("div", "item", "list", "p", "section", "span")

Element = Any  # an lxml element (HtmlElement or _Element)
Match = Callable[[Element], list[Element]]


@contextlib.contextmanager
def python_prunes() -> Iterator[None]:
    """Inside this block (this thread or task only), trafilatura's regex prunes run in Python."""
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


class _Search:
    """``re:test(value, pattern)`` with one search per distinct value (bounded memo)."""

    __slots__ = ("_memo", "_search")

    def __init__(self, pattern: str) -> None:
        self._search = re.compile(pattern, re.UNICODE).search
        self._memo: dict[str, bool] = {}

    def __call__(self, value: str) -> bool:
        hit = self._memo.get(value)
        if hit is None:
            if len(self._memo) > 4096:
                self._memo.clear()
            hit = self._memo[value] = self._search(value) is not None
        return hit


def _first(el: Element, a: str, b: str) -> str:
    """XPath's string of ``@a|@b``: the value of whichever comes first on the element."""
    va, vb = el.get(a), el.get(b)
    if va is None:
        return vb or ""
    if vb is None:
        return va
    for key in el.attrib:  # in the order the page gives them
        if key == a:
            return va
        if key == b:
            return vb
    return va  # not reached: both were found above


def _selecting(tags: tuple[str, ...], test: Callable[[Element], bool]) -> Match:
    """The XPath ``.//*[one of tags][test]`` (any element when ``tags`` is empty), in document order."""
    if tags:
        return lambda tree: [el for el in tree.iterdescendants(*tags) if test(el)]
    return lambda tree: [el for el in tree.iterdescendants(etree.Element) if test(el)]


def _overall_boilerplate(rx: list[_Search]) -> Match:
    """``.//*[six tags][@data-lp-replacement-content or contains(translate(@role,'N','n'),'nav')
    or contains(@data-component,'MostPopularStories') or re:test(@id|@class, r0)
    or re:test(@id, r1) or re:test(@class, r2)]``"""
    either, by_id, by_class = rx

    def test(el: Element) -> bool:
        get = el.get
        return bool(get("data-lp-replacement-content") is not None
                    or "nav" in (get("role") or "").replace("N", "n")
                    or "MostPopularStories" in (get("data-component") or "")
                    or either(_first(el, "id", "class"))
                    or by_id(get("id") or "")
                    or by_class(get("class") or ""))

    return _selecting(_SIX, test)


def _overall_hidden(rx: list[_Search]) -> Match:
    """``.//*[@class='comments-title' or starts-with(@id|@class,'reply-') or re:test(@id|@style, r0)
    or contains(@style,'display:none') or contains(@style,'display: none') or re:test(@id, r1)
    or re:test(@class, r2) or @aria-hidden='true']``"""
    id_or_style, by_id, by_class = rx

    def test(el: Element) -> bool:
        get = el.get
        style = get("style") or ""
        return bool(get("class") == "comments-title"
                    or _first(el, "id", "class").startswith("reply-")
                    or id_or_style(_first(el, "id", "style"))
                    or "display:none" in style or "display: none" in style
                    or by_id(get("id") or "")
                    or by_class(get("class") or "")
                    or get("aria-hidden") == "true")

    return _selecting((), test)


def _raw_tree_ads(rx: list[_Search]) -> Match:
    """``.//*[self::div or self::section or self::aside][re:test(@id, r0) or re:test(@class, r1)]
    [not(.//h1) or re:test(@id, r2) or re:test(@class, r3)]``"""
    id0, class0, id1, class1 = rx

    def test(el: Element) -> bool:
        ident, cls = el.get("id") or "", el.get("class") or ""
        return bool((id0(ident) or class0(cls))
                    and (next(el.iterdescendants("h1"), None) is None or id1(ident) or class1(cls)))

    return _selecting(("div", "section", "aside"), test)


def _comments_and_lists(rx: list[_Search]) -> Match:
    """``.//*[div, list, section, details, ol or ul][re:test(@id, r0) or re:test(@class, r1)]
    [not(self::ol or self::ul) or re:test(@id, r2) or re:test(@class, r3)]``"""
    id0, class0, id1, class1 = rx

    def test(el: Element) -> bool:
        ident, cls = el.get("id") or "", el.get("class") or ""
        return bool((id0(ident) or class0(cls)) and (el.tag not in ("ol", "ul") or id1(ident) or class1(cls)))

    return _selecting(("div", "list", "section", "details", "ol", "ul"), test)


def _comments(rx: list[_Search]) -> Match:
    """``.//*[div, list, section or details][re:test(@id, r0) or re:test(@class, r1)]``"""
    by_id, by_class = rx

    def test(el: Element) -> bool:
        return by_id(el.get("id") or "") or by_class(el.get("class") or "")

    return _selecting(("div", "list", "section", "details"), test)


def _precision_edges(rx: list[_Search]) -> Match:
    """``.//*[six tags][re:test(@id|@class, r0) or re:test(@id|@class, r1) or contains(@style,'border')]``"""
    first, second = rx

    def test(el: Element) -> bool:
        value = _first(el, "id", "class")
        return first(value) or second(value) or "border" in (el.get("style") or "")

    return _selecting(_SIX, test)


# The normalised text of each expression with its regular expressions left out → its predicate.
_SHAPES: dict[int, Callable[[list[_Search]], Match]] = {
    0xDAB66126: _overall_boilerplate,
    0xC2367A21: _overall_hidden,
    0xB3D1C0F6: _raw_tree_ads,
    0xFA59F4D8: _comments_and_lists,
    0x423F2C54: _comments,
    0x05C7B08F: _precision_edges,
}


def shape(path: str) -> tuple[int, list[str]]:
    """CRC-32 of ``path`` normalised, with each ``re:test`` pattern replaced by ``'?'``, and the
    patterns in order."""
    patterns: list[str] = []

    def blank(found: re.Match[str]) -> str:
        patterns.append(found[2])
        return f"re:test({found[1]}, '?')"

    text = _WS.sub(" ", _RE_TEST.sub(blank, path)).strip()
    return zlib.crc32(text.encode()), patterns


def python_form(expression: Any) -> Match | None:
    """The Python predicate for one of trafilatura's XPath objects, or None if it has none."""
    path = getattr(expression, "path", None)
    if not isinstance(path, str) or "re:test" not in path:
        return None
    crc, patterns = shape(path)
    build = _SHAPES.get(crc)
    if build is None:
        return None
    try:
        return build([_Search(p) for p in patterns])
    except (ValueError, re.error):  # another number of patterns, or one Python cannot compile
        return None


class _Switch(list):  # type: ignore[type-arg]
    """trafilatura's list of expressions, iterated as Python predicates inside :func:`python_prunes`."""

    def __init__(self, original: list[Any], fast: list[Any]) -> None:
        super().__init__(original)
        self.original = original
        self.fast = fast

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fast) if _ACTIVE.get() else list.__iter__(self)


# Where trafilatura uses each list (module, name): its prune calls look the name up there.
_USES = {
    "OVERALL_DISCARD_XPATH": ("trafilatura.main_extractor", "trafilatura.external"),
    "PRECISION_DISCARD_XPATH": ("trafilatura.main_extractor",),
    "RAW_TREE_PRUNE_XPATH": ("trafilatura.core",),
    "REMOVE_COMMENTS_AND_LISTS_XPATH": ("trafilatura.core",),
    "REMOVE_COMMENTS_XPATH": ("trafilatura.core",),
}


def install() -> int:
    """Give trafilatura's modules switchable lists; return how many expressions have a Python form.

    Safe to call again (lists already switched are left alone). A list is switched only where
    every module that uses it still holds trafilatura's own list object under that name.
    """
    import importlib

    from trafilatura import xpaths

    count = 0
    for name, modules in _USES.items():
        original = getattr(xpaths, name, None)
        if not isinstance(original, list):
            continue
        users = [importlib.import_module(m) for m in modules]
        held = [getattr(m, name, None) for m in users]
        if all(isinstance(h, _Switch) and h.original is original for h in held):
            count += sum(f is not o for f, o in zip(held[0].fast, original, strict=True))
            continue
        if not all(h is original for h in held):
            continue  # someone else changed them: leave trafilatura as it is
        fast = [python_form(x) or x for x in original]
        swapped = sum(f is not o for f, o in zip(fast, original, strict=True))
        if not swapped:
            continue
        switch = _Switch(original, fast)
        for module in users:
            setattr(module, name, switch)
        count += swapped
    return count
