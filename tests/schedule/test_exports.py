"""The page cache's early answers, the schedule JSON's paging, iCal time zones, the Atom feed."""

from __future__ import annotations

import datetime
import logging
import re
import xml.etree.ElementTree as ET
import zoneinfo

import icalendar
import pytest
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions.exports.schedule_json import TERMS_PER_PAGE
from sessions.models import Session, Term
from tests import factories
from tests.schedule.helpers import import_shifted
from tests.schedule.test_views import build_terms

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def term(db) -> Term:
    return import_shifted().term


@pytest.fixture
def no_session_work(monkeypatch):
    """Call it to fail any later request that the session or message middleware works on."""

    def refuse(self, request):
        raise AssertionError(f"{type(self).__name__} ran")

    def start() -> None:
        monkeypatch.setattr(SessionMiddleware, "process_request", refuse)
        monkeypatch.setattr(MessageMiddleware, "process_request", refuse)

    return start


PUBLIC_PAGES = ["/", "/terms/{slug}/", "/api/schedule.json", "/schedule.ics", "/feed/"]


# --- Conditional requests and cache hits before the work -------------------------------------


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_304_renders_nothing_and_queries_nothing(client, term, page, no_session_work):
    url = page.format(slug=term.slug)
    first = client.get(url)
    assert first.status_code == 200
    no_session_work()

    with CaptureQueriesContext(connection) as queries:
        etag = client.get(url, headers={"If-None-Match": first["ETag"]})
        since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})

    for response in (etag, since):
        assert response.status_code == 304
        assert response.templates == []  # nothing rendered
        assert response.content == b""
        assert response["ETag"] == first["ETag"]
    assert len(queries) == 0  # the state comes from the cache


def test_cache_hit_skips_the_session_middleware_and_renders_nothing(
    client, term, no_session_work, django_assert_num_queries
):
    first = client.get("/")
    no_session_work()
    with django_assert_num_queries(0):  # the state too comes from the cache
        again = client.get("/")
    assert again.templates == []
    assert again.content == first.content
    assert again["Content-Length"] == str(len(first.content))
    assert again["X-Frame-Options"] == "DENY"


def test_signed_in_visitors_still_pass_through_every_middleware(client, term, member):
    client.force_login(member)
    response = client.get("/")
    assert response.status_code == 200
    assert "Sign out" in response.content.decode()
    assert "ETag" not in response


def test_parameters_the_page_does_not_read_share_the_cached_copy(client, term):
    plain = client.get("/")
    tracked = client.get("/", {"utm_source": "mail", "x": "<b>"})
    assert tracked["ETag"] == plain["ETag"]
    assert b"utm_source" not in tracked.content

    filtered = client.get("/", {"when": "past", "utm_source": "mail"})
    assert filtered["ETag"] != plain["ETag"]
    assert client.get("/", {"when": "past"})["ETag"] == filtered["ETag"]


def test_cached_anonymous_pages_carry_no_csrf_token(client, term, member):
    session = Session.objects.filter(talks__isnull=False).first()
    for url in ("/", term.get_absolute_url(), session.get_absolute_url()):
        for _ in range(2):  # rendered, then from the cache
            response = client.get(url)
            html = response.content.decode()
            assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html, url
            assert "csrftoken" not in response.cookies

    client.force_login(member)
    html = client.get("/").content.decode()
    assert re.search(r'hx-headers=\'\{"X-CSRFToken": "\w+"\}\'', html)


def test_redis_down_degrades_to_a_rendered_page(client, term, caplog, cache_down):
    with caplog.at_level(logging.WARNING, logger="readinggroup.shared_cache"):
        response = client.get("/")
        json_response = client.get("/api/schedule.json")
    again = client.get("/", headers={"If-None-Match": response["ETag"]})

    assert response.status_code == 200 and "Next session" in response.content.decode()
    assert json_response.status_code == 200 and json_response.json()["terms"]
    assert "Cache unavailable" in caplog.text
    assert again.status_code == 304  # the state is in the database, not the cache


# --- Schedule JSON paging --------------------------------------------------------------------


