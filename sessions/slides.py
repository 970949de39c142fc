"""Slides uploads: check that a file is a readable PDF, store it under a generated name, serve it.

A refused file is never written anywhere: `read_slides` runs on the upload before anything is
saved, and `store_slides` only touches storage and the talk once the file has passed.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from sessions.models import Talk

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
# Readers accept the header anywhere in the first kilobyte (some tools write a preamble).
MAGIC_WINDOW = 1024
# Enough text for search; a 300-page deck should not fill the database.
MAX_TEXT_CHARS = 200_000
# The work a request may spend on one upload's text (settings SLIDES_MAX_PAGES and
# SLIDES_TEXT_SECONDS bound the pages and the time): a page whose content stream is compressed
# beyond this, or is one an earlier page already drew, adds no text.
MAX_PAGE_CONTENT_BYTES = 1024 * 1024


class SlidesError(ValueError):
    """An upload the rules refuse; `str(error)` is the message to show."""


class SlidesSizeLimit(FileUploadHandler):
    """First upload handler of a slides upload: stops reading the body once the file passes
    `limit` bytes, so nothing beyond it is read, buffered or written to a temporary file."""

    def __init__(self, request=None, limit: int = 0) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            # connection_reset: the rest of the body is not read at all (not even discarded).
            raise StopUpload(connection_reset=True)
        return raw_data  # the next handler (memory or temporary file) keeps it

    def file_complete(self, file_size: int) -> None:
        return None


def too_large_message(size: int | None = None) -> str:
    limit = filesizeformat(settings.SLIDES_MAX_BYTES)
    if size:
        return _("The file is %(size)s; slides may be at most %(limit)s.") % {
            "size": filesizeformat(size),
            "limit": limit,
        }
    return _("The file is too large: slides may be at most %(limit)s.") % {"limit": limit}


@dataclass(frozen=True)
class SlidesInfo:
    pages: int
    text: str


def _size_of(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    position = file.tell()
    file.seek(0, 2)
    size = file.tell()
    file.seek(position)
    return size


def read_slides(file: IO[bytes]) -> SlidesInfo:
    """Page count and text of an uploaded PDF, or SlidesError saying why it is refused."""
    from pypdf import PdfReader

    size = _size_of(file)
    limit = settings.SLIDES_MAX_BYTES
    if size == 0:
        raise SlidesError(_("The file is empty."))
    if size > limit:
        raise SlidesError(
            _("The file is %(size)s; slides may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    file.seek(0)
    head = file.read(MAGIC_WINDOW)
    if PDF_MAGIC not in head:
        raise SlidesError(_("Slides must be a PDF file; this file is not a PDF."))
    file.seek(0)
    # pypdf meets arbitrary uploaded bytes here and signals a bad file with many exception
    # types (its own, ValueError, KeyError, RecursionError...): any failure means "broken".
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            raise SlidesError(
                "The PDF is encrypted (password-protected); upload an unprotected copy."
            )
        # The page tree's own count first: a crafted file of 10,000 pages is refused before
        # its tree is walked. len() then counts the pages that are really there.
        declared = _declared_pages(reader)
        if declared > settings.SLIDES_MAX_PAGES:
            raise _too_many_pages(declared)
        pages = len(reader.pages)
        if pages > settings.SLIDES_MAX_PAGES:
            raise _too_many_pages(pages)
    except SlidesError:
        raise
    except Exception as exc:
        logger.info("Refused a broken PDF: %s", exc)
        raise SlidesError(_("The PDF is damaged and cannot be opened; export it again.")) from None
    if pages == 0:
        raise SlidesError(_("The PDF has no pages."))
    return SlidesInfo(pages=pages, text=_extract_text(reader))


def _declared_pages(reader) -> int:
    try:
        count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
        return int(count)
    except Exception:  # no usable count: len(reader.pages) decides
        return 0


def _too_many_pages(pages: int) -> SlidesError:
    return SlidesError(
        _("The PDF has %(pages)d pages; slides may have at most %(limit)d.")
        % {"pages": pages, "limit": settings.SLIDES_MAX_PAGES}
    )


def _content_key(page) -> tuple | None:
    """Which stored stream(s) a page draws, and whether they are small enough to read."""
    contents = page.get("/Contents")
    if contents is None:
        return None
    refs = contents if isinstance(contents, list) else [contents]
    key, size = [], 0
    for ref in refs:
        key.append(getattr(ref, "idnum", id(ref)))
        stream = ref.get_object()
        size += len(getattr(stream, "_data", b"") or b"")
    if size > MAX_PAGE_CONTENT_BYTES:
        return ("too large",)
    return tuple(key)


def _extract_text(reader) -> str:
    """The deck's text for search, within a time budget: what was read by then is kept."""
    deadline = time.monotonic() + settings.SLIDES_TEXT_SECONDS
    parts: list[str] = []
    total = 0
    seen: set[tuple] = set()
    for page in reader.pages:
        if time.monotonic() > deadline:
            logger.info("Slides text cut at the time budget after %d pages", len(parts))
            break
        try:
            key = _content_key(page)
            # A stream another page already drew has no new text (and re-reading it for each
            # of thousands of pages is how a small file keeps a worker busy).
            if key == ("too large",) or (key is not None and key in seen):
                continue
            if key is not None:
                seen.add(key)
            text = page.extract_text() or ""
        except Exception as exc:  # one odd page should not refuse a deck that opens fine
            logger.info("Could not extract text from a slides page: %s", exc)
            continue
        # PostgreSQL text cannot hold NUL characters.
        text = text.replace("\x00", "").strip()
        if not text:
            continue
        parts.append(text)
        total += len(text)
        if total >= MAX_TEXT_CHARS:
            break
    return "\n\n".join(parts)[:MAX_TEXT_CHARS]


