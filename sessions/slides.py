"""Slides uploads: take a PDF in the request, read it in the slides task, serve it.

The request runs only checks that need no PDF parsing (`check_upload`: empty, size, the
`%PDF-` header) and stores the file under a generated name as the talk's *pending* slides
(`submit_slides`); the slides task (sessions/tasks.py) then opens it with pypdf within a page
and time budget (`process_pending`) and either makes it the talk's slides or refuses it, saying
why on the talk. The talk's current slides stay as they are until a new file has passed.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import IO, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from readinggroup import queue
from sessions.models import SlidesState, Talk

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
# Readers accept the header anywhere in the first kilobyte (some tools write a preamble).
MAGIC_WINDOW = 1024
# Enough text for search; a 300-page deck should not fill the database.
MAX_TEXT_CHARS = 200_000
# The work the task may spend on one upload's text (settings SLIDES_MAX_PAGES and
# SLIDES_TEXT_SECONDS bound the pages and the time): a page whose content stream is compressed
# beyond this, or is one an earlier page already drew, adds no text.
MAX_PAGE_CONTENT_BYTES = 1024 * 1024
# Sent by name: sessions.tasks wraps this module, which never imports it.
PROCESS_TASK = "sessions.tasks.process_slides"
# Runs of the task on one file before it is refused (a file that kills the worker comes back
# after the broker's visibility timeout, and would again and again).
MAX_ATTEMPTS = 3
# A "processing" upload whose task has not finished after this long was lost: sent again.
LOST_AFTER = datetime.timedelta(minutes=10)


class SlidesError(ValueError):
    """An upload the rules refuse; `str(error)` is the message to show (in the active
    language), `message` and `params` what is stored to show it later in another."""

    def __init__(self, message: str, **params: Any) -> None:
        self.message = message
        self.params = params
        super().__init__(message)

    def __str__(self) -> str:
        return _(self.message) % self.params if self.params else _(self.message)

    def as_refusal(self) -> dict[str, Any]:
        return {"message": self.message, "params": self.params}


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


def check_upload(file: IO[bytes]) -> None:
    """The checks an upload passes before it is stored, none of which parses the PDF: it is
    not empty, not too large, and starts like a PDF. Raises SlidesError."""
    size = _size_of(file)
    limit = settings.SLIDES_MAX_BYTES
    if size == 0:
        raise SlidesError(gettext_noop("The file is empty."))
    if size > limit:
        raise SlidesError(
            gettext_noop("The file is %(size)s; slides may be at most %(limit)s."),
            size=filesizeformat(size),
            limit=filesizeformat(limit),
        )
    file.seek(0)
    head = file.read(MAGIC_WINDOW)
    file.seek(0)
    if PDF_MAGIC not in head:
        raise SlidesError(gettext_noop("Slides must be a PDF file; this file is not a PDF."))


def read_slides(file: IO[bytes]) -> SlidesInfo:
    """Page count and text of an uploaded PDF, or SlidesError saying why it is refused.

    The slides task's work (slow on a crafted file: never call it in a request).
    """
    from pypdf import PdfReader

    check_upload(file)
    # pypdf meets arbitrary uploaded bytes here and signals a bad file with many exception
    # types (its own, ValueError, KeyError, RecursionError...): any failure means "broken".
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            raise SlidesError(
                gettext_noop(
                    "The PDF is encrypted (password-protected); upload an unprotected copy."
                )
            )
        # The page tree's own count first: a crafted file of 10,000 pages is refused before
        # its tree is walked. len() then counts the pages that are really there.
        declared = _declared_pages(reader)
        if declared > settings.SLIDES_MAX_PAGES:
            raise _too_many_pages(declared)
        pages = len(reader.pages)
        if pages > settings.SLIDES_MAX_PAGES:
            raise _too_many_pages(pages)
    except (SlidesError, SoftTimeLimitExceeded):  # the task's time limit is not a broken file
        raise
    except Exception as exc:
        logger.info("Refused a broken PDF: %s", exc)
        raise SlidesError(
            gettext_noop("The PDF is damaged and cannot be opened; export it again.")
        ) from None
    if pages == 0:
        raise SlidesError(gettext_noop("The PDF has no pages."))
    return SlidesInfo(pages=pages, text=_extract_text(reader))


def _declared_pages(reader) -> int:
    try:
        count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
        return int(count)
    except Exception:  # no usable count: len(reader.pages) decides
        return 0


def _too_many_pages(pages: int) -> SlidesError:
    return SlidesError(
        gettext_noop("The PDF has %(pages)d pages; slides may have at most %(limit)d."),
        pages=pages,
        limit=settings.SLIDES_MAX_PAGES,
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
        except SoftTimeLimitExceeded:
            raise
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


PENDING_FIELDS = [
    "slides_pending",
    "slides_pending_filename",
    "slides_state",
    "slides_refusal",
    "slides_attempts",
    "slides_queued_at",
    "updated_at",
]


def submit_slides(talk: Talk, upload: UploadedFile) -> Talk:
    """Store the upload as the talk's pending slides and queue the slides task to read it.

    Only the cheap checks run here (check_upload); the talk's current slides are kept until the
    task has accepted the new file. A newer upload replaces a pending one (whose task then finds
    its file gone and does nothing). Raises SlidesError, having stored nothing.
    """
    check_upload(upload)
    storage = talk.slides_pending.storage
    # The stored name says nothing about the uploader's file name, which is kept apart.
    new_name = storage.save(
        talk.slides_pending.field.generate_filename(talk, f"{uuid.uuid4().hex}.pdf"), upload
    )
    committed: list[bool] = []
    try:
        with transaction.atomic():
            # Registered first, so it has run by the time a later callback (an eager task) may
            # raise: a committed row's file must stay.
            transaction.on_commit(partial(committed.append, True))
            locked = Talk.objects.select_for_update().get(pk=talk.pk)
            old_pending = locked.slides_pending.name or ""
            locked.slides_pending.name = new_name
            locked.slides_pending_filename = (PurePath(upload.name or "").name or "slides.pdf")[
                :255
            ]
            locked.slides_state = SlidesState.PROCESSING
            locked.slides_refusal = {}
            locked.slides_attempts = 0
            locked.slides_queued_at = timezone.now()
            locked.save(update_fields=PENDING_FIELDS)
            if old_pending and old_pending != new_name:
                transaction.on_commit(partial(storage.delete, old_pending))
            _send(locked.pk, new_name)
    except Exception:
        if not committed:
            storage.delete(new_name)
        raise
    return locked


def _send(talk_id: int, name: str) -> None:
    queue.send_on_commit(PROCESS_TASK, (talk_id, name), partial(_mark_unqueued, talk_id, name))


def _mark_unqueued(talk_id: int, name: str, exc: Exception) -> None:
    # Only if this file is still waiting: an eager run may have decided already.
    Talk.objects.filter(
        pk=talk_id, slides_pending=name, slides_state=SlidesState.PROCESSING
    ).update(slides_state=SlidesState.UNQUEUED)


def requeue_waiting(now: datetime.datetime | None = None) -> int:
    """The periodic sweep: send the task again for uploads the broker refused, and for those
    whose task was lost (still processing after LOST_AFTER). Returns how many were sent."""
    now = now or timezone.now()
    waiting = Talk.objects.filter(slides_state=SlidesState.UNQUEUED) | Talk.objects.filter(
        slides_state=SlidesState.PROCESSING, slides_queued_at__lt=now - LOST_AFTER
    )
    sent = 0
    for talk_id, name in list(waiting.values_list("pk", "slides_pending")[:500]):
        with transaction.atomic():
            claimed = Talk.objects.filter(pk=talk_id, slides_pending=name).update(
                slides_state=SlidesState.PROCESSING, slides_queued_at=now
            )
            if claimed:
                _send(talk_id, name)
                sent += 1
    return sent


def process_pending(talk_id: int, name: str) -> str:
    """The slides task: read the talk's pending file `name` with pypdf and make it the talk's
    slides, or refuse it (the file is deleted, the reason kept on the talk). Returns what
    happened: "accepted", "refused", or "superseded" (a newer upload or a removal came first)."""
    # Counted before the work: a run that kills the worker still counts.
    claimed = Talk.objects.filter(
        pk=talk_id,
        slides_pending=name,
        slides_state__in=[SlidesState.PROCESSING, SlidesState.UNQUEUED],
    ).update(slides_attempts=F("slides_attempts") + 1, slides_state=SlidesState.PROCESSING)
    if not claimed:
        return "superseded"
    talk = Talk.objects.get(pk=talk_id)
    try:
        if talk.slides_attempts > MAX_ATTEMPTS:
            raise SlidesError(
                gettext_noop(
                    "The PDF could not be processed (reading it stopped the worker %(runs)d "
                    "times); export it again or make it smaller."
                ),
                runs=MAX_ATTEMPTS,
            )
        with talk.slides_pending.open("rb") as file:
            info = read_slides(file)
    except SoftTimeLimitExceeded:
        return _refuse(
            talk_id,
            name,
            SlidesError(
                gettext_noop("The PDF took too long to read; export it again or make it smaller.")
            ),
        )
    except FileNotFoundError:
        return _refuse(
            talk_id, name, SlidesError(gettext_noop("The uploaded file is missing; upload again."))
        )
    except SlidesError as exc:
        return _refuse(talk_id, name, exc)
    return _accept(talk_id, name, info)


def _accept(talk_id: int, name: str, info: SlidesInfo) -> str:
    with transaction.atomic():
        talk = Talk.objects.select_for_update().filter(pk=talk_id, slides_pending=name).first()
        if talk is None:
            return "superseded"
        storage = talk.slides_file.storage
        old_name = talk.slides_file.name or ""
        talk.slides_file.name = name
        talk.slides_filename = talk.slides_pending_filename or "slides.pdf"
        talk.slides_pages = info.pages
        # Saved with save(): the search index follows slides_text through post_save.
        talk.slides_text = info.text
        talk.slides_pending = ""
        talk.slides_pending_filename = ""
        talk.slides_state = SlidesState.NONE
        talk.slides_refusal = {}
        talk.slides_queued_at = None
        talk.save(
            update_fields=[
                "slides_file",
                "slides_filename",
                "slides_pages",
                "slides_text",
                *PENDING_FIELDS,
            ]
        )
        if old_name and old_name != name:
            transaction.on_commit(partial(storage.delete, old_name))
    return "accepted"


def _refuse(talk_id: int, name: str, error: SlidesError) -> str:
    logger.info("Refused the slides of talk %s: %s", talk_id, error)
    with transaction.atomic():
        talk = Talk.objects.select_for_update().filter(pk=talk_id, slides_pending=name).first()
        if talk is None:
            return "superseded"
        storage = talk.slides_pending.storage
        talk.slides_pending = ""
        talk.slides_state = SlidesState.REFUSED
        talk.slides_refusal = error.as_refusal()
        talk.slides_queued_at = None
        # The uploader's file name stays: the refusal says which file it was.
        talk.save(update_fields=PENDING_FIELDS)
        transaction.on_commit(partial(storage.delete, name))
    return "refused"


def remove_slides(talk: Talk) -> None:
    """Drop the talk's slides: the uploaded deck and any upload still waiting for the task, whose
    run then finds it superseded, and a refusal's note. The files go once that is committed."""
    with transaction.atomic():
        # The row as it is now: an upload may have arrived since `talk` was read.
        locked = Talk.objects.select_for_update().get(pk=talk.pk)
        files = [(f.storage, f.name) for f in (locked.slides_file, locked.slides_pending) if f.name]
        if not files and not locked.slides_state:
            return
        locked.slides_file = ""
        locked.slides_filename = ""
        locked.slides_pages = None
        locked.slides_text = ""
        locked.slides_pending = ""
        locked.slides_pending_filename = ""
        locked.slides_state = SlidesState.NONE
        locked.slides_refusal = {}
        locked.slides_queued_at = None
        locked.save(
            update_fields=sorted(
                {"slides_file", "slides_filename", "slides_pages", "slides_text", *PENDING_FIELDS}
            )
        )
        for storage, name in files:
            transaction.on_commit(partial(storage.delete, name))
    talk.refresh_from_db()


_UNSAFE = re.compile(r"[^\w.\- ()]+")


def download_name(talk: Talk) -> str:
    """A file name safe for Content-Disposition: no path, no quotes or controls, ends in .pdf."""
    name = PurePath((talk.slides_filename or "").replace("\\", "/")).name
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = _UNSAFE.sub("_", stem).strip(" .")[:120]
    if not stem:
        stem = f"talk-{talk.pk}-slides"
    return f"{stem}.pdf"
