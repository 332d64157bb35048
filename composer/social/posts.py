"""Social posts and threads for every network, fitted by each network's own counter.

For each network the writer produces what a social editor would publish:

* a **single post** — the hook (the TL;DR, else the title), the link, and up to a few hashtags.
  When it is too long, hashtags go first (from the last), then the hook is shortened: to its
  first sentence if that is enough, else at a word boundary ending in "…";
* a **thread** — an opener (the title, else the TL;DR) and the key points, one per post,
  each split further at sentence, then clause, then word boundaries when it is too long, never
  inside a word (LinkedIn, which has no threads, gathers them into as few posts as fit). Parts are numbered
  ("2/5") with room reserved for the widest number; a part that cuts a sentence ends with "…";
  a part never holds a lone word left over from the previous one. The link goes into the first
  or the last part, as configured, and always shares the part with text.

Bluesky posts show a short form of the link and carry the full URL in a link facet; facets use
UTF-8 **byte** offsets, ready for an ``app.bsky.feed.post`` record. The ``posts.json`` shape is
``{"x": {"post", "thread"}, "bluesky": {"post", "thread", "facets", "thread_facets"}, …}``:
``facets`` belongs to ``post`` and ``thread_facets[i]`` to ``thread[i]``.

Everything is measured with :mod:`composer.social.networks`, the same code the ``count`` command
uses, so a post we write is one the network accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import regex

from composer import regexcache as rx
from composer.article import Article, Summary
from composer.links import add_utm, checked_link, display_url
from composer.social import networks as counting
from composer.textutil import clean_line

__all__ = ["PostOptions", "write_posts", "write_post", "write_thread", "bluesky_facets", "NETWORKS"]

NETWORKS = counting.NETWORKS
ELLIPSIS = "…"


@dataclass(frozen=True)
class PostOptions:
    """How posts are written; the defaults suit most newsrooms.

    ``utm`` values may contain ``{network}``, replaced by the network's name, so one setting
    (``utm_source={network}``) tells the analytics which network a click came from.
    """

    link_position: str = "last"  # "first" | "last": where a thread carries the link
    utm: Mapping[str, str] | None = None
    max_hashtags: int = 3
    mastodon_limit: int = 500
    numbering: bool = True
    networks: tuple[str, ...] = field(default=NETWORKS)


# --- tokens -------------------------------------------------------------------------------------
# A thread is a list of tokens (words, or CJK phrases), each with the separator that precedes it
# and the strength of the boundary before it: 4 forced break, 3 paragraph, 2 sentence, 1 clause,
# 0 word.
# `glue` forbids a break before the token (a link never stands alone).


@dataclass(frozen=True)
class _Tok:
    text: str
    sep: str
    strength: int
    glue: bool = False


_CLAUSE_END = rx.compile(r"[,;:]['\"’”)\]]*$")
_DASHES = {"—", "–", "-"}
_CJK_SPLIT = regex.compile(r"(?<=[。！？])|(?<=[，、；：])")
_CJK_SENTENCE_END = ("。", "！", "？")


def _sentences(paragraph: str, lang: str) -> list[str]:
    try:
        from composer.summarize.sentences import split_sentences

        return split_sentences(paragraph, lang)
    except Exception:  # the splitter is an optimisation for quality, never a reason to fail
        return [" ".join(paragraph.split())]


def _tokens(paragraphs: list[str], lang: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for para in paragraphs:
        first_in_para = True
        for sentence in _sentences(para, lang):
            words = sentence.split()
            for wi, word in enumerate(words):
                if first_in_para:
                    strength, sep = 3, "\n\n"
                elif wi == 0:
                    strength, sep = 2, " "
                elif _CLAUSE_END.search(words[wi - 1]) or word in _DASHES:
                    strength, sep = 1, " "
                else:
                    strength, sep = 0, " "
                pieces = [p for p in _CJK_SPLIT.split(word) if p] if len(word) > 1 else [word]
                for pi, piece in enumerate(pieces):
                    if pi == 0:
                        toks.append(_Tok(piece, sep, strength))
                    else:
                        prev = pieces[pi - 1]
                        toks.append(_Tok(piece, "", 2 if prev.endswith(_CJK_SENTENCE_END) else 1))
                first_in_para = False
    return toks


def _join(toks: list[_Tok]) -> str:
    return "".join((t.sep if i else "") + t.text for i, t in enumerate(toks))


def _graphemes(text: str) -> list[str]:
    return regex.findall(r"\X", text)


# --- fitting -------------------------------------------------------------------------------------


def _split_long_token(tok: _Tok, fits: Callable[[str], bool]) -> list[_Tok]:
    """Last resort for a token longer than a whole part (a CJK run, a giant URL): grapheme pieces."""
    gs = _graphemes(tok.text)
    out: list[_Tok] = []
    start = 0
    while start < len(gs):
        lo, hi = start + 1, len(gs)
        while lo < hi:  # most graphemes that fit with the "…" this cut will need
            mid = (lo + hi + 1) // 2
            if fits("".join(gs[start:mid]) + ELLIPSIS):
                lo = mid
            else:
                hi = mid - 1
        first = not out
        out.append(_Tok("".join(gs[start:lo]), tok.sep if first else "", tok.strength if first else 0, tok.glue and first))
        start = lo
    return out


def _pack(toks: list[_Tok], fits: Callable[[str], bool], hard: int = 4) -> list[str]:
    """Greedy packing into parts, preferring the strongest boundary that keeps a part well filled.

    A boundary of strength ``hard`` or more always starts a new part (3: one key point per post).
    Returns the parts' texts; a part that stops inside a sentence already ends with "…".
    """
    parts: list[str] = []
    i = 0
    n = len(toks)

    def text_for(a: int, b: int) -> str:  # tokens a..b-1, with "…" when the cut is inside a sentence
        body = _join(toks[a:b])
        if b >= n or toks[b].strength >= 2:
            return body
        # "values…" reads better than "values,…"; the comma carries nothing once the part ends.
        trimmed = body.rstrip(",;:")
        return (trimmed or body) + ELLIPSIS

    def ok(a: int, b: int) -> bool:
        return not (b < n and toks[b].glue) and fits(text_for(a, b))

    while i < n:
        if not fits(text_for(i, i + 1)):
            pieces = _split_long_token(toks[i], fits)
            if len(pieces) > 1:
                toks[i:i + 1] = pieces
                n = len(toks)
                continue
        # Largest end b such that toks[i:b] fits (binary search: longer text never counts less),
        # never past a hard break (strength 4).
        limit = next((h for h in range(i + 1, n) if toks[h].strength >= hard and not toks[h].glue), n)
        lo, hi = i + 1, limit
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits(_join(toks[i:mid])):
                lo = mid
            else:
                hi = mid - 1
        best = lo
        while best > i + 1 and not ok(i, best):
            best -= 1
        if not ok(i, best):
            # Nothing fits with its glued follower (a huge word right before the link): the limit
            # matters more than keeping the link company, so cut where the text fits.
            best = lo
            while best > i + 1 and not fits(text_for(i, best)):
                best -= 1
            parts.append(text_for(i, best))
            i = best
            continue
        end = _prefer_boundary(toks, i, best, n, text_for)
        parts.append(text_for(i, end))
        i = end
    return parts


def _prefer_boundary(toks: list[_Tok], i: int, best: int, n: int, text_for: Callable[[int, int], str]) -> int:
    """Move the cut back to a paragraph, sentence or clause boundary when that costs little room."""
    if best >= n:
        return best
    size = len(text_for(i, best))
    # Paragraph breaks win at any fill (one key point per part reads best); weaker ones only when
    # the part stays reasonably full, so a thread does not fan out into many half-empty posts.
    for strength, min_fill in ((3, 0.0), (2, 0.45), (1, 0.65)):
        for b in range(best, i, -1):
            if toks[b].strength >= strength and not toks[b].glue and len(_join(toks[i:b])) >= min_fill * size:
                return _avoid_lonely_tail(toks, i, b, n)
    return _avoid_lonely_tail(toks, i, best, n)


def _avoid_lonely_tail(toks: list[_Tok], i: int, b: int, n: int) -> int:
    """Never leave a single word of a sentence to open the next part on its own."""
    if b >= n or toks[b].strength >= 2:
        return b
    rest = b
    while rest < n and (rest == b or toks[rest].strength < 2):
        rest += 1
    if rest - b == 1 and b - 1 > i and not toks[b - 1].glue and not toks[b].glue:
        return b - 1
    return b


# --- hashtags, links -----------------------------------------------------------------------------

_TAG_WORDS = regex.compile(r"[\p{L}\p{N}_]+")


def _hashtag(tag: str) -> str | None:
    words = _TAG_WORDS.findall(tag)
    if not words:
        return None
    # "climate change" → "ClimateChange"; acronyms keep their capitals.
    body = words[0] if len(words) == 1 else "".join(w if w.isupper() else w[:1].upper() + w[1:] for w in words)
    if body.isdigit() or len(body) < 2:
        return None
    return "#" + body


def _hashtags(summary: Summary, limit: int, already: str) -> list[str]:
    out: list[str] = []
    seen = {m.lower() for m in regex.findall(r"#[\p{L}\p{N}_]+", already)}
    for raw in summary.hashtags:
        tag = _hashtag(raw)
        if tag and tag.lower() not in seen:
            out.append(tag)
            seen.add(tag.lower())
        if len(out) >= limit:
            break
    return out


def _link(article: Article, options: PostOptions, network: str) -> str | None:
    url = checked_link(article.url)
    if url is None:
        return None
    utm = {k: v.replace("{network}", network) for k, v in (options.utm or {}).items()} if options.utm else None
    return add_utm(url, utm)


def bluesky_facets(text: str, links: Mapping[str, str]) -> list[dict[str, Any]]:
    """Link and hashtag facets for ``text`` with UTF-8 byte offsets (``app.bsky.richtext.facet``).

    ``links`` maps the text shown in the post to the URL it stands for.
    """
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for shown, uri in links.items():
        # Only where the link stands as a word of its own, not inside other text that happens to
        # contain the same characters.
        for m in regex.finditer(r"(?<!\S)" + regex.escape(shown) + r"(?!\S)", text):
            spans.append((m.start(), m.end(), {"$type": "app.bsky.richtext.facet#link", "uri": uri}))
    for m in regex.finditer(r"(?<![\p{L}\p{N}_#&])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)", text):
        if not any(s <= m.start() < e for s, e, _ in spans):
            spans.append((m.start(), m.end(), {"$type": "app.bsky.richtext.facet#tag", "tag": m.group(1)}))
    spans.sort(key=lambda s: s[0])

    def byte(i: int) -> int:
        return len(text[:i].encode("utf-8"))

    return [{"index": {"byteStart": byte(s), "byteEnd": byte(e)}, "features": [feature]} for s, e, feature in spans]


# --- single post -----------------------------------------------------------------------------------


def _first_sentence(text: str, lang: str) -> str:
    sents = _sentences(text, lang)
    return sents[0] if sents else text


def _shorten(hook: str, build: Callable[[str], str], fits: Callable[[str], bool], lang: str) -> str:
    """The longest start of ``hook`` (whole sentence, else whole words + "…") whose post fits."""
    if fits(build(hook)):
        return hook
    first = _first_sentence(hook, lang)
    if first != hook and fits(build(first)):
        return first
    words = first.split()
    lo, hi = 0, len(words) - 1
    while lo < hi:  # most words w such that words[:w] + "…" fits
        mid = (lo + hi + 1) // 2
        if fits(build(" ".join(words[:mid]).rstrip(",;:—–-") + ELLIPSIS)):
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return ""
    return " ".join(words[:lo]).rstrip(",;:—–-") + ELLIPSIS


def _assemble(blocks: list[str]) -> str:
    return "\n\n".join(b for b in blocks if b)


@dataclass(frozen=True)
class _Target:
    """What a post and a thread for one network both start from."""

    options: PostOptions
    net: counting.Network
    lang: str
    fits: Callable[[str], bool]
    url: str | None  # the full link (UTM added), or None
    shown: str | None  # the link as the post shows it


def _target(article: Article, summary: Summary, network: str, options: PostOptions | None) -> _Target:
    options = options or PostOptions()
    net = counting.network(network)
    url = _link(article, options, network)
    return _Target(
        options=options,
        net=net,
        lang=summary.language or article.language or "en",
        fits=_fitter(network, options),
        url=url,
        shown=display_url(url) if (url and net.short_links) else url,
    )


def write_post(article: Article, summary: Summary, network: str, options: PostOptions | None = None) -> dict[str, Any]:
    """The single post for ``network``: ``{"post": str}`` plus ``facets`` for Bluesky."""
    target = _target(article, summary, network, options)
    options, net, lang, fits, url, shown = target.options, target.net, target.lang, target.fits, target.url, target.shown
    title = clean_line(summary.title or article.title or "")
    tldr = clean_line(summary.tldr or "")
    hook = tldr or title or (clean_line(summary.key_points[0]) if summary.key_points else "")
    lead: list[str] = []
    body: list[str] = []
    if net.title_line and title and tldr and not _same_start(title, tldr):
        lead = [title]
    if net.key_point_list:
        # The key points as a short list, minus any that only repeat the hook.
        bullets = [clean_line(p) for p in summary.key_points[:5] if clean_line(p)]
        bullets = [b for b in bullets if not _same_start(b, hook) and not _same_start(hook, b)]
        body = ["\n".join(f"• {b}" for b in bullets)] if bullets else []
    limit = options.max_hashtags if net.max_hashtags is None else net.max_hashtags
    tags = _hashtags(summary, max(0, min(limit, options.max_hashtags)), hook)

    def build(h: str, tag_list: list[str], with_lead: bool = True, with_body: bool = True) -> str:
        return _assemble([*(lead if with_lead else []), h, *(body if with_body else []), shown or "",
                          " ".join(tag_list)])

    # Trim in the order an editor would: extra hashtags, the key-point list, the title line, and
    # only then the hook itself.
    tag_list = list(tags)
    while tag_list and not fits(build(hook, tag_list)):
        tag_list.pop()
    with_body = fits(build(hook, tag_list)) or not body
    if not with_body:
        body_text = body[0].split("\n")
        while body_text and not fits(_assemble([*lead, hook, "\n".join(body_text), shown or "", " ".join(tag_list)])):
            body_text.pop()
        body = ["\n".join(body_text)] if body_text else []
    with_lead = fits(build(hook, tag_list)) or not lead
    final_hook = _shorten(hook, lambda h: build(h, tag_list, with_lead), fits, lang)
    post = build(final_hook, tag_list, with_lead)
    out: dict[str, Any] = {"post": post}
    if net.facets:
        out["facets"] = bluesky_facets(post, {shown: url} if shown and url else {})
    return out


def _same_start(a: str, b: str) -> bool:
    na, nb = a.lower().rstrip(".!?"), b.lower()
    return nb.startswith(na[: max(20, len(na) // 2)])


# --- thread --------------------------------------------------------------------------------------------


def _fitter(network: str, options: PostOptions) -> Callable[[str], bool]:
    def fits(text: str) -> bool:
        return counting.fits(text, network, mastodon_limit=options.mastodon_limit)

    return fits


def _numbered(text: str, i: int, n: int) -> str:
    return f"{text} {i}/{n}"


def write_thread(article: Article, summary: Summary, network: str, options: PostOptions | None = None) -> dict[str, Any]:
    """The thread for ``network``: ``{"thread": [str, …]}`` plus ``thread_facets`` for Bluesky."""
    target = _target(article, summary, network, options)
    options, net, lang, base_fits, url, shown = (target.options, target.net, target.lang, target.fits, target.url,
                                                 target.shown)
    opener = clean_line(summary.title or article.title or "") or clean_line(summary.tldr or "")
    points = [clean_line(p) for p in summary.key_points if clean_line(p)]
    if not points and summary.tldr and clean_line(summary.tldr) != opener:
        points = [clean_line(summary.tldr)]
    points = [p for p in points if p.lower() != opener.lower()]
    paragraphs = [p for p in [opener, *points] if p]
    toks = _tokens(paragraphs, lang)
    if shown:
        link_tok = _Tok(shown, "\n\n", 3, glue=True)
        if options.link_position == "first":
            # Right after the opener's last word, so the first post carries the link.
            opener_len = len(_tokens([paragraphs[0]], lang)) if paragraphs else 0
            toks.insert(opener_len, link_tok)
            after = opener_len + 1
            if after < len(toks):
                # The first post is the headline and its link; the key points follow on their own.
                toks[after] = _Tok(toks[after].text, toks[after].sep, 4)
        else:
            toks.append(link_tok)
    if not toks:
        return {"thread": []} | ({"thread_facets": []} if net.facets else {})

    # A thread gives each key point its own post, as an editor would; LinkedIn has no threads, so
    # there the "thread" is the points gathered into as few posts as fit.
    hard = 3 if net.replies else 4
    parts = _pack(list(toks), base_fits, hard)
    if len(parts) > 1 and options.numbering:
        # Reserve the width of the widest number ("99/99" once there are ten parts or more);
        # repack when the count outgrows the reservation.
        digits = 1
        while True:
            reserve = " " + "9" * digits + "/" + "9" * digits
            parts = _pack(list(toks), lambda t, r=reserve: base_fits(t + r), hard)
            if len(str(len(parts))) <= digits:
                break
            digits = len(str(len(parts)))
    n = len(parts)
    texts = [_numbered(body, k + 1, n) if (options.numbering and n > 1) else body for k, body in enumerate(parts)]
    out: dict[str, Any] = {"thread": texts}
    if net.facets:
        out["thread_facets"] = [bluesky_facets(t, {shown: url} if shown and url else {}) for t in texts]
    return out


def write_posts(article: Article, summary: Summary, options: PostOptions | None = None) -> dict[str, Any]:
    """``posts.json``: for every network its single post and its thread."""
    options = options or PostOptions()
    out: dict[str, Any] = {}
    for network in options.networks:
        entry: dict[str, Any] = {}
        post = write_post(article, summary, network, options)
        thread = write_thread(article, summary, network, options)
        entry["post"] = post["post"]
        entry["thread"] = thread["thread"]
        if counting.network(network).facets:
            entry["facets"] = post["facets"]
            entry["thread_facets"] = thread["thread_facets"]
        out[network] = entry
    return out
