"""Read and write the group's schedule README (tests/fixtures/schedule-2025-fall.md).

Pure functions, no database. The format, as the group writes it:

    # 2025 Fall                                  the term
    ## Specific Requirements                     markdown, kept as written
    ## Other Information                         markdown, kept as written
    ## Schedule
    ### January 20                               a session, newest first, no year
    #### Topic I                                 a talk (a session without these has one talk)
    - 💡 [SOSP'25] [Title](https://...)          venue tag, then the paper (or a plain title)
    - 🙋‍♂️ Lead, Supporter (Affiliation)        first name leads; commas (also the
                                                 full-width and ideographic ones) and "and"
                                                 separate names
    - [📕 slides](./slides/x.pdf),[📺 video](https://...)
    - ✨ SOSP Rehearsal                          the title of a special session

Files met in the wild were saved with the wrong encoding, and some bytes of the emoji are lost
for good, so text is repaired with ftfy and the structure never depends on the emoji: a line's
role comes from its shape (links labelled slides/video, a venue tag or title link) and its
place in the topic (a special title, then the paper, then the presenters). The emoji, when they
survive, only settle the cases that shape and place leave open.

`parse_schedule` returns what the file says plus warnings (line, message) for lines it does not
understand; input it cannot make sense of at all raises `ScheduleFormatError` with a line
number. `format_schedule` writes the same format back.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urljoin

import ftfy

from readinggroup.markdown import safe_url

# --- What the parser returns --------------------------------------------------------------

KIND_REGULAR = "regular"
KIND_KICK_OFF = "kick-off"
KIND_REHEARSAL = "rehearsal"
KIND_SPECIAL = "special"
KIND_CANCELLED = "cancelled"

ROLE_LEAD = "lead"
ROLE_SUPPORT = "support"


@dataclass(frozen=True)
class FormatWarning:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ScheduleFormatError(ValueError):
    """The file cannot be read as a schedule; `line` says where (0 when it is about the file)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class ParsedPresenter:
    name: str
    affiliation: str = ""
    role: str = ROLE_SUPPORT


@dataclass
class ParsedTalk:
    position: int
    line: int = 0
    title: str = ""
    url: str = ""
    venue_label: str = ""
    # None: the topic has no presenters line (an import leaves existing presenters alone);
    # a list, even empty, is what the file says.
    presenters: list[ParsedPresenter] | None = None
    slides_url: str = ""
    video_url: str = ""
    summary_url: str = ""

    @property
    def names_paper(self) -> bool:
        """A venue tag or a title link means a paper; a bare title may be a free topic."""
        return bool(self.url or self.venue_label)


@dataclass
class ParsedSession:
    date: datetime.date
    line: int = 0
    kind: str = KIND_REGULAR
    title: str = ""
    talks: list[ParsedTalk] = field(default_factory=list)


@dataclass
class ParsedSchedule:
    term_name: str
    requirements: str = ""
    other_information: str = ""
    sessions: list[ParsedSession] = field(default_factory=list)
    warnings: list[FormatWarning] = field(default_factory=list)
    repaired_lines: int = 0
    line: int = 0


# --- Small pieces of syntax ---------------------------------------------------------------

