"""Fixtures of the members' tests: talks in the future and the past, people with accounts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sessions.models import Person, Session
from tests import factories


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def make_talk(days: int = 7, position: int = 1, kind: str = Session.Kind.REGULAR, **kwargs):
    session = Session.objects.filter(date=days_from_today(days)).first()
    if session is None:
        session = factories.SessionFactory(date=days_from_today(days), kind=kind)
    return factories.TalkFactory(session=session, position=position, **kwargs)


def person_of(user, name: str | None = None) -> Person:
    person, _ = Person.objects.get_or_create(
        user=user, defaults={"name": name or user.username.title()}
    )
    return person


@pytest.fixture
def upcoming_talk(db):
    return make_talk(days=7)


@pytest.fixture
def past_talk(db):
    return make_talk(days=-7)


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process when they are sent (the slides task, here)."""
    from readinggroup.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
