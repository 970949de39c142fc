"""Login throttling (django-axes), issue 12: 200 wrong passwords in a row for one account used
to go unnoticed and the right one then worked at once."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests.conftest import FROZEN_NOW

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RIGHT = "correct horse battery staple"


def sign_in(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.time_machine(FROZEN_NOW)
def test_settings_come_from_the_environment():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.time_machine(FROZEN_NOW)
def test_a_wrong_password_is_an_ordinary_error_below_the_limit(client, member):
    response = sign_in(client, member.username, "wrong")
    assert response.status_code == 200
    assert "locked" not in response.content.decode()
    assert sign_in(client, member.username, RIGHT).status_code == 302
    assert signed_in(client)
    # A success forgets the failures.
    assert not AccessAttempt.objects.filter(username=member.username).exists()


@pytest.mark.time_machine(FROZEN_NOW)
def test_200_wrong_passwords_then_the_right_one_is_refused_until_unlocked(
    client, member, organiser
):
    statuses = [sign_in(client, member.username, f"guess-{n}").status_code for n in range(200)]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT :]) == {429}

    response = sign_in(client, member.username, RIGHT)
    assert response.status_code == 429
    assert not signed_in(client)
    html = response.content.decode()
    assert "Too many failed sign-ins for this account from your address" in html
    assert "locked for 15 minutes" in html
    assert 'name="password"' in html  # still the sign-in page, username kept
    assert f'value="{member.username}"' in html

    # Another address is not locked out of the same account (the pair is locked).
    other = client.__class__()
    assert sign_in(other, member.username, RIGHT, address="10.0.0.2").status_code == 302

    # An organiser unlocks it in the admin.
    admin = client.__class__()
    admin.force_login(organiser)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert member.username in admin.get(changelist).content.decode()
    attempts = list(AccessAttempt.objects.filter(username=member.username))
    response = admin.post(
        changelist,
        {"action": "unlock", "_selected_action": [a.pk for a in attempts]},
        follow=True,
    )
    assert "Unlocked member" in response.content.decode()
    assert sign_in(client, member.username, RIGHT).status_code == 302
    assert signed_in(client)


@pytest.mark.time_machine(FROZEN_NOW)
def test_the_lockout_ends_after_the_cool_off(client, member):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, member.username, f"guess-{n}")
    assert sign_in(client, member.username, RIGHT).status_code == 429
    with time_machine.travel(FROZEN_NOW + datetime.timedelta(minutes=14), tick=False):
        assert sign_in(client, member.username, RIGHT).status_code == 429
    # Failing during the lockout restarted the cool-off: 15 minutes from the last try.
    with time_machine.travel(FROZEN_NOW + datetime.timedelta(minutes=30), tick=False):
        assert sign_in(client, member.username, RIGHT).status_code == 302


@pytest.mark.time_machine(FROZEN_NOW)
def test_a_member_cannot_open_the_lockouts(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302  # to the admin's sign-in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_sign_in_page_says_why_in_a_browser(page, member, screenshot):
    # No frozen clock here: Chromium's cookies use the real one.
    page.goto(LOGIN)
    for n in range(settings.AXES_FAILURE_LIMIT):
        page.fill("input[name=username]", member.username)
        page.fill("input[name=password]", f"guess-{n}")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    page.fill("input[name=password]", RIGHT)
    page.click("main button[type=submit]")
    alert = page.locator("[data-locked-out]")
    alert.wait_for()
    assert "locked for 15 minutes" in alert.inner_text()
    assert page.locator("input[name=username]").input_value() == member.username
    screenshot(page, "login-locked-out")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "login-locked-out-390")
