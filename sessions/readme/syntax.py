"""The small pieces of the README's syntax, shared by the reader and the writer.

Dates, headings, bullets, links, venue tags, the group's emoji, lists of names. What the
reader splits on, the writer quotes (see `quote_name`), so a name reads back as written.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin

from sessions.readme.encoding import is_mojibake_or_symbol
from sessions.readme.parsed import ParsedPresenter

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_DAY = re.compile(
    r"^(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:\s*,?\s*(?P<year>\d{4}))?(?P<rest>.*)$"
)
ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?P<rest>.*)$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})(?:\s+(?P<text>.*?))?\s*#*\s*$")
BULLET = re.compile(r"^\s{0,3}[-*+]\s+(?P<text>.*)$")
TOPIC = re.compile(r"^topic\s*(?P<number>[ivxlc]+|\d+)?\b\.?\s*(?P<rest>.*)$", re.IGNORECASE)
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
NOISE = re.compile(r"^(?:<br\s*/?>\s*)+$|^<!--.*-->$", re.IGNORECASE)
# [text](url) with an optional "title"; the url may hold balanced parentheses.
LINK = re.compile(
    r"\[(?P<text>(?:\\.|[^\[\]\\]|\[[^\]]*\])*)\]"
    r"\((?P<url><[^>]*>|(?:[^()\s]|\([^()\s]*\))*)(?:\s+\"[^\"]*\")?\)"
)
VENUE_TAG = re.compile(r"^\[(?P<venue>[^\[\]]{1,40})\](?!\()\s*(?P<rest>.*)$")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")

MEDIA_WORDS = {
    "slides": "slides_url",
    "slide": "slides_url",
    "ppt": "slides_url",
    "video": "video_url",
    "recording": "video_url",
    "playback": "video_url",
    "summary": "summary_url",
    "text summary": "summary_url",
    "notes": "summary_url",
}

# Hints the emoji give when they survive; never needed for the structure.
HINT_SPECIAL = "special"
HINT_PAPER = "paper"
HINT_PEOPLE = "people"
HINTS = {
    "✨": HINT_SPECIAL,
    "🎉": HINT_SPECIAL,
    "📢": HINT_SPECIAL,
    "💡": HINT_PAPER,
    "📄": HINT_PAPER,
    "🙋": HINT_PEOPLE,
    "👥": HINT_PEOPLE,
    "🧑": HINT_PEOPLE,
    "👤": HINT_PEOPLE,
}

# What the writer puts in front of each line (the group's own emoji).
MARK_SPECIAL = "✨"
MARK_PAPER = "💡"
MARK_PEOPLE = "🙋\u200d♂️"
MARK_SLIDES = "📕"
MARK_VIDEO = "📺"
MARK_SUMMARY = "📝"


def split_decoration(text: str) -> tuple[str, str]:
    """("💡", "[SOSP'25] [Title](url)") from "💡 [SOSP'25] [Title](url)"; also for mojibake.

    A leading token counts as decoration when it has no ASCII letter or digit and is made
    only of symbols or mojibake characters; a name in any script keeps its first word.
    """
    decoration = []
    rest = text.strip()
    while rest:
        token, _, remainder = rest.partition(" ")
        if (
            not token.startswith("[")
            and any(ord(ch) >= 0x80 for ch in token)
            and all(is_mojibake_or_symbol(ch) or not ch.isalnum() for ch in token)
            and not any(ch.isascii() and ch.isalnum() for ch in token)
        ):
            decoration.append(token)
            rest = remainder.strip()
            continue
        # An emoji glued to the text: "💡[SOSP'25] ..." has no space to split on.
        index = 0
        while index < len(rest) and unicodedata.category(rest[index])[0] in "SMC":
            if rest[index] in "[#*_`~|<>":
                break
            index += 1
        if index:
            decoration.append(rest[:index])
            rest = rest[index:].strip()
        break
    return " ".join(decoration), rest


def hint(decoration: str) -> str | None:
    for mark, hint in HINTS.items():
        if mark in decoration:
            return hint
    return None


def unescape(text: str) -> str:
    return " ".join(_MARKDOWN_ESCAPE.sub(r"\1", text).split())


def escape_link_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def is_relative_url(url: str) -> bool:
    return bool(url) and not re.match(r"^[a-z][a-z0-9+.\-]*:|^//", url, re.IGNORECASE)


def resolve_url(url: str, base_url: str) -> str:
    """A relative link (./slides/x.pdf) against the README's folder; kept as written without one."""
    url = url.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1].strip()
    if not base_url or not is_relative_url(url) or url.startswith("#"):
        return url
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", url)


