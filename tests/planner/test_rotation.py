"""Fair rotation: availability respected, presenter ordering, counts for members and guests."""

from __future__ import annotations

import datetime

import pytest

from planner import rotation
from planner.models import Unavailability
from planner.nominations import QueueError
from sessions.models import Session
from tests import factories
from tests.planner.conftest import lead, member_person, session, support

NEXT = datetime.date(2025, 10, 7)


@pytest.fixture
def term(db):
    return factories.TermFactory()


def names(candidates):
    return [c.person.name for c in candidates]


def test_fewest_leads_this_term_then_longest_since_last_lead(term):
    ann, bob, cat, dan = (member_person(u, u.title()) for u in ("ann", "bob", "cat", "dan"))
    factories.PersonFactory(name="Guest")
    s1 = session(term, datetime.date(2025, 9, 2))
    s2 = session(term, datetime.date(2025, 9, 9))
    lead(s1.talks.get(position=1), ann)
    lead(s1.talks.get(position=2), bob)
    lead(s2.talks.get(position=1), ann)
    support(s2.talks.get(position=2), cat)
    older = factories.TermFactory()
    lead(session(older, datetime.date(2025, 3, 4)).talks.first(), dan)
    talk = session(term, NEXT).talks.first()
    found = rotation.suggest_presenters(talk, limit=None)
    # Cat, Guest: no leads ever (never led goes first, by name); Dan led last term only;
    # Bob led once this term; Ann twice.
    assert names(found) == ["Cat", "Guest", "Dan", "Bob", "Ann"]
    by_name = {c.person.name: c for c in found}
    assert by_name["Cat"].supports_this_term == 1 and by_name["Cat"].leads_this_term == 0
    assert by_name["Dan"].leads_total == 1 and by_name["Dan"].leads_this_term == 0
    assert by_name["Ann"].as_json() == {
        "person_id": ann.pk,
        "name": "Ann",
        "leads_this_term": 2,
        "supports_this_term": 0,
        "last_presented": "2025-09-09",
        "available": True,
    }
    assert by_name["Guest"].as_json()["last_presented"] is None


def test_unavailable_people_go_last_and_people_in_the_session_are_left_out(term):
    ann, _bob, cat = (member_person(u, u.title()) for u in ("ann", "bob", "cat"))
    s = session(term, NEXT)
    first, second = s.talks.get(position=1), s.talks.get(position=2)
    support(second, cat)
    rotation.set_available(ann, s, False)
    rotation.set_available(ann, s, False)  # twice: one row
    assert Unavailability.objects.count() == 1
    found = rotation.suggest_presenters(first, limit=None)
    assert names(found) == ["Bob", "Ann"]
    assert [c.available for c in found] == [True, False]
    rotation.set_available(ann, s, True)
    assert names(rotation.suggest_presenters(first, limit=None)) == ["Ann", "Bob"]


def test_cancelled_sessions_count_for_nothing_and_past_sessions_take_no_marks(term):
    ann = member_person("ann", "Ann")
    cancelled = session(term, datetime.date(2025, 9, 16), kind=Session.Kind.CANCELLED)
    lead(cancelled.talks.first(), ann)
    talk = session(term, NEXT).talks.first()
    assert rotation.suggest_presenters(talk)[0].leads_this_term == 0
    with pytest.raises(QueueError, match="over"):
        rotation.set_available(ann, session(term, datetime.date(2025, 9, 23)), False)


def test_suggestion_query_count_is_constant(term, django_assert_num_queries):
    talk = session(term, NEXT).talks.first()
    member_person("ann")
    with django_assert_num_queries(4):
        rotation.suggest_presenters(talk)
    for i in range(6):
        person = member_person(f"m{i}")
        lead(
            session(term, datetime.date(2025, 9, 1) + datetime.timedelta(days=i)).talks.first(),
            person,
        )
    with django_assert_num_queries(4):
        assert len(rotation.suggest_presenters(talk, limit=None)) == 7
