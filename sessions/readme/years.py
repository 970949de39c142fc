"""The year rule: which year each `### Month Day` heading falls in. Reader and writer both ask here.

The group writes `### January 20` without a year. The year comes from the term's name
("2025 Fall" → 2025) and the file's order: sessions are listed newest first, so walking up
from the oldest, a date earlier in the calendar than the one before it has crossed into the
next year. A heading may state its year ("January 20, 2026"), which restarts the walk there.
The writer states a year exactly where this rule would place a date elsewhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext, ngettext

from sessions.readme.syntax import YEAR

# A heading as written: (month, day, year or None).
Heading = tuple[int, int, int | None]


def term_year(term_name: str) -> int | None:
    """2025 from "2025 Fall" (the first four-digit year in the name); None without one."""
    match = YEAR.search(term_name)
    return int(match.group(1)) if match else None


def _walk(start_year: int, headings: Sequence[Heading], order: Iterable[int]) -> list[int]:
    """The year of each heading, walking `order` (indices) from the oldest session up."""
    years = [0] * len(headings)
    year, previous = start_year, None
    for index in order:
        month, day, written = headings[index]
        if written is not None:
            year = written
        elif previous is not None and (month, day) < previous:
            year += 1
        years[index] = year
        previous = (month, day)
    return years


def _span(headings: Sequence[Heading], years: list[int]) -> float:
    """Days from the first session to the last under this reading (inf if a date is impossible)."""
    try:
        dates = [datetime.date(y, m, d) for (m, d, _), y in zip(headings, years, strict=True)]
    except ValueError:
        return float("inf")
    return (max(dates) - min(dates)).days


def place_years(start_year: int, headings: Sequence[Heading]) -> tuple[list[int], bool]:
    """The year of each heading (in file order), and whether the file lists oldest first.

    The README lists newest first; a file written the other way round shows itself by
    spanning far less time when read oldest first.
    """
    newest_first = _walk(start_year, headings, reversed(range(len(headings))))
    oldest_first = _walk(start_year, headings, range(len(headings)))
    if headings and _span(headings, oldest_first) < _span(headings, newest_first):
        return oldest_first, True
    return newest_first, False


def years_to_write(term_name: str, dates: Sequence[datetime.date]) -> list[bool]:
    """For each date of a newest-first list, whether its heading must state the year.

    The writer mirrors the walk (a year is written where the walk would guess another one),
    then checks the headings with `place_years` itself; if they would still read back to
    other dates (a term spanning a whole year), every heading states its year.
    """
    start = term_year(term_name)
    if start is None:
        return [True] * len(dates)
    explicit = [False] * len(dates)
    year, previous = start, None
    for index in reversed(range(len(dates))):
        date = dates[index]
        key = (date.month, date.day)
        guess = year + 1 if previous is not None and key < previous else year
        explicit[index] = guess != date.year
        year, previous = date.year, key
    headings = [
        (date.month, date.day, date.year if written else None)
        for date, written in zip(dates, explicit, strict=True)
    ]
    years, oldest_first = place_years(start, headings)
    if oldest_first or years != [date.year for date in dates]:
        return [True] * len(dates)
    return explicit


# A term's sessions lie within this many years of the term's other sessions (their middle
# year), and in the years a term's name can carry (19xx, 20xx, see syntax.YEAR):
# "January 20, 9999" is a typo, and would break every calendar that shows the term. The
# term's name is no anchor: a term's dates may be moved by whole weeks (the demo, tests).
MAX_YEARS_APART = 1
FIRST_YEAR, LAST_YEAR = 1900, 2099


def far_year(year: int, sessions_years: Sequence[int]) -> str | None:
    """Why `year` cannot be a session of a term whose sessions fall in `sessions_years`, in
    the active language: the session form and the README import both show it."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return gettext("outside %(first)d-%(last)d") % {"first": FIRST_YEAR, "last": LAST_YEAR}
    if sessions_years:
        middle = sorted(sessions_years)[len(sessions_years) // 2]
        if abs(year - middle) > MAX_YEARS_APART:
            return ngettext(
                "more than %(years)d year from the term's other sessions",
                "more than %(years)d years from the term's other sessions",
                MAX_YEARS_APART,
            ) % {"years": MAX_YEARS_APART}
    return None


def far_years(years: Sequence[int]) -> dict[int, str]:
    """The indices of years that cannot be one of this term's sessions, with the reason."""
    far = {}
    for index, year in enumerate(years):
        why = far_year(year, years)
        if why is not None:
            far[index] = why
    return far
