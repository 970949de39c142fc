"""The slides task in a real Celery worker (prefork, as deployed): its time limit refuses a
deck that takes too long, the crafted 10,000-page deck is refused, and the worker goes on to
accept the next upload. Issue 12: the crafted deck kept a web worker busy past its timeout.

Needs REDIS_URL and DATABASE_URL=postgres://... (CI sets both); skipped otherwise, or failed
when REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sessions import slides
from sessions.models import SlidesState, Talk
from sessions.tasks import process_slides
from tests.members.conftest import make_talk
from tests.members.pdfs import many_streams_pdf, shared_stream_pdf, text_pdf
from tests.workers import database_url, running_workers

TASK_SECONDS = 1


@pytest.fixture
def worker(redis_url, postgres, transactional_db, media_root, tmp_path, monkeypatch):
    """One prefork `celery worker` (time limits need a pool that can interrupt its child)."""
    queue = f"slides-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(process_slides, "queue", queue, raising=False)
    # A task's limits travel in its message, set by the sender: this process sends them.
    monkeypatch.setattr(process_slides, "soft_time_limit", TASK_SECONDS)
    monkeypatch.setattr(process_slides, "time_limit", TASK_SECONDS + 30)
    monkeypatch.setattr(process_slides, "_exec_options", None)
    media_root.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(media_root),
        "SLIDES_TASK_SECONDS": str(TASK_SECONDS),
        # The text budget alone would let the slow deck finish: the task's limit must stop it.
        "SLIDES_TEXT_SECONDS": "60",
    }
    with running_workers(queue, [f"{queue}@localhost"], env, tmp_path, pool="prefork") as logs:
        yield logs[0]


def wait_until_decided(talks, log, seconds=40) -> None:
    deadline = time.monotonic() + seconds
    pks = [talk.pk for talk in talks]
    while Talk.objects.filter(pk__in=pks, slides_state=SlidesState.PROCESSING).exists():
        if time.monotonic() > deadline:
            pytest.fail(f"uploads still processing after {seconds} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


@pytest.mark.services
def test_the_worker_refuses_slow_and_crafted_decks_and_goes_on(worker):
    slow, crafted, good = (make_talk(days=7 * n) for n in (1, 2, 3))
    slides.submit_slides(slow, SimpleUploadedFile("slow.pdf", many_streams_pdf(100, 2000)))
    slides.submit_slides(crafted, SimpleUploadedFile("crafted.pdf", shared_stream_pdf(10_000, 50)))
    wait_until_decided([slow, crafted], worker)
    slow.refresh_from_db()
    crafted.refresh_from_db()
    assert slow.slides_state == SlidesState.REFUSED, worker.read_text()[-2000:]
    assert "took too long" in slow.slides_refusal_message
    assert crafted.slides_state == SlidesState.REFUSED
    assert "has 10000 pages" in crafted.slides_refusal_message

    # The same worker takes the next upload: nothing was left stuck.
    slides.submit_slides(good, SimpleUploadedFile("good.pdf", text_pdf("After the storm")))
    wait_until_decided([good], worker)
    good.refresh_from_db()
    assert good.slides_state == SlidesState.NONE and "After the storm" in good.slides_text
