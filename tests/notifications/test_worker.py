"""A sign-up's mail reaches the mail backend through a real Celery worker (Redis broker,
PostgreSQL), as in production: the request only writes the outbox row and sends the task."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
from django.db import transaction

from notifications.models import Message
from notifications.tasks import deliver_message
from sessions import signups
from tests.members.conftest import make_talk, person_of
from tests.workers import database_url, running_workers

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
    with running_workers(queue, [f"{queue}@localhost"], env, tmp_path) as (log,):
        yield mails, log


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
