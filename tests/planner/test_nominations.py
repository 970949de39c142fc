"""The paper queue: nominations, one vote per member, scheduling, leaving the queue."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from planner import nominations
from planner.models import Nomination, Vote
from sessions.models import Session
from tests import factories
from tests.planner.conftest import arxiv, member_person, session, sosp


@pytest.fixture
def people(db):
    return member_person("ann", "Ann"), member_person("bob", "Bob")


def test_nominating_adds_the_nominators_vote_and_a_second_nomination_votes(people):
    ann, bob = people
    paper = sosp("Jenga")
    first, created = nominations.nominate(paper, ann, "  Great   memory work ")
    assert created and first.reason == "Great memory work"
    again, created = nominations.nominate(paper, bob, "me too")
    assert again == first and not created
    assert Nomination.objects.get().reason == "Great memory work"
    assert Vote.objects.filter(nomination=first).count() == 2


def test_one_vote_per_member_is_a_database_rule(people):
    ann, _ = people
    nomination, _ = nominations.nominate(sosp(), ann)
    assert nominations.vote(nomination, ann) is False
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(nomination=nomination, person=ann)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.create(paper=nomination.paper)


def test_withdrawing_a_vote(people):
    ann, bob = people
    nomination, _ = nominations.nominate(sosp(), ann)
    assert nominations.vote(nomination, bob) is True
    assert nominations.withdraw_vote(nomination, bob) is True
    assert nominations.withdraw_vote(nomination, bob) is False
    assert [e.votes for e in nominations.open_queue(bob)] == [1]


def test_papers_by_id_or_arxiv_link_and_clear_errors(db):
    paper = sosp()
    assert nominations.paper_for_nomination(str(paper.pk)) == paper
    known = arxiv(arxiv_id="2412.03131")
    assert nominations.paper_for_nomination("", "https://arxiv.org/abs/2412.03131v2") == known
    with pytest.raises(nominations.QueueError, match="not an arXiv id"):
        nominations.paper_for_nomination("", "hello")
    with pytest.raises(nominations.QueueError, match="not in the catalogue"):
        nominations.paper_for_nomination("99999")
    with pytest.raises(nominations.QueueError, match="Choose a paper"):
        nominations.paper_for_nomination()
    with pytest.raises(nominations.QueueError, match="under 300"):
        nominations.nominate(paper, member_person("x"), "x" * 301)


def test_queue_by_votes_and_the_viewers_own_votes(people):
    ann, bob = people
    one, _ = nominations.nominate(sosp("one"), ann)
    two, _ = nominations.nominate(sosp("two"), ann)
    nominations.vote(two, bob)
    queue = nominations.open_queue(bob)
    assert [e.nomination for e in queue] == [two, one]
    assert [e.voted for e in queue] == [True, False]
    assert nominations.open_queue(None)[0].voted is False


def test_scheduling_puts_the_paper_on_the_talk_and_out_of_the_queue(people):
    ann, _ = people
    term = factories.TermFactory()
    upcoming = session(term, datetime.date(2025, 10, 7))
    talk = upcoming.talks.get(position=1)
    nomination, _ = nominations.nominate(sosp("Jenga"), ann)
    nominations.schedule(nomination, talk)
    talk.refresh_from_db()
    assert talk.paper == nomination.paper and talk.venue_label == "SOSP'25"
    assert nominations.open_queue(ann) == []
    assert [e.nomination for e in nominations.recently_scheduled(ann)] == [nomination]
    with pytest.raises(nominations.QueueError, match="already scheduled"):
        nominations.vote(Nomination.objects.get(), ann)


def test_a_paper_put_on_a_talk_elsewhere_leaves_the_queue_one_presented_before_stays(people):
    ann, _ = people
    again, later = sosp("presented last term"), sosp("scheduled by hand")
    factories.TalkFactory(
        paper=again, session=factories.SessionFactory(date=datetime.date(2025, 5, 6))
    )
    nominations.nominate(again, ann)
    nominations.nominate(later, ann)
    factories.TalkFactory(
        paper=later, session=factories.SessionFactory(date=datetime.date(2025, 10, 14))
    )
    [entry] = nominations.open_queue(ann)
    assert entry.paper == again and entry.showings.presented == [datetime.date(2025, 5, 6)]


def test_scheduling_refuses_past_cancelled_and_taken_talks(people):
    ann, _ = people
    term = factories.TermFactory()
    nomination, _ = nominations.nominate(sosp(), ann)
    past = session(term, datetime.date(2025, 9, 2)).talks.first()
    cancelled = session(term, datetime.date(2025, 10, 14), kind=Session.Kind.CANCELLED)
    taken = session(term, datetime.date(2025, 10, 21)).talks.first()
    taken.paper = sosp("other")
    taken.save()
    for talk, message in (
        (past, "already taken place"),
        (cancelled.talks.first(), "cancelled"),
        (taken, "already has a paper"),
    ):
        with pytest.raises(nominations.QueueError, match=message):
            nominations.schedule(nomination, talk)
    assert Nomination.objects.get().talk is None


def test_queue_query_count_is_constant(people, django_assert_num_queries):
    ann, bob = people

    def grow(n):
        for i in range(n):
            paper = sosp(f"paper {i} {Nomination.objects.count()}")
            paper.topics.set([factories.TopicFactory()])
            nomination, _ = nominations.nominate(paper, ann)
            nominations.vote(nomination, bob)

    grow(2)
    with django_assert_num_queries(3):
        small = nominations.open_queue(bob)
    grow(6)
    with django_assert_num_queries(3):
        big = nominations.open_queue(bob)
    assert len(small) == 2 and len(big) == 8