def test_json_pages_by_terms_newest_first(client, db, django_assert_max_num_queries):
    build_terms(25, 2)
    slugs_newest_first = [
        t.slug for t in Term.objects.order_by("-start_date", "-id")
    ]  # term-24, term-23, ...

    first = client.get("/api/schedule.json")
    data = first.json()
    assert list(data) == ["terms"]
    assert [t["slug"] for t in data["terms"]] == slugs_newest_first[:TERMS_PER_PAGE][::-1]
    assert first["Link"] == '</api/schedule.json?page=2>; rel="next"'

    second = client.get("/api/schedule.json", {"page": 2})
    assert [t["slug"] for t in second.json()["terms"]] == slugs_newest_first[10:20][::-1]
    assert second["Link"] == (
        '</api/schedule.json?page=3>; rel="next", </api/schedule.json?page=1>; rel="prev"'
    )
    last = client.get("/api/schedule.json", {"page": 3})
    assert [t["slug"] for t in last.json()["terms"]] == slugs_newest_first[20:][::-1]
    assert last["Link"] == '</api/schedule.json?page=2>; rel="prev"'
    assert all(len(t["sessions"]) == 2 for t in last.json()["terms"])

    assert client.get("/api/schedule.json", {"page": 4}).status_code == 404
    for bad in ("0", "-1", "two", "1.5"):
        response = client.get("/api/schedule.json", {"page": bad})
        assert response.status_code == 400
        assert "page" in response.json()["error"]

    # ?term=SLUG is one term, unpaged, whatever its age.
    one = client.get("/api/schedule.json", {"term": "term-0"})
    assert [t["slug"] for t in one.json()["terms"]] == ["term-0"]
    assert "Link" not in one

    cache.clear()
    with django_assert_max_num_queries(5):
        client.get("/api/schedule.json", {"page": 2})


def test_json_cached_copy_keeps_the_link_header(client, db):
    build_terms(12, 1)
    first = client.get("/api/schedule.json")
    second = client.get("/api/schedule.json")
    assert second.templates == [] and second["Link"] == first["Link"]


# --- iCalendar time zones --------------------------------------------------------------------


def _seven_pm_session() -> Session:
    session = factories.SessionFactory(start_time=datetime.time(19, 0), duration_minutes=90)
    factories.PresenterFactory(talk=factories.TalkFactory(session=session))
    return session


def test_ics_carries_the_groups_time_zone(client, db, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    session = _seven_pm_session()

    body = client.get("/schedule.ics").content
    text = body.decode()

    assert f"DTSTART;TZID=Asia/Shanghai:{session.date:%Y%m%d}T190000" in text
    calendar = icalendar.Calendar.from_ical(body)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Shanghai"
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start.utcoffset() == datetime.timedelta(hours=8)
    assert start.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).time() == datetime.time(19, 0)
    assert start.astimezone(datetime.UTC).time() == datetime.time(11, 0)
    assert event.decoded("DURATION") == datetime.timedelta(minutes=90)


def test_ics_in_utc_by_default(client, db, settings):
    settings.TIME_ZONE = "UTC"
    session = _seven_pm_session()
    text = client.get("/schedule.ics").content.decode()
    assert f"DTSTART:{session.date:%Y%m%d}T190000Z" in text
    assert "BEGIN:VTIMEZONE" not in text


def test_organiser_pages_show_the_time_zone(client, organiser, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    term = factories.SessionFactory().term
    client.force_login(organiser)
    for url in ("/organise/", f"/organise/terms/{term.slug}/"):
        assert "Asia/Shanghai" in client.get(url).content.decode(), url


def test_add_to_calendar_offers_a_webcal_subscription(client, term):
    for url in ("/", term.get_absolute_url()):
        html = client.get(url).content.decode()
        ics = f"/terms/{term.slug}/schedule.ics"
        assert f'href="{ics}"' in html
        assert f'href="webcal://testserver{ics}"' in html


# --- Atom (RFC 4287) -------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:\S+$")


def _rfc3339(text: str) -> datetime.datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", text), text
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_feed_is_valid_rfc4287(client, term):
    response = client.get("/feed/")
    root = ET.fromstring(response.content)

    assert root.tag == f"{ATOM}feed"
    # atom:feed: exactly one id (an IRI), title, updated; an author; a self link.
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert IRI.match(root.findtext(f"{ATOM}id"))
    _rfc3339(root.findtext(f"{ATOM}updated"))
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert any(link.get("rel") == "self" for link in root.findall(f"{ATOM}link"))

    entries = root.findall(f"{ATOM}entry")
    upcoming = Session.objects.filter(date__gte=timezone.localdate()).order_by("date")
    assert len(entries) == upcoming.count() == 5
    ids = set()
    for entry, session in zip(entries, upcoming, strict=True):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        entry_id = entry.findtext(f"{ATOM}id")
        assert IRI.match(entry_id) and entry_id.startswith("tag:"), entry_id
        assert entry_id.endswith(f":session-{session.date.isoformat()}")
        ids.add(entry_id)
        _rfc3339(entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        alternate = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert alternate and alternate[0].get("href").endswith(session.get_absolute_url())
        assert entry.find(f"{ATOM}summary") is not None or entry.find(f"{ATOM}content") is not None
    assert len(ids) == 5


def test_feed_ids_do_not_depend_on_the_host(client, term):
    first = client.get("/feed/").content
    cache.clear()
    second = client.get("/feed/", HTTP_HOST="127.0.0.1").content

    def ids(body):
        return [e.findtext(f"{ATOM}id") for e in ET.fromstring(body).findall(f"{ATOM}entry")]

    assert ids(first) == ids(second)
