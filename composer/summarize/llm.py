"""Optional LLM summariser: any OpenAI-compatible chat-completions endpoint.

Why optional and guarded: a language model can write a better TL;DR than any extractive
method, but it can also be down, slow, or make things up. So the call has a timeout, the prompt
asks for strict JSON with the Summary fields, and everything that comes back is checked (types,
lengths, hashtag rules, and no URL that is not in the article). Any failure returns the
extractive summary unchanged with a one-line warning; the API key never appears in a warning.

Works with a local llama.cpp or Ollama server (``LLM_BASE_URL=http://127.0.0.1:11434/v1``) or a
hosted one. Only the standard library is used for HTTP, so this adds no dependency.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from composer import regexcache as rx
from composer.article import Article, Summary
from composer.summarize import shorten
from composer.summarize.keywords import hashtags as make_hashtags

__all__ = ["LLMSettings", "summarise_llm", "build_messages", "validate"]

MAX_INPUT_CHARS = 12_000  # enough for a long news story; keeps small local models within context
# A URL: with a scheme, starting "www.", or a bare domain followed by a path ("example.com/story").
_URL = rx.compile(r"(?:https?://|www\.|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/)[^\s\"'<>)\]]*", re.IGNORECASE)

SYSTEM_PROMPT = """You summarise news articles for a newsletter. Use only facts stated in the article.
Reply with one JSON object and nothing else, with exactly these keys:
  "tldr": one sentence, at most 200 characters;
  "summary": two or three sentences;
  "key_points": a list of 3 to 5 short sentences, each a fact from the article;
  "keywords": a list of up to 8 names or terms from the article;
  "hashtags": a list of up to 4 CamelCase hashtags like "#MarkRutte", letters and digits only.
Write in the article's language ({language}). Do not include any URL, byline, photo caption,
credit or call to action."""


@dataclass(frozen=True)
class LLMSettings:
    """Where and how to call the model; built by the config layer from ``LLM_*`` settings.

    ``base_url`` is the API root (``…/v1``); ``/chat/completions`` is appended unless present.
    ``api_key`` is optional (local servers need none) and excluded from ``repr``.
    """

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 30.0

    @property
    def endpoint(self) -> str:
        url = self.base_url.rstrip("/")
        return url if url.endswith("/chat/completions") else url + "/chat/completions"


class _Rejected(Exception):
    """The model answered, but not with something we can use."""


def _article_text(article: Article) -> str:
    parts = []
    if article.title:
        parts.append(f"Title: {article.title}")
    if article.standfirst:
        parts.append(f"Standfirst: {article.standfirst}")
    parts.append(article.text)
    text = "\n\n".join(parts)
    return text[:MAX_INPUT_CHARS]


def build_messages(article: Article, language: str) -> list[dict[str, str]]:
    """The chat messages for ``article`` (separate so the prompt can be inspected and tested)."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(language=language)},
        {"role": "user", "content": _article_text(article)},
    ]


def _post(settings: LLMSettings, payload: dict) -> dict:
    data = json.dumps(payload).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    req = urllib.request.Request(settings.endpoint, data=data, headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=settings.timeout) as resp:  # noqa: S310 - URL from config
        body = resp.read(2_000_000)
    try:
        return json.loads(body)
    except ValueError as exc:
        raise _Rejected("the server's reply is not JSON") from exc


