"""Slides: the PDF checks, the pending upload under a generated name, the slides task that
accepts or refuses it (the previous slides kept until a file passes), and the sweep."""

from __future__ import annotations

import datetime
import re

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import override

from sessions import slides
from sessions.models import SlidesState, Talk
from tests.conftest import FROZEN_NOW
from tests.members.pdfs import blank_pdf, broken_pdf, encrypted_pdf, text_pdf

pytestmark = pytest.mark.time_machine(FROZEN_NOW)


def upload(data: bytes, name: str = "My talk.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_reads_pages_and_text():
    info = slides.read_slides(upload(text_pdf("Hello slides", "Second page: results")))
    assert info.pages == 2
    assert "Hello slides" in info.text and "Second page: results" in info.text


def test_blank_pdf_has_pages_and_no_text():
    info = slides.read_slides(upload(blank_pdf(pages=3)))
    assert (info.pages, info.text) == (3, "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04 this is a zip, or a pptx", "not a PDF"),
        (b"<html><script>alert(1)</script></html>", "not a PDF"),
        (broken_pdf(), "damaged"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 50, "damaged"),
        (encrypted_pdf(), "encrypted"),
    ],
    ids=["empty", "zip", "html", "truncated", "garbage", "encrypted"],
)
def test_refuses_with_a_clear_message(data, message):
    with pytest.raises(slides.SlidesError, match=message):
        slides.read_slides(upload(data))


def test_too_big_is_refused_before_reading(settings):
    data = text_pdf("A deck")
    settings.SLIDES_MAX_BYTES = len(data) - 1
    with pytest.raises(slides.SlidesError, match=r"slides may be at most"):
        slides.read_slides(upload(data))
    settings.SLIDES_MAX_BYTES = len(data)
    assert slides.read_slides(upload(data)).pages == 1


def submit_and_process(talk: Talk, data: bytes, name: str = "My talk.pdf") -> str:
    """What the request and then the slides task do with one upload."""
    talk = slides.submit_slides(talk, upload(data, name=name))
    return slides.process_pending(talk.pk, talk.slides_pending.name)


def test_submit_stores_a_pending_file_under_a_generated_name(upcoming_talk, media_root):
    talk = slides.submit_slides(
        upcoming_talk, upload(text_pdf("Kernel bypass"), name="../../etc/Deck.pdf")
    )
    talk.refresh_from_db()
    assert re.fullmatch(r"slides/\d{4}/[0-9a-f]{32}\.pdf", talk.slides_pending.name)
    assert talk.slides_pending_filename == "Deck.pdf"
    assert talk.slides_state == SlidesState.PROCESSING and talk.slides_queued_at is not None
    # Nothing is read yet: the talk has no slides until the task has accepted the file.
    assert not talk.slides_file and talk.slides_pages is None and talk.slides_text == ""
    assert [p.name for p in stored_files(media_root)] == [
        talk.slides_pending.name.rsplit("/", 1)[1]
    ]


def test_the_task_makes_the_pending_file_the_slides(upcoming_talk, media_root):
    assert submit_and_process(upcoming_talk, text_pdf("Kernel bypass"), "Deck.pdf") == "accepted"
    talk = Talk.objects.get(pk=upcoming_talk.pk)
    assert re.fullmatch(r"slides/\d{4}/[0-9a-f]{32}\.pdf", talk.slides_file.name)
    assert (talk.slides_filename, talk.slides_pages) == ("Deck.pdf", 1)
    assert "Kernel bypass" in talk.slides_text
    assert not talk.slides_pending and talk.slides_state == SlidesState.NONE
    assert [p.name for p in stored_files(media_root)] == [talk.slides_file.name.rsplit("/", 1)[1]]


@pytest.mark.django_db(transaction=True)
def test_replacing_deletes_the_old_file(media_root):
    from tests.members.conftest import make_talk

    talk = make_talk(days=7)
    submit_and_process(talk, text_pdf("First version"))
    talk.refresh_from_db()
    first = talk.slides_file.name
    submit_and_process(talk, text_pdf("Second version"))
    talk.refresh_from_db()
    assert talk.slides_file.name != first
    assert [p.name for p in stored_files(media_root)] == [talk.slides_file.name.rsplit("/", 1)[1]]
    assert "Second version" in talk.slides_text
    slides.remove_slides(talk)
    talk.refresh_from_db()
    assert not talk.slides_file and talk.slides_pages is None and talk.slides_text == ""
    assert stored_files(media_root) == []


