"""Slides work bounded (issue 12): the body of an upload nobody may make is never read, an
over-size body is cut off while it is read, the request parses no PDF (the slides task does),
a crafted 10,000-page PDF is refused by the task, a broker outage keeps the upload for the
sweep, and only a confirmed lead or an organiser uploads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client

from sessions import slides
from sessions.models import Presenter, SlidesState, Talk
from tests.broker import use_broker
from tests.conftest import FROZEN_NOW
from tests.members.conftest import person_of
from tests.members.pdfs import shared_stream_pdf, text_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN_NOW)]

TEN_MB = 10 * 1024 * 1024


@pytest.fixture
def parsed(monkeypatch):
    """How many request bodies were parsed, and how many temporary upload files were made."""
    counts = {"bodies": 0, "temporary_files": 0}
    real_parse = MultiPartParser.parse

    def parse(self):
        counts["bodies"] += 1
        return real_parse(self)

    from django.core.files import uploadhandler

    real_new_file = uploadhandler.TemporaryFileUploadHandler.new_file

    def new_file(self, *args, **kwargs):
        counts["temporary_files"] += 1
        return real_new_file(self, *args, **kwargs)

    monkeypatch.setattr(MultiPartParser, "parse", parse)
    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", new_file)
    return counts


def big_upload() -> dict:
    return {"slides": SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * TEN_MB)}


def url(talk) -> str:
    return f"/talks/{talk.pk}/slides/upload/"


def lead(talk, user, confirmed=True) -> Presenter:
    return Presenter.objects.create(
        talk=talk, person=person_of(user), role=Presenter.Role.LEAD, confirmed=confirmed
    )


def test_anonymous_10_mb_post_is_refused_without_reading_the_body(
    upcoming_talk, parsed, media_root
):
    # A CSRF-checking client: the token check must not be what reads the body either.
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(upcoming_talk), big_upload())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert parsed == {"bodies": 0, "temporary_files": 0}
    upcoming_talk.refresh_from_db()
    assert not upcoming_talk.slides_file


@pytest.mark.parametrize("who", ["stranger", "unconfirmed lead", "supporter"])
def test_a_member_who_may_not_upload_never_has_the_body_read(
    upcoming_talk, member, parsed, media_root, who
):
    if who == "unconfirmed lead":
        lead(upcoming_talk, member, confirmed=False)
    elif who == "supporter":
        Presenter.objects.create(
            talk=upcoming_talk, person=person_of(member), role=Presenter.Role.SUPPORT
        )
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(url(upcoming_talk), big_upload())
    assert response.status_code == 403
    assert parsed == {"bodies": 0, "temporary_files": 0}
    # The 403 page shows the reason.
    assert "only once an organiser has confirmed the sign-up" in response.content.decode()


def test_an_unconfirmed_lead_uploads_once_confirmed(client, upcoming_talk, member, media_root):
    row = lead(upcoming_talk, member, confirmed=False)
    client.force_login(member)
    data = {"slides": SimpleUploadedFile("deck.pdf", text_pdf("Hello"))}
    assert client.post(url(upcoming_talk), data).status_code == 403
    row.confirmed = True
    row.save()
    data = {"slides": SimpleUploadedFile("deck.pdf", text_pdf("Hello"))}
    response = client.post(url(upcoming_talk), data, follow=True)
    assert "Slides received: they are being processed." in response.content.decode()


def test_the_csrf_check_still_applies_to_an_allowed_uploader(upcoming_talk, member, media_root):
    lead(upcoming_talk, member)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    data = {"slides": SimpleUploadedFile("deck.pdf", text_pdf("Hello"))}
    assert client.post(url(upcoming_talk), data).status_code == 403
    upcoming_talk.refresh_from_db()
    assert not upcoming_talk.slides_file


def test_a_declared_size_over_the_limit_is_refused_before_reading(
    client, upcoming_talk, member, parsed, media_root, settings
):
    settings.SLIDES_MAX_BYTES = 1024 * 1024
    lead(upcoming_talk, member)
    client.force_login(member)
    response = client.post(url(upcoming_talk), big_upload(), follow=True)
    assert "slides may be at most 1.0\xa0MB" in response.content.decode()
    assert parsed["temporary_files"] == 0
    upcoming_talk.refresh_from_db()
    assert not upcoming_talk.slides_file


def test_a_body_over_the_limit_is_cut_off_while_it_is_read(
    client, upcoming_talk, member, media_root, settings
):
    # Just over the limit, within the slack the declared-size check allows for the form: the
    # upload handler is what stops it.
    settings.SLIDES_MAX_BYTES = 200_000
    lead(upcoming_talk, member)
    client.force_login(member)
    received = []
    real = slides.SlidesSizeLimit.receive_data_chunk

    def spy(self, raw_data, start):
        received.append(len(raw_data))
        return real(self, raw_data, start)

    data = {"slides": SimpleUploadedFile("deck.pdf", b"%PDF-1.7\n" + b"0" * 230_000)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(slides.SlidesSizeLimit, "receive_data_chunk", spy)
        response = client.post(url(upcoming_talk), data, follow=True)
    assert "too large: slides may be at most 195.3\xa0KB" in response.content.decode()
    # Reading stopped at the first chunk past the limit.
    assert sum(received) - received[-1] <= settings.SLIDES_MAX_BYTES
    upcoming_talk.refresh_from_db()
    assert not upcoming_talk.slides_file
    assert not list(media_root.rglob("*.pdf")) if media_root.exists() else True


def test_a_crafted_10000_page_pdf_is_refused_by_its_page_count(settings):
    data = shared_stream_pdf(pages=10_000, operations=50)
    with pytest.raises(slides.SlidesError, match="has 10000 pages; slides may have at most 500"):
        slides.read_slides(SimpleUploadedFile("crafted.pdf", data))


def test_the_request_does_no_pdf_work(client, upcoming_talk, member, media_root, monkeypatch):
    lead(upcoming_talk, member)
    client.force_login(member)

    def explode(*args, **kwargs):
        raise AssertionError("pypdf opened the upload inside the request")

    # Both ways the code could reach it: the module's name and the class's constructor.
    monkeypatch.setattr("pypdf.PdfReader", explode)
    monkeypatch.setattr("pypdf._reader.PdfReader.__init__", explode)
    data = {"slides": SimpleUploadedFile("deck.pdf", text_pdf("Hello"))}
    response = client.post(url(upcoming_talk), data, follow=True)
    html = response.content.decode()
    assert "Slides received: they are being processed." in html
    assert "Slides are being processed" in html
    assert 'hx-trigger="every 2s"' in html  # the slides part asks again until it is decided
    talk = Talk.objects.get(pk=upcoming_talk.pk)
    assert talk.slides_state == SlidesState.PROCESSING and talk.slides_pending
    assert not talk.slides_file


@pytest.mark.django_db(transaction=True)
def test_the_crafted_pdf_uploaded_is_refused_by_the_task(
    client, upcoming_talk, member, media_root, eager_tasks
):
    lead(upcoming_talk, member)
    client.force_login(member)
    data = {"slides": SimpleUploadedFile("crafted.pdf", shared_stream_pdf(10_000, 50))}
    response = client.post(url(upcoming_talk), data, follow=True)
    html = response.content.decode()
    assert "has 10000 pages; slides may have at most 500" in html
    talk = Talk.objects.get(pk=upcoming_talk.pk)
    assert talk.slides_state == SlidesState.REFUSED
    assert not talk.slides_file and not talk.slides_pending
    assert not [p for p in media_root.rglob("*") if p.is_file()]
    # The talk page says so once the message of the upload is gone.
    html = client.get(f"/talks/{talk.pk}/edit/").content.decode()
    assert "“crafted.pdf” was not accepted: The PDF has 10000 pages" in html


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_upload_is_kept_and_sent_by_the_sweep(
    client, upcoming_talk, member, media_root, broker_down
):
    lead(upcoming_talk, member)
    client.force_login(member)
    data = {"slides": SimpleUploadedFile("deck.pdf", text_pdf("Kept while Redis is down"))}
    response = client.post(url(upcoming_talk), data)
    assert response.status_code == 302
    talk = Talk.objects.get(pk=upcoming_talk.pk)
    assert talk.slides_state == SlidesState.UNQUEUED
    assert talk.slides_pending.storage.exists(talk.slides_pending.name)
    html = client.get(response["Location"]).content.decode()
    assert "could not be queued for processing" in html
    assert 'hx-trigger="every 2s"' not in html  # nothing to poll for until it is sent

    # The sweep sends it once the broker is back; the task (run eagerly here) accepts it.
    from readinggroup.celery import app

    use_broker("memory://")
    app.conf.task_always_eager = True
    assert slides.requeue_waiting() == 1
    talk.refresh_from_db()
    assert talk.slides_state == SlidesState.NONE
    assert "Kept while Redis is down" in talk.slides_text


def test_a_shared_content_stream_is_read_once(settings, monkeypatch):
    settings.SLIDES_MAX_PAGES = 400
    calls = []
    from pypdf import PageObject

    real = PageObject.extract_text

    def counted(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", counted)
    info = slides.read_slides(
        SimpleUploadedFile("shared.pdf", shared_stream_pdf(pages=300, operations=50))
    )
    assert info.pages == 300
    assert len(calls) == 1
    assert info.text.count("x") == 50


def test_text_extraction_stops_at_its_time_budget(settings):
    settings.SLIDES_TEXT_SECONDS = 0
    info = slides.read_slides(SimpleUploadedFile("deck.pdf", text_pdf("One", "Two", "Three")))
    assert info.pages == 3
    assert info.text == ""  # the budget was spent before the first page: pages kept, no text
