"""The 403/404/500 pages (readinggroup/errors.py): the site's layout, the reason, a way back;
an ordinary refusal is one log line, without a traceback."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import RequestFactory
from django.urls import reverse

from readinggroup.errors import server_error
from tests import factories
from tests.members.conftest import make_talk

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _layout_and_way_back(html: str) -> None:
    assert 'class="site-header"' in html  # the site's layout, with its navigation
    assert ">Back to the schedule</a>" in html
    assert "/static/js/errors.js" in html


def test_a_member_on_another_members_talk_page_reads_why(client):
    talk = make_talk(days=7)
    client.force_login(factories.UserFactory())
    response = client.get(reverse("schedule:talk_edit", kwargs={"pk": talk.pk}))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Only the lead of this talk or an organiser may change it." in html
    assert "data-error-reason" in html and ">My talks</a>" in html
    _layout_and_way_back(html)


def test_organiser_pages_say_they_are_for_organisers(client):
    client.force_login(factories.UserFactory())
    for url in (reverse("schedule:organiser_terms"), reverse("invites")):
        response = client.get(url)
        assert response.status_code == 403
        assert "Only organisers can do this." in response.content.decode()


def test_an_htmx_refusal_carries_the_reason_for_the_page_script(client):
    session = factories.SessionFactory()
    client.force_login(factories.UserFactory())
    url = reverse("schedule:organiser_talk_add", kwargs={"pk": session.pk})
    response = client.post(url, **HTMX)
    assert response.status_code == 403
    assert "Only organisers can do this." in response.content.decode()
    assert not session.talks.exists()


def test_not_found_says_what_is_missing(client):
    response = client.get("/sessions/2099-01-06/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "No session on that day." in html
    _layout_and_way_back(html)
    unknown = client.get("/no/such/page/")
    assert unknown.status_code == 404
    assert "There is no page at this address." in unknown.content.decode()
    assert "Resolver404" not in unknown.content.decode()
    assert ">Sign in</a>" in unknown.content.decode()


def test_server_error_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    _layout_and_way_back(html)


def test_a_refusal_is_logged_once_without_a_traceback(client):
    """Through the handlers settings.LOGGING configures (the console), not pytest's capture."""
    stream = io.StringIO()
    console = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    old = console.setStream(stream)
    try:
        client.force_login(factories.UserFactory())
        assert client.get(reverse("schedule:organiser_terms")).status_code == 403
    finally:
        console.setStream(old)
    log = stream.getvalue()
    assert log.count("Forbidden (Permission denied): /organise/") == 1
    assert "Traceback" not in log and "PermissionDenied" not in log
