"""Test data for the schedule pages: the seed term, moved so that today falls inside it."""

from __future__ import annotations

import dataclasses
import datetime

from django.core.cache import cache
from django.utils import timezone

from sessions.readme.importer import ImportResult, import_schedule
from sessions.readme.reader import parse_schedule
from sessions.readme.writer import format_schedule
from tests.conftest import FIXTURES


def seed_text() -> str:
    return (FIXTURES / "schedule-2025-fall.md").read_text(encoding="utf-8")


def shifted_seed(today: datetime.date | None = None, *, upcoming: int = 5) -> str:
    """The seed README with its dates moved by whole weeks so that `upcoming` sessions lie
    ahead of today and the rest behind: the pages then have a next session, upcoming and past
    ones, whatever day the tests run.

    The pages count a session held today as upcoming, so the next session lands 0-6 days
    ahead: the fewest whole weeks that bring it to today or later. On the sessions' own
    weekday it is today's session, and the one before it a week ago (a shift that put the
    next session 7 days ahead would put the previous one on today, making it upcoming too).
    """
    today = today or timezone.localdate()
    schedule = parse_schedule(seed_text())
    newest_first = schedule.sessions
    pivot = newest_first[upcoming - 1].date  # becomes the next session
    weeks = -((pivot - today).days // 7)  # ceil((today - pivot) / 7 days)
    delta = datetime.timedelta(weeks=weeks)
    previous = newest_first[upcoming].date if len(newest_first) > upcoming else None
    assert today <= pivot + delta < today + datetime.timedelta(days=7)
    assert previous is None or previous + delta < today, "sessions closer than a week apart"
    schedule.sessions = [
        dataclasses.replace(session, date=session.date + delta) for session in newest_first
    ]
    return format_schedule(schedule)


def import_shifted(today: datetime.date | None = None, **kwargs) -> ImportResult:
    cache.clear()
    return import_schedule(shifted_seed(today, **kwargs))
