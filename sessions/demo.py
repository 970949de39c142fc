"""Placing a schedule around today: the demo (`load_demo`) and the tests' seed stay a live term
on any day.

A schedule moves by whole weeks, so every session keeps its weekday and the gaps between
sessions stay as they were (the group's README dates carry no year, so nothing else changes).
The pages count a session held today as upcoming: placing puts the `upcoming`-th newest session
0-6 days ahead, the fewest whole weeks that bring it to today or later, and the session before
it into the past.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

from django.db import transaction

from sessions.caching import schedule_changed
from sessions.models import Session, Term
from sessions.readme.parsed import ParsedSchedule

WEEK = datetime.timedelta(weeks=1)


class PlacementError(ValueError):
    """The sessions cannot be placed as asked (nothing was moved)."""


def weeks_to_place(
    newest_first: Sequence[datetime.date], today: datetime.date, upcoming: int
) -> int:
    """Whole weeks to add to every date (newest first) so that exactly `upcoming` lie ahead.

    Negative when the dates lie too far ahead. Raises PlacementError when there are not
    `upcoming` dates, or when two of them are closer than a week apart around the pivot (then
    no whole-week move gives exactly `upcoming`).
    """
    if not 0 < upcoming <= len(newest_first):
        raise PlacementError(f"{upcoming} upcoming sessions asked of {len(newest_first)}")
    pivot = newest_first[upcoming - 1]
    weeks = -((pivot - today).days // 7)  # ceil((today - pivot) / 7 days)
    delta = weeks * WEEK
    assert today <= pivot + delta < today + WEEK
    if upcoming < len(newest_first) and newest_first[upcoming] + delta >= today:
        raise PlacementError(
            f"{newest_first[upcoming]} and {pivot} are less than a week apart: "
            f"{upcoming} upcoming sessions cannot be placed around {today}"
        )
    return weeks


def place_schedule(
    schedule: ParsedSchedule, today: datetime.date, *, upcoming: int
) -> ParsedSchedule:
    """A copy of a parsed README with its sessions moved so that `upcoming` lie ahead of today."""
    newest_first = sorted((session.date for session in schedule.sessions), reverse=True)
    delta = weeks_to_place(newest_first, today, upcoming) * WEEK
    return dataclasses.replace(
        schedule,
        sessions=[
            dataclasses.replace(session, date=session.date + delta) for session in schedule.sessions
        ],
    )


def move_term_forward(term: Term, today: datetime.date, *, upcoming: int) -> int:
    """Move a term's sessions (with their talks, presenters and links) by whole weeks, forward
    only, so that `upcoming` of them lie ahead of today again. Returns the weeks moved (0: the
    term was already placed, or lies ahead).

    Nothing is deleted or rewritten but the dates. Raises PlacementError, moving nothing, when a
    date it would move to holds another term's session.
    """
    with transaction.atomic():
        sessions = list(Session.objects.select_for_update().filter(term=term).order_by("-date"))
        weeks = weeks_to_place([session.date for session in sessions], today, upcoming)
        if weeks <= 0:
            return 0
        delta = weeks * WEEK
        targets = [session.date + delta for session in sessions]
        taken = list(
            Session.objects.select_related("term")
            .filter(date__in=targets)
            .exclude(term=term)
            .order_by("date")
        )
        if taken:
            raise PlacementError(
                f"cannot move '{term.name}' by {weeks} weeks: "
                + ", ".join(f"{s.date} is a session of '{s.term.name}'" for s in taken)
            )
        # Newest first, so no session lands on a date another of this term still holds.
        for session in sessions:
            session.date += delta
            session.save(update_fields=["date", "updated_at"])
        if term.start_date:
            term.start_date += delta
        if term.end_date:
            term.end_date += delta
        term.save(update_fields=["start_date", "end_date", "updated_at"])
        schedule_changed()
    return weeks