def _content(reply: dict) -> str:
    try:
        content = reply["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise _Rejected("the reply has no choices[0].message.content") from exc
    if not isinstance(content, str):
        raise _Rejected("the message content is not text")
    return content


def _parse_json_object(content: str) -> dict:
    """The JSON object in the model's answer, tolerating a Markdown code fence around it."""
    text = content.strip()
    if text.startswith("```"):
        text = re.sub(r"^```[a-zA-Z]*\s*|\s*```$", "", text)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise _Rejected("the answer contains no JSON object")
    try:
        obj = json.loads(text[start : end + 1])
    except ValueError as exc:
        raise _Rejected("the answer is not valid JSON") from exc
    if not isinstance(obj, dict):
        raise _Rejected("the answer is not a JSON object")
    return obj


def _text(value: object, name: str, max_chars: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Rejected(f"{name!r} is missing or not text")
    value = " ".join(value.split())
    if len(value) > max_chars:
        raise _Rejected(f"{name!r} is longer than {max_chars} characters")
    return value


def _texts(value: object, name: str, max_items: int, max_chars: int) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Rejected(f"{name!r} is not a list of strings")
    items = [" ".join(v.split()) for v in value if v.strip()]
    if any(len(v) > max_chars for v in items):
        raise _Rejected(f"an item of {name!r} is longer than {max_chars} characters")
    return items[:max_items]


def validate(obj: dict, article: Article, fallback: Summary, tldr_max_chars: int = 200) -> Summary:
    """A Summary from the model's JSON, or ``_Rejected`` when it breaks the rules.

    Title, language and reading time are facts about the article, so they come from the
    extractive ``fallback``, never from the model.
    """
    tldr = _text(obj.get("tldr"), "tldr", 2 * tldr_max_chars)
    tldr = shorten(tldr, tldr_max_chars)
    summary = _text(obj.get("summary"), "summary", 1200)
    points = _texts(obj.get("key_points"), "key_points", 5, 400)
    needed = max(1, min(3, len(fallback.key_points)))
    if len(points) < needed:
        raise _Rejected(f"'key_points' has {len(points)} items, expected 3 to 5")
    keywords = _texts(obj.get("keywords", []), "keywords", 8, 60)
    raw_tags = obj.get("hashtags", [])
    tags = _texts(raw_tags, "hashtags", 10, 60) if raw_tags else []
    # Hashtags go through the same rules as extractive ones (CamelCase, #\w+, no stop words, no
    # sensitive or CMS words), and, as there, they must be visible in the title, standfirst, lead
    # or TL;DR.
    lead = "\n".join(b.text for b in article.body[:4])
    grounding = "\n".join(x for x in (article.title, article.standfirst, tldr, lead) if x)
    hashtags = make_hashtags([t.lstrip("#") for t in tags] + keywords, fallback.language, 4, grounding=grounding,
                             text="\n".join([article.title or "", lead])) or list(fallback.hashtags)

    known = " ".join(
        [article.text, article.url or "", article.standfirst or "", *(r.url or "" for r in article.related)]
    )
    for value in [tldr, summary, *points, *keywords]:
        for url in _URL.findall(value):
            if url.rstrip(".,;:!?") not in known:
                raise _Rejected("the answer contains a URL that is not in the article")
    return Summary(
        title=fallback.title,
        tldr=tldr,
        summary=summary,
        key_points=tuple(points),
        keywords=tuple(keywords) or fallback.keywords,
        hashtags=tuple(hashtags),
        language=fallback.language,
        reading_time_min=fallback.reading_time_min,
    )


def _mask(message: str, settings: LLMSettings) -> str:
    if settings.api_key:
        message = message.replace(settings.api_key, "***")
    return message


def _public_url(url: str) -> str:
    """The endpoint as safe to print: no user:password@ and no query string (keys hide there)."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))
    except ValueError:
        return "the configured LLM_BASE_URL"


def summarise_llm(article: Article, settings: LLMSettings, fallback: Summary) -> tuple[Summary, str | None]:
    """The model's summary of ``article``, or ``(fallback, warning)`` when anything goes wrong.

    Never raises for network, server or model failures: the newsletter still goes out with the
    extractive summary, and the warning tells the user what to fix.
    """
    payload = {
        "model": settings.model,
        "messages": build_messages(article, fallback.language),
        "temperature": 0,
    }
    where = _public_url(settings.endpoint)
    try:
        summary = validate(_parse_json_object(_content(_post(settings, payload))), article, fallback)
        return summary, None
    except _Rejected as exc:
        reason = f"the model's answer was rejected ({exc})"
    except urllib.error.HTTPError as exc:
        reason = f"the server answered HTTP {exc.code}" + (" (check LLM_API_KEY)" if exc.code in (401, 403) else "")
    except TimeoutError:
        reason = f"no answer within {settings.timeout:g} s (raise LLM_TIMEOUT or check the server)"
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            reason = f"no answer within {settings.timeout:g} s (raise LLM_TIMEOUT or check the server)"
        else:
            reason = f"cannot reach the server ({exc.reason}); check LLM_BASE_URL"
    except (OSError, ValueError, http.client.HTTPException) as exc:
        reason = f"the request failed ({type(exc).__name__}: {exc})"
    warning = f"LLM summary unavailable from {where}: {reason}; using the extractive summary"
    return fallback, _mask(warning, settings)
