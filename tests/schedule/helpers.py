"""Test data for the schedule pages: the seed term, moved so that today falls inside it."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.utils import timezone

from sessions.demo import place_schedule
from sessions.readme.importer import ImportResult, import_schedule
from sessions.readme.reader import parse_schedule
from sessions.readme.writer import format_schedule
from tests.conftest import FIXTURES


def seed_text() -> str:
    return (FIXTURES / "schedule-2025-fall.md").read_text(encoding="utf-8")


def shifted_seed(today: datetime.date | None = None, *, upcoming: int = 5) -> str:
    """The seed README with its dates moved by whole weeks (sessions/demo.py, as the demo does)
    so that `upcoming` sessions lie ahead of today (the next one 0-6 days ahead, today
    counting as ahead) and the rest behind: the pages then have a next session, upcoming and
    past ones, whatever day the tests run."""
    today = today or timezone.localdate()
    return format_schedule(place_schedule(parse_schedule(seed_text()), today, upcoming=upcoming))


def import_shifted(today: datetime.date | None = None, **kwargs) -> ImportResult:
    cache.clear()
    return import_schedule(shifted_seed(today, **kwargs))
