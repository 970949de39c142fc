"""Read the group's schedule README (tests/fixtures/schedule-2025-fall.md) into plain data.

No database. The format, as the group writes it:

    # 2025 Fall                                  the term
    ## Specific Requirements                     markdown, kept as written
    ## Other Information                         markdown, kept as written
    ## Schedule
    ### January 20                               a session, newest first, no year (years.py)
    #### Topic I                                 a talk (a session without these has one talk)
    - 💡 [SOSP'25] [Title](https://...)          venue tag, then the paper (or a plain title)
    - 🙋‍♂️ Lead, Supporter (Affiliation)        first name leads; commas (also the
                                                 full-width and ideographic ones) and "and"
                                                 separate names
    - [📕 slides](./slides/x.pdf),[📺 video](https://...)
    - ✨ SOSP Rehearsal                          the title of a special session

Text is repaired first (encoding.py); each topic's lines get their roles in roles.py.
`parse_schedule` returns what the file says plus warnings (line, message) for lines it does
not understand; input it cannot make sense of at all raises `ScheduleFormatError` with a line
number. This module is the line-by-line pass and the assembly of sessions and talks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext

from papers.venues import normalize_venue_label
from readinggroup.safe_urls import safe_url
from sessions.numbering import roman, roman_to_int
from sessions.readme.encoding import repair_text
from sessions.readme.kinds import read_kind
from sessions.readme.parsed import (
    FormatWarning,
    ParsedSchedule,
    ParsedSession,
    ParsedTalk,
    ScheduleFormatError,
)
from sessions.readme.roles import MEDIA, Item, assign_roles, read_people
from sessions.readme.syntax import (
    BULLET,
    HEADING,
    HINT_PAPER,
    HINT_PEOPLE,
    HINT_SPECIAL,
    ISO_DATE,
    LINK,
    MEDIA_WORDS,
    MONTH_DAY,
    MONTHS,
    NOISE,
    TOPIC,
    VENUE_TAG,
    hint,
    is_relative_url,
    resolve_url,
    split_decoration,
    trim_block,
    unescape,
)
from sessions.readme.years import far_years, place_years, term_year


@dataclass
class _Block:
    line: int
    position: int | None
    items: list[Item] = field(default_factory=list)


@dataclass
class _RawSession:
    line: int
    month: int
    day: int
    year: int | None
    heading: str
    preamble: _Block
    topics: list[_Block] = field(default_factory=list)


def parse_schedule(
    text: str, *, term_name: str | None = None, base_url: str = ""
) -> ParsedSchedule:
    """Read a schedule README. Raises ScheduleFormatError for input that is not one."""
    if not isinstance(text, str):
        raise TypeError("parse_schedule takes text; decode the file first (text_files)")
    return _Reader(text, term_name, base_url).read()


class _Reader:
    """One pass over the lines (headings decide where each line belongs), then assembly."""

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
            heading = None if in_fence else HEADING.match(stripped)
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
                        gettext(
                            "'### %(text)s' is not a session date (expected e.g. "
                            "'### January 20'); the lines below it are skipped"
                        )
                        % {"text": text},
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
                    self.warn(number, gettext("heading '%(text)s' ignored") % {"text": stripped})
                continue

            if section in ("requirements", "other"):
                self.sections[section].append(raw)
                continue
            if not stripped or NOISE.match(stripped) or section in ("ignored", "skip"):
                continue
            bullet = BULLET.match(raw)
            if session is not None and block is not None and bullet:
                decoration, text = split_decoration(bullet.group("text"))
                block.items.append(Item(number, text, hint(decoration)))
                continue
            message = (
                gettext("unrecognised line %(text)s in a session; ignored")
                if session is not None
                else gettext("unrecognised line %(text)s outside any session; ignored")
            )
            self.warn(number, message % {"text": repr(stripped[:60])})

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
        self.warn(
            number,
            gettext("section '## %(text)s' is not part of the schedule format; ignored")
            % {"text": text},
        )
        return "ignored"

    def _date_heading(self, text: str, number: int) -> tuple[int, int, int | None] | None:
        iso = ISO_DATE.match(text)
        year: int | None
        if iso:
            month, day, year = int(iso["month"]), int(iso["day"]), int(iso["year"])
            rest = iso["rest"]
        else:
            match = MONTH_DAY.match(text)
            if not match or match["month"].lower() not in MONTHS:
                return None
            month, day = MONTHS[match["month"].lower()], int(match["day"])
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
            self.warn(
                number,
                gettext("text after the date ignored: %(text)s") % {"text": repr(rest.strip())},
            )
        return month, day, year

    def _topic_position(self, text: str, number: int, session: _RawSession) -> int:
        # Topic blocks are numbered as they are made; only a session's preamble has no number.
        taken = {block.position for block in session.topics if block.position is not None}
        match = TOPIC.match(text)
        position: int | None = None
        if match and match["number"]:
            token = match["number"]
            position = int(token) if token.isdigit() else roman_to_int(token)
        elif not match:
            self.warn(
                number,
                gettext("'#### %(text)s' is not 'Topic I/II/…'; read as the next topic")
                % {"text": text},
            )
        if position is None or position < 1:
            position = max(taken | {0}) + 1
        if position in taken:
            self.warn(
                number,
                gettext("topic %(number)s appears twice in this session")
                % {"number": roman(position)},
            )
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
            requirements=trim_block(self.sections["requirements"]),
            other_information=trim_block(self.sections["other"]),
            sessions=sessions,
            warnings=sorted(self.warnings, key=lambda w: w.line),
            repaired_lines=self.repaired,
            line=self.term_line,
        )

    def _infer_dates(self, term_name: str) -> list[datetime.date]:
        """The date of each `Month Day` heading, by the year rule (years.py)."""
        if not self.sessions:
            return []
        need_year = any(raw.year is None for raw in self.sessions)
        start = term_year(term_name)
        if need_year and start is None:
            raise ScheduleFormatError(
                self.term_line or self.sessions[0].line,
                f"the term name {term_name!r} has no year (e.g. '2025 Fall'), so the sessions' "
                "dates cannot be placed in a year",
            )
        headings = [(raw.month, raw.day, raw.year) for raw in self.sessions]
        years, oldest_first = place_years(start or 0, headings)
        if oldest_first:
            self.warn(
                self.sessions[0].line,
                gettext("sessions are listed oldest first (the README lists newest first)"),
            )
        for index, why in far_years(years).items():
            raw = self.sessions[index]
            # Translated like the reason it carries (years.far_year), not half and half.
            raise ScheduleFormatError(
                raw.line,
                gettext("'### %(heading)s' falls in %(year)d, %(why)s; is the year a typo?")
                % {"heading": raw.heading, "year": years[index], "why": why},
            )
        dates = []
        for raw, year in zip(self.sessions, years, strict=True):
            try:
                dates.append(datetime.date(year, raw.month, raw.day))
            except ValueError:
                raise ScheduleFormatError(
                    raw.line, f"'### {raw.heading}' does not exist in {year}"
                ) from None
        return dates

    def _session(self, raw: _RawSession, date: datetime.date) -> ParsedSession:
        session = ParsedSession(date=date, line=raw.line)
        special_texts: list[str] = []
        if raw.topics:
            for item in assign_roles(raw.preamble.items, self.warn, allowed=(HINT_SPECIAL,)):
                if item.role == HINT_SPECIAL:
                    special_texts.append(item.text)
            blocks = raw.topics
        else:
            blocks = [raw.preamble] if raw.preamble.items else []
            if blocks:
                blocks[0].position = 1
        for block in blocks:
            talk, specials = self._talk(block)
            special_texts.extend(specials)
            if raw.topics or talk.says_something:
                # Without topic headings, a session of only a special line has no talk.
                session.talks.append(talk)
        session.talks.sort(key=lambda talk: talk.position)

        session.kind, session.title = read_kind(special_texts, session.talks)
        for extra in special_texts[1:]:
            self.warn(
                raw.line,
                gettext("a second special-session line (%(text)s) ignored")
                % {"text": repr(unescape(extra))},
            )
        return session

    def _talk(self, block: _Block) -> tuple[ParsedTalk, list[str]]:
        talk = ParsedTalk(position=block.position or 1, line=block.line)
        specials = []
        for item in assign_roles(block.items, self.warn):
            if item.role == MEDIA:
                self._media(item, talk)
            elif item.role == HINT_SPECIAL:
                specials.append(item.text)
            elif item.role == HINT_PAPER:
                self._paper(item, talk)
            elif item.role == HINT_PEOPLE:
                talk.presenters = read_people(item, self.warn)
        return talk, specials

    def _paper(self, item: Item, talk: ParsedTalk) -> None:
        text = item.text
        venue = VENUE_TAG.match(text)
        if venue:
            talk.venue_label = normalize_venue_label(venue.group("venue"))
            text = venue.group("rest").strip()
        link = LINK.fullmatch(text)
        if link:
            talk.title = unescape(link.group("text"))
            talk.url = self._link(item, link.group("url"))
        else:
            talk.title = unescape(text)
        if not talk.title:
            self.warn(item.line, gettext("the paper line names no title"))

    def _media(self, item: Item, talk: ParsedTalk) -> None:
        for link in LINK.finditer(item.text):
            _, label = split_decoration(unescape(link.group("text")))
            attribute = MEDIA_WORDS.get(label.lower())
            url = link.group("url").strip("<>")
            if attribute is None:
                self.warn(
                    item.line,
                    gettext("link %(label)s is not slides, video or summary; ignored")
                    % {"label": repr(label)},
                )
                continue
            if getattr(talk, attribute):
                self.warn(item.line, gettext("a second %(label)s link ignored") % {"label": label})
                continue
            if attribute == "slides_url" and is_relative_url(url) and url.endswith("/"):
                self.warn(
                    item.line,
                    gettext("the slides link %(url)s is a folder, not a file") % {"url": repr(url)},
                )
            setattr(talk, attribute, self._link(item, url))

    def _link(self, item: Item, url: str) -> str:
        """The link resolved against the base URL; a script or data link is dropped."""
        url = url.strip().strip("<>")
        if not is_relative_url(url) and not safe_url(url):
            self.warn(
                item.line, gettext("link %(url)s is not http(s); ignored") % {"url": repr(url[:60])}
            )
            return ""
        return resolve_url(url, self.base_url)
