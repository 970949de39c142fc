"""Members' views: sign-up and withdraw (HTMX and plain), the member page, the lead's talk page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions import signups
from sessions.models import Presenter
from tests import factories
from tests.conftest import FROZEN_NOW
from tests.members.conftest import make_talk, person_of
from tests.members.pdfs import encrypted_pdf, text_pdf

pytestmark = pytest.mark.time_machine(FROZEN_NOW)

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/sessions/x/"}


def url(name: str, talk) -> str:
    return reverse(f"schedule:{name}", kwargs={"pk": talk.pk})


@pytest.fixture
def lead_client(client, member, upcoming_talk):
    signups.assign_presenter(upcoming_talk, person_of(member, "Lena Lead"), "lead")
    client.force_login(member)
    return client


# --- sign up / withdraw ---------------------------------------------------------------------


def test_htmx_sign_up_re_renders_the_talk_in_place(client, member, upcoming_talk):
    person_of(member, "Mia Member")
    client.force_login(member)
    response = client.post(url("talk_signup", upcoming_talk), {"role": "lead"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="talk-{upcoming_talk.pk}"' in html
    assert "Mia Member" in html
    assert "You are the lead · awaiting confirmation" in html
    assert "Withdraw" in html and "Sign up as lead" not in html
    assert "HX-Request" in response["Vary"]
    # The re-rendered forms still return to the page the member was on.
    assert 'name="next" value="/sessions/x/"' in html
    assert Presenter.objects.get(talk=upcoming_talk).role == "lead"


def test_plain_sign_up_redirects_back_with_a_message(client, member, upcoming_talk):
    client.force_login(member)
    response = client.post(
        url("talk_signup", upcoming_talk), {"role": "support", "next": "/?term=2025"}
    )
    assert response.status_code == 302 and response["Location"] == "/?term=2025"
    page = client.get(reverse("schedule:me"), follow=True)
    assert b"You are a supporter of Topic I" in page.content
    assert Presenter.objects.get(talk=upcoming_talk).role == "support"


def test_plain_sign_up_never_redirects_off_site(client, member, upcoming_talk):
    client.force_login(member)
    response = client.post(
        url("talk_signup", upcoming_talk), {"role": "support", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/sessions/{upcoming_talk.session.date.isoformat()}/"


def test_lead_taken_shows_the_message_in_place(client, member, other_member, upcoming_talk):
    signups.sign_up(upcoming_talk, person_of(other_member, "Olga"), "lead")
    client.force_login(member)
    response = client.post(url("talk_signup", upcoming_talk), {"role": "lead"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "Olga already leads this talk" in html
    # The fresh talk no longer offers the lead, still offers joining as supporter.
    assert "Sign up as lead" not in html and "Join as supporter" in html
    assert list(upcoming_talk.presenters.values_list("person__name", flat=True)) == ["Olga"]


def test_lead_taken_plain_post_shows_a_message(client, member, other_member, upcoming_talk):
    signups.sign_up(upcoming_talk, person_of(other_member, "Olga"), "lead")
    client.force_login(member)
    response = client.post(
        url("talk_signup", upcoming_talk), {"role": "lead", "next": "/me/"}, follow=True
    )
    assert b"Olga already leads this talk" in response.content


def test_withdraw_htmx_and_plain(client, member, upcoming_talk):
    person = person_of(member)
    client.force_login(member)
    signups.sign_up(upcoming_talk, person, "lead")
    response = client.post(url("talk_withdraw", upcoming_talk), **HTMX)
    assert response.status_code == 200 and b"Sign up as lead" in response.content
    assert not upcoming_talk.presenters.exists()
    again = client.post(url("talk_withdraw", upcoming_talk), {"next": "/me/"}, follow=True)
    assert b"You are not presenting this talk" in again.content


def test_anonymous_is_sent_to_sign_in(client, upcoming_talk):
    response = client.post(url("talk_signup", upcoming_talk), {"role": "lead", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/"
    htmx = client.post(url("talk_signup", upcoming_talk), {"role": "lead"}, **HTMX)
    assert htmx["HX-Redirect"] == "/accounts/login/?next=%2Fsessions%2Fx%2F"
    assert not upcoming_talk.presenters.exists()


def test_sign_up_is_post_only(client, member, upcoming_talk):
    client.force_login(member)
    assert client.get(url("talk_signup", upcoming_talk)).status_code == 405
    assert client.get(url("talk_withdraw", upcoming_talk)).status_code == 405


def test_missing_talk_is_404(client, member):
    client.force_login(member)
    assert client.post("/talks/999999/signup/", {"role": "lead"}).status_code == 404


# --- talk_actions.html on its own -----------------------------------------------------------


def render_actions(rf, user, talk, settings=None):
    from django.template.loader import render_to_string

    from sessions.views.members import talk_for_display

    request = rf.get("/")
    request.user = user
    return render_to_string(
        "schedule/partials/talk_actions.html", {"talk": talk_for_display(talk.pk)}, request
    )


def test_actions_for_anonymous_open_and_full(rf, upcoming_talk, settings):
    from django.contrib.auth.models import AnonymousUser

    html = render_actions(rf, AnonymousUser(), upcoming_talk)
    assert "Sign in to sign up" in html and "/accounts/login/?next=/" in html
    settings.MAX_SUPPORTERS = 0
    signups.assign_presenter(upcoming_talk, factories.PersonFactory(), "lead")
    assert "Sign in to sign up" not in render_actions(rf, AnonymousUser(), upcoming_talk)


def test_actions_on_past_and_cancelled_talks(rf, member, past_talk):
    assert "Sign up" not in render_actions(rf, member, past_talk)
    cancelled = make_talk(days=9, kind="cancelled")
    assert "Sign up" not in render_actions(rf, member, cancelled)


def test_actions_cost_no_query_per_talk(rf, member, django_assert_num_queries):
    from django.template.loader import render_to_string

    from sessions.models import Talk

    person_of(member)
    talks = [make_talk(days=7 * i, position=1) for i in range(1, 4)]
    for talk in talks:
        signups.sign_up(talk, factories.PersonFactory(), "support")
    request = rf.get("/")
    request.user = member
    fetched = list(Talk.objects.select_related("session").prefetch_related("presenters"))
    # One query for the viewer's Person, however many talks.
    with django_assert_num_queries(1):
        for talk in fetched:
            render_to_string("schedule/partials/talk_actions.html", {"talk": talk}, request)


# --- member page ----------------------------------------------------------------------------


def test_member_page_lists_upcoming_and_past_with_what_is_missing(client, member):
    person = person_of(member, "Mia Member")
    upcoming = make_talk(days=7, paper=None, title="")
    past = make_talk(days=-7)
    factories.PresenterFactory(talk=upcoming, person=person, role="lead")
    factories.PresenterFactory(talk=past, person=person, role="support", position=1)
    client.force_login(member)
    me = client.get(reverse("schedule:me"))
    assert me.status_code == 302 and me["Location"] == "/members/member/"
    page = client.get("/members/member/")
    html = page.content.decode()
    assert "Upcoming talks" in html and "Past talks" in html
    upcoming_part, past_part = html.split("Past talks")
    assert "(topic to be chosen)" in upcoming_part
    assert "paper not chosen, slides not uploaded" in upcoming_part
    assert "video link missing" not in upcoming_part
    assert past.paper.title in past_part
    assert "slides not uploaded, video link missing" in past_part
    # The lead may prepare the upcoming talk; a supporter does not get the button.
    assert url("talk_edit", upcoming) in upcoming_part
    assert url("talk_edit", past) not in past_part


def test_member_page_of_someone_else_hides_the_todo(client, member, other_member):
    person = person_of(other_member, "Olga")
    factories.PresenterFactory(talk=make_talk(days=7, paper=None), person=person, role="lead")
    client.force_login(member)
    html = client.get("/members/other/").content.decode()
    assert "Olga" in html and "(topic to be chosen)" in html
    assert "Still to do" not in html and "Prepare this talk" not in html


def test_member_page_needs_sign_in_and_an_existing_member(client, member):
    assert client.get("/members/member/")["Location"].startswith("/accounts/login/")
    client.force_login(member)
    assert client.get("/members/nobody/").status_code == 404


def test_member_page_query_count_is_constant(client, member, django_assert_num_queries):
    person = person_of(member)
    client.force_login(member)

    def add_talks(n, start):
        for i in range(n):
            factories.PresenterFactory(
                talk=make_talk(days=start + 7 * i), person=person, role="support"
            )

    add_talks(2, -20)
    client.get("/members/member/")  # the first visit makes the personal calendar's token
    # 5 for the page, 7 for the planner's block (coming sessions, unavailability, upcoming
    # rows, open requests, requests received and sent, members to ask), 1 for the personal
    # calendar's token.
    with django_assert_num_queries(13) as small:
        client.get("/members/member/")
    add_talks(12, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get("/members/member/")


# --- the lead's talk page -------------------------------------------------------------------


def test_talk_edit_page_for_the_lead(lead_client, upcoming_talk):
    page = lead_client.get(url("talk_edit", upcoming_talk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Prepare Topic I" in html and "Lena Lead" in html
    assert "Search the catalogue" in html and "paste an arXiv id" in html
    assert "Once the session has taken place" in html
    assert "HX-Request" in page["Vary"]


def test_choose_paper_from_the_catalogue(lead_client, upcoming_talk):
    paper = factories.PaperFactory(title="Fast and Safe Kernels")
    upcoming_talk.title = "An old free title"
    upcoming_talk.save()
    response = lead_client.post(url("talk_paper", upcoming_talk), {"paper": paper.pk}, follow=True)
    assert "The paper of this talk is now “Fast and Safe Kernels”" in response.content.decode()
    upcoming_talk.refresh_from_db()
    assert (upcoming_talk.paper, upcoming_talk.title, upcoming_talk.venue_label) == (
        paper,
        "",
        "SOSP'25",
    )


@pytest.mark.parametrize("value", ["999999", "abc", ""])
def test_choose_paper_refuses_unknown_ids(lead_client, upcoming_talk, value):
    before = upcoming_talk.paper_id
    response = lead_client.post(url("talk_paper", upcoming_talk), {"paper": value}, follow=True)
    assert b"not in the catalogue" in response.content or b"Choose a paper" in response.content
    upcoming_talk.refresh_from_db()
    assert upcoming_talk.paper_id == before


# The slides task runs when the upload commits (eagerly here): the page shows its result.
@pytest.mark.django_db(transaction=True)
def test_slides_upload_and_download(lead_client, upcoming_talk, media_root, client, eager_tasks):
    data = text_pdf("Hello from the slides", "Page two")
    response = lead_client.post(
        url("talk_slides_upload", upcoming_talk),
        {"slides": SimpleUploadedFile('Deck "final".pdf', data, "application/pdf")},
        follow=True,
    )
    assert b"Slides uploaded (2 pages)" in response.content
    upcoming_talk.refresh_from_db()
    assert upcoming_talk.slides_pages == 2 and "Hello from the slides" in upcoming_talk.slides_text
    client.logout()
    download = client.get(url("talk_slides", upcoming_talk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="Deck _final_.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == data


def test_slides_download_without_slides_is_404(client, upcoming_talk):
    assert client.get(url("talk_slides", upcoming_talk)).status_code == 404


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n not a pdf", "photo.pdf", b"not a PDF"),
        (encrypted_pdf(), "locked.pdf", b"encrypted"),
        (b"%PDF-1.4\n1 0 obj <<", "cut.pdf", b"damaged"),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_refused_slides_upload_stores_nothing(
    lead_client, upcoming_talk, media_root, data, name, message, eager_tasks
):
    # Not a PDF: refused in the request; encrypted or damaged: by the slides task.
    response = lead_client.post(
        url("talk_slides_upload", upcoming_talk),
        {"slides": SimpleUploadedFile(name, data, "application/pdf")},
        follow=True,
    )
    assert b"Slides not uploaded: " in response.content and message in response.content
    upcoming_talk.refresh_from_db()
    assert not upcoming_talk.slides_file and upcoming_talk.slides_filename == ""
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_too_big_slides_are_refused(lead_client, upcoming_talk, media_root, settings):
    settings.SLIDES_MAX_BYTES = 100
    response = lead_client.post(
        url("talk_slides_upload", upcoming_talk),
        {"slides": SimpleUploadedFile("big.pdf", text_pdf("x" * 50), "application/pdf")},
        follow=True,
    )
    assert b"slides may be at most 100" in response.content
    upcoming_talk.refresh_from_db()
    assert not upcoming_talk.slides_file
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_upload_without_a_file(lead_client, upcoming_talk):
    response = lead_client.post(url("talk_slides_upload", upcoming_talk), {}, follow=True)
    assert b"Choose a PDF file to upload" in response.content


def test_links_only_after_the_session(lead_client, upcoming_talk):
    response = lead_client.post(
        url("talk_links", upcoming_talk),
        {"video_url": "https://youtu.be/x", "summary_url": ""},
        follow=True,
    )
    assert b"once the session has taken place" in response.content
    upcoming_talk.refresh_from_db()
    assert upcoming_talk.video_url == ""


def test_links_after_the_session(client, member):
    talk = make_talk(days=-1)
    signups.assign_presenter(talk, person_of(member), "lead")
    client.force_login(member)
    page = client.get(url("talk_edit", talk))
    assert b"Video link" in page.content
    response = client.post(
        url("talk_links", talk),
        {"video_url": "https://youtu.be/abc", "summary_url": "example.org/notes"},
    )
    assert response.status_code == 302
    talk.refresh_from_db()
    assert (talk.video_url, talk.summary_url) == (
        "https://youtu.be/abc",
        "https://example.org/notes",
    )
    bad = client.post(
        url("talk_links", talk),
        {"video_url": "javascript:alert(1)", "summary_url": ""},
        follow=True,
    )
    assert b"Video link: Enter a valid URL." in bad.content
    talk.refresh_from_db()
    assert talk.video_url == "https://youtu.be/abc"


def test_choose_paper_by_arxiv_id(lead_client, upcoming_talk, monkeypatch):
    """The view hands the pasted text to the catalogue's add_paper_from_arxiv."""
    from papers import services as paper_services

    seen = []

    def fake_add(text):
        seen.append(text)
        return factories.PaperFactory(
            title="arXiv:2412.03131", arxiv_id="2412.03131", proceedings=None
        )

    monkeypatch.setattr(paper_services, "add_paper_from_arxiv", fake_add)
    response = lead_client.post(
        url("talk_paper", upcoming_talk),
        {"arxiv": " https://arxiv.org/abs/2412.03131 "},
        follow=True,
    )
    assert seen == ["https://arxiv.org/abs/2412.03131"]
    assert "The paper of this talk is now “arXiv:2412.03131”" in response.content.decode()
    upcoming_talk.refresh_from_db()
    assert (upcoming_talk.paper.arxiv_id, upcoming_talk.venue_label) == ("2412.03131", "arXiv")


