"""A term too large for one page is paged on the organiser dashboard (issue 12): a 10,000-session
term costs the same number of queries as a one-session term, and shows PAGE_SIZE rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from sessions import paging
from sessions.models import Session, Talk
from tests import factories
from tests.conftest import FROZEN_NOW

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN_NOW)]

TODAY = FROZEN_NOW.date()


def big_term(count: int, *, first: datetime.date):
    term = factories.TermFactory(slug=f"big-{count}")
    Session.objects.bulk_create(
        Session(term=term, date=first + datetime.timedelta(days=i)) for i in range(count)
    )
    Talk.objects.bulk_create(
        Talk(session=s, position=1, title=f"Talk {s.date}")
        for s in Session.objects.filter(term=term)
    )
    return term


def test_a_ten_thousand_session_term_costs_what_a_small_one_does(
    client, organiser, django_assert_num_queries
):
    client.force_login(organiser)
    small = big_term(1, first=TODAY + datetime.timedelta(days=6_000))
    huge = big_term(10_000, first=TODAY - datetime.timedelta(days=5_000))
    client.get(reverse("schedule:organiser_term", args=[small.slug]))  # warm the session

    # As tests/organiser/test_views.py counts them, plus the planner's suggestions for the next
    # session to plan (4 queries, on either term).
    with django_assert_num_queries(15) as one:
        page = client.get(reverse("schedule:organiser_term", args=[small.slug]))
    assert page.status_code == 200
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("schedule:organiser_term", args=[huge.slug]))
    html = page.content.decode()
    assert html.count('class="card organiser-session') == paging.PAGE_SIZE
    assert "10,000 sessions" in html or "10000 sessions" in html
    # It opens on today's page: sessions 5,001-5,050 (the first from today on is the 5,001st).
    assert "page 101 of 200" in html
    assert f"Talk {TODAY}" in html
    # Move targets are the page's sessions, not the whole term's.
    assert html.count("<option value=") < 3 * paging.PAGE_SIZE * paging.PAGE_SIZE


def test_pages_are_reachable_and_a_bad_number_gives_the_nearest(client, organiser):
    client.force_login(organiser)
    term = big_term(120, first=TODAY)
    url = reverse("schedule:organiser_term", args=[term.slug])
    first = client.get(url).content.decode()
    assert "page 1 of 3" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get(url, {"page": "3"}).content.decode()
    assert "Sessions 101\N{EN DASH}120 of 120" in last
    assert "page 3 of 3" in client.get(url, {"page": "999"}).content.decode()
    assert "page 1 of 3" in client.get(url, {"page": "x"}).content.decode()


def test_an_edited_row_redirects_to_its_page(client, organiser):
    client.force_login(organiser)
    term = big_term(120, first=TODAY)
    session = Session.objects.filter(term=term).order_by("date")[75]
    response = client.post(reverse("schedule:organiser_session_cancel", args=[session.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?page=2#session-{session.pk}")
    assert paging.page_number_of(session) == 2
