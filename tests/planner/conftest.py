"""Builders for the planning tests: SOSP and arXiv papers on topics, a term of sessions."""

from __future__ import annotations

import datetime
import itertools

import pytest
import time_machine

from papers.models import Venue
from sessions.models import Presenter
from tests import factories

TODAY = datetime.date(2025, 10, 1)
ARXIV_NUMBERS = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen_today(request):
    # Every rule here reads today (past, presented, upcoming): freeze it. Browser tests use
    # dates relative to the real today instead (a live server and Chromium share no clock).
    if request.node.get_closest_marker("browser"):
        yield None
        return
    with time_machine.travel(datetime.datetime(2025, 10, 1, 9, 0), tick=False):
        yield TODAY


def topic(name, parent=None):
    return factories.TopicFactory(name=name, parent=parent)


def sosp(title="A SOSP paper", topics=(), year=2025, **fields):
    paper = factories.PaperFactory(
        title=title,
        proceedings=factories.ProceedingsFactory(venue__name="SOSP", year=year),
        **fields,
    )
    paper.topics.set(topics)
    return paper


def osdi(title="An OSDI paper", topics=(), year=2025, **fields):
    paper = factories.PaperFactory(
        title=title,
        proceedings=factories.ProceedingsFactory(venue__name="OSDI", year=year),
        **fields,
    )
    paper.topics.set(topics)
    return paper


def arxiv(title="An arXiv paper", topics=(), **fields):
    fields.setdefault("arxiv_id", f"2501.{next(ARXIV_NUMBERS):05d}")
    fields.setdefault("arxiv_published", datetime.datetime(2025, 1, 5, tzinfo=datetime.UTC))
    paper = factories.PaperFactory(title=title, proceedings=None, **fields)
    paper.topics.set(topics)
    return paper


def session(term, date, talks=2, **fields):
    s = factories.SessionFactory(term=term, date=date, **fields)
    for position in range(1, talks + 1):
        factories.TalkFactory(session=s, position=position, paper=None, venue_label="")
    return s


def lead(talk, person):
    return factories.PresenterFactory(talk=talk, person=person, role=Presenter.Role.LEAD)


def support(talk, person, position=1):
    return factories.PresenterFactory(
        talk=talk, person=person, role=Presenter.Role.SUPPORT, position=position
    )


def member_person(username, name=None):
    from sessions.people import person_for

    user = factories.UserFactory(username=username)
    person = person_for(user)
    if name:
        person.name = name
        person.save()
    return person


__all__ = ["Venue"]
