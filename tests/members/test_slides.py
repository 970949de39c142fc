"""Slides: the PDF checks, storage under generated names, and what is refused (nothing stored)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sessions import slides
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


def test_store_uses_a_generated_name_and_keeps_the_original(upcoming_talk, media_root):
    slides.store_slides(upcoming_talk, upload(text_pdf("Kernel bypass"), name="../../etc/Deck.pdf"))
    upcoming_talk.refresh_from_db()
    assert re.fullmatch(r"slides/\d{4}/[0-9a-f]{32}\.pdf", upcoming_talk.slides_file.name)
    assert upcoming_talk.slides_filename == "Deck.pdf"
    assert upcoming_talk.slides_pages == 1
    assert "Kernel bypass" in upcoming_talk.slides_text
    assert [p.name for p in stored_files(media_root)] == [
        upcoming_talk.slides_file.name.rsplit("/", 1)[1]
    ]


@pytest.mark.django_db(transaction=True)
def test_replacing_deletes_the_old_file(media_root):
    from tests.members.conftest import make_talk

    talk = make_talk(days=7)
    slides.store_slides(talk, upload(text_pdf("First version")))
    first = talk.slides_file.name
    slides.store_slides(talk, upload(text_pdf("Second version")))
    talk.refresh_from_db()
    assert talk.slides_file.name != first
    assert [p.name for p in stored_files(media_root)] == [talk.slides_file.name.rsplit("/", 1)[1]]
    assert "Second version" in talk.slides_text
    slides.remove_slides(talk)
    talk.refresh_from_db()
    assert not talk.slides_file and talk.slides_pages is None and talk.slides_text == ""
    assert stored_files(media_root) == []


@pytest.mark.parametrize("data", [b"not a pdf", encrypted_pdf(), broken_pdf()])
def test_refused_upload_stores_nothing(upcoming_talk, media_root, data):
    with pytest.raises(slides.SlidesError):
        slides.store_slides(upcoming_talk, upload(data))
    upcoming_talk.refresh_from_db()
    assert not upcoming_talk.slides_file
    assert upcoming_talk.slides_filename == "" and upcoming_talk.slides_pages is None
    assert stored_files(media_root) == []


def test_nul_characters_never_reach_the_text(upcoming_talk, media_root, monkeypatch):
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
