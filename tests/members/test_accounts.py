"""Accounts: sign in/out, password change and reset, registration (open / invite), profile,
invites and linking guests to members."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invite
from sessions.models import Person, Presenter
from tests import factories
from tests.conftest import FROZEN_NOW
from tests.members.conftest import make_talk, person_of

pytestmark = pytest.mark.time_machine(FROZEN_NOW)

User = get_user_model()
PASSWORD = "a-long-unusual-passphrase-42"


def registration_data(**overrides) -> dict:
    data = {
        "username": "newbie",
        "name": "Nora Newbie",
        "affiliation": "HKU",
        "email": "nora@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


# --- sign in, sign out, passwords ---------------------------------------------------------------


def test_sign_in_and_out(client, member):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and b"Forgotten your password?" in page.content
    response = client.post(
        reverse("login"),
        {"username": "member", "password": "correct horse battery staple", "next": "/me/"},
    )
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert client.get(reverse("profile")).status_code == 200
    # Signing out is a POST (a GET would let any page sign you out with an <img>).
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("profile")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, member):
    response = client.post(reverse("login"), {"username": "member", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_password_change(client, member):
    client.force_login(member)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and b"Change password" in page.content
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


# The password reset by email: tests/members/test_password_reset.py.


# --- registration -------------------------------------------------------------------------------


def test_open_registration_creates_the_member_and_their_person(client, settings, db):
    settings.REGISTRATION_MODE = "open"
    page = client.get(reverse("register"))
    assert page.status_code == 200 and b"Display name" in page.content
    response = client.post(reverse("register"), registration_data(), follow=True)
    assert response.redirect_chain[-1][0] == "/members/newbie/"
    user = User.objects.get(username="newbie")
    assert user.email == "nora@example.org" and user.check_password(PASSWORD)
    assert (user.person.name, user.person.affiliation) == ("Nora Newbie", "HKU")
    assert b"Welcome, Nora Newbie" in response.content
    assert response.context["user"] == user  # signed in


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password2": "something else entirely"}, b"password fields didn"),
        ({"name": ""}, b"This field is required"),
        ({"email": "not-an-email"}, b"Enter a valid email address"),
        ({"username": "member"}, b"A user with that username already exists"),
        ({"email": "MEMBER@example.org"}, b"An account with this email already exists"),
        ({"password1": "123", "password2": "123"}, b"too short"),
    ],
)
def test_bad_registration_changes_nothing(client, member, settings, overrides, message):
    settings.REGISTRATION_MODE = "open"
    users, people = User.objects.count(), Person.objects.count()
    response = client.post(reverse("register"), registration_data(**overrides))
    assert response.status_code == 200
    assert message in response.content
    assert (User.objects.count(), Person.objects.count()) == (users, people)


def test_invite_mode_refuses_registration_without_a_link(client, settings, db):
    settings.REGISTRATION_MODE = "invite"
    page = client.get(reverse("register"))
    assert page.status_code == 403 and b"by invitation only" in page.content
    response = client.post(reverse("register"), registration_data())
    assert response.status_code == 403
    assert not User.objects.filter(username="newbie").exists()
    # And the nav does not offer it.
    assert b">Register<" not in client.get(reverse("login")).content


def test_open_mode_shows_register_in_the_nav(client, settings, db):
    settings.REGISTRATION_MODE = "open"
    assert b">Register<" in client.get(reverse("login")).content


def test_invite_link_registers_once(client, settings, organiser):
    settings.REGISTRATION_MODE = "invite"
    invite = services.create_invite(organiser, note="Nora")
    url = invite.get_absolute_url()
    assert client.get(url).status_code == 200
    response = client.post(url, registration_data())
    assert response.status_code == 302
    invite.refresh_from_db()
    assert invite.used_by.username == "newbie" and invite.is_used
    client.logout()
    again = client.get(url)
    assert again.status_code == 403 and b"already been used" in again.content
    second = client.post(url, registration_data(username="second", email="s@example.org"))
    assert second.status_code == 403
    assert not User.objects.filter(username="second").exists()


def test_expired_and_unknown_invites_are_refused(client, settings, organiser):
    settings.REGISTRATION_MODE = "invite"
    invite = services.create_invite(organiser)
    Invite.objects.filter(pk=invite.pk).update(expires=timezone.now() - datetime.timedelta(hours=1))
    expired = client.post(invite.get_absolute_url(), registration_data())
    assert expired.status_code == 403 and b"expired" in expired.content
    unknown = client.get(reverse("register_invite", kwargs={"token": "made-up-token"}))
    assert unknown.status_code == 403 and b"not valid" in unknown.content
    assert not User.objects.filter(username="newbie").exists()


def test_invite_used_between_form_and_submit_is_refused(settings, organiser):
    settings.REGISTRATION_MODE = "invite"
    invite = services.create_invite(organiser)
    services.register_member(
        username="first",
        email="f@example.org",
        password=PASSWORD,
        name="First",
        invite_token=invite.token,
    )
    with pytest.raises(services.InviteError, match="already been used"):
        services.register_member(
            username="second",
            email="s@example.org",
            password=PASSWORD,
            name="Second",
            invite_token=invite.token,
        )
    assert not User.objects.filter(username="second").exists()


def test_signed_in_member_is_sent_to_their_profile(client, member):
    client.force_login(member)
    response = client.get(reverse("register"))
    assert response.status_code == 302 and response["Location"] == reverse("profile")


# --- organiser: invites -------------------------------------------------------------------------


def test_organiser_creates_lists_and_revokes_invites(client, organiser):
    client.force_login(organiser)
    response = client.post(reverse("invites"), {"note": "Grace from CMU", "days": 7})
    assert response.status_code == 302
    invite = Invite.objects.get()
    assert invite.created_by == organiser and invite.note == "Grace from CMU"
    assert timezone.now() + datetime.timedelta(days=6) < invite.expires
    page = client.get(reverse("invites"))
    assert f"http://testserver/accounts/register/{invite.token}/".encode() in page.content
    assert b"Grace from CMU" in page.content
    client.post(reverse("invite_revoke", kwargs={"pk": invite.pk}))
    assert not Invite.objects.exists()


def test_invite_form_refuses_bad_days(client, organiser):
    client.force_login(organiser)
    response = client.post(reverse("invites"), {"note": "x", "days": 0})
    assert response.status_code == 200
    assert b"greater than or equal to 1" in response.content
    assert not Invite.objects.exists()


def test_used_invite_cannot_be_revoked(client, organiser, member):
    invite = services.create_invite(organiser)
    Invite.objects.filter(pk=invite.pk).update(used_by=member, used_at=timezone.now())
    client.force_login(organiser)
    response = client.post(reverse("invite_revoke", kwargs={"pk": invite.pk}), follow=True)
    assert b"nothing to revoke" in response.content
    assert Invite.objects.filter(pk=invite.pk).exists()


def test_invite_list_query_count_is_constant(client, organiser, django_assert_max_num_queries):
    client.force_login(organiser)
    for _ in range(3):
        services.create_invite(organiser)
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("invites"))
    for i in range(30):
        invite = services.create_invite(organiser)
        if i % 2:
            used = factories.UserFactory()
            Invite.objects.filter(pk=invite.pk).update(used_by=used, used_at=timezone.now())
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("invites"))


# --- profile ------------------------------------------------------------------------------------


def test_profile_edits_the_members_person(client, member):
    client.force_login(member)
    page = client.get(reverse("profile"))
    assert page.status_code == 200
    # An account made before registration existed (admin, demo) gets its Person on first visit.
    person = Person.objects.get(user=member)
    assert person.name == "member"
    response = client.post(
        reverse("profile"),
        {"name": "Mia Member", "affiliation": "ETH Zürich", "email": "mia@example.org"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    member.refresh_from_db()
    assert (person.name, person.affiliation, member.email) == (
        "Mia Member",
        "ETH Zürich",
        "mia@example.org",
    )


def test_profile_refuses_bad_input_and_changes_nothing(client, member, other_member):
    person = person_of(member, "Mia")
    client.force_login(member)
    response = client.post(
        reverse("profile"), {"name": "", "affiliation": "X", "email": "other@example.org"}
    )
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert b"Another account uses this email" in response.content
    person.refresh_from_db()
    member.refresh_from_db()
    assert (person.name, person.affiliation, member.email) == ("Mia", "", "member@example.org")


# --- organiser: linking guests ------------------------------------------------------------------


def test_organiser_links_a_guest_so_past_talks_show_on_the_members_page(client, organiser, member):
    guest = factories.PersonFactory(name="Mia Guest", affiliation="MIT")
    past = make_talk(days=-30)
    factories.PresenterFactory(talk=past, person=guest, role="lead")
    mine = person_of(member, "Mia Member")
    client.force_login(organiser)
    page = client.get(reverse("people"))
    assert b"Mia Guest" in page.content
    response = client.post(reverse("people"), {"guest": guest.pk, "member": member.pk}, follow=True)
    assert b"Mia Guest&#x27;s talks now show on Mia Member&#x27;s page" in response.content
    assert not Person.objects.filter(pk=guest.pk).exists()
    row = Presenter.objects.get(talk=past)
    assert row.person == mine and row.role == "lead"
    mine.refresh_from_db()
    assert mine.affiliation == "MIT"  # the member had none; the guest's is kept
    client.force_login(member)
    member_page = client.get("/members/member/")
    assert past.display_title.encode() in member_page.content


def test_linking_merges_a_talk_both_were_on_keeping_the_lead(organiser, member):
    guest = factories.PersonFactory(name="Guest")
    mine = person_of(member)
    talk = make_talk(days=-14)
    factories.PresenterFactory(talk=talk, person=guest, role="lead")
    factories.PresenterFactory(talk=talk, person=mine, role="support", position=1)
    services.link_guest(guest, member)
    assert list(talk.presenters.values_list("person", "role")) == [(mine.pk, "lead")]


def test_linking_a_member_without_a_person_hands_them_the_guest(member):
    guest = factories.PersonFactory(name="Guest")
    person = services.link_guest(guest, member)
    assert person.pk == guest.pk and person.user == member


def test_a_member_cannot_be_linked_as_a_guest(client, organiser, member, other_member):
    taken = person_of(other_member)
    with pytest.raises(services.LinkError, match="already a member"):
        services.link_guest(taken, member)
    client.force_login(organiser)
    response = client.post(reverse("people"), {"guest": taken.pk, "member": member.pk})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    taken.refresh_from_db()
    assert taken.user == other_member


def test_people_page_query_count_is_constant(client, organiser, django_assert_max_num_queries):
    client.force_login(organiser)

    made = []

    def add(n):
        for _ in range(n):
            made.append(factories.PersonFactory())
            talk = make_talk(days=-7 * len(made))
            factories.PresenterFactory(talk=talk, person=made[-1])
            person_of(factories.UserFactory())

    add(2)
    with django_assert_max_num_queries(8) as small:
        page = client.get(reverse("people"))
    assert page.content.count(b'name="guest"') == 2
    add(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("people"))
    assert page.content.count(b'name="guest"') == 17
