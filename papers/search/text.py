"""Text rules shared by both databases: what a token is, how a query is read, snippets.

Tokens are runs of letters and digits, compared without case or accents. Chinese, Japanese and
Korean text has no spaces between words, so each CJK character is indexed as a token of its own
and a CJK query word becomes a phrase of its characters: "系统" finds "分布式系统" at any
position and a one-character query works too. Character bigrams would make a smaller index but
miss one-character words; the trigram tokenizer misses two-character words, the commonest in
Chinese, and does not exist on PostgreSQL. The same spacing runs in SQL on PostgreSQL
(regexp_replace) and as a registered function on SQLite (`spaced_cjk`), so both index alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12

# Han (with extension A and compatibility ideographs), kana, Hangul syllables.
CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK = re.compile(f"([{CJK_CLASS}])")
_TOKEN = re.compile(f"[{CJK_CLASS}]|[^\\W_{CJK_CLASS}]+")


class QueryError(ValueError):
    """A query that cannot be searched at all (e.g. it holds a NUL byte)."""


def spaced_cjk(text: str | None) -> str:
    """The text with a space either side of every CJK character (indexing form)."""
    # ASCII holds no CJK character: the triggers call this for every column of every row.
    if not text or text.isascii():
        return text or ""
    return _CJK.sub(r" \1 ", text)


def fold(text: str) -> str:
    """Lower-case, accents removed: how tokens compare."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


@dataclass(frozen=True)
class Query:
    """A parsed query: each word is the list of its tokens; every word must match; the last
    word matches as a prefix (search as you type)."""

    words: tuple[tuple[str, ...], ...]
    truncated: bool = False  # words or characters beyond the limits were dropped

    def __bool__(self) -> bool:
        return bool(self.words)

    @property
    def terms(self) -> list[str]:
        return [token for word in self.words for token in word]


def parse_query(raw: str | None) -> Query:
    """Read a query. Beyond MAX_QUERY_CHARS characters or MAX_QUERY_WORDS words the rest is
    dropped (and `truncated` says so), so a crafted query cannot make the search expensive."""
    raw = raw or ""
    if "\x00" in raw:
        raise QueryError(gettext("A search may not contain a NUL character."))
    truncated = len(raw) > MAX_QUERY_CHARS
    words = []
    for word in raw[:MAX_QUERY_CHARS].split():
        found = tuple(tokens(word))
        if found:
            words.append(found)
    if len(words) > MAX_QUERY_WORDS:
        words, truncated = words[:MAX_QUERY_WORDS], True
    return Query(tuple(words), truncated)


def fts5_expression(query: Query) -> str:
    """SQLite FTS5 MATCH syntax: each word a quoted phrase, all ANDed, the last a prefix.
    Tokens hold only letters and digits, so no FTS syntax can come through."""
    phrases = [f'"{" ".join(word)}"' for word in query.words]
    phrases[-1] += " *"
    return " AND ".join(phrases)


def tsquery_expression(query: Query) -> str:
    """PostgreSQL to_tsquery syntax, same meaning: words ANDed, a word's tokens adjacent."""
    words = [" <-> ".join(word) for word in query.words]
    words[-1] += ":*"
    return " & ".join(f"({word})" for word in words)


# --- Snippets ---------------------------------------------------------------------------------

SNIPPET_CHARS = 160


def _folded_with_positions(text: str) -> tuple[str, Sequence[int]]:
    """The folded text and, for each of its characters, the index it came from in `text`."""
    if text.isascii():
        return text.lower(), range(len(text))
    out, positions = [], []
    for index, char in enumerate(text):
        for folded in fold(char):
            out.append(folded)
            positions.append(index)
    return "".join(out), positions


def snippet(text: str, query: Query) -> SafeString | None:
    """An escaped excerpt of `text` around the first match, matches wrapped in <mark>, or None
    when no term of the query occurs in it."""
    if not text or not query:
        return None
    folded, positions = _folded_with_positions(text)
    spans = []
    last = len(query.words) - 1
    for number, word in enumerate(query.words):
        for token in word:
            boundary = "" if _CJK.match(token) else r"(?<![^\W_])"
            tail = "" if number == last or _CJK.match(token) else r"(?![^\W_])"
            pattern = boundary + re.escape(token) + tail
            for match in re.finditer(pattern, folded):
                spans.append((positions[match.start()], positions[match.end() - 1] + 1))
    if not spans:
        return None
    spans.sort()
    first = spans[0][0]
    start = max(0, first - SNIPPET_CHARS // 3)
    if start:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= first - SNIPPET_CHARS // 2 else start
    end = min(len(text), start + SNIPPET_CHARS)
    parts: list[str] = []
    cursor = start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        parts.append(escape(text[cursor:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    excerpt = "".join(parts)
    excerpt = " ".join(excerpt.split())  # newlines of slides and notes read as spaces
    return mark_safe(("…" if start else "") + excerpt + ("…" if end < len(text) else ""))
