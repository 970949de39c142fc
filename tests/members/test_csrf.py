"""CSRF holds on every POST of the members' and accounts' pages, HTMX requests included."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import FROZEN_NOW
from tests.members.conftest import make_talk, person_of

pytestmark = pytest.mark.time_machine(FROZEN_NOW)

POSTS = [
    ("schedule:talk_signup", True, {"role": "lead"}),
    ("schedule:talk_withdraw", True, {}),
    ("schedule:talk_paper", True, {"paper": "1"}),
    ("schedule:talk_slides_upload", True, {}),
    ("schedule:talk_slides_remove", True, {}),
    ("schedule:talk_links", True, {}),
    ("profile", False, {"name": "x", "email": "x@example.org"}),
    ("invites", False, {"days": 3}),
    ("people", False, {}),
    ("logout", False, {}),
    ("password_change", False, {}),
]


@pytest.fixture
def signed_in(organiser):
    person_of(organiser)
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    return client


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(("name", "per_talk", "data"), POSTS, ids=[p[0] for p in POSTS])
def test_post_without_token_is_refused(signed_in, name, per_talk, data, htmx):
    talk = make_talk(days=7)
    url = reverse(name, kwargs={"pk": talk.pk} if per_talk else {})
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = signed_in.post(url, data, **headers)
    assert response.status_code == 403
    assert not talk.presenters.exists()


def test_anonymous_posts_need_the_token_too(db):
    client = Client(enforce_csrf_checks=True)
    for url in (reverse("login"), reverse("register"), reverse("password_reset")):
        assert client.post(url, {}).status_code == 403


def test_htmx_post_with_the_header_token_works(signed_in, organiser):
    """The way HTMX sends it: the token from <body hx-headers> as X-CSRFToken."""
    talk = make_talk(days=7)
    signed_in.get(reverse("profile"))  # sets the CSRF cookie, as any page does
    token = signed_in.cookies["csrftoken"].value
    response = signed_in.post(
        reverse("schedule:talk_signup", kwargs={"pk": talk.pk}),
        {"role": "lead"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert talk.presenters.get().person == organiser.person
