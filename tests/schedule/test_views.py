"""The public schedule pages, JSON, iCal and feed: content, filters, HTMX, caching, queries."""

from __future__ import annotations

import datetime
import json
from unittest.mock import patch

import icalendar
import pytest
import time_machine
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone
from django.utils.http import http_date

from papers.models import Paper
from sessions import caching
from sessions.models import Person, Presenter, Session, Talk, Term
from sessions.readme.reader import parse_schedule
from tests import factories
from tests.conftest import FROZEN_NOW
from tests.schedule.helpers import import_shifted

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN_NOW)]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def term(db) -> Term:
    return import_shifted().term


def today() -> datetime.date:
    return timezone.localdate()


def next_session() -> Session:
    return Session.objects.filter(date__gte=today()).order_by("date").first()


# --- Pages ---------------------------------------------------------------------------------------


def test_home_shows_the_current_term_next_session_first(client, term):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    upcoming = Session.objects.filter(date__gte=today()).order_by("date")
    past = Session.objects.filter(date__lt=today()).order_by("-date")
    assert upcoming.count() == 5
    # Next session, then the other upcoming ones in order, then past ones newest first.
    order = [f'id="session-{s.date.isoformat()}"' for s in [*upcoming, *past]]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    headings = [">Next session</h2>", ">Upcoming</h2>", ">Past sessions</h2>"]
    assert [html.index(h) for h in headings] == sorted(html.index(h) for h in headings)
    first_card = html[html.index("Next session") :]
    assert 'class="card session-card highlight"' in first_card[: first_card.index("</h3>")]
    assert term.name in html


def test_each_talk_shows_venue_paper_presenters_and_links(client, term):
    html = client.get("/").content.decode()

    talk = Talk.objects.get(paper__title__startswith="Jenga")
    chunk = html[html.index(f'id="talk-{talk.pk}"') :]
    chunk = chunk[: chunk.index("</article>")]
    assert '<span class="tag conference">SOSP&#x27;25</span>' in chunk
    assert f'href="{talk.paper.get_absolute_url()}"' in chunk
    assert "Jenga: Effective Memory Management for Serving LLM with Heterogeneity" in chunk
    assert "Mingxuan Liu" in chunk
    assert "(Northwestern Polytechnical University)" in chunk

    video = Talk.objects.get(paper__title__startswith="NanoFlow")
    chunk = html[html.index(f'id="talk-{video.pk}"') :]
    chunk = chunk[: chunk.index("</article>")]
    assert 'href="https://www.bilibili.com/video/BV15RBzBYEhu?t=1.0"' in chunk
    assert "Slides (./slides/251216_Nanoflow.pdf)" in chunk  # relative: shown, not linked
    assert '<span class="tag preprint">arXiv</span>' not in chunk
    assert "LEAD" in chunk.upper() and "Dongqi Tian" in chunk


def test_special_sessions_show_their_title(client, term):
    html = client.get("/").content.decode()
    assert "SOSP Rehearsal" in html
    assert "Kick-off meeting" in html
    assert "kind-rehearsal" in html


def test_term_switcher_lists_every_term(client, term):
    other = factories.TermFactory(name="2024 Spring", slug="2024-spring")
    html = client.get("/").content.decode()
    assert f'href="{other.get_absolute_url()}"' in html
    assert f'href="{term.get_absolute_url()}" aria-current="page"' in html