_MONTHS = {
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
_MONTH_DAY = re.compile(
    r"^(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    r"(?:\s*,?\s*(?P<year>\d{4}))?(?P<rest>.*)$"
)
_ISO_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?P<rest>.*)$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})(?:\s+(?P<text>.*?))?\s*#*\s*$")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(?P<text>.*)$")
_TOPIC = re.compile(r"^topic\s*(?P<number>[ivxlc]+|\d+)?\b\.?\s*(?P<rest>.*)$", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_NOISE = re.compile(r"^(?:<br\s*/?>\s*)+$|^<!--.*-->$", re.IGNORECASE)
# [text](url) with an optional "title"; the url may hold balanced parentheses.
_LINK = re.compile(
    r"\[(?P<text>(?:\\.|[^\[\]\\]|\[[^\]]*\])*)\]"
    r"\((?P<url><[^>]*>|(?:[^()\s]|\([^()\s]*\))*)(?:\s+\"[^\"]*\")?\)"
)
_VENUE_TAG = re.compile(r"^\[(?P<venue>[^\[\]]{1,40})\](?!\()\s*(?P<rest>.*)$")
# SOSP'25, SOSP '25, and the same with a typographic apostrophe (U+2019, U+2018).
_VENUE_YEAR = re.compile(r"^(?P<name>[A-Za-z][\w.\-]*?)\s*['\u2019\u2018`]\s*(?P<yy>\d{2})$")
_VENUE_LONG_YEAR = re.compile(r"^(?P<name>[A-Za-z][\w.\-]*?)\s*(?P<year>(?:19|20)\d{2})$")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_KICK_OFF = re.compile(r"kick[\s\-]?off", re.IGNORECASE)
_REHEARSAL = re.compile(r"rehearsal", re.IGNORECASE)
_CANCELLED = re.compile(r"cancel", re.IGNORECASE)

_MEDIA_WORDS = {
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
_HINTS = {
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

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman(position: int) -> str:
    return ROMAN[position - 1] if 1 <= position <= len(ROMAN) else str(position)


def _roman_to_int(text: str) -> int | None:
    total, previous = 0, 0
    for char in reversed(text.lower()):
        value = _ROMAN_VALUES.get(char)
        if value is None:
            return None
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total or None


def repair_text(text: str) -> tuple[list[str], int]:
    """Lines of `text`, each repaired by ftfy; and how many needed repair.

    Line by line so that line numbers stay those of the file. Quotes stay curly: the
    requirements are markdown kept as written.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines, repaired = [], 0
    for line in text.split("\n"):
        fixed = ftfy.fix_text(
            line, uncurl_quotes=False, fix_line_breaks=False, fix_character_width=False
        )
        if fixed != line:
            repaired += 1
        lines.append(fixed)
    return lines, repaired


def _is_mojibake_or_symbol(char: str) -> bool:
    """Could this character be part of an emoji, or of an emoji decoded with a Windows code page?

    Such text is made of Latin-1 / Latin Extended letters (ð, ğ, â, ï), cp125x punctuation
    and symbols (€, ™, Ÿ), C1 controls and modifiers: nothing a name is written with alone.
    """
    category = unicodedata.category(char)
    if category[0] in "SMC" or category == "Co":
        return True
    code = ord(char)
    if category[0] == "L":
        return 0x80 <= code <= 0x2FF
    if category[0] == "P":
        return code >= 0x80
    return False


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
            and all(_is_mojibake_or_symbol(ch) or not ch.isalnum() for ch in token)
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


def _hint(decoration: str) -> str | None:
    for mark, hint in _HINTS.items():
        if mark in decoration:
            return hint
    return None


def unescape(text: str) -> str:
    return " ".join(_MARKDOWN_ESCAPE.sub(r"\1", text).split())


def escape_link_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def normalize_venue_label(label: str) -> str:
    """ "SOSP '25" and "SOSP'25" are one venue tag; written the group's usual way."""
    label = " ".join(label.split())
    match = _VENUE_YEAR.match(label)
    if match:
        return f"{match.group('name')}'{match.group('yy')}"
    return label


def parse_venue_label(label: str) -> tuple[str, int | None]:
    """("SOSP", 2025) from "SOSP'25"; ("arXiv", None) from "arXiv"."""
    label = normalize_venue_label(label)
    match = _VENUE_YEAR.match(label)
    if match:
        return match.group("name"), 2000 + int(match.group("yy"))
    match = _VENUE_LONG_YEAR.match(label)
    if match:
        return match.group("name").rstrip(" -"), int(match.group("year"))
    return label, None


def venue_name(label: str) -> str:
    return parse_venue_label(label)[0] if label else ""


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


def split_names(text: str) -> list[str]:
    """Names split at commas, semicolons or "and", outside parentheses (affiliations hold commas).

    Commas include the full-width (U+FF0C) and ideographic (U+3001) ones Chinese text uses.
    """
    parts, current, depth = [], [], 0
    index = 0
    while index < len(text):
        char = text[index]
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
    return [" ".join(part.split()) for part in parts if part.strip()]


def parse_person(text: str) -> ParsedPresenter:
    """ "Mingxuan Liu (Northwestern Polytechnical University)" → name and affiliation."""
    text = " ".join(text.split())
    match = re.match(rf"^(?P<name>[^{_OPEN}]+?)\s*[{_OPEN}](?P<affiliation>.*)[{_CLOSE}]$", text)
    if match:
        return ParsedPresenter(match.group("name").strip(), match.group("affiliation").strip())
    return ParsedPresenter(text)


# --- Reading --------------------------------------------------------------------------------


@dataclass
class _Item:
    line: int
    text: str  # after the bullet and the decoration
    hint: str | None
    role: str | None = None


@dataclass
class _Block:
    line: int
    position: int | None
    items: list[_Item] = field(default_factory=list)


@dataclass
class _RawSession:
    line: int
    month: int
    day: int
    year: int | None
    heading: str
    preamble: _Block
    topics: list[_Block] = field(default_factory=list)


class _Reader:
    def __init__(self, text: str, term_name: str | None, base_url: str) -> None:
        self.lines, self.repaired = repair_text(text)
        self.term_name_override = (term_name or "").strip()
        self.base_url = base_url.strip()
        self.warnings: list[FormatWarning] = []
        self.term_name = ""
        self.term_line = 0
        self.sections: dict[str, list[str]] = {"requirements": [], "other": []}
        self.sessions: list[_RawSession] = []

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(FormatWarning(line, message))

    # The line-by-line pass: headings decide where each line belongs.
    def read(self) -> ParsedSchedule:
        section: str | None = None
        session: _RawSession | None = None
        block: _Block | None = None
        in_fence = False
        for number, raw in enumerate(self.lines, start=1):
            stripped = raw.strip()
            if section in ("requirements", "other") and stripped.startswith(("```", "~~~")):
                in_fence = not in_fence
            heading = None if in_fence else _HEADING.match(stripped)
            if heading:
                level = len(heading.group("hashes"))
                text = (heading.group("text") or "").strip()
                if level == 1:
                    if self.term_line:
                        raise ScheduleFormatError(
                            number,
                            f"a second term heading '# {text}' (the first is on line "
                            f"{self.term_line}); one file holds one term",
                        )
                    if not text:
                        raise ScheduleFormatError(number, "the '#' heading names no term")
                    self.term_name, self.term_line = text, number
                    section, session, block = None, None, None
                    continue
                self._require_term(number)
                if level == 2:
                    session, block = None, None
                    section = self._section_for(text, number)
                    continue
                if level == 3:
                    date = self._date_heading(text, number)
                    if date is not None:
                        month, day, year = date
                        session = _RawSession(number, month, day, year, text, _Block(number, None))
                        self.sessions.append(session)
                        block = session.preamble
                        section = "schedule"
                        continue
                    if section in ("requirements", "other"):
                        self.sections[section].append(raw)
                        continue
                    self.warn(
                        number,
                        f"'### {text}' is not a session date (expected e.g. '### January 20'); "
                        "the lines below it are skipped",
                    )
                    session, block, section = None, None, "skip"
                    continue
                if level == 4 and session is not None:
                    block = _Block(number, self._topic_position(text, number, session))
                    session.topics.append(block)
                    continue
                if section in ("requirements", "other"):
                    self.sections[section].append(raw)
                    continue
                if section != "skip":
                    self.warn(number, f"heading '{stripped}' ignored")
                continue

            if section in ("requirements", "other"):
                self.sections[section].append(raw)
                continue
            if not stripped or _NOISE.match(stripped) or section in ("ignored", "skip"):
                continue
            bullet = _BULLET.match(raw)
            if session is not None and block is not None and bullet:
                decoration, text = split_decoration(bullet.group("text"))
                block.items.append(_Item(number, text, _hint(decoration)))
                continue
            where = "in a session" if session is not None else "outside any session"
            self.warn(number, f"unrecognised line {stripped[:60]!r} {where}; ignored")

        self._require_term(len(self.lines) or 1, at_end=True)
        return self._build()

    def _require_term(self, number: int, at_end: bool = False) -> None:
        if self.term_line or self.term_name_override:
            return
        where = "the file has no" if at_end else "expected the"
        raise ScheduleFormatError(
            1 if at_end else number,
            f"{where} '# <term name>' heading (e.g. '# 2025 Fall') before the schedule",
        )

    def _section_for(self, text: str, number: int) -> str:
        lowered = text.lower()
        if "requirement" in lowered:
            return "requirements"
        if "other" in lowered or "information" in lowered:
            return "other"
        if "schedule" in lowered:
            return "schedule"
        self.warn(number, f"section '## {text}' is not part of the schedule format; ignored")
        return "ignored"

    def _date_heading(self, text: str, number: int) -> tuple[int, int, int | None] | None:
        iso = _ISO_DATE.match(text)
        if iso:
            month, day, year = int(iso["month"]), int(iso["day"]), int(iso["year"])
            rest = iso["rest"]
        else:
            match = _MONTH_DAY.match(text)
            if not match or match["month"].lower() not in _MONTHS:
                return None
            month, day = _MONTHS[match["month"].lower()], int(match["day"])
            year = int(match["year"]) if match["year"] else None
            rest = match["rest"]
        try:
            # Leap years are checked once the year is known; here the day must fit the month.
            datetime.date(year or 2000, month, day)
        except ValueError:
            raise ScheduleFormatError(
                number, f"'### {text}' is not a date that exists (no such day in that month)"
            ) from None
        if rest.strip():
            self.warn(number, f"text after the date ignored: {rest.strip()!r}")
        return month, day, year

    def _topic_position(self, text: str, number: int, session: _RawSession) -> int:
        taken = {block.position for block in session.topics}
        match = _TOPIC.match(text)
        position = None
        if match and match["number"]:
            token = match["number"]
            position = int(token) if token.isdigit() else _roman_to_int(token)
        elif not match:
            self.warn(number, f"'#### {text}' is not 'Topic I/II/…'; read as the next topic")
        if position is None or position < 1:
            position = max(taken | {0}) + 1
        if position in taken:
            self.warn(number, f"topic {roman(position)} appears twice in this session")
            position = max(taken) + 1
        return position

    # Turning the collected lines into sessions and talks.
    def _build(self) -> ParsedSchedule:
        term_name = self.term_name_override or self.term_name
        dates = self._infer_dates(term_name)
        sessions = []
        seen: dict[datetime.date, int] = {}
        for raw, date in zip(self.sessions, dates, strict=True):
            if date in seen:
                raise ScheduleFormatError(
                    raw.line,
                    f"{date:%B} {date.day} ({date.isoformat()}) is listed twice "
                    f"(also line {seen[date]})",
                )
            seen[date] = raw.line
            sessions.append(self._session(raw, date))
        return ParsedSchedule(
            term_name=term_name,
            requirements=_trim_block(self.sections["requirements"]),
            other_information=_trim_block(self.sections["other"]),
            sessions=sessions,
            warnings=sorted(self.warnings, key=lambda w: w.line),
            repaired_lines=self.repaired,
            line=self.term_line,
        )

    def _infer_dates(self, term_name: str) -> list[datetime.date]:
        """The year of each `Month Day`: from the term's year, oldest session first.

        The file lists sessions newest first; walking up from the oldest, a date earlier in
        the calendar than the one before it has crossed into the next year.
        """
        if not self.sessions:
            return []
        need_year = any(raw.year is None for raw in self.sessions)
        match = _YEAR.search(term_name)
        if need_year and not match:
            raise ScheduleFormatError(
                self.term_line or self.sessions[0].line,
                f"the term name {term_name!r} has no year (e.g. '2025 Fall'), so the sessions' "
                "dates cannot be placed in a year",
            )
        term_year = int(match.group(1)) if match else 0
        newest_first = self._walk_years(term_year, reversed(range(len(self.sessions))))
        oldest_first = self._walk_years(term_year, range(len(self.sessions)))
        # The README lists newest first; a file written the other way round shows itself by
        # spanning far less time when read oldest first.
        years = newest_first
        if _span(oldest_first, self.sessions) < _span(newest_first, self.sessions):
            years = oldest_first
            self.warn(
                self.sessions[0].line,
                "sessions are listed oldest first (the README lists newest first)",
            )
        dates = []
        for index, raw in enumerate(self.sessions):
            try:
                dates.append(datetime.date(years[index], raw.month, raw.day))
            except ValueError:
                raise ScheduleFormatError(
                    raw.line, f"'### {raw.heading}' does not exist in {years[index]}"
                ) from None
        return dates

    def _walk_years(self, term_year: int, order) -> dict[int, int]:
        """Walking from the oldest session up, a date earlier in the calendar is a new year."""
        years: dict[int, int] = {}
        year, previous = term_year, None
        for index in order:
            raw = self.sessions[index]
            if raw.year is not None:
                year = raw.year
            elif previous is not None and (raw.month, raw.day) < previous:
                year += 1
            years[index] = year
            previous = (raw.month, raw.day)
        return years

    def _session(self, raw: _RawSession, date: datetime.date) -> ParsedSession:
        session = ParsedSession(date=date, line=raw.line)
        special_texts: list[str] = []
        if raw.topics:
            for item in self._assign_roles(raw.preamble.items, allowed=(HINT_SPECIAL,)):
                if item.role == HINT_SPECIAL:
                    special_texts.append(unescape(item.text))
            blocks = raw.topics
        else:
            blocks = [raw.preamble] if raw.preamble.items else []
            if blocks:
                blocks[0].position = 1
        for block in blocks:
            talk, specials = self._talk(block)
            special_texts.extend(specials)
            if raw.topics or _says_something(talk):
                # Without topic headings, a session of only a special line has no talk.
                session.talks.append(talk)
        session.talks.sort(key=lambda talk: talk.position)

        if special_texts:
            session.title = special_texts[0]
            session.kind = _kind_from_text(session.title) or KIND_SPECIAL
            for extra in special_texts[1:]:
                self.warn(raw.line, f"a second special-session line ({extra!r}) ignored")
        else:
            # "💡 Kick-off meeting": the only talk's own title says what the session is.
            for talk in session.talks:
                kind = None if talk.names_paper else _kind_from_text(talk.title)
                if kind:
                    session.kind, session.title = kind, talk.title
                    break
        return session

    def _talk(self, block: _Block) -> tuple[ParsedTalk, list[str]]:
        talk = ParsedTalk(position=block.position or 1, line=block.line)
        specials = []
        for item in self._assign_roles(block.items):
            if item.role == "media":
                self._media(item, talk)
            elif item.role == HINT_SPECIAL:
                specials.append(unescape(item.text))
            elif item.role == HINT_PAPER:
                self._paper(item, talk)
            elif item.role == HINT_PEOPLE:
                talk.presenters = self._people(item)
        return talk, specials

    def _assign_roles(
        self, items: list[_Item], allowed: tuple[str, ...] = (HINT_SPECIAL, HINT_PAPER, HINT_PEOPLE)
    ) -> list[_Item]:
        """Give each item of a topic its role: media, special title, paper, or presenters.

        Links labelled slides/video are media wherever they stand. A venue tag or a title link
        marks the paper. A surviving emoji says the rest; otherwise plain lines take the roles
        still open, in the format's order (special, paper, presenters), filling the paper
        first, then the presenters, then the special title: two plain lines are a title and
        its presenters, three are a special session's title, its topic and its presenters.
        """
        order = [HINT_SPECIAL, HINT_PAPER, HINT_PEOPLE]
        for item in items:
            links = list(_LINK.finditer(item.text))
            if links and _is_media_line(item.text, links):
                role = "media"
            elif item.hint:
                role = item.hint
            elif _VENUE_TAG.match(item.text) or _is_title_link(item.text):
                role = HINT_PAPER
            else:
                continue
            if role in allowed or (role == "media" and HINT_PAPER in allowed):
                item.role = role
            else:
                item.role = "ignored"
                self.warn(
                    item.line,
                    f"{_ROLE_NAMES.get(role, role)} line before the first topic heading; ignored",
                )
        # A role claimed twice: the first claim holds.
        claimed: set[str] = set()
        for item in items:
            if item.role in order:
                if item.role in claimed:
                    self.warn(
                        item.line, f"a second {_ROLE_NAMES[item.role]} line in one topic; ignored"
                    )
                    item.role = "ignored"
                else:
                    claimed.add(item.role)
        # Plain lines, in runs between the claimed ones, take the open roles of their gap.
        index = 0
        while index < len(items):
            if items[index].role is not None:
                index += 1
                continue
            start = index
            while index < len(items) and items[index].role is None:
                index += 1
            run = items[start:index]
            before = _last_role(items[:start], order)
            after = _first_role(items[index:], order)
            low = order.index(before) + 1 if before else 0
            high = order.index(after) if after else len(order)
            open_roles = [
                role for role in order[low:high] if role not in claimed and role in allowed
            ]
            preference = [HINT_PAPER, HINT_PEOPLE, HINT_SPECIAL]
            chosen = sorted(sorted(open_roles, key=preference.index)[: len(run)], key=order.index)
            extra = len(run) - len(chosen)
            for item in run[:extra]:
                item.role = "ignored"
                self.warn(item.line, f"unrecognised line {item.text[:60]!r}; ignored")
            for item, role in zip(run[extra:], chosen, strict=True):
                item.role = role
                claimed.add(role)
        return items

    def _paper(self, item: _Item, talk: ParsedTalk) -> None:
        text = item.text
        venue = _VENUE_TAG.match(text)
        if venue:
            talk.venue_label = normalize_venue_label(venue.group("venue"))
            text = venue.group("rest").strip()
        link = _LINK.fullmatch(text)
        if link:
            talk.title = unescape(link.group("text"))
            talk.url = self._link(item, link.group("url"))
        else:
            talk.title = unescape(text)
        if not talk.title:
            self.warn(item.line, "the paper line names no title")

    def _people(self, item: _Item) -> list[ParsedPresenter]:
        # A name may be written as a link to a homepage; the name is what counts.
        text = _LINK.sub(lambda match: match.group("text"), item.text)
        people: list[ParsedPresenter] = []
        seen: set[str] = set()
        for part in split_names(text):
            person = parse_person(part)
            if not person.name:
                continue
            key = person.name.casefold()
            if key in seen:
                self.warn(item.line, f"{person.name} is listed twice in one topic")
                continue
            seen.add(key)
            person.role = ROLE_LEAD if not people else ROLE_SUPPORT
            people.append(person)
        if not people:
            self.warn(item.line, "empty presenters line")
        return people

    def _media(self, item: _Item, talk: ParsedTalk) -> None:
        for link in _LINK.finditer(item.text):
            _, label = split_decoration(unescape(link.group("text")))
            attribute = _MEDIA_WORDS.get(label.lower())
            url = link.group("url").strip("<>")
            if attribute is None:
                self.warn(item.line, f"link {label!r} is not slides, video or summary; ignored")
                continue
            if getattr(talk, attribute):
                self.warn(item.line, f"a second {label} link ignored")
                continue
            if attribute == "slides_url" and is_relative_url(url) and url.endswith("/"):
                self.warn(item.line, f"the slides link {url!r} is a folder, not a file")
            setattr(talk, attribute, self._link(item, url))

    def _link(self, item: _Item, url: str) -> str:
        """The link resolved against the base URL; a script or data link is dropped."""
        url = url.strip().strip("<>")
        if not is_relative_url(url) and not safe_url(url):
            self.warn(item.line, f"link {url[:60]!r} is not http(s); ignored")
            return ""
        return resolve_url(url, self.base_url)


_ROLE_NAMES = {
    HINT_SPECIAL: "special-session",
    HINT_PAPER: "paper",
    HINT_PEOPLE: "presenters",
    "media": "slides/video",
}


def _is_media_line(text: str, links: list[re.Match]) -> bool:
    for link in links:
        _, label = split_decoration(unescape(link.group("text")))
        if label.lower() not in _MEDIA_WORDS:
            return False
    leftover = _LINK.sub("", text)
    return not leftover.strip(" ,|·;/")


def _is_title_link(text: str) -> bool:
    return _LINK.fullmatch(text.strip()) is not None


def _last_role(items: list[_Item], order: list[str]) -> str | None:
    for item in reversed(items):
        if item.role in order:
            return item.role
    return None


def _first_role(items: list[_Item], order: list[str]) -> str | None:
    for item in items:
        if item.role in order:
            return item.role
    return None


def _says_something(talk: ParsedTalk) -> bool:
    return bool(
        talk.title
        or talk.url
        or talk.venue_label
        or talk.presenters is not None
        or talk.slides_url
        or talk.video_url
        or talk.summary_url
    )


def _span(years: dict[int, int], sessions: list[_RawSession]) -> float:
    """Days from the first session to the last under this reading (inf if a date is impossible)."""
    try:
        dates = [datetime.date(years[i], raw.month, raw.day) for i, raw in enumerate(sessions)]
    except ValueError:
        return float("inf")
    return (max(dates) - min(dates)).days


def _kind_from_text(text: str) -> str | None:
    if _KICK_OFF.search(text):
        return KIND_KICK_OFF
    if _REHEARSAL.search(text):
        return KIND_REHEARSAL
    if _CANCELLED.search(text):
        return KIND_CANCELLED
    return None


def _trim_block(lines: list[str]) -> str:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(line.rstrip() for line in lines)


def parse_schedule(
    text: str, *, term_name: str | None = None, base_url: str = ""
) -> ParsedSchedule:
    """Read a schedule README. Raises ScheduleFormatError for input that is not one."""
    if not isinstance(text, str):
        raise TypeError("parse_schedule takes text; decode the file first (see decode_bytes)")
    return _Reader(text, term_name, base_url).read()


def decode_bytes(data: bytes) -> str:
    """A file's bytes as text: UTF-8 (with or without BOM), else a Windows code page for ftfy."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# --- Writing --------------------------------------------------------------------------------


def _headings(term_name: str, dates: list[datetime.date]) -> list[str]:
    """`Month Day` for each newest-first date, with the year where the reader would guess wrong.

    Mirrors the reader's walk from the oldest session up, so that what is written reads back
    to the same dates.
    """
    match = _YEAR.search(term_name)
    year = int(match.group(1)) if match else None
    previous = None
    headings = [""] * len(dates)
    for index in reversed(range(len(dates))):
        date = dates[index]
        key = (date.month, date.day)
        guess = year
        if guess is not None and previous is not None and key < previous:
            guess += 1
        heading = f"{date:%B} {date.day}"
        if guess != date.year:
            heading += f", {date.year}"
        headings[index] = heading
        year, previous = date.year, key
    return headings


def format_schedule(schedule: ParsedSchedule) -> str:
    """The README text of a term: newest session first, in the group's own format.

    Dates carry no year where the term's name and the order place them; if the text would
    read back to other dates (a term spanning a whole year), every heading states its year.
    """
    text = _format(schedule, explicit_years=False)
    wanted = sorted((session.date for session in schedule.sessions), reverse=True)
    try:
        read_back = [session.date for session in parse_schedule(text).sessions]
    except ScheduleFormatError:
        read_back = []
    if read_back != wanted:
        text = _format(schedule, explicit_years=True)
    return text


def _format(schedule: ParsedSchedule, *, explicit_years: bool) -> str:
    out = [f"# {schedule.term_name}", ""]
    if schedule.requirements.strip():
        out += ["## Specific Requirements", "", schedule.requirements.strip("\n"), ""]
    if schedule.other_information.strip():
        out += ["## Other Information", "", schedule.other_information.strip("\n"), ""]
    out += ["## Schedule"]
    sessions = sorted(schedule.sessions, key=lambda s: s.date, reverse=True)
    dates = [session.date for session in sessions]
    headings = (
        [f"{date:%B} {date.day}, {date.year}" for date in dates]
        if explicit_years
        else _headings(schedule.term_name, dates)
    )
    for session, heading in zip(sessions, headings, strict=True):
        out.append(f"### {heading}")
        talks = sorted(session.talks, key=lambda t: t.position)
        # One talk in position I is written bare, as the group does; an empty one needs its
        # heading, or it would read back as a session without talks.
        bare = len(talks) == 1 and talks[0].position == 1 and bool(_talk_lines(talks[0]))
        special = _special_line(session, talks)
        if bare:
            out.append("")
        if special:
            out.append(f"- {MARK_SPECIAL} {_escape_plain(special)}")
        for index, talk in enumerate(talks):
            if not bare:
                if index:
                    out.append("")
                out.append(f"#### Topic {roman(talk.position)}")
            out += _talk_lines(talk)
        out += ["<br><br>", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _escape_plain(text: str) -> str:
    # A plain title that starts with "[" would read back as a venue tag.
    return escape_link_text(text) if text.startswith("[") else text


def _link_target(url: str) -> str:
    return url if _balanced(url) else f"<{url}>"


def _balanced(url: str) -> bool:
    return not re.search(r"\s", url) and re.fullmatch(r"(?:[^()\s]|\([^()\s]*\))*", url) is not None


def _special_line(session: ParsedSession, talks: list[ParsedTalk]) -> str:
    if session.kind == KIND_REGULAR and not session.title:
        return ""
    title = session.title or dict(
        [
            (KIND_KICK_OFF, "Kick-off"),
            (KIND_REHEARSAL, "Rehearsal"),
            (KIND_CANCELLED, "Cancelled"),
            (KIND_SPECIAL, "Special session"),
        ]
    ).get(session.kind, "")
    # "💡 Kick-off meeting" already says it: the reader takes the title from the talk.
    if any(talk.title == title and not talk.names_paper for talk in talks):
        return ""
    return title


def _talk_lines(talk: ParsedTalk) -> list[str]:
    lines = []
    if talk.title or talk.url or talk.venue_label:
        venue = f"[{talk.venue_label}] " if talk.venue_label else ""
        title = talk.title or talk.url
        if talk.url:
            target = _link_target(talk.url)
            lines.append(f"- {MARK_PAPER} {venue}[{escape_link_text(title)}]({target})")
        else:
            lines.append(f"- {MARK_PAPER} {venue}{_escape_plain(title)}")
    if talk.presenters is not None and talk.presenters:
        names = [
            f"{person.name} ({person.affiliation})" if person.affiliation else person.name
            for person in talk.presenters
        ]
        lines.append(f"- {MARK_PEOPLE} {', '.join(names)}")
    media = []
    for mark, word, url in (
        (MARK_SLIDES, "slides", talk.slides_url),
        (MARK_VIDEO, "video", talk.video_url),
        (MARK_SUMMARY, "summary", talk.summary_url),
    ):
        if url:
            media.append(f"[{mark} {word}]({_link_target(url)})")
    if media:
        lines.append("- " + ", ".join(media))
    return lines
