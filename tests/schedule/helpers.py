"""Test data for the schedule pages: the seed term, moved so that today falls inside it."""

from __future__ import annotations

import dataclasses
import datetime

from django.core.cache import cache
from django.utils import timezone

from sessions.readme_format import format_schedule, parse_schedule
from sessions.readme_import import ImportResult, import_schedule
from tests.conftest import FIXTURES


def seed_text() -> str:
    return (FIXTURES / "schedule-2025-fall.md").read_text(encoding="utf-8")


def shifted_seed(today: datetime.date | None = None, *, upcoming: int = 5) -> str:
    """The seed README with its dates moved by whole weeks so that `upcoming` sessions lie
    ahead of today (the nearest in 1-7 days) and the rest behind: the pages then have a next
    session, upcoming and past ones, whatever day the tests run."""
    today = today or timezone.localdate()
    schedule = parse_schedule(seed_text())
    newest_first = schedule.sessions
    pivot = newest_first[upcoming - 1].date  # becomes the next session
    weeks = (today - pivot).days // 7 + 1
    delta = datetime.timedelta(weeks=weeks)
    schedule.sessions = [
        dataclasses.replace(session, date=session.date + delta) for session in newest_first
    ]
    return format_schedule(schedule)


def import_shifted(today: datetime.date | None = None, **kwargs) -> ImportResult:
    cache.clear()
    return import_schedule(shifted_seed(today, **kwargs))
