"""`load_demo` (what `make run` loads): a live term on the day it runs, and on later days.

The browser test runs on the real clock, as a person trying `make run` would; the others freeze
it, and move it on to see what a later `make run` does.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from sessions.demo import PlacementError, move_term_forward
from sessions.management.commands.load_demo import DEMO_PASSWORD, DEMO_TERM, UPCOMING
from sessions.models import Presenter, Session, Talk, Term
from sessions.people import person_for
from sessions.signups import sign_up
from tests import factories
from tests.conftest import FROZEN_NOW


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, stderr=out)
    return out.getvalue()


def demo_sessions() -> list[Session]:
    return list(Session.objects.filter(term__name=DEMO_TERM).order_by("date"))


def ahead(today: datetime.date) -> list[Session]:
    return [session for session in demo_sessions() if session.date >= today]


@pytest.mark.django_db
@pytest.mark.time_machine(FROZEN_NOW)
def test_demo_term_is_live_on_the_day_it_loads(client):
    out = load_demo()
    today = timezone.localdate()

    assert "Demo member: username member, password reading-group-demo" in out
    upcoming = ahead(today)
    assert len(upcoming) == UPCOMING
    assert 0 <= (upcoming[0].date - today).days <= 6
    past = Talk.objects.filter(session__term__name=DEMO_TERM, session__date__lt=today)
    assert past.exclude(video_url="").exclude(slides_url="").count() >= 10
    # Talks nobody leads yet, and room for supporters in the next session.
    open_talks = Talk.objects.filter(session__in=upcoming).exclude(presenters__role="lead")
    assert open_talks.count() == 4
    assert Presenter.objects.filter(talk__session=upcoming[0], role="support").count() < 3

    html = client.get("/").content.decode()
    assert DEMO_TERM in html
    next_card = html[html.index(">Next session</h2>") : html.index(">Upcoming</h2>")]
    assert f'id="session-{upcoming[0].date.isoformat()}"' in next_card
    assert "Sign in to sign up" in next_card


@pytest.mark.django_db
@pytest.mark.time_machine(FROZEN_NOW)
def test_a_later_run_moves_the_term_forward_and_keeps_sign_ups(time_machine):
    load_demo()
    member = get_user_model().objects.get(username="member")  # the demo member
    talk = list(Talk.objects.filter(session__in=ahead(timezone.localdate())))[-1]
    sign_up(talk, person_for(member), "lead")
    before = {s.pk: s.date for s in demo_sessions()}

    assert "current, unchanged" in load_demo()
    assert {s.pk: s.date for s in demo_sessions()} == before

    time_machine.shift(datetime.timedelta(days=45))
    today = timezone.localdate()
    out = load_demo()

    after = {s.pk: s.date for s in demo_sessions()}
    weeks = {(after[pk] - date).days / 7 for pk, date in before.items()}
    assert weeks == {6}  # Thursday to a Sunday six weeks and three days on
    assert "moved 6 weeks forward" in out
    assert len(ahead(today)) == UPCOMING and 0 <= (ahead(today)[0].date - today).days <= 6
    lead = Presenter.objects.get(talk=talk, role="lead")
    assert lead.person.user == member and not lead.confirmed
    term = Term.objects.get(name=DEMO_TERM)
    assert (term.start_date, term.end_date) == (min(after.values()), max(after.values()))
    assert Term.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.time_machine(FROZEN_NOW)
def test_the_term_stays_put_when_another_term_holds_a_date(time_machine):
    load_demo()
    newest = demo_sessions()[-1].date
    factories.SessionFactory(date=newest + datetime.timedelta(weeks=2), term__name="Real term")
    before = [s.date for s in demo_sessions()]

    time_machine.shift(datetime.timedelta(weeks=3))
    out = load_demo()

    assert "Demo term left where it is" in out and "is a session of 'Real term'" in out
    assert [s.date for s in demo_sessions()] == before
    with pytest.raises(PlacementError):
        move_term_forward(Term.objects.get(name=DEMO_TERM), timezone.localdate(), upcoming=5)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_demo_member_signs_in_and_signs_up_from_the_home_page(page, live_server, screenshot):
    load_demo()
    today = timezone.localdate()
    next_session = ahead(today)[0]

    page.goto("/")
    card = page.locator(".session-card").first
    assert "highlight" in (card.get_attribute("class") or "")
    assert card.get_attribute("id") == f"session-{next_session.date.isoformat()}"
    screenshot(page, "demo-home")

    card.get_by_role("link", name="Sign in to sign up").first.click()
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))

    talk = next_session.talks.order_by("position")[0]
    row = page.locator(f"#talk-{talk.pk}")
    row.get_by_role("button", name="Join as supporter").click()
    page.locator(f"#talk-{talk.pk}").get_by_text("awaiting confirmation").wait_for()

    open_talk = Talk.objects.filter(session__in=ahead(today)).exclude(presenters__role="lead")[0]
    page.locator(f"#talk-{open_talk.pk}").get_by_role("button", name="Sign up as lead").click()
    page.locator(f"#talk-{open_talk.pk}").get_by_text("You are the lead").wait_for()
    screenshot(page, "demo-signed-up")

    mine = Presenter.objects.filter(person__user__username="member").order_by("talk__position")
    assert {(p.talk_id, p.role) for p in mine} == {(talk.pk, "support"), (open_talk.pk, "lead")}