# Plain and full-width parentheses; commas and semicolons, plain, full-width and ideographic.
_OPEN = "(\uff08"
_CLOSE = ")\uff09"
_SEPARATORS = ",\uff0c\u3001;\uff1b"


# A presenters line whose lead slot is open starts with this (supporters follow).
OPEN_LEAD = "TBD"
_OPEN_LEAD_WORDS = {"tbd", "tba", "?"}


def split_names(text: str) -> list[str]:
    """Names split at commas, semicolons or "and", outside parentheses (affiliations hold commas)
    and outside double quotes (a name that holds them is written quoted, see `quote_name`).

    Commas include the full-width (U+FF0C) and ideographic (U+3001) ones Chinese text uses.
    """
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == '"' and depth == 0 and not "".join(current).strip():
            end = _closing_quote(text, index)
            if end is not None:
                current.append(text[index : end + 1])
                index = end + 1
                continue
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0:
            if char in _SEPARATORS:
                parts.append("".join(current))
                current = []
                index += 1
                continue
            match = re.match(r"\s+(?:and|&)\s+", text[index:], re.IGNORECASE)
            if match:
                parts.append("".join(current))
                current = []
                index += match.end()
                continue
        current.append(char)
        index += 1
    parts.append("".join(current))
    return [
        part.strip() if _is_quoted(part) else " ".join(part.split())
        for part in parts
        if part.strip()
    ]


def _closing_quote(text: str, start: int) -> int | None:
    index = start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return index
        index += 1
    return None


def _is_quoted(part: str) -> bool:
    part = part.strip()
    return part.startswith('"') and _closing_quote(part, 0) is not None


def is_open_lead(part: str) -> bool:
    """ "TBD" (unquoted) in a presenters line holds an open lead slot; it is nobody."""
    return part.strip().casefold() in _OPEN_LEAD_WORDS


def parse_person(text: str) -> ParsedPresenter:
    """ "Mingxuan Liu (Northwestern Polytechnical University)" → name and affiliation.

    A quoted name is taken as written: '"Wang, Li (PKU)"' is one name, no affiliation.
    """
    text = text.strip()
    if text.startswith('"'):
        end = _closing_quote(text, 0)
        if end is not None:
            name = re.sub(r"\\(.)", r"\1", text[1:end])
            rest = " ".join(text[end + 1 :].split())
            match = re.match(rf"^[{_OPEN}](?P<affiliation>.*)[{_CLOSE}]$", rest)
            return ParsedPresenter(name, match.group("affiliation").strip() if match else "")
    text = " ".join(text.split())
    match = re.match(rf"^(?P<name>[^{_OPEN}]+?)\s*[{_OPEN}](?P<affiliation>.*)[{_CLOSE}]$", text)
    if match:
        return ParsedPresenter(match.group("name").strip(), match.group("affiliation").strip())
    return ParsedPresenter(text)


def quote_name(name: str) -> str:
    """The name as the presenters line writes it: quoted when the reader would split it, take
    part of it for an affiliation, read it as the open-lead word, or change it otherwise."""
    parts = split_names(name)
    if (
        len(parts) == 1
        and not is_open_lead(name)
        and parse_person(parts[0]) == ParsedPresenter(name)
    ):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_person(name: str, affiliation: str) -> str:
    written = quote_name(name)
    return f"{written} ({affiliation})" if affiliation else written


def is_media_line(text: str, links: list[re.Match]) -> bool:
    for link in links:
        _, label = split_decoration(unescape(link.group("text")))
        if label.lower() not in MEDIA_WORDS:
            return False
    leftover = LINK.sub("", text)
    return not leftover.strip(" ,|·;/")


def is_title_link(text: str) -> bool:
    return LINK.fullmatch(text.strip()) is not None


def normalize_block(text: str) -> str:
    """Markdown as the reader returns a section: LF line ends, no trailing blanks or blank
    lines at either end."""
    return trim_block(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def trim_block(lines: list[str]) -> str:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(line.rstrip() for line in lines)


def escape_plain(text: str) -> str:
    # A plain title that starts with "[" would read back as a venue tag.
    return escape_link_text(text) if text.startswith("[") else text


def link_target(url: str) -> str:
    return url if balanced(url) else f"<{url}>"


def balanced(url: str) -> bool:
    return not re.search(r"\s", url) and re.fullmatch(r"(?:[^()\s]|\([^()\s]*\))*", url) is not None
