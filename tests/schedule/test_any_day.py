"""The schedule's page logic on every day of a week and across years.

Each case freezes the clock on one day, places the seed term around it (as the other schedule
tests and the demo do) and reads the pages as a visitor: the next session, the upcoming ones,
the past ones, the feed and the filters must agree with the calendar whatever the weekday (the
seed meets on Tuesdays, so one of the seven days is a meeting day, when today's session is
the next one) and whatever the year.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from sessions.models import Session
from sessions.readme.reader import parse_schedule
from tests.schedule.helpers import import_shifted, seed_text

pytestmark = pytest.mark.django_db

WEEK = [datetime.date(2026, 11, 30) + datetime.timedelta(days=n) for n in range(7)]
OTHER_YEARS = [
    datetime.date(2028, 2, 29),  # a leap day, on the meeting weekday
    datetime.date(2026, 12, 31),  # the upcoming sessions cross into 2027
    datetime.date(2027, 1, 1),  # the past ones lie in the year before
]
UPCOMING = 5


@pytest.fixture(params=WEEK + OTHER_YEARS, ids=lambda day: f"{day:%Y-%m-%d-%a}")
def day(request, time_machine) -> datetime.date:
    # Noon in the group's time zone, so that the app's "today" is this date.
    time_machine.move_to(
        timezone.make_aware(datetime.datetime.combine(request.param, datetime.time(12)))
    )
    assert timezone.localdate() == request.param
    return request.param


@pytest.fixture
def placed(day):
    term = import_shifted().term
    sessions = list(Session.objects.filter(term=term).order_by("date"))
    upcoming = [s for s in sessions if s.date >= day]
    past = [s for s in sessions if s.date < day][::-1]  # newest first, as the pages list them
    return term, upcoming, past


def card_ids(html: str) -> list[str]:
    return re.findall(r'id="session-(\d{4}-\d{2}-\d{2})"', html)


def test_seed_lands_with_the_next_session_within_the_week(day, placed):
    _, upcoming, past = placed
    assert len(upcoming) == UPCOMING and len(past) == 10
    assert 0 <= (upcoming[0].date - day).days <= 6
    assert past[0].date < day
    # Moved by whole weeks: every session keeps its weekday and its distance to the others.
    seed = sorted(session.date for session in parse_schedule(seed_text()).sessions)
    placed_dates = sorted(session.date for session in upcoming + past)
    assert [d.weekday() for d in placed_dates] == [d.weekday() for d in seed]
    assert len({p - d for p, d in zip(placed_dates, seed, strict=True)}) == 1


@pytest.mark.parametrize("url", ["/", "term"])
def test_home_and_term_pages_order_next_upcoming_past(client, day, placed, url):
    term, upcoming, past = placed
    html = client.get(term.get_absolute_url() if url == "term" else url).content.decode()

    assert card_ids(html) == [s.date.isoformat() for s in upcoming + past]
    # The next session is the highlighted first card, under its own heading.
    next_card = html[html.index(">Next session</h2>") :]
    assert next_card.index(f'id="session-{upcoming[0].date.isoformat()}"') < next_card.index(
        ">Upcoming</h2>"
    )
    assert 'class="card session-card highlight"' in html.split(">Upcoming</h2>")[0]
    assert html.index(">Upcoming</h2>") < html.index(">Past sessions</h2>")
    assert html.count("highlight") == 1


def test_session_page_links_to_its_neighbours(client, day, placed):
    _, upcoming, past = placed
    html = client.get(upcoming[0].get_absolute_url()).content.decode()
    assert f'href="{past[0].get_absolute_url()}" rel="prev"' in html
    assert f'href="{upcoming[1].get_absolute_url()}" rel="next"' in html


def test_feed_lists_exactly_the_upcoming_sessions(client, day, placed):
    _, upcoming, past = placed
    body = client.get("/feed/").content.decode()
    assert body.count("<entry>") == UPCOMING
    for session in upcoming:
        assert f"session-{session.date.isoformat()}" in body or session.get_absolute_url() in body
    for session in past:
        assert session.get_absolute_url() not in body


def test_time_and_venue_filters(client, day, placed):
    _, upcoming, past = placed

    ahead = client.get("/", {"when": "upcoming"}).content.decode()
    assert card_ids(ahead) == [s.date.isoformat() for s in upcoming]
    assert "Past sessions" not in ahead

    behind = client.get("/", {"when": "past"}).content.decode()
    assert card_ids(behind) == [s.date.isoformat() for s in past]
    assert "Next session" not in behind

    osdi = client.get("/", {"venue": "osdi", "when": "past"}).content.decode()
    assert osdi.count('class="talk"') == 2  # NanoFlow and FuseLink, both held already
    assert "NanoFlow" in osdi and "FuseLink" in osdi
