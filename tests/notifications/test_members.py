"""The member's side: choosing mails on the profile, one-click unsubscribe, the calendar."""

from __future__ import annotations

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from notifications import calendar, kinds, unsubscribe
from notifications.models import OptOut
from sessions import signups
from sessions.models import Presenter
from tests.conftest import FROZEN_NOW
from tests.members.conftest import make_talk
from tests.notifications.conftest import presenter

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN_NOW)]


def test_the_profile_lists_the_kinds_and_saves_the_choice(client, member, people):
    client.force_login(member)
    page = client.get(reverse("profile")).content.decode()
    assert 'id="mail"' in page and "Your sign-up was received" in page
    assert "Organisers: a sign-up awaits confirmation" not in page  # not for members
    wanted = {kind.code: "on" for kind in kinds.for_audience(kinds.MEMBER, kinds.CO_PRESENTERS)}
    del wanted[kinds.REMINDER]
    response = client.post(reverse("notifications:preferences"), wanted)
    assert response.status_code == 302 and response.url.endswith("#mail")
    assert set(OptOut.objects.filter(user=member).values_list("kind", flat=True)) == {
        kinds.REMINDER
    }
    page = client.get(reverse("profile")).content.decode()
    assert (
        'name="reminder" id="id_reminder" >' in page or 'name="reminder" id="id_reminder">' in page
    )
    client.post(reverse("notifications:preferences"), {**wanted, kinds.REMINDER: "on"})
    assert not OptOut.objects.filter(user=member).exists()


def test_organisers_may_turn_off_the_organisers_mails(client, organiser, people):
    client.force_login(organiser)
    assert (
        "Organisers: a sign-up awaits confirmation"
        in client.get(reverse("profile")).content.decode()
    )


def _link(commit, people, talk):
    commit(signups.sign_up, talk, people["alice"], "lead")
    email = next(m for m in mail.outbox if m.to == ["member@example.org"])
    line = next(line for line in email.body.splitlines() if "/mail/unsubscribe/" in line)
    return line[line.index("https://rg.example.org") + len("https://rg.example.org") :].strip()


def test_the_link_in_a_mail_unsubscribes_from_that_kind_without_signing_in(
    commit, client, member, people, talk
):
    path = _link(commit, people, talk)
    page = client.get(path)
    assert page.status_code == 200 and "Your sign-up was received" in page.content.decode()
    assert not OptOut.objects.exists()  # a GET (a link scanner) changes nothing
    done = client.post(path)  # no CSRF token: RFC 8058 one-click POST
    assert done.status_code == 200 and "Done" in done.content.decode()
    assert list(OptOut.objects.values_list("user__username", "kind")) == [
        ("member", kinds.SIGNUP_RECEIVED)
    ]
    mail.outbox.clear()
    later = make_talk(days=14)
    commit(signups.sign_up, later, people["alice"], "lead")
    assert [m.to for m in mail.outbox] == [["organiser@example.org"]]


def test_a_forged_or_damaged_link_changes_nothing(client, member):
    good = unsubscribe.token_for(member, kinds.REMINDER)
    for token in (good[:-3] + "abc", "nonsense", good.replace(":", "", 1)):
        url = reverse("notifications:unsubscribe", kwargs={"token": token})
        assert client.post(url).status_code == 404
    assert not OptOut.objects.exists()


def test_the_rfc8058_client_uses_the_list_unsubscribe_header(commit, client, people, talk):
    commit(signups.sign_up, talk, people["alice"], "lead")
    email = next(m for m in mail.outbox if m.to == ["member@example.org"])
    url = email.extra_headers["List-Unsubscribe"].strip("<>").replace("https://rg.example.org", "")
    client.post(url, {"List-Unsubscribe": "One-Click"})
    assert OptOut.objects.filter(kind=kinds.SIGNUP_RECEIVED).count() == 1


# --- the personal calendar ------------------------------------------------------------------


def test_the_personal_calendar_has_only_the_member_s_talks(client, member, people):
    mine = make_talk(days=7)
    presenter(mine, people["alice"])
    theirs_same_day = make_talk(days=7, position=2, title="Someone else's topic")
    presenter(theirs_same_day, people["bob"])
    presenter(make_talk(days=14), people["bob"])
    past = make_talk(days=-7)
    presenter(past, people["alice"], role=Presenter.Role.SUPPORT)

    token = calendar.token_of(member).token
    response = client.get(reverse("notifications:calendar", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    events = [c for c in parsed.walk("VEVENT")]
    assert sorted(
        e.decoded("dtstart").date()
        if hasattr(e.decoded("dtstart"), "date")
        else e.decoded("dtstart")
        for e in events
    ) == [
        past.session.date,
        mine.session.date,
    ]
    text = response.content.decode()
    assert "Someone else" not in text
    assert "Alice" in str(parsed.get("x-wr-calname"))


def test_a_wrong_or_replaced_token_is_404(client, member, people):
    old = calendar.token_of(member).token
    assert (
        client.get(reverse("notifications:calendar", kwargs={"token": "x" * 32})).status_code == 404
    )
    client.force_login(member)
    client.post(reverse("notifications:calendar_regenerate"))
    client.logout()
    assert client.get(reverse("notifications:calendar", kwargs={"token": old})).status_code == 404
    new = calendar.token_of(member).token
    assert new != old
    assert client.get(reverse("notifications:calendar", kwargs={"token": new})).status_code == 200


def test_my_talks_offers_webcal_and_download(client, member, people):
    client.force_login(member)
    page = client.get(reverse("schedule:me"), follow=True).content.decode()
    token = calendar.token_of(member).token
    path = reverse("notifications:calendar", kwargs={"token": token})
    assert f'href="webcal://testserver{path}"' in page
    assert f'href="http://testserver{path}" download' in page