def test_bad_arxiv_id_is_refused_with_the_catalogues_message(lead_client, upcoming_talk):
    before = upcoming_talk.paper_id
    response = lead_client.post(
        url("talk_paper", upcoming_talk), {"arxiv": "definitely not an id"}, follow=True
    )
    assert "is not an arXiv id or arXiv link" in response.content.decode()
    upcoming_talk.refresh_from_db()
    assert upcoming_talk.paper_id == before


def test_the_slides_part_polls_while_processing_and_stops_once_decided(
    lead_client, upcoming_talk, media_root
):
    from sessions import slides
    from sessions.models import Talk

    talk = slides.submit_slides(
        upcoming_talk, SimpleUploadedFile("Deck.pdf", text_pdf("Polled"), "application/pdf")
    )
    status_url = url("talk_slides_status", talk)
    part = lead_client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in part and "Slides are being processed" in part
    assert "<html" not in part  # the section alone

    me = lead_client.get("/me/", follow=True).content.decode()
    assert "Slides are being processed" in me

    slides.process_pending(talk.pk, talk.slides_pending.name)
    part = lead_client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in part
    assert ">Deck.pdf</a>" in part and "Slides are being processed" not in part

    refused = slides.submit_slides(
        Talk.objects.get(pk=talk.pk), SimpleUploadedFile("locked.pdf", encrypted_pdf())
    )
    slides.process_pending(refused.pk, refused.slides_pending.name)
    part = lead_client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "“locked.pdf” was not accepted: The PDF is encrypted" in part
    assert ">Deck.pdf</a>" in part and "The current slides stay." in part
    me = lead_client.get("/me/", follow=True).content.decode()
    assert "“locked.pdf” was not accepted" in me


def test_others_do_not_see_an_uploads_state(client, other_member, upcoming_talk, media_root):
    from sessions import slides

    slides.submit_slides(upcoming_talk, SimpleUploadedFile("Deck.pdf", text_pdf("x")))
    client.force_login(other_member)
    assert client.get(url("talk_slides_status", upcoming_talk)).status_code == 403
