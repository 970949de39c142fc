"""Two real Celery workers, one PostgreSQL test database, one Redis, one fake arXiv.

Needs REDIS_URL and DATABASE_URL=postgres://... (CI sets both); skipped otherwise, or failed
when REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
import redis

from papers.arxiv.ratelimit import HOLDER_KEY, NEXT_FREE_KEY
from papers.models import Paper
from papers.services import request_fetch
from papers.tasks import fetch_arxiv_metadata
from tests.arxiv.fake_server import FakeArxiv
from tests.factories import PaperFactory
from tests.workers import database_url, running_workers

ROOT = Path(__file__).resolve().parents[2]
INTERVAL = 0.2
BATCH = 25
PAPERS = 300


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
    try:
        with running_workers(queue, names, env, tmp_path) as logs:
            yield fake, logs
    finally:
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
