"""What the README reader returns and the writer takes: a term's schedule as plain data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from sessions.models import TALK_CONTENT_FIELDS
from sessions.numbering import roman

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
    def roman_position(self) -> str:
        """As on the schedule (Talk.roman_position): the import preview lists "Topic II"."""
        return roman(self.position)

    @property
    def names_paper(self) -> bool:
        """A venue tag or a title link means a paper; a bare title may be a free topic."""
        return bool(self.url or self.venue_label)

    @property
    def says_something(self) -> bool:
        """Whether the file said anything about this talk (else it is no talk at all)."""
        # The same fields that make a stored talk more than an empty slot (Talk.has_content).
        return self.presenters is not None or any(
            getattr(self, name) for name in TALK_CONTENT_FIELDS
        )


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
