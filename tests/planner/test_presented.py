"""'Presented' in one home: past, not cancelled sessions; upcoming ones are 'scheduled'."""

from __future__ import annotations

import datetime

from papers import presented
from papers.models import Paper
from sessions.models import Session
from tests import factories
from tests.planner.conftest import TODAY, arxiv, sosp


def on_talk(paper, date, **session_fields):
    s = factories.SessionFactory(date=date, **session_fields)
    return factories.TalkFactory(session=s, paper=paper)


def test_past_talks_present_upcoming_ones_schedule_cancelled_ones_neither(db):
    old, soon, dropped, fresh = sosp("old"), arxiv("soon"), sosp("dropped"), sosp("fresh")
    on_talk(old, datetime.date(2025, 9, 16))
    on_talk(old, datetime.date(2025, 9, 23))
    on_talk(soon, datetime.date(2025, 10, 7))
    on_talk(dropped, datetime.date(2025, 9, 9), kind=Session.Kind.CANCELLED)
    shown = presented.showings([old.pk, soon.pk, dropped.pk, fresh.pk])
    assert shown[old.pk].presented == [datetime.date(2025, 9, 16), datetime.date(2025, 9, 23)]
    assert shown[old.pk].last_presented == datetime.date(2025, 9, 23)
    assert shown[soon.pk].presented == [] and shown[soon.pk].scheduled == [
        datetime.date(2025, 10, 7)
    ]
    assert not shown[dropped.pk].taken and not shown[fresh.pk].taken
    yes = presented.filter_presented(Paper.objects.all(), True)
    no = presented.filter_presented(Paper.objects.all(), False)
    assert set(yes) == {old}
    assert set(no) == {soon, dropped, fresh}
    assert set(Paper.objects.filter(presented.taken_q())) == {old, soon}


def test_the_session_day_itself_is_still_scheduled(db):
    paper = sosp()
    on_talk(paper, TODAY)
    assert presented.showings([paper.pk])[paper.pk].scheduled == [TODAY]
    assert presented.showings([paper.pk], on=TODAY + datetime.timedelta(days=1))[
        paper.pk
    ].presented == [TODAY]


def test_showings_cost_one_query_for_any_number_of_papers(db, django_assert_num_queries):
    papers = [sosp(f"p{i}") for i in range(5)]
    for index, paper in enumerate(papers):
        on_talk(paper, datetime.date(2025, 9, 1) + datetime.timedelta(days=index))
    with django_assert_num_queries(1):
        presented.attach_showings(papers)
    assert all(p.showings.presented for p in papers)