@pytest.mark.parametrize("data", [b"", b"not a pdf", b"PK\x03\x04 a pptx"])
def test_the_request_refuses_what_needs_no_parsing_and_stores_nothing(
    upcoming_talk, media_root, data
):
    with pytest.raises(slides.SlidesError):
        slides.submit_slides(upcoming_talk, upload(data))
    upcoming_talk.refresh_from_db()
    assert not upcoming_talk.slides_file and not upcoming_talk.slides_pending
    assert upcoming_talk.slides_state == SlidesState.NONE
    assert stored_files(media_root) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("data", "reason"),
    [(encrypted_pdf(), "encrypted"), (broken_pdf(), "damaged"), (blank_pdf(pages=0), "no pages")],
    ids=["encrypted", "broken", "no-pages"],
)
def test_a_refused_pdf_keeps_the_old_slides_and_says_why(media_root, data, reason):
    from tests.members.conftest import make_talk

    talk = make_talk(days=7)
    submit_and_process(talk, text_pdf("The good deck"), "good.pdf")
    talk.refresh_from_db()
    good = talk.slides_file.name

    assert submit_and_process(talk, data, "new.pdf") == "refused"
    talk.refresh_from_db()
    assert talk.slides_file.name == good and talk.slides_filename == "good.pdf"
    assert "The good deck" in talk.slides_text and talk.slides_pages == 1
    assert talk.slides_state == SlidesState.REFUSED and not talk.slides_pending
    assert talk.slides_pending_filename == "new.pdf"
    assert reason in talk.slides_refusal_message
    # The refused file is gone; the good one is the only file left.
    assert [p.name for p in stored_files(media_root)] == [good.rsplit("/", 1)[1]]
    # The next good upload clears the refusal.
    assert submit_and_process(talk, text_pdf("Better deck")) == "accepted"
    talk.refresh_from_db()
    assert talk.slides_state == SlidesState.NONE and talk.slides_refusal_message == ""


def test_the_refusal_is_shown_in_the_readers_language(upcoming_talk, media_root, settings):
    settings.SLIDES_MAX_PAGES = 2
    submit_and_process(upcoming_talk, blank_pdf(pages=3))
    talk = Talk.objects.get(pk=upcoming_talk.pk)
    assert talk.slides_refusal == {
        "message": "The PDF has %(pages)d pages; slides may have at most %(limit)d.",
        "params": {"pages": 3, "limit": 2},
    }
    with override("en"):
        assert talk.slides_refusal_message == "The PDF has 3 pages; slides may have at most 2."
    with override("zh-hans"):
        chinese = talk.slides_refusal_message
    assert "3" in chinese and "2" in chinese and "pages" not in chinese


@pytest.mark.django_db(transaction=True)
def test_a_newer_upload_supersedes_a_pending_one(media_root):
    from tests.members.conftest import make_talk

    talk = make_talk(days=7)
    first = slides.submit_slides(talk, upload(text_pdf("First"))).slides_pending.name
    second = slides.submit_slides(talk, upload(text_pdf("Second"))).slides_pending.name
    # The first pending file went when the second upload was committed.
    assert [p.name for p in stored_files(media_root)] == [second.rsplit("/", 1)[1]]
    assert slides.process_pending(talk.pk, first) == "superseded"
    assert slides.process_pending(talk.pk, second) == "accepted"
    talk.refresh_from_db()
    assert "Second" in talk.slides_text
    # A re-delivered task for a file already decided does nothing either.
    assert slides.process_pending(talk.pk, second) == "superseded"


@pytest.mark.django_db(transaction=True)  # the files go after the commit
def test_removing_the_slides_drops_a_pending_upload_too(media_root):
    from tests.members.conftest import make_talk

    talk = make_talk(days=7)
    slides.submit_slides(talk, upload(text_pdf("Kept")))
    slides.process_pending(talk.pk, talk.slides_pending.name)
    talk.refresh_from_db()
    pending = slides.submit_slides(talk, upload(text_pdf("Later"))).slides_pending.name

    slides.remove_slides(talk)

    talk.refresh_from_db()
    assert not talk.slides_file and not talk.slides_pending
    assert talk.slides_state == SlidesState.NONE
    assert stored_files(media_root) == []
    # The task still queued for the removed upload finds nothing to do.
    assert slides.process_pending(talk.pk, pending) == "superseded"
    talk.refresh_from_db()
    assert not talk.slides_file and talk.slides_text == ""


def test_the_task_refuses_a_file_that_ran_out_of_its_time_limit(
    upcoming_talk, media_root, monkeypatch
):
    def too_slow(file):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(slides, "read_slides", too_slow)
    assert submit_and_process(upcoming_talk, text_pdf("Slow")) == "refused"
    upcoming_talk.refresh_from_db()
    assert "took too long" in upcoming_talk.slides_refusal_message