def test_term_page_renders_requirements_and_export(client, term):
    response = client.get(term.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<li>We focus on the latest papers from SOSP and OSDI" in html
    assert 'href="https://www.zhihu.com/column/c_1819774258647277568"' in html
    assert f'href="/terms/{term.slug}/README.md"' in html
    assert "Next session" in html


def test_term_page_sanitises_requirements(client, db):
    term = factories.TermFactory(requirements="Be kind <script>alert(1)</script>")
    html = client.get(term.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Be kind" in html


def test_unknown_term_and_session_are_404(client, term):
    assert client.get("/terms/nope/").status_code == 404
    assert client.get("/sessions/1999-01-01/").status_code == 404
    assert client.get("/sessions/not-a-date/").status_code == 404
    assert client.get("/terms/nope/README.md").status_code == 404
    assert client.get("/terms/nope/schedule.ics").status_code == 404


def test_home_without_terms(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "No term has been planned yet." in response.content.decode()


def test_session_page(client, term):
    session = next_session()

    response = client.get(f"/sessions/{session.date.isoformat()}/")

    html = response.content.decode()
    assert response.status_code == 200
    for talk in session.talks.all():
        assert f'id="talk-{talk.pk}"' in html
    previous = Session.objects.filter(date__lt=session.date).order_by("-date").first()
    assert f'href="{previous.get_absolute_url()}" rel="prev"' in html


def test_readme_download_reads_back(client, term):
    response = client.get(f"/terms/{term.slug}/README.md")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{term.slug}-README.md"'
    schedule = parse_schedule(response.content.decode())
    assert len(schedule.sessions) == Session.objects.count()


def test_pages_refuse_post(client, term):
    assert client.post("/").status_code == 405
    assert client.post("/api/schedule.json").status_code == 405


# --- Filters and HTMX --------------------------------------------------------------------------


def test_filter_by_presenter(client, term):
    person = Person.objects.get(name="Jiahao Li")  # supports FalconFS, leads the rehearsal

    html = client.get("/", {"presenter": person.pk}).content.decode()

    assert html.count('class="talk"') == 2
    assert "FalconFS" in html and "Mantle" in html
    assert "Jenga" not in html
    assert f'<option value="{person.pk}" selected>' in html
    assert "2 of 15 sessions" in html


def test_filter_by_venue_and_time(client, term):
    osdi = client.get("/", {"venue": "osdi"}).content.decode()
    assert osdi.count('class="talk"') == 2
    assert "NanoFlow" in osdi and "FuseLink" in osdi

    past = client.get("/", {"when": "past"}).content.decode()
    assert "Next session" not in past
    assert past.count("session-card") == Session.objects.filter(date__lt=today()).count()

    upcoming = client.get("/", {"when": "upcoming"}).content.decode()
    assert "Past sessions" not in upcoming
    assert upcoming.count("session-card") == 5


def test_filter_that_names_nothing_says_so_and_shows_all(client, term):
    html = client.get("/", {"presenter": "99999", "when": "someday"}).content.decode()
    assert "No presenter of this term matches that filter." in html
    assert "Show “upcoming” or “past” sessions" in html
    assert html.count("session-card") == 15


def test_htmx_gets_the_fragment_and_vary(client, term):
    full = client.get("/", {"venue": "OSDI"})
    fragment = client.get("/", {"venue": "OSDI"}, headers={"HX-Request": "true"})

    assert "<html" in full.content.decode()
    assert "<html" not in fragment.content.decode()
    assert "FuseLink" in fragment.content.decode()
    assert 'class="schedule-filters' not in fragment.content.decode()
    for response in (full, fragment):
        assert "HX-Request" in response["Vary"]
    assert full["ETag"] != fragment["ETag"]


def test_htmx_history_restore_gets_the_whole_page(client, term):
    response = client.get("/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_term_page_fragment(client, term):
    response = client.get(term.get_absolute_url(), {"when": "past"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "Requirements" not in html
    assert "Past sessions" in html


# --- Caching and conditional requests ------------------------------------------------------------


def test_repeat_visit_gets_304_with_etag(client, term):
    first = client.get("/")
    etag = first["ETag"]

    again = client.get("/", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "no-cache" in first["Cache-Control"]


def test_a_304_returns_before_the_rest_of_the_middleware(client, term, settings):
    """EarlyPageCacheMiddleware answers first: LocaleMiddleware (which sets Content-Language
    on every response it sees) never runs, yet the language it would pick keys the ETag."""
    first = client.get("/")
    assert first["Content-Language"] == "en"
    again = client.get("/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert "Content-Language" not in again
    assert again["ETag"] == first["ETag"] and again["Last-Modified"] == first["Last-Modified"]
    assert "no-cache" in again["Cache-Control"]
    assert {"Accept-Language", "Cookie", "HX-Request"} <= {
        v.strip() for v in again["Vary"].split(",")
    }
    # The language cookie picks the language ahead of Accept-Language, as LocaleMiddleware does.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get("/", headers={"Accept-Language": "en"})
    assert chinese["Content-Language"] == "zh-hans" and chinese["ETag"] != first["ETag"]
    stale = client.get("/", headers={"Accept-Language": "en", "If-None-Match": first["ETag"]})
    assert stale.status_code == 200 and stale["Content-Language"] == "zh-hans"
    same = client.get("/", headers={"Accept-Language": "en", "If-None-Match": chinese["ETag"]})
    assert same.status_code == 304
    # A fragment is another variant: the page's ETag does not validate it.
    fragment = client.get("/", headers={"HX-Request": "true", "If-None-Match": chinese["ETag"]})
    assert fragment.status_code == 200 and fragment["ETag"] != chinese["ETag"]


def test_a_cached_page_is_served_first_with_the_headers_of_its_render(
    client, term, django_assert_num_queries
):
    first = client.get("/")
    with django_assert_num_queries(0):
        again = client.get("/")
    assert again.content == first.content
    # CSP, permissions policy, frame options, language, Vary: what the stack below set.
    assert dict(again.items()) == dict(first.items())
    assert {"Content-Security-Policy", "X-Frame-Options", "Content-Language"} <= set(again.headers)
    # Served above the middleware that added them: LocaleMiddleware does not run again.
    with patch.object(LocaleMiddleware, "process_request", side_effect=AssertionError("ran")):
        assert client.get("/").content == first.content
        with pytest.raises(AssertionError, match="ran"):  # another language: another page
            client.get("/", headers={"Accept-Language": "zh-hans"})


def test_repeat_visit_gets_304_with_if_modified_since(client, term):
    first = client.get("/api/schedule.json")

    again = client.get("/api/schedule.json", headers={"If-Modified-Since": first["Last-Modified"]})

    assert again.status_code == 304


def test_cached_page_answers_without_a_query(client, term, django_assert_num_queries):
    first = client.get("/")
    # The schedule's state is cached too (sessions.caching.schedule_state).
    with django_assert_num_queries(0):
        again = client.get("/")
    assert again.content == first.content
    with django_assert_num_queries(0):
        assert client.get("/", headers={"If-None-Match": first["ETag"]}).status_code == 304


def _stale(client, url: str, before) -> None:
    after = client.get(url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200, "the cached page survived a change"
    assert after["ETag"] != before["ETag"]
    return after


def test_an_edit_invalidates_the_cache(client, term):
    before = client.get("/")
    talk = Talk.objects.get(paper__title__startswith="Jenga")

    talk.title = "Jenga, as the group calls it"
    talk.save()

    after = _stale(client, "/", before)
    assert "Jenga, as the group calls it" in after.content.decode()


def test_a_delete_invalidates_the_cache_and_moves_last_modified(
    client, term, django_capture_on_commit_callbacks
):
    cache_json = client.get("/api/schedule.json")
    before = client.get("/")
    presenter = Presenter.objects.get(person__name="Dongqi Tian")
    # A delete leaves no timestamp behind; only the version row (bumped on commit) records it.
    future = timezone.now() + datetime.timedelta(seconds=5)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: future)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            presenter.delete()
    assert len(callbacks) == 1  # one bump per transaction

    after = _stale(client, "/", before)
    assert "Dongqi Tian" not in after.content.decode()
    assert after["Last-Modified"] == http_date(future.timestamp())
    stale = client.get(
        "/api/schedule.json", headers={"If-Modified-Since": cache_json["Last-Modified"]}
    )
    assert stale.status_code == 200
    assert "Dongqi Tian" not in stale.content.decode()


def test_version_is_bumped_once_after_commit(term, django_capture_on_commit_callbacks):
    from django.db import transaction

    from sessions.models import ScheduleVersion

    def current() -> int:
        return ScheduleVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0

    before = current()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for talk in Talk.objects.all()[:5]:
            talk.minutes = 50
            talk.save()
        # Nothing is written to the version row inside the transaction.
        assert current() == before
    assert len(callbacks) == 1
    assert current() == before + 1


def test_bulk_changes_without_signals_invalidate_the_cache(client, term, settings):
    # A bulk write bumps no version: it shows once the cached state row expires. The test moves
    # the clock past that expiry, which only a cache in this process sees (Redis, as CI runs
    # it, keeps its own clock), so it runs on the local-memory cache.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    start = timezone.now()

    def later(steps: int):
        seconds = (caching.STATE_SECONDS + 1) * steps
        return time_machine.travel(start + datetime.timedelta(seconds=seconds))

    before = client.get("/")
    # The sign-up code confirms with a queryset update that sets updated_at.
    Presenter.objects.filter(person__name="Sen Han").update(
        confirmed=False, updated_at=timezone.now()
    )
    with later(1):
        after = _stale(client, "/", before)
    assert "pending" in after.content.decode()

    before = after
    session = Session.objects.filter(date__gte=today()).order_by("-date").first()
    Talk.objects.bulk_create([Talk(session=session, position=3, title="A bulk-created topic")])
    with later(2):
        after = _stale(client, "/", before)
    assert "A bulk-created topic" in after.content.decode()


def test_paper_edit_on_the_schedule_invalidates_the_cache(
    client, term, django_capture_on_commit_callbacks
):
    before = client.get("/")
    paper = Paper.objects.get(title__startswith="Jenga")
    paper.title = "Jenga (renamed in the catalogue)"
    with django_capture_on_commit_callbacks(execute=True):
        paper.save()
    after = _stale(client, "/", before)
    assert "Jenga (renamed in the catalogue)" in after.content.decode()


def test_signed_in_members_get_a_fresh_page(client, term, member):
    anonymous = client.get("/")
    client.force_login(member)

    response = client.get("/", headers={"If-None-Match": anonymous["ETag"]})

    assert response.status_code == 200
    assert "ETag" not in response
    assert "private" in response["Cache-Control"]
    assert "Sign out" in response.content.decode()


def test_pending_messages_bypass_the_cache(client, term):
    client.get("/")  # cached
    request = HttpRequest()
    storage = CookieStorage(request)
    storage.add(message_levels.INFO, "You have been signed out.")
    response = client.get("/")  # prime the cookie jar the normal way
    storage.update(response)
    client.cookies.update(response.cookies)

    html = client.get("/").content.decode()

    assert "You have been signed out." in html


# --- Query counts -------------------------------------------------------------------------------


def build_terms(count: int, sessions: int) -> list[Term]:
    """`count` terms of `sessions` sessions, two talks each, a lead and a supporter per talk."""
    venue = factories.VenueFactory(name="SOSP")
    proceedings = factories.ProceedingsFactory(venue=venue, year=2025)
    start = today() - datetime.timedelta(days=7 * sessions * count)
    terms = Term.objects.bulk_create(
        Term(
            name=f"Term {n}",
            slug=f"term-{n}",
            start_date=start + datetime.timedelta(days=7 * sessions * n),
            end_date=start + datetime.timedelta(days=7 * sessions * (n + 1) - 1),
        )
        for n in range(count)
    )
    session_rows = Session.objects.bulk_create(
        Session(term=term, date=term.start_date + datetime.timedelta(days=7 * k))
        for term in terms
        for k in range(sessions)
    )
    papers = Paper.objects.bulk_create(
        Paper(title=f"Paper {n}", normalized_title=f"paper {n}", proceedings=proceedings)
        for n in range(len(session_rows) * 2)
    )
    talks = Talk.objects.bulk_create(
        Talk(session=session, position=p + 1, paper=papers[2 * i + p], venue_label="SOSP'25")
        for i, session in enumerate(session_rows)
        for p in range(2)
    )
    people = Person.objects.bulk_create(Person(name=f"Person {n}") for n in range(40))
    Presenter.objects.bulk_create(
        Presenter(talk=talk, person=people[(i + r) % 40], role=role, position=r)
        for i, talk in enumerate(talks)
        for r, role in enumerate(["lead", "support"])
    )
    return terms


def count_queries(client, url, django_assert_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/", 5),
        ("/terms/term-0/", 6),
        ("/api/schedule.json", 5),
        ("/schedule.ics", 5),
        ("/?presenter=1&venue=SOSP", 5),
    ],
)
def test_query_count_does_not_grow_with_the_schedule(client, db, url, queries):
    build_terms(1, 2)
    small = count_queries(client, url, None)

    Term.objects.all().delete()
    build_terms(10, 16)
    large = count_queries(client, url, None)

    assert small == large == queries


def test_signed_in_query_count_does_not_grow_either(client, member):
    factories.PersonFactory(name="Member Person", user=member)
    client.force_login(member)
    build_terms(1, 2)
    small = count_queries(client, "/", None)

    Term.objects.all().delete()
    build_terms(10, 16)
    large = count_queries(client, "/", None)

    assert small == large


def test_ten_terms_of_sixteen_sessions_in_the_json(client, db):
    build_terms(10, 16)
    data = client.get("/api/schedule.json").json()
    assert len(data["terms"]) == 10
    assert all(len(term["sessions"]) == 16 for term in data["terms"])


def test_paper_page_lists_its_sessions_in_constant_queries(client, term):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paper = Paper.objects.get(title__startswith="Jenga")
    with CaptureQueriesContext(connection) as one:
        html = client.get(paper.get_absolute_url()).content.decode()
    assert "Presented in sessions" in html
    talk = paper.talks.get()
    assert f'href="{talk.session.get_absolute_url()}"' in html
    assert "Mingxuan Liu" in html

    for week in range(1, 5):
        factories.PresenterFactory(
            talk=factories.TalkFactory(
                paper=paper,
                session=factories.SessionFactory(
                    term=term, date=today() + datetime.timedelta(days=365 + 7 * week)
                ),
            )
        )
    cache.clear()  # both renders cold: the first one cached the paper's related work
    with CaptureQueriesContext(connection) as five:
        html = client.get(paper.get_absolute_url()).content.decode()
    assert html.count("(lead)") == 5
    assert len(one) == len(five)


# --- JSON ---------------------------------------------------------------------------------------


def test_json_has_the_documented_shape(client, term):
    response = client.get("/api/schedule.json")

    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert list(data) == ["terms"]
    (entry,) = data["terms"]
    assert list(entry) == ["name", "slug", "sessions"]
    assert (entry["name"], entry["slug"]) == (term.name, term.slug)
    session = entry["sessions"][0]
    assert list(session) == ["date", "kind", "title", "talks"]
    assert session["kind"] == "kick-off"
    talk = next(
        t for s in entry["sessions"] for t in s["talks"] if t["title"].startswith("NanoFlow")
    )
    assert list(talk) == [
        "position",
        "title",
        "venue",
        "url",
        "arxiv_id",
        "doi",
        "presenters",
        "slides_url",
        "video_url",
        "summary_url",
    ]
    assert talk["venue"] == "OSDI'25"
    assert talk["arxiv_id"] == "2408.12757"
    assert talk["presenters"] == [
        {"name": "Yinhe Chen", "affiliation": "", "role": "lead", "confirmed": True},
        {"name": "Dongqi Tian", "affiliation": "", "role": "support", "confirmed": True},
    ]
    assert talk["slides_url"] == "./slides/251216_Nanoflow.pdf"
    assert talk["video_url"] == "https://www.bilibili.com/video/BV15RBzBYEhu?t=1.0"
    dates = [s["date"] for s in entry["sessions"]]
    assert dates == sorted(dates)


def test_json_for_one_term_and_unknown_term(client, term):
    factories.TermFactory(name="2024 Spring", slug="2024-spring")

    assert len(client.get("/api/schedule.json").json()["terms"]) == 2
    one = client.get("/api/schedule.json", {"term": term.slug}).json()
    assert [t["slug"] for t in one["terms"]] == [term.slug]

    missing = client.get("/api/schedule.json", {"term": "nope"})
    assert missing.status_code == 404
    assert missing.json() == {"error": "no term with slug 'nope'"}


def test_json_keeps_non_ascii(client, db):
    session = factories.SessionFactory()
    factories.PresenterFactory(
        talk=factories.TalkFactory(session=session), person=factories.PersonFactory(name="张三")
    )
    assert "张三" in client.get("/api/schedule.json").content.decode()


# --- iCalendar -------------------------------------------------------------------------------


def test_ics_is_valid_rfc5545(client, term):
    session = next_session()
    session.start_time = datetime.time(19, 0)
    session.duration_minutes = 90
    session.place = "Room 3, Building; B"
    session.online_link = "https://meet.example.org/rg"
    session.save()

    body = client.get("/schedule.ics").content

    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")
    assert b"\n" not in b"".join(lines)  # every line break is CRLF
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # long lines were folded
    calendar = icalendar.Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert len(events) == 15
    event = next(e for e in events if str(e["UID"]).startswith(f"session-{session.date}"))
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DURATION") == datetime.timedelta(minutes=90)
    assert str(event["LOCATION"]) == "Room 3, Building; B"
    assert str(event["URL"]) == "https://meet.example.org/rg"
    assert b"LOCATION:Room 3\\, Building\\; B" in body
    summary = str(event["SUMMARY"])
    for talk in session.talks.all():
        lead = talk.presenters.get(role="lead").person.name
        assert lead in summary
    all_day = next(e for e in events if "Kick-off" in str(e["SUMMARY"]))
    assert isinstance(all_day.decoded("DTSTART"), datetime.date)
    assert not isinstance(all_day.decoded("DTSTART"), datetime.datetime)


def test_ics_uids_are_stable_across_exports(client, term):
    first = client.get("/schedule.ics").content
    cache.clear()
    second = client.get("/schedule.ics", HTTP_HOST="127.0.0.1").content

    def uids(body):
        return [str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]

    assert uids(first) == uids(second)
    assert len(set(uids(first))) == 15
    assert all("@" in uid and "127.0.0.1" not in uid for uid in uids(second))
    assert [line for line in first.split(b"\r\n") if line.startswith((b"UID", b"DTSTAMP"))] == [
        line for line in second.split(b"\r\n") if line.startswith((b"UID", b"DTSTAMP"))
    ]


def test_term_ics(client, term):
    factories.SessionFactory(term=factories.TermFactory(slug="other"), date="2020-01-07")
    body = client.get(f"/terms/{term.slug}/schedule.ics").content
    assert len(icalendar.Calendar.from_ical(body).walk("VEVENT")) == 15
    # The all-terms calendar: the current term and what follows, not a term of years ago.
    assert (
        len(icalendar.Calendar.from_ical(client.get("/schedule.ics").content).walk("VEVENT")) == 15
    )
    other = client.get("/terms/other/schedule.ics").content
    assert len(icalendar.Calendar.from_ical(other).walk("VEVENT")) == 1


@pytest.mark.parametrize(
    "text",
    ["short", "x" * 75, "x" * 76, "é" * 60, "💡" * 40, "a" + "é" * 37 + "b" * 10],
)
def test_folding_keeps_octet_limit_and_characters(client, db, text):
    factories.SessionFactory(title=text)
    body = client.get("/schedule.ics").content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    body.decode("utf-8")  # never folded inside a character
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith(text)


def test_exports_mark_a_sign_up_not_yet_confirmed(client, term):
    # The page says "pending" beside such a presenter; the JSON and the calendar say it too.
    presenter = Presenter.objects.select_related("talk__session", "person").get(
        person__name="Sen Han"
    )
    Presenter.objects.filter(pk=presenter.pk).update(confirmed=False, updated_at=timezone.now())
    session = presenter.talk.session

    data = client.get(f"/api/schedule.json?term={session.term.slug}").json()
    listed = [
        (p["name"], p["confirmed"])
        for entry in data["terms"]
        for day in entry["sessions"]
        for t in day["talks"]
        for p in t["presenters"]
    ]
    assert ("Sen Han", False) in listed
    assert ("Yinhe Chen", True) in listed

    body = client.get(f"/terms/{session.term.slug}/schedule.ics").content
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")

    def day(event) -> datetime.date:
        start = event.decoded("DTSTART")
        return start.date() if isinstance(start, datetime.datetime) else start

    (event,) = [e for e in events if day(e) == session.date]
    assert "Sen Han (pending)" in str(event["DESCRIPTION"])
    assert "Yinhe Chen (pending)" not in body.decode()


# --- Feed -------------------------------------------------------------------------------------


def test_feed_lists_upcoming_sessions(client, term):
    response = client.get("/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 5
    assert f"session-{next_session().date.isoformat()}" in body
    past = Session.objects.filter(date__lt=today()).first()
    assert past.get_absolute_url() not in body


def test_cached_json_is_byte_identical(client, term):
    first = client.get("/api/schedule.json")
    second = client.get("/api/schedule.json")
    assert first.content == second.content
    assert json.loads(first.content)["terms"][0]["slug"] == term.slug
    assert second["Access-Control-Allow-Origin"] == "*"


# --- Admin --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/admin/schedule/session/", "/admin/schedule/talk/", "/admin/schedule/person/"]
)
def test_admin_lists_for_a_superuser(client, term, url):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get(url).status_code == 200
    session = Session.objects.first()
    assert client.get(f"/admin/schedule/session/{session.pk}/change/").status_code == 200


def test_ics_summaries_name_talks_and_presenters(client, term):
    events = icalendar.Calendar.from_ical(client.get("/schedule.ics").content).walk("VEVENT")
    summaries = {str(e["SUMMARY"]) for e in events}

    assert "SOSP Rehearsal: Mantle (Jiahao Li)" in summaries
    assert "Kick-off meeting (Youhui Bai, Zhihui Chen, Ouxiang Zhou, Ruibo Liu)" in summaries
    assert "DiffKV (Chengru Yang, Jiawei Yi) · LithOS (Qingyuan Chen)" in summaries
