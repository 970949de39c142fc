"""A sign-up's mail reaches the mail backend through a real Celery worker (Redis broker,
PostgreSQL), as in production: the request only writes the outbox row and sends the task."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import transaction

from notifications.models import Message
from notifications.tasks import deliver_message
from readinggroup.celery import app as celery_app
from sessions import signups
from tests.arxiv.test_integration import database_url
from tests.members.conftest import make_talk, person_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def mail_worker(redis_url, postgres, transactional_db, tmp_path, monkeypatch):
    queue = f"mail-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(deliver_message, "queue", queue, raising=False)
    monkeypatch.setattr(deliver_message, "_exec_options", None)
    mails = tmp_path / "mails"
    mails.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "0",
        "EMAIL_URL": f"file://{mails}",
        "SITE_URL": "https://rg.example.org",
    }
    name = f"{queue}@localhost"
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "readinggroup",
            "worker",
            "--pool=solo",
            "--loglevel=info",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "-n",
            name,
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while not celery_app.control.ping(destination=[name], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not come up:\n{log.read_text()[-3000:]}")
        yield mails, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.services
def test_a_sign_up_mail_arrives_through_the_worker(mail_worker, member, organiser):
    mails, log = mail_worker
    alice = person_of(member, "Alice")
    person_of(organiser, "Olga")
    talk = make_talk(days=10)
    with transaction.atomic():
        signups.sign_up(talk, alice, "lead")
    deadline = time.monotonic() + 30
    while Message.objects.exclude(state=Message.State.SENT).exists():
        if time.monotonic() > deadline:
            states = list(Message.objects.values_list("kind", "state", "last_error"))
            pytest.fail(f"mails not sent: {states}\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    written = "\n".join(path.read_text() for path in sorted(mails.iterdir()))
    assert written.count("Subject: ") == 2
    assert "To: member@example.org" in written and "To: organiser@example.org" in written
    assert "Sign-up received: Topic I" in written
    assert "https://rg.example.org/mail/unsubscribe/" in written
    assert Message.objects.filter(state=Message.State.SENT).count() == 2
