"""The organiser's views: permissions for every URL, inline editing, presenters, moves, rules."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from sessions.models import Person, Presenter, Session, Talk, Term
from sessions.planning import generate_term
from tests import factories

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def term(db) -> Term:
    """Two weekly sessions; Topic I of the first has a SOSP paper and a pending lead sign-up."""
    term = generate_term(
        "2030 Spring",
        "2030-spring",
        weekday=1,
        start_date=datetime.date(2030, 3, 4),
        weeks=2,
        start_time=datetime.time(19, 0),
        place="Room 101",
        online_link="",
    )
    talk = Talk.objects.get(session__term=term, session__date="2030-03-05", position=1)
    talk.paper = factories.PaperFactory(title="A SOSP paper")
    talk.save()
    member = factories.UserFactory(username="signed-up")
    person = Person.objects.create(name="Signed Up", user=member)
    Presenter.objects.create(talk=talk, person=person, role="lead", confirmed=False)
    return term


def first_session(term: Term) -> Session:
    return term.sessions.order_by("date").first()


def second_session(term: Term) -> Session:
    return term.sessions.order_by("date").last()


def talk_of(term: Term, position: int = 1) -> Talk:
    return first_session(term).talks.get(position=position)


def urls(term: Term) -> list[tuple[str, str]]:
    """(url, methods it answers) of every organiser view."""
    session = first_session(term)
    talk = talk_of(term)
    presenter = talk.presenters.get()
    return [
        (reverse("schedule:organiser_terms"), "GET POST"),
        (reverse("schedule:organiser_import"), "GET POST"),
        (reverse("schedule:organiser_paper_suggestions") + "?q=sosp", "GET"),
        (reverse("schedule:organiser_term", args=[term.slug]), "GET"),
        (reverse("schedule:organiser_term_rules", args=[term.slug]), "POST"),
        (reverse("schedule:organiser_term_export", args=[term.slug]), "GET"),
        (reverse("schedule:organiser_session", args=[session.pk]), "GET"),
        (reverse("schedule:organiser_session_edit", args=[session.pk]), "GET POST"),
        (reverse("schedule:organiser_session_cancel", args=[session.pk]), "POST"),
        (reverse("schedule:organiser_talk_add", args=[session.pk]), "POST"),
        (reverse("schedule:organiser_talk_remove", args=[talk.pk]), "POST"),
        (reverse("schedule:organiser_talk_move", args=[talk.pk]), "POST"),
        (reverse("schedule:organiser_presenter_assign", args=[talk.pk]), "POST"),
        (reverse("schedule:organiser_presenter_remove", args=[presenter.pk]), "POST"),
        (reverse("schedule:organiser_presenter_confirm", args=[presenter.pk]), "POST"),
    ]


def snapshot() -> tuple:
    """Everything an organiser view could change, to prove a refused request changed nothing."""
    return (
        list(Term.objects.order_by("pk").values()),
        list(Session.objects.order_by("pk").values()),
        list(Talk.objects.order_by("pk").values()),
        list(Presenter.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
    )


# --- permissions ---------------------------------------------------------------------------


def test_every_organiser_url_is_covered(term):
    from sessions.views import urls_organiser

    assert len(urls(term)) == len(urls_organiser.urlpatterns)


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_login(client, term, method):
    before = snapshot()
    for url, _ in urls(term):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url
    assert snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_members_are_forbidden(client, member, term, method):
    client.force_login(member)
    before = snapshot()
    for url, _ in urls(term):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
    assert snapshot() == before


def test_members_are_forbidden_over_htmx_too(client, member, term):
    client.force_login(member)
    before = snapshot()
    for url, methods in urls(term):
        for method in methods.split():
            response = getattr(client, method.lower())(url, **HX)
            assert response.status_code == 403, (method, url)
    assert snapshot() == before


def test_organisers_may_use_every_view_and_wrong_methods_are_refused(client, organiser, term):
    client.force_login(organiser)
    for url, methods in urls(term):
        response = client.get(url)
        if "GET" in methods:
            assert response.status_code in (200, 302), url
        else:
            assert response.status_code == 405, url
    before = snapshot()
    for url, methods in urls(term):
        if "POST" not in methods:
            assert client.post(url).status_code == 405, url
    assert snapshot() == before


def test_superusers_are_organisers(client, term):
    admin = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("schedule:organiser_terms")).status_code == 200


def test_posts_need_the_csrf_token_and_htmx_sends_it_as_a_header(organiser, term):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    url = reverse("schedule:organiser_talk_add", args=[first_session(term).pk])
    assert client.post(url, **HX).status_code == 403
    assert first_session(term).talks.count() == 2
    page = client.get(reverse("schedule:organiser_term", args=[term.slug]))
    token = page.context["csrf_token"]
    assert f'"X-CSRFToken": "{token}"' in page.content.decode()
    response = client.post(url, HTTP_X_CSRFTOKEN=str(token), **HX)
    assert response.status_code == 200
    assert first_session(term).talks.count() == 3


def test_organise_link_shows_for_organisers_only(client, member, organiser, term):
    link = f'href="{reverse("schedule:organiser_terms")}"'
    client.force_login(member)
    assert link not in client.get(reverse("schedule:me")).content.decode()
    client.force_login(organiser)
    assert link in client.get(reverse("schedule:organiser_terms")).content.decode()


# --- terms ---------------------------------------------------------------------------------


def new_term_data(**overrides) -> dict:
    data = {
        "name": "2031 Fall",
        "slug": "",
        "weekday": "2",
        "start_date": "2031-09-01",
        "weeks": "4",
        "start_time": "18:30",
        "place": "Lab 3",
        "online_link": "https://meet.example.org/x",
        "skip_dates": "2031-09-10",
        "talks_per_session": "2",
        "minutes": "45",
    }
    data.update(overrides)
    return data


def test_generate_a_term_from_the_form(client, organiser, db):
    client.force_login(organiser)
    response = client.post(reverse("schedule:organiser_terms"), new_term_data())
    term = Term.objects.get(slug="2031-fall")
    assert response.status_code == 302
    assert response["Location"] == reverse("schedule:organiser_term", args=["2031-fall"])
    dates = [s.date.isoformat() for s in term.sessions.order_by("date")]
    assert dates == ["2031-09-03", "2031-09-17", "2031-09-24"]
    page = client.get(response["Location"])
    assert "Created 2031 Fall with 3 sessions." in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"skip_dates": "2031-09-11"}, "not among the meeting dates"),
        ({"skip_dates": "next tuesday"}, "Not a date (use YYYY-MM-DD)"),
        ({"weeks": "0"}, "greater than or equal to 1"),
        ({"start_date": ""}, "This field is required"),
        ({"online_link": "not a link"}, "Enter a valid URL"),
        ({"name": "!!!", "slug": ""}, "address made of letters and digits"),
    ],
)
def test_bad_new_term_input_shows_the_error_and_creates_nothing(
    client, organiser, term, overrides, message
):
    client.force_login(organiser)
    before = snapshot()
    response = client.post(reverse("schedule:organiser_terms"), new_term_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_date_that_holds_a_session_is_refused_with_its_term(client, organiser, term):
    client.force_login(organiser)
    before = snapshot()
    response = client.post(
        reverse("schedule:organiser_terms"),
        new_term_data(start_date="2030-03-05", weekday="1", skip_dates="", weeks="1"),
    )
    assert "2030-03-05 (2030 Spring)" in response.content.decode()
    assert snapshot() == before


def test_term_list_shows_terms(client, organiser, term):
    client.force_login(organiser)
    page = client.get(reverse("schedule:organiser_terms")).content.decode()
    assert "2030 Spring" in page
    assert reverse("schedule:organiser_term", args=[term.slug]) in page
    assert reverse("schedule:term", args=[term.slug]) in page


def test_dashboard_shows_sessions_talks_presenters_and_problems(client, organiser, term):
    client.force_login(organiser)
    page = client.get(reverse("schedule:organiser_term", args=[term.slug])).content.decode()
    assert "Tue 5 Mar 2030" in page and "Tue 12 Mar 2030" in page
    assert "A SOSP paper" in page
    assert "Signed Up" in page and "awaits confirmation" in page
    assert "No lead presenter." in page
    assert "has-problems" in page
    assert "1 sign-up awaits confirmation" in page
    assert f'href="{reverse("schedule:term", args=[term.slug])}"' in page


@pytest.mark.parametrize("count", [1, 10])
def test_dashboard_query_count_does_not_grow(client, organiser, count, django_assert_num_queries):
    term = generate_term(
        "2032 Spring",
        "2032-spring",
        weekday=0,
        start_date=datetime.date(2032, 1, 5),
        weeks=count,
        start_time=None,
    )
    for talk in Talk.objects.filter(session__term=term):
        talk.paper = factories.PaperFactory()
        talk.save()
        factories.PresenterFactory(talk=talk, person__user=factories.UserFactory())
        factories.PresenterFactory(talk=talk, role="support")
    client.force_login(organiser)
    url = reverse("schedule:organiser_term", args=[term.slug])
    # Session, user, organiser group, term, the page's counts (sessions, past ones), the
    # term's pending sign-ups, sessions, talks (+papers), presenters (+people), people for
    # the presenter form; the planner's swaps (nothing here needs suggestions:
    # tests/planner/test_views.py pins the dashboard with them).
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.content.decode().count('id="talk-') == 2 * count


def test_rules_are_switched_per_term(client, organiser, term):
    client.force_login(organiser)
    dashboard = reverse("schedule:organiser_term", args=[term.slug])
    assert "No lead presenter" in client.get(dashboard).content.decode()
    url = reverse("schedule:organiser_term_rules", args=[term.slug])
    response = client.post(url, {"rule_min_minutes": "60", "rule_recording_required": "on"})
    assert response.status_code == 302
    term.refresh_from_db()
    assert (
        term.rule_one_conference_one_arxiv,
        term.rule_lead_required,
        term.rule_min_minutes,
        term.rule_recording_required,
    ) == (False, False, 60, True)
    page = client.get(dashboard).content.decode()
    assert "No lead presenter" not in page
    assert "the group asks for at least 60" in page


@pytest.mark.parametrize("on", [True, False])
def test_every_rule_of_the_form_is_saved(client, organiser, term, on):
    # The form offers "a member leads at most one topic per session" too: it must stick.
    client.force_login(organiser)
    url = reverse("schedule:organiser_term_rules", args=[term.slug])
    Term.objects.filter(pk=term.pk).update(rule_one_lead_per_member=not on)
    data = {"rule_min_minutes": "45"} | ({"rule_one_lead_per_member": "on"} if on else {})
    assert client.post(url, data).status_code == 302
    term.refresh_from_db()
    assert term.rule_one_lead_per_member is on


def test_bad_rules_input_changes_nothing(client, organiser, term):
    client.force_login(organiser)
    before = snapshot()
    response = client.post(
        reverse("schedule:organiser_term_rules", args=[term.slug]), {"rule_min_minutes": "-5"}
    )
    assert response.status_code == 302
    assert snapshot() == before
    page = client.get(response["Location"]).content.decode()
    assert "Rules not saved" in page


# --- inline editing of a session ---------------------------------------------------------


def edit_data(session: Session, **overrides) -> dict:
    """The edit form's POST as the browser would send it, unchanged unless overridden."""
    prefix = f"s{session.pk}-talks"
    talks = list(session.talks.order_by("position"))
    data = {
        "date": session.date.isoformat(),
        "kind": session.kind,
        "title": session.title,
        "start_time": session.start_time.strftime("%H:%M") if session.start_time else "",
        "place": session.place,
        "online_link": session.online_link,
        f"{prefix}-TOTAL_FORMS": str(len(talks)),
        f"{prefix}-INITIAL_FORMS": str(len(talks)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, talk in enumerate(talks):
        data.update(
            {
                f"{prefix}-{index}-id": str(talk.pk),
                f"{prefix}-{index}-session": str(session.pk),
                f"{prefix}-{index}-title": talk.title,
                f"{prefix}-{index}-paper": talk.paper.title if talk.paper else "",
                f"{prefix}-{index}-venue_label": talk.venue_label,
                f"{prefix}-{index}-minutes": str(talk.minutes),
                f"{prefix}-{index}-url": talk.url,
                f"{prefix}-{index}-slides_url": talk.slides_url,
                f"{prefix}-{index}-video_url": talk.video_url,
                f"{prefix}-{index}-summary_url": talk.summary_url,
            }
        )
    data.update(overrides)
    return data


def test_edit_over_htmx_returns_the_form_fragment(client, organiser, term):
    client.force_login(organiser)
    session = first_session(term)
    response = client.get(reverse("schedule:organiser_session_edit", args=[session.pk]), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.strip().startswith(f'<article id="session-{session.pk}"')
    assert 'name="date"' in body and f'name="s{session.pk}-talks-0-paper"' in body
    assert "HX-Request" in response["Vary"]


def test_edit_without_htmx_is_a_full_page(client, organiser, term):
    client.force_login(organiser)
    session = first_session(term)
    response = client.get(reverse("schedule:organiser_session_edit", args=[session.pk]))
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_save_over_htmx_returns_the_row_with_the_changes(client, organiser, term):
    client.force_login(organiser)
    session = first_session(term)
    prefix = f"s{session.pk}-talks"
    arxiv = factories.PaperFactory(title="An arXiv paper", proceedings=None, arxiv_id="2501.00001")
    data = edit_data(
        session,
        date="2030-03-06",
        kind="special",
        title="Guest lecture",
        place="Hall B",
        online_link="https://meet.example.org/b",
        **{
            f"{prefix}-1-paper": "https://arxiv.org/abs/2501.00001v2",
            f"{prefix}-1-venue_label": "arXiv",
            f"{prefix}-1-minutes": "50",
            f"{prefix}-0-video_url": "https://video.example.org/1",
        },
    )
    response = client.post(
        reverse("schedule:organiser_session_edit", args=[session.pk]), data, **HX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert "<html" not in body
    assert body.strip().startswith(f'<article id="session-{session.pk}"')
    assert "Wed 6 Mar 2030" in body and "Guest lecture" in body and "Hall B" in body
    session.refresh_from_db()
    assert (session.date, session.kind, session.title) == (
        datetime.date(2030, 3, 6),
        "special",
        "Guest lecture",
    )
    second = session.talks.get(position=2)
    assert (second.paper, second.venue_label, second.minutes) == (arxiv, "arXiv", 50)
    assert session.talks.get(position=1).video_url == "https://video.example.org/1"


def test_a_chosen_paper_fills_a_blank_venue_label(client, organiser, term):
    client.force_login(organiser)
    session = first_session(term)
    prefix = f"s{session.pk}-talks"
    osdi = factories.PaperFactory(
        title="An OSDI paper", proceedings=factories.ProceedingsFactory(venue__name="OSDI")
    )
    client.post(
        reverse("schedule:organiser_session_edit", args=[session.pk]),
        edit_data(session, **{f"{prefix}-1-paper": "An OSDI paper"}),
        **HX,
    )
    talk = session.talks.get(position=2)
    assert (talk.paper, talk.venue_label) == (osdi, "OSDI'25")


def test_an_unchanged_form_saves_nothing(client, organiser, term):
    client.force_login(organiser)
    session = first_session(term)
    before = snapshot()
    response = client.post(
        reverse("schedule:organiser_session_edit", args=[session.pk]), edit_data(session), **HX
    )
    assert response.status_code == 200
    assert snapshot() == before


def test_plain_save_redirects_to_the_row(client, organiser, term):
    client.force_login(organiser)
    session = first_session(term)
    response = client.post(
        reverse("schedule:organiser_session_edit", args=[session.pk]),
        edit_data(session, title="Renamed"),
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#session-{session.pk}")
    session.refresh_from_db()
    assert session.title == "Renamed"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date", "2030-03-12", "2030-03-12 already holds a session (2030 Spring)"),
        ("date", "March 6th", "Enter a valid date"),
        ("date", "9999-03-10", "9999-03-10 is outside 1900-2099; check the year."),
        ("date", "0001-03-13", "0001-03-13 is outside 1900-2099; check the year."),
        ("date", "2035-03-13", "more than 1 year from the term&#x27;s other sessions"),
        ("online_link", "javascript:alert(1)", "Enter a valid URL"),
        ("kind", "party", "Select a valid choice"),
        ("talks-0-paper", "No such paper anywhere", "No catalogue paper matches"),
        ("talks-1-minutes", "-3", "greater than or equal to 0"),
        ("talks-0-url", "not a url", "Enter a valid URL"),
        ("talks-0-DELETE", "on", "has presenters; remove them"),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_edit_input_shows_the_error_and_changes_nothing(
    client, organiser, term, field, value, message, htmx
):
    client.force_login(organiser)
    session = first_session(term)
    if field.startswith("talks-"):
        field = f"s{session.pk}-{field}"
    data = edit_data(session, title="Should not be saved", **{field: value})
    before = snapshot()
    response = client.post(
        reverse("schedule:organiser_session_edit", args=[session.pk]),
        data,
        **(HX if htmx else {}),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "Nothing was saved" in body
    assert ("<html" in body) is not htmx
    assert snapshot() == before


def test_remove_an_empty_slot_while_editing(client, organiser, term):
    client.force_login(organiser)
    session = first_session(term)
    prefix = f"s{session.pk}-talks"
    response = client.post(
        reverse("schedule:organiser_session_edit", args=[session.pk]),
        edit_data(session, **{f"{prefix}-1-DELETE": "on"}),
        **HX,
    )
    assert response.status_code == 200
    assert list(session.talks.values_list("position", flat=True)) == [1]


def test_close_without_saving_returns_the_row(client, organiser, term):
    client.force_login(organiser)
    session = first_session(term)
    url = reverse("schedule:organiser_session", args=[session.pk])
    response = client.get(url, **HX)
    assert response.content.decode().strip().startswith(f'<article id="session-{session.pk}"')
    assert "HX-Request" in response["Vary"]
    plain = client.get(url)
    assert plain.status_code == 302
    assert plain["Location"].endswith(f"#session-{session.pk}")


def test_paper_suggestions_come_from_the_catalogue(client, organiser, db):
    factories.PaperFactory(title="LithOS: An Operating System for Efficient ML on GPUs")
    factories.PaperFactory(title="Something else entirely")
    client.force_login(organiser)
    url = reverse("schedule:organiser_paper_suggestions")
    body = client.get(url, {"s3-talks-0-paper": "lithos"}).content.decode()
    assert '<option value="LithOS: An Operating System for Efficient ML on GPUs">' in body
    assert "Something else" not in body
    assert client.get(url, {"q": "l"}).content.decode().strip() == ""


# --- slots, cancel, move ---------------------------------------------------------------------


def test_add_a_talk_slot_over_htmx(client, organiser, term):
    client.force_login(organiser)
    session = first_session(term)
    response = client.post(reverse("schedule:organiser_talk_add", args=[session.pk]), **HX)
    assert response.status_code == 200
    assert "Topic III" in response.content.decode()
    assert "HX-Request" in response["Vary"]
    assert session.talks.count() == 3


def test_remove_a_slot_with_presenters_is_refused(client, organiser, term):
    client.force_login(organiser)
    talk = talk_of(term, 1)
    before = snapshot()
    response = client.post(reverse("schedule:organiser_talk_remove", args=[talk.pk]), **HX)
    assert "has presenters" in response.content.decode()
    assert snapshot() == before
    empty = talk_of(term, 2)
    response = client.post(reverse("schedule:organiser_talk_remove", args=[empty.pk]))
    assert response.status_code == 302
    assert not Talk.objects.filter(pk=empty.pk).exists()


def test_cancel_a_session(client, organiser, term):
    client.force_login(organiser)
    session = first_session(term)
    url = reverse("schedule:organiser_session_cancel", args=[session.pk])
    body = client.post(url, **HX).content.decode()
    assert "is-cancelled" in body and "Cancelled" in body
    session.refresh_from_db()
    assert session.kind == Session.Kind.CANCELLED
    # A second cancel says so and changes nothing.
    before = snapshot()
    response = client.post(url)
    assert response.status_code == 302
    assert snapshot() == before
    assert "already cancelled" in client.get(response["Location"]).content.decode()


def test_move_a_talk_renders_both_rows(client, organiser, term):
    client.force_login(organiser)
    talk = talk_of(term, 1)
    target = second_session(term)
    response = client.post(
        reverse("schedule:organiser_talk_move", args=[talk.pk]), {"to_session": target.pk}, **HX
    )
    body = response.content.decode()
    assert f'<article id="session-{first_session(term).pk}"' in body
    assert f'<article id="session-{target.pk}"' in body
    assert 'hx-swap-oob="true"' in body
    talk.refresh_from_db()
    assert (talk.session, talk.position) == (target, 1)


def test_move_to_the_same_session_is_refused(client, organiser, term):
    client.force_login(organiser)
    talk = talk_of(term, 1)
    before = snapshot()
    response = client.post(
        reverse("schedule:organiser_talk_move", args=[talk.pk]),
        {"to_session": talk.session_id},
        **HX,
    )
    assert "already in the session" in response.content.decode()
    assert snapshot() == before
    response = client.post(
        reverse("schedule:organiser_talk_move", args=[talk.pk]), {"to_session": "nope"}, **HX
    )
    assert "Pick the session" in response.content.decode()
    assert snapshot() == before


# --- presenters ------------------------------------------------------------------------------


def test_assign_a_new_guest_with_affiliation(client, organiser, term):
    client.force_login(organiser)
    talk = talk_of(term, 2)
    response = client.post(
        reverse("schedule:organiser_presenter_assign", args=[talk.pk]),
        {"guest_name": "Mingxuan Liu", "guest_affiliation": "NPU", "role": "lead"},
        **HX,
    )
    body = response.content.decode()
    assert "Mingxuan Liu" in body and "(NPU)" in body
    presenter = talk.presenters.get()
    assert (presenter.person.name, presenter.person.affiliation, presenter.role) == (
        "Mingxuan Liu",
        "NPU",
        "lead",
    )
    assert presenter.person.is_guest and presenter.confirmed
    # The same guest on another talk is the same Person, not a duplicate.
    other = second_session(term).talks.get(position=1)
    client.post(
        reverse("schedule:organiser_presenter_assign", args=[other.pk]),
        {"guest_name": "mingxuan liu", "guest_affiliation": "npu", "role": "support"},
    )
    assert Person.objects.filter(name__iexact="mingxuan liu").count() == 1


def test_assign_a_member(client, organiser, term):
    client.force_login(organiser)
    person = Person.objects.create(name="Member Person", user=factories.UserFactory())
    talk = talk_of(term, 1)
    response = client.post(
        reverse("schedule:organiser_presenter_assign", args=[talk.pk]),
        {"person": person.pk, "role": "support"},
    )
    assert response.status_code == 302
    assert talk.presenters.filter(person=person, role="support", confirmed=True).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "lead"}, "Pick a member or guest"),
        ({"guest_name": "Someone", "role": "chair"}, "Select a valid choice"),
        ({"guest_name": "Someone", "person": "999999", "role": "lead"}, "Select a valid choice"),
        ({"guest_name": "New Guest", "role": "lead"}, "already leads this talk"),
    ],
)
def test_bad_assignments_show_the_error_and_change_nothing(client, organiser, term, data, message):
    client.force_login(organiser)
    talk = talk_of(term, 1)
    before = snapshot()
    response = client.post(
        reverse("schedule:organiser_presenter_assign", args=[talk.pk]), data, **HX
    )
    assert message in response.content.decode()
    assert snapshot() == before


def test_confirm_and_remove_presenters(client, organiser, term):
    client.force_login(organiser)
    presenter = talk_of(term, 1).presenters.get()
    body = client.post(
        reverse("schedule:organiser_presenter_confirm", args=[presenter.pk]), **HX
    ).content.decode()
    assert "awaits confirmation" not in body
    presenter.refresh_from_db()
    assert presenter.confirmed
    response = client.post(reverse("schedule:organiser_presenter_remove", args=[presenter.pk]))
    assert response.status_code == 302
    assert not Presenter.objects.filter(pk=presenter.pk).exists()


# --- README import and export --------------------------------------------------------------

IMPORT_URL = "/organise/import/"


@pytest.fixture
def readme(fixtures_dir) -> bytes:
    return (fixtures_dir / "schedule-2025-fall.md").read_bytes()


def upload(readme: bytes, name: str = "README.md"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, readme, content_type="text/markdown")


def preview(client, readme: bytes, **fields):
    data = {"step": "preview", "file": upload(readme), "term_name": "", "base_url": ""}
    data.update(fields)
    return client.post(reverse("schedule:organiser_import"), data)


def test_import_url_is_the_named_one():
    assert reverse("schedule:organiser_import") == IMPORT_URL


def test_import_preview_shows_what_will_be_created_and_writes_nothing(client, organiser, readme):
    client.force_login(organiser)
    before = snapshot()
    response = preview(client, readme)
    body = response.content.decode()
    assert response.status_code == 200
    assert snapshot() == before
    assert "Preview: 2025 Fall" in body
    assert "Nothing has been saved yet" in body
    assert "DiffKV: Differentiated Memory Management" in body
    assert "Mingxuan Liu (Northwestern Polytechnical University)" in body
    assert 'name="payload"' in body
    result = response.context["result"]
    assert result.dry_run and result.created("sessions") > 10
    # The importer's warnings are listed as FILE:LINE and why, as the command prints them.
    assert result.warnings
    first = result.warnings[0]
    name = response.context["filename"]
    assert name == "README.md"
    assert f"{name}:{first.line}</span> {first.message}" in body.replace("&#x27;", "'")


def test_pasted_markdown_previews_too(client, organiser, readme):
    client.force_login(organiser)
    response = client.post(
        reverse("schedule:organiser_import"),
        {"step": "preview", "text": readme.decode(), "term_name": "2025 Fall"},
    )
    assert "Preview: 2025 Fall" in response.content.decode()
    assert not Session.objects.exists()


def test_confirm_writes_what_the_preview_showed(client, organiser, readme):
    client.force_login(organiser)
    shown = preview(client, readme).context["result"]
    payload = preview(client, readme).context["payload"]
    response = client.post(
        reverse("schedule:organiser_import"), {"step": "confirm", "payload": payload}
    )
    term = Term.objects.get(name="2025 Fall")
    assert response.status_code == 302
    assert response["Location"] == reverse("schedule:organiser_term", args=[term.slug])
    assert term.sessions.count() == shown.created("sessions")
    assert Talk.objects.filter(session__term=term).count() == shown.created("talks")
    page = client.get(response["Location"]).content.decode()
    assert f"Imported 2025 Fall: sessions {shown.created('sessions')} created; talks" in page
    assert "DiffKV" in page


@pytest.mark.parametrize(
    "tamper",
    [
        lambda payload: payload[:-2] + ("AA" if not payload.endswith("AA") else "BB"),
        lambda payload: "",
        lambda payload: "not-a-signed-value",
    ],
)
def test_a_tampered_payload_is_refused_and_nothing_is_written(client, organiser, readme, tamper):
    client.force_login(organiser)
    payload = preview(client, readme).context["payload"]
    before = snapshot()
    response = client.post(
        reverse("schedule:organiser_import"), {"step": "confirm", "payload": tamper(payload)}
    )
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert snapshot() == before


def test_a_payload_signed_with_other_text_is_refused(client, organiser, readme):
    """Swapping the markdown inside the payload breaks the signature."""
    from django.core import signing

    from sessions.views.organiser import IMPORT_SALT

    client.force_login(organiser)
    payload = preview(client, readme).context["payload"]
    job = signing.loads(payload, salt=IMPORT_SALT)
    job["text"] = "# 2025 Fall\n## Schedule\n### January 20\n#### Topic I\n- [arXiv] Evil\n"
    forged = signing.dumps(job, salt="another-salt", compress=True)
    before = snapshot()
    response = client.post(
        reverse("schedule:organiser_import"), {"step": "confirm", "payload": forged}
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_another_organisers_preview_cannot_be_confirmed(client, organiser, readme):
    client.force_login(organiser)
    payload = preview(client, readme).context["payload"]
    client.force_login(factories.OrganiserFactory(username="second-organiser"))
    before = snapshot()
    response = client.post(
        reverse("schedule:organiser_import"), {"step": "confirm", "payload": payload}
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_an_expired_preview_is_refused(client, organiser, readme, settings):
    import time

    client.force_login(organiser)
    payload = preview(client, readme).context["payload"]
    before = snapshot()
    real_time = time.time
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: real_time() + 7 * 3600)
        response = client.post(
            reverse("schedule:organiser_import"), {"step": "confirm", "payload": payload}
        )
    assert response.status_code == 400
    assert "more than six hours old" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"step": "preview"}, "Upload the README file or paste its markdown"),
        ({"step": "preview", "text": "   "}, "Upload the README file or paste its markdown"),
        ({"step": "preview", "text": "hello\x00world"}, "Null characters are not allowed"),
        (
            {"step": "preview", "text": "# 2025 Fall\n## Schedule\n### February 30\n"},
            "This README cannot be imported: line 3: &#x27;### February 30&#x27; is not a date",
        ),
        ({"step": "preview", "text": "No heading at all\n"}, "cannot be imported"),
    ],
)
def test_bad_readme_input_shows_the_error_and_writes_nothing(client, organiser, data, message):
    client.force_login(organiser)
    before = snapshot()
    response = client.post(reverse("schedule:organiser_import"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_date_held_by_another_term_is_refused_at_preview(client, organiser, readme):
    factories.SessionFactory(
        date=datetime.date(2026, 1, 20), term__name="Other term", term__slug="other-term"
    )
    client.force_login(organiser)
    before = snapshot()
    response = preview(client, readme)
    body = response.content.decode()
    assert "This README cannot be imported" in body
    assert "2026-01-20" in body
    assert "payload" not in response.context
    assert snapshot() == before


def test_a_file_without_sessions_says_so(client, organiser):
    client.force_login(organiser)
    response = client.post(
        reverse("schedule:organiser_import"),
        {"step": "preview", "text": "# 2025 Fall\n\nJust words.\n"},
    )
    assert "No sessions found in this file" in response.content.decode()
    assert not Term.objects.exists()


def test_file_and_pasted_text_together_are_refused(client, organiser, readme):
    client.force_login(organiser)
    response = preview(client, readme, text="# 2025 Fall")
    assert "not both" in response.content.decode()


def test_export_downloads_the_terms_readme(client, organiser, readme):
    client.force_login(organiser)
    payload = preview(client, readme).context["payload"]
    client.post(reverse("schedule:organiser_import"), {"step": "confirm", "payload": payload})
    term = Term.objects.get(name="2025 Fall")
    response = client.get(reverse("schedule:organiser_term_export", args=[term.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{term.slug}.md"'
    text = response.content.decode()
    assert "### January 20" in text
    assert "DiffKV: Differentiated Memory Management" in text


def test_import_preview_in_chinese_says_the_readers_warnings_in_chinese(client, organiser):
    client.force_login(organiser)
    text = (
        "# 2025 Fall\n\n## Schedule\n### December 2\n#### Topic I\n"
        "- 💡 [arXiv] [A paper title](https://arxiv.org/abs/2501.00001)\n"
        "- 🙋 Alice, Alice\n- something nobody can place\n"
        "#### Topic I\n- 💡 Another title\n- 🙋 Bob\n"
    )
    response = client.post(
        reverse("schedule:organiser_import"),
        {"step": "preview", "text": text, "term_name": "2025 Fall"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    messages = [warning.message for warning in response.context["result"].warnings]
    assert "Alice 在同一议题中出现了两次" in messages
    assert "议题 I 在本次报告中出现了两次" in messages
    assert any(message.startswith("无法识别的行 ") for message in messages), messages
    labels = [change.label for change in response.context["result"].changes]
    assert any("议题 I · A paper title" in label for label in labels), labels
    assert any(label.endswith("Alice (主讲)") for label in labels), labels
