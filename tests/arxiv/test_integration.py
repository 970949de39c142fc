"""Two real Celery workers, one PostgreSQL test database, one Redis, one fake arXiv.

Needs REDIS_URL and DATABASE_URL=postgres://... (CI sets both); skipped otherwise, or failed
when REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings

from papers.arxiv.ratelimit import HOLDER_KEY, NEXT_FREE_KEY
from papers.models import Paper
from papers.services import request_fetch
from papers.tasks import fetch_arxiv_metadata
from readinggroup.celery import app as celery_app
from tests.arxiv.fake_server import FakeArxiv
from tests.factories import PaperFactory

ROOT = Path(__file__).resolve().parents[2]
INTERVAL = 0.2
BATCH = 25
PAPERS = 300


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def workers(redis_url, postgres, transactional_db, tmp_path, monkeypatch, settings):
    """Start two `celery worker` processes on a queue of their own; stop them afterwards."""
    settings.ARXIV_BATCH_SIZE = BATCH  # one task per batch here, one request per task there
    queue = f"arxiv-test-{uuid.uuid4().hex[:8]}"
    # Tasks sent from this process go to that queue (the option cache is reset with it).
    monkeypatch.setattr(fetch_arxiv_metadata, "queue", queue, raising=False)
    monkeypatch.setattr(fetch_arxiv_metadata, "_exec_options", None)
    redis.Redis.from_url(redis_url).delete(HOLDER_KEY, NEXT_FREE_KEY)

    fake = FakeArxiv(style="new").start()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "0",
        "ARXIV_API_URL": fake.url,
        "ARXIV_MIN_INTERVAL": str(INTERVAL),
        "ARXIV_BATCH_SIZE": str(BATCH),
        "ARXIV_RETRY_BASE": "0.1",
        "ARXIV_TIMEOUT": "5",
    }
    names = [f"{queue}-{n}@localhost" for n in (1, 2)]
    processes, logs = [], []
    for name in names:
        log = tmp_path / f"{name.split('@')[0]}.log"
        logs.append(log)
        processes.append(
            subprocess.Popen(
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
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            replies = celery_app.control.ping(destination=names, timeout=0.5)
            if len(replies) == len(names):
                break
            dead = [p for p in processes if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                output = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs)
                pytest.fail(f"Celery workers did not come up:\n{output}")
        yield fake, logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        fake.stop()


@pytest.mark.services
def test_two_workers_fill_every_paper_spaced_and_once(workers):
    fake, logs = workers
    ids = [f"2501.{n:05d}" for n in range(1, PAPERS + 1)]
    fake.add_generated(ids)
    missing = "2501.99999"  # not on arXiv: must end as failed, not stuck
    papers = [PaperFactory(proceedings=None, title="placeholder", arxiv_id=i) for i in ids]
    lost = PaperFactory(proceedings=None, title="placeholder", arxiv_id=missing)

    started = time.monotonic()
    queued = request_fetch([p.pk for p in papers] + [lost.pk])
    assert len(queued) == PAPERS + 1

    deadline = started + 45
    while Paper.objects.filter(fetch_status=Paper.FetchStatus.QUEUED).exists():
        if time.monotonic() > deadline:
            output = "\n".join(log.read_text(errors="replace")[-3000:] for log in logs)
            pytest.fail(f"papers still queued after 45 s:\n{output}")
        time.sleep(0.2)

    # Every paper filled in, from its own entry.
    rows = {p.arxiv_id: p for p in Paper.objects.exclude(arxiv_id=missing)}
    assert len(rows) == PAPERS
    for n, arxiv_id in enumerate(ids):
        paper = rows[arxiv_id]
        assert paper.fetch_status == Paper.FetchStatus.FETCHED, (arxiv_id, paper.fetch_error)
        assert paper.title == f"Generated paper {n}: scaling the {arxiv_id} system"
        assert paper.authors == [f"Author {n}", "Grace Hopper"]
        assert paper.arxiv_version == 1
    lost = Paper.objects.get(arxiv_id=missing)
    # Issue 11: an id arXiv does not know is "missing" (was "failed").
    assert (lost.fetch_status, lost.fetch_error) == ("missing", f"arXiv has no paper {missing}.")

    # Nothing duplicated: one row per paper, each id asked once, ceil(301 / 25) requests.
    assert Paper.objects.count() == PAPERS + 1
    assert sorted(fake.asked_ids()) == sorted([*ids, missing])
    assert len(fake.requests) == -(-(PAPERS + 1) // BATCH)

    # Both workers worked, and arXiv never saw two requests closer than the interval.
    done = [log.read_text(errors="replace").count("succeeded in") for log in logs]
    assert all(count > 0 for count in done), done
    assert sum(done) == len(fake.requests)  # one task per batch
    assert min(fake.gaps()) >= INTERVAL, sorted(fake.gaps())[:3]
