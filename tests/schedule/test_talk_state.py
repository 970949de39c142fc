"""The talk/session state rules, each defined once on the models (sessions/models.py)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from sessions.models import Session, Talk
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)
BEFORE, AFTER = DAY - datetime.timedelta(days=1), DAY + datetime.timedelta(days=1)


@pytest.fixture
def talk():
    session = factories.SessionFactory(date=DAY)
    return Talk.objects.create(session=session, position=1)


def test_a_session_is_past_from_the_day_after(talk):
    session = talk.session
    assert not session.is_past(on=BEFORE)
    assert not session.is_past(on=DAY)  # today's session is still upcoming
    assert session.is_past(on=AFTER)
    assert talk.is_past(on=AFTER) and not talk.is_past(on=DAY)


def test_links_are_allowed_from_the_day_of_the_session(talk):
    assert not talk.links_allowed(on=BEFORE)
    assert talk.links_allowed(on=DAY)
    assert talk.links_allowed(on=AFTER)


@time_machine.travel(datetime.datetime(2026, 3, 11, 2, 0, tzinfo=datetime.UTC), tick=False)
def test_without_a_day_the_rules_read_today(talk):
    assert talk.session.is_past() and talk.is_past() and talk.links_allowed()


def test_querysets_split_past_from_upcoming_like_the_methods(talk):
    earlier = factories.SessionFactory(date=BEFORE)
    assert list(Session.objects.past(on=DAY)) == [earlier]
    assert list(Session.objects.upcoming(on=DAY)) == [talk.session]
    assert list(Talk.objects.upcoming(on=DAY)) == [talk]
    assert not Talk.objects.past(on=DAY).exists()
    assert list(Talk.objects.past(on=AFTER)) == [talk]


def test_a_cancelled_session_is_not_open(talk):
    assert talk.session.is_open(on=DAY)
    talk.session.kind = Session.Kind.CANCELLED
    assert not talk.session.is_open(on=DAY)
    assert talk.missing(on=AFTER) == []


def test_recorded_means_slides_or_video(talk):
    assert not talk.is_recorded
    talk.video_url = "https://example.org/v"
    assert talk.is_recorded and not talk.has_slides
    talk.video_url, talk.slides_url = "", "slides/x.pdf"
    assert talk.is_recorded and talk.has_slides


def test_missing_lists_what_the_presenters_still_owe(talk):
    assert talk.missing(on=DAY) == ["paper not chosen", "slides not uploaded"]
    assert talk.missing(on=AFTER)[-1] == "video link missing"
    talk.title, talk.slides_url, talk.video_url = "A topic", "s.pdf", "https://v"
    assert talk.missing(on=AFTER) == []


def test_an_empty_slot_has_no_content_and_no_presenters(talk):
    assert talk.is_empty()
    talk.venue_label = "SOSP'25"
    assert not talk.is_empty()
    talk.venue_label = ""
    factories.PresenterFactory(talk=talk)
    assert not talk.is_empty()