def store_slides(talk: Talk, upload: UploadedFile) -> Talk:
    """Check the upload and, if it passes, make it the talk's slides (replacing older ones)."""
    info = read_slides(upload)
    upload.seek(0)
    old_name = talk.slides_file.name if talk.slides_file else ""
    storage = talk.slides_file.storage
    # The stored name says nothing about the uploader's file name, which is kept apart.
    talk.slides_file.save(f"{uuid.uuid4().hex}.pdf", upload, save=False)
    new_name = talk.slides_file.name
    assert new_name is not None  # FieldFile.save() has just named the stored file
    talk.slides_filename = (PurePath(upload.name or "").name or "slides.pdf")[:255]
    talk.slides_pages = info.pages
    talk.slides_text = info.text
    try:
        with transaction.atomic():
            talk.save(
                update_fields=[
                    "slides_file",
                    "slides_filename",
                    "slides_pages",
                    "slides_text",
                    "updated_at",
                ]
            )
            if old_name and old_name != new_name:
                transaction.on_commit(lambda: storage.delete(old_name))
    except Exception:
        storage.delete(new_name)
        raise
    return talk


def remove_slides(talk: Talk) -> None:
    """Drop the talk's uploaded slides (the file goes once the change is committed)."""
    old_name = talk.slides_file.name
    if not old_name:  # a FieldFile is empty exactly when it has no name
        return
    storage = talk.slides_file.storage
    with transaction.atomic():
        talk.slides_file = ""
        talk.slides_filename = ""
        talk.slides_pages = None
        talk.slides_text = ""
        talk.save(
            update_fields=[
                "slides_file",
                "slides_filename",
                "slides_pages",
                "slides_text",
                "updated_at",
            ]
        )
        transaction.on_commit(lambda: storage.delete(old_name))


_UNSAFE = re.compile(r"[^\w.\- ()]+")


def download_name(talk: Talk) -> str:
    """A file name safe for Content-Disposition: no path, no quotes or controls, ends in .pdf."""
    name = PurePath((talk.slides_filename or "").replace("\\", "/")).name
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = _UNSAFE.sub("_", stem).strip(" .")[:120]
    if not stem:
        stem = f"talk-{talk.pk}-slides"
    return f"{stem}.pdf"