def test_the_time_limit_is_not_mistaken_for_a_damaged_file(monkeypatch):
    # pypdf's failures are caught broadly; the task's soft time limit must pass through.
    def interrupted(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("pypdf.PdfReader.__init__", interrupted)
    with pytest.raises(SoftTimeLimitExceeded):
        slides.read_slides(upload(text_pdf("x")))


def test_a_file_that_keeps_killing_the_worker_is_refused(upcoming_talk, media_root):
    talk = slides.submit_slides(upcoming_talk, upload(text_pdf("Poison")))
    # Three earlier runs died mid-task (counted before the work); this is the fourth.
    Talk.objects.filter(pk=talk.pk).update(slides_attempts=slides.MAX_ATTEMPTS)
    assert slides.process_pending(talk.pk, talk.slides_pending.name) == "refused"
    talk.refresh_from_db()
    assert "stopped the worker 3 times" in talk.slides_refusal_message
    assert not talk.slides_file


def test_a_missing_pending_file_is_refused(upcoming_talk, media_root):
    talk = slides.submit_slides(upcoming_talk, upload(text_pdf("Gone")))
    talk.slides_pending.storage.delete(talk.slides_pending.name)
    assert slides.process_pending(talk.pk, talk.slides_pending.name) == "refused"
    talk.refresh_from_db()
    assert "missing" in talk.slides_refusal_message


def test_the_sweep_resends_refused_by_the_broker_and_lost_uploads(
    upcoming_talk, media_root, monkeypatch
):
    from tests.members.conftest import make_talk

    now = timezone.now()
    sent = []
    monkeypatch.setattr(slides, "_send", lambda talk_id, name: sent.append(talk_id))
    unqueued = slides.submit_slides(upcoming_talk, upload(text_pdf("A")))
    lost = slides.submit_slides(make_talk(days=14), upload(text_pdf("B")))
    fresh = slides.submit_slides(make_talk(days=21), upload(text_pdf("C")))
    Talk.objects.filter(pk=unqueued.pk).update(slides_state=SlidesState.UNQUEUED)
    Talk.objects.filter(pk=lost.pk).update(slides_queued_at=now - datetime.timedelta(minutes=11))
    Talk.objects.filter(pk=fresh.pk).update(slides_queued_at=now - datetime.timedelta(minutes=5))
    sent.clear()
    assert slides.requeue_waiting(now) == 2
    assert sorted(sent) == sorted([unqueued.pk, lost.pk])
    assert Talk.objects.get(pk=unqueued.pk).slides_state == SlidesState.PROCESSING


def test_the_pending_state_is_a_database_constraint(upcoming_talk):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Talk.objects.filter(pk=upcoming_talk.pk).update(slides_state=SlidesState.PROCESSING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Talk.objects.filter(pk=upcoming_talk.pk).update(slides_pending="slides/2026/x.pdf")
    with pytest.raises(IntegrityError), transaction.atomic():
        Talk.objects.filter(pk=upcoming_talk.pk).update(slides_state="bogus")


def test_nul_characters_never_reach_the_text(monkeypatch):
    monkeypatch.setattr("pypdf._page.PageObject.extract_text", lambda self, *a, **k: "bad\x00text")
    info = slides.read_slides(upload(blank_pdf()))
    assert info.text == "badtext"


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Deck.pdf", "Deck.pdf"),
        ("talk slides (v2).PDF", "talk slides (v2).pdf"),
        ('evil"; filename=x.html', "evil_ filename_x.html.pdf"),
        ("..\\..\\windows\\deck.pdf", "deck.pdf"),
        ("Präsentation.pdf", "Präsentation.pdf"),
        ("line\r\nbreak.pdf", "line_break.pdf"),
        ("", "talk-7-slides.pdf"),
        ("....pdf", "talk-7-slides.pdf"),
    ],
)
def test_download_name_is_safe(original, expected):
    from sessions.models import Talk

    assert slides.download_name(Talk(pk=7, slides_filename=original)) == expected


def test_search_sees_the_text_once_the_task_accepted_it(upcoming_talk, media_root):
    from papers.selectors import catalogue

    def found(q: str) -> list[str]:
        return [hit.url for hit in catalogue(q) if hit.kind == "slides"]

    here = upcoming_talk.session.get_absolute_url()
    talk = slides.submit_slides(upcoming_talk, upload(text_pdf("The quokka benchmark")))
    assert found("quokka") == []  # waiting: nothing read, nothing indexed
    slides.process_pending(talk.pk, talk.slides_pending.name)
    assert found("quokka") == [here]
    # A refused upload leaves the accepted deck's text in the index.
    talk = slides.submit_slides(Talk.objects.get(pk=talk.pk), upload(encrypted_pdf()))
    slides.process_pending(talk.pk, talk.slides_pending.name)
    assert found("quokka") == [here]
    # A newer deck replaces it.
    talk = slides.submit_slides(Talk.objects.get(pk=talk.pk), upload(text_pdf("Wombats only")))
    slides.process_pending(talk.pk, talk.slides_pending.name)
    assert found("quokka") == [] and found("wombats") == [here]


@pytest.mark.django_db(transaction=True)
def test_deleting_a_talk_removes_its_pending_file_too(media_root):
    from tests.members.conftest import make_talk

    talk = make_talk(days=7)
    submit_and_process(talk, text_pdf("Accepted"))
    slides.submit_slides(Talk.objects.get(pk=talk.pk), upload(text_pdf("Waiting")))
    assert len(stored_files(media_root)) == 2
    Talk.objects.get(pk=talk.pk).delete()
    assert stored_files(media_root) == []


def test_the_admin_shows_the_upload_state_read_only(client, organiser, upcoming_talk, media_root):
    slides.submit_slides(upcoming_talk, upload(text_pdf("x")))
    client.force_login(organiser)
    html = client.get(f"/admin/schedule/talk/{upcoming_talk.pk}/change/").content.decode()
    assert "being processed" in html
    assert 'name="slides_state"' not in html and 'name="slides_pending"' not in html
