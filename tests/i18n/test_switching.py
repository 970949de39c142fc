"""Choosing the language: Accept-Language by default, the switcher's cookie after; cached public
pages are cached per language; the switcher posts without a token from cached anonymous pages
and with one for signed-in members."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client
from django.utils import translation

from sessions.templatetags.schedule_tags import days_from
from tests.conftest import FROZEN_NOW
from tests.members.conftest import make_talk

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN_NOW)]


@pytest.fixture
def talk(db):
    return make_talk(days=8)


def test_accept_language_picks_the_language(talk):
    english = Client().get("/")
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5").get("/")
    assert english["Content-Language"] == "en"
    assert "Next session" in english.content.decode()
    assert chinese["Content-Language"] == "zh-hans"
    body = chinese.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "下次组会" in body and "Next session" not in body
    # Dates in the viewer's language: 2026-12-11 is a Friday.
    assert "2026年12月11日 星期五" in body
    assert "Friday, December 11, 2026" in english.content.decode()


def test_the_page_cache_keys_on_the_language(talk):
    first = Client(HTTP_ACCEPT_LANGUAGE="en").get("/")
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/")
    again = Client(HTTP_ACCEPT_LANGUAGE="en").get("/")
    assert "Next session" in first.content.decode()
    assert "下次组会" in chinese.content.decode()
    assert again.content == first.content
    for response in (first, chinese):
        vary = {v.strip() for v in response["Vary"].split(",")}
        assert {"Accept-Language", "Cookie"} <= vary
    # The English ETag does not validate the Chinese page.
    revalidated = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 200
    assert "下次组会" in revalidated.content.decode()
    same = Client(HTTP_ACCEPT_LANGUAGE="en").get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert same.status_code == 304


def test_anonymous_switch_needs_no_token_and_sets_the_cookie(talk):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/")
    assert b'name="csrfmiddlewaretoken"' not in page.content  # cached and shared
    assert b'name="language" value="zh-hans"' in page.content
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    chinese = client.get("/")  # no Accept-Language: the cookie decides
    assert "下次组会" in chinese.content.decode()
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert "Next session" in client.get("/").content.decode()


def test_switch_refuses_foreign_next_and_unknown_languages(talk):
    client = Client()
    response = client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})  # not one of LANGUAGES
    assert client.get("/")["Content-Language"] == "en"
    assert client.get("/i18n/setlang/").status_code == 405


def test_signed_in_switch_is_csrf_checked(talk, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    page = client.get("/")
    assert b'action="/i18n/setlang/"' in page.content
    assert client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}).status_code == 403
    token = page.context["csrf_token"] if page.context else None
    token = token or get_token(page.wsgi_request)
    response = client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    assert "退出登录" in client.get("/").content.decode()


def test_relative_days_are_translated():
    today = datetime.date(2026, 12, 3)
    with translation.override("zh-hans"):
        assert days_from(today, today) == "今天"
        assert days_from(today + datetime.timedelta(days=5), today) == "5 天后"
        assert days_from(today - datetime.timedelta(days=3), today) == "3 天前"
    with translation.override("en"):
        assert days_from(today + datetime.timedelta(days=1), today) == "tomorrow"
        assert days_from(today + datetime.timedelta(days=5), today) == "in 5 days"
        assert days_from(today - datetime.timedelta(days=1), today) == "yesterday"
